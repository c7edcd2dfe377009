//go:build amd64 && !purego

package kernels

import (
	"flag"
	"math"
	"testing"
)

var gateAll = flag.Bool("gate.all", false, "TestGateKernels64: all 2^32 float32 inputs (minutes)")

// gateKernels64 are the float64 probes of the assembly kernels this machine
// runs.
func gateKernels64() (ks []gateKernel64) {
	all := []gateKernel64{
		{"sse", 2, gemmLevelSSE, gateSSE64},
		{"avx", 4, gemmLevelAVX, gateAVX64},
	}
	for _, k := range all {
		if k.level <= gemmMaxLevel {
			ks = append(ks, k)
		}
	}
	return ks
}

type gateKernel64 struct {
	name  string
	lanes int
	level int
	fn    func(t, s *float64, x, y *float32, n int, tab *[gateTabLen][4]uint64)
}

// checkGate64 runs the probes on inputs x (tanh) and y (sigmoid), of equal
// length (a multiple of 4), and compares their float64 values with tanh64
// and sigmoid64 bit for bit.
func checkGate64(t *testing.T, name string, x, y []float32) {
	t.Helper()
	n := len(x)
	wt := make([]float64, n)
	ws := make([]float64, n)
	for i := range x {
		wt[i], ws[i] = tanh64(x[i]), sigmoid64(y[i])
	}
	tg := make([]float64, n+1)
	sg := make([]float64, n+1)
	for _, k := range gateKernels64() {
		tg[n], sg[n] = 0.5, 0.5
		k.fn(&tg[0], &sg[0], &x[0], &y[0], n, &gateTab)
		if tg[n] != 0.5 || sg[n] != 0.5 {
			t.Fatalf("%s: %s wrote past the output", name, k.name)
		}
		for i := 0; i < n; i++ {
			if math.Float64bits(tg[i]) != math.Float64bits(wt[i]) {
				t.Fatalf("%s: %s tanh64(%v [%#08x]) = %v [%#016x], scalar %v [%#016x]",
					name, k.name, x[i], math.Float32bits(x[i]), tg[i], math.Float64bits(tg[i]), wt[i], math.Float64bits(wt[i]))
			}
			if math.Float64bits(sg[i]) != math.Float64bits(ws[i]) {
				t.Fatalf("%s: %s sigmoid64(%v [%#08x]) = %v [%#016x], scalar %v [%#016x]",
					name, k.name, y[i], math.Float32bits(y[i]), sg[i], math.Float64bits(sg[i]), ws[i], math.Float64bits(ws[i]))
			}
		}
	}
}

// TestGateKernels64 compares the assembly kernels' float64 tanh and sigmoid
// values, before the rounding to float32, with the scalar code's bit for
// bit, on the special inputs and a sweep over the float32 bit patterns.
// At float64 a deviating operation shows in a fraction of the lanes that
// the rounding to float32 would mostly hide.
func TestGateKernels64(t *testing.T) {
	sweepN := 1 << 21
	if testing.Short() {
		sweepN = 1 << 17
	}
	xs := append(gateSweep(sweepN), gateSpecials()...)
	xs = xs[:(len(xs)-4)/8*8+4] // the AVX loops' eight- and four-channel steps
	ys := make([]float32, len(xs))
	for i, v := range xs {
		ys[len(xs)-1-i] = v
	}
	checkGate64(t, "sweep", xs, ys)
}

// TestGateKernels64All is TestGateKernels64 on every float32 but the NaNs
// (minutes; run with -gate.all).
func TestGateKernels64All(t *testing.T) {
	if !*gateAll {
		t.Skip("run with -gate.all")
	}
	all := make([]float32, 1<<24)
	for hi := uint32(0); hi < 1<<8; hi++ {
		for i := range all {
			if all[i] = math.Float32frombits(hi<<24 | uint32(i)); all[i] != all[i] {
				all[i] = 0
			}
		}
		checkGate64(t, "all", all, all)
	}
}

// TestGateKernelsNaN checks that the assembly kernels report a NaN among
// the inputs they read (so gate falls back to gateGo) and only then: a
// kernel that missed one would leave its own NaN bits in the output.
func TestGateKernelsNaN(t *testing.T) {
	kernels := []struct {
		name  string
		lanes int
		level int
		fn    func(dst, z *float32, rows, width, C int, tab *[gateTabLen][4]uint64) bool
	}{
		{"sse", 2, gemmLevelSSE, gateSSE},
		{"avx", 4, gemmLevelAVX, gateAVX},
	}
	nan := float32(math.NaN())
	for _, k := range kernels {
		if k.level > gemmMaxLevel {
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			const rows = 3
			for _, C := range []int{k.lanes, 2 * k.lanes, 2*k.lanes + 1} {
				width := C - C%k.lanes
				for pos := -1; pos < rows*2*C; pos++ {
					z := make([]float32, rows*2*C)
					for i := range z {
						z[i] = float32(i%11) - 5
					}
					read := false
					if pos >= 0 {
						z[pos] = nan
						read = pos%C < width
					}
					dst := make([]float32, rows*C)
					if got := k.fn(&dst[0], &z[0], rows, width, C, &gateTab); got != read {
						t.Fatalf("C=%d, NaN at %d: kernel reports NaN %v, want %v", C, pos, got, read)
					}
					if pos < 0 {
						want := make([]float32, rows*C)
						gateGo(want, z, rows, C)
						for r := 0; r < rows; r++ {
							for j := 0; j < width; j++ {
								if math.Float32bits(dst[r*C+j]) != math.Float32bits(want[r*C+j]) {
									t.Fatalf("C=%d: element (%d,%d) = %v, gateGo gives %v", C, r, j, dst[r*C+j], want[r*C+j])
								}
							}
						}
					}
				}
			}
		})
	}
}
