package ardm

import "math"

// Feature sets (Config.Features).
const (
	// FeaturesBase is the six features f0..f5 below.
	FeaturesBase = 0
	// FeaturesInterp adds f6..f12: where interpolations from the
	// neighbours put the value, in units of the position's own unknown
	// range, and how well interpolation works locally.
	FeaturesInterp = 1
)

// numBaseFeatures and numInterpFeatures count the features of each set.
const (
	numBaseFeatures   = 6
	numInterpFeatures = 7
)

// InterpHalfWindow is the half width, in samples, of the window over which
// f9 measures the interpolation error.
const InterpHalfWindow = 32

// NumFeatures is the number of input channels per position.
func (c Config) NumFeatures() int {
	if c.Features == FeaturesInterp {
		return numBaseFeatures + numInterpFeatures
	}
	if c.Features == FeaturesLPC {
		return numBaseFeatures + numInterpFeatures + numLPCFeat
	}
	if c.Features == FeaturesFine {
		return numBaseFeatures + numInterpFeatures + numLPCFeat + numFineFeat
	}
	return numBaseFeatures
}

// LevelHalfWindow is the half width, in samples, of the window over which
// the local level g is measured from the coarse signal.
const LevelHalfWindow = 320

// Features writes the network input for one frame (or training crop) at
// stage s (1-based) into dst[i*NumFeatures : (i+1)*NumFeatures].
//
// values[i] is the unsigned 16-bit value the decoder knows at position i:
// x^(s) where mask[i] (revealed in this stage), x^(s-1) elsewhere. Only
// exact integer arithmetic, IEEE division and math.Sqrt are used, so the
// result is bit-identical on every machine; training and inference both call
// this one function.
//
// With k_i the number of known top bits at i (s*log2 b where revealed,
// (s-1)*log2 b elsewhere), W_i = 2^(16-k_i) and a_i = values[i] + W_i/2 -
// 32768 (the middle of the known bin, centred), and g_i the RMS over
// [i-LevelHalfWindow, i+LevelHalfWindow] of the stage's coarse signal
// (x^(s-1) mid-bin, centred; mask independent) floored at W_(s-1)/2:
//
//	f0 = a_i / g_i, clipped to [-32, 32]   amplitude-normalised value
//	f1 = mask[i]                           revealed in this stage
//	f2 = log2(W_i) / 16                    unknown bits left at i
//	f3 = (g_i / 32768)^(1/4)               local level
//	f4 = sqrt(W_i / (2 g_i))               unknown range relative to level
//	f5 = sign(a_i) sqrt(|a_i| / 32768)     companded absolute value
//
// With cfg.Features == FeaturesInterp four more follow. With a_j taken at
// the nearest index inside the frame (edges repeat), let the leave-one-out
// interpolations of a_i from its neighbours be
//
//	p1 = (a[i-1] + a[i+1]) / 2
//	p2 = (-a[i-2] + 4a[i-1] + 4a[i+1] - a[i+2]) / 6
//	p3 = (3a[i-3] - 18a[i-2] + 45a[i-1] + 45a[i+1] - 18a[i+2] + 3a[i+3]) / 60
//
// (Lagrange polynomials of degree 1, 3 and 5 through the neighbours,
// evaluated at i), and r_i the RMS over [i-InterpHalfWindow,
// i+InterpHalfWindow] of p2 - a computed on the coarse signal (x^(s-1)
// mid-bin, mask independent, like g). Then
//
//	f6..f8 = (p_k - a_i) / W_i, clipped to [-4, 4]   where the neighbours put x_i, in units of its unknown range
//	f9     = sqrt(sqrt(r_i / W_i)), clipped to 4      local interpolation error against that range
//
// and, with l < i and r > i the nearest positions revealed in this stage
// (mask true) on each side, at distances dl = i-l and dr = r-i, and pn
// their linear interpolation (a[l]*dr + a[r]*dl) / (dl + dr) (one side
// alone when the other has none; a_i when neither has),
//
//	f10 = (pn - a_i) / W_i, clipped to [-4, 4]  the same from the finer revealed neighbours only
//	f11 = 2 / (dl + dr)                          their closeness (0 when there are none; one side counts 2d)
//
// and with l2 < l and r2 > r the next revealed positions beyond them, pc
// the cubic through (l2, l, r, r2) evaluated at i (Lagrange, in float64:
// each term (a[k] - a_i) * prod(-x_m) / prod(x_k - x_m) over offsets x
// from i, exact integer numerator and denominator, summed in that order),
//
//	f12 = (pc - a_i) / W_i, clipped to [-4, 4]  (0 unless all four exist within 64 samples of i)
//
// A small network cannot easily scale the difference of neighbours by
// g_i / W_i (a factor of hundreds in fine stages); these features give it
// that difference already in the units its softmax works in. Numerators
// are exact integers; each feature is one IEEE division or square root of
// them, so the features stay bit-identical on every machine.
func Features(cfg Config, stage int, values []uint16, mask []bool, dst []float32) {
	var sc FeatureBuffers
	sc.Features(cfg, stage, values, mask, dst)
}

