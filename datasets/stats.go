package datasets

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/ardm-dev/ardm/audio"
)

// Summary is the distribution of one measurement over clips.
type Summary struct {
	N      int     `json:"n"`
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
}

// summarize returns the summary of xs (sorted in place). The median of an
// even count is the mean of the two middle values.
func summarize(xs []float64) Summary {
	if len(xs) == 0 {
		return Summary{}
	}
	slices.Sort(xs)
	n := len(xs)
	var sum float64
	for _, x := range xs {
		sum += x
	}
	med := xs[n/2]
	if n%2 == 0 {
		med = (xs[n/2-1] + xs[n/2]) / 2
	}
	return Summary{N: n, Min: xs[0], Median: med, Max: xs[n-1], Mean: sum / float64(n)}
}

// SplitStats describes the clips of one split (or of all, as "all").
type SplitStats struct {
	Split    string         `json:"split"`
	Clips    int            `json:"clips"`
	Speakers int            `json:"speakers"`
	Words    map[string]int `json:"words"`
	// Seconds is the distribution of source durations (before padding).
	Seconds      Summary `json:"seconds"`
	TotalSeconds float64 `json:"total_seconds"`
	// PeakDBFS and RMSDBFS are distributions of per-clip levels over the
	// samples taken from the source (padding excluded); digitally silent
	// clips are left out and counted in Silent.
	PeakDBFS Summary `json:"peak_dbfs"`
	RMSDBFS  Summary `json:"rms_dbfs"`
	Silent   int     `json:"silent"`
	// Clipped counts clips with at least one sample at -32768 or 32767.
	Clipped int `json:"clipped"`
}

// Stats summarises a data set.
type Stats struct {
	Dir    string `json:"dir"`
	Kind   string `json:"kind"` // "speech-commands" or "shards"
	Length int    `json:"length"`
	Rate   int    `json:"rate"`
	// Splits has one entry per split present, in the order of Splits,
	// then "all".
	Splits []SplitStats `json:"splits"`
	// Words present, in the order of Words (then others, sorted).
	Words []string `json:"words"`
	// IssueCounts counts issues by kind over loaded and skipped files.
	IssueCounts map[string]int `json:"issue_counts,omitempty"`
	// Skipped are the source files that gave no clip.
	Skipped []FileIssue `json:"skipped,omitempty"`
	// SpeakersInSeveralSplits lists speakers found in more than one split
	// (a leak between training and evaluation when not empty).
	SpeakersInSeveralSplits []string `json:"speakers_in_several_splits,omitempty"`
	// Load is the loader's report when the clips came from a Speech
	// Commands directory (ComputeStats leaves it nil; the caller sets it).
	Load *Report `json:"load,omitempty"`
}

// Levels returns the peak and RMS level of samples in dBFS, relative to
// full scale 32768 (a full-scale square wave is 0 dBFS, a full-scale sine
// has an RMS of -3.01 dBFS), as audio.Stats measures them. Silence gives
// -Inf for both.
func Levels(samples []int16) (peakDBFS, rmsDBFS float64) {
	return audio.Levels(samples, 16)
}

// ComputeStats summarises clips. skipped are files that gave no clip (from
// a Report or a shard index); their issues are counted too.
func ComputeStats(clips []Clip, skipped []FileIssue) *Stats {
	st := &Stats{IssueCounts: make(map[string]int), Skipped: skipped}
	if len(clips) > 0 {
		st.Length = len(clips[0].Samples)
		st.Rate = clips[0].Rate
	}
	type acc struct {
		SplitStats
		speakers          map[string]bool
		secs, peaks, rmss []float64
	}
	accs := make(map[string]*acc)
	get := func(name string) *acc {
		a, ok := accs[name]
		if !ok {
			a = &acc{SplitStats: SplitStats{Split: name, Words: make(map[string]int)}, speakers: make(map[string]bool)}
			accs[name] = a
		}
		return a
	}
	speakerSplits := make(map[string]map[string]bool)
	words := make(map[string]bool)
	for i := range clips {
		c := &clips[i]
		for _, is := range c.Issues {
			st.IssueCounts[IssueKind(is)]++
		}
		words[c.Word] = true
		if speakerSplits[c.Speaker] == nil {
			speakerSplits[c.Speaker] = make(map[string]bool)
		}
		speakerSplits[c.Speaker][c.Split] = true
		peak, rms := Levels(c.Original())
		clipped := slices.Contains(c.Original(), -32768) || slices.Contains(c.Original(), 32767)
		for _, a := range []*acc{get(c.Split), get("all")} {
			a.Clips++
			a.Words[c.Word]++
			a.speakers[c.Speaker] = true
			d := c.Duration()
			a.secs = append(a.secs, d)
			a.TotalSeconds += d
			if math.IsInf(peak, -1) {
				a.Silent++
			} else {
				a.peaks = append(a.peaks, peak)
				a.rmss = append(a.rmss, rms)
			}
			if clipped {
				a.Clipped++
			}
		}
	}
	for _, s := range skipped {
		for _, is := range s.Issues {
			st.IssueCounts[IssueKind(is)]++
		}
	}
	var order []string
	for _, s := range Splits {
		if accs[s] != nil {
			order = append(order, s)
		}
	}
	var others []string
	for s := range accs {
		if s != "all" && !slices.Contains(Splits, s) {
			others = append(others, s)
		}
	}
	slices.Sort(others)
	order = append(order, others...)
	if accs["all"] != nil {
		order = append(order, "all")
	}
	for _, name := range order {
		a := accs[name]
		a.Speakers = len(a.speakers)
		a.Seconds = summarize(a.secs)
		a.PeakDBFS = summarize(a.peaks)
		a.RMSDBFS = summarize(a.rmss)
		st.Splits = append(st.Splits, a.SplitStats)
	}
	for _, w := range Words {
		if words[w] {
			st.Words = append(st.Words, w)
			delete(words, w)
		}
	}
	st.Words = append(st.Words, slices.Sorted(maps.Keys(words))...)
	for spk, splits := range speakerSplits {
		if len(splits) > 1 {
			st.SpeakersInSeveralSplits = append(st.SpeakersInSeveralSplits, spk)
		}
	}
	slices.Sort(st.SpeakersInSeveralSplits)
	return st
}

