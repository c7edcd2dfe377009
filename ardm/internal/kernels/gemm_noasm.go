//go:build !amd64 || purego

package kernels

// Only the portable kernel exists on this architecture (or with the purego
// build tag).

const gemmMaxLevel = gemmLevelGo

var gemmLevel = gemmMaxLevel

// Gemm computes dst[r*m.out+o] = Dot(bias[o], x[r*m.in:(r+1)*m.in], m.t[o*m.in:(o+1)*m.in])
// for rows r and outputs o.
func Gemm(dst, x []float32, m *Mat, bias []float32, rows int) {
	gemmGo(dst, x, m.t, bias, rows, m.in, m.out)
}
