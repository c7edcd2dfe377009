package eval

import (
	"sync"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/coder"
)

// lockedModel serialises the calls into a coder.Model that is not safe
// for concurrent use (ardm.Predictor reuses its buffers), since the coder
// codes frames and channels on several goroutines. One forward pass
// already runs on every core, so little is lost.
type lockedModel struct {
	mu sync.Mutex
	m  coder.Model
}

// NewCoderModel returns the coder.Model of m that ardm compress and
// decompress use (ardm.Predictor, equal split of a budget over the
// stages), made safe for concurrent use.
func NewCoderModel(m *ardm.Model) coder.Model {
	return &lockedModel{m: ardm.NewPredictor(m)}
}

func (l *lockedModel) Hash() [32]byte { return l.m.Hash() }
func (l *lockedModel) FrameLen() int  { return l.m.FrameLen() }
func (l *lockedModel) Branching() int { return l.m.Branching() }

func (l *lockedModel) Policy(budget, n int) [][]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.m.Policy(budget, n)
}

func (l *lockedModel) Predict(stage, t int, values []uint16, mask []bool, pos []int, dst []float32) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.m.Predict(stage, t, values, mask, pos, dst)
}
