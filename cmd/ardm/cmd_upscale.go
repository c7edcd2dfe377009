package main

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/upscale"
)

func init() { register(newUpscaleCmd) }

// upscaleOptions are the flags of `ardm upscale`.
type upscaleOptions struct {
	Model     string
	FromBits  int
	Budget    int
	Alloc     string
	Out       string
	Reference string
	Fill      string
	Force     bool
	Draws     int
	ToBits    int
	alloc     ardm.Allocation
	fill      upscale.Method
}

func (o *upscaleOptions) AddFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.Model, "model", "m", "", "model file (default: the built-in model)")
	forceFlag(cmd, &o.Force)
	f.IntVar(&o.FromBits, "from-bits", 0, "known top bits of the input, 1..15 (default: detected: 8 for 8-bit files, the effective bits of 16-bit files)")
	f.IntVar(&o.ToBits, "to-bits", 16, "output depth: 16, or 24 (keeps 8 fraction bits of the expect estimate)")
	f.IntVar(&o.Draws, "draws", defaultUpscaleDraws, "seeded walks averaged by --fill expect (more: closer to the model's expectation, slower)")
	budgetFlag(cmd, &o.Budget, "network calls per frame in all stages (0: one per position)")
	f.StringVar(&o.Alloc, "alloc", "equal", "split of the budget across stages: equal or joint")
	f.StringVarP(&o.Out, "output", "o", "", "output 16-bit WAV (required)")
	f.StringVar(&o.Reference, "reference", "", "full-depth WAV to compare with: prints SNR and the bpd of the missing bits")
	f.StringVar(&o.Fill, "fill", "expect", "how the missing bits are chosen: expect (the model's expected value: least error), sample (one draw: the model's texture, noisier) or mode (the likelier digit, stage by stage)")
}

// validate checks the flags and parses --alloc.
func (o *upscaleOptions) validate() error {
	switch {
	case o.Out == "":
		return usageErr("-o is required")
	case o.FromBits < 0 || o.FromBits > 15:
		return usageErr("--from-bits %d out of range 1..15", o.FromBits)
	case o.ToBits != 16 && o.ToBits != 24:
		return usageErr("--to-bits %d: want 16 or 24", o.ToBits)
	case o.Draws < 1:
		return usageErr("--draws %d: want at least 1", o.Draws)
	}
	a, err := ardm.ParseAllocation(o.Alloc)
	if err != nil {
		return usageErr("%v", err)
	}
	o.alloc = a
	if o.Fill == "mean" { // the old name of mode
		o.Fill = "mode"
	}
	if o.fill, err = upscale.ParseMethod(o.Fill); err != nil {
		return usageErr("%v", err)
	}
	return nil
}

func newUpscaleCmd(gopts *globalOptions) *cobra.Command {
	var opts upscaleOptions
	cmd := &cobra.Command{
		Use:   "upscale [--model M] [--from-bits 8] [--fill expect] [--draws K] [--to-bits 16|24] IN.wav -o OUT.wav [--reference REF.wav]",
		Short: "Generate the missing low bits of low-depth audio with a model",
		Long: `upscale reads a low-depth WAV or FLAC (8-bit, 16-bit whose low bits are zero,
or any file reduced to --from-bits 1..15) and generates the missing stages
with the model under a budget of network calls per frame; the top bits of
the output equal the input's exactly. Every channel is processed on its own.

--fill expect (the default) writes the model's expected value of every
sample given the known bits: along each seeded walk every generated digit
counts with its mean under the model, and --draws such walks are averaged
(the estimate with the least squared error; more draws cost proportionally
more time and move it closer to the model's expectation). --fill sample
writes one draw (the model's idea of the fine detail, with its uncertainty
as noise); --fill mode the likelier digit stage by stage.

The output is 16-bit (the estimate rounded, kept in its bin) or, with
--to-bits 24, 24-bit: the same estimate with 8 fraction bits kept (the
model itself only fills 16 bits; sample and mode give whole 16-bit values
shifted up).

With --reference REF.wav (the original full-depth audio) it also prints the
SNR of the output against the reference next to the zero-fill (low bits
zero) and mid-bin-fill (middle of the coarse bin) baselines, and the bits
per sample the model needs for the missing bits of the reference under the
same budget (per stage and in total; uniform coding costs 16 - from-bits).

Output: OUT.wav (refused if it exists, unless --force; never the input or
the reference); a summary on stdout (one JSON object with --json);
progress on stderr.

Example:
  ardm upscale --from-bits 8 ../shared/data/sc09-real-dev/eight/439c84f4_nohash_1.wav -o clip16.wav \
      --reference ../shared/data/sc09-real-dev/eight/439c84f4_nohash_1.wav
  ardm upscale --from-bits 12 --draws 8 --to-bits 24 ../shared/data/sc09-real-dev/eight/439c84f4_nohash_1.wav -o clip24.wav

` + exitStatusHelp,
		Args: cobra.ExactArgs(1),
		PreRunE: func(cmd *cobra.Command, args []string) error {
			return opts.validate()
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUpscale(cmd.Context(), opts, *gopts, args)
		},
	}
	opts.AddFlags(cmd)
	return cmd
}

