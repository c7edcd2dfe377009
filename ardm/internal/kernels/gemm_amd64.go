//go:build amd64 && !purego

package kernels

// The amd64 kernels (gemm_amd64.s) compute a block of 16, 8 or 4 adjacent
// outputs for every row, from the [in][out] weights: one vector register
// per row holds the accumulators of 4 (SSE) or 8 (AVX) outputs; for each
// input j the kernel broadcasts x[r][j], multiplies it by the weights
// W[j][o:o+width] (MULPS) and adds the products to the accumulators
// (ADDPS), which started at the biases. Each lane thus performs dot's
// sequence for its output. Outputs left over (fewer than 4) use dot.

// gemmMaxLevel is the best kernel this CPU runs: SSE2 is part of amd64,
// AVX is detected.
var gemmMaxLevel = detectGemmLevel()

var gemmLevel = gemmMaxLevel

func detectGemmLevel() int {
	// AVX needs the CPU's support (CPUID.1:ECX bit 28) and the operating
	// system saving the YMM registers: OSXSAVE (CPUID.1:ECX bit 27) and
	// XCR0 bits 1 (SSE state) and 2 (AVX state).
	_, _, ecx, _ := cpuid(1, 0)
	if ecx&(1<<27) == 0 || ecx&(1<<28) == 0 {
		return gemmLevelSSE
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 {
		return gemmLevelSSE
	}
	return gemmLevelAVX
}

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

func xgetbv() (eax, edx uint32)

// The block kernels compute, for r < rows and o < width (16, 8 or 4),
// dst[r*ldd+o] = bias[o] + x[r*ldx+0]*w[0*ldw+o] + ... + x[r*ldx+in-1]*w[(in-1)*ldw+o]
// in dot's order and rounding. They need rows >= 1 and in >= 1.

//go:noescape
func gemmAVX16(dst, x, w, bias *float32, rows, in, ldd, ldx, ldw int)

//go:noescape
func gemmAVX8(dst, x, w, bias *float32, rows, in, ldd, ldx, ldw int)

//go:noescape
func gemmSSE8(dst, x, w, bias *float32, rows, in, ldd, ldx, ldw int)

//go:noescape
func gemmSSE4(dst, x, w, bias *float32, rows, in, ldd, ldx, ldw int)

// Gemm computes dst[r*m.out+o] = Dot(bias[o], x[r*m.in:(r+1)*m.in], m.t[o*m.in:(o+1)*m.in])
// for rows r and outputs o, with the kernel gemmLevel selects.
func Gemm(dst, x []float32, m *Mat, bias []float32, rows int) {
	in, out := m.in, m.out
	level := gemmLevel
	if level == gemmLevelGo || rows <= 0 || in <= 0 || out <= 0 {
		gemmGo(dst, x, m.t, bias, rows, in, out)
		return
	}
	if len(dst) < rows*out || len(x) < rows*in || len(m.n) < in*out || len(bias) < out {
		panic("kernels: gemm: buffer too small")
	}
	o := 0
	if level >= gemmLevelAVX {
		for ; o+16 <= out; o += 16 {
			gemmAVX16(&dst[o], &x[0], &m.n[o], &bias[o], rows, in, out, in, out)
		}
		if o+8 <= out {
			gemmAVX8(&dst[o], &x[0], &m.n[o], &bias[o], rows, in, out, in, out)
			o += 8
		}
	} else {
		for ; o+8 <= out; o += 8 {
			gemmSSE8(&dst[o], &x[0], &m.n[o], &bias[o], rows, in, out, in, out)
		}
	}
	if o+4 <= out {
		gemmSSE4(&dst[o], &x[0], &m.n[o], &bias[o], rows, in, out, in, out)
		o += 4
	}
	for ; o < out; o++ {
		wo := m.t[o*in : (o+1)*in]
		for r := 0; r < rows; r++ {
			dst[r*out+o] = Dot(bias[o], x[r*in:(r+1)*in], wo)
		}
	}
}
