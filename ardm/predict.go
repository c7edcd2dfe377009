package ardm

import (
	"fmt"
	"sync"

	"github.com/ardm-dev/ardm/ardm/internal/kernels"
)

// Predictor runs a Model for the coder and for generation: it implements
// the coder.Predictor interface (Hash, FrameLen, Branching, Policy, Predict)
// with the deterministic forward pass, so that encoder and decoder get
// bit-identical probabilities on every machine. A Predictor is not safe
// for concurrent use (it reuses its buffers); make one per goroutine.
type Predictor struct {
	m      *Model
	hash   [32]byte
	fw     *Forwarder
	alloc  Allocation
	logits []float32
	mix    mixScratch // mixture head buffers (predict_mixture.go)

	mu       sync.Mutex
	policies map[[2]int][][]int
}

// NewPredictor prepares m for inference. m must be valid (Model.Validate).
func NewPredictor(m *Model) *Predictor {
	if err := m.Validate(); err != nil {
		panic(err)
	}
	return &Predictor{m: m, hash: m.Hash(), fw: NewForwarder(m.Weights), policies: map[[2]int][][]int{}}
}

// SetAllocation chooses how Policy splits a budget across stages
// (AllocEqual by default). Encoder and decoder must use the same.
func (p *Predictor) SetAllocation(a Allocation) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if a != p.alloc {
		p.alloc = a
		clear(p.policies)
	}
}

// SetWorkers sets the goroutines of one forward pass (0: GOMAXPROCS).
func (p *Predictor) SetWorkers(n int) { p.fw.SetWorkers(n) }

// Model returns the model.
func (p *Predictor) Model() *Model { return p.m }

// Hash is the model's content hash.
func (p *Predictor) Hash() [32]byte { return p.hash }

// FrameLen is the model's frame length D.
func (p *Predictor) FrameLen() int { return p.m.Config().FrameLen }

// Branching is the model's branching factor b.
func (p *Predictor) Branching() int { return p.m.Config().Branching }

// Policy returns the step boundaries per stage for n positions under a
// total budget of network calls (budget <= 0: one call per position),
// computed by the budget DP from the model's L_t table and cached.
func (p *Predictor) Policy(budget, n int) [][]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if budget <= 0 {
		budget = 0
	}
	key := [2]int{budget, n}
	if s, ok := p.policies[key]; ok {
		return s
	}
	pol, err := NewPolicy(p.m.Lt, budget, n, p.alloc)
	if err != nil {
		panic(err) // the model was validated; n < 1 is a programmer error
	}
	p.policies[key] = pol.Steps
	return pol.Steps
}

// Predict runs the network once on the stage input (values, mask, t
// revealed) and writes the b-way softmax probabilities of digit stage at
// each position pos[j] into dst[j*b : (j+1)*b]: the softmax of the stage's
// logits, or the mixture head's sub-bin masses (doc.go). Every probability
// is positive; they sum to 1 up to float32 rounding. For OA-ARDM (b =
// 65536) use PredictCDF, TargetBits and the mixture walk instead of
// tables this big.
func (p *Predictor) Predict(stage, t int, values []uint16, mask []bool, pos []int, dst []float32) {
	cfg := p.m.Config()
	b, O := cfg.Branching, cfg.Outputs()
	if len(dst) != len(pos)*b {
		panic(fmt.Sprintf("ardm: Predict: dst has %d values, want %d", len(dst), len(pos)*b))
	}
	if len(pos) == 0 {
		return
	}
	if need := len(pos) * O; cap(p.logits) < need {
		p.logits = make([]float32, need)
	}
	logits := p.logits[:len(pos)*O]
	p.fw.ForwardAt(stage, t, values, mask, pos, logits)
	if cfg.Head == HeadMixture {
		p.mixturePredict(stage, values, mask, pos, logits, dst)
		return
	}
	off := (stage - 1) * b
	for j := range pos {
		kernels.Softmax(logits[j*O+off:j*O+off+b], dst[j*b:(j+1)*b])
	}
}

// TrainingRate is the sample rate in Hz of the audio every model is
// trained on: package datasets prepares all training data at 16 kHz
// (datasets.SampleRate, the rate of Speech Commands), and a checkpoint
// stores no rate of its own.
const TrainingRate = 16000

// SampleRate is the rate of the model's training audio (TrainingRate): the
// coder tries the model only on input at this rate (coder.RatedPredictor).
func (p *Predictor) SampleRate() int { return TrainingRate }
