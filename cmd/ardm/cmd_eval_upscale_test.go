package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ardm-dev/ardm/audio"
)

func TestEvalUpscaleCommand(t *testing.T) {
	model := tinyModelFile(t)
	data := t.TempDir()
	p := &audio.PCM{Format: audio.Format{SampleRate: 16000, BitDepth: 16, Channels: 1}, Data: [][]int32{make([]int32, 500)}}
	for i := range p.Data[0] {
		p.Data[0][i] = int32(7000 * math.Sin(float64(i)*0.02))
	}
	if err := audio.WriteFile(filepath.Join(data, "x.wav"), p); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(t.TempDir(), "rep")
	code, stdout, stderr := runCapture(t, "--json", "eval", "--data", data, "--model", model, "--upscale", "8", "--upscale-draws", "2", "--report", report)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r struct {
		FromBits int                `json:"from_bits"`
		Pooled   map[string]float64 `json:"pooled_snr_db"`
		Clips    []json.RawMessage  `json:"clips"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(stdout)), &r); err != nil {
		t.Fatalf("%v: %q", err, stdout)
	}
	if r.FromBits != 8 || len(r.Clips) != 1 || len(r.Pooled) != 4 {
		t.Fatalf("report %+v", r)
	}
	if _, err := os.Stat(filepath.Join(report, "upscale.md")); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := runCapture(t, "eval", "--data", data, "--upscale", "16"); code != exitUsage {
		t.Fatalf("--upscale 16: exit %d, want %d", code, exitUsage)
	}
}
