package ardm

import (
	"math"
	"math/rand/v2"
)

// Block holds the weights of one gated residual block. Matrices are row
// major with the input index first: out[o] = sum_i in[i] * W[i*out+o].
type Block struct {
	CondW []float32 // [C][C]: fraction embedding e -> per-block bias
	ConvW []float32 // [Kernel][C][2C]: tap k reads position i + (k-(Kernel-1)/2)*dilation
	ConvB []float32 // [2C]
	ResW  []float32 // [C][C]
	ResB  []float32 // [C]
	SkipW []float32 // [C][C]
	SkipB []float32 // [C]
}

// Weights is a full set of network parameters for a Config.
type Weights struct {
	Config Config
	InW    []float32 // [Config.NumFeatures()][C]
	InB    []float32 // [C]
	EmbW   []float32 // [EmbedDim][C]
	EmbB   []float32 // [C]
	Blocks []Block
	Out1W  []float32 // [C][C]
	Out1B  []float32 // [C]
	OutW   []float32 // [C][Outputs]; zero at initialisation
	OutB   []float32 // [Outputs]
}

// Params lists every parameter slice of w in a fixed order (the order of
// checkpoints, hashing, optimizers and gradient checks).
func (w *Weights) Params() [][]float32 {
	p := [][]float32{w.InW, w.InB, w.EmbW, w.EmbB}
	for i := range w.Blocks {
		b := &w.Blocks[i]
		p = append(p, b.CondW, b.ConvW, b.ConvB, b.ResW, b.ResB, b.SkipW, b.SkipB)
	}
	return append(p, w.Out1W, w.Out1B, w.OutW, w.OutB)
}

// NewWeights allocates weights for cfg and initialises them from seed
// (uniform fan-in scaling, biases zero, output layer zero). It never reads
// the clock. cfg must be valid.
func NewWeights(cfg Config, seed uint64) *Weights {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	rng := rand.New(rand.NewPCG(seed, 0x1a2b3c4d5e6f7788))
	C, K, O := cfg.Channels, cfg.Kernel, cfg.Outputs()
	mat := func(in, out, fanIn int) []float32 {
		m := make([]float32, in*out)
		lim := math.Sqrt(3.0 / float64(fanIn))
		for i := range m {
			m[i] = float32((rng.Float64()*2 - 1) * lim)
		}
		return m
	}
	w := &Weights{
		Config: cfg,
		InW:    mat(cfg.NumFeatures(), C, cfg.NumFeatures()),
		InB:    make([]float32, C),
		EmbW:   mat(cfg.EmbedDim, C, cfg.EmbedDim),
		EmbB:   make([]float32, C),
	}
	for l := 0; l < cfg.Layers; l++ {
		w.Blocks = append(w.Blocks, Block{
			CondW: mat(C, C, C),
			ConvW: mat(K*C, 2*C, K*C),
			ConvB: make([]float32, 2*C),
			ResW:  mat(C, C, C),
			ResB:  make([]float32, C),
			SkipW: mat(C, C, C),
			SkipB: make([]float32, C),
		})
	}
	w.Out1W = mat(C, C, C)
	w.Out1B = make([]float32, C)
	w.OutW = make([]float32, C*O)
	w.OutB = make([]float32, O)
	initHeadBias(w)
	return w
}

// initHeadBias sets the initial output biases of the mixture head: equal
// weights, log scales 0 (scale one unit, min(g, W)) and locations spread
// evenly over [-1/2, 1/2] units so that the components start apart (with
// equal locations their gradients would be equal and they would never
// separate). The softmax head keeps zero biases.
func initHeadBias(w *Weights) {
	cfg := w.Config
	if cfg.Head != HeadMixture || cfg.Mixtures < 2 {
		return
	}
	K := cfg.Mixtures
	for k := 0; k < K; k++ {
		w.OutB[K+k] = float32(float64(k)/float64(K-1) - 0.5)
	}
}
