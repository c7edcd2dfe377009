package kernels

// Column sums of the training graph's backward pass (the bias gradients of
// colSumOp and the per-example sums of blockSumOp, package train),
// accumulated in float64 row by row.

// TrainColSum adds, for j < cols, the column sums src[0*ld+j] + src[1*ld+j] +
// ... + src[(rows-1)*ld+j] to dst[j], in float64: dst[j] += float64(v)
// for each row in order. Every kernel gives the same bits
// (colsum_train_amd64.go).
func TrainColSum(dst []float64, src []float32, rows, cols, ld int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	if len(dst) < cols || ld < cols || len(src) < (rows-1)*ld+cols {
		panic("kernels: colSum64: buffer too small")
	}
	colSumKernel(dst, src, rows, cols, ld)
}

// colSumGo is colSum64's portable code for the columns [j0, cols).
func colSumGo(dst []float64, src []float32, rows, cols, ld, j0 int) {
	d := dst[j0:cols]
	for r := 0; r < rows; r++ {
		row := src[r*ld+j0 : r*ld+cols]
		for j, v := range row {
			d[j] += float64(v)
		}
	}
}
