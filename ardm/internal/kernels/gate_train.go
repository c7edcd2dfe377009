package kernels

// The gate of the training graph, g = tanh(z_a) * sigmoid(z_b) (gateOp and
// gateGradOp in package train), computed with the inference path's
// deterministic functions: every g is gate's (and so gateGo's) float32
// result, bit for bit, on every machine and for every kernel level. The
// forward keeps t = Tanh(z_a) and s = Sigmoid(z_b), so the backward
// needs no transcendental function.

// TrainGate computes, for the rows r < rows of z (each row: C tanh inputs,
// then C sigmoid inputs) and channels j < C,
//
//	ts[r*2*C+j]   = t = Tanh(z[r*2*C+j])
//	ts[r*2*C+C+j] = s = Sigmoid(z[r*2*C+C+j])
//	g[r*C+j]      = t * s
//
// ts has z's layout; g equals gate's result. The kernel is the one
// gemmLevel selects (gate_train_amd64.go); gateTrainGo is the portable one.
func TrainGate(g, ts, z []float32, rows, C int) {
	if len(g) < rows*C || len(ts) < rows*2*C || len(z) < rows*2*C {
		panic("kernels: gateTrain: buffer too small")
	}
	gateTrainKernel(g, ts, z, rows, C)
}

// gateTrainGo is gateTrain's portable code for channels [j0, C) of each row.
func gateTrainGo(g, ts, z []float32, rows, C, j0 int) {
	for r := 0; r < rows; r++ {
		x, y := z[r*2*C+j0:r*2*C+C], z[r*2*C+C+j0:(r+1)*2*C]
		tt, st, gg := ts[r*2*C+j0:r*2*C+C], ts[r*2*C+C+j0:(r+1)*2*C], g[r*C+j0:(r+1)*C]
		for j, xj := range x {
			t, s := Tanh(xj), Sigmoid(y[j])
			tt[j], st[j], gg[j] = t, s, t*s
		}
	}
}

// TrainGateGrad computes the gradient dz (z's layout) of the gate from
// the output gradient dg (rows x C) and gateTrain's ts:
//
//	dz[r*2*C+j]   = dg*s * (1 - t*t)
//	dz[r*2*C+C+j] = dg*s * t * (1 - s)
//
// with dg = dg[r*C+j], t = ts[r*2*C+j] and s = ts[r*2*C+C+j], each
// operation rounded to float32 in this order (every kernel gives the same
// bits).
func TrainGateGrad(dz, ts, dg []float32, rows, C int) {
	if len(dz) < rows*2*C || len(ts) < rows*2*C || len(dg) < rows*C {
		panic("kernels: gateTrainGrad: buffer too small")
	}
	gateTrainGradKernel(dz, ts, dg, rows, C)
}

// gateTrainGradGo is gateTrainGrad's portable code for channels [j0, C)
// of each row.
func gateTrainGradGo(dz, ts, dg []float32, rows, C, j0 int) {
	for r := 0; r < rows; r++ {
		tt, st := ts[r*2*C+j0:r*2*C+C], ts[r*2*C+C+j0:(r+1)*2*C]
		da, db := dz[r*2*C+j0:r*2*C+C], dz[r*2*C+C+j0:(r+1)*2*C]
		dgr := dg[r*C+j0 : (r+1)*C]
		for j, d := range dgr {
			t, s := tt[j], st[j]
			ds := d * s
			da[j] = ds * (1 - t*t)
			db[j] = ds * t * (1 - s)
		}
	}
}
