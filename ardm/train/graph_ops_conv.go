package train

// The dilated convolution (im2col and product) and its gradients.

import (
	"fmt"

	"github.com/ardm-dev/ardm/ardm/internal/kernels"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

type convGeom struct {
	T, D, K int // positions per example, dilation, kernel
}

func (g convGeom) geom() string { return fmt.Sprintf("(T=%d,d=%d,K=%d)", g.T, g.D, g.K) }

// tap returns, for tap k, the offset o and the output rows [lo, hi) of an
// example whose input row i+o lies inside the example.
func (g convGeom) tap(k int) (o, lo, hi int) {
	o = (k - (g.K-1)/2) * g.D
	lo, hi = max(0, -o), min(g.T, g.T-o)
	return o, lo, max(lo, hi)
}

type convOp struct {
	baseOp
	convGeom
}

func newConv(g convGeom) convOp {
	return convOp{mkBase("ardmConv"+g.geom(), 3), g}
}

func (o convOp) Type() hm.Type { return fnType(matType, matType, vecType, matType) }
func (o convOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	s := shapesOf(ds)
	if s[1][0] != o.K*s[0][1] || s[0][0]%o.T != 0 {
		return nil, fmt.Errorf("ardm: conv %v, %v, %v", s[0], s[1], o.convGeom)
	}
	return tensor.Shape{s[0][0], s[1][1]}, nil
}
func (o convOp) Do(in ...G.Value) (G.Value, error) {
	y, w, b := f32s(in[0]), f32s(in[1]), f32s(in[2])
	N, C := shapeOf(in[0])[0], shapeOf(in[0])[1]
	C2 := shapeOf(in[1])[1]
	out, z := o.buf.get(N, C2)
	parallelChunks(N/o.T, 1, func(e, _, _ int) {
		base := e * o.T
		fillRows(z[base*C2:(base+o.T)*C2], b)
		for k := 0; k < o.K; k++ {
			off, lo, hi := o.tap(k)
			if hi <= lo {
				continue // the tap reaches outside the example everywhere
			}
			kernels.TrainGemm(false, hi-lo, C2, C, y[(base+lo+off)*C:], C, w[k*C*C2:], C2, 1, z[(base+lo)*C2:], C2)
		}
	})
	return out, nil
}
func (o convOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	dy := apply(convDXOp{mkBase("ardmConvDX"+o.geom(), 2), o.convGeom}, grad, in[1])
	dw := apply(convDWOp{mkBase("ardmConvDW"+o.geom(), 2), o.convGeom}, in[0], grad)
	db := apply(colSumOp{mkBase("ardmColSum", 1)}, grad)
	return G.Nodes{dy, dw, db}, nil
}

// convDXOp: dz (N,2C), W (K*C,2C) -> dy (N,C).
type convDXOp struct {
	baseOp
	convGeom
}

func (o convDXOp) Type() hm.Type { return fnType(matType, matType, matType) }
func (o convDXOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	s := shapesOf(ds)
	return tensor.Shape{s[0][0], s[1][0] / o.K}, nil
}
func (o convDXOp) Do(in ...G.Value) (G.Value, error) {
	dz, w := f32s(in[0]), f32s(in[1])
	N, C2 := shapeOf(in[0])[0], shapeOf(in[0])[1]
	C := shapeOf(in[1])[0] / o.K
	out, dy := o.buf.get(N, C)
	wt := make([][]float32, o.K)
	for k := range wt {
		wt[k] = kernels.Transpose(w[k*C*C2:(k+1)*C*C2], C, C2)
	}
	parallelChunks(N/o.T, 1, func(e, _, _ int) {
		base := e * o.T
		clear(dy[base*C : (base+o.T)*C])
		for k := 0; k < o.K; k++ {
			off, lo, hi := o.tap(k)
			if hi <= lo {
				continue // the tap reaches outside the example everywhere
			}
			kernels.TrainGemm(false, hi-lo, C, C2, dz[(base+lo)*C2:], C2, wt[k], C, 1, dy[(base+lo+off)*C:], C)
		}
	})
	return out, nil
}

// convDWOp: y (N,C), dz (N,2C) -> dW (K*C,2C), partial sums per example
// added in example order.
type convDWOp struct {
	baseOp
	convGeom
}

func (o convDWOp) Type() hm.Type { return fnType(matType, matType, matType) }
func (o convDWOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	s := shapesOf(ds)
	return tensor.Shape{o.K * s[0][1], s[1][1]}, nil
}
func (o convDWOp) Do(in ...G.Value) (G.Value, error) {
	y, dz := f32s(in[0]), f32s(in[1])
	N, C := shapeOf(in[0])[0], shapeOf(in[0])[1]
	C2 := shapeOf(in[1])[1]
	out, dw := o.buf.get(o.K*C, C2)
	B := N / o.T
	parts := make([][]float32, B)
	parallelChunks(B, 1, func(b, _, _ int) {
		p := make([]float32, o.K*C*C2)
		base := b * o.T
		for k := 0; k < o.K; k++ {
			off, lo, hi := o.tap(k)
			if hi <= lo {
				continue // the tap reaches outside the example everywhere
			}
			kernels.TrainGemm(true, C, C2, hi-lo, y[(base+lo+off)*C:], C, dz[(base+lo)*C2:], C2, 0, p[k*C*C2:], C2)
		}
		parts[b] = p
	})
	sumParts(dw, parts)
	return out, nil
}

// ---- gate: tanh(z[:, :C]) * sigmoid(z[:, C:]) ----
