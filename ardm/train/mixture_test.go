package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/ardm/internal/mixture"
	"github.com/ardm-dev/ardm/stages"

	"github.com/ardm-dev/ardm/datasets"
)

func mixConfig(b, K int) ardm.Config {
	return ardm.Config{Branching: b, Channels: 4, Layers: 2, DilationCycle: 2, Kernel: 3, EmbedDim: 4, FrameLen: 256, Head: ardm.HeadMixture, Mixtures: K}
}

// refMixNLL64 is an independent float64 transcription of the mixture
// head's -ln p(target) (u in units of min(g, W)): plain sigmoid
// differences, math.Exp.
func refMixNLL64(cfg ardm.Config, out []float64, stage, target int, g float64) float64 {
	K, b := cfg.Mixtures, cfg.Branching
	W := math.Ldexp(1, 16-(stage-1)*cfg.DigitBits())
	w := W / float64(b)
	edge := func(j int) float64 {
		switch {
		case j == 0:
			return math.Inf(-1)
		case j == b:
			return math.Inf(1)
		}
		return (float64(j)*w - W/2 - 0.5) / math.Min(g, W)
	}
	m := math.Inf(-1)
	for k := 0; k < K; k++ {
		m = math.Max(m, out[k])
	}
	var z float64
	for k := 0; k < K; k++ {
		z += math.Exp(out[k] - m)
	}
	sig := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	var p float64
	for k := 0; k < K; k++ {
		pi := math.Exp(out[k]-m) / z
		s := math.Exp(math.Max(out[2*K+k], -9))
		lo, hi := edge(target), edge(target+1)
		p += pi * (sig((hi-out[K+k])/s) - sig((lo-out[K+k])/s))
	}
	return -math.Log((1-ardm.MixtureEps)*p + ardm.MixtureEps/float64(b))
}

// refMixLoss64 is the graph's loss on its current inputs in float64.
func refMixLoss64(ng *netGraph, w *ardm.Weights) float64 {
	cfg, sp := w.Config, ng.spec
	E := cfg.EmbedDim
	var loss float64
	for bi := 0; bi < ng.B; bi++ {
		outs := refLogits64(w, ng.featV[bi*ng.T*cfg.NumFeatures():(bi+1)*ng.T*cfg.NumFeatures()], ng.embV[bi*E:(bi+1)*E], ng.T)
		for i, row := range outs {
			r := bi*ng.T + i
			if sp.weight[r] == 0 {
				continue
			}
			loss += float64(sp.weight[r]) * refMixNLL64(cfg, row, sp.stage[bi], int(sp.target[r]), sp.level[r])
		}
	}
	return loss
}

// TestMixtureGradientCheck compares the gorgonia gradients of the mixture
// loss with central finite differences of a float64 transcription.
func TestMixtureGradientCheck(t *testing.T) {
	tests := []struct {
		name string
		cfg  ardm.Config
	}{
		{"b16 K3", mixConfig(16, 3)},
		{"b4 K2", mixConfig(4, 2)},
		{"OA K3", mixConfig(ardm.OABranching, 3)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, w := gradientTrainer(t, tc.cfg)
			defer tr.Close()
			l64 := refMixLoss64(tr.ng, w)
			if math.Abs(l64-tr.ng.loss()) > 1e-5*l64 {
				t.Fatalf("graph loss %v, float64 reference %v", tr.ng.loss(), l64)
			}
			t.Logf("loss %.5g", l64)
			checkGradients(t, tr.ng, w.Params(), func() float64 { return refMixLoss64(tr.ng, w) }, 1e-3, 1e-3, 1e-7)
		})
	}
}

// TestMixtureRowGradient checks d(-ln p)/d(outputs) of one row against
// finite differences, including components in the far tails, narrow bins
// and clamped log scales.
func TestMixtureRowGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, b := range []int{2, 16, 256, ardm.OABranching} {
		cfg := mixConfig(b, 4)
		for trial := 0; trial < 40; trial++ {
			stage := 1 + rng.IntN(cfg.Stages())
			g := []float64{50, 700, 32768}[rng.IntN(3)]
			target := rng.IntN(b)
			out := make([]float32, 12)
			for k := range out {
				out[k] = float32(rng.NormFloat64() * 2)
			}
			out[4+rng.IntN(4)] = float32(rng.NormFloat64() * 30) // a far location
			if trial%5 == 0 {
				out[8] = -12 // clamped scale
			}
			comps := make([]mixture.Comp, 4)
			grad := make([]float32, 12)
			nll := mixRowNLL(cfg, out, stage, target, g, comps, grad, 1)
			o64 := make([]float64, 12)
			for k := range out {
				o64[k] = float64(out[k])
			}
			// The reference's plain sigmoid difference loses about 1e-16/p.
			if ref := refMixNLL64(cfg, o64, stage, target, g); math.Abs(ref-nll) > 1e-9*math.Max(1, ref)+1e-14*math.Exp(ref) {
				t.Fatalf("b=%d trial %d: nll %v, reference %v", b, trial, nll, ref)
			}
			for k := range out {
				h := 1e-3 * math.Max(1, math.Abs(o64[k]))
				up := append([]float32(nil), out...)
				dn := append([]float32(nil), out...)
				up[k] = float32(o64[k] + h)
				dn[k] = float32(o64[k] - h)
				fd := (mixRowNLL(cfg, up, stage, target, g, comps, nil, 0) - mixRowNLL(cfg, dn, stage, target, g, comps, nil, 0)) /
					(float64(up[k]) - float64(dn[k]))
				if math.Abs(fd-float64(grad[k])) > 1e-3*math.Max(1, math.Abs(fd)) {
					t.Fatalf("b=%d trial %d output %d: gradient %v, finite difference %v", b, trial, k, grad[k], fd)
				}
			}
		}
	}
}

