package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/datasets"
)

var tinySC09 = filepath.Join("..", "..", "datasets", "testdata", "sc09tiny")

func TestDatasetPrepareAndStatsFixture(t *testing.T) {
	out := filepath.Join(t.TempDir(), "shards")
	code, stdout, stderr := runCapture(t, "--json", "dataset", "prepare", "--in", tinySC09, "--out", out, "--length", "400")
	// The fixture has two unreadable files and one at 8 kHz: exit 3, shards written anyway.
	if code != exitPartial {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitPartial, stderr)
	}
	var res prepareResult
	if err := json.Unmarshal([]byte(strings.TrimSpace(stdout)), &res); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout)
	}
	if res.Clips != 8 || res.Skipped != 3 || res.Files != 11 || res.Shards != 3 || res.SplitSource != "lists" ||
		res.PerSplit[datasets.Training] != 5 || res.PerSplit[datasets.Validation] != 2 || res.PerSplit[datasets.Testing] != 1 {
		t.Errorf("result %+v", res)
	}
	if !strings.Contains(stderr, `"skipped six/spk000_nohash_4.wav: unreadable`) {
		t.Errorf("stderr does not name the skipped file:\n%s", stderr)
	}

	code, stdout, stderr = runCapture(t, "--json", "dataset", "stats", out)
	if code != exitOK {
		t.Fatalf("stats exit %d: %s", code, stderr)
	}
	var st datasets.Stats
	if err := json.Unmarshal([]byte(strings.TrimSpace(stdout)), &st); err != nil {
		t.Fatalf("stats stdout is not one JSON object: %v\n%s", err, stdout)
	}
	if st.Kind != "shards" || st.Length != 400 || len(st.Skipped) != 3 || st.IssueCounts["unreadable"] != 2 {
		t.Errorf("stats kind %s length %d skipped %d issues %v", st.Kind, st.Length, len(st.Skipped), st.IssueCounts)
	}
	got := make(map[string]int)
	for _, s := range st.Splits {
		got[s.Split] = s.Clips
	}
	if got["training"] != 5 || got["validation"] != 2 || got["testing"] != 1 || got["all"] != 8 {
		t.Errorf("stats clips per split %v", got)
	}

	// The same numbers straight from the Speech Commands folder, as text.
	code, stdout, _ = runCapture(t, "dataset", "stats", tinySC09)
	if code != exitOK {
		t.Fatalf("stats on the folder: exit %d", code)
	}
	for _, want := range []string{"(speech-commands)", "splits from lists", "listed but missing (1): nine/gone_nohash_0.wav", "split lists differ from which_set (1, lists win): one/spk001_nohash_0.wav", "skipped three/spk004_nohash_0.wav: rate"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stats text lacks %q:\n%s", want, stdout)
		}
	}

	// A damaged shard is an integrity failure.
	shard := filepath.Join(out, "training-0000.pcm")
	b, err := os.ReadFile(shard)
	if err != nil {
		t.Fatal(err)
	}
	b[100] ^= 0x40
	if err := os.WriteFile(shard, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCapture(t, "dataset", "stats", out)
	if code != exitIntegrity || !strings.Contains(stderr, "checksum mismatch") {
		t.Errorf("damaged shard: exit %d, stderr %s", code, stderr)
	}
}

func TestDatasetPrepareRealSplit(t *testing.T) {
	in := filepath.Join("..", "..", "..", "shared", "data", "sc09-real-dev")
	if _, err := os.Stat(in); err != nil {
		t.Skip("../shared/data/sc09-real-dev not found")
	}
	out := t.TempDir()
	code, stdout, stderr := runCapture(t, "dataset", "prepare", "-q", "--in", in, "--out", out, "--split", "val")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "16 clips of 16000 samples in 1 shards") {
		t.Errorf("summary:\n%s", stdout)
	}
	clips, err := datasets.ReadShards(out, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range clips {
		if c.Split != datasets.Validation || len(c.Samples) != datasets.ClipLength {
			t.Fatalf("%s: split %s, %d samples", c.Path, c.Split, len(c.Samples))
		}
	}
	if len(clips) != 16 {
		t.Errorf("%d clips, want the 16 of validation_list.txt", len(clips))
	}
}

func TestDatasetUsage(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"no out", []string{"dataset", "prepare", "--in", tinySC09}},
		{"same dirs", []string{"dataset", "prepare", "--in", dir, "--out", dir}},
		{"bad split", []string{"dataset", "prepare", "--in", tinySC09, "--out", dir, "--split", "dev"}},
		{"bad length", []string{"dataset", "prepare", "--in", tinySC09, "--out", dir, "--length", "0"}},
		{"bad weight", []string{"dataset", "prepare", "--in", tinySC09 + ":0", "--out", dir}},
		{"bad layout", []string{"dataset", "prepare", "--in", tinySC09, "--out", dir, "--layout", "mp3"}},
		{"same folder name twice", []string{"dataset", "prepare", "--in", tinySC09, "--in", tinySC09 + ":2", "--out", dir}},
		{"stats without dir", []string{"dataset", "stats"}},
		{"unknown subcommand flag", []string{"dataset", "stats", "--nope", dir}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, _, stderr := runCapture(t, tc.args...); code != exitUsage {
				t.Errorf("exit %d, want %d; stderr %s", code, exitUsage, stderr)
			}
		})
	}
	// A folder with no digit words is an error, not a usage error.
	if code, _, _ := runCapture(t, "dataset", "stats", dir); code != exitError {
		t.Errorf("empty folder: exit %d, want %d", code, exitError)
	}
}

// TestDatasetPrepareMix mixes a Speech Commands folder (weight 2) with a
// folder of long recordings: the shards hold both, with the weights, and
// the same inputs give byte-identical shards.
func TestDatasetPrepareMix(t *testing.T) {
	utt := filepath.Join(t.TempDir(), "talks")
	p := &audio.PCM{Format: audio.Format{SampleRate: 16000, BitDepth: 16, Channels: 1}, Data: [][]int32{make([]int32, 1000)}}
	for i := range p.Data[0] {
		p.Data[0][i] = int32(i%200 - 100)
	}
	if err := os.MkdirAll(utt, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := audio.WriteFile(filepath.Join(utt, "long.wav"), p); err != nil {
		t.Fatal(err)
	}
	var outs []string
	for range 2 {
		out := filepath.Join(t.TempDir(), "shards")
		code, _, stderr := runCapture(t, "dataset", "prepare", "--in", tinySC09+":2", "--in", utt, "--out", out, "--length", "400")
		if code != exitPartial { // the fixture's three bad files
			t.Fatalf("exit %d; stderr:\n%s", code, stderr)
		}
		outs = append(outs, out)
	}
	clips, err := datasets.ReadShards(outs[0], "")
	if err != nil {
		t.Fatal(err)
	}
	var sc, talk int
	for _, c := range clips {
		switch {
		case strings.HasPrefix(c.Path, "sc09tiny/") && c.Weight == 2:
			sc++
		case strings.HasPrefix(c.Path, "talks/long.wav@") && c.Weight == 1:
			talk++
		default:
			t.Errorf("clip %s weight %d", c.Path, c.Weight)
		}
	}
	if sc != 8 || talk != 2 || len(datasets.Samples(clips)) != 2*8+2 {
		t.Fatalf("%d sc09 clips, %d windows", sc, talk)
	}
	for _, name := range []string{"index.json", "training-0000.pcm"} {
		a, _ := os.ReadFile(filepath.Join(outs[0], name))
		b, _ := os.ReadFile(filepath.Join(outs[1], name))
		if len(a) == 0 || string(a) != string(b) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}
