package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/eval"
)

// evalTestSet writes a tiny model (4 channels, 2 layers, frame 256, random
// output layer) and three short 16-bit clips; it returns the model path
// and the data folder.
func evalTestSet(t *testing.T) (model, data string) {
	t.Helper()
	dir := t.TempDir()
	cfg := ardm.Config{Branching: 16, Channels: 4, Layers: 2, DilationCycle: 2, Kernel: 3, EmbedDim: 4, FrameLen: 256, Head: ardm.HeadSoftmax}
	w := ardm.NewWeights(cfg, 5)
	for i := range w.OutW {
		w.OutW[i] = float32(0.3 * math.Sin(float64(i)))
	}
	model = filepath.Join(dir, "tiny.ardmm")
	if err := ardm.NewModel(w).Save(model); err != nil {
		t.Fatal(err)
	}
	data = filepath.Join(dir, "data")
	for k, n := range []int{400, 256, 100} {
		p := &audio.PCM{Format: audio.Format{SampleRate: 16000, BitDepth: 16, Channels: 1}, Data: [][]int32{make([]int32, n)}}
		for i := range p.Data[0] {
			p.Data[0][i] = int32(2000*math.Sin(float64(i*(k+1))/9) + 50*math.Sin(float64(i*i%97)))
		}
		if err := os.MkdirAll(filepath.Join(data, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(data, "sub", string(rune('a'+k))+".wav")
		if err := audio.WriteFile(name, p); err != nil {
			t.Fatal(err)
		}
	}
	return model, data
}

func TestEvalCommand(t *testing.T) {
	model, data := evalTestSet(t)
	rep := filepath.Join(t.TempDir(), "report")
	code, out, stderr := runCapture(t, "eval", "--data", data, "--model", model, "--budgets", "6,full",
		"--max-calls", "64", "--draws", "2", "--report", rep, "--seed", "3")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	for _, want := range []string{"3 files, 756 samples", "ardm bound", "ardm policy bound, budget 6", "ardm coded, budget 6", "bit-exact", "budget full", "not measured", eval.ClassicName} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	for _, c := range eval.KnownBaselines {
		if _, err := exec.LookPath(c.Encoder); err == nil && !strings.Contains(out, c.Setting()) {
			t.Errorf("stdout lacks %s:\n%s", c.Setting(), out)
		}
	}
	md, err := os.ReadFile(filepath.Join(rep, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{eval.PlotLt, eval.PlotStages, eval.PlotBudget, eval.PlotCodecs} {
		raw, err := os.ReadFile(filepath.Join(rep, p))
		if err != nil {
			t.Errorf("plot: %v", err)
			continue
		}
		if _, err := png.Decode(bytes.NewReader(raw)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		if !bytes.Contains(md, []byte("("+p+")")) {
			t.Errorf("report.md does not link %s", p)
		}
	}

	// --json prints the whole report; the same seed gives the same figures.
	code, out, stderr = runCapture(t, "eval", "--json", "--data", data, "--model", model, "--budgets", "6",
		"--draws", "2", "--baselines", "", "--seed", "3")
	if code != exitOK {
		t.Fatalf("--json: exit %d\n%s", code, stderr)
	}
	var r eval.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(rep, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	first, err := eval.ReadReport(f)
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.Files != 3 || r.Summary.Bound == nil || r.Summary.Bound.Total != first.Summary.Bound.Total ||
		r.Summary.Budgets[0].Coded != first.Summary.Budgets[0].Coded {
		t.Errorf("second run differs from the first: %+v vs %+v", r.Summary, first.Summary)
	}
}

func TestEvalCommandNoModel(t *testing.T) {
	_, data := evalTestSet(t)
	rep := filepath.Join(t.TempDir(), "report")
	code, out, stderr := runCapture(t, "eval", "--data", data, "--no-model", "--report", rep)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	if !strings.Contains(out, eval.ClassicName) || !strings.Contains(out, "bit-exact") || strings.Contains(out, "ardm coded") {
		t.Errorf("stdout:\n%s", out)
	}
	md, err := os.ReadFile(filepath.Join(rep, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Codecs", "| " + eval.ClassicName + " | 3 |", "(" + eval.PlotCodecs + ")"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
	// --no-code leaves only the baselines.
	code, out, stderr = runCapture(t, "eval", "--data", data, "--no-model", "--no-code", "--baselines", "", "--json")
	if code != exitOK {
		t.Fatalf("--no-code: exit %d\n%s", code, stderr)
	}
	var r eval.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Summary.Files != 3 || r.Summary.Classic != nil {
		t.Errorf("--no-code summary %+v", r.Summary)
	}
}

func TestEvalCommandErrors(t *testing.T) {
	model, data := evalTestSet(t)
	if err := os.WriteFile(filepath.Join(data, "broken.wav"), []byte("RIFF\x00\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no data", []string{"eval", "--model", model}, exitUsage},
		{"bad budget", []string{"eval", "--data", data, "--model", model, "--budgets", "ten"}, exitUsage},
		{"bad baseline", []string{"eval", "--data", data, "--model", model, "--baselines", "mp3"}, exitUsage},
		{"model and no-model", []string{"eval", "--data", data, "--model", model, "--no-model"}, exitUsage},
		{"negative draws", []string{"eval", "--data", data, "--model", model, "--draws", "-1"}, exitUsage},
		{"missing folder", []string{"eval", "--data", filepath.Join(data, "nope"), "--no-model"}, exitError},
		{"corrupt model", []string{"eval", "--data", data, "--model", filepath.Join(data, "sub", "a.wav")}, exitIntegrity},
		{"broken file", []string{"eval", "--data", data, "--model", model, "--budgets", "", "--draws", "1", "--baselines", ""}, exitPartial},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCapture(t, append(tc.args, "-q")...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, stderr)
			}
		})
	}
}
