package kernels

// The matrix products of the training graph (package train). Its matrices
// are tall and thin: rows are examples x positions, columns a few dozen
// channels. The three products it needs are all one strided kernel,
//
//	dst[i*ldd+j] = init + sum over p of x[i*xi+p*xp] * w[p*ldw+j],
//
// for i < rows, j < cols, p < red: a·b is the kernel with x = a read along
// its rows (xi = lda, xp = 1), aᵀ·b the kernel with x = a read along its
// columns (xi = 1, xp = lda); a·bᵀ is a·b with the small b transposed
// once by the caller. Every
// kernel computes each output by the one sequence acc = init (0, or dst's
// value when accumulating), then acc += float32(x*w) for p ascending, so
// they all give mmGo's bits: the SIMD kernels (gemm_train_amd64.s) hold one
// output's accumulator per vector lane and use separate multiply and add
// instructions. No product here splits a sum, so the results do not
// depend on how callers spread rows over goroutines.

// TrainGemm computes c = op(a)·b + beta·c on row-major matrices, where op(a)
// is m×k (a, or aᵀ when tA), b is k×n and c is m×n. (The graph transposes
// a weight matrix once itself where it needs a·bᵀ.)
func TrainGemm(tA bool, m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if m < 0 || n < 0 || k < 0 || ldc < n || (tA && lda < m) || (!tA && lda < k) || ldb < n {
		panic("kernels: sgemm: bad dimensions")
	}
	if len(c) < (m-1)*ldc+n {
		panic("kernels: sgemm: c too small")
	}
	acc := beta != 0
	if acc && beta != 1 {
		for i := 0; i < m; i++ {
			for j, v := range c[i*ldc : i*ldc+n] {
				c[i*ldc+j] = beta * v
			}
		}
	}
	if k == 0 {
		if !acc {
			for i := 0; i < m; i++ {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		return
	}
	if tA {
		mm(c, ldc, a, 1, lda, b, ldb, m, n, k, acc)
	} else {
		mm(c, ldc, a, lda, 1, b, ldb, m, n, k, acc)
	}
}

// mm computes dst[i*ldd+j] = init + sum_{p<red} x[i*xi+p*xp]*w[p*ldw+j]
// for i < rows and j < cols, where init is dst's value if acc, else 0,
// with the fastest kernel mmLevel allows. rows, cols and red must be at
// least 1.
func mm(dst []float32, ldd int, x []float32, xi, xp int, w []float32, ldw int, rows, cols, red int, acc bool) {
	if len(dst) < (rows-1)*ldd+cols || len(x) < (rows-1)*xi+(red-1)*xp+1 || len(w) < (red-1)*ldw+cols {
		panic("kernels: mm: buffer too small")
	}
	j := mmBlocks(dst, ldd, x, xi, xp, w, ldw, rows, cols, red, acc)
	if j < cols {
		mmGo(dst[j:], ldd, x, xi, xp, w[j:], ldw, rows, cols-j, red, acc)
	}
}

// mmGo is the portable kernel of mm. It keeps the accumulators of a
// block of two rows by four columns in variables while p runs; rows and
// columns left over go one at a time.
func mmGo(dst []float32, ldd int, x []float32, xi, xp int, w []float32, ldw int, rows, cols, red int, acc bool) {
	// The conversions float32(v*w) round each product, so it is never
	// fused with the addition.
	i := 0
	for ; i+2 <= rows; i += 2 {
		d0, d1 := dst[i*ldd:i*ldd+cols], dst[(i+1)*ldd:(i+1)*ldd+cols]
		x0, x1 := x[i*xi:], x[(i+1)*xi:]
		j := 0
		for ; j+4 <= cols; j += 4 {
			var a0, a1, a2, a3, b0, b1, b2, b3 float32
			if acc {
				a0, a1, a2, a3 = d0[j], d0[j+1], d0[j+2], d0[j+3]
				b0, b1, b2, b3 = d1[j], d1[j+1], d1[j+2], d1[j+3]
			}
			for p := 0; p < red; p++ {
				u, v := x0[p*xp], x1[p*xp]
				wp := w[p*ldw+j : p*ldw+j+4]
				a0 += float32(u * wp[0])
				a1 += float32(u * wp[1])
				a2 += float32(u * wp[2])
				a3 += float32(u * wp[3])
				b0 += float32(v * wp[0])
				b1 += float32(v * wp[1])
				b2 += float32(v * wp[2])
				b3 += float32(v * wp[3])
			}
			d0[j], d0[j+1], d0[j+2], d0[j+3] = a0, a1, a2, a3
			d1[j], d1[j+1], d1[j+2], d1[j+3] = b0, b1, b2, b3
		}
		if j < cols {
			mmGo1(d0[j:], x0, xp, w[j:], ldw, cols-j, red, acc)
			mmGo1(d1[j:], x1, xp, w[j:], ldw, cols-j, red, acc)
		}
	}
	if i < rows {
		mmGo1(dst[i*ldd:], x[i*xi:], xp, w, ldw, cols, red, acc)
	}
}

// mmGo1 is mmGo for one row, one output at a time.
func mmGo1(d, x []float32, xp int, w []float32, ldw int, cols, red int, acc bool) {
	for j := 0; j < cols; j++ {
		var a float32
		if acc {
			a = d[j]
		}
		for p := 0; p < red; p++ {
			a += float32(x[p*xp] * w[p*ldw+j])
		}
		d[j] = a
	}
}
