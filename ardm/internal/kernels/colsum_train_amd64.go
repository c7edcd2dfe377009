//go:build amd64 && !purego

package kernels

// colSumAVX (colsum_train_amd64.s) is colSum64 for the columns j < cols (a
// positive multiple of 4; rows >= 1): it holds the sums of 16 or 4 columns
// in float64 lanes of YMM registers and adds each row to them (VCVTPS2PD,
// VADDPD), in row order: colSumGo's bits.
//
//go:noescape
func colSumAVX(dst *float64, src *float32, rows, cols, ld int)

// colSumKernel is colSum64 with colSumAVX when mmLevel (the level of the
// training kernels) allows AVX, colSumGo for the columns left over.
// colSum64 has checked the buffers and sizes.
func colSumKernel(dst []float64, src []float32, rows, cols, ld int) {
	width := cols - cols%4
	if mmLevel < gemmLevelAVX || width == 0 {
		colSumGo(dst, src, rows, cols, ld, 0)
		return
	}
	colSumAVX(&dst[0], &src[0], rows, width, ld)
	if width < cols {
		colSumGo(dst, src, rows, cols, ld, width)
	}
}
