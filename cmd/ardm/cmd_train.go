package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"time"

	"github.com/ardm-dev/ardm/ardm/train"

	"github.com/spf13/cobra"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/datasets"
)

func init() { register(newTrainCmd) }

// trainOptions are the flags of `ardm train`.
type trainOptions struct {
	Data            string
	Split           string
	Out             string
	Export          string
	Resume          bool
	Init            string
	CheckpointEvery int
	MemLimitGiB     float64
	StopAt          int
	maskOrderSet    bool     // --mask-order given: overrides the checkpoint's on --resume
	stepsSet        bool     // --steps given: may extend the run on --resume
	netSet          []string // network flags given: with --init they must match the model's
	cfg             ardm.Config
	train           ardm.TrainOptions
}

func (o *trainOptions) AddFlags(cmd *cobra.Command) {
	c, t := recipe()
	o.cfg, o.train = c, t
	f := cmd.Flags()
	f.StringVar(&o.Data, "data", "", "shard directory written by `ardm dataset prepare` (required)")
	f.StringVar(&o.Split, "split", "train", "split of the shards to train on")
	f.StringVar(&o.Out, "out", "", "training checkpoint to write (and read with --resume); it is also a model file (required)")
	f.StringVar(&o.Export, "export", "", "also write the inference model (EMA weights and L_t, no optimizer state) here at the end")
	f.BoolVar(&o.Resume, "resume", false, "continue the run saved in --out exactly where it stopped")
	f.StringVar(&o.Init, "init", "", "fine-tune: start from this model's weights (a model or checkpoint file, or \"builtin\" for the built-in model) with fresh optimizer state; the network is the model's")
	f.IntVar(&o.CheckpointEvery, "checkpoint-every", 200, "write the checkpoint every N steps (0: only at the end or on interrupt)")
	f.Float64Var(&o.MemLimitGiB, "mem-limit", 8, "soft memory limit in GiB for the Go runtime (ignored when GOMEMLIMIT is set)")

	f.IntVar(&o.cfg.Branching, "branching", c.Branching, "branching factor b: 2, 4, 16 or 256; 65536 is OA-ARDM (one stage, needs --head mixture)")
	f.StringVar(&o.cfg.Head, "head", c.Head, "output head: softmax (a free b-way softmax per stage) or mixture (discretized logistic mixture over the full value)")
	f.IntVar(&o.cfg.Mixtures, "mixtures", 0, "mixture components K of --head mixture (0: 8)")
	f.IntVar(&o.cfg.Channels, "channels", c.Channels, "residual channels")
	f.IntVar(&o.cfg.Layers, "layers", c.Layers, "gated residual blocks")
	f.IntVar(&o.cfg.DilationCycle, "dilation-cycle", c.DilationCycle, "block l uses dilation 2^(l mod cycle)")
	f.IntVar(&o.cfg.Kernel, "kernel", c.Kernel, "odd convolution width")
	f.IntVar(&o.cfg.EmbedDim, "embed-dim", c.EmbedDim, "size of the revealed-fraction embedding")
	f.IntVar(&o.cfg.FrameLen, "frame-len", c.FrameLen, "samples per frame the model codes")
	f.IntVar(&o.cfg.Features, "features", c.Features, "input feature set: 0 (level-normalised values), 1 (adds the neighbours' interpolation in units of the unknown range), 2 (adds an AR model's two-sided interpolation) or 3 (adds how far the revealed fine values stray from coarser predictions; EXPERIMENTS.md)")

	f.IntVar(&o.train.Batch, "batch", t.Batch, "examples per step")
	f.IntVar(&o.train.Crop, "crop", t.Crop, "samples per example (random crops of the clips)")
	f.IntVar(&o.train.Steps, "steps", t.Steps, "total optimizer steps (with --resume: extends the run if larger)")
	f.IntVar(&o.StopAt, "stop-at", 0, "stop after this step, checkpoint written, as if interrupted there (the schedule still runs to --steps; continue with --resume); 0: run to --steps")
	f.StringVar(&o.train.MaskOrder, "mask-order", t.MaskOrder, "how an example picks its revealed positions: random (the paper), stratified (the order the coder uses) or mixed (either, half the time); may change on --resume, to fine-tune for the coder's order")
	f.Float64Var(&o.train.LR, "lr", t.LR, "peak learning rate (Adam)")
	f.IntVar(&o.train.Warmup, "warmup", t.Warmup, "linear learning-rate warm-up steps")
	f.StringVar(&o.train.Schedule, "schedule", t.Schedule, "learning-rate schedule after warm-up: constant or cosine")
	f.Float64Var(&o.train.MinLRFrac, "min-lr-frac", t.MinLRFrac, "cosine schedule: final rate as a fraction of --lr")
	f.Float64Var(&o.train.ClipNorm, "clip-norm", t.ClipNorm, "clip the global gradient norm to this (0: off)")
	f.Float64Var(&o.train.EMADecay, "ema-decay", t.EMADecay, "decay of the weight average used for inference")
	f.Float64Var(&o.train.GainAugDB, "gain-aug", t.GainAugDB, "random gain per example, log-uniform in +-DB decibels (0: off)")
}

