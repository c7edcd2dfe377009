// Package kernels holds the numeric kernels of package ardm's network: the
// deterministic elementary functions (Exp, Tanh, Sigmoid, Softmax), the
// inference products and gate (Gemm with its Mat, Dot, Gate), and the
// training graph's products, gate and sums (TrainGemm, TrainGate,
// TrainGateGrad, TrainColSum), which package ardm/train's custom ops call.
//
// Every kernel has a portable Go version (the reference, its name ends in
// Go) and, on amd64, SSE and AVX versions in the _amd64.s files; the
// noasm files (other architectures, or the purego build tag) hold the
// dispatchers that only run the portable one. All versions give the same
// bits for every input: each output is one fixed sequence of separately
// rounded float32 (or float64) operations, never a fused multiply-add, the
// SIMD kernels putting independent outputs in their vector lanes. That is
// what lets a stream coded on one machine decode on any other.
//
// The kernel level (portable, SSE, AVX) is chosen once from the CPU;
// EachLevel runs a test with each level this machine has. Kernels panic on
// buffers too small for their dimensions (a programmer error); messages
// start with "kernels:".
package kernels
