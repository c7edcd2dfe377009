package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/stages"

	"github.com/ardm-dev/ardm/audio"
)

// noisyWeights returns weights for cfg with every parameter, the zero
// initialised output layer and the biases included, drawn from seed.
func noisyWeights(cfg ardm.Config, seed uint64, scale float64) *ardm.Weights {
	w := ardm.NewWeights(cfg, seed)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	lim := scale / math.Sqrt(float64(cfg.Channels))
	for _, p := range w.Params() {
		for i := range p {
			p[i] = float32((rng.Float64()*2 - 1) * lim)
		}
	}
	return w
}

// sineClip is a deterministic test signal: a few sines plus noise.
func sineClip(n int, seed uint64, amp float64) []int16 {
	rng := rand.New(rand.NewPCG(seed, 3))
	f1, f2 := 0.01+0.05*rng.Float64(), 0.002+0.01*rng.Float64()
	p1, p2 := rng.Float64()*6, rng.Float64()*6
	out := make([]int16, n)
	for i := range out {
		v := amp*math.Sin(f1*float64(i)*2*math.Pi+p1) + 0.5*amp*math.Sin(f2*float64(i)*2*math.Pi+p2) + 0.004*amp*rng.NormFloat64()
		out[i] = int16(max(-32768, min(32767, math.Round(v))))
	}
	return out
}

// stageInput builds the stage input of a clip with t of its positions
// revealed (a random set).
func stageInput(cfg ardm.Config, clip []int16, stage, t int, seed uint64) ([]uint16, []bool) {
	rng := rand.New(rand.NewPCG(seed, 11))
	n := len(clip)
	perm := rng.Perm(n)
	values, mask := make([]uint16, n), make([]bool, n)
	for i, v := range clip {
		x := audio.ToUnsigned16(int32(v))
		mask[i] = perm[i] < t
		s := stage - 1
		if mask[i] {
			s = stage
		}
		values[i] = stages.Value(x, cfg.Branching, s)
	}
	return values, mask
}

func TestGraphForwardMatchesForward(t *testing.T) {
	tests := []struct {
		name   string
		cfg    ardm.Config
		n      int
		stage  int
		reveal int
	}{
		{"b16", tinyConfig(), 300, 2, 100},
		{"b4 k5", ardm.Config{Branching: 4, Channels: 8, Layers: 3, DilationCycle: 2, Kernel: 5, EmbedDim: 8, FrameLen: 500, Head: ardm.HeadSoftmax}, 500, 5, 499},
		{"b2 k1", ardm.Config{Branching: 2, Channels: 6, Layers: 2, DilationCycle: 1, Kernel: 1, EmbedDim: 2, FrameLen: 64, Head: ardm.HeadSoftmax}, 64, 16, 0},
		{"dilation beyond n", ardm.Config{Branching: 16, Channels: 4, Layers: 5, DilationCycle: 5, Kernel: 3, EmbedDim: 4, FrameLen: 10, Head: ardm.HeadSoftmax}, 10, 3, 4},
		{"b256", ardm.Config{Branching: 256, Channels: 4, Layers: 4, DilationCycle: 3, Kernel: 3, EmbedDim: 4, FrameLen: 200, Head: ardm.HeadSoftmax}, 200, 1, 17},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := noisyWeights(tc.cfg, 7, 1.5)
			values, mask := stageInput(tc.cfg, sineClip(tc.n, 1, 6000), tc.stage, tc.reveal, 2)
			got, err := graphForward(w, tc.stage, tc.reveal, values, mask)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]float32, tc.n*tc.cfg.Outputs())
			w.Forward(tc.stage, tc.reveal, values, mask, want)
			var maxAbs, maxErr float64
			for i := range want {
				maxAbs = math.Max(maxAbs, math.Abs(float64(want[i])))
				maxErr = math.Max(maxErr, math.Abs(float64(got[i]-want[i])))
			}
			if maxAbs == 0 || maxErr > 1e-5*math.Max(1, maxAbs) {
				t.Fatalf("graph and pure-Go forward differ by %g (max |logit| %g)", maxErr, maxAbs)
			}
			t.Logf("max |diff| %.3g, max |logit| %.3g", maxErr, maxAbs)
		})
	}
}
