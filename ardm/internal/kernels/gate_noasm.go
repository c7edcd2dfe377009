//go:build !amd64 || purego

package kernels

// Gate computes dst[r*C+j] = float32(Tanh(z[r*2*C+j]) * Sigmoid(z[r*2*C+C+j]))
// for rows r and channels j < C.
func Gate(dst, z []float32, rows, C int) { gateGo(dst, z, rows, C) }
