package kernels

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

	// Exp's Taylor coefficients 1/n! (the SIMD gate kernels load the
	// same float64 values, see gate_amd64.go).
	expC12 = 1.0 / 479001600
	expC11 = 1.0 / 39916800
	expC10 = 1.0 / 3628800
	expC9  = 1.0 / 362880
	expC8  = 1.0 / 40320
	expC7  = 1.0 / 5040
	expC6  = 1.0 / 720
	expC5  = 1.0 / 120
	expC4  = 1.0 / 24
	expC3  = 1.0 / 6
	expC2  = 0.5
	expC1  = 1
	expC0  = 1

	// Tanh's branch bounds.
	tanhSmall = 1e-4
	tanhBig   = 20
)

// Exp returns e^x for x clamped to [-expMax, expMax], deterministically.
// Relative error below 1e-14.
func Exp(x float64) float64 {
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
	p := float64(expC12)
	p = float64(p*r) + expC11
	p = float64(p*r) + expC10
	p = float64(p*r) + expC9
	p = float64(p*r) + expC8
	p = float64(p*r) + expC7
	p = float64(p*r) + expC6
	p = float64(p*r) + expC5
	p = float64(p*r) + expC4
	p = float64(p*r) + expC3
	p = float64(p*r) + expC2
	p = float64(p*r) + expC1
	p = float64(p*r) + expC0
	// Scale by 2^k (|k| <= 1010, so 2^k is a normal float64 when split in two).
	ki := int64(k)
	h := ki / 2
	return p * pow2(h) * pow2(ki-h)
}

// pow2 returns 2^k for -1022 <= k <= 1023.
func pow2(k int64) float64 { return math.Float64frombits(uint64(k+1023) << 52) }

// Tanh returns tanh(x) rounded to float32, deterministically.
func Tanh(x float32) float32 { return float32(tanh64(x)) }

// tanh64 is Tanh before its rounding to float32.
func tanh64(x float32) float64 {
	a := float64(x)
	neg := a < 0
	if neg {
		a = -a
	}
	var t float64
	switch {
	case a < tanhSmall:
		// tanh a = a - a^3/3 + ...; the cubic term is below 2^-26 relative.
		t = a
	case a > tanhBig:
		t = 1
	default:
		e := Exp(2 * a)
		t = (e - 1) / (e + 1)
	}
	if neg {
		t = -t
	}
	return t
}

// Sigmoid returns 1/(1+e^-x) rounded to float32, deterministically.
func Sigmoid(x float32) float32 { return float32(sigmoid64(x)) }

// sigmoid64 is Sigmoid before its rounding to float32.
func sigmoid64(x float32) float64 { return 1 / (1 + Exp(-float64(x))) }

// Softmax writes the softmax of logits into dst (same length, at most
// 256) in a fixed order, deterministically. Every entry is positive (at
// least the smallest float32).
func Softmax(logits, dst []float32) {
	if len(dst) != len(logits) || len(logits) > 256 {
		panic("kernels: softmax: bad lengths")
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
		e[i] = Exp(float64(v) - float64(m))
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
