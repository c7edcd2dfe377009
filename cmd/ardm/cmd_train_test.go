package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
		"--frame-len", "1000", "--crop", "128", "--batch", "2", "--lr", "3e-3", "--warmup", "2", "--gain-aug", "6", "--seed", "5", "--json"}
	train := func(out string, extra ...string) (int, string, string) {
		args := append([]string{"train", "--out", out}, tiny...)
		return runCapture(t, append(args, extra...)...)
	}

	full := filepath.Join(dir, "full.ardmm")
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