// FeatureBuffers holds the buffers of Features, so that a caller on a hot
// path (one forward pass per network call, one training example after
// another) can keep them between calls.
type FeatureBuffers struct {
	g, a               []float64
	ai, coarse, pre    []int64
	left, right        []int
	coarseF, windowed  []float64
	fineC, fineN       []float64 // feature set 3: prefix sums
	fineCntC, fineCntN []int32

	// feature set 2: the last AR fits and the coarse signal they fit
	fits       []lpcFit
	lpcCoarse  []float64
	lpcWCoarse int64

	// workers is the number of goroutines the per-position loops may use
	// (0 or 1: the caller's alone).
	workers int
}

// minFeatRows bounds how finely the per-position loops are split.
const minFeatRows = 2048

// each runs fn on ranges a..b-1 that cover 0..n-1, on up to sc.workers
// goroutines at once. A position's features are computed by the same
// operations whichever range it falls in, so the split does not change
// them.
func (sc *FeatureBuffers) each(n int, fn func(a, b int)) {
	splitRanges(n, min(sc.workers, n/minFeatRows), func(_, a, b int) { fn(a, b) })
}

// grow returns (*s)[:n], reallocating when the capacity is short. The
// contents are not cleared: every user writes all n entries.
func grow[T any](s *[]T, n int) []T {
	if cap(*s) < n {
		*s = make([]T, n)
	}
	*s = (*s)[:n]
	return *s
}

// edge returns v[j] with j clamped to the frame (the edges repeat).
func edge[T any](v []T, j int) T {
	return v[max(0, min(len(v)-1, j))]
}

// Features is the package function Features with sc's buffers.
func (sc *FeatureBuffers) Features(cfg Config, stage int, values []uint16, mask []bool, dst []float32) {
	n := len(values)
	F := cfg.NumFeatures()
	if len(mask) != n || len(dst) != n*F {
		panic("ardm: Features: length mismatch")
	}
	g, a := grow(&sc.g, n), grow(&sc.a, n)
	wFine, wCoarse := Levels(cfg, stage, values, mask, g, a)
	if cfg.Features >= FeaturesInterp {
		sc.interpFeatures(cfg, stage, values, a, mask, wFine, wCoarse, dst)
	}
	if cfg.Features >= FeaturesLPC {
		sc.lpcFeatures(cfg, stage, values, a, wFine, wCoarse, mask, dst, numBaseFeatures+numInterpFeatures)
	}
	if cfg.Features >= FeaturesFine {
		sc.fineFeatures(cfg, values, mask, wFine, wCoarse, dst, numBaseFeatures+numInterpFeatures+numLPCFeat)
	}
	sc.each(n, func(from, to int) {
		for i := from; i < to; i++ {
			w, m := wCoarse, float32(0)
			if mask[i] {
				w, m = wFine, 1
			}
			f0 := a[i] / g[i]
			if f0 > 32 {
				f0 = 32
			} else if f0 < -32 {
				f0 = -32
			}
			f5 := math.Sqrt(math.Abs(a[i]) / 32768)
			if a[i] < 0 {
				f5 = -f5
			}
			d := dst[i*F : i*F+numBaseFeatures]
			d[0] = float32(f0)
			d[1] = m
			d[2] = float32(float64(log2(w)) / 16)
			d[3] = float32(math.Sqrt(math.Sqrt(g[i] / 32768)))
			d[4] = float32(math.Sqrt(float64(w) / (2 * g[i])))
			d[5] = float32(f5)
		}
	})
}

func log2(w int64) int {
	k := 0
	for w > 1 {
		w >>= 1
		k++
	}
	return k
}

// Embedding writes the revealed-fraction embedding for t of n positions
// revealed into dst (len cfg.EmbedDim). It uses triangle waves instead of
// sines so that it is exact on every machine: with f = t/n,
// dst[2j] = tri(f*2^j), dst[2j+1] = tri(f*2^j + 1/4), tri(x) = 4|frac(x)-1/2|-1.
func Embedding(cfg Config, t, n int, dst []float32) {
	if len(dst) != cfg.EmbedDim {
		panic("ardm: Embedding: length mismatch")
	}
	f := float64(t) / float64(n)
	scale := 1.0
	for j := 0; j < cfg.EmbedDim/2; j++ {
		x := f * scale
		dst[2*j] = float32(tri(x))
		dst[2*j+1] = float32(tri(x + 0.25))
		scale *= 2
	}
}

func tri(x float64) float64 {
	fr := x - math.Floor(x)
	return 4*math.Abs(fr-0.5) - 1
}

