package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/eval"
)

func init() { register(newEvalCmd) }

// evalOptions are the flags of `ardm eval`.
type evalOptions struct {
	Data      string
	Model     string
	NoModel   bool
	Budgets   string
	Baselines string
	Report    string
	Draws     int
	Limit     int
	MaxCalls  int
	NoCode    bool
	NoVerify  bool
	Upscale   evalUpscaleOptions

	budgets []eval.Budget // --budgets, "default" resolved by runEval
	codecs  []string
}

func (o *evalOptions) AddFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.Data, "data", "", "folder of WAV or FLAC files, searched recursively, or a Speech Commands folder (required)")
	f.StringVarP(&o.Model, "model", "m", "", "model checkpoint (default: the built-in model)")
	f.BoolVar(&o.NoModel, "no-model", false, "no model: code with ardm's classic coders only, next to the baselines")
	f.StringVar(&o.Budgets, "budgets", "default,full", `budgets to measure: network calls per frame and channel over all stages, "default" (the model's: 12 calls per stage; 192 for the built-in model) or "full" (one per position); "" for none`)
	f.StringVar(&o.Baselines, "baselines", "flac,wavpack", `classic codecs run on the same files ("" for none); missing programs are reported and skipped`)
	f.StringVar(&o.Report, "report", "", "write report.md, report.json and PNG plots into this folder")
	f.IntVar(&o.Draws, "draws", 2, "random (t, order) draws per stage and file for the bound and its standard error (0: no bound)")
	f.IntVar(&o.Limit, "limit", 0, "use only the first N files (sorted by path; 0: all)")
	f.IntVar(&o.MaxCalls, "max-calls", 4096, "skip a budget on a file that needs more network calls than this (0: no limit)")
	f.BoolVar(&o.NoCode, "no-code", false, "measure the bounds but do not really encode and decode (neither with the model nor with the classic coders)")
	f.BoolVar(&o.NoVerify, "no-verify", false, "do not decode the baselines' files to check their round trip")
	o.Upscale.AddFlags(cmd)
}

// validate checks the flags and --budgets (whose "default" runEval
// resolves once the model is loaded) and parses --baselines.
func (o *evalOptions) validate() error {
	if o.Data == "" {
		return usageErr("--data is required")
	}
	if o.NoModel && o.Model != "" {
		return usageErr("--model and --no-model exclude each other")
	}
	if o.Draws < 0 || o.Limit < 0 || o.MaxCalls < 0 {
		return usageErr("--draws, --limit and --max-calls must be >= 0")
	}
	if err := o.Upscale.validate(o.NoModel); err != nil {
		return err
	}
	if _, err := parseEvalBudgets(o.Budgets, -1); err != nil {
		return err
	}
	for _, c := range strings.Split(o.Baselines, ",") {
		if c = strings.TrimSpace(c); c != "" {
			if _, err := eval.LookupBaseline(c); err != nil {
				return usageErr("--baselines: %v", err)
			}
			o.codecs = append(o.codecs, c)
		}
	}
	return nil
}

// parseEvalBudgets parses --budgets with "default" standing for def, the
// model's default budget; def < 0 (not known yet) checks the rest only.
func parseEvalBudgets(s string, def int) ([]eval.Budget, error) {
	fields := strings.Split(s, ",")
	n := 0
	for i, f := range fields {
		if strings.TrimSpace(f) != "default" {
			continue
		}
		if n++; n > 1 {
			return nil, usageErr("--budgets: eval: budget \"default\" given twice")
		}
		fields[i] = strconv.Itoa(def)
		if def < 0 {
			fields[i] = ""
		}
	}
	b, err := eval.ParseBudgets(strings.Join(fields, ","))
	if err != nil {
		return nil, usageErr("--budgets: %v", err)
	}
	return b, nil
}

