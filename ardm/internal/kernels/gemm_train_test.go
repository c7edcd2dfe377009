package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// forEachMMKernel runs fn once with every mm kernel this machine runs
// selected.
func forEachMMKernel(t *testing.T, fn func(t *testing.T)) {
	saved := mmLevel
	defer func() { mmLevel = saved }()
	for level := gemmLevelGo; level <= gemmMaxLevel; level++ {
		mmLevel = level
		t.Run(gemmLevelNames[level], fn)
	}
}

// refGemm is sgemm's product in float64 by the triple loop, with the
// bound of float32 rounding errors of each element: (k+2) units of float32
// rounding of the sum of the magnitudes of its terms, doubled.
func refGemm(tA bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) (want, tol []float64) {
	want, tol = make([]float64, m*n), make([]float64, m*n)
	eps := math.Ldexp(1, -24)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			s := float64(beta) * float64(c[i*ldc+j])
			mag := math.Abs(s)
			for p := 0; p < k; p++ {
				ai, bi := i*lda+p, p*ldb+j
				if tA {
					ai = p*lda + i
				}
				av, bv := a[ai], b[bi]
				t := float64(av) * float64(bv)
				s += t
				mag += math.Abs(t)
			}
			want[i*n+j] = s
			tol[i*n+j] = 2 * float64(k+2) * eps * mag
		}
	}
	return want, tol
}

// mmCase is one product of TestSgemm: sizes, transpositions, beta and the
// padding of the leading dimensions beyond the widths.
type mmCase struct {
	tA      bool
	m, n, k int
	beta    float32
	pad     int
}

func (c mmCase) String() string {
	tr := func(t bool) string {
		if t {
			return "T"
		}
		return "N"
	}
	return fmt.Sprintf("%s/%dx%dx%d/beta%g/pad%d", tr(c.tA), c.m, c.n, c.k, c.beta, c.pad)
}

// mmCases are odd and block-sized dimensions in every transposition, plus
// the training graph's shapes (rows of a chunk or an example; channels 16
// and 32, gate width 2C, conv inputs 3C, features 13, output layer 64).
func mmCases() []mmCase {
	var cs []mmCase
	sizes := []int{1, 3, 4, 7, 15, 16, 17, 33}
	for _, tA := range []bool{false, true} {
		for _, m := range sizes {
			for _, n := range sizes {
				for _, k := range []int{1, 5, 16, 33} {
					for _, beta := range []float32{0, 1} {
						pad := (m + n + k) % 3 * 2 // 0, 2 or 4
						cs = append(cs, mmCase{tA, m, n, k, beta, pad})
					}
				}
			}
		}
	}
	for _, s := range [][3]int{{1024, 32, 48}, {1024, 16, 32}, {2045, 64, 96}, {1024, 13, 32}, {1021, 64, 16}} {
		m, n, k := s[0], s[1], s[2]
		cs = append(cs,
			mmCase{false, m, n, k, 1, 0}, // forward
			mmCase{false, m, k, n, 0, 0}, // dX = dY·Wᵀ (Wᵀ transposed once)
			mmCase{true, k, n, m, 0, 0},  // dW = Xᵀ·dY
			mmCase{false, m, n, k, 0.5, 3},
		)
	}
	return cs
}

