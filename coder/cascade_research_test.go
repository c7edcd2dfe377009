package coder

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ardm-dev/ardm/audio"
)

// The research harness of the cascade coder (EXPERIMENTS.md, "classic
// floor"): prices candidate predictor variants on a folder of WAV files,
// per file payload bits (no stream header) with the lpc coder's residual
// model (one octave of the running mean per context unless the variant
// says otherwise), against the lpc coder on the same files. It runs only with
// ARDM_CASCADE_RESEARCH=DIR (e.g. ../shared/data/sc09-real-dev):
//
//	ARDM_CASCADE_RESEARCH=$PWD/../shared/data/sc09-real-dev go test -run CascadeResearch -v ./coder
//
// ARDM_CASCADE_VARIANTS selects variants by name (comma-separated).
//
// Besides the OLS stage the coder uses, it holds the stages tried after
// it that did not pay: normalised LMS stages on the OLS residual, a
// sign-sign LMS mix of the stage predictions and a bias stage.

func researchClips(t *testing.T, dir string) [][]int32 {
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".wav") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	var out [][]int32
	for _, f := range files {
		p, err := audio.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if p.Format.BitDepth != 16 {
			t.Fatalf("%s: %d-bit", f, p.Format.BitDepth)
		}
		out = append(out, p.Data...)
	}
	return out
}

// researchParams are a candidate predictor: the coder's OLS stage and the
// optional stages after it.
type researchParams struct {
	ols    cascadeParams
	lmsLen []int
	lmsMu  []float64
	mixMu  float64 // sign-sign LMS step of the stage mix; 0: plain sum
	bias   bool
}

type researchVariant struct {
	name string
	p    researchParams
}

func researchVariants() []researchVariant {
	ols := func(n int, lam, reg float64, every int) researchParams {
		return researchParams{ols: cascadeParams{olsOrder: n, olsLambda: lam, olsReg: reg, olsEvery: every}}
	}
	with := func(p researchParams, f func(p *researchParams)) researchParams { f(&p); return p }
	base := ols(32, 0.994, 1e-7, 8)
	lms := func(mix float64, mu ...float64) func(p *researchParams) {
		return func(p *researchParams) {
			p.lmsMu, p.mixMu = mu, mix
			p.lmsLen = []int{256, 32, 16}[3-len(mu):]
		}
	}
	return []researchVariant{
		{"ols32-l0.994", base},
		{"ols32-l0.994-res8oct", researchParams{ols: cascadeVariants[0]}}, // the coder's variant 0
		{"ols32-l0.994-res1tree", with(base, func(p *researchParams) { p.ols.resShift = 6 })},
		{"ols32-l0.993-res8oct", with(base, func(p *researchParams) { p.ols.olsLambda, p.ols.resShift = 0.993, 3 })},
		{"ols32-l0.995-res8oct", with(base, func(p *researchParams) { p.ols.olsLambda, p.ols.resShift = 0.995, 3 })},
		{"ols40-l0.995-res8oct", with(base, func(p *researchParams) { p.ols.olsOrder, p.ols.olsLambda, p.ols.resShift = 40, 0.995, 3 })},
		{"ols32-reg1e-8-res8oct", with(base, func(p *researchParams) { p.ols.olsReg, p.ols.resShift = 1e-8, 3 })},
		{"ols32-reg1e-9-res8oct", with(base, func(p *researchParams) { p.ols.olsReg, p.ols.resShift = 1e-9, 3 })},
		{"ols32-reg0-res8oct", with(base, func(p *researchParams) { p.ols.olsReg, p.ols.resShift = 0, 3 })},
		{"ols16-l0.994-res8oct", with(base, func(p *researchParams) { p.ols.olsOrder, p.ols.resShift = 16, 3 })},
		{"ols16-l0.99-res8oct", with(base, func(p *researchParams) { p.ols.olsOrder, p.ols.olsLambda, p.ols.resShift = 16, 0.99, 3 })},
		{"ols32-l0.998-res8oct", with(base, func(p *researchParams) { p.ols.olsLambda, p.ols.resShift = 0.998, 3 })},
		{"ols32-l0.998", ols(32, 0.998, 1e-7, 8)},
		{"ols32-l0.999", ols(32, 0.999, 1e-7, 8)},
		{"ols16-l0.994", ols(16, 0.994, 1e-7, 8)},
		{"ols16-l0.998", ols(16, 0.998, 1e-7, 8)},
		{"ols24-l0.994", ols(24, 0.994, 1e-7, 8)},
		{"ols32-l0.992", ols(32, 0.992, 1e-7, 8)},
		{"ols32-l0.990", ols(32, 0.990, 1e-7, 8)},
		{"ols32-reg1e-5", ols(32, 0.994, 1e-5, 8)},
		{"ols32-reg1e-4", ols(32, 0.994, 1e-4, 8)},
		{"ols32-every4", ols(32, 0.994, 1e-7, 4)},
		{"ols32-every16", ols(32, 0.994, 1e-7, 16)},
		{"ols32+bias", with(base, func(p *researchParams) { p.bias = true })},
		{"ols32+lms16-mu0.002", with(base, lms(0, 0.002))},
		{"ols32+lms16-mu0.008", with(base, lms(0, 0.008))},
		{"ols32+lms32,16-mu0.004", with(base, lms(0, 0.004, 0.004))},
		{"ols32+lms16-mu0.002+mix", with(base, lms(0.0005, 0.002))},
		{"ols32+lms256,32,16+mix", with(base, lms(0.0005, 0.0005, 0.002, 0.002))},
		{"ols32+lms16-mu0.02", with(base, lms(0, 0.02))},
		{"ols32+lms32,16-mu0.01", with(base, lms(0, 0.01, 0.01))},
		{"ols32+lms256,32,16-mu0.002,0.01,0.01", with(base, lms(0, 0.002, 0.01, 0.01))},
	}
}

