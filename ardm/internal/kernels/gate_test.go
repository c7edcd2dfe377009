package kernels

import (
	"math"
	"testing"
)

// gateSpecials are the inputs where Tanh, Sigmoid and Exp change
// behaviour, with their float32 neighbours: zeros, subnormals, the
// smallest and largest normals, infinities, Tanh's branch bounds, the
// Exp clamp (Sigmoid(y) clamps at |y| = expMax), and the points
// where Exp's k = floor(v*log2e + 0.5) changes (v = (n-0.5)*ln2, for
// the arguments 2a of tanh and -y of sigmoid).
func gateSpecials() []float32 {
	base := []float32{
		0, math.SmallestNonzeroFloat32, 0x1p-140, 0x1p-127, 0x1.fffffcp-127, 0x1p-126, 1e-30, 1e-8,
		float32(tanhSmall), tanhSmall / 2, tanhBig, 10, 1, 0.5, 0.25, 1.5, 3,
		350, expMax, expMax / 2, 745, 1e4, 1e30, math.MaxFloat32, float32(math.Inf(1)),
		float32(expMax * expLog2e), 88.7, 103.9,
	}
	for n := -1012; n <= 1012; n += 7 {
		v := (float64(n) - 0.5) * math.Ln2
		base = append(base, float32(v), float32(v/2))
	}
	var out []float32
	for _, v := range base {
		for _, s := range []float32{v, -v} {
			lo, hi := s, s
			out = append(out, s)
			for i := 0; i < 3; i++ {
				lo = math.Nextafter32(lo, float32(math.Inf(-1)))
				hi = math.Nextafter32(hi, float32(math.Inf(1)))
				out = append(out, lo, hi)
			}
		}
	}
	var keep []float32
	for _, v := range out {
		if v == v {
			keep = append(keep, v)
		}
	}
	return keep
}

// gateSweep returns n float32 values spread over all bit patterns: the top
// bits (sign, exponent, leading mantissa bits) step evenly, the low ones
// vary pseudo-randomly. NaNs are left out.
func gateSweep(n int) []float32 {
	step := uint64(1<<32) / uint64(n)
	out := make([]float32, 0, n)
	h := uint64(0x9e3779b97f4a7c15)
	for i := uint64(0); i < uint64(n); i++ {
		h ^= h << 13
		h ^= h >> 7
		h ^= h << 17
		v := math.Float32frombits(uint32(i*step + h%step))
		if v == v {
			out = append(out, v)
		}
	}
	return out
}

// checkGate packs tanh and sigmoid inputs (same length) into rows of C
// channels, runs gate and compares every output with gateGo's bits, and
// that gate writes nothing past rows*C.
func checkGate(t *testing.T, name string, tanhIn, sigIn []float32, C int) {
	t.Helper()
	n := len(tanhIn)
	rows := (n + C - 1) / C
	z := make([]float32, rows*2*C)
	for i := range rows * C {
		r, j := i/C, i%C
		// Inputs past n repeat the first ones.
		z[r*2*C+j] = tanhIn[i%n]
		z[r*2*C+C+j] = sigIn[i%n]
	}
	want := make([]float32, rows*C)
	gateGo(want, z, rows, C)
	const guard = 9
	got := make([]float32, rows*C+guard)
	for i := range got {
		got[i] = float32(i) + 0.25
	}
	Gate(got[:rows*C], z, rows, C)
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			r, j := i/C, i%C
			x, y := z[r*2*C+j], z[r*2*C+C+j]
			t.Fatalf("%s, C=%d: tanh(%v [%#08x]) * sigmoid(%v [%#08x]) = %v [%#08x], gateGo gives %v [%#08x]",
				name, C, x, math.Float32bits(x), y, math.Float32bits(y),
				got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
	for i := rows * C; i < len(got); i++ {
		if got[i] != float32(i)+0.25 {
			t.Fatalf("%s, C=%d: wrote element %d past the output", name, C, i)
		}
	}
}

// TestGateKernelsMatchGo checks every gate kernel against gateGo bit for
// bit: on the special inputs, on a sweep over all float32 bit patterns and
// on NaNs (TestGateKernels64 compares the values before the rounding to
// float32). Each factor is checked on its own
// (the other input makes its factor exactly 1, so the product is the
// factor) and then the two together.
func TestGateKernelsMatchGo(t *testing.T) {
	if Tanh(25) != 1 || Sigmoid(100) != 1 {
		t.Fatal("Tanh(25) or Sigmoid(100) is not 1")
	}
	specials := gateSpecials()
	sweepN := 1 << 21
	if testing.Short() {
		sweepN = 1 << 17
	}
	sweep := append(gateSweep(sweepN), specials...)
	rev := make([]float32, len(sweep))
	for i, v := range sweep {
		rev[len(sweep)-1-i] = v
	}
	fill := func(n int, v float32) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = v
		}
		return s
	}
	nan := math.Float32frombits(0x7fc00000)
	nans := []float32{nan, -nan, math.Float32frombits(0x7f800001), math.Float32frombits(0xff812345), math.Float32frombits(0x7fffffff)}
	nanTanh := append(append([]float32{}, specials[:64]...), nans...)
	nanSig := make([]float32, len(nanTanh))
	for i := range nanSig {
		nanSig[i] = nanTanh[(i*7+3)%len(nanTanh)]
	}
	forEachGemmKernel(t, func(t *testing.T) {
		for _, C := range []int{1, 2, 3, 4, 5, 7, 8, 12, 13, 16, 20, 32, 33, 64} {
			checkGate(t, "specials", specials, rev[:len(specials)], C)
		}
		checkGate(t, "tanh sweep", sweep, fill(len(sweep), 100), 32)
		checkGate(t, "sigmoid sweep", fill(len(sweep), 25), sweep, 32)
		checkGate(t, "both sweep", sweep, rev, 16)
		checkGate(t, "NaN", nanTanh, nanSig, 8)
		checkGate(t, "NaN tail", nanTanh[:9], nanSig[:9], 9)
	})
}

// BenchmarkGate runs Gate on a forward tile (48 positions) of the shipped
// model's shape (16 channels) with each kernel.
func BenchmarkGate(b *testing.B) {
	const C = 16
	const tileRows = 48
	z := make([]float32, tileRows*2*C)
	for i := range z {
		z[i] = float32(i%37)/6 - 3
	}
	dst := make([]float32, tileRows*C)
	EachLevel(func(level string) {
		b.Run(level, func(b *testing.B) {
			b.SetBytes(int64(len(dst) * 4))
			for i := 0; i < b.N; i++ {
				Gate(dst, z, tileRows, C)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(dst)), "ns/gate")
		})
	})
}
