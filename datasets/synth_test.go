package datasets

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ardm-dev/ardm/audio"
)

// synthTiny makes a tiny synthetic set, skipping the test when espeak-ng
// is not installed.
// voices nil means the installed ones.
func synthTiny(t *testing.T, dir string, jobs int, voices []SynthVoice) {
	t.Helper()
	opts := SynthOptions{Out: dir, Speakers: 3, Seed: 7, Jobs: jobs, Words: []string{"one", "seven"}, Voices: voices}
	calls, last := 0, 0
	err := Synthesize(context.Background(), opts, func(done, total int) {
		calls++
		if done != last+1 || total != 6 {
			t.Errorf("progress(%d, %d) after %d", done, total, last)
		}
		last = done
	})
	if errors.Is(err, ErrEspeakNotFound) {
		t.Skip("espeak-ng not installed (apt-get install espeak-ng); synthesis not tested")
	}
	if err != nil {
		t.Fatal(err)
	}
	if calls != 6 {
		t.Errorf("progress called %d times, want 6", calls)
	}
}

// readTree returns every file under dir by relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func readManifest(t *testing.T, dir string) []map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	head := strings.Split(lines[0], "\t")
	var rows []map[string]string
	for _, l := range lines[1:] {
		f := strings.Split(l, "\t")
		if len(f) != len(head) {
			t.Fatalf("manifest row has %d fields, header %d: %q", len(f), len(head), l)
		}
		row := map[string]string{}
		for i, h := range head {
			row[h] = f[i]
		}
		rows = append(rows, row)
	}
	return rows
}

