package coder

import (
	"bytes"
	"testing"
	"time"
)

// TestLPCSC09 reports the bits/sample of the lpc coder alone and of the
// automatic fallback choice on the real dev clips.
func TestLPCSC09(t *testing.T) {
	clips := readWAVDir(t, sc09Dev)
	if len(clips) == 0 {
		t.Skip("no", sc09Dev)
	}
	for _, cfg := range []struct {
		name string
		opts []Option
	}{{"lpc", []Option{forceCoder(CoderLPC)}}, {"auto", nil}} {
		var bits, samples float64
		start := time.Now()
		for _, clip := range clips {
			var buf bytes.Buffer
			st, err := Encode(&buf, nil, clip, cfg.opts...)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Decode(&buf, nil)
			if err != nil {
				t.Fatal(err)
			}
			if ok, why := equalPCM(clip, out); !ok {
				t.Fatalf("%s: %s", cfg.name, why)
			}
			bits += 8 * float64(st.Bytes)
			samples += float64(clip.Frames())
		}
		t.Logf("%s: %.4f bits/sample, %.0fx real time", cfg.name, bits/samples, samples/16000/time.Since(start).Seconds())
	}
}
