package datasets

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ardm-dev/ardm/audio"
)

var updateFixtures = flag.Bool("update-fixtures", false, "rewrite the loader fixture trees in testdata")

// fixtureLength is the clip length the fixture trees are loaded with.
const fixtureLength = 400

// fixtureSample is sample i of the fixture file numbered seed, at 16 bits.
func fixtureSample(seed, i int) int32 {
	return int32((i*7919+seed*104729)%60001 - 30000)
}

// fixtureFile describes one file of a fixture tree.
type fixtureFile struct {
	path     string
	seed     int
	frames   int
	rate     int
	depth    int
	channels int
	raw      string // when set, the file holds these bytes instead
	truncate int    // bytes cut off the end of the encoded file
}

// tinyTree has list files and one file of every odd kind.
var tinyTree = []fixtureFile{
	{path: "zero/spk000_nohash_0.wav", seed: 1, frames: 400},
	{path: "zero/spk000_nohash_1.wav", seed: 2, frames: 300},
	{path: "one/spk015_nohash_0.wav", seed: 3, frames: 500},
	{path: "one/spk001_nohash_0.wav", seed: 4, frames: 400},
	{path: "two/spk002_nohash_0.wav", seed: 5, frames: 400, channels: 2},
	{path: "three/spk004_nohash_0.wav", seed: 6, frames: 200, rate: 8000},
	{path: "four/spk000_nohash_2.wav", seed: 7, frames: 400, depth: 24},
	{path: "five/spk000_nohash_3.wav", seed: 8, frames: 400, depth: 8},
	{path: "six/spk000_nohash_4.wav", raw: "this is not a WAV file\n"},
	{path: "seven/noname.wav", seed: 9, frames: 400},
	{path: "eight/spk000_nohash_5.wav", seed: 10, frames: 400, truncate: 100},
	{path: "yes/spk000_nohash_0.wav", seed: 11, frames: 400},
	{path: "validation_list.txt", raw: "one/spk015_nohash_0.wav\none/spk001_nohash_0.wav\nyes/spk000_nohash_0.wav\nnine/gone_nohash_0.wav\n"},
	{path: "testing_list.txt", raw: "two/spk002_nohash_0.wav\n"},
}

// noListTree has no list files: which_set decides (spk000 hashes to
// training, spk015 to validation, spk002 to testing).
var noListTree = []fixtureFile{
	{path: "zero/spk000_nohash_0.wav", seed: 21, frames: 400},
	{path: "zero/spk015_nohash_0.wav", seed: 22, frames: 400},
	{path: "one/spk002_nohash_0.wav", seed: 23, frames: 400},
	{path: "one/spk015_nohash_1.wav", seed: 24, frames: 400},
}

// writeFixture writes a tree under dir with audio.WriteFile.
func writeFixture(t *testing.T, dir string, files []fixtureFile) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if f.raw != "" {
			if err := os.WriteFile(p, []byte(f.raw), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		rate, depth, ch := f.rate, f.depth, f.channels
		if rate == 0 {
			rate = SampleRate
		}
		if depth == 0 {
			depth = 16
		}
		if ch == 0 {
			ch = 1
		}
		pcm := &audio.PCM{Format: audio.Format{SampleRate: rate, BitDepth: depth, Channels: ch}}
		for c := range ch {
			data := make([]int32, f.frames)
			for i := range data {
				v := fixtureSample(f.seed, i)
				switch depth {
				case 8:
					v >>= 8
				case 24:
					v = v<<8 | int32(i&0xff)
				}
				data[i] = v + int32(c) // channel 1 is one above channel 0
			}
			pcm.Data = append(pcm.Data, data)
		}
		b, err := audio.Encode(pcm)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b[:len(b)-f.truncate], 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fixtureDir returns the checked-in tree testdata/name, rewriting it first
// with -update.
func fixtureDir(t *testing.T, name string, files []fixtureFile) string {
	t.Helper()
	dir := filepath.Join("testdata", name)
	if *updateFixtures {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		writeFixture(t, dir, files)
	}
	return dir
}

// wantSamples is what the loader must give for a fixture file.
func wantSamples(f fixtureFile, length int) []int16 {
	out := make([]int16, length)
	for i := range min(length, f.frames) {
		v := fixtureSample(f.seed, i)
		if f.depth == 8 {
			v = v >> 8 << 8
		}
		out[i] = int16(v) // 24-bit: the low byte is dropped; stereo: floor((v + v+1)/2) = v
	}
	return out
}

func TestWhichSet(t *testing.T) {
	// Percentages from the README's Python which_set (hashlib, int(...,16)).
	for _, tc := range []struct {
		name    string
		percent float64
		split   string
	}{
		{"eight/439c84f4_nohash_1.wav", 1.231841007112272, Validation},
		{"four/6a27a9bf_nohash_0.wav", 1.4097899303569639, Validation},
		{"51055bda_nohash_4.wav", 88.6547341097499, Training},
		{"seven/kaggle04_nohash_0.wav", 3.428485270056764, Validation},
		{"two/a8cb6dda_nohash_0.wav", 80.99146843695245, Training},
		{"spk002_nohash_7.wav", 10.343439954097866, Testing},
		{"spk003", 16.64473873857214, Testing},
		{"speaker", 61.651108128213195, Training},
		{"x/noname.wav", 39.26442741799673, Training},  // no _nohash_: the whole base name is hashed
		{"_nohash_0.wav", 98.04821758008165, Training}, // empty speaker
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := WhichSetPercent(tc.name); got != tc.percent {
				t.Errorf("percent %v, want %v", got, tc.percent)
			}
			if got := WhichSet(tc.name, 10, 10); got != tc.split {
				t.Errorf("split %s, want %s", got, tc.split)
			}
		})
	}
}

