package main

import (
	"encoding/json"
	"math"
	"path/filepath"
	"testing"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/audio"
)

// branchingModelFile saves a small random model with branching b (frame
// 400) and returns its path.
func branchingModelFile(t *testing.T, b int) string {
	t.Helper()
	cfg := ardm.DefaultConfig()
	cfg.Branching = b
	cfg.Channels, cfg.Layers, cfg.DilationCycle, cfg.EmbedDim, cfg.FrameLen = 6, 2, 2, 4, 400
	path := filepath.Join(t.TempDir(), "tiny.ardmm")
	if err := ardm.NewModel(ardm.NewWeights(cfg, 7)).Save(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// Without --budget, policy and compress use the model's default budget
// (12 calls per stage), not the built-in model's 192.
func TestDefaultBudgetIsTheModels(t *testing.T) {
	dir := t.TempDir()
	wav := filepath.Join(dir, "in.wav")
	p := &audio.PCM{Format: audio.Format{SampleRate: 16000, BitDepth: 16, Channels: 1}, Data: [][]int32{make([]int32, 800)}}
	for i := range p.Data[0] {
		p.Data[0][i] = int32(8000 * math.Sin(float64(i)/7))
	}
	if err := audio.WriteFile(wav, p); err != nil {
		t.Fatal(err)
	}
	streamBudget := func(t *testing.T, args ...string) int {
		t.Helper()
		stream := filepath.Join(t.TempDir(), "out.ardm")
		if code, _, stderr := runCapture(t, append(append([]string{"-q", "compress"}, args...), wav, "-o", stream)...); code != 0 {
			t.Fatalf("compress: exit %d: %s", code, stderr)
		}
		code, stdout, stderr := runCapture(t, "--json", "info", "--header-only", stream)
		var ir ardmInfoResult
		if err := json.Unmarshal([]byte(stdout), &ir); code != 0 || err != nil {
			t.Fatalf("info: exit %d: %v %s", code, err, stderr)
		}
		return ir.Header.Budget
	}
	for _, tc := range []struct{ branching, stages, budget int }{{4, 8, 96}, {16, 4, 48}} {
		model := branchingModelFile(t, tc.branching)
		code, stdout, stderr := runCapture(t, "--json", "policy", "--model", model)
		if code != 0 {
			t.Fatalf("b=%d: policy: exit %d: %s", tc.branching, code, stderr)
		}
		var pol struct {
			Budget int `json:"budget"`
			Calls  int `json:"calls"`
			Stages []struct {
				Calls int `json:"calls"`
			} `json:"stages"`
		}
		if err := json.Unmarshal([]byte(stdout), &pol); err != nil {
			t.Fatal(err)
		}
		if pol.Budget != tc.budget || pol.Calls != tc.budget || len(pol.Stages) != tc.stages || pol.Stages[0].Calls != 12 {
			t.Errorf("b=%d: policy %+v, want %d calls, 12 in each of %d stages", tc.branching, pol, tc.budget, tc.stages)
		}
		if got := streamBudget(t, "--model", model); got != tc.budget {
			t.Errorf("b=%d: compress wrote budget %d, want %d", tc.branching, got, tc.budget)
		}
		if got := streamBudget(t, "--model", model, "--budget", "0"); got != 0 {
			t.Errorf("b=%d: compress --budget 0 wrote budget %d", tc.branching, got)
		}
	}
	// A model-free stream records the built-in model's default, as it
	// always has (the same bytes as before).
	if got := streamBudget(t, "--no-model"); got != 192 {
		t.Errorf("--no-model wrote budget %d, want 192", got)
	}
	m, err := loadDefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Config().DefaultBudget(); got != 192 {
		t.Errorf("built-in model's default budget %d, want 192", got)
	}
}
