package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ardm-dev/ardm/ardm"
)

func init() { register(newPolicyCmd) }

// policyOptions are the flags of `ardm policy`.
type policyOptions struct {
	Model  string
	Budget int
	N      int
	Alloc  string
	alloc  ardm.Allocation
}

func (o *policyOptions) AddFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.Model, "model", "m", "", "model file (default: the built-in model)")
	budgetFlag(cmd, &o.Budget, "network calls per frame in all stages (0: one per position)")
	f.IntVar(&o.N, "n", 0, "positions per stage (default: the model's frame length)")
	f.StringVar(&o.Alloc, "alloc", "equal", "split of the budget across stages: equal (the paper) or joint (least expected bits)")
}

func newPolicyCmd(gopts *globalOptions) *cobra.Command {
	var opts policyOptions
	cmd := &cobra.Command{
		Use:   "policy [--model M] [--budget N]",
		Short: "Print the budget policy of a model: steps per stage and expected bits per sample",
		Long: `policy runs the budget dynamic program on the model's L_t table (the expected
loss per position at each revealed fraction, tracked during training) and
prints, for each stage, the number of network calls and the step
boundaries, the expected bits per sample of each stage under the policy and
in total, and the full bound (one call per position) for comparison.

Inputs: --model (a model file), --budget (calls per frame in all; default
the model's, 12 per stage), --n
(positions, default the model's frame length), --alloc (equal or joint).
Output: a table on stdout; with --json one object with the steps.

Example:
  ardm policy --model sc09.ardmm --budget 200 --alloc joint

` + exitStatusHelp,
		Args: cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if opts.N < 0 {
				return usageErr("--n must be positive")
			}
			a, err := ardm.ParseAllocation(opts.Alloc)
			if err != nil {
				return usageErr("%v", err)
			}
			opts.alloc = a
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPolicy(cmd.Context(), opts, *gopts, args)
		},
	}
	opts.AddFlags(cmd)
	return cmd
}

func runPolicy(_ context.Context, opts policyOptions, gopts globalOptions, args []string) error {
	m, err := loadModel(opts.Model)
	if err != nil {
		return err
	}
	if opts.Budget, err = resolveBudget(opts.Budget, m); err != nil {
		return err
	}
	n := opts.N
	if n == 0 {
		n = m.Config().FrameLen
	}
	p, err := m.Policy(opts.Budget, n, opts.alloc)
	if err != nil {
		return err
	}
	bound := 0.0
	for _, b := range p.BoundBits {
		bound += b
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "model %s  b=%d  n=%d  budget=%d (%s)  calls=%d\n", opts.Model, m.Config().Branching, n, opts.Budget, opts.alloc, p.Calls())
	fmt.Fprintf(&sb, "%-6s %7s %12s %12s  %s\n", "stage", "calls", "bits/sample", "bound", "steps")
	for s, steps := range p.Steps {
		fmt.Fprintf(&sb, "%-6d %7d %12.4f %12.4f  %s\n", s+1, len(steps)-1, p.StageBits[s], p.BoundBits[s], abbrevSteps(steps))
	}
	fmt.Fprintf(&sb, "%-6s %7d %12.4f %12.4f\n", "total", p.Calls(), p.Bits, bound)
	type stageJSON struct {
		Stage int     `json:"stage"`
		Calls int     `json:"calls"`
		Bits  float64 `json:"bits_per_sample"`
		Bound float64 `json:"bound_bits_per_sample"`
		Steps []int   `json:"steps"`
	}
	res := struct {
		Model  string      `json:"model"`
		N      int         `json:"n"`
		Budget int         `json:"budget"`
		Alloc  string      `json:"alloc"`
		Calls  int         `json:"calls"`
		Bits   float64     `json:"bits_per_sample"`
		Bound  float64     `json:"bound_bits_per_sample"`
		Stages []stageJSON `json:"stages"`
	}{opts.Model, n, opts.Budget, opts.alloc.String(), p.Calls(), p.Bits, bound, nil}
	for s, steps := range p.Steps {
		res.Stages = append(res.Stages, stageJSON{s + 1, len(steps) - 1, p.StageBits[s], p.BoundBits[s], steps})
	}
	gopts.printResult(res, sb.String())
	return nil
}

// abbrevSteps prints step boundaries, eliding the middle of long lists.
func abbrevSteps(steps []int) string {
	str := func(v []int) string {
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = fmt.Sprint(x)
		}
		return strings.Join(parts, " ")
	}
	if len(steps) <= 12 {
		return str(steps)
	}
	return str(steps[:6]) + " ... " + str(steps[len(steps)-4:])
}
