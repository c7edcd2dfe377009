//go:build !amd64 || purego

package kernels

// colSumKernel is colSum64; only the portable code exists here.
func colSumKernel(dst []float64, src []float32, rows, cols, ld int) {
	colSumGo(dst, src, rows, cols, ld, 0)
}
