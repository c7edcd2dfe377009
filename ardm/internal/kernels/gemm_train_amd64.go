//go:build amd64 && !purego

package kernels

// The amd64 kernels of mm (gemm_train_amd64.s) compute a block of 16, 8 or 4
// adjacent columns for every row: one vector register per row holds the
// accumulators of 8 (AVX) or 4 (SSE) columns; for each p the kernel
// broadcasts x[i*xi+p*xp], multiplies it by w[p*ldw+j:...] (MULPS) and
// adds the products to the accumulators (ADDPS), which started at 0 or at
// dst. Rows go four at a time (eight independent accumulators with AVX16),
// then one at a time. Columns left over (fewer than 4) use mmGo.

// mmLevel selects the kernels of mm, like gemmLevel for the inference
// kernels (at most gemmMaxLevel; tests lower it to check each kernel).
var mmLevel = gemmMaxLevel

// The block kernels compute, for i < rows and j < width (16, 8 or 4),
// dst[i*ldd+j] = init + x[i*xi+0*xp]*w[0*ldw+j] + ... + x[i*xi+(red-1)*xp]*w[(red-1)*ldw+j]
// in mmGo's order and rounding, where init is dst[i*ldd+j] if acc != 0,
// else 0. They need rows >= 1 and red >= 1.

//go:noescape
func mmAVX16(dst, x, w *float32, rows, red, ldd, xi, xp, ldw, acc int)

//go:noescape
func mmAVX8(dst, x, w *float32, rows, red, ldd, xi, xp, ldw, acc int)

//go:noescape
func mmSSE4(dst, x, w *float32, rows, red, ldd, xi, xp, ldw, acc int)

// mmBlocks runs the block kernels mmLevel allows on the leading columns
// of mm's product and returns the number of columns done; mm has checked
// the buffers.
func mmBlocks(dst []float32, ldd int, x []float32, xi, xp int, w []float32, ldw int, rows, cols, red int, acc bool) int {
	a := 0
	if acc {
		a = 1
	}
	j := 0
	if mmLevel >= gemmLevelAVX {
		for ; j+16 <= cols; j += 16 {
			mmAVX16(&dst[j], &x[0], &w[j], rows, red, ldd, xi, xp, ldw, a)
		}
		if j+8 <= cols {
			mmAVX8(&dst[j], &x[0], &w[j], rows, red, ldd, xi, xp, ldw, a)
			j += 8
		}
	}
	if mmLevel >= gemmLevelSSE {
		for ; j+4 <= cols; j += 4 {
			mmSSE4(&dst[j], &x[0], &w[j], rows, red, ldd, xi, xp, ldw, a)
		}
	}
	return j
}
