package train

// The softmax head's loss: the stage NLL per row and its gradient.

import (
	"fmt"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// lossSpec is the per-step data of the loss: which stage each example
// trains, each row's target digit and weight. The loss op writes each
// weighted row's -ln p(target) to nll.
type lossSpec struct {
	b, T   int
	stage  []int     // per example, 1-based
	target []int32   // per row: digit of the example's stage
	weight []float32 // per row: 0 for revealed positions
	nll    []float64 // per row, written by the forward pass
	level  []float64 // per row: the level g of ardm.Levels (mixture head only; graph_mixture.go)
}

type nllOp struct {
	baseOp
	spec  *lossSpec
	cache *nllCache
}

// nllCache keeps the softmax probabilities of the last forward pass for
// the gradient.
type nllCache struct {
	x []float32 // the logits they were computed from
	p []float64 // row r: the spec.b probabilities of its stage (rows of weight 0: stale)
}

func newNLL(spec *lossSpec) nllOp { return nllOp{mkBase("ardmStageNLL", 1), spec, &nllCache{}} }

func (o nllOp) Type() hm.Type { return fnType(matType, tensor.Float32) }
func (o nllOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return tensor.ScalarShape(), nil
}

// softmaxNLLRow writes the softmax of the logits x (in float64) to p
// (len(x)) and returns -ln p[target].
func softmaxNLLRow(x []float32, target int32, p []float64) float64 {
	p = p[:len(x)]
	m := float64(x[0])
	for _, v := range x[1:] {
		m = math.Max(m, float64(v))
	}
	var s float64
	for j, v := range x {
		e := math.Exp(float64(v) - m)
		p[j] = e
		s += e
	}
	for j := range p {
		p[j] /= s
	}
	return m + math.Log(s) - float64(x[target])
}

func (o nllOp) Do(in ...G.Value) (G.Value, error) {
	x := f32s(in[0])
	N, O := shapeOf(in[0])[0], shapeOf(in[0])[1]
	sp, c := o.spec, o.cache
	if len(sp.weight) != N || len(sp.nll) != N {
		return nil, fmt.Errorf("ardm: loss spec for %d rows, logits have %d", len(sp.weight), N)
	}
	if len(c.p) != N*sp.b {
		c.p = make([]float64, N*sp.b)
	}
	loss := sp.weightedNLL(N, func() func(r int) float64 {
		return func(r int) float64 {
			s := sp.stage[r/sp.T]
			return softmaxNLLRow(x[r*O+(s-1)*sp.b:r*O+s*sp.b], sp.target[r], c.p[r*sp.b:(r+1)*sp.b])
		}
	})
	c.x = x
	return G.NewF32(float32(loss)), nil
}

// weightedNLL fills sp.nll with each row's negative log-likelihood (rows
// of zero weight get 0) and returns sum_r weight[r]*nll[r]. Rows are cut
// into fixed chunks summed in chunk order, so the result does not depend
// on GOMAXPROCS; newRow makes one chunk's row function (with its own
// scratch space).
func (sp *lossSpec) weightedNLL(N int, newRow func() func(r int) float64) float64 {
	parts := make([]float64, (N+rowChunk-1)/rowChunk)
	parallelChunks(N, rowChunk, func(c, lo, hi int) {
		row := newRow()
		var acc float64
		for r := lo; r < hi; r++ {
			if sp.weight[r] == 0 {
				sp.nll[r] = 0
				continue
			}
			nll := row(r)
			sp.nll[r] = nll
			acc += float64(sp.weight[r]) * nll
		}
		parts[c] = acc
	})
	var loss float64
	for _, p := range parts {
		loss += p
	}
	return loss
}
func (o nllOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	return G.Nodes{apply(nllGradOp{mkBase("ardmStageNLLGrad", 2), o.spec, o.cache}, in[0], grad)}, nil
}

// nllGradOp: logits, dloss -> dlogits. It reads the probabilities from
// the forward op's cache when they were computed from the same logits,
// and recomputes them otherwise.
type nllGradOp struct {
	baseOp
	spec  *lossSpec
	cache *nllCache
}

func (o nllGradOp) Type() hm.Type { return fnType(matType, tensor.Float32, matType) }
func (o nllGradOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return shapesOf(ds[:1])[0].Clone(), nil
}
func (o nllGradOp) Do(in ...G.Value) (G.Value, error) {
	x := f32s(in[0])
	dl := float64(scalarF32(in[1]))
	N, O := shapeOf(in[0])[0], shapeOf(in[0])[1]
	sp, c := o.spec, o.cache
	out, dx := o.buf.get(N, O)
	cached := len(c.x) == len(x) && len(x) > 0 && &c.x[0] == &x[0] && len(c.p) == N*sp.b
	parallelChunks(N, rowChunk, func(_, lo, hi int) {
		clear(dx[lo*O : hi*O])
		var p []float64
		if !cached {
			p = make([]float64, sp.b)
		}
		for r := lo; r < hi; r++ {
			w := float64(sp.weight[r])
			if w == 0 {
				continue
			}
			off := r*O + (sp.stage[r/sp.T]-1)*sp.b
			if cached {
				p = c.p[r*sp.b : (r+1)*sp.b]
			} else {
				softmaxNLLRow(x[off:off+sp.b], sp.target[r], p)
			}
			f := dl * w
			d := dx[off : off+sp.b]
			for j, pj := range p {
				d[j] = float32(f * pj)
			}
			t := sp.target[r]
			d[t] = float32(f * (p[t] - 1))
		}
	})
	return out, nil
}