func newEvalCmd(gopts *globalOptions) *cobra.Command {
	var opts evalOptions
	cmd := &cobra.Command{
		Use:   "eval --data DIR [--model M] [--budgets 64,full] [--baselines flac,wavpack] [--report DIR]",
		Short: "Measure a model and ardm's classic coders on a set of WAV or FLAC files against flac and wavpack",
		Long: `eval measures a model on every WAV or FLAC file under --data, in bits per sample
(per channel; whole files, headers included; pooled over files):

  - the likelihood bound, per stage and in total, with its standard error
    (--draws random draws of t and the order per stage and file);
  - for each of --budgets (default: the model's default budget, 12 calls
    per stage, and "full"), the bound under the budget's policy (the bits
    the coder pays before quantisation) and the size of the stream really
    written, decoded again and checked sample for sample, with the
    coding overhead and the encode/decode speed;
  - "ardm classic (no model)": the same files coded by ardm's classic
    coders alone (backward-adaptive least squares and LPC with an
    adaptive residual model, fixed predictors with Rice codes; what every
    frame falls back to), decoded and checked
    too, with its speed - also with --no-model;
  - flac -8 and wavpack -hhx6 on the same files in the same run (when
    installed), each file's size including headers, round trip checked,
    and the size of each ardm coding relative to theirs.

A budget that would need more than --max-calls network calls on a file is
skipped there (one call per position, "full", usually is: its policy bound
equals the bound in expectation).

Inputs: --data, a folder of WAV or FLAC files (recursively; in a Speech Commands
folder only the ten digit words of SC09) and --model (or --no-model for
the classic coders and the baselines alone).

Outputs: a results table on stdout (with --json the whole report as one
JSON object), progress on stderr, and with --report DIR a folder with
report.md, report.json and PNG plots (L_t per stage, bound per stage,
bits against budget, codec comparison, per-file scatter). Files that
cannot be read are reported and make the exit status 3; a stream that does
not decode bit-exact makes it 4.

With --upscale BITS it measures upscaling instead: every file is reduced to
its top BITS bits (1..15) and filled back by ardm upscale (--upscale-fill,
--upscale-draws) and by the baselines (zero, middle of the bin, mid-bin
smoothed at 6 kHz and clamped to the bin); it reports the SNR of each per
file, pooled over the files' energies and the per-file median, and the
model's wins and losses against the middle of the bin (--report DIR:
upscale.md, upscale.json and upscale_snr.png).

Example:
  ardm eval --data ../shared/data/sc09-real-dev --upscale 8 --limit 5
  ardm eval --data ../shared/data/sc09-real-dev --model internal/builtin/default.ardmm \
      --budgets 50,400,full --report report/
  ardm eval --data ../shared/data/sc09-real-dev --no-model --report bench/

` + exitStatusHelp,
		Args: cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			return opts.validate()
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runEval(cmd.Context(), opts, *gopts, args)
		},
	}
	opts.AddFlags(cmd)
	return cmd
}

func runEval(ctx context.Context, opts evalOptions, gopts globalOptions, args []string) error {
	if opts.Upscale.Bits != 0 {
		return runEvalUpscale(ctx, opts, gopts)
	}
	var m *ardm.Model
	if !opts.NoModel {
		var err error
		if m, err = loadModel(opts.Model); err != nil {
			return err
		}
	}
	def, err := resolveBudget(modelBudget, m)
	if err != nil {
		return err
	}
	if opts.budgets, err = parseEvalBudgets(opts.Budgets, def); err != nil {
		return err
	}
	files, err := eval.FindFiles(opts.Data, opts.Limit)
	if err != nil {
		return err
	}
	codecs, missing, err := eval.ResolveBaselines(opts.codecs)
	if err != nil {
		return usageErr("%v", err)
	}
	for _, msg := range missing {
		gopts.logf("ardm: %s; skipped", strings.TrimPrefix(msg, "eval: "))
	}
	gopts.logf("eval: %d files under %s", len(files), opts.Data)
	var prog *progress
	o := eval.Options{
		Model:           m,
		ModelPath:       opts.Model,
		Draws:           opts.Draws,
		Budgets:         opts.budgets,
		Code:            !opts.NoCode,
		MaxCalls:        opts.MaxCalls,
		Baselines:       codecs,
		Missing:         missing,
		VerifyBaselines: !opts.NoVerify,
		Seed:            gopts.Seed,
		Progress: func(done, total int, info string) {
			if prog == nil {
				prog = gopts.newProgress("eval (work units: network calls, classic codings, baseline runs)", total)
			}
			prog.Set(done, info)
		},
	}
	if m != nil && opts.Model == "" {
		o.ModelPath = "(built-in)"
	}
	r, err := eval.Run(ctx, opts.Data, files, o)
	if prog != nil {
		prog.Done("")
	}
	if err != nil {
		return err
	}
	if opts.Report != "" {
		if err := r.WriteDir(opts.Report); err != nil {
			return err
		}
		gopts.logf("eval: report written to %s", filepath.Join(opts.Report, "report.md"))
	}
	gopts.printResult(r, r.Table())
	if err := r.IntegrityError(); err != nil {
		return withCode(exitIntegrity, err)
	}
	if r.Summary.Failed > 0 {
		return withCode(exitPartial, fmt.Errorf("eval: %d of %d files had errors (see the report)", r.Summary.Failed, r.Summary.Files))
	}
	return nil
}
