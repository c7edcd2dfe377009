package ardm

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/ardm-dev/ardm/ardm/internal/kernels"
)

// The deterministic inference forward pass.
//
// Every output element is computed by one fixed sequence of float32
// operations that does not depend on how positions are split across
// goroutines or into tiles: a matrix product element is
// acc = bias; acc += float32(x[j]*w[j]) for j ascending (the explicit
// conversion prevents FMA fusion on arm64), and the nonlinearities are the
// functions of package kernels. The result is therefore bit-identical for any
// GOMAXPROCS and on every architecture.

// tileRows is the number of positions a worker processes at a time (a
// multiple of the kernels' row block, so that buffers stay in cache).
const tileRows = 48

// minRowsPerWorker bounds how finely the positions are split.
const minRowsPerWorker = 256

// Forwarder runs the inference forward pass of one set of weights. It
// holds the weights in the kernels' layout (copied when it is made, so
// later changes to the Weights are not seen) and reuses its buffers across
// calls. A Forwarder is not safe for concurrent use; make one per
// goroutine.
type Forwarder struct {
	cfg     Config
	workers int // 0: runtime.GOMAXPROCS

	inW    kernels.Mat // Config.NumFeatures() -> C
	inB    []float32
	embWt  []float32 // [C][EmbedDim]
	embB   []float32
	blocks []fwdBlock
	out1W  kernels.Mat // C -> C
	out1B  []float32
	outW   kernels.Mat // C -> Outputs
	outB   []float32

	// Per-call state.
	n             int
	feat          []float32      // [n][Config.NumFeatures()]
	fs            FeatureBuffers // Features' buffers, kept between calls
	h, hNext, skp []float32      // [n][C]
	emb, e        []float32
	cond          [][]float32 // per block, [C]
	scratch       []*fwdScratch

	// rowSets[l] lists, ascending, the positions at which block l runs
	// when the output is wanted at a subset of positions (see rowsNeeded);
	// need marks positions while they are computed.
	rowSets [][]int
	need    []bool
}

type fwdBlock struct {
	condWt []float32   // [C][C]
	convW  kernels.Mat // Kernel*C -> 2C
	convB  []float32   // [2C]
	rsW    kernels.Mat // C -> 2C: residual outputs then skip outputs
	rsB    []float32   // [2C]
}

// concatCols returns the row-major [rows][ca+cb] matrix whose row i is row
// i of a ([rows][ca]) followed by row i of b ([rows][cb]).
func concatCols(a, b []float32, rows, ca, cb int) []float32 {
	checkLen("matrix", a, rows*ca)
	checkLen("matrix", b, rows*cb)
	m := make([]float32, 0, rows*(ca+cb))
	for i := 0; i < rows; i++ {
		m = append(m, a[i*ca:(i+1)*ca]...)
		m = append(m, b[i*cb:(i+1)*cb]...)
	}
	return m
}

type fwdScratch struct {
	col []float32 // [tileRows][Kernel*C]
	z   []float32 // [tileRows][2C]
	g   []float32 // [tileRows][C]
	rs  []float32 // [tileRows][2C]
	o   []float32 // [tileRows][C]
	o2  []float32 // [tileRows][C]
}

func checkLen(name string, v []float32, n int) {
	if len(v) != n {
		panic(fmt.Sprintf("ardm: %s has %d values, want %d", name, len(v), n))
	}
}

