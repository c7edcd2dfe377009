package coder

// Model is what the coder needs of a learned Upscale ARDM. Package ardm
// implements it; coder imports no model code. Implementations must be
// deterministic: the same calls give bit-identical probabilities on every
// machine and with any GOMAXPROCS.
type Model interface {
	// Hash is the content hash of the model (config and weights); the
	// stream header names it so that decoding with another model fails.
	Hash() [32]byte
	// FrameLen is the number of samples per channel the model codes in
	// one frame (16000 for SC09 models).
	FrameLen() int
	// Branching is the branching factor b (2, 4, 16 or 256); the model
	// codes a 16-bit value as Stages = 16/log2(b) base-b digits, most
	// significant first (see package audio).
	Branching() int
	// Policy returns, for each stage s = 1..Stages (index s-1), the step
	// boundaries 0 = t_0 < t_1 < ... < t_K = n for coding n positions
	// under a budget of network calls in all (budget <= 0 means one call
	// per position). The result depends only on the model, budget and n.
	Policy(budget, n int) [][]int
	// Predict runs the network once. values holds, for each position, the
	// stage's current value (x^(s) where mask is set, x^(s-1) elsewhere),
	// t is the number of positions revealed in this stage. It writes the
	// b-way probabilities of digit s at each position pos[j] into
	// dst[j*b : (j+1)*b]; they are positive and sum to about 1.
	Predict(stage, t int, values []uint16, mask []bool, pos []int, dst []float32)
}
