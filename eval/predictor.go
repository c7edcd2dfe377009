package eval

import (
	"math"
	"sync"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/coder"
)

// forwardModel adapts an ardm.Model to coder.Model with the deterministic
// pure-Go forward pass and a float64 softmax. It is what eval measures
// with until package ardm exports its own adapter (which should replace
// it: streams must be coded with the one adapter compress and decompress
// use).
type forwardModel struct {
	m     *ardm.Model
	alloc ardm.Allocation
	hash  [32]byte
	pool  sync.Pool // *forwardState
}

type forwardState struct {
	f      *ardm.Forwarder
	logits []float32
}

// newForwardModel wraps m; alloc splits a budget across the stages.
func newForwardModel(m *ardm.Model, alloc ardm.Allocation) *forwardModel {
	fm := &forwardModel{m: m, alloc: alloc, hash: m.Hash()}
	fm.pool.New = func() any { return &forwardState{f: ardm.NewForwarder(m.Weights)} }
	return fm
}

func (fm *forwardModel) Hash() [32]byte { return fm.hash }
func (fm *forwardModel) FrameLen() int  { return fm.m.Config().FrameLen }
func (fm *forwardModel) Branching() int { return fm.m.Config().Branching }

// Policy returns the model's step boundaries; it panics on an invalid L_t
// table (models are validated when loaded).
func (fm *forwardModel) Policy(budget, n int) [][]int {
	p, err := fm.m.Policy(budget, n, fm.alloc)
	if err != nil {
		panic(err)
	}
	return p.Steps
}

// Predict runs the network once and writes the b-way softmax of stage s
// at each position of pos into dst.
func (fm *forwardModel) Predict(stage, t int, values []uint16, mask []bool, pos []int, dst []float32) {
	cfg := fm.m.Config()
	b, O := cfg.Branching, cfg.Outputs()
	st := fm.pool.Get().(*forwardState)
	defer fm.pool.Put(st)
	if cap(st.logits) < len(pos)*O {
		st.logits = make([]float32, len(pos)*O)
	}
	logits := st.logits[:len(pos)*O]
	st.f.ForwardAt(stage, t, values, mask, pos, logits)
	off := (stage - 1) * b
	for j := range pos {
		softmax(logits[j*O+off:j*O+off+b], dst[j*b:(j+1)*b])
	}
}

// softmax writes the softmax of l into dst; every entry is at least the
// smallest positive float32.
func softmax(l, dst []float32) {
	m := l[0]
	for _, v := range l[1:] {
		if v > m {
			m = v
		}
	}
	var e [256]float64
	var sum float64
	for i, v := range l {
		e[i] = math.Exp(float64(v) - float64(m))
		sum += e[i]
	}
	inv := 1 / sum
	for i := range dst {
		p := float32(e[i] * inv)
		if !(p >= math.SmallestNonzeroFloat32) {
			p = math.SmallestNonzeroFloat32
		}
		dst[i] = p
	}
}

var _ coder.Model = (*forwardModel)(nil)
