package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/spf13/cobra"

	"github.com/ardm-dev/ardm/datasets"
	"github.com/ardm-dev/ardm/pipelines"
)

func init() {
	register(newPrepareCmd)
	register(newSynthCmd)
}

type prepareOptions struct {
	In, Out string
	Splits  []string
	Length  int
}

func newPrepareCmd(gopts *globalOptions) *cobra.Command {
	var opts prepareOptions
	cmd := &cobra.Command{
		Use:   "prepare --in DIR --out DIR",
		Short: "Load a Speech Commands folder into training shards, reading the files on the workers",
		Long: `prepare does what ardm dataset prepare does, as a pipeline: it lists the ten
digit words of the Speech Commands folder --in and their splits, reads and
converts every file on the workers, and writes the shards and index.json
to --out. For the same --in (as written: the index records it), --split
and --length the files are byte-identical to ardm dataset prepare's.
Files that cannot be used are skipped and listed in the index (exit
status 3); the shards are still written. The listing and the shard writer
run where ardm-beam runs and on one worker: the set is held in memory, as
ardm does.

Example:
  ardm-beam prepare --in ../shared/data/sc09-real-dev --out data/dev-shards
  ardm-beam prepare --in ../shared/data/sc09-real-dev --out data/dev --split validation

` + exitStatusHelp,
		Args: cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if opts.In == "" || opts.Out == "" {
				return usageErr("prepare: --in and --out are required")
			}
			if filepath.Clean(opts.In) == filepath.Clean(opts.Out) {
				return usageErr("prepare: --out must differ from --in")
			}
			if opts.Length <= 0 {
				return usageErr("prepare: --length %d must be positive", opts.Length)
			}
			for i, s := range opts.Splits {
				c, err := datasets.ParseSplit(s)
				if err != nil {
					return withCode(exitUsage, fmt.Errorf("prepare: %w", err))
				}
				opts.Splits[i] = c
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPrepare(cmd.Context(), opts, *gopts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.In, "in", "", "Speech Commands directory to read (required; a local path)")
	f.StringVar(&opts.Out, "out", "", "directory to write the shards to (required; local, gs:// or s3://)")
	f.StringSliceVar(&opts.Splits, "split", nil, "splits to keep: training,validation,testing (or train,val,test); default all")
	f.IntVar(&opts.Length, "length", datasets.ClipLength, "samples per clip: shorter clips are zero padded on the right, longer ones trimmed")
	return cmd
}

// prepareResult is the summary of a prepare run (ardm dataset prepare's).
type prepareResult struct {
	In          string         `json:"in"`
	Out         string         `json:"out"`
	SplitSource string         `json:"split_source"`
	Files       int            `json:"files"`
	Clips       int            `json:"clips"`
	PerSplit    map[string]int `json:"per_split"`
	Shards      int            `json:"shards"`
	Bytes       int64          `json:"bytes"`
	Skipped     int            `json:"skipped"`
}

func runPrepare(ctx context.Context, opts prepareOptions, gopts globalOptions) error {
	plan, err := datasets.PlanSC09(opts.In, datasets.LoadOptions{Splits: opts.Splits, Length: opts.Length})
	if err != nil {
		return err
	}
	gopts.logf("prepare: %d files under %s", len(plan.Files), opts.In)
	if err := runPipeline(ctx, gopts, "prepare", func(s beam.Scope) { pipelines.Prepare(s, plan, opts.Out) }); err != nil {
		return err
	}
	idx, err := pipelines.ReadShardIndex(ctx, opts.Out)
	if err != nil {
		return withCode(exitIntegrity, fmt.Errorf("prepare: reading back the index: %w", err))
	}
	res := prepareResult{In: opts.In, Out: opts.Out, SplitSource: plan.Report.SplitSource, Files: plan.Report.Files,
		Clips: len(idx.Clips), PerSplit: map[string]int{}, Shards: len(idx.Shards), Skipped: len(idx.Skipped)}
	for _, c := range idx.Clips {
		res.PerSplit[c.Split]++
	}
	for _, s := range idx.Shards {
		res.Bytes += s.Bytes
	}
	for _, s := range idx.Skipped {
		gopts.logf("skipped %s: %s", s.Path, strings.Join(s.Issues, "; "))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d clips of %d samples in %d shards (%.1f MB)\n", opts.Out, res.Clips, idx.Length, res.Shards, float64(res.Bytes)/1e6)
	for _, s := range datasets.Splits {
		if n, ok := res.PerSplit[s]; ok {
			fmt.Fprintf(&b, "  %-10s %d\n", s, n)
		}
	}
	fmt.Fprintf(&b, "splits from %s; %d files read, %d skipped\n", res.SplitSource, res.Files, res.Skipped)
	gopts.printResult(res, b.String())
	if res.Skipped > 0 {
		return withCode(exitPartial, fmt.Errorf("prepare: %d of %d files skipped (see above)", res.Skipped, res.Files))
	}
	return nil
}

type synthOptions struct {
	Out      string
	Speakers int
	Words    []string
	Takes    int
	Espeak   string
	Force    bool
}

func newSynthCmd(gopts *globalOptions) *cobra.Command {
	var opts synthOptions
	cmd := &cobra.Command{
		Use:   "synth --out DIR --speakers N [--seed S] [--words W,...] [--takes K]",
		Short: "Synthesise an SC09-style data set with espeak-ng, one speaker per pipeline element",
		Long: `synth makes the data set ardm dataset synth makes (same clips, manifest and
split lists for a --seed), rendering each speaker on a worker: every
worker needs espeak-ng and the same voices (and MBROLA voices, if the
machine that starts the job has them). Clips go to --out/<word>/, then
MANIFEST.tsv, validation_list.txt and testing_list.txt.

Example:
  ardm-beam synth --out data/synth --speakers 200 --seed 1
  ardm-beam synth --out data/tiny --speakers 3 --words one,two --takes 2

` + exitStatusHelp,
		Args: cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case opts.Out == "":
				return usageErr("synth: --out is required")
			case opts.Speakers <= 0:
				return usageErr("synth: --speakers must be positive")
			case opts.Takes <= 0:
				return usageErr("synth: --takes %d must be positive", opts.Takes)
			case len(opts.Words) == 0:
				return usageErr("synth: --words is empty")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSynth(cmd.Context(), opts, *gopts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Out, "out", "", "directory to write the data set to (required; must be empty unless --force)")
	f.IntVar(&opts.Speakers, "speakers", 0, "number of synthetic speakers (required)")
	f.StringSliceVar(&opts.Words, "words", slices.Clone(datasets.Words), "words every speaker says")
	f.IntVar(&opts.Takes, "takes", 1, "clips per speaker and word")
	f.StringVar(&opts.Espeak, "espeak", "", "espeak-ng executable (default: espeak-ng in PATH, on every worker)")
	f.BoolVar(&opts.Force, "force", false, "write into a non-empty directory")
	return cmd
}

// synthResult is the summary of a synth run.
type synthResult struct {
	Out      string `json:"out"`
	Seed     uint64 `json:"seed"`
	Speakers int    `json:"speakers"`
	Words    int    `json:"words"`
	Clips    int    `json:"clips"`
	Voices   int    `json:"voices"`
}

func runSynth(ctx context.Context, opts synthOptions, gopts globalOptions) error {
	if err := pipelines.CheckOutRoot(opts.Out, opts.Force); err != nil {
		return usageErr("synth: %v", err)
	}
	job, err := datasets.PlanSynth(ctx, datasets.SynthOptions{Speakers: opts.Speakers, Seed: gopts.Seed, Words: opts.Words, Takes: opts.Takes, Espeak: opts.Espeak})
	if err != nil {
		return err
	}
	if err := runPipeline(ctx, gopts, "synth", func(s beam.Scope) { pipelines.Synth(s, job, opts.Out) }); err != nil {
		return err
	}
	res := synthResult{Out: opts.Out, Seed: gopts.Seed, Speakers: opts.Speakers, Words: len(job.Words),
		Clips: opts.Speakers * len(job.Words) * job.Takes, Voices: len(job.Voices)}
	gopts.printResult(res, fmt.Sprintf("%s: %d clips from %d speakers (%d voices), seed %d\n", res.Out, res.Clips, res.Speakers, res.Voices, res.Seed))
	return nil
}
