package eval

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ardm-dev/ardm/stages"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/coder"
)

// tinyModel is a 4-channel, 2-layer model whose output layer is random
// (NewWeights zeroes it), so that its predictions depend on the input.
func tinyModel(b, frameLen int, seed uint64) *ardm.Model {
	cfg := ardm.Config{Branching: b, Channels: 4, Layers: 2, DilationCycle: 2, Kernel: 3, EmbedDim: 4, FrameLen: frameLen, Head: ardm.HeadSoftmax}
	w := ardm.NewWeights(cfg, seed)
	rng := rand.New(rand.NewPCG(seed, 99))
	for i := range w.OutW {
		w.OutW[i] = float32(rng.NormFloat64())
	}
	for i := range w.OutB {
		w.OutB[i] = float32(rng.NormFloat64())
	}
	m := ardm.NewModel(w)
	// A decreasing L_t, so that policies are not trivial.
	for s := range m.Lt {
		for j := range m.Lt[s] {
			m.Lt[s][j] = math.Log2(float64(b)) * (1 - 0.5*float64(j)/ardm.LtBins)
		}
	}
	return m
}

// testPCM is mono 16-bit PCM of a seeded test signal.
func testPCM(n int, seed uint64) *audio.PCM {
	s := testSignal(n, seed, 200)
	x := make([]int32, n)
	for i, v := range s {
		x[i] = int32(v)
	}
	return &audio.PCM{Format: audio.Format{SampleRate: 16000, BitDepth: 16, Channels: 1}, Data: [][]int32{x}}
}

