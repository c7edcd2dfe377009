package ardm

import (
	"context"
	"github.com/ardm-dev/ardm/stages"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/ardm-dev/ardm/datasets"
)

func mixConfig(b, K int) Config {
	return Config{Branching: b, Channels: 4, Layers: 2, DilationCycle: 2, Kernel: 3, EmbedDim: 4, FrameLen: 256, Head: HeadMixture, Mixtures: K}
}

func TestMixtureConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		ok      bool
		stages  int
		outputs int
	}{
		{"b16 K6", mixConfig(16, 6), true, 4, 18},
		{"b2 K1", mixConfig(2, 1), true, 16, 3},
		{"OA K10", mixConfig(OABranching, 10), true, 1, 30},
		{"OA softmax", Config{Branching: OABranching, Channels: 4, Layers: 2, DilationCycle: 2, Kernel: 3, EmbedDim: 4, FrameLen: 256, Head: HeadSoftmax}, false, 0, 0},
		{"mixture K0", mixConfig(16, 0), false, 0, 0},
		{"mixture K too big", mixConfig(16, MaxMixtures+1), false, 0, 0},
		{"softmax with K", Config{Branching: 16, Channels: 4, Layers: 2, DilationCycle: 2, Kernel: 3, EmbedDim: 4, FrameLen: 256, Head: HeadSoftmax, Mixtures: 3}, false, 0, 0},
		{"b512", mixConfig(512, 4), false, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if (err == nil) != tc.ok {
				t.Fatalf("Validate = %v, want ok %v", err, tc.ok)
			}
			if !tc.ok {
				return
			}
			if tc.cfg.Stages() != tc.stages || tc.cfg.Outputs() != tc.outputs {
				t.Fatalf("stages %d outputs %d, want %d %d", tc.cfg.Stages(), tc.cfg.Outputs(), tc.stages, tc.outputs)
			}
		})
	}
}

func TestLevelsMatchFeatures(t *testing.T) {
	cfg := smallConfig(16, 4, 1, 1)
	for stage := 1; stage <= 4; stage++ {
		values, mask, _ := randomInput(cfg, stage, 900, uint64(stage))
		n := len(values)
		g, c := make([]float64, n), make([]float64, n)
		wFine, wCoarse := Levels(cfg, stage, values, mask, g, c)
		if wCoarse != 1<<(16-4*(stage-1)) || wFine != wCoarse/16 {
			t.Fatalf("stage %d: widths %d %d", stage, wFine, wCoarse)
		}
		feat := make([]float32, n*cfg.NumFeatures())
		Features(cfg, stage, values, mask, feat)
		for i := range values {
			w := wCoarse
			if mask[i] {
				w = wFine
			}
			if want := float64(int64(values[i]) + w/2 - 32768); c[i] != want {
				t.Fatalf("stage %d pos %d: c = %v, want %v", stage, i, c[i], want)
			}
			if g[i] < float64(wCoarse)/2 {
				t.Fatalf("stage %d pos %d: g = %v below the floor", stage, i, g[i])
			}
			if f3 := float32(math.Sqrt(math.Sqrt(g[i] / 32768))); f3 != feat[i*cfg.NumFeatures()+3] {
				t.Fatalf("stage %d pos %d: level feature %v, Levels gives %v", stage, i, feat[i*cfg.NumFeatures()+3], f3)
			}
		}
	}
}

// refMixNLL64 is an independent float64 transcription of the mixture
// head's -ln p(target) (u in units of min(g, W)): plain sigmoid
// differences, math.Exp.
func refMixNLL64(cfg Config, out []float64, stage, target int, g float64) float64 {
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
	return -math.Log((1-MixtureEps)*p + MixtureEps/float64(b))
}

// refMixLoss64 is the graph's loss on its current inputs in float64.
func refMixLoss64(ng *netGraph, w *Weights) float64 {
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
		cfg  Config
	}{
		{"b16 K3", mixConfig(16, 3)},
		{"b4 K2", mixConfig(4, 2)},
		{"OA K3", mixConfig(OABranching, 3)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tinyTrainOptions(1)
			opts.Batch, opts.Crop = 2, 40
			tr, err := NewTrainer(tc.cfg, opts, datasets.NewBatcher(testClips(4, 200, 5), opts.Batch, opts.Crop, 9))
			if err != nil {
				t.Fatal(err)
			}
			defer tr.Close()
			w := tr.st.Raw
			params := w.Params()
			for i, p := range noisyWeights(tc.cfg, 3, 1.0).Params() {
				copy(params[i], p)
			}
			tr.prepare(3)
			if err := tr.ng.run(); err != nil {
				t.Fatal(err)
			}
			l64 := refMixLoss64(tr.ng, w)
			if math.Abs(l64-tr.ng.loss()) > 1e-5*l64 {
				t.Fatalf("graph loss %v, float64 reference %v", tr.ng.loss(), l64)
			}
			t.Logf("loss %.5g", l64)
			checkGradients(t, tr.ng, params, func() float64 { return refMixLoss64(tr.ng, w) }, 1e-3, 1e-3, 1e-7)
		})
	}
}

