package coder

// Predictor is what the coder needs of a learned Upscale ARDM. Package ardm
// implements it; coder imports no model code. Implementations must be
// deterministic: the same calls give bit-identical probabilities on every
// machine and with any GOMAXPROCS.
type Predictor interface {
	// Hash is the content hash of the model (config and weights); the
	// stream header names it so that decoding with another model fails.
	Hash() [32]byte
	// FrameLen is the number of samples per channel the model codes in
	// one frame (16000 for SC09 models).
	FrameLen() int
	// Branching is the branching factor b (2, 4, 16, 256 or 65536); the
	// model codes a 16-bit value as Stages = 16/log2(b) base-b digits,
	// most significant first (see package audio). A model with b = 65536
	// (OA-ARDM: one stage, the whole value) must be a CDFPredictor.
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

// CDFPredictor is a Predictor that also gives its distributions as cumulative
// distribution functions. The coder uses PredictCDF instead of Predict
// when the branching factor is 65536 (OA-ARDM), where a 65536-entry table
// per position would cost far more than the network call: it evaluates a
// position's function at two points to encode a symbol and at 16 (a
// binary search) to decode one.
type CDFPredictor interface {
	Predictor
	// PredictCDF runs the network once, as Predict, and returns the
	// cumulative distributions of digit stage at the positions pos:
	// cdf(j, v) = P(digit < v) at position pos[j], for 0 <= j < len(pos)
	// and 1 <= v < b (cdf(j, 0) = 0 and cdf(j, b) = 1 are implied and
	// never asked). cdf must be deterministic (bit-identical on every
	// machine) and non-decreasing in v, up to rounding noise below 2^-32;
	// otherwise round trips fail (the checksums catch it). cdf must not
	// depend on buffers the model reuses: it is called after PredictCDF
	// returns, possibly while the model serves other calls.
	PredictCDF(stage, t int, values []uint16, mask []bool, pos []int) (cdf func(j, v int) float64)
}
