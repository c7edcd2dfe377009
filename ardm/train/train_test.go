package train

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/stages"

	"github.com/ardm-dev/ardm/datasets"
)

// testClips are synthetic sine-plus-noise clips at a range of levels.
func testClips(n, length int, seed uint64) [][]int16 {
	clips := make([][]int16, n)
	for i := range clips {
		amp := 200 * math.Pow(2, float64(i%6))
		clips[i] = sineClip(length, seed+uint64(i), amp)
	}
	return clips
}

func tinyTrainOptions(steps int) ardm.TrainOptions {
	o := ardm.DefaultTrainOptions()
	o.Batch, o.Crop, o.Steps = 4, 256, steps
	o.LR, o.Warmup = 3e-3, 20
	o.Seed = 42
	return o
}

// weightsEqual reports whether two weight sets are bit-identical.
func weightsEqual(a, b *ardm.Weights) bool {
	pa, pb := a.Params(), b.Params()
	for i := range pa {
		for j := range pa[i] {
			if math.Float32bits(pa[i][j]) != math.Float32bits(pb[i][j]) {
				return false
			}
		}
	}
	return true
}

// refLogits64 is a float64 transcription of the network of doc.go on
// given input features (T, Config.NumFeatures()) and embedding.
func refLogits64(w *ardm.Weights, feat, emb []float32, T int) [][]float64 {
	cfg := w.Config
	C, O, K := cfg.Channels, cfg.Outputs(), cfg.Kernel
	lin := func(x []float64, W []float32, b []float32, out int) []float64 {
		in := len(x)
		y := make([]float64, out)
		for o := range y {
			if b != nil {
				y[o] = float64(b[o])
			}
			for i := 0; i < in; i++ {
				y[o] += x[i] * float64(W[i*out+o])
			}
		}
		return y
	}
	embF := make([]float64, len(emb))
	for i, v := range emb {
		embF[i] = float64(v)
	}
	e := lin(embF, w.EmbW, w.EmbB, C)
	for i := range e {
		e[i] = math.Tanh(e[i])
	}
	h := make([][]float64, T)
	for i := range h {
		f := make([]float64, cfg.NumFeatures())
		for j := range f {
			f[j] = float64(feat[i*cfg.NumFeatures()+j])
		}
		h[i] = lin(f, w.InW, w.InB, C)
	}
	skip := make([][]float64, T)
	for i := range skip {
		skip[i] = make([]float64, C)
	}
	for l, bl := range w.Blocks {
		d := cfg.Dilation(l)
		cond := lin(e, bl.CondW, nil, C)
		y := make([][]float64, T)
		for i := range y {
			y[i] = make([]float64, C)
			for c := range y[i] {
				y[i][c] = h[i][c] + cond[c]
			}
		}
		next := make([][]float64, T)
		for i := 0; i < T; i++ {
			z := make([]float64, 2*C)
			for o := range z {
				z[o] = float64(bl.ConvB[o])
			}
			for k := 0; k < K; k++ {
				src := i + (k-(K-1)/2)*d
				if src < 0 || src >= T {
					continue
				}
				for c := 0; c < C; c++ {
					for o := range z {
						z[o] += y[src][c] * float64(bl.ConvW[(k*C+c)*2*C+o])
					}
				}
			}
			g := make([]float64, C)
			for c := range g {
				g[c] = math.Tanh(z[c]) / (1 + math.Exp(-z[C+c]))
			}
			r := lin(g, bl.ResW, bl.ResB, C)
			next[i] = make([]float64, C)
			for c := range r {
				next[i][c] = (h[i][c] + r[c]) / math.Sqrt2
			}
			sk := lin(g, bl.SkipW, bl.SkipB, C)
			for c := range sk {
				skip[i][c] += sk[c]
			}
		}
		h = next
	}
	out := make([][]float64, T)
	for i := range out {
		o1 := make([]float64, C)
		for c := range o1 {
			o1[c] = math.Max(0, skip[i][c]/math.Sqrt(float64(cfg.Layers)))
		}
		o2 := lin(o1, w.Out1W, w.Out1B, C)
		for c := range o2 {
			o2[c] = math.Max(0, o2[c])
		}
		out[i] = lin(o2, w.OutW, w.OutB, O)
	}
	return out
}

// refLoss64 is the stage loss of the graph's current inputs computed in
// float64 with refLogits64.
func refLoss64(ng *netGraph, w *ardm.Weights) float64 {
	cfg, sp := w.Config, ng.spec
	E := cfg.EmbedDim
	var loss float64
	for bi := 0; bi < ng.B; bi++ {
		logits := refLogits64(w, ng.featV[bi*ng.T*cfg.NumFeatures():(bi+1)*ng.T*cfg.NumFeatures()], ng.embV[bi*E:(bi+1)*E], ng.T)
		s := sp.stage[bi]
		for i, row := range logits {
			r := bi*ng.T + i
			if sp.weight[r] == 0 {
				continue
			}
			x := row[(s-1)*sp.b : s*sp.b]
			m := x[0]
			for _, v := range x {
				m = math.Max(m, v)
			}
			var z float64
			for _, v := range x {
				z += math.Exp(v - m)
			}
			loss += float64(sp.weight[r]) * (m + math.Log(z) - x[sp.target[r]])
		}
	}
	return loss
}

