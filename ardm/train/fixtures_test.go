package train

// Test fixtures shared by this package's tests (the same shapes as
// package ardm's tests use).

import (
	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/ardm/internal/fixture"
)

func tinyConfig() ardm.Config {
	return ardm.Config{Branching: 16, Channels: 4, Layers: 2, DilationCycle: 2, Kernel: 3, EmbedDim: 4, FrameLen: 256, Head: ardm.HeadSoftmax}
}

// randomWeights returns weights for cfg with every parameter (biases and
// the output layer included) drawn from seed, so that no layer is trivial.
func randomWeights(cfg ardm.Config, seed uint64) *ardm.Weights {
	w := ardm.NewWeights(cfg, seed)
	fixture.FillParams(w.Params(), cfg.Channels, seed)
	return w
}

// randomInput returns a stage input: smooth-ish audio, its stage value
// and a random mask with t positions revealed.
func randomInput(cfg ardm.Config, stage, n int, seed uint64) (values []uint16, mask []bool, t int) {
	return fixture.StageInput(cfg.DigitBits(), stage, n, seed)
}

func smallConfig(b, channels, layers, kernel int) ardm.Config {
	cfg := ardm.DefaultConfig()
	cfg.Branching, cfg.Channels, cfg.Layers, cfg.Kernel = b, channels, layers, kernel
	cfg.DilationCycle = 4
	cfg.EmbedDim = 8
	return cfg
}
