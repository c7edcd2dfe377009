package ardm

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