// interpFeatures writes f6..f12 (see Features) of every position; a holds
// the centres a_i (exact integers) that Levels computed.
func (sc *FeatureBuffers) interpFeatures(cfg Config, stage int, values []uint16, a []float64, mask []bool, wFine, wCoarse int64, dst []float32) {
	n, F := len(values), cfg.NumFeatures()
	ai := grow(&sc.ai, n)
	for i := range a {
		ai[i] = int64(a[i])
	}
	at := edge[int64]
	// p2 numerator minus 6a: the interpolation error times 6.
	err6 := func(v []int64, i int) int64 {
		return -at(v, i-2) + 4*at(v, i-1) + 4*at(v, i+1) - at(v, i+2) - 6*v[i]
	}
	// Prefix sums of the squared interpolation error of the coarse signal.
	coarse := coarseCentred(cfg, stage, values, wCoarse, grow(&sc.coarse, n))
	pre := grow(&sc.pre, n+1)
	pre[0] = 0
	for i := range coarse {
		e := err6(coarse, i)
		pre[i+1] = pre[i] + e*e
	}
	// Nearest revealed positions on each side (-1: none).
	left, right := grow(&sc.left, n), grow(&sc.right, n)
	last := -1
	for i := range mask {
		left[i] = last
		if mask[i] {
			last = i
		}
	}
	last = -1
	for i := n - 1; i >= 0; i-- {
		right[i] = last
		if mask[i] {
			last = i
		}
	}
	clip := func(x, lim float64) float32 {
		if x > lim {
			x = lim
		} else if x < -lim {
			x = -lim
		}
		return float32(x)
	}
	sc.each(n, func(from, to int) {
		for i := from; i < to; i++ {
			w := wCoarse
			if mask[i] {
				w = wFine
			}
			fw := float64(w)
			e1 := at(ai, i-1) + at(ai, i+1) - 2*ai[i]
			e2 := err6(ai, i)
			e3 := 3*at(ai, i-3) - 18*at(ai, i-2) + 45*at(ai, i-1) + 45*at(ai, i+1) - 18*at(ai, i+2) + 3*at(ai, i+3) - 60*ai[i]
			lo, hi := i-InterpHalfWindow, i+InterpHalfWindow+1
			if lo < 0 {
				lo = 0
			}
			if hi > n {
				hi = n
			}
			r := math.Sqrt(float64(pre[hi]-pre[lo])/float64(hi-lo)) / 6
			d := dst[i*F+numBaseFeatures : i*F+numBaseFeatures+numInterpFeatures]
			d[6] = cubicNearest(ai, left, right, i, fw, clip)
			d[0] = clip(float64(e1)/(2*fw), 4)
			d[1] = clip(float64(e2)/(6*fw), 4)
			d[2] = clip(float64(e3)/(60*fw), 4)
			d[3] = clip(math.Sqrt(math.Sqrt(r/fw)), 4)
			l, rr := left[i], right[i]
			var num, den int64
			switch {
			case l >= 0 && rr >= 0:
				dl, dr := int64(i-l), int64(rr-i)
				num, den = ai[l]*dr+ai[rr]*dl-ai[i]*(dl+dr), dl+dr
			case l >= 0:
				num, den = ai[l]-ai[i], 2*int64(i-l)
			case rr >= 0:
				num, den = ai[rr]-ai[i], 2*int64(rr-i)
			}
			if den > 0 {
				if l >= 0 && rr >= 0 {
					d[4] = clip(float64(num)/(float64(den)*fw), 4)
				} else {
					d[4] = clip(float64(num)/fw, 4)
				}
				d[5] = float32(2 / float64(den))
			} else {
				d[4], d[5] = 0, 0
			}
		}
	})
}

// cubicNearest is f12 of position i (see Features): (pc - a_i) / W_i for
// the cubic through the two nearest revealed positions on each side, or 0
// unless all four exist within 64 samples of i.
func cubicNearest(ai []int64, left, right []int, i int, fw float64, clip func(float64, float64) float32) float32 {
	l1, r1 := left[i], right[i]
	if l1 < 0 || r1 < 0 {
		return 0
	}
	l2, r2 := left[l1], right[r1]
	if l2 < 0 || r2 < 0 || i-l2 > 64 || r2-i > 64 {
		return 0
	}
	xs := [4]int64{int64(l2 - i), int64(l1 - i), int64(r1 - i), int64(r2 - i)}
	ys := [4]int64{ai[l2], ai[l1], ai[r1], ai[r2]}
	var p float64
	for k := range xs {
		num, den := int64(1), int64(1)
		for m := range xs {
			if m != k {
				num *= -xs[m]
				den *= xs[k] - xs[m]
			}
		}
		p += float64((ys[k]-ai[i])*num) / float64(den)
	}
	return clip(p/fw, 4)
}

// coarseCentred writes into c (len(values)) and returns the stage's coarse
// signal: x^(s-1) at the middle of its bin of width wCoarse, centred on
// zero (mask independent).
func coarseCentred(cfg Config, stage int, values []uint16, wCoarse int64, c []int64) []int64 {
	coarseBits := uint(stage-1) * uint(cfg.DigitBits())
	var highMask uint16
	if coarseBits > 0 {
		highMask = uint16(0xffff << (16 - coarseBits))
	}
	for i, v := range values {
		c[i] = int64(v&highMask) + wCoarse/2 - 32768
	}
	return c
}
