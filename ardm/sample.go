package ardm

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/ardm-dev/ardm/stages"
)

// Generation and likelihood under a budget.
//
// Both walk the stages from coarse to fine. For each stage a permutation
// sigma of the n positions is drawn from the seed: the coder's stratified
// order (stages.StratifiedOrder, the order stream version 3 codes in) with
// a random rotation, so that every step's positions have revealed
// neighbours on both sides; for each policy step
// [t_k, t_{k+1}) the network runs once with the t_k positions sigma[:t_k]
// revealed, and the positions sigma[t_k:t_{k+1}] get their digit: sampled
// from the predicted distribution (Generate), or scored (StageBits).

// GenerateOptions control Generate and StageBits.
type GenerateOptions struct {
	Budget int        // network calls in all (<= 0: one per position)
	Alloc  Allocation // how the budget is split across stages
	Seed   uint64     // permutations and sampling
	// KnownBits is the number of top bits of every value that are given:
	// stages whose digits are entirely known are skipped, and in the
	// stage that holds the boundary only digits consistent with the known
	// bits are allowed (the distribution is renormalised over them).
	KnownBits int
	// Progress, if set, is called after every network call with the
	// calls done and the calls in all.
	Progress func(done, total int)
	// Mean makes Generate take every digit as the mean of its predicted
	// distribution, rounded, instead of a sample: an estimate of the
	// missing bits that is closer to the original on average (higher SNR;
	// a sample adds the model's whole uncertainty as noise). Tables only:
	// OA-ARDM models always sample.
	Mean bool
	// Expect, if not nil (length len(x)), receives for every value the
	// model's expectation of it along the walk taken: the known top bits
	// plus, for every generated stage, the mean digit of the distribution
	// the digit was drawn from, at its place value. Along a sampled walk
	// it is an unbiased estimate of the posterior mean of the value given
	// the known bits, with less variance than the drawn value (each
	// drawn digit is replaced by its conditional mean). OA-ARDM models
	// give the drawn values.
	Expect []float64
}

// stageWalk runs the policy over the stages that are not fully known.
// visit gets the stage, the positions revealed in the step, their
// restricted and renormalised probabilities (len(pos)*b) and must set
// their digit in x.
func (p *Predictor) stageWalk(ctx context.Context, x []uint16, opt GenerateOptions,
	visit func(stage int, pos []int, probs []float32, allowed func(i, d int) bool)) error {
	cfg := p.m.Config()
	b, db, S := cfg.Branching, cfg.DigitBits(), cfg.Stages()
	n := len(x)
	if n == 0 {
		return nil
	}
	if opt.KnownBits < 0 || opt.KnownBits > 16 {
		return fmt.Errorf("ardm: known bits %d out of range 0..16", opt.KnownBits)
	}
	first := opt.KnownBits/db + 1 // first stage with unknown bits
	if first > S {
		return nil
	}
	policy := p.Policy(opt.Budget, n)
	total := 0
	for s := first; s <= S; s++ {
		total += len(policy[s-1]) - 1
	}
	values := make([]uint16, n)
	mask := make([]bool, n)
	probs := make([]float32, 0, n*b)
	order := make([]int, n)
	rng := rand.New(rand.NewPCG(opt.Seed, 0x5eed5a3b1e))
	done := 0
	for s := first; s <= S; s++ {
		// Known bits of this stage's digit (0 < partial < db only in the
		// first stage when KnownBits is not a multiple of db).
		partial := opt.KnownBits - (s-1)*db
		var allowed func(i, d int) bool
		if partial > 0 {
			sh := uint(db - partial)
			allowed = func(i, d int) bool {
				return d>>sh == stages.Digit(x[i], b, s)>>sh
			}
		}
		for i, v := range x {
			values[i] = stages.KeepTopBits(v, (s-1)*db)
			mask[i] = false
		}
		stages.DrawOrder(rng, order)
		steps := policy[s-1]
		for k := 0; k+1 < len(steps); k++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			t0, t1 := steps[k], steps[k+1]
			pos := order[t0:t1]
			probs = probs[:len(pos)*b]
			p.Predict(s, t0, values, mask, pos, probs)
			if allowed != nil {
				for j, i := range pos {
					restrict(probs[j*b:(j+1)*b], func(d int) bool { return allowed(i, d) })
				}
			}
			visit(s, pos, probs, allowed)
			for _, i := range pos {
				values[i] = stages.KeepTopBits(x[i], s*db)
				mask[i] = true
			}
			done++
			if opt.Progress != nil {
				opt.Progress(done, total)
			}
		}
	}
	return nil
}

// restrict zeroes the probabilities of digits that are not allowed and
// renormalises the rest.
func restrict(pr []float32, allowed func(d int) bool) {
	var sum float64
	for d, v := range pr {
		if allowed(d) {
			sum += float64(v)
		} else {
			pr[d] = 0
		}
	}
	for d, v := range pr {
		pr[d] = float32(float64(v) / sum)
	}
}