// recipe is what train does without flags: the recipe of the built-in
// model (EXPERIMENTS.md, run r11). One-bit stages (b=2) beat b=4 and
// b=16 after the same steps; feature set 3 and stratified masks beat the
// smaller feature sets and the paper's random masks, and 16 channels beat
// wider nets at equal CPU time on this machine.
func recipe() (ardm.Config, ardm.TrainOptions) {
	c, t := ardm.DefaultConfig(), ardm.DefaultTrainOptions()
	c.Branching, c.Channels, c.Layers, c.DilationCycle, c.Features = 2, 16, 10, 10, ardm.FeaturesFine
	t.LR, t.Schedule, t.MinLRFrac, t.GainAugDB, t.MaskOrder = 3e-3, ardm.ScheduleCosine, 0.05, 12, ardm.MaskStratified
	return c, t
}

// networkFlags are the flags that shape the network; with --init the
// network is the initial model's, so each one given must match it.
var networkFlags = map[string]func(ardm.Config) any{
	"branching": func(c ardm.Config) any { return c.Branching }, "head": func(c ardm.Config) any { return c.Head },
	"mixtures": func(c ardm.Config) any { return c.Mixtures }, "channels": func(c ardm.Config) any { return c.Channels },
	"layers": func(c ardm.Config) any { return c.Layers }, "dilation-cycle": func(c ardm.Config) any { return c.DilationCycle },
	"kernel": func(c ardm.Config) any { return c.Kernel }, "embed-dim": func(c ardm.Config) any { return c.EmbedDim },
	"frame-len": func(c ardm.Config) any { return c.FrameLen }, "features": func(c ardm.Config) any { return c.Features },
}

// initBuiltin is the --init value that names the built-in model.
const initBuiltin = "builtin"

// fixedOnResume are the flags a resumed run takes from the checkpoint.
var fixedOnResume = []string{"branching", "head", "mixtures", "channels", "layers", "dilation-cycle", "kernel", "embed-dim", "frame-len", "features",
	"batch", "crop", "lr", "warmup", "schedule", "min-lr-frac", "clip-norm", "ema-decay", "gain-aug", "seed"}

