package eval

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"

	"github.com/ardm-dev/ardm/stages"

	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/coder"
)

// The bound is computed through coder.Predictor, the interface the codec uses:
// the probabilities measured here are the very ones the coder turns into
// frequencies, and the frames are the coder's (Model.FrameLen samples per
// channel, the last one as long as what is left).

// channelFrames splits 16-bit PCM into the unsigned 16-bit frames the
// model codes: out[c][f] is frame f of channel c.
func channelFrames(pcm *audio.PCM, frameLen int) ([][][]uint16, error) {
	if pcm.BitDepth != 16 {
		return nil, fmt.Errorf("eval: the bound is measured on 16-bit PCM only (this file is %d-bit)", pcm.BitDepth)
	}
	if frameLen < 1 {
		panic("eval: frame length must be positive")
	}
	out := make([][][]uint16, len(pcm.Data))
	for c, ch := range pcm.Data {
		for lo := 0; lo < len(ch); lo += frameLen {
			hi := min(lo+frameLen, len(ch))
			x := make([]uint16, hi-lo)
			for i, v := range ch[lo:hi] {
				x[i] = audio.ToUnsigned16(v)
			}
			out[c] = append(out[c], x)
		}
	}
	return out, nil
}

// streamID derives a PCG stream from a name and small integers, so that a
// file's draws depend on the seed and its name only (not on which other
// files are in the run).
func streamID(name string, a ...int) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	var buf [8]byte
	for _, v := range a {
		for i := range buf {
			buf[i] = byte(uint64(v) >> (8 * i))
		}
		h.Write(buf[:])
	}
	return h.Sum64()
}

// digitBits returns -log2 p of digit s of each x[pos[j]] under the b-way
// distributions probs[j*b:(j+1)*b], summed.
func digitBits(x []uint16, pos []int, probs []float32, b, s int) float64 {
	var sum float64
	for j, p := range pos {
		d := stages.Digit(x[p], b, s)
		pr := float64(probs[j*b+d])
		if !(pr > 0) {
			pr = math.SmallestNonzeroFloat32
		}
		sum -= math.Log2(pr)
	}
	return sum
}

// EstimateBound estimates the model's likelihood bound on 16-bit PCM in
// bits per sample, per stage and in total, with the unbiased estimator of
// the ARDM objective: for each stage s and draw, each frame of n samples
// (per channel) draws t ~ U{0..n-1} and an order sigma, reveals the
// positions with sigma < t, runs the network once, and counts
// (n/(n-t)) * sum over the unrevealed positions of -log2 p(digit s). The
// draws are independent across stages, frames and files, so the mean over
// draws is unbiased and its standard error is the sample standard
// deviation over draws / sqrt(draws) (zero when draws is 1).
//
// name and seed select the random stream; the result depends only on them,
// the model and the PCM. progress, if not nil, is called after each
// network call.
func EstimateBound(ctx context.Context, m coder.Predictor, pcm *audio.PCM, name string, draws int, seed uint64, progress func()) (*Bound, error) {
	if draws < 1 {
		return nil, fmt.Errorf("eval: %d draws, need at least 1", draws)
	}
	frames, err := channelFrames(pcm, m.FrameLen())
	if err != nil {
		return nil, err
	}
	samples := pcm.Frames() * len(pcm.Data)
	if samples == 0 {
		return nil, fmt.Errorf("eval: %s has no samples", name)
	}
	b := m.Branching()
	S := stages.Count(b)
	// est[s][r]: bits per sample of stage s+1 in draw r.
	est := make([][]float64, S)
	var sc boundScratch
	for s := 1; s <= S; s++ {
		rng := rand.New(rand.NewPCG(seed, streamID(name, s)))
		est[s-1] = make([]float64, draws)
		for r := 0; r < draws; r++ {
			var bits float64
			for c := range frames {
				for _, x := range frames[c] {
					if err := ctx.Err(); err != nil {
						return nil, err
					}
					bits += sc.frameEstimate(m, x, s, b, rng)
					if progress != nil {
						progress()
					}
				}
			}
			est[s-1][r] = bits / float64(samples)
		}
	}
	bound := &Bound{Stages: make([]Stat, S)}
	totals := make([]float64, draws)
	for s := range est {
		bound.Stages[s] = meanStat(est[s])
		for r, v := range est[s] {
			totals[r] += v
		}
	}
	bound.Total = meanStat(totals)
	return bound, nil
}

// boundScratch holds buffers reused across network calls.
type boundScratch struct {
	values []uint16
	mask   []bool
	pos    []int
	perm   []int
	probs  []float32
}

func (sc *boundScratch) size(n int) {
	if cap(sc.values) < n {
		sc.values = make([]uint16, n)
		sc.mask = make([]bool, n)
		sc.pos = make([]int, n)
		sc.perm = make([]int, n)
	}
	sc.values, sc.mask, sc.perm = sc.values[:n], sc.mask[:n], sc.perm[:n]
}

// TargetScorer is implemented by models that score the true digits of
// the positions directly, without b-way probability tables
// (ardm.Predictor): OA-ARDM's 65536 values need it. TargetBits runs the
// network once, as Predict, and returns the sum over pos of -log2 p(digit
// stage of x[i]).
type TargetScorer interface {
	TargetBits(stage, t int, values []uint16, mask []bool, pos []int, x []uint16) float64
}

