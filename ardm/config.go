package ardm

import (
	"fmt"

	"github.com/ardm-dev/ardm/ardm/internal/mixture"
	"github.com/ardm-dev/ardm/stages"
)

// Head names the output parametrization of a model.
const (
	// HeadSoftmax is the paper's direct parametrization: a free b-way
	// softmax per stage (the output layer has Stages*b channels, stage s
	// reads channels [(s-1)*b, s*b)).
	HeadSoftmax = "softmax"
	// HeadMixture is the paper's data parametrization: one discretized
	// logistic mixture over the full value, whose mass in each sub-bin of
	// the known bin gives a stage's b probabilities (doc.go, "Mixture
	// head"). The output layer has 3*Mixtures channels: the component
	// weight logits, then the locations, then the log scales.
	HeadMixture = "mixture"
)

// MixtureEps is the weight of the uniform distribution mixed into every
// mixture-head distribution, so that no digit has probability zero.
const MixtureEps = mixture.Eps

// MaxMixtures bounds Config.Mixtures.
const MaxMixtures = 64

// OABranching is the branching factor of OA-ARDM: one stage over all
// 65536 values (mixture head only).
const OABranching = 65536

// Config is the network configuration. It is data: validated, stored in
// every checkpoint, and hashed with the weights.
type Config struct {
	Branching     int    `json:"branching"`          // b in {2, 4, 16, 256}, or 65536 (OA-ARDM, mixture head)
	Channels      int    `json:"channels"`           // C, residual channels
	Layers        int    `json:"layers"`             // number of gated residual blocks
	DilationCycle int    `json:"dilation_cycle"`     // block l uses dilation 2^(l mod DilationCycle)
	Kernel        int    `json:"kernel"`             // odd conv width (3)
	EmbedDim      int    `json:"embed_dim"`          // sinusoidal embedding size of the revealed fraction (even)
	FrameLen      int    `json:"frame_len"`          // D: the frame length the model codes (16000 for SC09)
	Head          string `json:"head"`               // HeadSoftmax or HeadMixture
	Mixtures      int    `json:"mixtures,omitempty"` // K, mixture components (HeadMixture); 0 for HeadSoftmax
	Features      int    `json:"features,omitempty"` // input feature set: FeaturesBase (0), FeaturesInterp (1), FeaturesLPC (2) or FeaturesFine (3), see features.go
}

// DefaultConfig is a small network that trains on a CPU.
func DefaultConfig() Config {
	return Config{
		Branching:     16,
		Channels:      32,
		Layers:        10,
		DilationCycle: 10,
		Kernel:        3,
		EmbedDim:      16,
		FrameLen:      16000,
		Head:          HeadSoftmax,
	}
}

// Validate reports the first problem with c.
func (c Config) Validate() error {
	switch c.Branching {
	case 2, 4, 16, 256:
	case OABranching:
		if c.Head != HeadMixture {
			return fmt.Errorf("ardm: branching factor %d (OA-ARDM) needs the %q head", c.Branching, HeadMixture)
		}
	default:
		return fmt.Errorf("ardm: branching factor %d not in {2, 4, 16, 256, %d}", c.Branching, OABranching)
	}
	switch {
	case c.Channels < 1 || c.Channels > 1024:
		return fmt.Errorf("ardm: channels %d out of range 1..1024", c.Channels)
	case c.Layers < 1 || c.Layers > 128:
		return fmt.Errorf("ardm: layers %d out of range 1..128", c.Layers)
	case c.DilationCycle < 1 || c.DilationCycle > 16:
		return fmt.Errorf("ardm: dilation cycle %d out of range 1..16", c.DilationCycle)
	case c.Kernel < 1 || c.Kernel > 15 || c.Kernel%2 == 0:
		return fmt.Errorf("ardm: kernel %d must be odd and in 1..15", c.Kernel)
	case c.EmbedDim < 2 || c.EmbedDim > 256 || c.EmbedDim%2 != 0:
		return fmt.Errorf("ardm: embed dim %d must be even and in 2..256", c.EmbedDim)
	case c.FrameLen < 1 || c.FrameLen > 1<<20:
		return fmt.Errorf("ardm: frame length %d out of range 1..%d", c.FrameLen, 1<<20)
	}
	if c.Features < 0 || c.Features > FeaturesFine {
		return fmt.Errorf("ardm: feature set %d not in {%d, %d, %d, %d}", c.Features, FeaturesBase, FeaturesInterp, FeaturesLPC, FeaturesFine)
	}
	switch c.Head {
	case HeadSoftmax:
		if c.Mixtures != 0 {
			return fmt.Errorf("ardm: %d mixture components with the %q head", c.Mixtures, c.Head)
		}
	case HeadMixture:
		if c.Mixtures < 1 || c.Mixtures > MaxMixtures {
			return fmt.Errorf("ardm: mixture components %d out of range 1..%d", c.Mixtures, MaxMixtures)
		}
	default:
		return fmt.Errorf("ardm: unknown head %q", c.Head)
	}
	return nil
}

// DigitBits is log2 of the branching factor (stages.DigitBits).
func (c Config) DigitBits() int { return stages.DigitBits(c.Branching) }

// Stages is S = 16 / log2(b) (1 for OA-ARDM; stages.Count).
func (c Config) Stages() int { return stages.Count(c.Branching) }

// DefaultBudget is the model's default budget of network calls per frame
// and channel over all stages, what the ardm commands use without
// --budget: 12 calls per stage (192 for b=2, 96 for b=4, 12 for OA-ARDM).
// For the built-in model (b=2) a one-second 16 kHz clip then codes, and
// decodes, in about 1.3-1.4 s on two cores; 128 calls take 1.0-1.2 s for
// 0.026 bits/sample more, 256 calls 1.7-1.9 s for 0.008 less
// (BENCHMARKS.md). The library's options keep 0 as their zero value,
// which means one call per position.
func (c Config) DefaultBudget() int { return 12 * c.Stages() }

// Dilation is the dilation of block l (0-based).
func (c Config) Dilation(l int) int { return 1 << (l % c.DilationCycle) }

// Outputs is the number of output channels of the head: Stages*b for the
// softmax head, 3*Mixtures for the mixture head.
func (c Config) Outputs() int {
	if c.Head == HeadMixture {
		return 3 * c.Mixtures
	}
	return c.Stages() * c.Branching
}
