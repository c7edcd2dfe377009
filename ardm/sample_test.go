package ardm

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/ardm-dev/ardm/stages"
)

func TestGenerateKeepsKnownBitsAndIsSeeded(t *testing.T) {
	cfg := smallConfig(4, 6, 2, 3)
	cfg.FrameLen = 200
	p := NewPredictor(NewModel(randomWeights(cfg, 2)))
	src, _, _ := randomInput(cfg, 8, 200, 5)
	for _, known := range []int{0, 3, 8, 9, 16} {
		x := slices.Clone(src)
		opt := GenerateOptions{Budget: 12, Seed: 1, KnownBits: known}
		if err := p.Generate(context.Background(), x, opt); err != nil {
			t.Fatal(err)
		}
		for i := range x {
			if stages.KeepTopBits(x[i], known) != stages.KeepTopBits(src[i], known) {
				t.Fatalf("known=%d: position %d top bits changed: %04x vs %04x", known, i, x[i], src[i])
			}
		}
		y := slices.Clone(src)
		p.Generate(context.Background(), y, opt)
		if !slices.Equal(x, y) {
			t.Fatalf("known=%d: same seed, different output", known)
		}
		opt.Seed = 2
		p.Generate(context.Background(), y, opt)
		if known < 16 && slices.Equal(x, y) {
			t.Fatalf("known=%d: different seeds, same output", known)
		}
	}
}

func TestGenerateFollowsDistribution(t *testing.T) {
	cfg := smallConfig(16, 4, 1, 1)
	w := NewWeights(cfg, 3) // output layer zero: logits = OutB
	for s := 0; s < cfg.Stages(); s++ {
		w.OutB[s*16+(s*5+3)%16] = 30 // stage s+1 always picks digit (5s+3) mod 16
	}
	p := NewPredictor(NewModel(w))
	got, err := p.Sample(context.Background(), 2, 50, GenerateOptions{Budget: 8, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	want := uint16(3<<12 | 8<<8 | 13<<4 | 2)
	for _, x := range got {
		for i, v := range x {
			if v != want {
				t.Fatalf("sample %d = %04x, want %04x", i, v, want)
			}
		}
	}
}

func TestStageBitsUniform(t *testing.T) {
	cfg := smallConfig(16, 4, 2, 3)
	p := NewPredictor(NewModel(NewWeights(cfg, 4))) // zero output layer: uniform
	x, _, _ := randomInput(cfg, 4, 120, 6)
	tests := []struct {
		known int
		want  []float64
	}{
		{0, []float64{4, 4, 4, 4}},
		{8, []float64{0, 0, 4, 4}},
		{6, []float64{0, 2, 4, 4}}, // two bits of stage 2 known
		{16, []float64{0, 0, 0, 0}},
	}
	for _, tc := range tests {
		got, err := p.StageBits(context.Background(), x, GenerateOptions{Budget: 10, Seed: 1, KnownBits: tc.known})
		if err != nil {
			t.Fatal(err)
		}
		for s := range got {
			if math.Abs(got[s]-tc.want[s]) > 1e-5 {
				t.Fatalf("known %d: stage bits %v, want %v", tc.known, got, tc.want)
			}
		}
	}
}

func TestGenerateCancel(t *testing.T) {
	cfg := smallConfig(2, 4, 1, 1)
	p := NewPredictor(NewModel(NewWeights(cfg, 4)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Generate(ctx, make([]uint16, 10), GenerateOptions{}); err == nil {
		t.Fatal("cancelled context not reported")
	}
}

func TestMeanDigit(t *testing.T) {
	tests := []struct {
		pr   []float32
		want int
	}{
		{[]float32{1, 0, 0, 0}, 0},
		{[]float32{0, 0, 0, 2}, 3},
		{[]float32{0.5, 0, 0, 0.5}, 2}, // mean 1.5 rounds up
		{[]float32{0.25, 0.25, 0.25, 0.25}, 2},
		{[]float32{0, 0.9, 0.1, 0}, 1},
		{[]float32{0, 0, 0.6, 0.4}, 2},       // allowed range {2, 3}: stays inside
		{[]float32{0, 0, 0, 0}, 0},           // degenerate
		{[]float32{0.1, 0.1, 0.1, 0.7}, 2},   // mean 2.4
		{[]float32{0.05, 0, 0, 0, 0.95}, 4},  // mean 3.8
		{[]float32{0.2, 0, 0, 0, 0, 0.8}, 4}, // mean 4.0
	}
	for _, tc := range tests {
		if got := meanDigit(tc.pr); got != tc.want {
			t.Errorf("meanDigit(%v) = %d, want %d", tc.pr, got, tc.want)
		}
	}
}

// TestGenerateMean: with Mean, Generate keeps the known bits, is
// reproducible (the seed still picks the order's rotation) and differs from
// sampling.
func TestGenerateMean(t *testing.T) {
	cfg := smallConfig(16, 6, 2, 3)
	cfg.FrameLen = 300
	p := NewPredictor(NewModel(randomWeights(cfg, 3)))
	src, _, _ := randomInput(cfg, 4, 300, 9)
	for _, known := range []int{4, 8, 10} {
		a, b := slices.Clone(src), slices.Clone(src)
		opt := GenerateOptions{Budget: 9, Seed: 1, KnownBits: known, Mean: true}
		if err := p.Generate(context.Background(), a, opt); err != nil {
			t.Fatal(err)
		}
		if err := p.Generate(context.Background(), b, opt); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a, b) {
			t.Fatalf("known=%d: the mean fill is not reproducible", known)
		}
		for i := range a {
			if stages.KeepTopBits(a[i], known) != stages.KeepTopBits(src[i], known) {
				t.Fatalf("known=%d: position %d top bits changed", known, i)
			}
		}
		// Sampling differs from the mean fill somewhere.
		c := slices.Clone(src)
		opt.Mean = false
		if err := p.Generate(context.Background(), c, opt); err != nil {
			t.Fatal(err)
		}
		if slices.Equal(a, c) {
			t.Errorf("known=%d: sampling gave the mean fill", known)
		}
	}
}
