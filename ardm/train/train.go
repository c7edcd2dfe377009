package train

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/stages"

	"github.com/ardm-dev/ardm/audio"
)

// Stream tags keep the random streams of training apart (the batcher uses
// its own tags on the same seed).
const (
	streamExample uint64 = 0x6578616d706c6501 // stage, t and permutation of each example
	streamGain    uint64 = 0x6761696e00000002 // gain augmentation
)

// BatchSource yields the training crops of step number step; the result
// must be a pure function of step (datasets.Batcher is one).
type BatchSource interface {
	Batch(step int, dst [][]int16)
}

// StepStats describes one optimizer step.
type StepStats struct {
	Step     int     // steps done after this one
	Loss     float64 // mean over the batch of the sampled stage's bound estimate, bits/sample
	BPD      float64 // Stages * Loss: unbiased estimate of the total bound, bits/sample
	BPDAvg   float64 // moving average of BPD
	LR       float64 // learning rate used
	GradNorm float64 // global gradient norm before clipping
	Samples  int     // samples (positions) in the batch
}

// Trainer runs the optimisation of one network: Adam with warm-up,
// gradient clipping and an exponential moving average of the weights, on
// the Upscale ARDM objective of doc.go. Every random choice comes from
// (Options.Seed, step), so a run resumed from a checkpoint continues
// exactly as if it had never stopped.
type Trainer struct {
	opts  ardm.TrainOptions
	src   BatchSource
	model *ardm.Model // EMA weights, L_t, info
	st    *ardm.TrainState
	ng    *netGraph
	crops [][]int16
	order []int // scratch: a stratified order of one crop
	fs    ardm.FeatureBuffers
	stop  int     // StopAt: Run ends after this step (0: at Steps)
	wall  float64 // seconds before this session
	start time.Time
}

// New starts a run from weights initialised with opts.Seed.
func New(cfg ardm.Config, opts ardm.TrainOptions, src BatchSource) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	raw := ardm.NewWeights(cfg, opts.Seed)
	m := ardm.NewModel(raw.Clone())
	st := newState(opts, raw)
	m.Info = ardm.TrainInfo{Seed: opts.Seed, Batch: opts.Batch, Crop: opts.Crop, LR: opts.LR, GainAugDB: opts.GainAugDB}
	return newTrainer(m, st, src)
}

// newState is the optimizer state of a run that starts from raw: zero
// Adam moments and no L_t samples.
func newState(opts ardm.TrainOptions, raw *ardm.Weights) *ardm.TrainState {
	st := &ardm.TrainState{Options: opts, Raw: raw}
	for _, p := range raw.Params() {
		st.M = append(st.M, make([]float32, len(p)))
		st.V = append(st.V, make([]float32, len(p)))
	}
	for range raw.Config.Stages() {
		st.LtCount = append(st.LtCount, make([]float64, ardm.LtBins))
	}
	return st
}

// Resume continues the run saved in a training checkpoint. steps,
// when larger than the saved target, extends the run.
func Resume(m *ardm.Model, st *ardm.TrainState, src BatchSource, steps int) (*Trainer, error) {
	if st == nil {
		return nil, fmt.Errorf("ardm: cannot resume: the checkpoint has no training state")
	}
	if steps > st.Options.Steps {
		st.Options.Steps = steps
	}
	if err := st.Options.Validate(); err != nil {
		return nil, err
	}
	if err := st.Check(m.Weights.Config); err != nil {
		return nil, err
	}
	return newTrainer(m, st, src)
}

func newTrainer(m *ardm.Model, st *ardm.TrainState, src BatchSource) (*Trainer, error) {
	o := st.Options
	ng, err := newNetGraph(st.Raw, o.Batch, o.Crop, true)
	if err != nil {
		return nil, err
	}
	tr := &Trainer{opts: o, src: src, model: m, st: st, ng: ng, wall: m.Info.WallSeconds, start: time.Now()}
	tr.order = make([]int, o.Crop)
	tr.crops = make([][]int16, o.Batch)
	for i := range tr.crops {
		tr.crops[i] = make([]int16, o.Crop)
	}
	return tr, nil
}

// StopAt makes Run return (saving the checkpoint) once step has been
// done, short of Steps: the schedule still runs to Steps, so a later
// resume continues the same run exactly. 0 removes the stop.
func (tr *Trainer) StopAt(step int) { tr.stop = step }

// Close releases the graph.
func (tr *Trainer) Close() { tr.ng.close() }

// StepsDone is the number of optimizer steps done.
func (tr *Trainer) StepsDone() int { return tr.st.Step }