// TestMixtureRowGradient checks d(-ln p)/d(outputs) of one row against
// finite differences, including components in the far tails, narrow bins
// and clamped log scales.
func TestMixtureRowGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, b := range []int{2, 16, 256, OABranching} {
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
			comps := make([]mixComp, 4)
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

// TestMixtureTails checks the stable mass in the far tails against the
// asymptotic form sigma(zh) - sigma(zl) ~ e^-zl - e^-zh.
func TestMixtureTails(t *testing.T) {
	c := mixComp{pi: 1, mu: 0, inv: 1}
	for _, zl := range []float64{40, 100, 300} {
		m := c.mass(zl, zl+0.01, 0.01)
		want := math.Exp(-zl) * -math.Expm1(-0.01)
		if math.Abs(m.d-want) > 1e-12*want {
			t.Fatalf("mass at %v: %v, want %v", zl, m.d, want)
		}
		m = c.mass(-zl-0.01, -zl, 0.01)
		if math.Abs(m.d-want) > 1e-12*want {
			t.Fatalf("mass at %v: %v, want %v", -zl, m.d, want)
		}
	}
	if x := oneMinusExpNeg(1e-12); math.Abs(x-1e-12) > 1e-24 {
		t.Fatalf("1-e^-x at 1e-12: %v", x)
	}
}

// TestMixtureProbs checks the b-way tables: positive, summing to 1, equal
// bit for bit to the per-digit probability, and sampled in proportion.
func TestMixtureProbs(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, b := range []int{2, 4, 16, 256} {
		cfg := mixConfig(b, 5)
		for trial := 0; trial < 20; trial++ {
			out := make([]float32, 15)
			for k := range out {
				out[k] = float32(rng.NormFloat64() * 3)
			}
			comps := make([]mixComp, 5)
			mixtureComps(out, comps)
			stage := 1 + rng.IntN(cfg.Stages())
			bg := newBinGeom(cfg, stage, []float64{3, 300, 32768}[trial%3])
			probs := make([]float32, b)
			mixProbs(comps, bg, make([]float64, b), probs)
			var sum float64
			for j, p := range probs {
				if !(p > 0) {
					t.Fatalf("b=%d: p[%d] = %v", b, j, p)
				}
				if q := float32(mixProb(comps, bg, j)); q != p {
					t.Fatalf("b=%d digit %d: table %v, single %v", b, j, p, q)
				}
				sum += float64(p)
				if c := mixCDF(comps, bg, j); math.Abs(c-sum) > 1e-6 {
					t.Fatalf("b=%d: CDF(%d) = %v, running sum %v", b, j, c, sum)
				}
			}
			if math.Abs(sum-1) > 1e-5 {
				t.Fatalf("b=%d: probabilities sum to %v", b, sum)
			}
		}
	}
	// Sampling by CDF inversion follows the table.
	cfg := mixConfig(16, 3)
	comps := make([]mixComp, 3)
	mixtureComps([]float32{0, 1, -1, -0.5, 0.2, 1.4, -1, 0, -2}, comps)
	bg := newBinGeom(cfg, 2, 1500)
	probs := make([]float32, 16)
	mixProbs(comps, bg, make([]float64, 16), probs)
	counts := make([]int, 16)
	const draws = 40000
	for i := 0; i < draws; i++ {
		counts[sampleMixture(comps, bg, 0, 15, rng.Float64())]++
	}
	for j, c := range counts {
		want := float64(probs[j]) * draws
		if math.Abs(float64(c)-want) > 5*math.Sqrt(want)+2 {
			t.Fatalf("digit %d drawn %d times, expected %.1f", j, c, want)
		}
	}
	if d := sampleMixture(comps, bg, 5, 7, 0.999); d < 5 || d > 7 {
		t.Fatalf("restricted sample %d outside 5..7", d)
	}
}

// mixGraphNLL runs the training graph of w on one stage input and returns
// each row's -log2 p(target) (0 for revealed rows).
func mixGraphNLL(t *testing.T, w *Weights, stage, rev int, values []uint16, mask []bool, target []int32) []float64 {
	cfg := w.Config
	n := len(values)
	ng, err := newNetGraph(w, 1, n, true)
	if err != nil {
		t.Fatal(err)
	}
	defer ng.close()
	Features(cfg, stage, values, mask, ng.featV)
	Embedding(cfg, rev, n, ng.embV)
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
	}{{16, 1, 300}, {16, 3, 300}, {4, 6, 200}, {256, 2, 200}, {OABranching, 1, 150}}
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
		p := NewPredictor(NewModel(w))
		var got []float64
		if tc.b <= maxTableBranching {
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

func TestMixturePredictAcrossGOMAXPROCS(t *testing.T) {
	cfg := mixConfig(256, 6)
	cfg.FrameLen = 1000
	w := randomWeights(cfg, 5)
	values, mask, rev := randomInput(cfg, 2, 1000, 2)
	pos := make([]int, 0, 1000)
	for i := range mask {
		if !mask[i] {
			pos = append(pos, i)
		}
	}
	run := func(procs int) []float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		dst := make([]float32, len(pos)*256)
		NewPredictor(NewModel(w)).Predict(2, rev, values, mask, pos, dst)
		return dst
	}
	a, b := run(1), run(4)
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			t.Fatalf("entry %d: %v with 1 proc, %v with 4", i, a[i], b[i])
		}
	}
}

