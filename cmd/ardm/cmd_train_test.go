package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/datasets"
)

// trainShards writes a shard directory of synthetic train clips.
func trainShards(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "shards")
	var clips []datasets.Clip
	for i := range 6 {
		s := make([]int16, 1000)
		for j := range s {
			s[j] = int16(math.Round(3000 * float64(i+1) / 6 * math.Sin(float64(j)*0.05*float64(i+1))))
		}
		clips = append(clips, datasets.Clip{Path: "w/c" + string(rune('a'+i)) + ".wav", Word: "w", Speaker: "s", Split: datasets.Training, Samples: s, Rate: 16000, Frames: 1000})
	}
	if err := datasets.WriteShards(dir, clips); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestTrainCommand(t *testing.T) {
	data := trainShards(t)
	dir := t.TempDir()
	tiny := []string{"--data", data, "--channels", "4", "--layers", "2", "--dilation-cycle", "2", "--embed-dim", "4",
		"--frame-len", "1000", "--crop", "128", "--batch", "2", "--lr", "3e-3", "--warmup", "2", "--gain-aug", "6", "--seed", "5",
		"--schedule", "constant", "--json"} // constant: extending the run does not change the rate of the first steps
	train := func(out string, extra ...string) (int, string, string) {
		args := append([]string{"train", "--out", out}, tiny...)
		return runCapture(t, append(args, extra...)...)
	}

	full := filepath.Join(dir, "runs", "new", "full.ardmm") // a folder train must make
	code, stdout, stderr := train(full, "--steps", "8", "--export", filepath.Join(dir, "full-export.ardmm"))
	if code != 0 {
		t.Fatalf("train exit %d: %s", code, stderr)
	}
	var res struct {
		Steps    int     `json:"steps"`
		TrainBPD float64 `json:"train_bpd"`
		Hash     string  `json:"hash"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(stdout)), &res); err != nil {
		t.Fatalf("stdout %q: %v", stdout, err)
	}
	if res.Steps != 8 || !(res.TrainBPD > 0 && res.TrainBPD < 17) {
		t.Fatalf("result %+v", res)
	}
	m, err := loadModel(full)
	if err != nil {
		t.Fatal(err)
	}
	exp, err := loadModel(filepath.Join(dir, "full-export.ardmm"))
	if err != nil || exp.Hash() != m.Hash() || m.Info.Clips != 6 || m.Info.Steps != 8 {
		t.Fatalf("export differs or info wrong: %v %+v", err, m.Info)
	}

	// Five steps, then resume to eight: the same model.
	part := filepath.Join(dir, "part.ardmm")
	if code, _, stderr := train(part, "--steps", "5", "--checkpoint-every", "2"); code != 0 {
		t.Fatalf("train exit %d: %s", code, stderr)
	}
	code, _, stderr = runCapture(t, "train", "--data", data, "--out", part, "--resume", "--steps", "8", "--json")
	if code != 0 {
		t.Fatalf("resume exit %d: %s", code, stderr)
	}
	m2, err := loadModel(part)
	if err != nil {
		t.Fatal(err)
	}
	if m2.Hash() != m.Hash() {
		t.Fatal("resumed run differs from the uninterrupted one")
	}

	// Errors: changing the config on resume, a corrupt checkpoint, no model.
	if code, _, _ := runCapture(t, "train", "--data", data, "--out", part, "--resume", "--channels", "8"); code != exitUsage {
		t.Errorf("config change on resume: exit %d, want %d", code, exitUsage)
	}
	b, _ := os.ReadFile(part)
	b[len(b)/2] ^= 1
	bad := filepath.Join(dir, "bad.ardmm")
	if err := os.WriteFile(bad, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := runCapture(t, "train", "--data", data, "--out", bad, "--resume"); code != exitIntegrity {
		t.Errorf("corrupt checkpoint: exit %d, want %d", code, exitIntegrity)
	}
	if _, err := loadModel(bad); err == nil {
		t.Error("loadModel accepted a corrupt file")
	}
	if code, _, _ := runCapture(t, "train", "--out", part); code != exitUsage {
		t.Errorf("missing --data: exit %d", code)
	}
}

// TestTrainStopAtAndMaskOrder: --stop-at stops a run where Ctrl-C would,
// without shortening its schedule, so --resume gives the uninterrupted
// run's model; --mask-order may change on --resume and is recorded.
func TestTrainStopAtAndMaskOrder(t *testing.T) {
	data := trainShards(t)
	dir := t.TempDir()
	tiny := []string{"--data", data, "--channels", "4", "--layers", "2", "--dilation-cycle", "2", "--embed-dim", "4",
		"--frame-len", "1000", "--crop", "128", "--batch", "2", "--lr", "3e-3", "--warmup", "2", "--seed", "3",
		"--schedule", "cosine", "--steps", "9", "--features", "1", "--mask-order", "random", "--json"}
	full := filepath.Join(dir, "full.ardmm")
	if code, _, stderr := runCapture(t, append([]string{"train", "--out", full}, tiny...)...); code != 0 {
		t.Fatalf("train exit %d: %s", code, stderr)
	}
	part := filepath.Join(dir, "part.ardmm")
	code, _, stderr := runCapture(t, append([]string{"train", "--out", part, "--stop-at", "4"}, tiny...)...)
	if code != 0 || !strings.Contains(stderr, "stopped at step 4 of 9") {
		t.Fatalf("--stop-at: exit %d, stderr %s", code, stderr)
	}
	if m, err := loadModel(part); err != nil || m.Info.Steps != 4 {
		t.Fatalf("stopped checkpoint: %v", err)
	}
	if code, _, stderr := runCapture(t, "train", "--data", data, "--out", part, "--resume", "--json"); code != 0 {
		t.Fatalf("resume exit %d: %s", code, stderr)
	}
	a, errA := loadModel(full)
	b, errB := loadModel(part)
	if errA != nil || errB != nil || a.Hash() != b.Hash() {
		t.Fatalf("stop-at + resume differs from the uninterrupted cosine run (%v %v)", errA, errB)
	}

	// Switch the mask order of a stopped run.
	sw := filepath.Join(dir, "switch.ardmm")
	if code, _, stderr := runCapture(t, append([]string{"train", "--out", sw, "--stop-at", "4"}, tiny...)...); code != 0 {
		t.Fatalf("train exit %d: %s", code, stderr)
	}
	if code, _, stderr := runCapture(t, "train", "--data", data, "--out", sw, "--resume", "--mask-order", "stratified", "--json"); code != 0 {
		t.Fatalf("resume with --mask-order: exit %d: %s", code, stderr)
	}
	_, st, err := ardm.LoadCheckpoint(sw)
	if err != nil || st.Options.MaskOrder != ardm.MaskStratified || st.Step != 9 {
		t.Fatalf("switched run: %v %+v", err, st)
	}
	if m, _ := loadModel(sw); m.Hash() == a.Hash() {
		t.Error("stratified masks after step 4 gave the same model as random ones")
	}
	for _, bad := range [][]string{{"--stop-at", "-1"}, {"--mask-order", "sorted"}} {
		if code, _, _ := runCapture(t, append([]string{"train", "--out", filepath.Join(dir, "x.ardmm")}, append(tiny, bad...)...)...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", bad, code, exitUsage)
		}
	}
}