// lmsFloor is the mean square below which the LMS stages do not
// normalise (ARDM_LMS_FLOOR): with 1, as first run, the stages' first
// steps on a loud clip's large early residual throw the weights far off.
var lmsFloor = 10000.0

func TestCascadeResearch(t *testing.T) {
	if f := os.Getenv("ARDM_LMS_FLOOR"); f != "" {
		fmt.Sscan(f, &lmsFloor)
	}
	dir := os.Getenv("ARDM_CASCADE_RESEARCH")
	if dir == "" {
		t.Skip("ARDM_CASCADE_RESEARCH not set")
	}
	clips := researchClips(t, dir)
	var samples int
	for _, x := range clips {
		samples += len(x)
	}
	// best is the per-clip minimum over lpc and the variants run: what a
	// coder that tried them all per frame would pay.
	var lsc lpcScratch
	var lpcBits float64
	best := make([]float64, len(clips))
	for i, x := range clips {
		best[i] = 8 * float64(len(encodeLPC(nil, x, 16, &lsc)))
		lpcBits += best[i]
	}
	t.Logf("%d clips, %d samples; lpc payload %.4f bits/sample", len(clips), samples, lpcBits/float64(samples))
	sel := os.Getenv("ARDM_CASCADE_VARIANTS")
	for _, v := range researchVariants() {
		if sel != "" && !strings.Contains(","+sel+",", ","+v.name+",") {
			continue
		}
		start := time.Now()
		var bits float64
		var sink symSink
		var c researchCascade
		var m resModel
		for i, x := range clips {
			sink.reset(true)
			m.reset(v.p.ols.resShift)
			c.init(&v.p)
			lo, hi := sampleRange(16, 0)
			for _, s := range x {
				pr := c.predict(lo, hi)
				sink.residual(&m, int64(s)-pr)
				c.update(int64(s), pr)
			}
			bits += float64(sink.cost) / 256
			best[i] = min(best[i], float64(sink.cost)/256)
		}
		t.Logf("%-32s %.4f bits/sample (%+.4f vs lpc)  %s", v.name, bits/float64(samples),
			(bits-lpcBits)/float64(samples), time.Since(start).Round(time.Millisecond))
	}
	var b float64
	for _, v := range best {
		b += v
	}
	t.Logf("%-32s %.4f bits/sample (%+.4f vs lpc)", "best per clip (incl. lpc)", b/float64(samples), (b-lpcBits)/float64(samples))
}