// upscaleResult is what `ardm upscale` reports.
type upscaleResult struct {
	Input     string    `json:"input"`
	Output    string    `json:"output"`
	FromBits  int       `json:"from_bits"`
	Budget    int       `json:"budget"`
	Fill      string    `json:"fill"`
	Channels  int       `json:"channels"`
	Frames    int       `json:"frames"`
	Reference string    `json:"reference,omitempty"`
	SNR       *float64  `json:"snr_db,omitempty"`
	SNRZero   *float64  `json:"snr_zero_fill_db,omitempty"`
	SNRMid    *float64  `json:"snr_mid_fill_db,omitempty"`
	StageBits []float64 `json:"stage_bits,omitempty"`
	Bits      *float64  `json:"missing_bits_per_sample,omitempty"`
}

func runUpscale(ctx context.Context, opts upscaleOptions, gopts globalOptions, args []string) error {
	in := args[0]
	if err := checkOutputPath(in, opts.Out, opts.Force); err != nil {
		return err
	}
	if opts.Reference != "" {
		if err := checkOutputPath(opts.Reference, opts.Out, true); err != nil {
			return err
		}
	}
	m, err := loadModel(opts.Model)
	if err != nil {
		return err
	}
	p, err := audio.ReadFile(in)
	if err != nil {
		return err
	}
	from := opts.FromBits
	if from == 0 {
		from = upscale.KnownBits(p)
		gopts.logf("upscale: %s has %d known bits", in, from)
	}
	var ref *audio.PCM
	if opts.Reference != "" {
		if ref, err = audio.ReadFile(opts.Reference); err != nil {
			return err
		}
		if len(ref.Data) != len(p.Data) || ref.Frames() != p.Frames() {
			return usageErr("reference has %d channels x %d frames, input %d x %d", len(ref.Data), ref.Frames(), len(p.Data), p.Frames())
		}
	}
	if opts.Budget, err = resolveBudget(opts.Budget, m); err != nil {
		return err
	}
	uo := upscale.Options{Budget: opts.Budget, Alloc: opts.alloc, Seed: gopts.Seed, Fill: opts.fill, Draws: opts.Draws, ToBits: opts.ToBits}
	prog := gopts.newProgress("upscale", 0)
	uo.Progress = func(done, total int) { prog.total = total; prog.Set(done, "calls") }
	out, err := upscale.UpscalePCM(ctx, m, p, from, uo)
	if err != nil {
		return err
	}
	prog.Done("")
	if err := audio.WriteFile(opts.Out, out); err != nil {
		return err
	}
	res := upscaleResult{Input: in, Output: opts.Out, FromBits: from, Budget: opts.Budget, Fill: opts.Fill, Channels: len(out.Data), Frames: out.Frames()}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s -> %s: %d channel(s) x %d samples, %d known bits, budget %d, %s fill\n", in, opts.Out, res.Channels, res.Frames, from, opts.Budget, opts.Fill)
	if ref != nil {
		snr, err := upscale.SNR(ref, out)
		if err != nil {
			return err
		}
		zero, _ := upscale.SNR(ref, upscale.Baseline(p, from, upscale.ZeroFill))
		mid, _ := upscale.SNR(ref, upscale.Baseline(p, from, upscale.MidFill))
		res.Reference, res.SNR, res.SNRZero, res.SNRMid = opts.Reference, finite(snr), finite(zero), finite(mid)
		bprog := gopts.newProgress("likelihood", 0)
		uo.Progress = func(done, total int) { bprog.total = total; bprog.Set(done, "calls") }
		bits, err := upscale.StageBitsPCM(ctx, m, ref, from, uo)
		if err != nil {
			return err
		}
		bprog.Done("")
		total := 0.0
		for _, b := range bits {
			total += b
		}
		res.StageBits, res.Bits = bits, &total
		fmt.Fprintf(&sb, "SNR vs %s: model %.2f dB, zero-fill %.2f dB, mid-bin fill %.2f dB\n", opts.Reference, snr, zero, mid)
		fmt.Fprintf(&sb, "missing bits: %.4f bits/sample (uniform: %d); per stage:", total, 16-from)
		for s, b := range bits {
			fmt.Fprintf(&sb, " %d:%.4f", s+1, b)
		}
		sb.WriteString("\n")
	}
	gopts.printResult(res, sb.String())
	return nil
}

// finite returns a pointer to v for JSON, or nil for infinities (JSON has
// no Inf).
func finite(v float64) *float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return &v
}

// defaultUpscaleDraws is the default of --draws (see BENCHMARKS.md for
// the measurement behind it).
const defaultUpscaleDraws = 2