// Options are the run's options.
func (tr *Trainer) Options() ardm.TrainOptions { return tr.opts }

// SetData records the training data in the model's TrainInfo.
func (tr *Trainer) SetData(desc string, clips int) {
	tr.model.Info.Data, tr.model.Info.Clips = desc, clips
}

// Model is the current model: the EMA weights, the L_t table and the
// training info. It shares memory with the trainer; Save or copy it before
// the next Step.
func (tr *Trainer) Model() *ardm.Model {
	tr.fillInfo()
	return tr.model
}

// RawWeights are the optimizer's current (non-averaged) weights.
func (tr *Trainer) RawWeights() *ardm.Weights { return tr.st.Raw }

func (tr *Trainer) fillInfo() {
	info := &tr.model.Info
	info.Steps = tr.st.Step
	info.WallSeconds = tr.wall + time.Since(tr.start).Seconds()
	info.TrainBPD = tr.st.BPDAvg
	info.StageBPD = make([]float64, len(tr.model.Lt))
	for s, row := range tr.model.Lt {
		var sum float64
		for _, v := range row {
			sum += v
		}
		info.StageBPD[s] = sum / float64(len(row))
	}
}

// Save writes a training checkpoint (model and optimizer state) to path
// atomically.
func (tr *Trainer) Save(path string) error {
	tr.fillInfo()
	return ardm.SaveCheckpoint(path, tr.model, tr.st)
}

// learningRate is the learning rate of step (0-based) under o's schedule.
func learningRate(o ardm.TrainOptions, step int) float64 {
	f := 1.0
	if o.Warmup > 0 && step < o.Warmup {
		f = float64(step+1) / float64(o.Warmup)
	} else if o.Schedule == ardm.ScheduleCosine && o.Steps > o.Warmup {
		p := math.Min(1, float64(step-o.Warmup)/float64(o.Steps-o.Warmup))
		f = o.MinLRFrac + (1-o.MinLRFrac)*0.5*(1+math.Cos(math.Pi*p))
	}
	return o.LR * f
}

// example is the random draw of one training example.
type example struct {
	stage, t int
}

// prepare fills the graph inputs and loss spec for step.
func (tr *Trainer) prepare(step int) []example {
	o, cfg, ng := tr.opts, tr.model.Weights.Config, tr.ng
	tr.src.Batch(step, tr.crops)
	if o.GainAugDB > 0 {
		grng := rand.New(rand.NewPCG(o.Seed^streamGain, uint64(step)))
		for _, c := range tr.crops {
			gain := math.Pow(10, (grng.Float64()*2-1)*o.GainAugDB/20)
			applyGain(c, gain)
		}
	}
	rng := rand.New(rand.NewPCG(o.Seed^streamExample, uint64(step)))
	T, S, b := o.Crop, cfg.Stages(), cfg.Branching
	exs := make([]example, o.Batch)
	values := make([]uint16, T)
	mask := make([]bool, T)
	for bi, c := range tr.crops {
		s := 1 + rng.IntN(S)
		t := rng.IntN(T)
		// The random permutation is drawn in every mode, so that a run
		// switched to another mask order on --resume (the built-in model's
		// was) keeps the random stream it was started with.
		perm := rng.Perm(T)
		if o.MaskOrder == ardm.MaskStratified || (o.MaskOrder == ardm.MaskMixed && rng.IntN(2) == 0) {
			// perm[i] < t must select the first t positions of the
			// stratified order: perm becomes the rank of each position.
			stages.DrawOrder(rng, tr.order)
			for k, p := range tr.order {
				perm[p] = k
			}
		}
		exs[bi] = example{s, t}
		ng.spec.stage[bi] = s
		w := float32(1 / (float64(T-t) * math.Ln2 * float64(o.Batch)))
		for i, v := range c {
			x := audio.ToUnsigned16(int32(v))
			r := bi*T + i
			mask[i] = perm[i] < t
			ng.spec.target[r] = int32(stages.Digit(x, b, s))
			if mask[i] {
				values[i] = stages.Value(x, b, s)
				ng.spec.weight[r] = 0
			} else {
				values[i] = stages.Value(x, b, s-1)
				ng.spec.weight[r] = w
			}
		}
		F := cfg.NumFeatures()
		tr.fs.Features(cfg, s, values, mask, ng.featV[bi*T*F:(bi+1)*T*F])
		ng.spec.fillLevels(cfg, s, values, mask, bi)
		ardm.Embedding(cfg, t, T, ng.embV[bi*cfg.EmbedDim:(bi+1)*cfg.EmbedDim])
	}
	return exs
}