// mixGraphNLL runs the training graph of w on one stage input and returns
// each row's -log2 p(target) (0 for revealed rows).
func mixGraphNLL(t *testing.T, w *ardm.Weights, stage, rev int, values []uint16, mask []bool, target []int32) []float64 {
	cfg := w.Config
	n := len(values)
	ng, err := newNetGraph(w, 1, n, true)
	if err != nil {
		t.Fatal(err)
	}
	defer ng.close()
	ardm.Features(cfg, stage, values, mask, ng.featV)
	ardm.Embedding(cfg, rev, n, ng.embV)
	ng.spec.stage[0] = stage
	for i := range values {
		ng.spec.target[i] = target[i]
		ng.spec.weight[i] = 0
		if !mask[i] {
			ng.spec.weight[i] = 1
		}
	}
	ng.spec.fillLevels(cfg, stage, values, mask, 0)
	if err := ng.run(); err != nil {
		t.Fatal(err)
	}
	bits := make([]float64, n)
	for i, v := range ng.spec.nll {
		bits[i] = v / math.Ln2
	}
	return bits
}

// TestMixturePredictMatchesGraph compares the pure-Go probabilities of the
// target digits with the training graph's loss on random weights.
func TestMixturePredictMatchesGraph(t *testing.T) {
	tests := []struct {
		b, stage, n int
	}{{16, 1, 300}, {16, 3, 300}, {4, 6, 200}, {256, 2, 200}, {ardm.OABranching, 1, 150}}
	for _, tc := range tests {
		cfg := mixConfig(tc.b, 5)
		cfg.FrameLen = tc.n
		w := randomWeights(cfg, 21)
		values, mask, rev := randomInput(cfg, tc.stage, tc.n, 5)
		rng := rand.New(rand.NewPCG(6, 6))
		target := make([]int32, tc.n)
		x := make([]uint16, tc.n)
		var pos []int
		for i := range target {
			target[i] = int32(rng.IntN(tc.b))
			x[i] = stages.SetDigit(values[i], tc.b, tc.stage, int(target[i]))
			if !mask[i] {
				pos = append(pos, i)
			}
		}
		want := mixGraphNLL(t, w, tc.stage, rev, values, mask, target)
		p := ardm.NewPredictor(ardm.NewModel(w))
		var got []float64
		if tc.b <= 256 {
			probs := make([]float32, len(pos)*tc.b)
			p.Predict(tc.stage, rev, values, mask, pos, probs)
			for j, i := range pos {
				got = append(got, -math.Log2(float64(probs[j*tc.b+int(target[i])])))
			}
		} else {
			few := pos[:4] // 65536-entry tables: a few positions only
			probs := make([]float32, len(few)*tc.b)
			p.Predict(tc.stage, rev, values, mask, few, probs)
			for j, i := range few {
				var sum float64
				for _, v := range probs[j*tc.b : (j+1)*tc.b] {
					sum += float64(v)
				}
				if math.Abs(sum-1) > 1e-4 {
					t.Fatalf("OA: position %d probabilities sum to %v", i, sum)
				}
				got = append(got, -math.Log2(float64(probs[j*tc.b+int(target[i])])))
			}
		}
		var worst, total float64
		for j := range got {
			i := pos[j]
			worst = math.Max(worst, math.Abs(got[j]-want[i]))
			total += got[j]
		}
		if worst > 1e-4 {
			t.Fatalf("b=%d stage %d: pure-Go and graph -log2 p differ by %g", tc.b, tc.stage, worst)
		}
		tb := p.TargetBits(tc.stage, rev, values, mask, pos[:len(got)], x)
		if math.Abs(tb-total) > 1e-9*math.Max(1, total) {
			t.Fatalf("b=%d: TargetBits %v, from Predict %v", tc.b, tb, total)
		}
		t.Logf("b=%d stage %d: max |diff| %.3g bits over %d positions (mean %.2f bits)", tc.b, tc.stage, worst, len(got), total/float64(len(got)))
	}
}

// TestMixtureTrainingLowersBPD trains a tiny mixture model briefly.
func TestMixtureTrainingLowersBPD(t *testing.T) {
	if testing.Short() {
		t.Skip("training run")
	}
	cfg := mixConfig(16, 4)
	opts := tinyTrainOptions(80)
	tr, err := New(cfg, opts, datasets.NewBatcher(testClips(8, 1024, 1), opts.Batch, opts.Crop, 3))
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	var first, last float64
	for i := 0; i < opts.Steps; i++ {
		s, err := tr.Step()
		if err != nil {
			t.Fatal(err)
		}
		if i < 10 {
			first += s.BPD / 10
		}
		if i >= opts.Steps-10 {
			last += s.BPD / 10
		}
	}
	t.Logf("bpd first 10 steps %.2f, last 10 %.2f", first, last)
	if !(last < first-2) {
		t.Fatalf("bpd %.2f -> %.2f: not learning", first, last)
	}
}
