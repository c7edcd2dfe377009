package train

// Elementwise ops: residual add-and-scale, scaling, the skip sum and the output activations, with their gradients.

import (
	"fmt"
	"math"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

type addScaleOp struct {
	baseOp
	s float32
}

func newAddScale(s float32) addScaleOp {
	return addScaleOp{mkBase(fmt.Sprintf("ardmAddScale(%x)", math.Float32bits(s)), 2), s}
}

func (o addScaleOp) Type() hm.Type { return fnType(matType, matType, matType) }
func (o addScaleOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return shapesOf(ds)[0].Clone(), nil
}
func (o addScaleOp) Do(in ...G.Value) (G.Value, error) {
	a, b := f32s(in[0]), f32s(in[1])
	s := shapeOf(in[0])
	out, od := o.buf.get(s[0], s[1])
	parallelChunks(len(od), rowChunk*64, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			od[i] = (a[i] + b[i]) * o.s
		}
	})
	return out, nil
}
func (o addScaleOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	d := apply(scaleOp{mkBase(fmt.Sprintf("ardmScale(%x)", math.Float32bits(o.s)), 1), o.s}, grad)
	return G.Nodes{d, d}, nil
}

type scaleOp struct {
	baseOp
	s float32
}

func (o scaleOp) Type() hm.Type { return fnType(matType, matType) }
func (o scaleOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return shapesOf(ds)[0].Clone(), nil
}
func (o scaleOp) Do(in ...G.Value) (G.Value, error) {
	a := f32s(in[0])
	s := shapeOf(in[0])
	out, od := o.buf.get(s[0], s[1])
	parallelChunks(len(od), rowChunk*64, func(_, lo, hi int) {
		for i, v := range a[lo:hi] {
			od[lo+i] = v * o.s
		}
	})
	return out, nil
}

// ---- skipOut: kernels.Relu((s_0 + s_1 + ... + s_{L-1}) * scale) ----

type skipOutOp struct {
	baseOp
	s float32
}

func newSkipOut(L int, s float32) skipOutOp {
	return skipOutOp{mkBase(fmt.Sprintf("ardmSkipOut(%d,%x)", L, math.Float32bits(s)), L), s}
}

func (o skipOutOp) Type() hm.Type {
	ts := make([]hm.Type, o.arity+1)
	for i := range ts {
		ts[i] = matType
	}
	return fnType(ts...)
}
func (o skipOutOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return shapesOf(ds)[0].Clone(), nil
}
func (o skipOutOp) Do(in ...G.Value) (G.Value, error) {
	s := shapeOf(in[0])
	out, od := o.buf.get(s[0], s[1])
	xs := make([][]float32, len(in))
	for i, v := range in {
		xs[i] = f32s(v)
	}
	parallelChunks(len(od), rowChunk*64, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			acc := xs[0][i]
			for _, x := range xs[1:] {
				acc += x[i]
			}
			od[i] = max(acc*o.s, 0)
		}
	})
	return out, nil
}
func (o skipOutOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	d := apply(reluScaleGradOp{mkBase(fmt.Sprintf("ardmReluScaleGrad(%x)", math.Float32bits(o.s)), 2), o.s}, out, grad)
	ds := make(G.Nodes, len(in))
	for i := range ds {
		ds[i] = d
	}
	return ds, nil
}

// reluScaleGradOp: out, dy -> dy * s where out > 0.
type reluScaleGradOp struct {
	baseOp
	s float32
}

func (o reluScaleGradOp) Type() hm.Type { return fnType(matType, matType, matType) }
func (o reluScaleGradOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return shapesOf(ds)[0].Clone(), nil
}
func (o reluScaleGradOp) Do(in ...G.Value) (G.Value, error) {
	y, dy := f32s(in[0]), f32s(in[1])
	s := shapeOf(in[0])
	out, od := o.buf.get(s[0], s[1])
	parallelChunks(len(od), rowChunk*64, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			if y[i] > 0 {
				od[i] = dy[i] * o.s
			} else {
				od[i] = 0
			}
		}
	})
	return out, nil
}

// ---- elementwise activations ----

const (
	actTanh = iota
	actRelu
)

type actOp struct {
	baseOp
	kind int
}

func newAct(kind int) actOp { return actOp{mkBase(fmt.Sprintf("ardmAct(%d)", kind), 1), kind} }

func (o actOp) Type() hm.Type { return fnType(matType, matType) }
func (o actOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return shapesOf(ds)[0].Clone(), nil
}
func (o actOp) Do(in ...G.Value) (G.Value, error) {
	x := f32s(in[0])
	s := shapeOf(in[0])
	out, od := o.buf.get(s[0], s[1])
	parallelChunks(len(od), rowChunk*64, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			if o.kind == actTanh {
				od[i] = float32(math.Tanh(float64(x[i])))
			} else {
				od[i] = max(x[i], 0)
			}
		}
	})
	return out, nil
}
func (o actOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	return G.Nodes{apply(actGradOp{mkBase(fmt.Sprintf("ardmActGrad(%d)", o.kind), 2), o.kind}, out, grad)}, nil
}

// actGradOp: y = act(x), dy -> dx.
type actGradOp struct {
	baseOp
	kind int
}

func (o actGradOp) Type() hm.Type { return fnType(matType, matType, matType) }
func (o actGradOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return shapesOf(ds)[0].Clone(), nil
}
func (o actGradOp) Do(in ...G.Value) (G.Value, error) {
	y, dy := f32s(in[0]), f32s(in[1])
	s := shapeOf(in[0])
	out, od := o.buf.get(s[0], s[1])
	parallelChunks(len(od), rowChunk*64, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			switch v := y[i]; {
			case o.kind == actTanh:
				od[i] = dy[i] * (1 - v*v)
			case v > 0:
				od[i] = dy[i]
			default:
				od[i] = 0
			}
		}
	})
	return out, nil
}

// ---- stage negative log-likelihood ----
