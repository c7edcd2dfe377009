package ardm

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
)

// LtBins is the number of bins of the revealed fraction t/n over which the
// expected per-position loss L_t is tracked: bin j holds t/n in
// [j/LtBins, (j+1)/LtBins).
const LtBins = 64

// LtBin is the L_t bin of t revealed out of n positions.
func LtBin(t, n int) int {
	if n <= 0 {
		panic("ardm: LtBin: n must be positive")
	}
	j := int(int64(t) * LtBins / int64(n))
	if j < 0 {
		return 0
	}
	if j >= LtBins {
		return LtBins - 1
	}
	return j
}

// Model is a trained network plus what inference needs.
type Model struct {
	// Weights are the inference weights (the exponential moving average
	// of the training weights).
	Weights *Weights
	// Lt[s-1][j] is the expected loss in bits per unrevealed position of
	// stage s when t/n falls in bin j (see LtBin), measured during
	// training. Every stage has LtBins entries.
	Lt [][]float64
	// Info describes how the model was trained. It is not part of Hash.
	Info TrainInfo
}

// TrainInfo records how a model was trained.
type TrainInfo struct {
	Steps       int       `json:"steps"`                  // optimizer steps done
	Seed        uint64    `json:"seed"`                   // the run's seed
	Init        string    `json:"init,omitempty"`         // hash (hex) of the model a fine-tuning run started from
	Data        string    `json:"data,omitempty"`         // training data (shard directory)
	Clips       int       `json:"clips,omitempty"`        // training clips
	Batch       int       `json:"batch,omitempty"`        // examples per step
	Crop        int       `json:"crop,omitempty"`         // samples per example
	LR          float64   `json:"lr,omitempty"`           // peak learning rate
	GainAugDB   float64   `json:"gain_aug_db,omitempty"`  // random gain range, +-dB
	WallSeconds float64   `json:"wall_seconds,omitempty"` // training wall time, all sessions
	TrainBPD    float64   `json:"train_bpd,omitempty"`    // moving average of the total bound on training crops
	StageBPD    []float64 `json:"stage_bpd,omitempty"`    // per-stage moving averages, bits/sample
}

// NewModel wraps weights in a Model with an L_t table at the uniform bound
// (log2 b bits per position everywhere).
func NewModel(w *Weights) *Model {
	S, b := w.Config.Stages(), w.Config.Branching
	lt := make([][]float64, S)
	for s := range lt {
		lt[s] = make([]float64, LtBins)
		for j := range lt[s] {
			lt[s][j] = math.Log2(float64(b))
		}
	}
	return &Model{Weights: w, Lt: lt}
}

// Config is the network configuration of m.
func (m *Model) Config() Config { return m.Weights.Config }

// Validate checks that the weights and L_t table have the shapes of the
// model's config.
func (m *Model) Validate() error {
	if m.Weights == nil {
		return fmt.Errorf("ardm: model has no weights")
	}
	if err := m.Weights.Config.Validate(); err != nil {
		return err
	}
	if err := m.Weights.CheckShapes(); err != nil {
		return err
	}
	S := m.Weights.Config.Stages()
	if len(m.Lt) != S {
		return fmt.Errorf("ardm: L_t table has %d stages, config has %d", len(m.Lt), S)
	}
	for s, row := range m.Lt {
		if len(row) != LtBins {
			return fmt.Errorf("ardm: L_t stage %d has %d bins, want %d", s+1, len(row), LtBins)
		}
	}
	return nil
}

// CheckShapes compares every parameter slice of w with a freshly shaped
// set for its config.
func (w *Weights) CheckShapes() error {
	if len(w.Blocks) != w.Config.Layers {
		return fmt.Errorf("ardm: weights have %d blocks, config has %d layers", len(w.Blocks), w.Config.Layers)
	}
	want := paramSizes(w.Config)
	got := w.Params()
	if len(got) != len(want) {
		return fmt.Errorf("ardm: weights have %d parameter tensors, want %d", len(got), len(want))
	}
	for i := range got {
		if len(got[i]) != want[i] {
			return fmt.Errorf("ardm: parameter %d has %d values, want %d", i, len(got[i]), want[i])
		}
	}
	return nil
}

// paramSizes lists the length of every parameter slice of Weights.Params
// for cfg.
func paramSizes(cfg Config) []int {
	C, K, O, E := cfg.Channels, cfg.Kernel, cfg.Outputs(), cfg.EmbedDim
	p := []int{cfg.NumFeatures() * C, C, E * C, C}
	for l := 0; l < cfg.Layers; l++ {
		p = append(p, C*C, K*C*2*C, 2*C, C*C, C, C*C, C)
	}
	return append(p, C*C, C, C*O, O)
}

// NumParams is the number of scalar parameters of a network with cfg.
func NumParams(cfg Config) int {
	n := 0
	for _, s := range paramSizes(cfg) {
		n += s
	}
	return n
}

// emptyWeights allocates zero weights shaped for cfg.
func emptyWeights(cfg Config) *Weights {
	C, K, O := cfg.Channels, cfg.Kernel, cfg.Outputs()
	w := &Weights{
		Config: cfg,
		InW:    make([]float32, cfg.NumFeatures()*C),
		InB:    make([]float32, C),
		EmbW:   make([]float32, cfg.EmbedDim*C),
		EmbB:   make([]float32, C),
		Out1W:  make([]float32, C*C),
		Out1B:  make([]float32, C),
		OutW:   make([]float32, C*O),
		OutB:   make([]float32, O),
	}
	for l := 0; l < cfg.Layers; l++ {
		w.Blocks = append(w.Blocks, Block{
			CondW: make([]float32, C*C),
			ConvW: make([]float32, K*C*2*C),
			ConvB: make([]float32, 2*C),
			ResW:  make([]float32, C*C),
			ResB:  make([]float32, C),
			SkipW: make([]float32, C*C),
			SkipB: make([]float32, C),
		})
	}
	return w
}

// Clone returns a deep copy of w.
func (w *Weights) Clone() *Weights {
	c := emptyWeights(w.Config)
	dst, src := c.Params(), w.Params()
	for i := range dst {
		copy(dst[i], src[i])
	}
	return c
}

// Hash is the SHA-256 of the model's canonical bytes: a domain tag, the
// config as JSON, every parameter in Weights.Params order as little-endian
// float32 and the L_t table as little-endian float64. Info is not hashed.
// Equal hashes mean equal predictions.
func (m *Model) Hash() [32]byte {
	h := sha256.New()
	h.Write([]byte("ardm-model-v1\x00"))
	cj, err := json.Marshal(m.Weights.Config)
	if err != nil {
		panic("ardm: Hash: " + err.Error())
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(cj)))
	h.Write(n[:])
	h.Write(cj)
	buf := make([]byte, 0, 4096)
	for _, p := range m.Weights.Params() {
		for _, v := range p {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			if len(buf) >= 4096 {
				h.Write(buf)
				buf = buf[:0]
			}
		}
	}
	for _, row := range m.Lt {
		for _, v := range row {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			if len(buf) >= 4096 {
				h.Write(buf)
				buf = buf[:0]
			}
		}
	}
	h.Write(buf)
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// ExpectedLoss is L_t for stage s (1-based) with t of n positions
// revealed, in bits per unrevealed position.
func (m *Model) ExpectedLoss(stage, t, n int) float64 {
	return m.Lt[stage-1][LtBin(t, n)]
}
