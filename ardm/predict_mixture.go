package ardm

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"github.com/ardm-dev/ardm/ardm/internal/mixture"
	"github.com/ardm-dev/ardm/stages"
)

// Inference with the mixture head: b-way tables for Predict (b <= 256),
// and for OA-ARDM (b = 65536) a walk that scores or samples each value
// from the mixture's CDF without building 65536-entry tables. Everything
// runs on the deterministic arithmetic of mixture.go, so the results are
// the same for any GOMAXPROCS and on every machine.

// maxTableBranching is the largest branching factor for which b-way
// probability tables are built per position (Predict, stage walks).
const maxTableBranching = 256

// minMixRowsPerWorker bounds how finely Predict splits the head's work.
const minMixRowsPerWorker = 64

// mixScratch holds the mixture head's buffers of a Predictor.
type mixScratch struct {
	level  []float64
	logits []float32
	probs  []float32 // TargetBits with the softmax head
}

// mixLevels computes the levels g of every position of the stage input.
func (p *Predictor) mixLevels(stage int, values []uint16, mask []bool) []float64 {
	n := len(values)
	if cap(p.mix.level) < n {
		p.mix.level = make([]float64, n)
	}
	g := p.mix.level[:n]
	Levels(p.m.Config(), stage, values, mask, g, nil)
	return g
}

// mixturePredict turns the mixture outputs logits (len(pos) x 3K) into
// the b-way probabilities of each position in dst.
func (p *Predictor) mixturePredict(stage int, values []uint16, mask []bool, pos []int, logits, dst []float32) {
	cfg := p.m.Config()
	b, O, K := cfg.Branching, cfg.Outputs(), cfg.Mixtures
	g := p.mixLevels(stage, values, mask)
	rows := len(pos)
	nw := min(runtime.GOMAXPROCS(0), (rows+minMixRowsPerWorker-1)/minMixRowsPerWorker)
	work := func(a, e int) {
		comps := make([]mixture.Comp, K)
		acc := make([]float64, b)
		for j := a; j < e; j++ {
			mixture.Comps(logits[j*O:(j+1)*O], comps)
			mixture.Probs(comps, mixture.NewGeom(cfg.Branching, stage, g[pos[j]]), acc, dst[j*b:(j+1)*b])
		}
	}
	splitRanges(rows, nw, func(_, a, e int) { work(a, e) })
}

// TargetBits runs the network once on the stage input (as Predict) and
// returns the sum over the positions pos of -log2 p(digit stage of x[i]),
// with x the true 16-bit values: the cost of coding those digits. The
// probabilities are exactly Predict's (float32), but no b-way table is
// built for the mixture head, so it serves OA-ARDM's 65536 values.
func (p *Predictor) TargetBits(stage, t int, values []uint16, mask []bool, pos []int, x []uint16) float64 {
	cfg := p.m.Config()
	b, O := cfg.Branching, cfg.Outputs()
	if len(x) != len(values) {
		panic(fmt.Sprintf("ardm: TargetBits: %d true values for %d positions", len(x), len(values)))
	}
	if len(pos) == 0 {
		return 0
	}
	var bits float64
	if cfg.Head != HeadMixture {
		if cap(p.mix.probs) < len(pos)*b {
			p.mix.probs = make([]float32, len(pos)*b)
		}
		probs := p.mix.probs[:len(pos)*b]
		p.Predict(stage, t, values, mask, pos, probs)
		for j, i := range pos {
			bits -= math.Log2(float64(probs[j*b+stages.Digit(x[i], b, stage)]))
		}
		return bits
	}
	logits := p.mixLogits(len(pos) * O)
	p.fw.ForwardAt(stage, t, values, mask, pos, logits)
	g := p.mixLevels(stage, values, mask)
	comps := make([]mixture.Comp, cfg.Mixtures)
	for j, i := range pos {
		mixture.Comps(logits[j*O:(j+1)*O], comps)
		pr := float32(mixture.Prob(comps, mixture.NewGeom(cfg.Branching, stage, g[i]), stages.Digit(x[i], b, stage)))
		bits -= math.Log2(float64(pr))
	}
	return bits
}

// TargetBits is Predictor.TargetBits on a borrowed Predictor.
func (pp *PredictorPool) TargetBits(stage, t int, values []uint16, mask []bool, pos []int, x []uint16) float64 {
	p := pp.get()
	defer pp.put(p)
	return p.TargetBits(stage, t, values, mask, pos, x)
}