// applyGain scales a crop, rounding to nearest and clipping to int16.
func applyGain(c []int16, gain float64) {
	for i, v := range c {
		c[i] = int16(math.Max(-32768, math.Min(32767, math.Round(float64(v)*gain))))
	}
}

// Step runs one optimizer step.
func (tr *Trainer) Step() (StepStats, error) {
	o, st, ng := tr.opts, tr.st, tr.ng
	step := st.Step
	exs := tr.prepare(step)
	if err := ng.run(); err != nil {
		return StepStats{}, err
	}
	loss := ng.loss()
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return StepStats{}, fmt.Errorf("ardm: loss is %v at step %d", loss, step)
	}
	S := tr.model.Weights.Config.Stages()
	tr.trackLt(exs)

	// Global gradient norm and clipping.
	params := st.Raw.Params()
	var sq float64
	for i := range params {
		for _, g := range ng.grad(i) {
			sq += float64(g) * float64(g)
		}
	}
	norm := math.Sqrt(sq)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return StepStats{}, fmt.Errorf("ardm: gradient norm is %v at step %d", norm, step)
	}
	clip := 1.0
	if o.ClipNorm > 0 && norm > o.ClipNorm {
		clip = o.ClipNorm / norm
	}

	// Adam with bias correction, then the weight average.
	lr := learningRate(o, step)
	k := float64(step + 1)
	c1, c2 := 1-math.Pow(o.Beta1, k), 1-math.Pow(o.Beta2, k)
	decay := math.Min(o.EMADecay, (1+k)/(10+k))
	ema := tr.model.Weights.Params()
	for i, p := range params {
		g := ng.grad(i)
		m, v, e := st.M[i], st.V[i], ema[i]
		for j := range p {
			var gj float64
			if g != nil {
				gj = float64(g[j]) * clip
			}
			mj := o.Beta1*float64(m[j]) + (1-o.Beta1)*gj
			vj := o.Beta2*float64(v[j]) + (1-o.Beta2)*gj*gj
			m[j], v[j] = float32(mj), float32(vj)
			pj := float64(p[j]) - lr*(mj/c1)/(math.Sqrt(vj/c2)+o.Eps)
			p[j] = float32(pj)
			e[j] = float32(decay*float64(e[j]) + (1-decay)*pj)
		}
	}
	st.Step++

	bpd := float64(S) * loss
	st.AvgCount++
	a := math.Max(1/float64(st.AvgCount), 0.02)
	st.BPDAvg += a * (bpd - st.BPDAvg)
	return StepStats{
		Step: st.Step, Loss: loss, BPD: bpd, BPDAvg: st.BPDAvg,
		LR: lr, GradNorm: norm, Samples: o.Batch * o.Crop,
	}, nil
}

// trackLt folds the step's per-position losses into the L_t table.
func (tr *Trainer) trackLt(exs []example) {
	T, st, m := tr.opts.Crop, tr.st, tr.model
	for bi, ex := range exs {
		var sum float64
		for _, v := range tr.ng.spec.nll[bi*T : (bi+1)*T] {
			sum += v
		}
		bits := sum / math.Ln2 / float64(T-ex.t)
		j := ardm.LtBin(ex.t, T)
		st.LtCount[ex.stage-1][j]++
		a := math.Max(1/st.LtCount[ex.stage-1][j], tr.opts.LtDecay)
		m.Lt[ex.stage-1][j] += a * (bits - m.Lt[ex.stage-1][j])
	}
}

// Run trains until Options.Steps steps are done, writing a training
// checkpoint to path every `every` steps (0: only at the end) and at the
// end. report, if not nil, sees every step. When ctx is cancelled it saves
// a checkpoint and returns ctx.Err().
func (tr *Trainer) Run(ctx context.Context, path string, every int, report func(StepStats)) error {
	end := tr.opts.Steps
	if tr.stop > 0 && tr.stop < end {
		end = tr.stop
	}
	for tr.st.Step < end {
		if err := ctx.Err(); err != nil {
			if path != "" {
				if serr := tr.Save(path); serr != nil {
					return serr
				}
			}
			return err
		}
		s, err := tr.Step()
		if err != nil {
			return err
		}
		if report != nil {
			report(s)
		}
		if path != "" && every > 0 && s.Step%every == 0 && s.Step < tr.opts.Steps {
			if err := tr.Save(path); err != nil {
				return err
			}
		}
	}
	if path != "" {
		return tr.Save(path)
	}
	return nil
}