func newTrainCmd(gopts *globalOptions) *cobra.Command {
	var opts trainOptions
	cmd := &cobra.Command{
		Use:   "train --data SHARDS --out MODEL",
		Short: "Train an Upscale ARDM on prepared shards",
		Long: `train optimises an Upscale ARDM (doc of package ardm) on random crops of the
clips of a shard directory: each example draws a stage, a number t of
revealed positions and which ones (--mask-order: a random set, as in the
paper, or a prefix of the stratified order the coder reveals positions in,
which is what the model meets when it compresses); the loss is the
unbiased estimate of that stage's bound. Adam with warm-up, gradient
clipping and an exponential moving average of the weights (the inference
weights); the expected loss per position L_t is tracked per stage and
revealed fraction for the budget policy. Every random choice comes from
--seed: one seed reproduces the run bit for bit, and --resume continues
exactly as if the run had not stopped.

The defaults are the recipe of the built-in model (run r11 in
EXPERIMENTS.md; README.md "Retraining the built-in model"): b=2
(16 stages of one bit), 16 channels x 10 layers (dilation cycle 10),
feature set 3, stratified masks, lr 3e-3 with a cosine decay to 5%, gain
augmentation +-12 dB. At this size the digit size matters most: after the
same 4000 steps b=2 is 0.12 bits/sample below b=4 and 0.49 below b=16 on
real speech. On 2 cores a step takes about 0.05 s.

Fine-tuning: --init MODEL starts from the weights of a trained model (a
model or checkpoint file, or "builtin" for the built-in model; a file
named builtin is ./builtin) instead of random ones. The network is the
model's: network flags may be left out, and any given must match it.
Everything else starts afresh: Adam's moments at zero, step 0, the
warm-up and the --lr schedule over --steps, the L_t table measured on
the new data; the inference weights (EMA) start at the model's. A
fine-tuning run checkpoints and resumes like any other (--resume, without
--init). A lower --lr than a run from scratch keeps more of what the model
knew (EXPERIMENTS.md).

Inputs: --data (shards), the network and optimiser flags.
Outputs: the training checkpoint --out (model plus optimizer state, written
atomically every --checkpoint-every steps, at the end and on Ctrl-C; any
command that takes --model reads it), optionally --export (model only), and
a summary on stdout (--json: one object). Progress (step, loss, bpd, moving
average, samples/s, ETA) goes to stderr.

Example:
  ardm train --data data/sc09 --steps 16000 --out b2.ardmm
  ardm train --data data/sc09 --out b2.ardmm --resume
  ardm train --data data/real --init builtin --lr 1e-3 --steps 4000 --out ft.ardmm
  ardm train --data data/sc09 --branching 4 --channels 24 --layers 10 \
      --steps 4000 --lr 1e-3 --out b4.ardmm

` + exitStatusHelp,
		Args: cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if opts.Data == "" {
				return usageErr("--data is required")
			}
			if opts.Out == "" {
				return usageErr("--out is required")
			}
			if opts.CheckpointEvery < 0 {
				return usageErr("--checkpoint-every must not be negative")
			}
			if opts.StopAt < 0 {
				return usageErr("--stop-at must not be negative")
			}
			if opts.MemLimitGiB <= 0 {
				return usageErr("--mem-limit must be positive")
			}
			opts.maskOrderSet = cmd.Flags().Changed("mask-order")
			opts.stepsSet = cmd.Flags().Changed("steps")
			switch opts.train.MaskOrder {
			case ardm.MaskRandom, ardm.MaskStratified, ardm.MaskMixed:
			default:
				return usageErr("--mask-order %q: want random, stratified or mixed", opts.train.MaskOrder)
			}
			for name := range networkFlags {
				if cmd.Flags().Changed(name) {
					opts.netSet = append(opts.netSet, name)
				}
			}
			if opts.Resume && opts.Init != "" {
				return usageErr("--init starts a new run and --resume continues one: give one of them")
			}
			if opts.Resume {
				for _, name := range fixedOnResume {
					if cmd.Flags().Changed(name) {
						return usageErr("--%s cannot change on --resume (it is stored in the checkpoint)", name)
					}
				}
				return nil
			}
			opts.train.Seed = gopts.Seed
			if opts.cfg.Head == ardm.HeadMixture && opts.cfg.Mixtures == 0 {
				opts.cfg.Mixtures = 8
			}
			if err := opts.cfg.Validate(); err != nil {
				return usageErr("%v", err)
			}
			if err := opts.train.Validate(); err != nil {
				return usageErr("%v", err)
			}
			if opts.Init == "" && opts.train.Crop > opts.cfg.FrameLen {
				return usageErr("--crop %d is longer than --frame-len %d", opts.train.Crop, opts.cfg.FrameLen)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTrain(cmd.Context(), opts, *gopts, args)
		},
	}
	opts.AddFlags(cmd)
	return cmd
}

