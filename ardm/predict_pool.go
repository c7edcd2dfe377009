package ardm

import "sync"

// PredictorPool is a Predictor that is safe for concurrent use: each
// Predict call borrows one of a set of Predictors (each with its own
// buffers), so the coder can run frames and channels in parallel. It
// implements the coder.Predictor interface; every Predictor computes the same
// bits, so which one serves a call does not change the result.
type PredictorPool struct {
	m       *Model
	first   *Predictor
	workers int
	mu      sync.Mutex
	free    []*Predictor
}

// NewPredictorPool prepares m for concurrent inference; workers is the
// number of goroutines of each forward pass (0: GOMAXPROCS).
func NewPredictorPool(m *Model, workers int) *PredictorPool {
	p := NewPredictor(m)
	p.SetWorkers(workers)
	return &PredictorPool{m: m, first: p, workers: workers, free: []*Predictor{p}}
}

func (pp *PredictorPool) get() *Predictor {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	if n := len(pp.free); n > 0 {
		p := pp.free[n-1]
		pp.free = pp.free[:n-1]
		return p
	}
	p := NewPredictor(pp.m)
	p.SetWorkers(pp.workers)
	return p
}

func (pp *PredictorPool) put(p *Predictor) {
	pp.mu.Lock()
	pp.free = append(pp.free, p)
	pp.mu.Unlock()
}

// Model returns the model.
func (pp *PredictorPool) Model() *Model { return pp.m }

// Hash is the model's content hash.
func (pp *PredictorPool) Hash() [32]byte { return pp.first.hash }

// FrameLen is the model's frame length D.
func (pp *PredictorPool) FrameLen() int { return pp.first.FrameLen() }

// Branching is the model's branching factor b.
func (pp *PredictorPool) Branching() int { return pp.first.Branching() }

// Policy is Predictor.Policy (cached, safe for concurrent use).
func (pp *PredictorPool) Policy(budget, n int) [][]int { return pp.first.Policy(budget, n) }

// Predict is Predictor.Predict on a borrowed Predictor.
func (pp *PredictorPool) Predict(stage, t int, values []uint16, mask []bool, pos []int, dst []float32) {
	p := pp.get()
	defer pp.put(p)
	p.Predict(stage, t, values, mask, pos, dst)
}

// SampleRate is the rate of the model's training audio (TrainingRate): the
// coder tries the model only on input at this rate (coder.RatedPredictor).
func (pp *PredictorPool) SampleRate() int { return TrainingRate }
