package train

// Custom gorgonia operations of the training graph. Every activation is a
// float32 matrix in (rows, channels) layout with rows = examples x
// positions; each op has a symbolic derivative built from further ops of
// these files, so gorgonia's Grad differentiates the whole network. The heavy
// lifting is the matrix products of kernels.TrainGemm (SIMD kernels on amd64);
// products whose outputs are rows run on row chunks (or examples) in
// parallel, each output computed whole by one goroutine. Reductions over
// rows are cut into chunks of a fixed size and summed in chunk order, so
// every result is the same for any GOMAXPROCS.

import (
	"fmt"
	"hash"
	"hash/fnv"
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