// NewForwarder prepares the inference kernels for w. It panics if the
// weights do not match their Config (a programmer error; checkpoints are
// validated when loaded).
func NewForwarder(w *Weights) *Forwarder {
	cfg := w.Config
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	C, K, O := cfg.Channels, cfg.Kernel, cfg.Outputs()
	if len(w.Blocks) != cfg.Layers {
		panic(fmt.Sprintf("ardm: %d blocks, config says %d layers", len(w.Blocks), cfg.Layers))
	}
	checkLen("InB", w.InB, C)
	checkLen("EmbB", w.EmbB, C)
	checkLen("Out1B", w.Out1B, C)
	checkLen("OutB", w.OutB, O)
	f := &Forwarder{
		cfg:   cfg,
		inW:   kernels.NewMat(w.InW, cfg.NumFeatures(), C),
		inB:   append([]float32(nil), w.InB...),
		embWt: kernels.Transpose(w.EmbW, cfg.EmbedDim, C),
		embB:  append([]float32(nil), w.EmbB...),
		out1W: kernels.NewMat(w.Out1W, C, C),
		out1B: append([]float32(nil), w.Out1B...),
		outW:  kernels.NewMat(w.OutW, C, O),
		outB:  append([]float32(nil), w.OutB...),
	}
	for l := range w.Blocks {
		b := &w.Blocks[l]
		checkLen("ConvB", b.ConvB, 2*C)
		checkLen("ResB", b.ResB, C)
		checkLen("SkipB", b.SkipB, C)
		f.blocks = append(f.blocks, fwdBlock{
			condWt: kernels.Transpose(b.CondW, C, C),
			convW:  kernels.NewMat(b.ConvW, K*C, 2*C),
			convB:  append([]float32(nil), b.ConvB...),
			rsW:    kernels.NewMat(concatCols(b.ResW, b.SkipW, C, C, C), C, 2*C),
			rsB:    append(append([]float32(nil), b.ResB...), b.SkipB...),
		})
	}
	f.emb = make([]float32, cfg.EmbedDim)
	f.e = make([]float32, C)
	f.cond = make([][]float32, cfg.Layers)
	for l := range f.cond {
		f.cond[l] = make([]float32, C)
	}
	return f
}

// SetWorkers sets the number of goroutines Forward uses (0, the default,
// means runtime.GOMAXPROCS(0)). The result does not depend on it.
func (f *Forwarder) SetWorkers(n int) { f.workers = n }

// Config returns the network configuration.
func (f *Forwarder) Config() Config { return f.cfg }

// Forward computes the logits of the network of ardm/doc.go at every one
// of the n = len(values) positions into logits (n * Outputs, row major).
// t is the number of positions revealed in this stage (it sets the
// revealed-fraction embedding t/n).
func (w *Weights) Forward(stage, t int, values []uint16, mask []bool, logits []float32) {
	NewForwarder(w).Forward(stage, t, values, mask, logits)
}

// Forward computes the logits at every position into logits (len(values)
// * Outputs, row major). See Weights.Forward.
func (f *Forwarder) Forward(stage, t int, values []uint16, mask []bool, logits []float32) {
	f.ForwardAt(stage, t, values, mask, nil, logits)
}

// ForwardAt is Forward computing the output layers only at the positions
// pos (all positions when pos is nil): logits[j*Outputs : (j+1)*Outputs]
// are the logits at position pos[j]. The values are bit-identical to those
// of Forward at the same positions.
func (f *Forwarder) ForwardAt(stage, t int, values []uint16, mask []bool, pos []int, logits []float32) {
	n := len(values)
	O := f.cfg.Outputs()
	rows := n
	if pos != nil {
		rows = len(pos)
		for _, p := range pos {
			if p < 0 || p >= n {
				panic(fmt.Sprintf("ardm: Forward: position %d out of range 0..%d", p, n-1))
			}
		}
	}
	if len(mask) != n || len(logits) != rows*O {
		panic(fmt.Sprintf("ardm: Forward: lengths values %d, mask %d, logits %d (want %d)", n, len(mask), len(logits), rows*O))
	}
	if n == 0 {
		return
	}
	f.prepare(stage, t, values, mask)
	nw := f.numWorkers(n)
	for len(f.scratch) < nw {
		f.scratch = append(f.scratch, f.newScratch())
	}
	f.parallel(n, nw, f.inputLayer)
	var sets [][]int
	if pos != nil {
		sets = f.rowsNeeded(pos)
	}
	for l := range f.blocks {
		if sets == nil {
			f.parallel(n, nw, func(ws *fwdScratch, a, b int) { f.block(ws, l, nil, a, b) })
		} else {
			rl := sets[l]
			f.parallel(len(rl), f.numWorkers(len(rl)), func(ws *fwdScratch, a, b int) { f.block(ws, l, rl, a, b) })
		}
		f.h, f.hNext = f.hNext, f.h
	}
	f.parallel(rows, f.numWorkers(rows), func(ws *fwdScratch, a, b int) { f.head(ws, pos, a, b, logits) })
}

