//go:build !amd64 || purego

package ardm

// gate computes dst[r*C+j] = float32(tanhDet(z[r*2*C+j]) * sigmoidDet(z[r*2*C+C+j]))
// for rows r and channels j < C.
func gate(dst, z []float32, rows, C int) { gateGo(dst, z, rows, C) }
