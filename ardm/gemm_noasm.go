//go:build !amd64 || purego

package ardm

// Only the portable kernel exists on this architecture (or with the purego
// build tag).

const gemmMaxLevel = gemmLevelGo

var gemmLevel = gemmMaxLevel

// gemm computes dst[r*m.out+o] = dot(bias[o], x[r*m.in:(r+1)*m.in], m.t[o*m.in:(o+1)*m.in])
// for rows r and outputs o.
func gemm(dst, x []float32, m *fwdMat, bias []float32, rows int) {
	gemmGo(dst, x, m.t, bias, rows, m.in, m.out)
}
