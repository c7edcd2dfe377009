package main

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ardm-dev/ardm/stages"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/audio"
)

// tinyModelFile saves a small random model (frame 400) and returns its path.
func tinyModelFile(t *testing.T) string {
	t.Helper()
	cfg := ardm.DefaultConfig()
	cfg.Channels, cfg.Layers, cfg.DilationCycle, cfg.EmbedDim, cfg.FrameLen = 6, 2, 2, 4, 400
	w := ardm.NewWeights(cfg, 7)
	for i := range w.OutW {
		w.OutW[i] = float32(math.Sin(float64(i)))
	}
	path := filepath.Join(t.TempDir(), "tiny.ardmm")
	if err := ardm.NewModel(w).Save(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUpscaleCommand(t *testing.T) {
	model := tinyModelFile(t)
	dir := t.TempDir()
	ref := &audio.PCM{Format: audio.Format{SampleRate: 16000, BitDepth: 16, Channels: 2}}
	for c := 0; c < 2; c++ {
		ch := make([]int32, 900)
		for i := range ch {
			ch[i] = int32(9000 * math.Sin(float64(i)*0.03*float64(c+1)))
		}
		ref.Data = append(ref.Data, ch)
	}
	refPath, inPath, outPath := filepath.Join(dir, "ref.wav"), filepath.Join(dir, "in8.wav"), filepath.Join(dir, "out.wav")
	if err := audio.WriteFile(refPath, ref); err != nil {
		t.Fatal(err)
	}
	if err := audio.WriteFile(inPath, ref.ConvertDepth(8)); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCapture(t, "--json", "upscale", "--model", model, "--budget", "20", inPath, "-o", outPath, "--reference", refPath)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res upscaleResult
	if err := json.Unmarshal([]byte(strings.TrimSpace(stdout)), &res); err != nil {
		t.Fatalf("%v: %q", err, stdout)
	}
	if res.FromBits != 8 || res.SNR == nil || res.SNRZero == nil || res.SNRMid == nil || res.Bits == nil || len(res.StageBits) != 4 {
		t.Fatalf("incomplete result %+v", res)
	}
	if *res.Bits <= 0 || *res.Bits > 8.5 {
		t.Fatalf("missing bits %v not in (0, 8.5]", *res.Bits)
	}
	out, err := audio.ReadFile(outPath)
	if err != nil {
		t.Fatal(err)
	}
	if out.BitDepth != 16 || len(out.Data) != 2 || out.Frames() != 900 {
		t.Fatalf("output %d-bit %dx%d", out.BitDepth, len(out.Data), out.Frames())
	}
	for c := range ref.Data {
		for i, v := range ref.Data[c] {
			if stages.KeepTopBits(audio.ToUnsigned16(v), 8) != stages.KeepTopBits(audio.ToUnsigned16(out.Data[c][i]), 8) {
				t.Fatalf("channel %d sample %d: top bits changed", c, i)
			}
		}
	}
	if res.Fill != "expect" {
		t.Errorf("default fill %q, want expect", res.Fill)
	}
	// --fill sample draws the digits instead: another output.
	samplePath := filepath.Join(dir, "sample.wav")
	if code, _, stderr := runCapture(t, "upscale", "--model", model, "--budget", "20", "--fill", "sample", inPath, "-o", samplePath); code != 0 {
		t.Fatalf("--fill sample: exit %d: %s", code, stderr)
	}
	if smp, err := audio.ReadFile(samplePath); err != nil || smp.Equal(out) {
		t.Errorf("--fill sample gave the mean fill (%v)", err)
	}
	if code, _, _ := runCapture(t, "upscale", inPath); code != exitUsage {
		t.Fatalf("missing -o: exit %d, want %d", code, exitUsage)
	}
	for _, bad := range [][]string{{"--fill", "median"}, {"--from-bits", "16"}, {"--to-bits", "20"}, {"--draws", "0"}} {
		if code, _, _ := runCapture(t, append(append([]string{"upscale"}, bad...), inPath, "-o", samplePath)...); code != exitUsage {
			t.Fatalf("%v: exit %d, want %d", bad, code, exitUsage)
		}
	}
	// --to-bits 24 keeps the estimate's fraction: a 24-bit file whose top
	// 16 bits round to the 16-bit output.
	path24 := filepath.Join(dir, "out24.wav")
	if code, _, stderr := runCapture(t, "upscale", "--model", model, "--budget", "20", "--to-bits", "24", inPath, "-o", path24); code != 0 {
		t.Fatalf("--to-bits 24: exit %d: %s", code, stderr)
	}
	o24, err := audio.ReadFile(path24)
	if err != nil || o24.BitDepth != 24 {
		t.Fatalf("24-bit output: %v", err)
	}
	for c := range out.Data {
		for i, v := range out.Data[c] {
			if d := o24.Data[c][i] - v<<8; d < -128 || d > 128 {
				t.Fatalf("channel %d sample %d: 24-bit %d, 16-bit %d", c, i, o24.Data[c][i], v)
			}
		}
	}
}

func TestPolicyAndSampleCommands(t *testing.T) {
	model := tinyModelFile(t)
	code, stdout, stderr := runCapture(t, "--json", "policy", "--model", model, "--budget", "10", "--alloc", "joint")
	if code != 0 {
		t.Fatalf("policy: exit %d: %s", code, stderr)
	}
	var pol struct {
		Calls  int     `json:"calls"`
		Bits   float64 `json:"bits_per_sample"`
		Stages []struct {
			Steps []int `json:"steps"`
		} `json:"stages"`
	}
	if err := json.Unmarshal([]byte(stdout), &pol); err != nil {
		t.Fatal(err)
	}
	if pol.Calls != 10 || len(pol.Stages) != 4 || math.Abs(pol.Bits-16) > 1e-6 {
		t.Fatalf("policy %+v (uniform model: 16 bits, 10 calls)", pol)
	}
	dir := filepath.Join(t.TempDir(), "samples")
	code, _, stderr = runCapture(t, "sample", "--model", model, "-n", "2", "--budget", "8", "--out-dir", dir)
	if code != 0 {
		t.Fatalf("sample: exit %d: %s", code, stderr)
	}
	for _, name := range []string{"sample-000.wav", "sample-001.wav"} {
		p, err := audio.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if p.BitDepth != 16 || p.Frames() != 400 {
			t.Fatalf("%s: %d-bit, %d frames", name, p.BitDepth, p.Frames())
		}
	}
}
