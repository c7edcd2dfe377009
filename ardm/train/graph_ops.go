package train

// Custom gorgonia operations of the training graph. Every activation is a
// float32 matrix in (rows, channels) layout with rows = examples x
// positions; each op has a symbolic derivative built from further ops of
// this file, so gorgonia's Grad differentiates the whole network. The heavy
// lifting is the matrix products of trainmm.go (SIMD kernels on amd64);
// products whose outputs are rows run on row chunks (or examples) in
// parallel, each output computed whole by one goroutine. Reductions over
// rows are cut into chunks of a fixed size and summed in chunk order, so
// every result is the same for any GOMAXPROCS.

import (
	"fmt"
	"github.com/ardm-dev/ardm/ardm/internal/kernels"
	"hash"
	"hash/fnv"
	"math"
	"runtime"
	"sync"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// rowChunk is the number of rows each parallel work item handles; it fixes
// the summation order of row reductions.
const rowChunk = 1024

// parallelChunks calls fn(i, lo, hi) for the chunks [i*size, min((i+1)*size,
// n)) on up to GOMAXPROCS goroutines. Chunk boundaries do not depend on the
// number of goroutines.
func parallelChunks(n, size int, fn func(i, lo, hi int)) {
	chunks := (n + size - 1) / size
	workers := min(runtime.GOMAXPROCS(0), chunks)
	if workers <= 1 {
		for i := 0; i < chunks; i++ {
			fn(i, i*size, min((i+1)*size, n))
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, chunks)
	for i := 0; i < chunks; i++ {
		next <- i
	}
	close(next)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i, i*size, min((i+1)*size, n))
			}
		}()
	}
	wg.Wait()
}

// f32s is the float32 data of a gorgonia value.
func f32s(v G.Value) []float32 {
	d, ok := v.Data().([]float32)
	if !ok {
		panic(fmt.Sprintf("ardm: graph value of type %T is not float32", v.Data()))
	}
	return d
}

// scalarF32 reads a scalar gorgonia value.
func scalarF32(v G.Value) float32 {
	switch x := v.(type) {
	case *G.F32:
		return float32(*x)
	default:
		d := f32s(v)
		if len(d) != 1 {
			panic("ardm: graph value is not a scalar")
		}
		return d[0]
	}
}

func shapeOf(v G.Value) tensor.Shape { return v.Shape() }

var (
	matType = G.TensorType{Dims: 2, Of: tensor.Float32}
	vecType = G.TensorType{Dims: 1, Of: tensor.Float32}
)

// fnType builds the type of an op from its argument and result types.
func fnType(ts ...hm.Type) hm.Type { return hm.NewFnType(ts...) }

// baseOp implements the bookkeeping methods shared by every op here. Its
// buffer holds the op's output between runs: the tape machine re-allocates
// every value after each run, so ops reuse their own memory instead. Each
// graph node needs its own op value (mkBase per node).
type baseOp struct {
	name  string
	arity int
	buf   *outBuf
}

func mkBase(name string, arity int) baseOp { return baseOp{name, arity, &outBuf{}} }

// outBuf is a reusable output tensor. The contents are stale on reuse.
type outBuf struct {
	t *tensor.Dense
	d []float32
}

// get returns an output tensor of the given shape, reusing the previous
// one when the shape matches. Callers overwrite or clear every element.
func (b *outBuf) get(shape ...int) (*tensor.Dense, []float32) {
	n := 1
	for _, s := range shape {
		n *= s
	}
	if b.t != nil && len(b.d) == n && b.t.Shape().Eq(tensor.Shape(shape)) {
		return b.t, b.d
	}
	b.d = make([]float32, n)
	b.t = tensor.New(tensor.WithShape(shape...), tensor.WithBacking(b.d))
	return b.t, b.d
}

func (o baseOp) Arity() int            { return o.arity }
func (o baseOp) ReturnsPtr() bool      { return false }
func (o baseOp) CallsExtern() bool     { return false }
func (o baseOp) OverwritesInput() int  { return -1 }
func (o baseOp) WriteHash(h hash.Hash) { fmt.Fprint(h, o.name) }
func (o baseOp) String() string        { return o.name }
func (o baseOp) Hashcode() uint32      { h := fnv.New32a(); o.WriteHash(h); return h.Sum32() }
func (o baseOp) DiffWRT(n int) []bool  { return trues(n) }

func trues(n int) []bool {
	b := make([]bool, n)
	for i := range b {
		b[i] = true
	}
	return b
}

func shapesOf(ds []G.DimSizer) []tensor.Shape {
	out := make([]tensor.Shape, len(ds))
	for i, d := range ds {
		s, ok := d.(tensor.Shape)
		if !ok {
			panic(fmt.Sprintf("ardm: unexpected DimSizer %T", d))
		}
		out[i] = s
	}
	return out
}

// apply is G.ApplyOp that panics on error: the graph is built from
// validated configs, so a failure is a bug.
func apply(op G.Op, in ...*G.Node) *G.Node {
	n, err := G.ApplyOp(op, in...)
	if err != nil {
		panic(fmt.Sprintf("ardm: building graph: %v: %v", op, err))
	}
	return n
}

// ---- dense: x·W (+ b) ----

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

// gateOp computes the gate with gateTrain (traingate.go): the inference
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