func (p *Predictor) mixLogits(n int) []float32 {
	if cap(p.mix.logits) < n {
		p.mix.logits = make([]float32, n)
	}
	return p.mix.logits[:n]
}

// oaWalk is stageWalk for OA-ARDM (one stage, b = 65536): the same
// permutation and policy, but visit gets each revealed position's mixture
// and the range [dlo, dhi] of values consistent with the known top bits;
// it must set x[i].
func (p *Predictor) oaWalk(ctx context.Context, x []uint16, opt GenerateOptions,
	visit func(i int, comps []mixture.Comp, bg mixture.Geom, dlo, dhi int)) error {
	cfg := p.m.Config()
	n := len(x)
	if n == 0 {
		return nil
	}
	if opt.KnownBits < 0 || opt.KnownBits > 16 {
		return fmt.Errorf("ardm: known bits %d out of range 0..16", opt.KnownBits)
	}
	if opt.KnownBits == 16 {
		return nil
	}
	steps := p.Policy(opt.Budget, n)[0]
	total := len(steps) - 1
	values := make([]uint16, n)
	mask := make([]bool, n)
	rng := rand.New(rand.NewPCG(opt.Seed, 0x5eed5a3b1e)) // as stageWalk
	order := rng.Perm(n)
	O := cfg.Outputs()
	comps := make([]mixture.Comp, cfg.Mixtures)
	span := 1 << uint(16-opt.KnownBits)
	for k := 0; k+1 < len(steps); k++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		t0, t1 := steps[k], steps[k+1]
		pos := order[t0:t1]
		logits := p.mixLogits(len(pos) * O)
		p.fw.ForwardAt(1, t0, values, mask, pos, logits)
		g := p.mixLevels(1, values, mask)
		for j, i := range pos {
			mixture.Comps(logits[j*O:(j+1)*O], comps)
			dlo := int(stages.KeepTopBits(x[i], opt.KnownBits))
			visit(i, comps, mixture.NewGeom(cfg.Branching, 1, g[i]), dlo, dlo+span-1)
		}
		for _, i := range pos {
			values[i] = x[i]
			mask[i] = true
		}
		if opt.Progress != nil {
			opt.Progress(k+1, total)
		}
	}
	return nil
}

// generateOA is Generate for OA-ARDM: each value is drawn by inverting the
// mixture's CDF restricted to the values consistent with the known bits.
func (p *Predictor) generateOA(ctx context.Context, x []uint16, opt GenerateOptions) error {
	rng := rand.New(rand.NewPCG(opt.Seed, 0x5a3b1e0d16175)) // as Generate
	return p.oaWalk(ctx, x, opt, func(i int, comps []mixture.Comp, bg mixture.Geom, dlo, dhi int) {
		x[i] = uint16(sampleMixture(comps, bg, dlo, dhi, rng.Float64()))
	})
}

// stageBitsOA is StageBits for OA-ARDM.
func (p *Predictor) stageBitsOA(ctx context.Context, x []uint16, opt GenerateOptions) ([]float64, error) {
	var bits float64
	err := p.oaWalk(ctx, x, opt, func(i int, comps []mixture.Comp, bg mixture.Geom, dlo, dhi int) {
		pr := float64(float32(mixture.Prob(comps, bg, int(x[i]))))
		if dlo > 0 || dhi < bg.B-1 {
			pr /= mixture.CDF(comps, bg, dhi) - mixture.CDF(comps, bg, dlo-1)
		}
		bits -= math.Log2(pr)
	})
	if err != nil {
		return nil, err
	}
	return []float64{bits / float64(len(x))}, nil
}

// sampleMixture returns the digit in [dlo, dhi] at which the mixture's
// CDF, restricted to that range, first exceeds u in [0, 1).
func sampleMixture(comps []mixture.Comp, bg mixture.Geom, dlo, dhi int, u float64) int {
	c0 := mixture.CDF(comps, bg, dlo-1)
	c1 := mixture.CDF(comps, bg, dhi)
	target := c0 + float64(u*(c1-c0))
	lo, hi := dlo, dhi // the answer is in [lo, hi]
	for lo < hi {
		mid := lo + (hi-lo)/2
		if mixture.CDF(comps, bg, mid) > target {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