func (f *Forwarder) numWorkers(n int) int {
	nw := f.workers
	if nw <= 0 {
		nw = runtime.GOMAXPROCS(0)
	}
	if m := (n + minRowsPerWorker - 1) / minRowsPerWorker; nw > m {
		nw = m
	}
	if nw < 1 {
		nw = 1
	}
	return nw
}

func (f *Forwarder) newScratch() *fwdScratch {
	C, K := f.cfg.Channels, f.cfg.Kernel
	return &fwdScratch{
		col: make([]float32, tileRows*K*C),
		z:   make([]float32, tileRows*2*C),
		g:   make([]float32, tileRows*C),
		rs:  make([]float32, tileRows*2*C),
		o:   make([]float32, tileRows*C),
		o2:  make([]float32, tileRows*C),
	}
}

// parallel splits rows 0..n-1 into nw contiguous ranges and runs fn on
// each, with worker i's scratch.
func (f *Forwarder) parallel(n, nw int, fn func(ws *fwdScratch, a, b int)) {
	splitRanges(n, min(nw, len(f.scratch)), func(i, a, b int) { fn(f.scratch[i], a, b) })
}

// splitRanges splits 0..n-1 into nw contiguous ranges, range i being
// i*n/nw .. (i+1)*n/nw-1, and runs fn(i, a, b) on each, on its own
// goroutine (on the caller's alone when nw <= 1, as fn(0, 0, n)). Callers
// compute every row the same way whatever range holds it, so their
// results do not depend on nw.
func splitRanges(n, nw int, fn func(i, a, b int)) {
	if nw <= 1 {
		fn(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for i := 0; i < nw; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(i, i*n/nw, (i+1)*n/nw)
		}()
	}
	wg.Wait()
}

// prepare computes the features, the embedding and the per-block
// conditioning vectors, and sizes the buffers for n positions.
func (f *Forwarder) prepare(stage, t int, values []uint16, mask []bool) {
	cfg := f.cfg
	n, C := len(values), cfg.Channels
	if stage < 1 || stage > cfg.Stages() {
		panic(fmt.Sprintf("ardm: Forward: stage %d out of range 1..%d", stage, cfg.Stages()))
	}
	if t < 0 || t > n {
		panic(fmt.Sprintf("ardm: Forward: t = %d out of range 0..%d", t, n))
	}
	if f.n != n {
		f.n = n
		f.feat = make([]float32, n*cfg.NumFeatures())
		f.h = make([]float32, n*C)
		f.hNext = make([]float32, n*C)
		f.skp = make([]float32, n*C)
	}
	f.fs.workers = f.numWorkers(n)
	f.fs.Features(cfg, stage, values, mask, f.feat)
	Embedding(cfg, t, n, f.emb)
	for o := 0; o < C; o++ {
		f.e[o] = kernels.Tanh(kernels.Dot(f.embB[o], f.emb, f.embWt[o*cfg.EmbedDim:(o+1)*cfg.EmbedDim]))
	}
	for l, b := range f.blocks {
		for o := 0; o < C; o++ {
			f.cond[l][o] = kernels.Dot(0, f.e, b.condWt[o*C:(o+1)*C])
		}
	}
}

func (f *Forwarder) inputLayer(_ *fwdScratch, a, b int) {
	C, F := f.cfg.Channels, f.cfg.NumFeatures()
	kernels.Gemm(f.h[a*C:b*C], f.feat[a*F:b*F], &f.inW, f.inB, b-a)
	clear(f.skp[a*C : b*C])
}

