package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ardm-dev/ardm/audio"
)

// TestCompressModelGate: a 16 kHz model is not tried on 44.1 kHz input (the
// stream is model-free: it decodes without --model, where a stream naming
// the tiny model would fail with the built-in one), but is on 16 kHz
// input, and --model-only overrides the gate.
func TestCompressModelGate(t *testing.T) {
	dir, files, pcms := codecTestFiles(t)
	model := tinyModelFile(t)
	for k, c := range []struct {
		name      string
		in        int
		extra     []string
		wantModel bool
	}{
		{"16 kHz: tried", 0, nil, true},
		{"44.1 kHz: gated", 1, nil, false},
		{"44.1 kHz, --model-only: forced", 1, []string{"--model-only"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			stream := filepath.Join(dir, fmt.Sprintf("g%d.ardm", k))
			args := append([]string{"--json", "compress", "--model", model, "--budget", "8", "-o", stream}, c.extra...)
			code, stdout, stderr := runCapture(t, append(args, files[c.in])...)
			if code != 0 {
				t.Fatalf("compress exit %d: %s", code, stderr)
			}
			var res compressResult
			if err := json.Unmarshal([]byte(stdout), &res); err != nil {
				t.Fatalf("%v: %s", err, stdout)
			}
			if got := res.Stats.ModelSkipped == ""; got != c.wantModel {
				t.Fatalf("model tried: %v, want %v (model_skipped %q)", got, c.wantModel, res.Stats.ModelSkipped)
			}
			back := filepath.Join(dir, fmt.Sprintf("g%d.wav", k))
			dargs := []string{"decompress", stream, "-o", back}
			if c.wantModel {
				dargs = append(dargs, "--model", model)
			} // else: a model-free stream decodes with the built-in model (or none)
			if code, _, stderr := runCapture(t, dargs...); code != 0 {
				t.Fatalf("decompress exit %d: %s", code, stderr)
			}
			if got, err := audio.ReadFile(back); err != nil || !samePCM(got, pcms[c.in]) {
				t.Errorf("decoded samples differ (%v)", err)
			}
		})
	}
}
