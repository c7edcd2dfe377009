package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ardm-dev/ardm/eval"
	"github.com/ardm-dev/ardm/upscale"
)

// evalUpscaleOptions are the flags of `ardm eval --upscale BITS`.
type evalUpscaleOptions struct {
	Bits  int
	Fill  string
	Draws int
	fill  upscale.Method
}

func (o *evalUpscaleOptions) AddFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.IntVar(&o.Bits, "upscale", 0, "instead of compression: reduce every file to BITS (1..15) and report the SNR of ardm upscale and of the baselines (zero, mid-bin, smoothed) per file and pooled")
	f.StringVar(&o.Fill, "upscale-fill", "expect", "fill of the model with --upscale (as ardm upscale --fill)")
	f.IntVar(&o.Draws, "upscale-draws", defaultUpscaleDraws, "walks averaged by the expect fill with --upscale (as ardm upscale --draws)")
}

func (o *evalUpscaleOptions) validate(noModel bool) error {
	if o.Bits == 0 {
		return nil
	}
	if o.Bits < 1 || o.Bits > 15 {
		return usageErr("--upscale %d out of range 1..15", o.Bits)
	}
	if noModel {
		return usageErr("--upscale needs a model: drop --no-model")
	}
	if o.Draws < 1 {
		return usageErr("--upscale-draws %d: want at least 1", o.Draws)
	}
	var err error
	if o.fill, err = upscale.ParseMethod(o.Fill); err != nil {
		return usageErr("%v", err)
	}
	return nil
}

// runEvalUpscale is `ardm eval --upscale BITS`.
func runEvalUpscale(ctx context.Context, opts evalOptions, gopts globalOptions) error {
	m, err := loadModel(opts.Model)
	if err != nil {
		return err
	}
	budget, err := resolveBudget(modelBudget, m)
	if err != nil {
		return err
	}
	files, err := eval.FindFiles(opts.Data, opts.Limit)
	if err != nil {
		return err
	}
	prog := gopts.newProgress("eval --upscale", len(files))
	r, err := eval.RunUpscale(ctx, opts.Data, files, eval.UpscaleOptions{
		Model:    m,
		FromBits: opts.Upscale.Bits,
		Upscale:  upscale.Options{Budget: budget, Seed: gopts.Seed, Fill: opts.Upscale.fill, Draws: opts.Upscale.Draws},
		Progress: func(i int, path string) { prog.Set(i, filepath.Base(path)) },
	})
	if err != nil {
		return err
	}
	prog.Done("")
	if opts.Report != "" {
		if err := os.MkdirAll(opts.Report, 0o755); err != nil {
			return err
		}
		if err := r.WriteDir(opts.Report); err != nil {
			return err
		}
	}
	var sb strings.Builder
	sb.WriteString(r.Markdown(""))
	fmt.Fprintln(&sb)
	gopts.printResult(r, sb.String())
	return nil
}