func TestBoundUniformModel(t *testing.T) {
	// A fresh model's output layer is zero: every digit costs exactly
	// log2 b bits, whatever t, sigma and budget.
	for _, b := range []int{2, 16, 256} {
		cfg := ardm.Config{Branching: b, Channels: 4, Layers: 2, DilationCycle: 2, Kernel: 3, EmbedDim: 4, FrameLen: 50, Head: ardm.HeadSoftmax}
		m := NewCoderModel(ardm.NewModel(ardm.NewWeights(cfg, 1)))
		pcm := testPCM(120, 3)
		bound, err := EstimateBound(context.Background(), m, pcm, "u.wav", 3, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(bound.Total.Mean-16) > 1e-6 || bound.Total.StdErr > 1e-6 || bound.Total.N != 3 {
			t.Errorf("b=%d: bound %+v, want exactly 16 with no error", b, bound.Total)
		}
		for s, st := range bound.Stages {
			if want := math.Log2(float64(b)); math.Abs(st.Mean-want) > 1e-6 {
				t.Errorf("b=%d stage %d: %v, want %v", b, s+1, st.Mean, want)
			}
		}
		for _, budget := range []int{0, 7} {
			total, perStage, calls, err := PolicyBound(context.Background(), m, pcm, "u.wav", budget, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(total-16) > 1e-6 || len(perStage) != 16/stages.DigitBits(b) {
				t.Errorf("b=%d budget %d: policy bound %v (%d stages)", b, budget, total, len(perStage))
			}
			want, err := PolicyCalls(m, budget, 120, 1)
			if err != nil || calls != want {
				t.Errorf("b=%d budget %d: %d calls, PolicyCalls says %d (%v)", b, budget, calls, want, err)
			}
		}
	}
}

// exactBound is the expectation of the estimator on one frame and stage,
// by enumerating every t and every order.
func exactBound(m coder.Predictor, x []uint16, s int) float64 {
	n, b := len(x), m.Branching()
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	var perms [][]int
	var gen func(k int)
	gen = func(k int) {
		if k == n {
			perms = append(perms, append([]int(nil), perm...))
			return
		}
		for i := k; i < n; i++ {
			perm[k], perm[i] = perm[i], perm[k]
			gen(k + 1)
			perm[k], perm[i] = perm[i], perm[k]
		}
	}
	gen(0)
	values := make([]uint16, n)
	mask := make([]bool, n)
	probs := make([]float32, n*b)
	var total float64
	for t := 0; t < n; t++ {
		for _, p := range perms {
			var pos []int
			for i := range mask {
				mask[i] = false
			}
			for _, q := range p[:t] {
				mask[q] = true
			}
			for i, v := range x {
				if mask[i] {
					values[i] = stages.Value(v, b, s)
				} else {
					values[i] = stages.Value(v, b, s-1)
					pos = append(pos, i)
				}
			}
			m.Predict(s, t, values, mask, pos, probs[:len(pos)*b])
			total += float64(n) / float64(n-t) * digitBits(x, pos, probs, b, s) / float64(len(perms))
		}
	}
	return total / float64(n)
}

func TestBoundUnbiased(t *testing.T) {
	// Frames of 4 samples: the exact expectation is a sum over 4 values
	// of t and 24 orders. Both the estimator and the policy bound with one
	// call per position (averaged over orders) must match it.
	const frameLen, n = 4, 8
	m := NewCoderModel(tinyModel(16, frameLen, 5))
	pcm := testPCM(n, 11)
	frames, err := channelFrames(pcm, frameLen)
	if err != nil {
		t.Fatal(err)
	}
	S := 4
	exact := make([]float64, S)
	var exactTotal float64
	for s := 1; s <= S; s++ {
		for _, x := range frames[0] {
			exact[s-1] += exactBound(m, x, s) / n
		}
		exactTotal += exact[s-1]
	}
	if math.Abs(exactTotal-16) < 0.5 {
		t.Fatalf("exact bound %v is too close to uniform for a meaningful test", exactTotal)
	}
	bound, err := EstimateBound(context.Background(), m, pcm, "x.wav", 1500, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	for s := 0; s < S; s++ {
		st := bound.Stages[s]
		if st.StdErr <= 0 || math.Abs(st.Mean-exact[s]) > 4*st.StdErr {
			t.Errorf("stage %d: estimate %.4f ± %.4f, exact %.4f", s+1, st.Mean, st.StdErr, exact[s])
		}
	}
	if math.Abs(bound.Total.Mean-exactTotal) > 4*bound.Total.StdErr {
		t.Errorf("total: estimate %.4f ± %.4f, exact %.4f", bound.Total.Mean, bound.Total.StdErr, exactTotal)
	}
	// The policy with one call per position is autoregressive coding in a
	// random order; its mean over orders is the same bound.
	var pol []float64
	for seed := uint64(0); seed < 400; seed++ {
		total, _, _, err := PolicyBound(context.Background(), m, pcm, "x.wav", 0, seed, nil)
		if err != nil {
			t.Fatal(err)
		}
		pol = append(pol, total)
	}
	ps := meanStat(pol)
	if math.Abs(ps.Mean-exactTotal) > 4*ps.StdErr {
		t.Errorf("full policy: %.4f ± %.4f, exact %.4f", ps.Mean, ps.StdErr, exactTotal)
	}
	// With one call per stage and frame every digit is predicted at t = 0
	// from the previous stage alone, whatever the order.
	total1, _, calls, err := PolicyBound(context.Background(), m, pcm, "x.wav", S, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if calls != S*2 {
		t.Errorf("budget %d: %d calls, want %d", S, calls, S*2)
	}
	var want float64
	for s := 1; s <= S; s++ {
		for _, x := range frames[0] {
			values := make([]uint16, len(x))
			pos := make([]int, len(x))
			for i, v := range x {
				values[i], pos[i] = stages.Value(v, 16, s-1), i
			}
			probs := make([]float32, len(x)*16)
			m.Predict(s, 0, values, make([]bool, len(x)), pos, probs)
			want += digitBits(x, pos, probs, 16, s) / n
		}
	}
	if math.Abs(total1-want) > 1e-9 {
		t.Errorf("budget %d: policy bound %v, want %v", S, total1, want)
	}
}

func TestBoundDeterministic(t *testing.T) {
	m := NewCoderModel(tinyModel(4, 64, 2))
	pcm := testPCM(150, 1)
	run := func(name string, seed uint64) *Bound {
		b, err := EstimateBound(context.Background(), m, pcm, name, 2, seed, nil)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := run("a.wav", 1), run("a.wav", 1)
	if a.Total != b.Total {
		t.Errorf("same seed, different bound: %+v %+v", a.Total, b.Total)
	}
	if c := run("a.wav", 2); c.Total == a.Total {
		t.Errorf("different seed, same bound %+v", a.Total)
	}
	if c := run("b.wav", 1); c.Total == a.Total {
		t.Errorf("different name, same bound %+v", a.Total)
	}
}

func TestBoundErrors(t *testing.T) {
	m := NewCoderModel(tinyModel(16, 32, 1))
	ctx := context.Background()
	pcm8 := &audio.PCM{Format: audio.Format{SampleRate: 8000, BitDepth: 8, Channels: 1}, Data: [][]int32{{1, 2, 3}}}
	empty := &audio.PCM{Format: audio.Format{SampleRate: 8000, BitDepth: 16, Channels: 1}, Data: [][]int32{{}}}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	tests := []struct {
		name  string
		ctx   context.Context
		pcm   *audio.PCM
		draws int
	}{
		{"8-bit", ctx, pcm8, 1},
		{"empty", ctx, empty, 1},
		{"no draws", ctx, testPCM(10, 1), 0},
		{"cancelled", cancelled, testPCM(10, 1), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := EstimateBound(tc.ctx, m, tc.pcm, "f", tc.draws, 1, nil); err == nil {
				t.Error("EstimateBound: no error")
			}
			if tc.draws > 0 {
				if _, _, _, err := PolicyBound(tc.ctx, m, tc.pcm, "f", 3, 1, nil); err == nil {
					t.Error("PolicyBound: no error")
				}
			}
		})
	}
}

func TestCodeFile(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		b      int
		frame  int
		pcm    *audio.PCM
		budget int
	}{
		{"mono b16 budget 8", 16, 64, testPCM(150, 4), 8},
		{"mono b256 full", 256, 32, testPCM(70, 5), 0},
		{"stereo b4 budget 16", 4, 64, &audio.PCM{Format: audio.Format{SampleRate: 16000, BitDepth: 16, Channels: 2},
			Data: [][]int32{testPCM(100, 6).Data[0], testPCM(100, 7).Data[0]}}, 16},
		{"24-bit", 16, 64, func() *audio.PCM {
			p := testPCM(100, 8)
			p.BitDepth = 24
			for i := range p.Data[0] {
				p.Data[0][i] = p.Data[0][i]<<8 | int32(i&0xff)
			}
			return p
		}(), 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := NewCoderModel(tinyModel(tc.b, tc.frame, 3))
			c, err := CodeFile(ctx, m, tc.pcm, tc.budget, 1)
			if err != nil {
				t.Fatal(err)
			}
			samples := tc.pcm.Frames() * len(tc.pcm.Data)
			if !c.Exact || c.Bytes <= 0 || math.Abs(c.BitsPerSample-float64(c.Bytes)*8/float64(samples)) > 1e-12 {
				t.Errorf("coded %+v", c)
			}
			c2, err := CodeFile(ctx, m, tc.pcm, tc.budget, 1)
			if err != nil || c2.Bytes != c.Bytes {
				t.Errorf("second run: %d bytes (%v), first %d", c2.Bytes, err, c.Bytes)
			}
		})
	}
	m := NewCoderModel(tinyModel(16, 64, 3))
	if _, err := CodeFile(ctx, m, &audio.PCM{Format: audio.Format{SampleRate: 16000, BitDepth: 16, Channels: 1}, Data: [][]int32{{}}}, 0, 1); err == nil {
		t.Error("no error for empty PCM")
	}
}

func TestSamePCM(t *testing.T) {
	base := func() *audio.PCM { return testPCM(10, 1) }
	tests := []struct {
		name   string
		modify func(p *audio.PCM)
		ok     bool
	}{
		{"equal", func(p *audio.PCM) {}, true},
		{"one sample", func(p *audio.PCM) { p.Data[0][7]++ }, false},
		{"shorter", func(p *audio.PCM) { p.Data[0] = p.Data[0][:9] }, false},
		{"rate", func(p *audio.PCM) { p.SampleRate = 8000 }, false},
		{"channels", func(p *audio.PCM) { p.Data = append(p.Data, p.Data[0]) }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := base()
			tc.modify(got)
			if err := samePCM(base(), got); (err == nil) != tc.ok {
				t.Errorf("samePCM = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

// oracleModel knows the signal of a single-frame, single-channel file and
// gives its true digit probability p, the rest spread evenly: coding it
// costs exactly -log2 p bits per digit, so the coder's overhead over the
// policy bound is measurable.
type oracleModel struct {
	x []uint16
	b int
	p float32
}

func (o *oracleModel) Hash() [32]byte { return [32]byte{1, 2, 3} }
func (o *oracleModel) FrameLen() int  { return len(o.x) }
func (o *oracleModel) Branching() int { return o.b }
func (o *oracleModel) Policy(budget, n int) [][]int {
	lt := make([][]float64, stages.Count(o.b))
	for s := range lt {
		lt[s] = []float64{1, 0.5}
	}
	p, err := ardm.NewPolicy(lt, budget, n, ardm.AllocEqual)
	if err != nil {
		panic(err)
	}
	return p.Steps
}
func (o *oracleModel) Predict(stage, t int, values []uint16, mask []bool, pos []int, dst []float32) {
	rest := (1 - o.p) / float32(o.b-1)
	for j, p := range pos {
		d := stages.Digit(o.x[p], o.b, stage)
		for k := 0; k < o.b; k++ {
			dst[j*o.b+k] = rest
		}
		dst[j*o.b+d] = o.p
	}
}

func TestCodingOverhead(t *testing.T) {
	const n = 4000
	pcm := testPCM(n, 9)
	x := make([]uint16, n)
	for i, v := range pcm.Data[0] {
		x[i] = audio.ToUnsigned16(v)
	}
	for _, b := range []int{4, 16, 256} {
		o := &oracleModel{x: x, b: b, p: 0.9}
		pol, perStage, _, err := PolicyBound(context.Background(), o, pcm, "o", 40, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := -float64(stages.Count(b)) * math.Log2(float64(float32(0.9)))
		if math.Abs(pol-want) > 1e-6 || len(perStage) != stages.Count(b) {
			t.Errorf("b=%d: policy bound %v, want %v", b, pol, want)
		}
		c, err := CodeFile(context.Background(), o, pcm, 40, 1)
		if err != nil {
			t.Fatal(err)
		}
		if c.ModelFraction() != 1 || c.Coders["model"] != 1 {
			t.Errorf("b=%d: coders %v, want the model on the one frame", b, c.Coders)
		}
		over := float64(c.Bytes)*8 - pol*n // bits
		if over < 0 || over > 8*200 {
			t.Errorf("b=%d: coded %d bytes for a %.0f-bit policy bound: overhead %.0f bits", b, c.Bytes, pol*n, over)
		}
		t.Logf("b=%d: policy %.4f, coded %.4f bits/sample, overhead %.0f bytes", b, pol, c.BitsPerSample, over/8)
	}
}
