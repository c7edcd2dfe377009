package coder

import "math"

// Quantize turns the probabilities p of one b-way distribution into integer
// frequencies freq (same length) that sum to exactly 1<<ProbBits, every one
// at least 1. It is the only place where floats become frequencies; the
// encoder and decoder both call it, so it must give the same result on every
// machine: it uses only IEEE-754 additions, one division and
// multiplications whose results are converted to integers directly (no
// fused multiply-add is possible), in a fixed order.
//
// Entries that are not positive finite numbers count as zero; if none is
// positive the distribution is uniform. len(p) must be in 1..1<<16.
func Quantize(p []float32, freq []uint32) {
	b := len(p)
	if b == 0 || b > 1<<16 || len(freq) != b {
		panic("coder: Quantize: bad lengths")
	}
	var sum float64
	for _, v := range p {
		if v > 0 && v <= math.MaxFloat32 {
			sum += float64(v)
		}
	}
	if !(sum > 0) || sum > math.MaxFloat64 {
		u := uint32(probScale / b)
		for i := range freq {
			freq[i] = u
		}
		freq[0] += uint32(probScale - uint64(u)*uint64(b))
		return
	}
	scale := float64(probScale-b) / sum
	var total uint64
	best := 0
	for i, v := range p {
		f := uint64(1)
		if v > 0 && v <= math.MaxFloat32 {
			f += uint64(float64(v) * scale)
		}
		freq[i] = uint32(f)
		total += f
		if freq[i] > freq[best] {
			best = i
		}
	}
	// Rounding leaves total within b of 1<<ProbBits; the most probable
	// symbol absorbs the difference (it has at least 1<<ProbBits / b).
	freq[best] = uint32(int64(freq[best]) + probScale - int64(total))
}

// cumulate writes the cumulative frequencies of freq to cum (len(freq)+1):
// cum[i] is the start of symbol i, cum[len(freq)] = 1<<ProbBits.
func cumulate(freq, cum []uint32) {
	var c uint32
	for i, f := range freq {
		cum[i] = c
		c += f
	}
	cum[len(freq)] = c
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
