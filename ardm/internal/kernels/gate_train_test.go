package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// gateInputs lays tanh and sigmoid inputs out as gate rows of C channels
// (inputs past the end of either list repeat its first ones).
func gateInputs(tanhIn, sigIn []float32, C int) (z []float32, rows int) {
	n := len(tanhIn)
	rows = (n + C - 1) / C
	z = make([]float32, rows*2*C)
	for i := range rows * C {
		r, j := i/C, i%C
		z[r*2*C+j] = tanhIn[i%n]
		z[r*2*C+C+j] = sigIn[i%len(sigIn)]
	}
	return z, rows
}

// sameF32 reports whether a and b have the same bits, or are both NaN.
func sameF32(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

// gateTrainCases are the inputs of the gateTrain tests: name, tanh and
// sigmoid inputs, channels.
func gateTrainCases() []struct {
	name          string
	tanhIn, sigIn []float32
	C             int
} {
	specials := gateSpecials()
	rev := make([]float32, len(specials))
	for i, v := range specials {
		rev[len(rev)-1-i] = v
	}
	sweep := gateSweep(1 << 14)
	rng := rand.New(rand.NewPCG(4, 5))
	normal := func(n int, scale float64) []float32 {
		out := make([]float32, n)
		for i := range out {
			out[i] = float32(rng.NormFloat64() * scale)
		}
		return out
	}
	nan := float32(math.NaN())
	nanT, nanS := normal(40, 2), normal(40, 2)
	nanT[3], nanS[17], nanT[33], nanS[33] = nan, nan, nan, nan
	inf := float32(math.Inf(1))
	return []struct {
		name          string
		tanhIn, sigIn []float32
		C             int
	}{
		{"one channel", []float32{0.5, -3, 0}, []float32{-1, 2, 0}, 1},
		{"odd channels", normal(99, 1), normal(99, 3), 3},
		{"shipped width", normal(16*40, 2), normal(16*40, 2), 16},
		{"default width", normal(32*40, 2), normal(32*40, 2), 32},
		{"past one block", normal(70*5, 4), normal(70*5, 4), 70},
		{"two blocks and a tail", normal(131*3, 4), normal(131*3, 4), 131},
		{"specials", specials, rev, 16},
		{"sweep", sweep, sweep[len(sweep)/2:], 32},
		{"NaN", nanT, nanS, 8},
		{"NaN in the tail", nanT[:35], nanS[:35], 7},
		{"infinities", []float32{inf, -inf, inf, -inf, 1, 2}, []float32{-inf, inf, inf, -inf, 3, inf}, 2},
	}
}

// TestGateTrain checks gateTrain at every kernel level: g must be gateGo's
// bits, ts Tanh's and Sigmoid's, and g within 2^-22 (relative, plus
// 1e-30 absolute for subnormal products) of the float64 gate
// tanh(x)/(1+e^-y).
func TestGateTrain(t *testing.T) {
	EachLevel(func(level string) {
		for _, tc := range gateTrainCases() {
			t.Run(level+"/"+tc.name, func(t *testing.T) {
				C := tc.C
				z, rows := gateInputs(tc.tanhIn, tc.sigIn, C)
				g := make([]float32, rows*C+1)
				ts := make([]float32, rows*2*C+1)
				g[rows*C], ts[rows*2*C] = 7, 7 // canaries
				TrainGate(g[:rows*C], ts[:rows*2*C], z, rows, C)
				if g[rows*C] != 7 || ts[rows*2*C] != 7 {
					t.Fatal("gateTrain wrote past its rows")
				}
				want := make([]float32, rows*C)
				gateGo(want, z, rows, C)
				for r := 0; r < rows; r++ {
					for j := 0; j < C; j++ {
						x, y := z[r*2*C+j], z[r*2*C+C+j]
						tv, sv, gv := ts[r*2*C+j], ts[r*2*C+C+j], g[r*C+j]
						if !sameF32(tv, Tanh(x)) || !sameF32(sv, Sigmoid(y)) || !sameF32(gv, want[r*C+j]) {
							t.Fatalf("(%d,%d) x=%v y=%v: t, s, g = %v, %v, %v; want %v, %v, %v",
								r, j, x, y, tv, sv, gv, Tanh(x), Sigmoid(y), want[r*C+j])
						}
						ref := math.Tanh(float64(x)) / (1 + math.Exp(-float64(y)))
						if math.IsNaN(ref) {
							if gv == gv {
								t.Fatalf("(%d,%d) x=%v y=%v: g = %v, want NaN", r, j, x, y, gv)
							}
							continue
						}
						if d := math.Abs(float64(gv) - ref); d > 0x1p-22*math.Abs(ref)+1e-30 {
							t.Fatalf("(%d,%d) x=%v y=%v: g = %v, float64 gate %v (error %.3g)", r, j, x, y, gv, ref, d)
						}
					}
				}
			})
		}
	})
}

// refGateGrad64 is the float64 gradient of tanh(x)*sigmoid(y) times d:
// (d * dg/dx, d * dg/dy).
func refGateGrad64(x, y, d float64) (float64, float64) {
	t, s := math.Tanh(x), 1/(1+math.Exp(-y))
	return d * s * (1 - t*t), d * t * s * (1 - s)
}

// TestGateTrainGrad compares gateTrainGrad, on gateTrain's ts, with the
// float64 gradient of the gate, at every level of the training kernels;
// every level must give the portable code's bits.
func TestGateTrainGrad(t *testing.T) {
	saved := mmLevel
	defer func() { mmLevel = saved }()
	rng := rand.New(rand.NewPCG(6, 7))
	for _, tc := range []struct {
		name    string
		rows, C int
		zScale  float64
	}{
		{"one channel", 5, 1, 1},
		{"four channels", 3, 4, 1},
		{"shipped width", 300, 16, 2},
		{"default width", 100, 32, 2},
		{"odd width, large inputs", 50, 67, 12},
		{"small inputs", 40, 9, 1e-3},
		{"twelve channels", 7, 12, 3},
	} {
		rows, C := tc.rows, tc.C
		z := make([]float32, rows*2*C)
		for i := range z {
			z[i] = float32(rng.NormFloat64() * tc.zScale)
		}
		dg := make([]float32, rows*C)
		for i := range dg {
			dg[i] = float32(rng.NormFloat64())
		}
		g, ts := make([]float32, rows*C), make([]float32, rows*2*C)
		TrainGate(g, ts, z, rows, C)
		want := make([]float32, rows*2*C)
		gateTrainGradGo(want, ts, dg, rows, C, 0)
		for level := gemmLevelGo; level <= gemmMaxLevel; level++ {
			mmLevel = level
			t.Run(gemmLevelNames[level]+"/"+tc.name, func(t *testing.T) {
				dz := make([]float32, rows*2*C+1)
				dz[rows*2*C] = 7 // canary
				TrainGateGrad(dz[:rows*2*C], ts, dg, rows, C)
				if dz[rows*2*C] != 7 {
					t.Fatal("gateTrainGrad wrote past its rows")
				}
				for i, v := range dz[:rows*2*C] {
					if math.Float32bits(v) != math.Float32bits(want[i]) {
						t.Fatalf("element %d: %v, portable code %v", i, v, want[i])
					}
				}
				for r := 0; r < rows; r++ {
					for j := 0; j < C; j++ {
						x, y, d := float64(z[r*2*C+j]), float64(z[r*2*C+C+j]), float64(dg[r*C+j])
						wa, wb := refGateGrad64(x, y, d)
						ga, gb := float64(dz[r*2*C+j]), float64(dz[r*2*C+C+j])
						// t and s are within 2^-24 relative of the truth; 1-t*t
						// loses digits as |t| nears 1, bounded by 2^-23 |d|.
						tol := 0x1p-21 * math.Abs(d)
						if math.Abs(ga-wa) > tol || math.Abs(gb-wb) > tol {
							t.Fatalf("(%d,%d) x=%v y=%v dg=%v: dz = %v, %v; float64 %v, %v", r, j, x, y, d, ga, gb, wa, wb)
						}
					}
				}
			})
		}
	}
}

// BenchmarkTrainGate runs the training gate forward and backward on a row
// chunk of the shipped (16 channels) and default (32) networks.
func BenchmarkTrainGate(b *testing.B) {
	for _, C := range []int{16, 32} {
		const rows = 1024 // the training graph's row chunk
		z := make([]float32, rows*2*C)
		for i := range z {
			z[i] = float32(i%37)/6 - 3
		}
		dg := make([]float32, rows*C)
		for i := range dg {
			dg[i] = float32(i%11)/5 - 1
		}
		g, ts, dz := make([]float32, rows*C), make([]float32, rows*2*C), make([]float32, rows*2*C)
		b.Run(fmt.Sprintf("forward/C%d", C), func(b *testing.B) {
			b.SetBytes(int64(len(g) * 4))
			for b.Loop() {
				TrainGate(g, ts, z, rows, C)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(g)), "ns/gate")
		})
		b.Run(fmt.Sprintf("backward/C%d", C), func(b *testing.B) {
			b.SetBytes(int64(len(g) * 4))
			for b.Loop() {
				TrainGateGrad(dz, ts, dg, rows, C)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(g)), "ns/gate")
		})
	}
}
