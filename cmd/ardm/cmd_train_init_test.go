package main

import (
	"fmt"
	"path/filepath"
	"testing"
)

// TestTrainInit: --init builtin fine-tunes the built-in model (its network,
// its hash recorded); a network flag that differs from the model's, or
// --init with --resume, is a usage error.
func TestTrainInit(t *testing.T) {
	data := trainShards(t)
	out := filepath.Join(t.TempDir(), "ft.ardmm")
	args := []string{"train", "--data", data, "--out", out, "--init", "builtin", "--crop", "128", "--batch", "2", "--steps", "2", "--warmup", "1", "--json"}
	if code, _, stderr := runCapture(t, args...); code != 0 {
		t.Fatalf("train --init builtin: exit %d: %s", code, stderr)
	}
	m, err := loadModel(out)
	if err != nil {
		t.Fatal(err)
	}
	def, err := loadDefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	h := def.Hash()
	if m.Config() != def.Config() || m.Info.Init != fmt.Sprintf("%x", h[:]) || m.Info.Steps != 2 {
		t.Fatalf("fine-tuned model: config %+v init %q steps %d", m.Config(), m.Info.Init, m.Info.Steps)
	}
	if m.Hash() == h {
		t.Error("two steps of fine-tuning left the weights unchanged")
	}
	if code, _, _ := runCapture(t, append(args, "--channels", "8")...); code != exitUsage {
		t.Errorf("--init with another --channels: exit %d, want %d", code, exitUsage)
	}
	if code, _, _ := runCapture(t, append(args, "--channels", fmt.Sprint(def.Config().Channels))...); code != 0 {
		t.Errorf("--init with the model's own --channels: exit %d, want 0", code)
	}
	if code, _, _ := runCapture(t, "train", "--data", data, "--out", out, "--init", "builtin", "--resume"); code != exitUsage {
		t.Errorf("--init with --resume: exit %d, want %d", code, exitUsage)
	}
}
