package train

import (
	"fmt"
	"math"

	"github.com/ardm-dev/ardm/ardm"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// netGraph is the gorgonia graph of the network (doc.go) for B examples of
// T positions, optionally with the loss and its gradients. Its parameter
// nodes are bound to the slices of one *Weights, so updating those slices
// in place updates the graph.
type netGraph struct {
	cfg  ardm.Config
	B, T int
	w    *ardm.Weights

	g      *G.ExprGraph
	featV  []float32 // (B*T, ardm.Config.NumFeatures()) input, filled by the caller
	embV   []float32 // (B, EmbedDim) input
	logits *G.Node
	spec   *lossSpec

	// Training only.
	lossV G.Value
	grads []G.Value // per Params() entry; nil for parameters that do not affect the loss
	vm    G.VM

	logitsV G.Value // forward only
}

// newNetGraph builds the graph for w. With train, it adds the stage loss
// and the gradients of every parameter that affects it; otherwise it reads
// the logits.
func newNetGraph(w *ardm.Weights, B, T int, train bool) (*netGraph, error) {
	cfg := w.Config
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := w.CheckShapes(); err != nil {
		return nil, err
	}
	if B < 1 || T < 1 {
		return nil, fmt.Errorf("ardm: graph needs positive batch and length, got %d x %d", B, T)
	}
	C, O, N := cfg.Channels, cfg.Outputs(), B*T
	ng := &netGraph{cfg: cfg, B: B, T: T, w: w, g: G.NewGraph()}
	g := ng.g
	ng.featV = make([]float32, N*cfg.NumFeatures())
	ng.embV = make([]float32, B*cfg.EmbedDim)
	input := func(name string, data []float32, r, c int) *G.Node {
		return G.NewMatrix(g, G.Float32, G.WithShape(r, c), G.WithName(name),
			G.WithValue(tensor.New(tensor.WithShape(r, c), tensor.WithBacking(data))))
	}
	vector := func(name string, data []float32) *G.Node {
		return G.NewVector(g, G.Float32, G.WithShape(len(data)), G.WithName(name),
			G.WithValue(tensor.New(tensor.WithShape(len(data)), tensor.WithBacking(data))))
	}
	feat := input("feat", ng.featV, N, cfg.NumFeatures())
	emb := input("emb", ng.embV, B, cfg.EmbedDim)

	var params []*G.Node
	mat := func(name string, data []float32, r, c int) *G.Node {
		n := input(name, data, r, c)
		params = append(params, n)
		return n
	}
	vec := func(name string, data []float32) *G.Node {
		n := vector(name, data)
		params = append(params, n)
		return n
	}

	// Parameters are created in Weights.Params order.
	inW := mat("InW", w.InW, cfg.NumFeatures(), C)
	inB := vec("InB", w.InB)
	embW := mat("EmbW", w.EmbW, cfg.EmbedDim, C)
	embB := vec("EmbB", w.EmbB)
	type blockNodes struct{ condW, convW, convB, resW, resB, skipW, skipB *G.Node }
	blocks := make([]blockNodes, cfg.Layers)
	for l := range blocks {
		b := &w.Blocks[l]
		blocks[l] = blockNodes{
			condW: mat(fmt.Sprintf("CondW%d", l), b.CondW, C, C),
			convW: mat(fmt.Sprintf("ConvW%d", l), b.ConvW, cfg.Kernel*C, 2*C),
			convB: vec(fmt.Sprintf("ConvB%d", l), b.ConvB),
			resW:  mat(fmt.Sprintf("ResW%d", l), b.ResW, C, C),
			resB:  vec(fmt.Sprintf("ResB%d", l), b.ResB),
			skipW: mat(fmt.Sprintf("SkipW%d", l), b.SkipW, C, C),
			skipB: vec(fmt.Sprintf("SkipB%d", l), b.SkipB),
		}
	}
	out1W := mat("Out1W", w.Out1W, C, C)
	out1B := vec("Out1B", w.Out1B)
	outW := mat("OutW", w.OutW, C, O)
	outB := vec("OutB", w.OutB)

	dense := func(x, w, b *G.Node) *G.Node { return apply(newDense(true, false), x, w, b) }
	e := apply(newAct(actTanh), apply(newDense(true, true), emb, embW, embB))
	h := apply(newDense(true, true), feat, inW, inB)
	skips := make(G.Nodes, cfg.Layers)
	used := make(map[*G.Node]bool)
	for l, bn := range blocks {
		y := apply(newCondAdd(T), h, apply(newDense(false, false), e, bn.condW))
		z := apply(newConv(convGeom{T: T, D: cfg.Dilation(l), K: cfg.Kernel}), y, bn.convW, bn.convB)
		gt := apply(newGate(), z)
		if l < cfg.Layers-1 {
			// The last block's residual output is never read.
			h = apply(newAddScale(float32(1/math.Sqrt2)), h, dense(gt, bn.resW, bn.resB))
			used[bn.resW], used[bn.resB] = true, true
		}
		skips[l] = dense(gt, bn.skipW, bn.skipB)
	}
	o1 := apply(newSkipOut(cfg.Layers, float32(1/math.Sqrt(float64(cfg.Layers)))), skips...)
	o2 := apply(newAct(actRelu), dense(o1, out1W, out1B))
	ng.logits = dense(o2, outW, outB)

	if !train {
		G.Read(ng.logits, &ng.logitsV)
		ng.vm = G.NewTapeMachine(g)
		return ng, nil
	}

	ng.spec = &lossSpec{
		b: cfg.Branching, T: T,
		stage:  make([]int, B),
		target: make([]int32, N),
		weight: make([]float32, N),
		nll:    make([]float64, N),
	}
	loss := apply(newHeadLoss(cfg, ng.spec), ng.logits)
	G.Read(loss, &ng.lossV)
	var wrt G.Nodes
	var idx []int
	for i, p := range params {
		isRes := false
		for _, bn := range blocks {
			if p == bn.resW || p == bn.resB {
				isRes = true
			}
		}
		if isRes && !used[p] {
			continue
		}
		wrt = append(wrt, p)
		idx = append(idx, i)
	}
	gradNodes, err := G.Grad(loss, wrt...)
	if err != nil {
		return nil, fmt.Errorf("ardm: building gradients: %w", err)
	}
	ng.grads = make([]G.Value, len(params))
	for j, gn := range gradNodes {
		G.Read(gn, &ng.grads[idx[j]])
	}
	ng.vm = G.NewTapeMachine(g)
	return ng, nil
}

// run executes the graph once and resets the machine for the next run.
func (ng *netGraph) run() error {
	defer ng.vm.Reset()
	if err := ng.vm.RunAll(); err != nil {
		return fmt.Errorf("ardm: running graph: %w", err)
	}
	return nil
}

// loss is the value of the loss after run.
func (ng *netGraph) loss() float64 { return float64(scalarF32(ng.lossV)) }

// grad is the gradient of parameter i (Params order) after run; nil when
// the parameter does not affect the loss.
func (ng *netGraph) grad(i int) []float32 {
	if ng.grads[i] == nil {
		return nil
	}
	return f32s(ng.grads[i])
}

// close releases the machine.
func (ng *netGraph) close() { ng.vm.Close() }

// graphForward runs the gorgonia graph of w on one frame and returns the
// logits, (len(values), Outputs) row major. It is the reference the
// pure-Go inference forward is tested against; it is slow to build.
func graphForward(w *ardm.Weights, stage, t int, values []uint16, mask []bool) ([]float32, error) {
	n := len(values)
	if len(mask) != n {
		return nil, fmt.Errorf("ardm: graphForward: %d values, %d mask entries", n, len(mask))
	}
	if stage < 1 || stage > w.Config.Stages() {
		return nil, fmt.Errorf("ardm: graphForward: stage %d out of range 1..%d", stage, w.Config.Stages())
	}
	ng, err := newNetGraph(w, 1, n, false)
	if err != nil {
		return nil, err
	}
	defer ng.close()
	ardm.Features(w.Config, stage, values, mask, ng.featV)
	ardm.Embedding(w.Config, t, n, ng.embV)
	if err := ng.run(); err != nil {
		return nil, err
	}
	return append([]float32(nil), f32s(ng.logitsV)...), nil
}