// gradientTrainer returns a trainer for cfg on tiny clips whose raw
// weights are noisy (so that no layer is trivial), with the graph run
// once on step 3's batch: the starting point of the gradient checks. The
// caller closes it.
func gradientTrainer(t *testing.T, cfg ardm.Config) (*Trainer, *ardm.Weights) {
	t.Helper()
	opts := tinyTrainOptions(1)
	opts.Batch, opts.Crop = 2, 40
	tr, err := New(cfg, opts, datasets.NewBatcher(testClips(4, 200, 5), opts.Batch, opts.Crop, 9))
	if err != nil {
		t.Fatal(err)
	}
	w := tr.st.Raw
	params := w.Params()
	for i, p := range noisyWeights(cfg, 3, 1.0).Params() {
		copy(params[i], p)
	}
	tr.prepare(3)
	if err := tr.ng.run(); err != nil {
		tr.Close()
		t.Fatal(err)
	}
	return tr, w
}

// TestGradientCheck compares the gorgonia gradients with central finite
// differences of a float64 transcription of the network and loss.
func TestGradientCheck(t *testing.T) {
	cfgs := []struct {
		name string
		cfg  ardm.Config
	}{
		{"b16", tinyConfig()},
		{"b4 k5", ardm.Config{Branching: 4, Channels: 3, Layers: 3, DilationCycle: 2, Kernel: 5, EmbedDim: 4, FrameLen: 64, Head: ardm.HeadSoftmax}},
		{"dilation past the crop", ardm.Config{Branching: 2, Channels: 2, Layers: 7, DilationCycle: 7, Kernel: 3, EmbedDim: 2, FrameLen: 64, Head: ardm.HeadSoftmax}},
	}
	for _, tc := range cfgs {
		t.Run(tc.name, func(t *testing.T) {
			tr, w := gradientTrainer(t, tc.cfg)
			defer tr.Close()
			if l64 := refLoss64(tr.ng, w); math.Abs(l64-tr.ng.loss()) > 1e-5*l64 {
				t.Fatalf("graph loss %v, float64 reference %v", tr.ng.loss(), l64)
			}
			checkGradients(t, tr.ng, w.Params(), func() float64 { return refLoss64(tr.ng, w) }, 1e-4, 1e-4, 1e-9)
		})
	}
}

// checkGradients compares the graph's gradient of every parameter (4
// random entries each) with central finite differences of ref, the float64
// reference loss: |fd - analytic| must be within tol*max|grad| + floor.
func checkGradients(t *testing.T, ng *netGraph, params [][]float32, ref func() float64, eps float32, tol, floor float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	checked, worst := 0, 0.0
	for i, p := range params {
		g := ng.grad(i)
		var gmax float64
		for _, v := range g {
			gmax = math.Max(gmax, math.Abs(float64(v)))
		}
		for range 4 {
			j := rng.IntN(len(p))
			orig := p[j]
			p[j] = orig + eps
			lp := ref()
			p[j] = orig - eps
			lm := ref()
			p[j] = orig
			fd := (lp - lm) / float64((orig+eps)-(orig-eps))
			var an float64
			if g != nil {
				an = float64(g[j])
			}
			worst = math.Max(worst, math.Abs(fd-an)/(gmax+1e-9))
			if math.Abs(fd-an) > tol*gmax+floor {
				t.Errorf("param %d[%d]: analytic %.6g, finite difference %.6g (max |grad| %.3g)", i, j, an, fd, gmax)
			}
			checked++
		}
	}
	t.Logf("checked %d gradients, worst |error| / max |grad| %.3g", checked, worst)
}