// TestResearchCascadeIsCoder: the harness's predictor with no stages
// after OLS predicts exactly as the coder's, so its figures are the
// coder's.
func TestResearchCascadeIsCoder(t *testing.T) {
	x := lpcSignal("speech-like", 3000, 16, 5)
	p := researchVariants()[0].p
	var r researchCascade
	var c cascade
	r.init(&p)
	c.init(&p.ols)
	lo, hi := sampleRange(16, 0)
	for i, v := range x {
		a, b := r.predict(lo, hi), c.predict(lo, hi)
		if a != b {
			t.Fatalf("sample %d: harness predicts %d, coder %d", i, a, b)
		}
		r.update(int64(v), a)
		c.update(int64(v))
	}
}

// lmsStage is a normalised LMS predictor of its input from the last n
// values of it.
type lmsStage struct {
	n     int
	mu    float64
	hist  ring
	w     []float64
	pow   float64 // sum of squares of the history
	floor float64 // added to pow: n times a floor on the mean square
}

func (s *lmsStage) init(n int, mu float64) {
	s.floor = float64(n) * lmsFloor
	s.n, s.mu, s.pow = n, mu, 0
	s.hist.init(n)
	s.w = grow(s.w, n)
}

func (s *lmsStage) predict() float64 { return dot(s.w, s.hist.last()) }

// update learns that the history was followed by v (predicted as p), then
// adds v to it.
func (s *lmsStage) update(v, p float64) {
	h := s.hist.last()
	g := float64(s.mu*(v-p)) / (s.pow + s.floor)
	for i, x := range h {
		s.w[i] += float64(g * x)
	}
	old := s.hist.push(v)
	s.pow += float64(v*v) - float64(old*old)
	if s.pow < 0 {
		s.pow = 0
	}
}

const (
	maxCascadeStages = 4
	biasContexts     = 4
)

// researchCascade is a candidate predictor of one channel.
type researchCascade struct {
	p     *researchParams
	ols   olsStage
	lms   [maxCascadeStages - 1]lmsStage
	nlms  int
	pred  [maxCascadeStages]float64 // this sample's stage predictions
	in    [maxCascadeStages]float64 // this sample's stage inputs
	alpha [maxCascadeStages]float64 // stage mix weights
	total float64                   // mixed prediction before the bias
	bias  [biasContexts]float64
	bctx  int
	lastE int64
}

func (c *researchCascade) init(p *researchParams) {
	c.p = p
	c.ols.init(p.ols.olsOrder, p.ols.olsLambda, p.ols.olsReg, p.ols.olsEvery)
	c.nlms = len(p.lmsLen)
	for i, n := range p.lmsLen {
		c.lms[i].init(n, p.lmsMu[i])
	}
	for i := range c.alpha {
		c.alpha[i] = 1
	}
	c.bias = [biasContexts]float64{}
	c.bctx, c.lastE = 0, 0
}

// predict is the prediction of the next sample, rounded and clamped to
// [lo, hi].
func (c *researchCascade) predict(lo, hi int64) int64 {
	c.pred[0] = c.ols.predict()
	for i := 0; i < c.nlms; i++ {
		c.pred[i+1] = c.lms[i].predict()
	}
	var t float64
	for i := 0; i <= c.nlms; i++ {
		t += float64(c.alpha[i] * c.pred[i])
	}
	c.total = t
	if c.p.bias {
		t += c.bias[c.bctx]
	}
	return roundClamp(t, lo, hi)
}

// update feeds the true sample y after predict.
func (c *researchCascade) update(y int64, pred int64) {
	v := float64(y)
	// Stage inputs: the signal, then each stage's residual.
	in := v
	for i := 0; i <= c.nlms; i++ {
		c.in[i] = in
		in -= c.pred[i]
	}
	if mu := c.p.mixMu; mu > 0 {
		e := v - c.total
		for i := 0; i <= c.nlms; i++ {
			c.alpha[i] += float64(mu * sign(e) * sign(c.pred[i]))
		}
	}
	c.ols.update(c.in[0])
	for i := 0; i < c.nlms; i++ {
		c.lms[i].update(c.in[i+1], c.pred[i+1])
	}
	if c.p.bias {
		e := v - c.total
		b := &c.bias[c.bctx]
		*b += float64(0.005 * (e - *b))
		d := y - pred
		c.bctx = 0
		if d > 0 {
			c.bctx = 1
		} else if d < 0 {
			c.bctx = 2
		}
		c.lastE = d
	}
}

func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}
