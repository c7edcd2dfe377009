package coder

import "math"

// Quantisation: floats become integer frequencies in cumFreq and nowhere
// else. Every distribution, whether a model gives it as a b-way table
// (Predictor.Predict, b <= 256) or as a cumulative distribution function
// (CDFPredictor.PredictCDF, b = 65536), is coded through the integer
// cumulative frequencies
//
//	cum(0) = 0,  cum(b) = 2^31,
//	cum(v) = floor(F(v) * (2^31 - 2b)) + 2v   for 0 < v < b,
//
// with F(v) = P(symbol < v) clamped to [0, 1] (v/b if it is NaN). Symbol
// v occupies [cum(v), cum(v+1)) of 2^31. Where F is non-decreasing, every
// symbol gets at least 2 (the floors do not decrease), and a symbol's
// frequency is within 1 of p(v) * (2^31 - 2b) + 2, so the cost of the
// rounding against the model's own -log2 p is about 2b/2^31 of a bit per
// symbol plus 1/(p 2^31 ln 2) for a symbol of probability p (well under
// 0.1% for every head: b <= 2^16 gives at most 6e-5 of the mass to the
// floor). The 2 per symbol also absorbs rounding noise in F: as long as
// F never decreases by more than 2^-32 between neighbours, cum(v+1) -
// cum(v) >= 1, so every symbol stays codable.
//
// The encoder evaluates cum at the symbol and the next one; the decoder
// finds the symbol whose range holds the rANS slot by binary search over v
// (on a table for b <= 256, on F itself for b = 65536). Both go through
// cumFreq, which uses one IEEE multiplication converted directly to an
// integer (no fused multiply-add is possible), so they agree on every
// machine.

// cumFreq returns cum(v) for an alphabet of b symbols (1 <= b <= 1<<16)
// given F = P(symbol < v); F is not read when v <= 0 or v >= b.
func cumFreq(F float64, v, b int) uint32 {
	switch {
	case v <= 0:
		return 0
	case v >= b:
		return probScale
	case F != F:
		F = float64(v) / float64(b)
	case F < 0:
		F = 0
	case F > 1:
		F = 1
	}
	return uint32(uint64(F*float64(probScale-2*b))) + uint32(2*v)
}

// quantizeCum writes the cumulative frequencies cum(0..b) of the b-way
// distribution p to cum (len b+1): F(v) is the sum of p[0..v-1] over the
// sum of all of p, both summed in float64 in index order. Entries that are
// not positive finite numbers count as zero; if none is positive the
// distribution is uniform. len(p) must be in 1..1<<16.
func quantizeCum(p []float32, cum []uint32) {
	b := len(p)
	if b == 0 || b > 1<<16 || len(cum) != b+1 {
		panic("coder: quantizeCum: bad lengths")
	}
	var total float64
	for _, x := range p {
		if x > 0 && x <= math.MaxFloat32 {
			total += float64(x)
		}
	}
	if !(total > 0) {
		total = math.NaN() // every F below is NaN: uniform
	}
	var acc float64
	cum[0] = 0
	for v := 1; v < b; v++ {
		if x := p[v-1]; x > 0 && x <= math.MaxFloat32 {
			acc += float64(x)
		}
		cum[v] = cumFreq(acc/total, v, b)
	}
	cum[b] = probScale
}

// Quantize turns the probabilities p of one b-way distribution into the
// integer frequencies freq (same length) that the coder uses for it: they
// sum to exactly 1<<ProbBits and every one is at least 1 (in fact 2). It
// is the difference of quantizeCum's cumulative frequencies, so it is
// what encoder and decoder both use, bit for bit on every machine.
// len(p) must be in 1..1<<16.
func Quantize(p []float32, freq []uint32) {
	if len(freq) != len(p) {
		panic("coder: Quantize: bad lengths")
	}
	cum := make([]uint32, len(p)+1)
	quantizeCum(p, cum)
	for v := range freq {
		freq[v] = cum[v+1] - cum[v]
	}
}

// lookup finds the symbol whose range [cum[i], cum[i+1]) holds slot.
func lookup(cum []uint32, slot uint32) int {
	lo, hi := 0, len(cum)-2
	for lo < hi {
		mid := int(uint(lo+hi+1) >> 1)
		if cum[mid] <= slot {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// cdfCum returns cum(v) for an alphabet of b symbols coded through the
// distribution function F of position j (see CDFPredictor): symbol v stands
// for the value v<<shift, so F is evaluated at v<<shift.
func cdfCum(F func(j, v int) float64, j, v, b int, shift uint) uint32 {
	if v <= 0 || v >= b {
		return cumFreq(0, v, b)
	}
	return cumFreq(F(j, v<<shift), v, b)
}

// cdfLookup finds the symbol v whose range [cum(v), cum(v+1)) of the
// distribution function F of position j holds slot, by binary search with
// cdfCum, and returns it with the range. The range always holds slot and
// is never empty, whatever F does; if F is non-decreasing (as CDFPredictor
// requires) v is the symbol the encoder coded.
func cdfLookup(F func(j, v int) float64, j, b int, shift uint, slot uint32) (v int, start, freq uint32) {
	lo, hi := 0, b
	clo, chi := uint32(0), uint32(probScale)
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if c := cdfCum(F, j, mid, b, shift); c <= slot {
			lo, clo = mid, c
		} else {
			hi, chi = mid, c
		}
	}
	return lo, clo, chi - clo
}
