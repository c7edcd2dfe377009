package train

// Dense layers (x·W + b) and their gradients, and the column sums of the bias gradients.

import (
	"fmt"

	"github.com/ardm-dev/ardm/ardm/internal/kernels"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

type denseOp struct {
	baseOp
	bias bool
	noDX bool // x is a graph input: no gradient with respect to it
}

func newDense(bias, noDX bool) denseOp {
	name := "ardmDense"
	if !bias {
		name += "NoBias"
	}
	if noDX {
		name += "NoDX"
	}
	if bias {
		return denseOp{mkBase(name, 3), true, noDX}
	}
	return denseOp{mkBase(name, 2), false, noDX}
}

func (o denseOp) DiffWRT(n int) []bool {
	d := trues(n)
	d[0] = !o.noDX
	return d
}

func (o denseOp) Type() hm.Type {
	if o.bias {
		return fnType(matType, matType, vecType, matType)
	}
	return fnType(matType, matType, matType)
}

func (o denseOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	s := shapesOf(ds)
	if s[0][1] != s[1][0] {
		return nil, fmt.Errorf("ardm: dense %v x %v", s[0], s[1])
	}
	return tensor.Shape{s[0][0], s[1][1]}, nil
}

func (o denseOp) Do(in ...G.Value) (G.Value, error) {
	x, w := f32s(in[0]), f32s(in[1])
	xs, ws := shapeOf(in[0]), shapeOf(in[1])
	R, I, O := xs[0], xs[1], ws[1]
	out, od := o.buf.get(R, O)
	var b []float32
	if o.bias {
		b = f32s(in[2])
	}
	parallelChunks(R, rowChunk, func(_, lo, hi int) {
		var beta float32
		if b != nil {
			fillRows(od[lo*O:hi*O], b)
			beta = 1
		}
		kernels.TrainGemm(false, hi-lo, O, I, x[lo*I:], I, w, O, beta, od[lo*O:], O)
	})
	return out, nil
}

func (o denseOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	var dx *G.Node
	if !o.noDX {
		dx = apply(denseDXOp{mkBase("ardmDenseDX", 2)}, grad, in[1])
	}
	dw := apply(denseDWOp{mkBase("ardmDenseDW", 2)}, in[0], grad)
	if !o.bias {
		return G.Nodes{dx, dw}, nil
	}
	db := apply(colSumOp{mkBase("ardmColSum", 1)}, grad)
	return G.Nodes{dx, dw, db}, nil
}

// denseDXOp: dy (R,O), W (I,O) -> dy·Wᵀ (R,I).
type denseDXOp struct{ baseOp }

func (o denseDXOp) Type() hm.Type { return fnType(matType, matType, matType) }
func (o denseDXOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	s := shapesOf(ds)
	return tensor.Shape{s[0][0], s[1][0]}, nil
}
func (o denseDXOp) Do(in ...G.Value) (G.Value, error) {
	dy, w := f32s(in[0]), f32s(in[1])
	R, O, I := shapeOf(in[0])[0], shapeOf(in[0])[1], shapeOf(in[1])[0]
	out, od := o.buf.get(R, I)
	// The kernels vectorize over output columns: transpose W once.
	wt := kernels.Transpose(w, I, O)
	parallelChunks(R, rowChunk, func(_, lo, hi int) {
		kernels.TrainGemm(false, hi-lo, I, O, dy[lo*O:], O, wt, I, 0, od[lo*I:], I)
	})
	return out, nil
}

// denseDWOp: x (R,I), dy (R,O) -> xᵀ·dy (I,O), summed over fixed row chunks.
type denseDWOp struct{ baseOp }

func (o denseDWOp) Type() hm.Type { return fnType(matType, matType, matType) }
func (o denseDWOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	s := shapesOf(ds)
	return tensor.Shape{s[0][1], s[1][1]}, nil
}
func (o denseDWOp) Do(in ...G.Value) (G.Value, error) {
	x, dy := f32s(in[0]), f32s(in[1])
	R, I, O := shapeOf(in[0])[0], shapeOf(in[0])[1], shapeOf(in[1])[1]
	out, od := o.buf.get(I, O)
	chunks := (R + rowChunk - 1) / rowChunk
	parts := make([][]float32, chunks)
	parallelChunks(R, rowChunk, func(i, lo, hi int) {
		p := make([]float32, I*O)
		kernels.TrainGemm(true, I, O, hi-lo, x[lo*I:], I, dy[lo*O:], O, 0, p, O)
		parts[i] = p
	})
	sumParts(od, parts)
	return out, nil
}

// fillRows sets every row of dst (rows of len(row)) to row. It copies the
// rows already set, doubling their number up to fillBlock elements, then
// that block; copying one short row at a time costs a call per row.
func fillRows(dst, row []float32) {
	if len(row) == 0 || len(dst)%len(row) != 0 {
		panic("ardm: fillRows: length is not a multiple of the row")
	}
	if len(dst) == 0 {
		return
	}
	n := copy(dst, row)
	for n < len(dst) && n < fillBlock {
		n += copy(dst[n:], dst[:n])
	}
	for block := n; n < len(dst); {
		n += copy(dst[n:], dst[:block])
	}
}

// fillBlock is the size of fillRows' source block (4 KiB, in L1).
const fillBlock = 1024

// sumParts sets dst to the sum of the partial results, added in order.
func sumParts(dst []float32, parts [][]float32) {
	clear(dst)
	for _, p := range parts {
		for j, v := range p {
			dst[j] += v
		}
	}
}

// colSumOp: dy (R,O) -> column sums (O).
type colSumOp struct{ baseOp }

func (o colSumOp) Type() hm.Type { return fnType(matType, vecType) }
func (o colSumOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{shapesOf(ds)[0][1]}, nil
}
func (o colSumOp) Do(in ...G.Value) (G.Value, error) {
	dy := f32s(in[0])
	R, O := shapeOf(in[0])[0], shapeOf(in[0])[1]
	out, od := o.buf.get(O)
	chunks := (R + rowChunk - 1) / rowChunk
	parts := make([][]float64, chunks)
	parallelChunks(R, rowChunk, func(i, lo, hi int) {
		p := make([]float64, O)
		kernels.TrainColSum(p, dy[lo*O:hi*O], hi-lo, O, O)
		parts[i] = p
	})
	acc := make([]float64, O)
	for _, p := range parts {
		for j, v := range p {
			acc[j] += v
		}
	}
	for j, v := range acc {
		od[j] = float32(v)
	}
	return out, nil
}

// ---- condAdd: h (N,C) + c (B,C) repeated over the T rows of each example ----
