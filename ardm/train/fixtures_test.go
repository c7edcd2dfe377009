package train

// Test fixtures shared by this package's tests (the same shapes as
// package ardm's tests use).

import (
	"math"
	"math/rand/v2"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/stages"
)

func tinyConfig() ardm.Config {
	return ardm.Config{Branching: 16, Channels: 4, Layers: 2, DilationCycle: 2, Kernel: 3, EmbedDim: 4, FrameLen: 256, Head: ardm.HeadSoftmax}
}

// randomWeights returns weights for cfg with every parameter (biases and
// the output layer included) drawn from seed, so that no layer is trivial.
func randomWeights(cfg ardm.Config, seed uint64) *ardm.Weights {
	w := ardm.NewWeights(cfg, seed)
	rng := rand.New(rand.NewPCG(seed, 99))
	for _, p := range w.Params() {
		lim := 1 / math.Sqrt(float64(cfg.Channels))
		for i := range p {
			p[i] = float32((rng.Float64()*2 - 1) * lim * 1.5)
		}
	}
	return w
}

// randomInput returns a stage input: smooth-ish audio, its stage value
// and a random mask with t positions revealed.
func randomInput(cfg ardm.Config, stage, n int, seed uint64) (values []uint16, mask []bool, t int) {
	rng := rand.New(rand.NewPCG(seed, 7))
	db := cfg.DigitBits()
	values = make([]uint16, n)
	mask = make([]bool, n)
	phase := 0.0
	for i := range values {
		phase += 0.03 + 0.02*rng.Float64()
		v := 32768 + 9000*math.Sin(phase) + 300*rng.NormFloat64()
		x := uint16(math.Max(0, math.Min(65535, v)))
		if rng.IntN(3) == 0 {
			mask[i] = true
			t++
			values[i] = stages.KeepTopBits(x, stage*db)
		} else {
			values[i] = stages.KeepTopBits(x, (stage-1)*db)
		}
	}
	return values, mask, t
}

func smallConfig(b, channels, layers, kernel int) ardm.Config {
	cfg := ardm.DefaultConfig()
	cfg.Branching, cfg.Channels, cfg.Layers, cfg.Kernel = b, channels, layers, kernel
	cfg.DilationCycle = 4
	cfg.EmbedDim = 8
	return cfg
}

// maxRelErr is max |got-want| / (max |want| + tiny) over all elements.
func maxRelErr(got []float32, want []float64) float64 {
	scale, diff := 1e-30, 0.0
	for i := range want {
		scale = math.Max(scale, math.Abs(want[i]))
		diff = math.Max(diff, math.Abs(float64(got[i])-want[i]))
	}
	return diff / scale
}