func TestSynthesize(t *testing.T) {
	base := t.TempDir()
	d1, d2 := filepath.Join(base, "j1"), filepath.Join(base, "j3")
	synthTiny(t, d1, 1, nil)
	// The installed voices, found again, give the same speakers.
	voices, err := SynthVoices(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	synthTiny(t, d2, 3, voices)
	f1, f2 := readTree(t, d1), readTree(t, d2)

	t.Run("deterministic across jobs", func(t *testing.T) {
		if len(f1) != len(f2) {
			t.Fatalf("%d files with 1 job, %d with 3", len(f1), len(f2))
		}
		for name, b := range f1 {
			if !bytes.Equal(b, f2[name]) {
				t.Errorf("%s differs between 1 and 3 jobs", name)
			}
		}
		// 3 speakers x 2 words, manifest and two lists.
		if len(f1) != 9 {
			t.Errorf("%d files, want 9", len(f1))
		}
	})

	rows := readManifest(t, d1)
	t.Run("clip format", func(t *testing.T) {
		if len(rows) != 6 {
			t.Fatalf("manifest has %d clips, want 6", len(rows))
		}
		for _, r := range rows {
			name := r["file"]
			word, base, ok := strings.Cut(name, "/")
			if !ok || (word != "one" && word != "seven") {
				t.Errorf("file %q not in a word directory", name)
			}
			if base != r["speaker"]+"_nohash_0.wav" {
				t.Errorf("file %q is not <speaker>_nohash_<take>.wav", name)
			}
			p, err := audio.ReadFile(filepath.Join(d1, name))
			if err != nil {
				t.Fatal(err)
			}
			if p.SampleRate != 16000 || p.BitDepth != 16 || p.Channels != 1 || p.Frames() != 16000 {
				t.Errorf("%s: %d Hz, %d bits, %d channels, %d frames; want 16000 Hz 16-bit mono, 16000 frames",
					name, p.SampleRate, p.BitDepth, p.Channels, p.Frames())
			}
		}
	})

	t.Run("levels", func(t *testing.T) {
		for _, r := range rows {
			peak := num(t, r["peak_dbfs"])
			if peak < synthPeakMin-synthPeakJitter || peak > synthPeakMax+synthPeakJitter {
				t.Errorf("%s: drawn peak %.2f dBFS outside %.0f..%.0f", r["file"], peak, synthPeakMin-synthPeakJitter, synthPeakMax+synthPeakJitter)
			}
			white := num(t, r["white_dbfs"])
			if white < synthWhiteMin-synthNoiseJitter || white > synthWhiteMax+synthNoiseJitter {
				t.Errorf("%s: white noise %.2f dBFS outside the drawn range", r["file"], white)
			}
			// The measured peak is the speech peak give or take the
			// largest the noise floor can add at one sample.
			noiseRMS := math.Sqrt(sq(fromDBFS(white)) + sq(fromDBFS(num(t, r["colour_dbfs"]))) + sq(fromDBFS(num(t, r["ambient_dbfs"]))))
			worst := 5*noiseRMS + math.Abs(num(t, r["dc_lsb"]))/32768 + 1.0/65536
			if hum := num(t, r["hum_dbfs"]); !math.IsInf(hum, -1) {
				worst += 2 * fromDBFS(hum) // fundamental plus harmonics below it
			}
			p, err := audio.ReadFile(filepath.Join(d1, r["file"]))
			if err != nil {
				t.Fatal(err)
			}
			m := 0.0
			for _, v := range p.Data[0] {
				m = max(m, math.Abs(float64(v))/32768)
			}
			want := fromDBFS(peak)
			if m < want-worst || m > want+worst {
				t.Errorf("%s: peak %.2f dBFS, drawn %.2f dBFS (noise allows %.2f..%.2f)", r["file"], dbfs(m), peak, dbfs(want-worst), dbfs(want+worst))
			}
		}
	})

	t.Run("speaker-disjoint splits", func(t *testing.T) {
		val, test := readListFile(t, d1, "validation_list.txt"), readListFile(t, d1, "testing_list.txt")
		split := map[string]string{} // speaker -> split
		for _, r := range rows {
			want := Training
			if val[r["file"]] {
				want = Validation
			} else if test[r["file"]] {
				want = Testing
			}
			if r["split"] != want {
				t.Errorf("%s: manifest split %s, lists say %s", r["file"], r["split"], want)
			}
			if s, ok := split[r["speaker"]]; ok && s != want {
				t.Errorf("speaker %s is in %s and %s", r["speaker"], s, want)
			}
			split[r["speaker"]] = want
		}
		count := map[string]int{}
		for _, s := range split {
			count[s]++
		}
		if count[Training] != 1 || count[Validation] != 1 || count[Testing] != 1 {
			t.Errorf("speakers per split %v, want one each of 3", count)
		}
	})

	t.Run("other seed differs", func(t *testing.T) {
		d3 := filepath.Join(base, "seed8")
		err := Synthesize(context.Background(), SynthOptions{Out: d3, Speakers: 1, Seed: 8, Words: []string{"one"}, Voices: voices}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for name3, b3 := range readTree(t, d3) {
			for name1, b1 := range f1 {
				if strings.HasSuffix(name3, ".wav") && bytes.Equal(b3, b1) {
					t.Errorf("%s of seed 8 is %s of seed 7", name3, name1)
				}
			}
		}
	})

	t.Run("refuses non-empty directory", func(t *testing.T) {
		err := Synthesize(context.Background(), SynthOptions{Out: d1, Speakers: 1, Seed: 7}, nil)
		if err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Errorf("got %v, want a not-empty error", err)
		}
	})
}

func sq(x float64) float64 { return x * x }

func num(t *testing.T, s string) float64 {
	t.Helper()
	if s == "-" {
		return math.Inf(-1)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("manifest value %q: %v", s, err)
	}
	return v
}

func readListFile(t *testing.T, dir, name string) map[string]bool {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		set[sc.Text()] = true
	}
	return set
}

func TestSynthesizeOptionErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		opts SynthOptions
		want string
	}{
		{"no speakers", SynthOptions{Out: dir}, "speakers"},
		{"no out", SynthOptions{Speakers: 1}, "output directory"},
		{"bad word", SynthOptions{Out: dir, Speakers: 1, Words: []string{"../x"}}, "directory name"},
		{"repeated word", SynthOptions{Out: dir, Speakers: 1, Words: []string{"one", "one"}}, "twice"},
		{"no espeak", SynthOptions{Out: dir, Speakers: 1, Espeak: filepath.Join(dir, "no-such-espeak")}, "espeak-ng not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Synthesize(context.Background(), tc.opts, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestPlanSpeakers(t *testing.T) {
	voices := []SynthVoice{
		{Name: "en-us+m1", Engine: "espeak", Lang: "en-us", Variant: "m1"},
		{Name: "en-gb+f2", Engine: "espeak", Lang: "en-gb", Variant: "f2"},
		{Name: "mb-us1", Engine: "mbrola", Lang: "mb-us1"},
	}
	tests := []struct {
		n, val int
	}{{1, 0}, {2, 0}, {3, 1}, {10, 1}, {14, 1}, {15, 2}, {100, 10}, {2000, 200}}
	for _, tc := range tests {
		plans := planSpeakers(42, tc.n, voices)
		count := map[string]int{}
		ids := map[string]bool{}
		mb := 0
		for _, p := range plans {
			count[p.split]++
			if ids[p.id] {
				t.Errorf("n=%d: speaker id %s repeated", tc.n, p.id)
			}
			ids[p.id] = true
			if p.voice.Engine == "mbrola" {
				mb++
			}
		}
		for _, p := range plans {
			if got := WhichSet(p.id+"_nohash_0.wav", 10, 10); got != p.split {
				t.Errorf("n=%d: speaker %s in %s, which_set says %s", tc.n, p.id, p.split, got)
			}
		}
		if count[Validation] != tc.val || count[Testing] != tc.val || count[Training] != tc.n-2*tc.val {
			t.Errorf("n=%d: splits %v, want %d validation and testing", tc.n, count, tc.val)
		}
		if tc.n >= 2000 {
			if share := float64(mb) / float64(tc.n); math.Abs(share-synthMbrolaShare) > 0.04 {
				t.Errorf("n=%d: MBROLA share %.3f, want about %.2f", tc.n, share, synthMbrolaShare)
			}
		}
	}
	// A speaker's draws do not depend on how many speakers there are.
	a, b := planSpeakers(42, 5, voices), planSpeakers(42, 50, voices)
	for i := range a {
		a[i].split, b[i].split = "", ""
		if a[i].voice != b[i].voice || a[i].wpm != b[i].wpm || a[i].white != b[i].white {
			t.Errorf("speaker %d differs between 5 and 50 speakers", i)
		}
	}
}

// espeakStream builds a WAV as espeak-ng --stdout writes it.
func espeakStream(rate uint32, samples []int16, dataSize uint32) []byte {
	var b bytes.Buffer
	w := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	w(uint32(0x7ffff024))
	b.WriteString("WAVEfmt ")
	w(uint32(16))
	w(uint16(1))
	w(uint16(1))
	w(rate)
	w(rate * 2)
	w(uint16(2))
	w(uint16(16))
	b.WriteString("data")
	w(dataSize)
	w(samples)
	return b.Bytes()
}

func TestParseEspeakWAV(t *testing.T) {
	samples := []int16{0, 16384, -32768, 32767}
	want := []float64{0, 0.5, -1, 32767.0 / 32768}
	stream := espeakStream(22050, samples, 0x7ffff000)
	tests := []struct {
		name    string
		in      []byte
		n, rate int
		err     string
	}{
		{"stream sizes", stream, 4, 22050, ""},
		{"exact sizes", espeakStream(16000, samples, 8), 4, 16000, ""},
		{"shorter data size", espeakStream(16000, samples, 4), 2, 16000, ""},
		{"odd trailing byte", append(append([]byte(nil), stream...), 7), 4, 22050, ""},
		{"not riff", []byte("RIFX0000WAVE"), 0, 0, "RIFX"},
		{"empty", nil, 0, 0, "empty"},
		{"no data", stream[:36], 0, 0, "no data"},
		{"stereo", func() []byte { b := append([]byte(nil), stream...); b[22] = 2; return b }(), 0, 0, "channels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, rate, err := parseEspeakWAV(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, want error containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rate != tc.rate || len(x) != tc.n {
				t.Fatalf("got %d samples at %d Hz, want %d at %d", len(x), rate, tc.n, tc.rate)
			}
			for i := range x {
				if x[i] != want[i] {
					t.Errorf("sample %d = %v, want %v", i, x[i], want[i])
				}
			}
		})
	}
}

