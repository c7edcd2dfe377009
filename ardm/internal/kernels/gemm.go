package kernels

import "fmt"

// The matrix-product kernels of the inference forward pass. Every kernel
// computes each output element by the one sequence of dot (acc = bias, then
// acc += float32(x[j]*w[j]) for j ascending), so they all give the same
// bits: the SIMD kernels put adjacent outputs in the vector lanes, each lane
// holding one output's accumulator, and use separate multiply and add
// instructions (never a fused multiply-add), which round exactly as the
// scalar ones do.

// Kernel levels, in increasing speed; gemmLevel selects the one gemm and
// gate (gate.go) use (at most gemmMaxLevel, the best this machine runs;
// tests lower it to check each kernel).
const (
	gemmLevelGo  = iota // portable Go (gemmGo)
	gemmLevelSSE        // amd64 SSE: 4 outputs per vector
	gemmLevelAVX        // amd64 AVX: 8 outputs per vector
)

var gemmLevelNames = [...]string{gemmLevelGo: "go", gemmLevelSSE: "sse", gemmLevelAVX: "avx"}

// EachLevel calls fn once for each kernel level this machine runs ("go",
// then "sse" and "avx" where available), with that level selected for
// Gemm and Gate, and restores the selection afterwards. It is for tests
// that check a caller gives the same bits with every kernel; no kernel may
// run concurrently with it.
func EachLevel(fn func(level string)) {
	saved := gemmLevel
	defer func() { gemmLevel = saved }()
	for level := gemmLevelGo; level <= gemmMaxLevel; level++ {
		gemmLevel = level
		fn(gemmLevelNames[level])
	}
}

// Mat is a weight matrix mapping in inputs to out outputs, held in the
// layouts of both gemm kernels: t for the scalar kernel (gemmGo), whose
// dot products run along a row, and n for the SIMD kernels, whose vector
// lanes are adjacent outputs.
type Mat struct {
	in, out int
	t       []float32 // [out][in]
	n       []float32 // [in][out]
}

// NewMat copies the row-major [in][out] m.
func NewMat(m []float32, in, out int) Mat {
	return Mat{in: in, out: out, t: Transpose(m, in, out), n: append([]float32(nil), m...)}
}

// Transpose returns the [out][in] transpose of the row-major [in][out] m.
func Transpose(m []float32, in, out int) []float32 {
	if len(m) != in*out {
		panic(fmt.Sprintf("kernels: weight matrix has %d values, want %d x %d", len(m), in, out))
	}
	t := make([]float32, len(m))
	for i := 0; i < in; i++ {
		for o := 0; o < out; o++ {
			t[o*in+i] = m[i*out+o]
		}
	}
	return t
}

// Dot returns bias + sum_j x[j]*w[j], summed in ascending j with every
// product rounded to float32: the one order every kernel uses.
func Dot(bias float32, x, w []float32) float32 {
	acc := bias
	w = w[:len(x)]
	for j, v := range x {
		acc += float32(v * w[j])
	}
	return acc
}

// gemmGo computes dst[r*out+o] = Dot(bias[o], x[r*in:(r+1)*in], wt[o*in:(o+1)*in])
// for rows r and outputs o, in blocks of 3 x 3 (bit-identical to dot: each
// accumulator sees the same operations in the same order). It is the
// portable kernel; gemm (gemm_amd64.go, gemm_noasm.go) dispatches to it or
// to SIMD kernels that give the same bits.
func gemmGo(dst, x, wt, bias []float32, rows, in, out int) {
	if len(dst) < rows*out || len(x) < rows*in || len(wt) < out*in || len(bias) < out {
		panic("kernels: gemm: buffer too small")
	}
	r := 0
	o3 := out - out%3
	for ; r+3 <= rows; r += 3 {
		x0 := x[r*in : r*in+in]
		x1 := x[(r+1)*in : (r+1)*in+in]
		x2 := x[(r+2)*in : (r+2)*in+in]
		d0 := dst[r*out : r*out+out]
		d1 := dst[(r+1)*out : (r+1)*out+out]
		d2 := dst[(r+2)*out : (r+2)*out+out]
		for o := 0; o < o3; o += 3 {
			w0 := wt[o*in : o*in+in]
			w1 := wt[(o+1)*in : (o+1)*in+in]
			w2 := wt[(o+2)*in : (o+2)*in+in]
			w1 = w1[:len(w0)]
			w2 = w2[:len(w0)]
			x1 := x1[:len(w0)]
			x2 := x2[:len(w0)]
			c00, c01, c02 := bias[o], bias[o+1], bias[o+2]
			c10, c11, c12 := c00, c01, c02
			c20, c21, c22 := c00, c01, c02
			for j, v := range x0[:len(w0)] {
				a0, a1, a2 := v, x1[j], x2[j]
				w := w0[j]
				c00 += float32(a0 * w)
				c10 += float32(a1 * w)
				c20 += float32(a2 * w)
				w = w1[j]
				c01 += float32(a0 * w)
				c11 += float32(a1 * w)
				c21 += float32(a2 * w)
				w = w2[j]
				c02 += float32(a0 * w)
				c12 += float32(a1 * w)
				c22 += float32(a2 * w)
			}
			d0[o], d0[o+1], d0[o+2] = c00, c01, c02
			d1[o], d1[o+1], d1[o+2] = c10, c11, c12
			d2[o], d2[o+1], d2[o+2] = c20, c21, c22
		}
		for o := o3; o < out; o++ {
			w := wt[o*in : o*in+in]
			d0[o] = Dot(bias[o], x0, w)
			d1[o] = Dot(bias[o], x1, w)
			d2[o] = Dot(bias[o], x2, w)
		}
	}
	for ; r < rows; r++ {
		xr := x[r*in : r*in+in]
		for o := 0; o < out; o++ {
			dst[r*out+o] = Dot(bias[o], xr, wt[o*in:o*in+in])
		}
	}
}

// Relu returns max(x, 0) (0 for NaN).
func Relu(x float32) float32 {
	if x > 0 {
		return x
	}
	return 0
}