func TestTrainLowersBPDAndReproduces(t *testing.T) {
	if testing.Short() {
		t.Skip("training run")
	}
	cfg := tinyConfig()
	clips := testClips(12, 1200, 1)
	run := func(steps int) (*Trainer, []StepStats) {
		opts := tinyTrainOptions(steps)
		opts.LR = 1e-2
		tr, err := New(cfg, opts, datasets.NewBatcher(clips, opts.Batch, opts.Crop, opts.Seed))
		if err != nil {
			t.Fatal(err)
		}
		var stats []StepStats
		if err := tr.Run(context.Background(), "", 0, func(s StepStats) { stats = append(stats, s) }); err != nil {
			t.Fatal(err)
		}
		return tr, stats
	}
	const steps = 300
	a, sa := run(steps)
	defer a.Close()
	first, last := sa[0].BPD, sa[len(sa)-1].BPDAvg
	t.Logf("bpd first step %.3f, moving average at the end %.3f; L_t stage means %v", first, last, a.Model().Info.StageBPD)
	if math.Abs(first-16) > 0.5 {
		t.Errorf("first step bpd %.3f, want about 16 (zero-initialised head)", first)
	}
	if last > 13.5 || a.Model().Info.StageBPD[0] > 3 {
		t.Errorf("training did not lower bpd clearly below 16: %.3f", last)
	}
	// The second run uses one thread: the result must not depend on it.
	old := runtime.GOMAXPROCS(1)
	b, _ := run(steps)
	runtime.GOMAXPROCS(old)
	defer b.Close()
	if !weightsEqual(a.RawWeights(), b.RawWeights()) || a.Model().Hash() != b.Model().Hash() {
		t.Fatal("two runs with one seed differ")
	}
}

func TestResumeEqualsUninterrupted(t *testing.T) {
	cfg := tinyConfig()
	clips := testClips(6, 600, 2)
	opts := tinyTrainOptions(12)
	opts.Crop = 128
	opts.GainAugDB = 12
	opts.Schedule = ardm.ScheduleCosine
	src := datasets.NewBatcher(clips, opts.Batch, opts.Crop, opts.Seed)
	full, err := New(cfg, opts, src)
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	if err := full.Run(context.Background(), "", 0, nil); err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(t.TempDir(), "ck.ardm")
	part, err := New(cfg, opts, src)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	err = part.Run(ctx, path, 3, func(s StepStats) {
		if s.Step == 5 {
			cancel()
		}
	})
	part.Close()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run returned %v", err)
	}
	m, st, err := ardm.LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Step != 5 {
		t.Fatalf("checkpoint at step %d, want 5", st.Step)
	}
	res, err := Resume(m, st, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	if err := res.Run(context.Background(), path, 4, nil); err != nil {
		t.Fatal(err)
	}
	if !weightsEqual(full.RawWeights(), res.RawWeights()) {
		t.Fatal("resumed raw weights differ from the uninterrupted run")
	}
	if full.Model().Hash() != res.Model().Hash() {
		t.Fatal("resumed model (EMA weights, L_t) differs from the uninterrupted run")
	}
	saved, err := ardm.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Hash() != full.Model().Hash() || saved.Info.Steps != 12 {
		t.Fatalf("final checkpoint: steps %d, hash match %v", saved.Info.Steps, saved.Hash() == full.Model().Hash())
	}
}

// TestMaskOrder checks which positions a training example reveals under
// each mask order: with MaskStratified every example's revealed set is a
// prefix of the coder's stratified order (evenly spread), with MaskRandom
// it is not in general, and MaskMixed gives both.
func TestMaskOrder(t *testing.T) {
	cfg := tinyConfig()
	clips := testClips(6, 600, 3)
	for _, tc := range []struct {
		order               string
		wantStrat, wantRand bool // some example of each kind expected
	}{
		{ardm.MaskRandom, false, true},
		{ardm.MaskStratified, true, false},
		{ardm.MaskMixed, true, true},
	} {
		opts := tinyTrainOptions(1)
		opts.Crop, opts.Batch, opts.MaskOrder = 256, 16, tc.order
		tr, err := New(cfg, opts, datasets.NewBatcher(clips, opts.Batch, opts.Crop, opts.Seed))
		if err != nil {
			t.Fatal(err)
		}
		strat, random := 0, 0
		for step := 0; step < 4; step++ {
			exs := tr.prepare(step)
			for bi, ex := range exs {
				T := opts.Crop
				if ex.t < 8 || ex.t > T-8 {
					continue // too few revealed (or hidden) to tell
				}
				revealed := make([]bool, T)
				for i := range revealed {
					revealed[i] = tr.ng.spec.weight[bi*T+i] == 0
				}
				if isStratifiedPrefix(revealed, ex.t) {
					strat++
				} else {
					random++
				}
			}
		}
		tr.Close()
		if (strat > 0) != tc.wantStrat || (random > 0) != tc.wantRand {
			t.Errorf("%s: %d stratified and %d random masks", tc.order, strat, random)
		}
	}
	bad := tinyTrainOptions(1)
	bad.MaskOrder = "sorted"
	if bad.Validate() == nil {
		t.Error("unknown mask order accepted")
	}
}

// isStratifiedPrefix reports whether the t revealed positions are the
// first t of stages.StratifiedOrder for some rotation.
func isStratifiedPrefix(revealed []bool, t int) bool {
	n := len(revealed)
	order := make([]int, n)
	for off := 0; off < n; off++ {
		stages.StratifiedOrder(off, order)
		ok := true
		for _, p := range order[:t] {
			if !revealed[p] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
