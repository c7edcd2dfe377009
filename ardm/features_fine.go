package ardm

import "math"

// Feature set 3 (FeaturesFine) adds to set 2 three features that measure,
// on the positions already revealed in this stage, how far the fine values
// stray from what coarser information predicts. Feature sets 1 and 2
// measure smoothness on the coarse signal (x^(s-1)); in a quiet passage of
// a fine stage that signal is flat (every value in one or two bins) and
// says nothing of the detail inside the bins, which the revealed positions
// show. With a_j the centres of Features, for every revealed position j
// (mask[j]):
//
//	ec_j = a_j - p2c_j        p2c the Lagrange p2 of j from the coarse signal (as f9)
//	en_j = a_j - pn_j         pn the linear interpolation from the nearest revealed
//	                          positions on each side of j (none: no en_j)
//
// and over the window [i-FineHalfWindow, i+FineHalfWindow], with Nc and
// Nn the numbers of ec and en terms in it,
//
//	f15 = sqrt(sqrt(rms(ec) / W_i)), clipped to 4 (0 when Nc = 0)
//	f16 = sqrt(sqrt(rms(en) / W_i)), clipped to 4 (0 when Nn = 0)
//	f17 = sqrt(Nc / (2 FineHalfWindow + 1))   how many revealed positions the window holds
//
// The sums run in a fixed order over float64 values whose products are
// rounded explicitly, so the features are the same on every machine.

// FeaturesFine is feature set 3.
const FeaturesFine = 3

const numFineFeat = 3

// FineHalfWindow is the half width, in samples, of the window of f15..f17.
const FineHalfWindow = 64

// fineFeatures writes f15..f17 of every position at dst[i*F+off:]. It
// reads the nearest revealed neighbours (sc.left, sc.right), the coarse
// signal (sc.coarse) and the integer centres (sc.ai) that interpFeatures
// left in sc for the same input.
func (sc *FeatureBuffers) fineFeatures(cfg Config, values []uint16, mask []bool, wFine, wCoarse int64, dst []float32, off int) {
	n, F := len(values), cfg.NumFeatures()
	ai, coarse, left, right := sc.ai, sc.coarse, sc.left, sc.right
	at := edge[int64]
	preC := grow(&sc.fineC, n+1)
	preN := grow(&sc.fineN, n+1)
	cntC := grow(&sc.fineCntC, n+1)
	cntN := grow(&sc.fineCntN, n+1)
	preC[0], preN[0], cntC[0], cntN[0] = 0, 0, 0, 0
	for j := 0; j < n; j++ {
		preC[j+1], preN[j+1], cntC[j+1], cntN[j+1] = preC[j], preN[j], cntC[j], cntN[j]
		if !mask[j] {
			continue
		}
		// 6 * (a_j - p2 of the coarse signal at j).
		e := float64(6*ai[j]+at(coarse, j-2)-4*at(coarse, j-1)-4*at(coarse, j+1)+at(coarse, j+2)) / 6
		preC[j+1] += float64(e * e)
		cntC[j+1]++
		l, r := left[j], right[j]
		if l < 0 || r < 0 {
			continue
		}
		dl, dr := int64(j-l), int64(r-j)
		en := float64(ai[j]*(dl+dr)-ai[l]*dr-ai[r]*dl) / float64(dl+dr)
		preN[j+1] += float64(en * en)
		cntN[j+1]++
	}
	root := func(sum float64, cnt int32, w float64) float32 {
		if cnt == 0 {
			return 0
		}
		return float32(min(math.Sqrt(math.Sqrt(math.Sqrt(sum/float64(cnt))/w)), 4))
	}
	sc.each(n, func(from, to int) {
		for i := from; i < to; i++ {
			w := wCoarse
			if mask[i] {
				w = wFine
			}
			lo, hi := max(0, i-FineHalfWindow), min(n, i+FineHalfWindow+1)
			d := dst[i*F+off : i*F+off+numFineFeat]
			d[0] = root(preC[hi]-preC[lo], cntC[hi]-cntC[lo], float64(w))
			d[1] = root(preN[hi]-preN[lo], cntN[hi]-cntN[lo], float64(w))
			d[2] = float32(math.Sqrt(float64(cntC[hi]-cntC[lo]) / (2*FineHalfWindow + 1)))
		}
	})
}
