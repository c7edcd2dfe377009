package eval

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/upscale"
)

func TestRunUpscale(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for k, freq := range []float64{0.01, 0.03} {
		p := &audio.PCM{Format: audio.Format{SampleRate: 16000, BitDepth: 16, Channels: 1}, Data: [][]int32{make([]int32, 300)}}
		for i := range p.Data[0] {
			p.Data[0][i] = int32(9000 * math.Sin(float64(i)*freq*float64(k+1)))
		}
		path := filepath.Join(dir, []string{"a.wav", "b.wav"}[k])
		if err := audio.WriteFile(path, p); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	cfg := ardm.DefaultConfig()
	cfg.Channels, cfg.Layers, cfg.EmbedDim, cfg.FrameLen = 4, 1, 2, 100
	m := ardm.NewModel(ardm.NewWeights(cfg, 1)) // uniform: expects the middle of the bin
	r, err := RunUpscale(context.Background(), dir, files, UpscaleOptions{Model: m, FromBits: 8, Upscale: upscale.Options{Budget: 10, Draws: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Clips) != 2 || r.Clips[0].Path != "a.wav" {
		t.Fatalf("clips %+v", r.Clips)
	}
	if r.Pooled["model"] != r.Pooled["mid"] || r.Wins != 0 || r.Losses != 0 {
		t.Fatalf("uniform model: pooled %v, wins %d losses %d", r.Pooled, r.Wins, r.Losses)
	}
	// Smooth sines: the smoothed fill beats mid-bin, which beats zero fill.
	if !(r.Pooled["smooth"] > r.Pooled["mid"] && r.Pooled["mid"] > r.Pooled["zero"]) {
		t.Fatalf("baselines out of order: %v", r.Pooled)
	}
	var sig, noise float64
	for _, c := range r.Clips {
		sig += c.Signal
		noise += c.Noise["zero"]
	}
	if want := 10 * math.Log10(sig/noise); math.Abs(r.Pooled["zero"]-want) > 1e-9 {
		t.Fatalf("pooled zero-fill %v, want %v", r.Pooled["zero"], want)
	}
	out := t.TempDir()
	if err := r.WriteDir(out); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"upscale.json", "upscale.md", PlotUpscale} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Fatalf("%s not written: %v", f, err)
		}
	}
	if _, err := RunUpscale(context.Background(), dir, files, UpscaleOptions{Model: m, FromBits: 16}); err == nil {
		t.Fatal("from 16 bits accepted")
	}
}
