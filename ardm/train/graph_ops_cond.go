package train

// The timestep conditioning: a per-example vector added to every position, and its gradient.

import (
	"fmt"

	"github.com/ardm-dev/ardm/ardm/internal/kernels"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

type condAddOp struct {
	baseOp
	T int
}

func newCondAdd(T int) condAddOp { return condAddOp{mkBase(fmt.Sprintf("ardmCondAdd(%d)", T), 2), T} }

func (o condAddOp) Type() hm.Type { return fnType(matType, matType, matType) }
func (o condAddOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	s := shapesOf(ds)
	if s[0][0] != s[1][0]*o.T || s[0][1] != s[1][1] {
		return nil, fmt.Errorf("ardm: condAdd %v, %v, T=%d", s[0], s[1], o.T)
	}
	return s[0].Clone(), nil
}
func (o condAddOp) Do(in ...G.Value) (G.Value, error) {
	h, c := f32s(in[0]), f32s(in[1])
	N, C := shapeOf(in[0])[0], shapeOf(in[0])[1]
	out, od := o.buf.get(N, C)
	parallelChunks(N, rowChunk, func(_, lo, hi int) {
		for r := lo; r < hi; r++ {
			cb := c[(r/o.T)*C : (r/o.T+1)*C]
			hr, or := h[r*C:(r+1)*C], od[r*C:(r+1)*C]
			for j := range or {
				or[j] = hr[j] + cb[j]
			}
		}
	})
	return out, nil
}
func (o condAddOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	dc := apply(blockSumOp{mkBase(fmt.Sprintf("ardmBlockSum(%d)", o.T), 1), o.T}, grad)
	return G.Nodes{grad, dc}, nil
}

// blockSumOp: dy (B*T, C) -> per-example row sums (B, C).
type blockSumOp struct {
	baseOp
	T int
}

func (o blockSumOp) Type() hm.Type { return fnType(matType, matType) }
func (o blockSumOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	s := shapesOf(ds)[0]
	return tensor.Shape{s[0] / o.T, s[1]}, nil
}
func (o blockSumOp) Do(in ...G.Value) (G.Value, error) {
	dy := f32s(in[0])
	N, C := shapeOf(in[0])[0], shapeOf(in[0])[1]
	B := N / o.T
	out, od := o.buf.get(B, C)
	parallelChunks(B, 1, func(b, _, _ int) {
		acc := make([]float64, C)
		kernels.TrainColSum(acc, dy[b*o.T*C:(b+1)*o.T*C], o.T, C, C)
		for j, v := range acc {
			od[b*C+j] = float32(v)
		}
	})
	return out, nil
}

// ---- dilated conv: z = b + sum_k shift(y, (k-(K-1)/2)*d)·W_k, per example ----
