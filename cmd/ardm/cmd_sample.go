package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/audio"
)

func init() { register(newSampleCmd) }

// sampleOptions are the flags of `ardm sample`.
type sampleOptions struct {
	Model  string
	Count  int
	Budget int
	Alloc  string
	OutDir string
	Length int
	Rate   int
	alloc  ardm.Allocation
}

func (o *sampleOptions) AddFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.Model, "model", "m", "", "model file (default: the built-in model)")
	f.IntVarP(&o.Count, "n", "n", 1, "number of clips to generate")
	budgetFlag(cmd, &o.Budget, "network calls per clip in all stages (0: one per position)")
	f.StringVar(&o.Alloc, "alloc", "equal", "split of the budget across stages: equal or joint")
	f.StringVar(&o.OutDir, "out-dir", "", "directory for the WAV files (required; created if missing)")
	f.IntVar(&o.Length, "length", 0, "samples per clip (default: the model's frame length)")
	f.IntVar(&o.Rate, "rate", 16000, "sample rate written in the WAV header")
}

func newSampleCmd(gopts *globalOptions) *cobra.Command {
	var opts sampleOptions
	cmd := &cobra.Command{
		Use:   "sample [--model M] [-n N] [--budget K] --out-dir D",
		Short: "Generate 16-bit audio from nothing with a model under a budget of network calls",
		Long: `sample generates N clips unconditionally: stage by stage, coarse to fine, it
reveals the positions of each policy step in the coder's stratified order
(evenly spread, randomly rotated) and samples their digits from the model
(one network call per step; the steps come from the budget dynamic
program, see ardm policy).

Inputs: --model, -n (clips), --budget (calls per clip; default the
model's, 12 per stage), --length (samples, default the model's frame
length), --seed (clip i uses seed+i).
Output: D/sample-000.wav ... (mono, 16-bit, --rate Hz); the file names on
stdout (with --json one object per clip); progress on stderr.

Example:
  ardm sample --model sc09.ardmm -n 4 --budget 200 --out-dir samples/

` + exitStatusHelp,
		Args: cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case opts.OutDir == "":
				return usageErr("--out-dir is required")
			case opts.Count < 1:
				return usageErr("-n must be at least 1")
			case opts.Length < 0:
				return usageErr("--length must be positive")
			case opts.Rate < 1:
				return usageErr("--rate must be positive")
			}
			a, err := ardm.ParseAllocation(opts.Alloc)
			if err != nil {
				return usageErr("%v", err)
			}
			opts.alloc = a
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSample(cmd.Context(), opts, *gopts, args)
		},
	}
	opts.AddFlags(cmd)
	return cmd
}

func runSample(ctx context.Context, opts sampleOptions, gopts globalOptions, args []string) error {
	m, err := loadModel(opts.Model)
	if err != nil {
		return err
	}
	if opts.Budget, err = resolveBudget(opts.Budget, m); err != nil {
		return err
	}
	n := opts.Length
	if n == 0 {
		n = m.Config().FrameLen
	}
	if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
		return err
	}
	pred := ardm.NewPredictor(m)
	pred.SetAllocation(opts.alloc)
	calls := 0
	for _, s := range pred.Policy(opts.Budget, n) {
		calls += len(s) - 1
	}
	prog := gopts.newProgress("sample", opts.Count*calls)
	var out strings.Builder
	for i := 0; i < opts.Count; i++ {
		x := make([]uint16, n)
		g := ardm.GenerateOptions{Budget: opts.Budget, Alloc: opts.alloc, Seed: gopts.Seed + uint64(i),
			Progress: func(int, int) { prog.Add(1, fmt.Sprintf("clip %d/%d", i+1, opts.Count)) }}
		if err := pred.Generate(ctx, x, g); err != nil {
			return err
		}
		p := &audio.PCM{Format: audio.Format{SampleRate: opts.Rate, BitDepth: 16, Channels: 1}, Data: [][]int32{make([]int32, n)}}
		for j, v := range x {
			p.Data[0][j] = audio.FromUnsigned16(v)
		}
		path := filepath.Join(opts.OutDir, fmt.Sprintf("sample-%03d.wav", i))
		if err := audio.WriteFile(path, p); err != nil {
			return err
		}
		if gopts.JSON {
			gopts.printResult(map[string]any{"file": path, "seed": gopts.Seed + uint64(i), "samples": n, "calls": calls}, "")
		} else {
			fmt.Fprintln(&out, path)
		}
	}
	prog.Done("")
	if !gopts.JSON {
		gopts.printResult(nil, out.String())
	}
	return nil
}
