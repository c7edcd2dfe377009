package ardm

import "math"

// Levels writes, for every position i of a stage input (see Features), the
// local level g_i and the centre c_i of the position's known bin, both in
// sample units: with k_i known top bits (s*log2 b where mask[i], (s-1)*log2
// b elsewhere) and W_i = 2^(16-k_i), c_i = values[i] + W_i/2 - 32768 (the
// a_i of Features), and g_i is the RMS over [i-LevelHalfWindow,
// i+LevelHalfWindow] of the stage's coarse signal (x^(s-1) mid-bin,
// centred; mask independent), floored at W_(s-1)/2. c may be nil. It
// returns the bin widths of a revealed position (wFine = W_s) and of an
// unrevealed one (wCoarse = W_(s-1)).
//
// Features and the mixture head (doc.go) both read these; only exact
// integer arithmetic, IEEE division and math.Sqrt are used, so the values
// are bit-identical on every machine.
func Levels(cfg Config, stage int, values []uint16, mask []bool, g, c []float64) (wFine, wCoarse int64) {
	n := len(values)
	if len(mask) != n || len(g) != n || (c != nil && len(c) != n) {
		panic("ardm: Levels: length mismatch")
	}
	S, db := cfg.Stages(), cfg.DigitBits()
	if stage < 1 || stage > S {
		panic("ardm: Levels: stage out of range")
	}
	coarseBits := uint((stage - 1) * db)
	wCoarse = int64(1) << (16 - coarseBits)
	wFine = wCoarse >> uint(db)
	var highMask uint16 // zero when coarseBits == 0
	if coarseBits > 0 {
		highMask = uint16(0xffff << (16 - coarseBits))
	}
	// Prefix sums of the squared centred coarse signal.
	pre := make([]int64, n+1)
	for i, v := range values {
		a := int64(v&highMask) + wCoarse/2 - 32768
		pre[i+1] = pre[i] + a*a
	}
	floor := float64(wCoarse) / 2
	for i, v := range values {
		lo, hi := i-LevelHalfWindow, i+LevelHalfWindow+1
		if lo < 0 {
			lo = 0
		}
		if hi > n {
			hi = n
		}
		gi := math.Sqrt(float64(pre[hi]-pre[lo]) / float64(hi-lo))
		if gi < floor {
			gi = floor
		}
		g[i] = gi
		if c != nil {
			w := wCoarse
			if mask[i] {
				w = wFine
			}
			c[i] = float64(int64(v) + w/2 - 32768)
		}
	}
	return wFine, wCoarse
}
