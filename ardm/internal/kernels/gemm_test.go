package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// forEachGemmKernel runs fn once with every gemm kernel this machine runs
// selected.
func forEachGemmKernel(t *testing.T, fn func(t *testing.T)) {
	EachLevel(func(level string) { t.Run(level, fn) })
}

// gemmValues are the kinds of data the kernels must treat exactly as dot
// does.
var gemmValues = []struct {
	name string
	gen  func(rng *rand.Rand) float32
}{
	{"normal", func(rng *rand.Rand) float32 { return float32(rng.NormFloat64()) }},
	{"special", func(rng *rand.Rand) float32 {
		// Zeros of both signs, subnormals, and magnitudes whose products
		// and sums overflow to infinities (and then NaN) or underflow.
		switch rng.IntN(8) {
		case 0:
			return 0
		case 1:
			return float32(math.Copysign(0, -1))
		case 2:
			return math.Float32frombits(rng.Uint32() & 0x807fffff) // subnormal
		case 3:
			return float32(rng.NormFloat64() * 1e37)
		case 4:
			return float32(rng.NormFloat64() * 1e-20)
		case 5:
			return float32(rng.NormFloat64() * 1e-38)
		default:
			return float32(rng.NormFloat64())
		}
	}},
	{"bits", func(rng *rand.Rand) float32 {
		// Any finite float32.
		for {
			if v := math.Float32frombits(rng.Uint32()); !math.IsInf(float64(v), 0) && !math.IsNaN(float64(v)) {
				return v
			}
		}
	}},
}

// tileRows is the forward pass's tile height (ardm's tileRows).
const tileRows = 48

// gemmShapes are rows x in x out: the shipped model's and the default
// configuration's products, and sizes around the kernels' blocks.
func gemmShapes(rng *rand.Rand) [][3]int {
	shapes := [][3]int{
		{tileRows, 13, 16}, {tileRows, 48, 32}, {tileRows, 16, 32}, {tileRows, 16, 16}, {tileRows, 16, 64},
		{tileRows, 96, 64}, {tileRows, 32, 64}, {tileRows, 32, 32}, {37, 48, 32}, {1, 13, 16},
		{1, 1, 1}, {3, 1, 4}, {4, 2, 8}, {5, 3, 16}, {7, 70, 70}, {40, 5, 28}, {2, 9, 12},
	}
	for i := 0; i < 300; i++ {
		shapes = append(shapes, [3]int{1 + rng.IntN(40), 1 + rng.IntN(70), 1 + rng.IntN(70)})
	}
	return shapes
}

// TestGemmKernelsMatchGo checks every kernel against the portable one, bit
// for bit, and that none writes outside its output.
func TestGemmKernelsMatchGo(t *testing.T) {
	forEachGemmKernel(t, func(t *testing.T) {
		for vi, vals := range gemmValues {
			t.Run(vals.name, func(t *testing.T) {
				rng := rand.New(rand.NewPCG(7, uint64(vi)))
				for _, sz := range gemmShapes(rng) {
					rows, in, out := sz[0], sz[1], sz[2]
					w := make([]float32, in*out)
					x := make([]float32, rows*in)
					bias := make([]float32, out)
					for _, s := range [][]float32{w, x, bias} {
						for i := range s {
							s[i] = vals.gen(rng)
						}
					}
					m := NewMat(w, in, out)
					want := make([]float32, rows*out)
					gemmGo(want, x, m.t, bias, rows, in, out)
					const guard = 17
					got := make([]float32, rows*out+guard)
					for i := range got {
						got[i] = float32(i) + 0.5
					}
					Gemm(got[:rows*out], x, &m, bias, rows)
					for i := range want {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%d x %d x %d: element (%d,%d) = %v (%#08x), gemmGo gives %v (%#08x)",
								rows, in, out, i/out, i%out, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
						}
					}
					for i := rows * out; i < len(got); i++ {
						if got[i] != float32(i)+0.5 {
							t.Fatalf("%d x %d x %d: wrote element %d past the output", rows, in, out, i)
						}
					}
				}
			})
		}
	})
}

// TestGemmRowsAndStrides checks a kernel call on a sub-slice whose rows
// are fewer than the buffers hold, as the forward's last tile makes.
func TestGemmRowsAndStrides(t *testing.T) {
	forEachGemmKernel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		in, out := 48, 32
		w := make([]float32, in*out)
		x := make([]float32, tileRows*in)
		bias := make([]float32, out)
		for _, s := range [][]float32{w, x, bias} {
			for i := range s {
				s[i] = float32(rng.NormFloat64())
			}
		}
		m := NewMat(w, in, out)
		for rows := 1; rows <= tileRows; rows++ {
			got := make([]float32, tileRows*out)
			Gemm(got, x, &m, bias, rows)
			for r := 0; r < tileRows; r++ {
				for o := 0; o < out; o++ {
					want := float32(0)
					if r < rows {
						want = Dot(bias[o], x[r*in:(r+1)*in], m.t[o*in:(o+1)*in])
					}
					if math.Float32bits(got[r*out+o]) != math.Float32bits(want) {
						t.Fatalf("rows %d: element (%d,%d) = %v, want %v", rows, r, o, got[r*out+o], want)
					}
				}
			}
		}
	})
}

// TestGemmMatchesDot checks the portable kernel against Dot, the one
// summation order.
func TestGemmMatchesDot(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sz := range [][3]int{{1, 1, 1}, {3, 3, 3}, {7, 5, 8}, {10, 96, 64}, {4, 2, 13}} {
		rows, in, out := sz[0], sz[1], sz[2]
		x := make([]float32, rows*in)
		wt := make([]float32, out*in)
		bias := make([]float32, out)
		for _, s := range [][]float32{x, wt, bias} {
			for i := range s {
				s[i] = float32(rng.NormFloat64())
			}
		}
		dst := make([]float32, rows*out)
		gemmGo(dst, x, wt, bias, rows, in, out)
		for r := 0; r < rows; r++ {
			for o := 0; o < out; o++ {
				want := Dot(bias[o], x[r*in:(r+1)*in], wt[o*in:(o+1)*in])
				if math.Float32bits(dst[r*out+o]) != math.Float32bits(want) {
					t.Fatalf("%v: element (%d,%d) = %v, dot gives %v", sz, r, o, dst[r*out+o], want)
				}
			}
		}
	}
}
