package train

import (
	"fmt"
	"math"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/ardm/internal/mixture"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The training loss of the mixture head: for every weighted row, -ln of
// the probability of the target digit (mixture.go, the same arithmetic
// inference uses), weighted like the softmax loss. Its gradient with
// respect to the 3K outputs is exact.

// newHeadLoss returns the loss op of cfg's head over the logits; for the
// mixture head it also sizes spec.level, which the trainer fills per step
// (lossSpec.fillLevels).
func newHeadLoss(cfg ardm.Config, spec *lossSpec) G.Op {
	if cfg.Head != ardm.HeadMixture {
		return newNLL(spec)
	}
	spec.level = make([]float64, len(spec.weight))
	return mixNLLOp{mkBase(fmt.Sprintf("ardmMixNLL(%d)", cfg.Mixtures), 1), spec, cfg}
}

// fillLevels records the levels g of example bi's positions (mixture head
// only; a no-op for the softmax head).
func (sp *lossSpec) fillLevels(cfg ardm.Config, stage int, values []uint16, mask []bool, bi int) {
	if sp.level == nil {
		return
	}
	ardm.Levels(cfg, stage, values, mask, sp.level[bi*sp.T:(bi+1)*sp.T], nil)
}

type mixNLLOp struct {
	baseOp
	spec *lossSpec
	cfg  ardm.Config
}

func (o mixNLLOp) Type() hm.Type { return fnType(matType, tensor.Float32) }
func (o mixNLLOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return tensor.ScalarShape(), nil
}

// mixRowNLL returns -ln p(target) of one row and, when grad is not nil,
// writes d(-ln p)/d(outputs) scaled by scale into grad (len 3K).
func mixRowNLL(cfg ardm.Config, out []float32, stage int, target int, g float64, comps []mixture.Comp, grad []float32, scale float64) float64 {
	K := cfg.Mixtures
	mixture.Comps(out, comps)
	bg := mixture.NewGeom(cfg.Branching, stage, g)
	lo, hi, delta := bg.Edge(target), bg.Edge(target+1), bg.Width()
	var masses [ardm.MaxMixtures]mixture.Mass
	var p float64
	for k := range comps {
		masses[k] = comps[k].Mass(lo, hi, delta)
		p += float64(comps[k].Pi * masses[k].D)
	}
	pe := float64((1-ardm.MixtureEps)*p) + ardm.MixtureEps/float64(bg.B)
	nll := -math.Log(pe)
	if grad == nil {
		return nll
	}
	// d nll / d p = -(1-Eps)/pe.
	dp := -(1 - ardm.MixtureEps) / pe * scale
	for k := range comps {
		c, m := &comps[k], &masses[k]
		grad[k] = float32(dp * c.Pi * (m.D - p))
		// d mass / d mu = -inv (sigma'(zh) - sigma'(zl)).
		grad[K+k] = float32(dp * c.Pi * -c.Inv * (m.Dzh - m.Dzl))
		if c.Free {
			// d mass / d l = -(zh sigma'(zh) - zl sigma'(zl)).
			var th, tl float64
			if m.Dzh != 0 {
				th = m.Zh * m.Dzh
			}
			if m.Dzl != 0 {
				tl = m.Zl * m.Dzl
			}
			grad[2*K+k] = float32(dp * c.Pi * -(th - tl))
		} else {
			grad[2*K+k] = 0
		}
	}
	return nll
}

func (o mixNLLOp) Do(in ...G.Value) (G.Value, error) {
	x := f32s(in[0])
	N, O := shapeOf(in[0])[0], shapeOf(in[0])[1]
	sp := o.spec
	if len(sp.weight) != N || len(sp.nll) != N || len(sp.level) != N || O != o.cfg.Outputs() {
		return nil, fmt.Errorf("ardm: mixture loss spec for %d rows, outputs %d x %d", len(sp.weight), N, O)
	}
	loss := sp.weightedNLL(N, func() func(r int) float64 {
		comps := make([]mixture.Comp, o.cfg.Mixtures)
		return func(r int) float64 {
			return mixRowNLL(o.cfg, x[r*O:(r+1)*O], sp.stage[r/sp.T], int(sp.target[r]), sp.level[r], comps, nil, 0)
		}
	})
	return G.NewF32(float32(loss)), nil
}

func (o mixNLLOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	return G.Nodes{apply(mixNLLGradOp{mkBase(o.name+"Grad", 2), o.spec, o.cfg}, in[0], grad)}, nil
}

type mixNLLGradOp struct {
	baseOp
	spec *lossSpec
	cfg  ardm.Config
}

func (o mixNLLGradOp) Type() hm.Type { return fnType(matType, tensor.Float32, matType) }
func (o mixNLLGradOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return shapesOf(ds[:1])[0].Clone(), nil
}
func (o mixNLLGradOp) Do(in ...G.Value) (G.Value, error) {
	x := f32s(in[0])
	dl := float64(scalarF32(in[1]))
	N, O := shapeOf(in[0])[0], shapeOf(in[0])[1]
	sp := o.spec
	out, dx := o.buf.get(N, O)
	clear(dx)
	parallelChunks(N, rowChunk, func(_, lo, hi int) {
		comps := make([]mixture.Comp, o.cfg.Mixtures)
		for r := lo; r < hi; r++ {
			w := float64(sp.weight[r])
			if w == 0 {
				continue
			}
			mixRowNLL(o.cfg, x[r*O:(r+1)*O], sp.stage[r/sp.T], int(sp.target[r]), sp.level[r], comps, dx[r*O:(r+1)*O], dl*w)
		}
	})
	return out, nil
}
