package ardm

import (
	"fmt"
	"math/bits"
)

// Head names the output parametrization of a model.
const (
	// HeadSoftmax is the paper's direct parametrization: a free b-way
	// softmax per stage (the output layer has Stages*b channels, stage s
	// reads channels [(s-1)*b, s*b)).
	HeadSoftmax = "softmax"
)

// Config is the network configuration. It is data: validated, stored in
// every checkpoint, and hashed with the weights.
type Config struct {
	Branching     int    `json:"branching"`      // b in {2, 4, 16, 256}
	Channels      int    `json:"channels"`       // C, residual channels
	Layers        int    `json:"layers"`         // number of gated residual blocks
	DilationCycle int    `json:"dilation_cycle"` // block l uses dilation 2^(l mod DilationCycle)
	Kernel        int    `json:"kernel"`         // odd conv width (3)
	EmbedDim      int    `json:"embed_dim"`      // sinusoidal embedding size of the revealed fraction (even)
	FrameLen      int    `json:"frame_len"`      // D: the frame length the model codes (16000 for SC09)
	Head          string `json:"head"`           // HeadSoftmax
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
	default:
		return fmt.Errorf("ardm: branching factor %d not in {2, 4, 16, 256}", c.Branching)
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
	if c.Head != HeadSoftmax {
		return fmt.Errorf("ardm: unknown head %q", c.Head)
	}
	return nil
}

// DigitBits is log2 of the branching factor.
func (c Config) DigitBits() int { return bits.TrailingZeros(uint(c.Branching)) }

// Stages is S = 16 / log2(b).
func (c Config) Stages() int { return 16 / c.DigitBits() }

// Dilation is the dilation of block l (0-based).
func (c Config) Dilation(l int) int { return 1 << (l % c.DilationCycle) }

// Outputs is the number of output channels of the head.
func (c Config) Outputs() int { return c.Stages() * c.Branching }