// rowsNeeded returns, for each block l, the ascending positions at which
// block l must run for the head to see every input at the positions pos:
// the last block runs at pos, and block l-1 at block l's positions, each
// moved by every tap offset of block l's dilated kernel (inside the
// frame), and at pos for its skip output. A position's computation does
// not depend on which others are computed, so the logits at pos are
// bit-identical to a full forward's. The coder reveals positions that are
// spread evenly (stages.StratifiedOrder), often all in one residue class
// modulo a power of two, and the dilations are powers of two, so the upper
// blocks run at few more positions than pos: most of a call's work.
func (f *Forwarder) rowsNeeded(pos []int) [][]int {
	n, K := f.n, f.cfg.Kernel
	if len(f.need) != n {
		f.need = make([]bool, n)
	}
	need := f.need
	clear(need)
	for _, p := range pos {
		need[p] = true
	}
	L := len(f.blocks)
	if len(f.rowSets) != L {
		f.rowSets = make([][]int, L)
	}
	for l := L - 1; l >= 0; l-- {
		rl := f.rowSets[l][:0]
		for i, ok := range need {
			if ok {
				rl = append(rl, i)
			}
		}
		f.rowSets[l] = rl
		if l == 0 {
			break
		}
		d := f.cfg.Dilation(l)
		for _, i := range rl {
			for k := 0; k < K; k++ {
				if src := i + (k-(K-1)/2)*d; src >= 0 && src < n {
					need[src] = true
				}
			}
		}
	}
	return f.rowSets
}

// block runs gated residual block l, reading f.h and writing f.hNext and
// f.skp, on positions a..b-1, or on rows[a:b] when rows is not nil.
func (f *Forwarder) block(ws *fwdScratch, l int, rows []int, a, b int) {
	cfg := f.cfg
	n, C, K := f.n, cfg.Channels, cfg.Kernel
	KC := K * C
	d := cfg.Dilation(l)
	blk := &f.blocks[l]
	cond := f.cond[l][:C]
	const s = float32(1 / math.Sqrt2)
	for i0 := a; i0 < b; i0 += tileRows {
		nr := min(tileRows, b-i0)
		col := ws.col[:nr*KC]
		for r := 0; r < nr; r++ {
			i := i0 + r
			if rows != nil {
				i = rows[i]
			}
			for k := 0; k < K; k++ {
				dst := col[r*KC+k*C:][:C]
				src := i + (k-(K-1)/2)*d
				if src < 0 || src >= n {
					clear(dst)
					continue
				}
				hs := f.h[src*C:][:C]
				for j, c := range cond {
					dst[j] = hs[j] + c
				}
			}
		}
		z := ws.z[:nr*2*C]
		kernels.Gemm(z, col, &blk.convW, blk.convB, nr)
		g := ws.g[:nr*C]
		kernels.Gate(g, z, nr, C)
		rs := ws.rs[:nr*2*C]
		kernels.Gemm(rs, g, &blk.rsW, blk.rsB, nr)
		for r := 0; r < nr; r++ {
			i := i0 + r
			if rows != nil {
				i = rows[i]
			}
			rr := rs[r*2*C:][:C]
			rk := rs[r*2*C+C:][:C]
			h := f.h[i*C:][:C]
			hn := f.hNext[i*C:][:C]
			sk := f.skp[i*C:][:C]
			for j, x := range h {
				hn[j] = float32(x+rr[j]) * s
				sk[j] += rk[j]
			}
		}
	}
}

// head runs the output layers on rows a..b-1 of the output (positions
// pos[a:b], or a..b-1 when pos is nil).
func (f *Forwarder) head(ws *fwdScratch, pos []int, a, b int, logits []float32) {
	C, O := f.cfg.Channels, f.cfg.Outputs()
	sc := float32(1 / math.Sqrt(float64(f.cfg.Layers)))
	for i0 := a; i0 < b; i0 += tileRows {
		rows := min(tileRows, b-i0)
		o := ws.o[:rows*C]
		for r := 0; r < rows; r++ {
			p := i0 + r
			if pos != nil {
				p = pos[p]
			}
			sk := f.skp[p*C : (p+1)*C]
			or := o[r*C : (r+1)*C]
			for j := range or {
				or[j] = kernels.Relu(float32(sk[j] * sc))
			}
		}
		o2 := ws.o2[:rows*C]
		kernels.Gemm(o2, o, &f.out1W, f.out1B, rows)
		for j := range o2 {
			o2[j] = kernels.Relu(o2[j])
		}
		kernels.Gemm(logits[i0*O:(i0+rows)*O], o2, &f.outW, f.outB, rows)
	}
}
