package datasets

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ardm-dev/ardm/audio"
)

// writeRamp writes a mono 16-bit WAV whose sample i is base+i.
func writeRamp(t *testing.T, path string, frames, base, rate int) {
	t.Helper()
	p := &audio.PCM{Format: audio.Format{SampleRate: rate, BitDepth: 16, Channels: 1}, Data: [][]int32{make([]int32, frames)}}
	for i := range p.Data[0] {
		p.Data[0][i] = int32(base + i)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := audio.WriteFile(path, p); err != nil {
		t.Fatal(err)
	}
}

func TestLoadUtterances(t *testing.T) {
	dir := t.TempDir()
	writeRamp(t, filepath.Join(dir, "src/long.wav"), 2500, 0, 16000)    // 2 windows of 1000 every 700, tail dropped
	writeRamp(t, filepath.Join(dir, "src/short.wav"), 300, 5000, 16000) // one padded clip
	writeRamp(t, filepath.Join(dir, "other/a.wav"), 1000, 100, 16000)   // exactly one window
	writeRamp(t, filepath.Join(dir, "other/rate.wav"), 1000, 0, 8000)   // skipped
	writeRamp(t, filepath.Join(dir, "_skip/x.wav"), 1000, 0, 16000)     // not read
	manifest := "file\tspeaker\tlicense\nsrc/long.wav\tS1\tx\nsrc/short.wav\tS1\tx\nother/a.wav\t\tx\n"
	if err := os.WriteFile(filepath.Join(dir, "MANIFEST.tsv"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := LoadUtterances(dir, LoadOptions{Length: 1000, Hop: 700, Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, c := range set.Clips {
		paths = append(paths, c.Path)
	}
	want := []string{"other/a.wav@0", "src/long.wav@0", "src/long.wav@700", "src/long.wav@1400", "src/short.wav@0"}
	if !slices.Equal(paths, want) {
		t.Fatalf("clips %v, want %v", paths, want)
	}
	byPath := map[string]Clip{}
	for _, c := range set.Clips {
		byPath[c.Path] = c
	}
	w := byPath["src/long.wav@700"]
	if w.Samples[0] != 700 || w.Samples[999] != 1699 || w.Frames != 1000 || w.Word != "src" || w.Speaker != "src/S1" {
		t.Fatalf("window @700: %+v", w)
	}
	s := byPath["src/short.wav@0"]
	if s.Samples[0] != 5000 || s.Samples[299] != 5299 || s.Samples[300] != 0 || len(s.Original()) != 300 {
		t.Fatalf("short clip: first %d, frames %d", s.Samples[0], s.Frames)
	}
	// One speaker, one split; a file without a speaker is its own.
	if byPath["src/long.wav@0"].Split != byPath["src/short.wav@0"].Split {
		t.Fatal("the windows of one speaker are in two splits")
	}
	if a := byPath["other/a.wav@0"]; a.Speaker != "other/a.wav" {
		t.Fatalf("speaker of a file the manifest names none for: %q", a.Speaker)
	}
	if len(set.Report.Skipped) != 1 || set.Report.Skipped[0].Path != "other/rate.wav" || set.Report.Files != 4 {
		t.Fatalf("report %+v", set.Report)
	}
	// The same folder loads the same way with any number of readers.
	again, err := LoadUtterances(dir, LoadOptions{Length: 1000, Hop: 700, Jobs: 1})
	if err != nil || len(again.Clips) != len(set.Clips) {
		t.Fatal(err)
	}
	for i := range again.Clips {
		if !slices.Equal(again.Clips[i].Samples, set.Clips[i].Samples) || again.Clips[i].Split != set.Clips[i].Split {
			t.Fatalf("clip %d differs between runs", i)
		}
	}
}

func TestDetectLayoutAndMix(t *testing.T) {
	sc := t.TempDir()
	writeRamp(t, filepath.Join(sc, "one/abc_nohash_0.wav"), 1000, 1, 16000)
	writeRamp(t, filepath.Join(sc, "bed/abd_nohash_0.wav"), 1000, 2, 16000)
	utt := t.TempDir()
	writeRamp(t, filepath.Join(utt, "x/talk.wav"), 2000, 3, 16000)
	for dir, want := range map[string]string{sc: LayoutSpeechCommands, utt: LayoutUtterances} {
		if got, err := DetectLayout(dir); err != nil || got != want {
			t.Fatalf("DetectLayout(%s) = %q, %v; want %q", dir, got, err, want)
		}
	}
	words, _ := WordFolders(sc)
	a, err := LoadFolder(sc, "auto", LoadOptions{Length: 1000, Words: words})
	if err != nil || len(a.Clips) != 2 {
		t.Fatalf("%v, %d clips", err, len(a.Clips))
	}
	b, err := LoadFolder(utt, "", LoadOptions{Length: 1000})
	if err != nil || len(b.Clips) != 2 {
		t.Fatalf("%v, %d clips", err, len(b.Clips))
	}
	if same, _ := Mix([]*Set{a}, []string{"sc"}, []int{1}); same != a {
		t.Fatal("one folder of weight 1 is not returned unchanged")
	}
	m, err := Mix([]*Set{a, b}, []string{"sc", "utt"}, []int{3, 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Clips) != 4 || m.Clips[0].Path != "sc/bed/abd_nohash_0.wav" || m.Clips[2].Path != "utt/x/talk.wav@0" || m.Report.Files != 3 {
		t.Fatalf("mixed %+v", m.Clips)
	}
	// Weight 3: each sc clip three times per epoch, the same samples.
	s := Samples(m.Clips)
	if len(s) != 3+3+1+1 || &s[0][0] != &s[2][0] || &s[3][0] == &s[0][0] {
		t.Fatalf("Samples gives %d slices", len(s))
	}
	if _, err := Mix([]*Set{a, b}, []string{"d", "d"}, []int{1, 1}); err == nil {
		t.Fatal("two folders with the same label mixed")
	}
	if _, err := LoadFolder(sc, "mp3", LoadOptions{}); err == nil {
		t.Fatal("unknown layout accepted")
	}
}
