//go:build amd64 && !purego

package kernels

// gateTrainAVX and gateTrainSSE (gate_amd64.s) are gateAVX and gateSSE
// that also store t = Tanh(x) and s = Sigmoid(y) in ts (z's layout)
// for the channels j < width: the gate's own float32 roundings of its
// float64 tanh64 and sigmoid64, whose product g is. They return whether
// any input was a NaN, in which case dst and ts hold unspecified values.

//go:noescape
func gateTrainAVX(dst, z *float32, rows, width, C int, tab *[gateTabLen][4]uint64, ts *float32) (nan bool)

//go:noescape
func gateTrainSSE(dst, z *float32, rows, width, C int, tab *[gateTabLen][4]uint64, ts *float32) (nan bool)

// gateGradAVX (gate_train_amd64.s) is gateTrainGrad for the channels
// j < width (a positive multiple of 4), with the same operations in the
// same order: the same bits.
//
//go:noescape
func gateGradAVX(dz, ts, dg *float32, rows, width, C int)

// gateTrainGradKernel is gateTrainGrad with gateGradAVX when mmLevel (the
// level of the training kernels) allows AVX, gateTrainGradGo for the
// channels left over. gateTrainGrad has checked the buffers.
func gateTrainGradKernel(dz, ts, dg []float32, rows, C int) {
	width := C - C%4
	if mmLevel < gemmLevelAVX || rows <= 0 || width <= 0 {
		gateTrainGradGo(dz, ts, dg, rows, C, 0)
		return
	}
	gateGradAVX(&dz[0], &ts[0], &dg[0], rows, width, C)
	if width < C {
		gateTrainGradGo(dz, ts, dg, rows, C, width)
	}
}

// gateTrainKernel is gateTrain with the kernel gemmLevel selects, as gate
// does: the SIMD kernels take the channels in groups of four (AVX) or two
// (SSE), gateTrainGo the rest, and the whole call when an input is a NaN.
// gateTrain has checked the buffers.
func gateTrainKernel(g, ts, z []float32, rows, C int) {
	lanes := 2
	if gemmLevel >= gemmLevelAVX {
		lanes = 4
	}
	width := C - C%lanes
	if gemmLevel == gemmLevelGo || rows <= 0 || width <= 0 {
		gateTrainGo(g, ts, z, rows, C, 0)
		return
	}
	var nan bool
	if lanes == 4 {
		nan = gateTrainAVX(&g[0], &z[0], rows, width, C, &gateTab, &ts[0])
	} else {
		nan = gateTrainSSE(&g[0], &z[0], rows, width, C, &gateTab, &ts[0])
	}
	if nan {
		gateTrainGo(g, ts, z, rows, C, 0)
		return
	}
	if width < C {
		gateTrainGo(g, ts, z, rows, C, width)
	}
}
