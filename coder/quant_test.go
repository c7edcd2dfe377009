package coder

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCumFreq checks the quantiser's invariants: cum runs from 0 to 2^31,
// every symbol of a non-decreasing F gets at least 2, and rounding noise
// up to 2^-32 in F still leaves every symbol at least 1.
func TestCumFreq(t *testing.T) {
	tests := []struct {
		name  string
		b     int
		F     func(v int) float64
		least uint32
	}{
		{"uniform-2", 2, func(v int) float64 { return float64(v) / 2 }, 2},
		{"step-256", 256, func(v int) float64 { return float64(min(v, 100)) / 100 }, 2},
		{"all-mass-on-last", 256, func(v int) float64 { return 0 }, 2},
		{"all-mass-on-first", 65536, func(v int) float64 { return 1 }, 2},
		{"nan-is-uniform", 16, func(v int) float64 { return math.NaN() }, 2},
		{"out-of-range", 16, func(v int) float64 { return float64(v)*0.3 - 1 }, 2},
		{"noise-2^-32", 65536, func(v int) float64 {
			// A steep CDF that steps back by 2^-32 at every odd v.
			x := float64(v) / 65536
			if v%2 == 1 {
				x -= 0x1p-32
			}
			return x
		}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			prev := cumFreq(tc.F(0), 0, tc.b)
			if prev != 0 {
				t.Fatalf("cum(0) = %d", prev)
			}
			for v := 1; v <= tc.b; v++ {
				c := cumFreq(tc.F(v), v, tc.b)
				if c < prev+tc.least {
					t.Fatalf("symbol %d: frequency %d", v-1, int64(c)-int64(prev))
				}
				prev = c
			}
			if prev != probScale {
				t.Fatalf("cum(b) = %d", prev)
			}
		})
	}
}

// logisticMix is a random mixture of K discretized logistics over
// 0..65535 mixed with 1e-5 of the uniform, as the ardm mixture head: F is
// its CDF, p its probabilities (float64, as precise as F).
type logisticMix struct {
	pi, mu, s []float64
}

func randomLogisticMix(rng *rand.Rand) logisticMix {
	K := 1 + rng.IntN(5)
	m := logisticMix{make([]float64, K), make([]float64, K), make([]float64, K)}
	var sum float64
	for k := range K {
		m.pi[k] = math.Exp(rng.NormFloat64())
		sum += m.pi[k]
		m.mu[k] = 32768 + rng.NormFloat64()*8000
		m.s[k] = math.Exp(rng.Float64()*9 - 1) // 0.4 .. 3000
	}
	for k := range K {
		m.pi[k] /= sum
	}
	return m
}

func (m logisticMix) F(v int) float64 {
	var F float64
	for k := range m.pi {
		F += m.pi[k] / (1 + math.Exp(-(float64(v)-0.5-m.mu[k])/m.s[k]))
	}
	return (1-1e-5)*F + 1e-5*float64(v)/65536
}

// TestCDFQuantizationOverhead codes values drawn from random logistic
// mixtures over 65536 values through cdfCum and cdfLookup and compares
// the code length with the ideal -sum log2 p.
func TestCDFQuantizationOverhead(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const N = 4000
	mixes := make([]logisticMix, N)
	syms := make([]int, N)
	var ideal float64
	for j := range mixes {
		m := randomLogisticMix(rng)
		mixes[j] = m
		// Draw by inverting F.
		u := rng.Float64()
		lo, hi := 0, 65535
		for lo < hi {
			mid := (lo + hi) / 2
			if m.F(mid+1) > u {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		syms[j] = lo
		ideal -= math.Log2(m.F(lo+1) - m.F(lo))
	}
	F := func(j, v int) float64 {
		if v == 65536 {
			return 1
		}
		return mixes[j].F(v)
	}
	var e ransEncoder
	e.reset()
	for j := N - 1; j >= 0; j-- {
		lo, hi := cdfCum(F, j, syms[j], 65536, 0), cdfCum(F, j, syms[j]+1, 65536, 0)
		e.put(lo, hi-lo)
	}
	out := e.appendTo(nil)
	var d ransDecoder
	d.init(out)
	for j := range N {
		v, start, freq := cdfLookup(F, j, 65536, 0, d.slot())
		if v != syms[j] {
			t.Fatalf("value %d decoded as %d", syms[j], v)
		}
		d.advance(start, freq)
	}
	if !d.done() {
		t.Fatal("stream not finished cleanly")
	}
	measured := float64(8*len(out) - 64)
	over := (measured - ideal) / ideal
	t.Logf("%d values: %.0f bits coded, %.0f ideal (%.2f bits/value): overhead %.4f%%", N, measured, ideal, ideal/N, 100*over)
	if over > 0.001 {
		t.Errorf("overhead %.4f%% above 0.1%%", 100*over)
	}
}

// TestCDFModelRequired: a 65536-way model without PredictCDF is refused.
func TestCDFModelRequired(t *testing.T) {
	if _, err := newFrameCodec(uniformModel{100, cdfBranching}, Version, 16, 0, 1); err == nil {
		t.Fatal("a 65536-way model without PredictCDF was accepted")
	}
	if _, err := newFrameCodec(neighbourCDF{neighbourModel{100, cdfBranching, 1}}, Version, 16, 0, 1); err != nil {
		t.Fatal(err)
	}
}