func TestFilters(t *testing.T) {
	const rate = 16000
	tests := []struct {
		name       string
		f          biquad
		freq, want float64
	}{
		{"low-pass passband", lowPass(rate, 4000, 1/math.Sqrt2), 100, 0},
		{"low-pass corner", lowPass(rate, 4000, 1/math.Sqrt2), 4000, -3.01},
		// Bilinear Butterworth: -10 log10(1 + (tan(pi/4) / tan(pi/16))^4).
		{"low-pass stopband", lowPass(rate, 1000, 1/math.Sqrt2), 4000, -28.05},
		{"high-pass corner", highPass(rate, 100, 1/math.Sqrt2), 100, -3.01},
		{"high-pass passband", highPass(rate, 100, 1/math.Sqrt2), 4000, 0},
		{"shelf top", highShelf(rate, 1000, -6), 7000, -6},
		{"shelf bottom", highShelf(rate, 1000, -6), 20, 0},
		{"shelf middle", highShelf(rate, 1000, 4), 1000, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.f.response(rate, tc.freq); math.Abs(got-tc.want) > 0.3 {
				t.Errorf("response at %.0f Hz %.2f dB, want %.2f", tc.freq, got, tc.want)
			}
			// The time-domain filter agrees with the formula.
			x := tone(rate, rate, tc.freq, 1)
			tc.f.apply(x)
			got := 20 * math.Log10(rms(x[rate/2:])*math.Sqrt2)
			if math.Abs(got-tc.f.response(rate, tc.freq)) > 0.1 {
				t.Errorf("filtered tone at %.0f Hz: %.2f dB, response says %.2f", tc.freq, got, tc.f.response(rate, tc.freq))
			}
		})
	}
}

func TestTrimSilence(t *testing.T) {
	x := make([]float64, 1000)
	for i := 300; i < 500; i++ {
		x[i] = 0.5 * math.Sin(float64(i))
	}
	x[100] = 1e-4 // below -50 dB of the peak: trimmed
	y := trimSilence(x, -50, 10, 4)
	if len(y) < 200 || len(y) > 220 {
		t.Errorf("trimmed to %d samples, want about 220", len(y))
	}
	if y[0] != 0 || y[len(y)-1] != 0 {
		t.Errorf("edges %v %v, want faded to zero", y[0], y[len(y)-1])
	}
	if got := trimSilence(make([]float64, 10), -50, 10, 4); len(got) != 0 {
		t.Errorf("silence trimmed to %d samples, want 0", len(got))
	}
}

func TestNoiseLevels(t *testing.T) {
	const n, rate = 16000, 16000
	tests := []struct {
		name string
		add  func(x []float64, r *rand.Rand)
		want float64 // RMS
	}{
		{"white", func(x []float64, r *rand.Rand) { addWhiteNoise(x, r, 1e-3) }, 1e-3},
		{"coloured", func(x []float64, r *rand.Rand) { addColouredNoise(x, r, 2e-3, 150, rate) }, 2e-3},
		{"ambient", func(x []float64, r *rand.Rand) { addAmbientNoise(x, r, 3e-3, 1000, rate) }, 3e-3},
		{"hum", func(x []float64, r *rand.Rand) { addHum(x, 50, rate, []float64{1e-2, 1e-2}, []float64{0, 1}) }, 1e-2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := make([]float64, n)
			tc.add(x, rand.New(rand.NewPCG(1, 2)))
			if got := rms(x); math.Abs(got/tc.want-1) > 0.03 {
				t.Errorf("RMS %.3g, want %.3g", got, tc.want)
			}
		})
	}
}

func TestQuantize16(t *testing.T) {
	got, clipped := quantize16([]float64{0, 0.5 / 32768, -0.5 / 32768, 1.4 / 32768, 1, -1, -2, 32766.6 / 32768})
	want := []int32{0, 1, -1, 1, 32767, -32768, -32768, 32767}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sample %d: %d, want %d", i, got[i], want[i])
		}
	}
	if clipped != 2 {
		t.Errorf("clipped %d, want 2", clipped)
	}
}

// TestRenderSpeaker checks that the steps a distributed job runs
// (PlanSynth, RenderSpeaker per speaker in any order, SynthIndexFiles)
// give the very files Synthesize writes.
func TestRenderSpeaker(t *testing.T) {
	dir := t.TempDir()
	synthTiny(t, dir, 2, nil)
	want := readTree(t, dir)
	job, err := PlanSynth(t.Context(), SynthOptions{Speakers: 3, Seed: 7, Words: []string{"one", "seven"}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]byte{}
	var clips []SynthClip
	for _, i := range []int{2, 0, 1} {
		c, err := job.RenderSpeaker(t.Context(), i, func(rel string, wav []byte) error {
			got[rel] = slices.Clone(wav)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		clips = append(clips, c...)
	}
	slices.SortFunc(clips, func(a, b SynthClip) int { return strings.Compare(a.File, b.File) })
	maps.Copy(got, SynthIndexFiles(clips))
	if len(got) != len(want) {
		t.Fatalf("%d files, Synthesize wrote %d", len(got), len(want))
	}
	for name, b := range want {
		if !bytes.Equal(got[name], b) {
			t.Errorf("%s differs from Synthesize's", name)
		}
	}
}