func runTrain(ctx context.Context, opts trainOptions, gopts globalOptions, args []string) error {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(opts.MemLimitGiB * (1 << 30)))
	}
	// The first checkpoint comes after --checkpoint-every steps: make its
	// folder now, not fail then and lose the steps.
	for _, p := range []string{opts.Out, opts.Export} {
		if p == "" {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
	}
	clips, err := datasets.ReadShards(opts.Data, opts.Split)
	if err != nil {
		var ce *datasets.ChecksumError
		if errors.As(err, &ce) {
			return withCode(exitIntegrity, err)
		}
		return err
	}
	if len(clips) == 0 {
		return fmt.Errorf("no %s clips in %s", opts.Split, opts.Data)
	}
	samples := datasets.Samples(clips)

	var tr *train.Trainer
	if opts.Resume {
		m, st, err := ardm.LoadCheckpoint(opts.Out)
		if err != nil {
			if errors.Is(err, ardm.ErrCorruptCheckpoint) {
				return withCode(exitIntegrity, err)
			}
			return err
		}
		if st == nil {
			return fmt.Errorf("%s has no training state (an exported model cannot be resumed)", opts.Out)
		}
		if opts.maskOrderSet {
			st.Options.MaskOrder = opts.train.MaskOrder
		}
		o := st.Options
		steps := 0
		if opts.stepsSet && opts.train.Steps > o.Steps {
			steps = opts.train.Steps
		}
		tr, err = train.Resume(m, st, datasets.NewBatcher(samples, o.Batch, o.Crop, o.Seed), steps)
		if err != nil {
			return err
		}
	} else if opts.Init != "" {
		init, err := loadInitModel(opts)
		if err != nil {
			return err
		}
		o := opts.train
		tr, err = train.FineTune(init, o, datasets.NewBatcher(samples, o.Batch, o.Crop, o.Seed))
		if err != nil {
			return err
		}
		h := init.Hash()
		gopts.logf("train: fine-tuning from %s (hash %x, %d steps)", opts.Init, h[:8], init.Info.Steps)
	} else {
		o := opts.train
		tr, err = train.New(opts.cfg, o, datasets.NewBatcher(samples, o.Batch, o.Crop, o.Seed))
		if err != nil {
			return err
		}
	}
	defer tr.Close()
	tr.SetData(opts.Data+" ("+opts.Split+")", len(samples))
	tr.StopAt(opts.StopAt)

	o := tr.Options()
	cfg := tr.Model().Config()
	start := tr.StepsDone()
	gopts.logf("train: %d clips, b=%d, %d channels x %d layers (%d parameters), batch %d x crop %d, steps %d..%d, seed %d",
		len(samples), cfg.Branching, cfg.Channels, cfg.Layers, ardm.NumParams(cfg), o.Batch, o.Crop, start, o.Steps, o.Seed)
	end := o.Steps
	if opts.StopAt > 0 && opts.StopAt < end {
		end = opts.StopAt
	}
	p := gopts.newProgress("train", max(0, end-start))
	t0 := time.Now()
	var last train.StepStats
	err = tr.Run(ctx, opts.Out, opts.CheckpointEvery, func(s train.StepStats) {
		last = s
		done := s.Step - start
		rate := float64(done*o.Batch*o.Crop) / time.Since(t0).Seconds()
		p.Set(done, fmt.Sprintf("step %d loss %.3f bpd %.3f avg %.3f lr %.2g |g| %.2f %.0f samples/s",
			s.Step, s.Loss, s.BPD, s.BPDAvg, s.LR, s.GradNorm, rate))
	})
	p.Done("")
	if err != nil {
		if errors.Is(err, context.Canceled) {
			gopts.logf("train: interrupted; checkpoint with %d steps saved to %s (continue with --resume)", tr.StepsDone(), opts.Out)
		}
		return err
	}
	if tr.StepsDone() < o.Steps {
		gopts.logf("train: stopped at step %d of %d (--stop-at); checkpoint saved to %s (continue with --resume)", tr.StepsDone(), o.Steps, opts.Out)
	}
	m := tr.Model()
	if opts.Export != "" {
		if err := m.Save(opts.Export); err != nil {
			return err
		}
	}
	h := m.Hash()
	res := struct {
		Out         string    `json:"out"`
		Export      string    `json:"export,omitempty"`
		Hash        string    `json:"hash"`
		Steps       int       `json:"steps"`
		TrainBPD    float64   `json:"train_bpd"`
		StageBPD    []float64 `json:"stage_bpd"`
		LastBPD     float64   `json:"last_step_bpd"`
		WallSeconds float64   `json:"wall_seconds"`
		SamplesPerS float64   `json:"samples_per_second"`
	}{opts.Out, opts.Export, fmt.Sprintf("%x", h), m.Info.Steps, m.Info.TrainBPD, m.Info.StageBPD, last.BPD,
		m.Info.WallSeconds, float64((tr.StepsDone()-start)*o.Batch*o.Crop) / time.Since(t0).Seconds()}
	text := fmt.Sprintf("trained %d steps: train bpd (moving average) %.4f, stage bpd from L_t %s\nmodel %s  hash %x  wall %.0fs  %.0f samples/s\n",
		res.Steps, res.TrainBPD, fmtFloats(res.StageBPD), opts.Out, h[:8], res.WallSeconds, res.SamplesPerS)
	gopts.printResult(res, text)
	return nil
}

// loadInitModel loads the model named by --init and checks that the
// network flags given match it.
func loadInitModel(opts trainOptions) (*ardm.Model, error) {
	path := opts.Init
	if path == initBuiltin {
		path = "" // loadModel's name for the built-in model
	}
	m, err := loadModel(path)
	if err != nil {
		return nil, fmt.Errorf("--init: %w", err)
	}
	mc := m.Config()
	slices.Sort(opts.netSet)
	for _, name := range opts.netSet {
		get := networkFlags[name]
		if got, want := get(opts.cfg), get(mc); got != want {
			return nil, usageErr("--%s %v differs from the --init model's %v (the network is the model's; leave the flag out)", name, got, want)
		}
	}
	if opts.train.Crop > mc.FrameLen {
		return nil, usageErr("--crop %d is longer than the --init model's frame length %d", opts.train.Crop, mc.FrameLen)
	}
	return m, nil
}

func fmtFloats(v []float64) string {
	s := "["
	for i, x := range v {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("%.3f", x)
	}
	return s + "]"
}
