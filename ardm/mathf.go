package ardm

import "math"

// Deterministic elementary functions for the inference kernels.
//
// math.Exp and math.Tanh have assembly versions on some architectures and
// the compiler may fuse x*y+z into one FMA on arm64 (not on amd64), so the
// inference path uses these instead: every product is rounded explicitly
// with a float64(...) conversion (which the Go spec says prevents fusion),
// and only IEEE-exact operations (+, -, *, /, math.Floor, bit
// manipulation) are used. The results are therefore bit-identical on every
// machine. They are computed in float64 and rounded once to float32 by the
// callers, so their float32 results are within about one ulp of the true
// value.

const (
	expLn2Hi = 6.93147180369123816490e-01 // high bits of ln 2 (k*expLn2Hi is exact for |k| < 2^11)
	expLn2Lo = 1.90821492927058770002e-10 // ln 2 - expLn2Hi
	expLog2e = 1.44269504088896338700e+00
	expMax   = 700.0 // exp(700) < MaxFloat64; callers never need more
)

// expDet returns e^x for x clamped to [-expMax, expMax], deterministically.
// Relative error below 1e-14.
func expDet(x float64) float64 {
	if x != x { // NaN
		return x
	}
	if x > expMax {
		x = expMax
	} else if x < -expMax {
		x = -expMax
	}
	k := math.Floor(float64(x*expLog2e) + 0.5)
	r := x - float64(k*expLn2Hi)
	r = r - float64(k*expLn2Lo)
	// |r| <= ln2/2 (plus rounding); Taylor series to degree 12:
	// truncation error r^13/13! < 1e-15 relative.
	p := 1.0 / 479001600
	p = float64(p*r) + 1.0/39916800
	p = float64(p*r) + 1.0/3628800
	p = float64(p*r) + 1.0/362880
	p = float64(p*r) + 1.0/40320
	p = float64(p*r) + 1.0/5040
	p = float64(p*r) + 1.0/720
	p = float64(p*r) + 1.0/120
	p = float64(p*r) + 1.0/24
	p = float64(p*r) + 1.0/6
	p = float64(p*r) + 0.5
	p = float64(p*r) + 1
	p = float64(p*r) + 1
	// Scale by 2^k (|k| <= 1010, so 2^k is a normal float64 when split in two).
	ki := int64(k)
	h := ki / 2
	return p * pow2(h) * pow2(ki-h)
}

// pow2 returns 2^k for -1022 <= k <= 1023.
func pow2(k int64) float64 { return math.Float64frombits(uint64(k+1023) << 52) }

// tanhDet returns tanh(x) rounded to float32, deterministically.
func tanhDet(x float32) float32 {
	a := float64(x)
	neg := a < 0
	if neg {
		a = -a
	}
	var t float64
	switch {
	case a < 1e-4:
		// tanh a = a - a^3/3 + ...; the cubic term is below 2^-26 relative.
		t = a
	case a > 20:
		t = 1
	default:
		e := expDet(2 * a)
		t = (e - 1) / (e + 1)
	}
	if neg {
		t = -t
	}
	return float32(t)
}

// sigmoidDet returns 1/(1+e^-x) rounded to float32, deterministically.
func sigmoidDet(x float32) float32 {
	return float32(1 / (1 + expDet(-float64(x))))
}

// softmaxDet writes the softmax of logits into dst (same length, at most
// 256) in a fixed order, deterministically. Every entry is positive (at
// least the smallest float32).
func softmaxDet(logits, dst []float32) {
	if len(dst) != len(logits) || len(logits) > 256 {
		panic("ardm: softmax: bad lengths")
	}
	m := logits[0]
	for _, v := range logits[1:] {
		if v > m {
			m = v
		}
	}
	var e [256]float64
	var sum float64
	for i, v := range logits {
		e[i] = expDet(float64(v) - float64(m))
		sum += e[i]
	}
	inv := 1 / sum
	for i := range logits {
		p := float32(e[i] * inv)
		if !(p >= math.SmallestNonzeroFloat32) { // underflow or NaN
			p = math.SmallestNonzeroFloat32
		}
		dst[i] = p
	}
}