// stepBits runs the network once on the scratch's stage input and returns
// -log2 p of digit s of x at the positions pos, summed.
func (sc *boundScratch) stepBits(m coder.Predictor, x []uint16, s, t, b int, pos []int) float64 {
	if ts, ok := m.(TargetScorer); ok {
		return ts.TargetBits(s, t, sc.values, sc.mask, pos, x)
	}
	if cap(sc.probs) < len(pos)*b {
		sc.probs = make([]float32, len(pos)*b)
	}
	probs := sc.probs[:len(pos)*b]
	m.Predict(s, t, sc.values, sc.mask, pos, probs)
	return digitBits(x, pos, probs, b, s)
}

// frameEstimate is one draw of the unbiased estimate of stage s's bits on
// frame x (not normalised).
func (sc *boundScratch) frameEstimate(m coder.Predictor, x []uint16, s, b int, rng *rand.Rand) float64 {
	n := len(x)
	sc.size(n)
	t := rng.IntN(n)
	for i := range sc.perm {
		sc.perm[i] = i
	}
	rng.Shuffle(n, func(i, j int) { sc.perm[i], sc.perm[j] = sc.perm[j], sc.perm[i] })
	// perm[k] is the position revealed k-th: the first t are revealed.
	clear(sc.mask)
	for _, p := range sc.perm[:t] {
		sc.mask[p] = true
	}
	pos := sc.pos[:0]
	for i, v := range x {
		if sc.mask[i] {
			sc.values[i] = stages.Value(v, b, s)
		} else {
			sc.values[i] = stages.Value(v, b, s-1)
			pos = append(pos, i)
		}
	}
	return float64(n) / float64(n-t) * sc.stepBits(m, x, s, t, b, pos)
}

// meanStat is the mean of v with its standard error.
func meanStat(v []float64) Stat {
	n := len(v)
	var mean float64
	for _, x := range v {
		mean += x
	}
	mean /= float64(n)
	var se float64
	if n > 1 {
		var ss float64
		for _, x := range v {
			ss += (x - mean) * (x - mean)
		}
		se = math.Sqrt(ss / float64(n-1) / float64(n))
	}
	return Stat{Mean: mean, StdErr: se, N: n}
}

// PolicyBound is the cost of coding 16-bit PCM under the model's policy
// for budget network calls per frame and channel (0: one per position),
// before quantisation: each frame's positions are revealed in the coder's
// stratified order (stages.StratifiedOrder) with a seeded random rotation,
// one network call per policy step, and every digit costs -log2 p under
// the call of the step that reveals it. This is what the coder pays for
// the model-coded bits, up to the integer frequencies and the stream's
// headers (the coder draws its own rotation; the expected cost is the
// same).
//
// It returns bits per sample, in total and per stage, and the number of
// network calls made.
func PolicyBound(ctx context.Context, m coder.Predictor, pcm *audio.PCM, name string, budget int, seed uint64, progress func()) (total float64, perStage []float64, calls int, err error) {
	frames, err := channelFrames(pcm, m.FrameLen())
	if err != nil {
		return 0, nil, 0, err
	}
	samples := pcm.Frames() * len(pcm.Data)
	if samples == 0 {
		return 0, nil, 0, fmt.Errorf("eval: %s has no samples", name)
	}
	b := m.Branching()
	S := stages.Count(b)
	perStage = make([]float64, S)
	policies := map[int][][]int{}
	var sc boundScratch
	for c := range frames {
		for f, x := range frames[c] {
			n := len(x)
			pol, ok := policies[n]
			if !ok {
				pol = m.Policy(budget, n)
				if err := checkPolicy(pol, S, n); err != nil {
					return 0, nil, 0, err
				}
				policies[n] = pol
			}
			sc.size(n)
			for s := 1; s <= S; s++ {
				rng := rand.New(rand.NewPCG(seed, streamID(name, c, f, s)))
				stages.DrawOrder(rng, sc.perm)
				clear(sc.mask)
				for i, v := range x {
					sc.values[i] = stages.Value(v, b, s-1)
				}
				bounds := pol[s-1]
				for k := 0; k+1 < len(bounds); k++ {
					if err := ctx.Err(); err != nil {
						return 0, nil, 0, err
					}
					pos := sc.perm[bounds[k]:bounds[k+1]]
					perStage[s-1] += sc.stepBits(m, x, s, bounds[k], b, pos)
					for _, p := range pos {
						sc.values[p] = stages.Value(x[p], b, s)
						sc.mask[p] = true
					}
					calls++
					if progress != nil {
						progress()
					}
				}
			}
		}
	}
	for s := range perStage {
		perStage[s] /= float64(samples)
		total += perStage[s]
	}
	return total, perStage, calls, nil
}

// PolicyCalls is the number of network calls the model's policy for budget
// makes on PCM of the given frames per channel and channels.
func PolicyCalls(m coder.Predictor, budget, frames, channels int) (int, error) {
	S := stages.Count(m.Branching())
	L := m.FrameLen()
	calls := 0
	for lo := 0; lo < frames; lo += L {
		n := min(L, frames-lo)
		pol := m.Policy(budget, n)
		if err := checkPolicy(pol, S, n); err != nil {
			return 0, err
		}
		for _, st := range pol {
			calls += len(st) - 1
		}
	}
	return calls * channels, nil
}

// checkPolicy validates a policy as the coder does.
func checkPolicy(pol [][]int, S, n int) error {
	if len(pol) != S {
		return fmt.Errorf("eval: model policy has %d stages, want %d", len(pol), S)
	}
	for s, st := range pol {
		if len(st) < 2 || st[0] != 0 || st[len(st)-1] != n {
			return fmt.Errorf("eval: model policy for stage %d does not run from 0 to %d", s+1, n)
		}
		for k := 1; k < len(st); k++ {
			if st[k] <= st[k-1] {
				return fmt.Errorf("eval: model policy for stage %d is not increasing", s+1)
			}
		}
	}
	return nil
}
