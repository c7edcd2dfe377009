package kernels

// The gate of the residual blocks, g = tanh(z_a) * sigmoid(z_b) per
// channel. Every kernel gives gateGo's bits for every input: the amd64 SIMD
// kernels (gate_amd64.s) run Exp, Tanh and Sigmoid's operations in
// float64 vector lanes, one lane per channel, with the same constants
// (gateTab) and the same order of separately rounded multiplies, adds,
// subtracts and divides (never a fused multiply-add); Tanh's branches
// become selections between the lanes' branch results, which are all
// computed. gemmLevel selects the kernel here too.

// gateGo computes dst[r*C+j] = float32(Tanh(z[r*2*C+j]) * Sigmoid(z[r*2*C+C+j]))
// for rows r and channels j < C: row r of z holds the C tanh inputs, then
// the C sigmoid inputs.
func gateGo(dst, z []float32, rows, C int) {
	for r := 0; r < rows; r++ {
		zr := z[r*2*C : (r+1)*2*C]
		gr := dst[r*C : (r+1)*C]
		for j := range gr {
			gr[j] = float32(Tanh(zr[j]) * Sigmoid(zr[C+j]))
		}
	}
}