// Text renders the statistics as a plain-text report: one table of counts
// (rows: words, then clips, speakers, durations and levels; columns:
// splits), then the issues.
func (st *Stats) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %d samples per clip at %d Hz\n\n", st.Dir, st.Kind, st.Length, st.Rate)
	const lw = 22
	row := func(label string, cell func(s *SplitStats) string) {
		fmt.Fprintf(&b, "%-*s", lw, label)
		for i := range st.Splits {
			fmt.Fprintf(&b, " %22s", cell(&st.Splits[i]))
		}
		b.WriteByte('\n')
	}
	row("", func(s *SplitStats) string { return s.Split })
	for _, w := range st.Words {
		row(w, func(s *SplitStats) string { return fmt.Sprint(s.Words[w]) })
	}
	row("clips", func(s *SplitStats) string { return fmt.Sprint(s.Clips) })
	row("speakers", func(s *SplitStats) string { return fmt.Sprint(s.Speakers) })
	row("hours", func(s *SplitStats) string { return fmt.Sprintf("%.3f", s.TotalSeconds/3600) })
	triple := func(x Summary, prec int) string {
		if x.N == 0 {
			return "-"
		}
		return fmt.Sprintf("%.*f/%.*f/%.*f", prec, x.Min, prec, x.Median, prec, x.Max)
	}
	row("seconds min/med/max", func(s *SplitStats) string { return triple(s.Seconds, 3) })
	row("peak dBFS min/med/max", func(s *SplitStats) string { return triple(s.PeakDBFS, 1) })
	row("RMS dBFS min/med/max", func(s *SplitStats) string { return triple(s.RMSDBFS, 1) })
	row("silent clips", func(s *SplitStats) string { return fmt.Sprint(s.Silent) })
	row("clipped clips", func(s *SplitStats) string { return fmt.Sprint(s.Clipped) })
	b.WriteByte('\n')
	if len(st.IssueCounts) == 0 {
		b.WriteString("issues: none\n")
	} else {
		b.WriteString("issues:")
		for _, k := range slices.Sorted(maps.Keys(st.IssueCounts)) {
			fmt.Fprintf(&b, " %s %d", k, st.IssueCounts[k])
		}
		b.WriteByte('\n')
	}
	for _, s := range st.Skipped {
		fmt.Fprintf(&b, "skipped %s: %s\n", s.Path, strings.Join(s.Issues, "; "))
	}
	if r := st.Load; r != nil {
		fmt.Fprintf(&b, "splits from %s; %d digit-word files, %d loaded\n", r.SplitSource, r.Files, r.Loaded)
		if len(r.OtherDirs) > 0 {
			fmt.Fprintf(&b, "ignored directories: %s\n", strings.Join(r.OtherDirs, " "))
		}
		if n := len(r.ListedMissing); n > 0 {
			fmt.Fprintf(&b, "listed but missing (%d): %s\n", n, strings.Join(r.ListedMissing, " "))
		}
		if n := len(r.ListDisagrees); n > 0 {
			fmt.Fprintf(&b, "split lists differ from which_set (%d, lists win): %s\n", n, strings.Join(r.ListDisagrees, " "))
		}
	}
	if n := len(st.SpeakersInSeveralSplits); n > 0 {
		fmt.Fprintf(&b, "speakers in several splits (%d): %s\n", n, strings.Join(st.SpeakersInSeveralSplits, " "))
	}
	return b.String()
}