// Generate fills in place the unknown bits of x (the lower 16-KnownBits
// bits of every value; the known top bits are kept) by sampling stage by
// stage under the budget.
func (p *Predictor) Generate(ctx context.Context, x []uint16, opt GenerateOptions) error {
	cfg := p.m.Config()
	b := cfg.Branching
	for i := range x {
		x[i] = stages.KeepTopBits(x[i], opt.KnownBits)
	}
	if opt.Expect != nil && len(opt.Expect) != len(x) {
		return fmt.Errorf("ardm: Expect has %d values for %d", len(opt.Expect), len(x))
	}
	if b > maxTableBranching {
		if err := p.generateOA(ctx, x, opt); err != nil {
			return err
		}
		for i, v := range x {
			if opt.Expect != nil {
				opt.Expect[i] = float64(v)
			}
		}
		return nil
	}
	if opt.Expect != nil {
		for i, v := range x {
			opt.Expect[i] = float64(v)
		}
	}
	S := cfg.Stages()
	rng := rand.New(rand.NewPCG(opt.Seed, 0x5a3b1e0d16175))
	return p.stageWalk(ctx, x, opt, func(s int, pos []int, probs []float32, _ func(i, d int) bool) {
		place := float64(uint32(1) << uint((S-s)*cfg.DigitBits()))
		for j, i := range pos {
			pr := probs[j*b : (j+1)*b]
			var d int
			if opt.Mean {
				d = meanDigit(pr)
			} else {
				d = sampleDigit(pr, rng.Float64())
			}
			if opt.Expect != nil {
				// The known bits of a partial stage are already in
				// Expect: add only the mean of the digit beyond them.
				known := float64(stages.Digit(x[i], b, s))
				opt.Expect[i] += (digitMean(pr) - known) * place
			}
			x[i] = stages.SetDigit(x[i], b, s, d)
		}
	})
}

// digitMean is the mean digit of the distribution pr (not rounded).
func digitMean(pr []float32) float64 {
	var sum, m float64
	for d, v := range pr {
		sum += float64(v)
		m += float64(d) * float64(v)
	}
	if !(sum > 0) {
		return 0
	}
	return m / sum
}

// meanDigit is the mean of the distribution pr over digits, rounded to the
// nearest digit (halves up). Digits of probability zero (excluded by known
// bits) form the outside of a contiguous allowed range, so the rounded mean
// lies in that range.
func meanDigit(pr []float32) int {
	var sum, m float64
	for d, v := range pr {
		sum += float64(v)
		m += float64(d) * float64(v)
	}
	if !(sum > 0) {
		return 0
	}
	return int(math.Floor(m/sum + 0.5))
}

// sampleDigit inverts the cumulative distribution at u in [0, 1).
func sampleDigit(pr []float32, u float64) int {
	var sum float64
	for _, v := range pr {
		sum += float64(v)
	}
	u *= sum
	c := 0.0
	last := 0
	for d, v := range pr {
		if v <= 0 {
			continue
		}
		last = d
		c += float64(v)
		if u < c {
			return d
		}
	}
	return last
}

// StageBits scores x (full 16-bit values) under the same walk Generate
// takes: it returns, for every stage s (index s-1), the bits per sample
// -log2 p(digit_s) summed over positions / len(x), with zero for stages
// wholly within the known bits. Their sum is the cost of the unknown bits
// under the budget (the bound when the budget is one call per position).
func (p *Predictor) StageBits(ctx context.Context, x []uint16, opt GenerateOptions) ([]float64, error) {
	cfg := p.m.Config()
	b, S := cfg.Branching, cfg.Stages()
	if b > maxTableBranching {
		return p.stageBitsOA(ctx, x, opt)
	}
	bits := make([]float64, S)
	err := p.stageWalk(ctx, x, opt, func(s int, pos []int, probs []float32, _ func(i, d int) bool) {
		for j, i := range pos {
			pr := float64(probs[j*b+stages.Digit(x[i], b, s)])
			bits[s-1] -= math.Log2(pr)
		}
	})
	if err != nil {
		return nil, err
	}
	for s := range bits {
		bits[s] /= float64(len(x))
	}
	return bits, nil
}

// Sample generates count frames of n values (unsigned 16-bit) from
// nothing under the budget; frame f uses seed+f.
func (p *Predictor) Sample(ctx context.Context, count, n int, opt GenerateOptions) ([][]uint16, error) {
	if n < 1 {
		return nil, fmt.Errorf("ardm: sample length %d < 1", n)
	}
	out := make([][]uint16, count)
	for f := range out {
		o := opt
		o.Seed = opt.Seed + uint64(f)
		o.KnownBits = 0
		out[f] = make([]uint16, n)
		if err := p.Generate(ctx, out[f], o); err != nil {
			return nil, err
		}
	}
	return out, nil
}
