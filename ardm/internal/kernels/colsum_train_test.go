package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestColSum64 checks colSum64 at every level of the training kernels
// against a float64 sum in row order, bit for bit, over shapes that reach
// each of the kernel's paths: 16-column blocks, 4-column blocks and the
// columns left to the portable code, a row stride above the width, and
// sums that start from nonzero values.
func TestColSum64(t *testing.T) {
	saved := mmLevel
	defer func() { mmLevel = saved }()
	rng := rand.New(rand.NewPCG(12, 13))
	for _, tc := range []struct{ rows, cols, ld int }{
		{1, 1, 1}, {3, 3, 3}, {5, 4, 4}, {7, 16, 16}, {1024, 32, 32}, {100, 64, 64},
		{9, 21, 21}, {33, 23, 30}, {2, 40, 41}, {2048, 16, 16}, {0, 5, 5},
	} {
		src := make([]float32, max(0, (tc.rows-1)*tc.ld+tc.cols))
		for i := range src {
			// Values over a wide range, so the order of the additions matters.
			src[i] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(9)-4)))
		}
		init := make([]float64, tc.cols)
		for j := range init {
			init[j] = rng.NormFloat64()
		}
		want := append([]float64(nil), init...)
		for r := 0; r < tc.rows; r++ {
			for j := range want {
				want[j] += float64(src[r*tc.ld+j])
			}
		}
		for level := gemmLevelGo; level <= gemmMaxLevel; level++ {
			mmLevel = level
			t.Run(fmt.Sprintf("%s/%dx%d/ld%d", gemmLevelNames[level], tc.rows, tc.cols, tc.ld), func(t *testing.T) {
				dst := append(append([]float64(nil), init...), 7) // canary
				TrainColSum(dst[:tc.cols], src, tc.rows, tc.cols, tc.ld)
				if dst[tc.cols] != 7 {
					t.Fatal("colSum64 wrote past its columns")
				}
				for j, v := range dst[:tc.cols] {
					if math.Float64bits(v) != math.Float64bits(want[j]) {
						t.Fatalf("column %d: %v, want %v", j, v, want[j])
					}
				}
			})
		}
	}
}

// BenchmarkTrainColSum sums one row chunk of the training graph (1024
// rows) at the shipped network's widths (16 channels, 32 conv outputs)
// and the default one's conv outputs (64).
func BenchmarkTrainColSum(b *testing.B) {
	for _, cols := range []int{16, 32, 64} {
		const rows = 1024
		src := make([]float32, rows*cols)
		for i := range src {
			src[i] = float32(i%13) - 6
		}
		dst := make([]float64, cols)
		b.Run(fmt.Sprintf("cols%d", cols), func(b *testing.B) {
			b.SetBytes(int64(len(src) * 4))
			for b.Loop() {
				TrainColSum(dst, src, rows, cols, cols)
			}
		})
	}
}