// TestSgemm checks every kernel against the float64 triple loop, and that
// all kernels give the portable kernel's bits. Entries of c outside the
// product and of a and b outside the matrices must not be touched or read.
func TestSgemm(t *testing.T) {
	cases := mmCases()
	golden := make([][]float32, len(cases)) // the first kernel's results
	forEachMMKernel(t, func(t *testing.T) {
		for ci, tc := range cases {
			rng := rand.New(rand.NewPCG(uint64(ci), 7))
			ar, ac := tc.m, tc.k // stored a
			if tc.tA {
				ar, ac = tc.k, tc.m
			}
			br, bc := tc.k, tc.n // stored b
			lda, ldb, ldc := ac+tc.pad, bc+tc.pad, tc.n+tc.pad
			// Padding entries are NaN: reading one would poison a result.
			fill := func(rows, cols, ld int) []float32 {
				s := make([]float32, rows*ld)
				for i := range s {
					if i%ld < cols {
						s[i] = float32(rng.NormFloat64())
					} else {
						s[i] = float32(math.NaN())
					}
				}
				return s
			}
			a, b, c := fill(ar, ac, lda), fill(br, bc, ldb), fill(tc.m, tc.n, ldc)
			orig := append([]float32(nil), c...)
			want, tol := refGemm(tc.tA, tc.m, tc.n, tc.k, a, lda, b, ldb, tc.beta, c, ldc)
			TrainGemm(tc.tA, tc.m, tc.n, tc.k, a, lda, b, ldb, tc.beta, c, ldc)
			for i := 0; i < tc.m; i++ {
				for j := 0; j < ldc; j++ {
					got := c[i*ldc+j]
					if j >= tc.n {
						if !math.IsNaN(float64(got)) {
							t.Fatalf("%v: padding c[%d][%d] written: %g", tc, i, j, got)
						}
						continue
					}
					if d := math.Abs(float64(got) - want[i*tc.n+j]); !(d <= tol[i*tc.n+j]) {
						t.Fatalf("%v: c[%d][%d] = %g, want %g (from %g), error %g > %g", tc, i, j, got, want[i*tc.n+j], orig[i*ldc+j], d, tol[i*tc.n+j])
					}
				}
			}
			if g := golden[ci]; g == nil {
				golden[ci] = c
			} else {
				for i := range c {
					if math.Float32bits(c[i]) != math.Float32bits(g[i]) && !math.IsNaN(float64(c[i])) {
						t.Fatalf("%v: c[%d] = %g, the %s kernel gave %g", tc, i, c[i], gemmLevelNames[gemmLevelGo], g[i])
					}
				}
			}
		}
	})
}

// TestSgemmZeroK checks the empty sum: beta·c.
func TestSgemmZeroK(t *testing.T) {
	for _, beta := range []float32{0, 1, 2} {
		c := []float32{1, 2, 3, 4, 5, 6}
		TrainGemm(false, 2, 2, 0, nil, 0, nil, 2, beta, c, 3)
		want := []float32{beta * 1, beta * 2, 3, beta * 4, beta * 5, 6}
		for i := range c {
			if c[i] != want[i] {
				t.Fatalf("beta %g: c = %v, want %v", beta, c, want)
			}
		}
	}
}

// BenchmarkTrainGemm measures the training graph's products of one row chunk
// (1024 rows) for the shipped model (16 channels) and the default one
// (32), with each kernel.
func BenchmarkTrainGemm(b *testing.B) {
	saved := mmLevel
	defer func() { mmLevel = saved }()
	const m = 1024
	for _, C := range []int{16, 32} {
		for _, s := range []struct {
			name    string
			tA      bool
			m, n, k int
			beta    float32
		}{
			{"conv", false, m, 2 * C, C, 1},
			{"convDX", false, m, C, 2 * C, 1},
			{"convDW", true, C, 2 * C, m, 0},
			{"dense", false, m, C, C, 1},
			{"denseDW", true, C, C, m, 0},
		} {
			for level := gemmLevelGo; level <= gemmMaxLevel; level++ {
				b.Run(fmt.Sprintf("C%d/%s/%s", C, s.name, gemmLevelNames[level]), func(b *testing.B) {
					mmLevel = level
					rng := rand.New(rand.NewPCG(1, 2))
					gen := func(n int) []float32 {
						v := make([]float32, n)
						for i := range v {
							v[i] = float32(rng.NormFloat64())
						}
						return v
					}
					lda := s.k
					if s.tA {
						lda = s.m
					}
					a, w, c := gen(s.m*s.k), gen(s.k*s.n), gen(s.m*s.n)
					b.SetBytes(int64(4 * (len(a) + len(w) + len(c))))
					for b.Loop() {
						TrainGemm(s.tA, s.m, s.n, s.k, a, lda, w, s.n, s.beta, c, s.n)
					}
					b.ReportMetric(float64(b.N)*float64(s.m*s.n*s.k)/b.Elapsed().Seconds()/1e9, "GMAC/s")
				})
			}
		}
	}
}
