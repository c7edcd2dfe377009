package datasets

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestLevels(t *testing.T) {
	sine := make([]int16, 16000)
	for i := range sine {
		sine[i] = int16(math.Round(32767 * math.Sin(2*math.Pi*440*float64(i)/16000)))
	}
	for _, tc := range []struct {
		name      string
		in        []int16
		peak, rms float64
	}{
		{"full-scale square", []int16{-32768, -32768, -32768, -32768}, 0, 0},
		{"half-scale dc", []int16{16384, 16384}, -6.0206, -6.0206},
		{"one in four", []int16{0, 0, 0, 16384}, -6.0206, -12.0412},
		{"full-scale sine", sine, -0.0003, -3.0106},
		{"silence", make([]int16, 10), math.Inf(-1), math.Inf(-1)},
		{"empty", nil, math.Inf(-1), math.Inf(-1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, r := Levels(tc.in)
			near := func(a, b float64) bool { return a == b || math.Abs(a-b) < 1e-3 }
			if !near(p, tc.peak) || !near(r, tc.rms) {
				t.Errorf("peak %.4f rms %.4f, want %.4f %.4f", p, r, tc.peak, tc.rms)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want Summary
	}{
		{nil, Summary{}},
		{[]float64{3}, Summary{1, 3, 3, 3, 3}},
		{[]float64{4, 1, 3, 2}, Summary{4, 1, 2.5, 4, 2.5}},
		{[]float64{5, -1, 2}, Summary{3, -1, 2, 5, 2}},
	} {
		if got := summarize(tc.in); got != tc.want {
			t.Errorf("summarize(%v) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestComputeStats(t *testing.T) {
	mk := func(word, speaker, split string, amp int16, frames int) Clip {
		s := make([]int16, 100)
		for i := range min(frames, 100) {
			s[i] = amp
		}
		return Clip{Path: word + "/" + speaker + "_nohash_0.wav", Word: word, Speaker: speaker, Split: split, Samples: s, Rate: 100, Frames: frames}
	}
	clips := []Clip{
		mk("one", "a", Training, 16384, 100),  // -6.02 dBFS
		mk("one", "b", Training, 8192, 50),    // -12.04, 0.5 s
		mk("two", "a", Training, 32767, 100),  // clipped
		mk("zero", "c", Validation, 0, 100),   // silent
		mk("two", "a", Testing, 4096, 200),    // speaker a leaks into testing; long
		mk("nine", "d", Validation, 1024, 80), //
	}
	clips[1].Issues = []string{IssueShort + ": 50 samples"}
	skipped := []FileIssue{{Path: "three/x_nohash_0.wav", Issues: []string{IssueRate + ": 8000 Hz"}}}
	st := ComputeStats(clips, skipped)
	if len(st.Splits) != 4 {
		t.Fatalf("%d split rows, want training, validation, testing, all", len(st.Splits))
	}
	wantOrder := []string{Training, Validation, Testing, "all"}
	for i, s := range st.Splits {
		if s.Split != wantOrder[i] {
			t.Errorf("row %d is %s, want %s", i, s.Split, wantOrder[i])
		}
	}
	tr, va, all := st.Splits[0], st.Splits[1], st.Splits[3]
	if tr.Clips != 3 || tr.Speakers != 2 || tr.Words["one"] != 2 || tr.Words["two"] != 1 || tr.Clipped != 1 {
		t.Errorf("training %+v", tr)
	}
	if math.Abs(tr.PeakDBFS.Min+12.0412) > 1e-3 || math.Abs(tr.PeakDBFS.Median+6.0206) > 1e-3 || tr.PeakDBFS.Max > 0 || tr.PeakDBFS.Max < -0.001 {
		t.Errorf("training peaks %+v", tr.PeakDBFS)
	}
	if tr.Seconds != (Summary{3, 0.5, 1, 1, 2.5 / 3}) || tr.TotalSeconds != 2.5 {
		t.Errorf("training seconds %+v total %v", tr.Seconds, tr.TotalSeconds)
	}
	if va.Silent != 1 || va.PeakDBFS.N != 1 || va.Clips != 2 {
		t.Errorf("validation %+v", va)
	}
	if all.Clips != 6 || all.Speakers != 4 || all.Seconds.Max != 2 {
		t.Errorf("all %+v", all)
	}
	if strings.Join(st.Words, ",") != "zero,one,two,nine" {
		t.Errorf("words %v", st.Words)
	}
	if strings.Join(st.SpeakersInSeveralSplits, ",") != "a" {
		t.Errorf("speakers in several splits %v", st.SpeakersInSeveralSplits)
	}
	if st.IssueCounts[IssueShort] != 1 || st.IssueCounts[IssueRate] != 1 {
		t.Errorf("issue counts %v", st.IssueCounts)
	}
	if _, err := json.Marshal(st); err != nil {
		t.Errorf("stats do not encode as JSON: %v", err)
	}
	text := st.Text()
	for _, want := range []string{"training", "validation", "testing", "all", "speakers", "RMS dBFS", "rate 1", "short 1", "skipped three/x_nohash_0.wav", "speakers in several splits (1): a"} {
		if !strings.Contains(text, want) {
			t.Errorf("text report lacks %q:\n%s", want, text)
		}
	}
}

func TestStatsRealSC09(t *testing.T) {
	dir := sharedData(t, "sc09-real-dev")
	set, err := LoadSC09(dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st := ComputeStats(set.Clips, set.Report.Skipped)
	all := st.Splits[len(st.Splits)-1]
	if all.Clips != len(set.Clips) || all.Silent != 0 || len(st.SpeakersInSeveralSplits) != 0 {
		t.Errorf("all: %+v; speakers in several splits %v", all, st.SpeakersInSeveralSplits)
	}
	// Real speech: peaks well below full scale on the quiet end, RMS
	// always below peak, every clip at most 1 s.
	if all.PeakDBFS.Max > 0 || all.RMSDBFS.Max >= all.PeakDBFS.Max || all.Seconds.Max != 1 || all.Seconds.Min >= 1 {
		t.Errorf("levels or durations implausible: %+v", all)
	}
}