// TestOAWalk checks OA-ARDM's generation and scoring: known bits kept,
// seeded, and StageBits with one call equals TargetBits at t = 0.
func TestOAWalk(t *testing.T) {
	cfg := mixConfig(OABranching, 4)
	cfg.FrameLen = 120
	p := NewPredictor(NewModel(randomWeights(cfg, 3)))
	ctx := context.Background()
	x, _, _ := randomInput(cfg, 1, 120, 9)

	bits, err := p.StageBits(ctx, x, GenerateOptions{Budget: 1, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	all := make([]int, len(x))
	for i := range all {
		all[i] = i
	}
	want := p.TargetBits(1, 0, make([]uint16, len(x)), make([]bool, len(x)), all, x) / float64(len(x))
	if len(bits) != 1 || math.Abs(bits[0]-want) > 1e-9*want {
		t.Fatalf("StageBits %v, TargetBits at t=0 %v", bits, want)
	}
	full, err := p.StageBits(ctx, x, GenerateOptions{Budget: 10, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	known, err := p.StageBits(ctx, x, GenerateOptions{Budget: 10, Seed: 2, KnownBits: 6})
	if err != nil {
		t.Fatal(err)
	}
	if !(known[0] < full[0]) || !(known[0] > 0) {
		t.Fatalf("with 6 known bits %v, with none %v", known, full)
	}

	for _, kb := range []int{0, 5, 8} {
		a := append([]uint16(nil), x...)
		b := append([]uint16(nil), x...)
		if err := p.Generate(ctx, a, GenerateOptions{Budget: 7, Seed: 4, KnownBits: kb}); err != nil {
			t.Fatal(err)
		}
		if err := p.Generate(ctx, b, GenerateOptions{Budget: 7, Seed: 4, KnownBits: kb}); err != nil {
			t.Fatal(err)
		}
		changed := 0
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("known %d: generation not reproducible at %d", kb, i)
			}
			if stages.KeepTopBits(a[i], kb) != stages.KeepTopBits(x[i], kb) {
				t.Fatalf("known %d: top bits changed at %d: %#x -> %#x", kb, i, x[i], a[i])
			}
			if a[i] != x[i] {
				changed++
			}
		}
		if changed == 0 {
			t.Fatalf("known %d: nothing generated", kb)
		}
	}
}

// TestMixtureTrainingLowersBPD trains a tiny mixture model briefly.
func TestMixtureTrainingLowersBPD(t *testing.T) {
	if testing.Short() {
		t.Skip("training run")
	}
	cfg := mixConfig(16, 4)
	opts := tinyTrainOptions(80)
	tr, err := NewTrainer(cfg, opts, datasets.NewBatcher(testClips(8, 1024, 1), opts.Batch, opts.Crop, 3))
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

// TestBinGeomUnit checks the unit of the mixture head's u axis, min(g, W)
// with W the stage's known-bin width: the level g where the bin is wider
// than it (coarse stages, OA-ARDM), the bin itself where it is narrower
// (fine stages), so that a fine stage's bin spans about one unit however
// loud the signal is.
func TestBinGeomUnit(t *testing.T) {
	tests := []struct {
		name         string
		b, stage     int
		g            float64
		unit         float64
		edge1, width float64 // edge(1) and width() in u units
	}{
		{"b16 stage 1, g < W", 16, 1, 3000, 3000, (4096 - 32768 - 0.5) / 3000.0, 4096 / 3000.0},
		{"b16 stage 3, g < W", 16, 3, 200, 200, (16 - 128 - 0.5) / 200.0, 16 / 200.0},
		{"b16 stage 3, g > W", 16, 3, 5000, 256, (16 - 128 - 0.5) / 256.0, 16 / 256.0},
		{"b16 stage 4, g > W", 16, 4, 3000, 16, -0.46875, 0.0625},
		{"b4 stage 8, g = W/2", 4, 8, 2, 2, -0.75, 0.5},
		{"b4 stage 8, g > W", 4, 8, 700, 4, -0.375, 0.25},
		{"OA, g = W/2", OABranching, 1, 32768, 32768, (1 - 32768 - 0.5) / 32768.0, 1 / 32768.0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bg := newBinGeom(mixConfig(tc.b, 2), tc.stage, tc.g)
			if bg.unit != tc.unit {
				t.Fatalf("unit %v, want %v", bg.unit, tc.unit)
			}
			if e := bg.edge(1); math.Abs(e-tc.edge1) > 1e-12*math.Abs(tc.edge1) {
				t.Fatalf("edge(1) %v, want %v", e, tc.edge1)
			}
			if w := bg.width(); math.Abs(w-tc.width) > 1e-12*tc.width {
				t.Fatalf("width %v, want %v", w, tc.width)
			}
		})
	}
}
