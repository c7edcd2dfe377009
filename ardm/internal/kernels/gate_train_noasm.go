//go:build !amd64 || purego

package kernels

// gateTrainKernel is gateTrain; only the portable code exists here.
func gateTrainKernel(g, ts, z []float32, rows, C int) { gateTrainGo(g, ts, z, rows, C, 0) }

// gateTrainGradKernel is gateTrainGrad; only the portable code exists here.
func gateTrainGradKernel(dz, ts, dg []float32, rows, C int) { gateTrainGradGo(dz, ts, dg, rows, C, 0) }