func TestParseSplit(t *testing.T) {
	for in, want := range map[string]string{
		"train": Training, "training": Training, "Val": Validation, "valid": Validation,
		"validation": Validation, "test": Testing, " testing ": Testing,
	} {
		if got, err := ParseSplit(in); err != nil || got != want {
			t.Errorf("ParseSplit(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseSplit("dev"); err == nil {
		t.Error("ParseSplit(dev) gave no error")
	}
}

func TestLoadFixtureWithLists(t *testing.T) {
	dir := fixtureDir(t, "sc09tiny", tinyTree)
	set, err := LoadSC09(dir, LoadOptions{Length: fixtureLength, Jobs: 3})
	if err != nil {
		t.Fatal(err)
	}
	byPath := make(map[string]fixtureFile)
	for _, f := range tinyTree {
		byPath[f.path] = f
	}
	want := []struct {
		path, split string
		kinds       []string
	}{
		{"five/spk000_nohash_3.wav", Training, []string{IssueDepth}},
		{"four/spk000_nohash_2.wav", Training, []string{IssueDepth}},
		{"one/spk001_nohash_0.wav", Validation, nil},
		{"one/spk015_nohash_0.wav", Validation, []string{IssueLong}},
		{"seven/noname.wav", Training, []string{IssueName}},
		{"two/spk002_nohash_0.wav", Testing, []string{IssueChannels}},
		{"zero/spk000_nohash_0.wav", Training, nil},
		{"zero/spk000_nohash_1.wav", Training, []string{IssueShort}},
	}
	if len(set.Clips) != len(want) {
		var got []string
		for _, c := range set.Clips {
			got = append(got, c.Path)
		}
		t.Fatalf("loaded %v, want %d clips", got, len(want))
	}
	for i, w := range want {
		c := set.Clips[i]
		t.Run(w.path, func(t *testing.T) {
			if c.Path != w.path || c.Split != w.split {
				t.Fatalf("clip %d is %s (%s), want %s (%s)", i, c.Path, c.Split, w.path, w.split)
			}
			var kinds []string
			for _, is := range c.Issues {
				kinds = append(kinds, IssueKind(is))
			}
			if !slices.Equal(kinds, w.kinds) {
				t.Errorf("issues %q, want kinds %v", c.Issues, w.kinds)
			}
			f := byPath[w.path]
			if c.Frames != f.frames || c.Rate != SampleRate {
				t.Errorf("frames %d rate %d, want %d %d", c.Frames, c.Rate, f.frames, SampleRate)
			}
			if !slices.Equal(c.Samples, wantSamples(f, fixtureLength)) {
				t.Errorf("samples differ from the fixture")
			}
			if word, _, _ := strings.Cut(w.path, "/"); c.Word != word {
				t.Errorf("word %q, want %q", c.Word, word)
			}
		})
	}
	rep := set.Report
	if rep.SplitSource != "lists" || rep.Files != 11 || rep.Loaded != 8 {
		t.Errorf("report source %s files %d loaded %d, want lists 11 8", rep.SplitSource, rep.Files, rep.Loaded)
	}
	skipped := make(map[string]string)
	for _, s := range rep.Skipped {
		skipped[s.Path] = IssueKind(s.Issues[len(s.Issues)-1])
	}
	wantSkipped := map[string]string{
		"eight/spk000_nohash_5.wav": IssueUnreadable,
		"six/spk000_nohash_4.wav":   IssueUnreadable,
		"three/spk004_nohash_0.wav": IssueRate,
	}
	if len(skipped) != len(wantSkipped) {
		t.Errorf("skipped %v, want %v", skipped, wantSkipped)
	}
	for p, k := range wantSkipped {
		if skipped[p] != k {
			t.Errorf("skipped[%s] = %q, want %q", p, skipped[p], k)
		}
	}
	if !slices.Equal(rep.OtherDirs, []string{"yes"}) {
		t.Errorf("other dirs %v", rep.OtherDirs)
	}
	if !slices.Equal(rep.ListedMissing, []string{"nine/gone_nohash_0.wav"}) {
		t.Errorf("listed missing %v", rep.ListedMissing)
	}
	// spk001 hashes to training but is listed for validation; the skipped
	// three/spk004 and the rest agree.
	if !slices.Equal(rep.ListDisagrees, []string{"one/spk001_nohash_0.wav"}) {
		t.Errorf("list disagreements %v", rep.ListDisagrees)
	}
	wantCounts := map[string]int{IssueDepth: 2, IssueLong: 1, IssueShort: 1, IssueName: 1, IssueChannels: 1, IssueUnreadable: 2, IssueRate: 1}
	for k, n := range wantCounts {
		if rep.IssueCounts[k] != n {
			t.Errorf("issue count %s = %d, want %d (all %v)", k, rep.IssueCounts[k], n, rep.IssueCounts)
		}
	}
	if len(rep.Odd) != 6 {
		t.Errorf("%d odd clips reported, want 6", len(rep.Odd))
	}

	// Filtering by split keeps only that split.
	val, err := LoadSC09(dir, LoadOptions{Length: fixtureLength, Splits: []string{"val"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(val.Clips) != 2 || val.Clips[0].Split != Validation || val.Clips[1].Split != Validation {
		t.Errorf("validation-only load gave %d clips", len(val.Clips))
	}
}

func TestLoadFixtureWhichSet(t *testing.T) {
	dir := fixtureDir(t, "sc09nolists", noListTree)
	done := 0
	set, err := LoadSC09(dir, LoadOptions{Length: fixtureLength, Progress: func(d, total int) { done = d }})
	if err != nil {
		t.Fatal(err)
	}
	if set.Report.SplitSource != "which_set" {
		t.Errorf("split source %q", set.Report.SplitSource)
	}
	if done != len(noListTree) {
		t.Errorf("progress reached %d of %d", done, len(noListTree))
	}
	want := map[string]string{
		"zero/spk000_nohash_0.wav": Training,
		"zero/spk015_nohash_0.wav": Validation,
		"one/spk002_nohash_0.wav":  Testing,
		"one/spk015_nohash_1.wav":  Validation,
	}
	for _, c := range set.Clips {
		if want[c.Path] != c.Split {
			t.Errorf("%s: split %s, want %s", c.Path, c.Split, want[c.Path])
		}
	}
	if len(set.Clips) != len(want) {
		t.Errorf("%d clips, want %d", len(set.Clips), len(want))
	}
}

func TestLoadErrors(t *testing.T) {
	empty := t.TempDir()
	if err := os.Mkdir(filepath.Join(empty, "zero"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, dir string }{
		{"missing", filepath.Join(empty, "nope")},
		{"no wavs", empty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadSC09(tc.dir, LoadOptions{})
			if err == nil || !strings.HasPrefix(err.Error(), "datasets: ") {
				t.Errorf("error %v", err)
			}
		})
	}
	if _, err := LoadSC09(empty, LoadOptions{Splits: []string{"dev"}}); err == nil {
		t.Error("unknown split gave no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LoadSC09(filepath.Join("testdata", "sc09tiny"), LoadOptions{Context: ctx}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled load: %v", err)
	}
}

// manifest reads MANIFEST.tsv of a shared data folder: file -> columns.
func manifest(t *testing.T, dir string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var head []string
	var rows []map[string]string
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if head == nil {
			head = cols
			continue
		}
		row := make(map[string]string)
		for i, h := range head {
			if i < len(cols) {
				row[h] = cols[i]
			}
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// sharedData returns ../shared/data/name, skipping the test when the
// shared folder is absent (CI has it).
func sharedData(t *testing.T, name string) string {
	t.Helper()
	d := filepath.Join("..", "..", "shared", "data", name)
	if _, err := os.Stat(filepath.Join(d, "MANIFEST.tsv")); err != nil {
		t.Skipf("shared data %s not found", d)
	}
	return d
}

// TestLoadRealSC09 checks the loader against the manifests of the real
// clips: every file, its split, speaker and length.
func TestLoadRealSC09(t *testing.T) {
	for _, tc := range []struct {
		name string
		// hashAgrees is how many manifest rows which_set places like the
		// lists do (sc09-real-extra has made-up speaker ids).
		disagree []string
	}{
		{"sc09-real-dev", nil},
		{"sc09-real-extra", []string{"seven/kaggle04_nohash_0.wav"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := sharedData(t, tc.name)
			set, err := LoadSC09(dir, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			rows := manifest(t, dir)
			if len(set.Clips) != len(rows) || len(set.Report.Skipped) != 0 {
				t.Fatalf("%d clips (%d skipped), manifest has %d", len(set.Clips), len(set.Report.Skipped), len(rows))
			}
			clips := make(map[string]Clip)
			for _, c := range set.Clips {
				clips[c.Path] = c
			}
			short := 0
			for _, r := range rows {
				c, ok := clips[r["file"]]
				if !ok {
					t.Errorf("%s not loaded", r["file"])
					continue
				}
				frames, _ := strconv.Atoi(r["frames"])
				if c.Split != r["split"] || c.Speaker != r["speaker"] || c.Frames != frames || len(c.Samples) != ClipLength {
					t.Errorf("%s: split %s speaker %s frames %d len %d; manifest %s %s %d",
						c.Path, c.Split, c.Speaker, c.Frames, len(c.Samples), r["split"], r["speaker"], frames)
				}
				if frames < ClipLength {
					short++
					for _, v := range c.Samples[frames:] {
						if v != 0 {
							t.Fatalf("%s: padding is not zero", c.Path)
						}
					}
				}
			}
			if set.Report.IssueCounts[IssueShort] != short || len(set.Report.Odd) != short {
				t.Errorf("report counts %v odd %d, manifest has %d short clips", set.Report.IssueCounts, len(set.Report.Odd), short)
			}
			if !slices.Equal(set.Report.ListDisagrees, tc.disagree) {
				t.Errorf("lists and which_set disagree on %v, want %v", set.Report.ListDisagrees, tc.disagree)
			}
		})
	}
}

// TestPlanLoadSet checks that the steps LoadSC09 is made of, run one by
// one as a distributed job runs them, give the same set and the same
// shard bytes.
func TestPlanLoadSet(t *testing.T) {
	dir := t.TempDir()
	for i, name := range []string{"one/aa_nohash_0.wav", "two/bb_nohash_0.wav", "three/cc_nohash_1.wav", "four/dd_nohash_0.wav"} {
		p := &audio.PCM{Format: audio.Format{SampleRate: SampleRate, BitDepth: 16, Channels: 1}, Data: [][]int32{make([]int32, 1000+i*9000)}}
		for j := range p.Data[0] {
			p.Data[0][j] = int32((j*(i+3))%2000 - 1000)
		}
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := audio.WriteFile(full, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "five"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "five", "broken_nohash_0.wav"), []byte("RIFF"), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := LoadSC09(dir, LoadOptions{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := PlanSC09(dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Files) != 5 {
		t.Fatalf("plan has %d files, want 5", len(plan.Files))
	}
	clips := make([]Clip, len(plan.Files))
	ok := make([]bool, len(plan.Files))
	for i := len(plan.Files) - 1; i >= 0; i-- { // any order
		f := plan.Files[i]
		pcm, err := audio.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		clips[i], ok[i] = LoadClip(pcm, err, f.Path, f.Split, plan.Length)
	}
	got := plan.Set(clips, ok)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Plan, LoadClip, Set:\n%+v\nLoadSC09:\n%+v", got.Report, want.Report)
	}
	if len(got.Report.Skipped) != 1 {
		t.Fatalf("skipped %v, want the broken file", got.Report.Skipped)
	}
	out := t.TempDir()
	if err := WriteSetShards(out, want); err != nil {
		t.Fatal(err)
	}
	n := 0
	err = ShardFiles(got, func(name string, data []byte) error {
		n++
		disk, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			return err
		}
		if !bytes.Equal(disk, data) {
			t.Errorf("%s: ShardFiles bytes differ from WriteSetShards", name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(out); n != len(entries) || n < 2 {
		t.Fatalf("ShardFiles gave %d files, WriteSetShards wrote %d", n, len(entries))
	}
}
