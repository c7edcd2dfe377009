package train

// The gated activation tanh(z_a) * sigmoid(z_b) and its gradient.

import (
	"github.com/ardm-dev/ardm/ardm/internal/kernels"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// gateOp computes the gate with kernels.TrainGate: the inference
// gate's bits, with the deterministic SIMD kernels.
type gateOp struct {
	baseOp
	cache *gateCache
}

// gateCache keeps tanh and sigmoid of the last forward input for the
// gradient, laid out like z: tanh(z[:, :C]) then sigmoid(z[:, C:]).
type gateCache struct {
	z  []float32 // the input they were computed from
	ts []float32
}

func newGate() gateOp { return gateOp{mkBase("ardmGate", 1), &gateCache{}} }

func (o gateOp) Type() hm.Type { return fnType(matType, matType) }
func (o gateOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	s := shapesOf(ds)[0]
	return tensor.Shape{s[0], s[1] / 2}, nil
}
func (o gateOp) Do(in ...G.Value) (G.Value, error) {
	z := f32s(in[0])
	N, C2 := shapeOf(in[0])[0], shapeOf(in[0])[1]
	C := C2 / 2
	out, g := o.buf.get(N, C)
	if len(o.cache.ts) != len(z) {
		o.cache.ts = make([]float32, len(z))
	}
	ts := o.cache.ts
	parallelChunks(N, rowChunk, func(_, lo, hi int) {
		kernels.TrainGate(g[lo*C:hi*C], ts[lo*C2:hi*C2], z[lo*C2:hi*C2], hi-lo, C)
	})
	o.cache.z = z
	return out, nil
}
func (o gateOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	return G.Nodes{apply(gateGradOp{mkBase("ardmGateGrad", 2), o.cache, &gateRedo{}}, in[0], grad)}, nil
}

// gateGradOp: z (N,2C), dg (N,C) -> dz (N,2C). It reads tanh and sigmoid
// from the forward op's cache when that was computed from the same z, and
// recomputes them into its own otherwise.
type gateGradOp struct {
	baseOp
	cache *gateCache // the forward op's
	redo  *gateRedo
}

// gateRedo holds what gateGradOp recomputes when the forward cache does
// not belong to its z: tanh and sigmoid, and the (unused) gate output.
type gateRedo struct{ g, ts []float32 }

func (o gateGradOp) Type() hm.Type { return fnType(matType, matType, matType) }
func (o gateGradOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	return shapesOf(ds)[0].Clone(), nil
}
func (o gateGradOp) Do(in ...G.Value) (G.Value, error) {
	z, dg := f32s(in[0]), f32s(in[1])
	N, C2 := shapeOf(in[0])[0], shapeOf(in[0])[1]
	C := C2 / 2
	out, dz := o.buf.get(N, C2)
	c := o.cache
	ts := c.ts
	if len(c.z) != len(z) || len(z) == 0 || &c.z[0] != &z[0] || len(c.ts) != len(z) {
		rd := o.redo
		if len(rd.ts) != len(z) {
			rd.g, rd.ts = make([]float32, len(z)/2), make([]float32, len(z))
		}
		ts = rd.ts
		parallelChunks(N, rowChunk, func(_, lo, hi int) {
			kernels.TrainGate(rd.g[lo*C:hi*C], ts[lo*C2:hi*C2], z[lo*C2:hi*C2], hi-lo, C)
		})
	}
	parallelChunks(N, rowChunk, func(_, lo, hi int) {
		kernels.TrainGateGrad(dz[lo*C2:hi*C2], ts[lo*C2:hi*C2], dg[lo*C:hi*C], hi-lo, C)
	})
	return out, nil
}

// ---- addScale: (a + b) * s ----
