package main

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ardm-dev/ardm/datasets"
)

func init() { registerDataset(newDatasetPrepareCmd) }

// datasetPrepareOptions are the flags of `ardm dataset prepare`.
type datasetPrepareOptions struct {
	In, Out string
	Splits  []string
	Length  int
	Jobs    int
}

func (o *datasetPrepareOptions) AddFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.In, "in", "", "Speech Commands directory to read (required)")
	f.StringVar(&o.Out, "out", "", "directory to write the shards to (required; created if needed)")
	f.StringSliceVar(&o.Splits, "split", nil, "splits to keep: training,validation,testing (or train,val,test); default all")
	f.IntVar(&o.Length, "length", datasets.ClipLength, "samples per clip: shorter clips are zero padded on the right, longer ones trimmed")
	f.IntVar(&o.Jobs, "jobs", runtime.GOMAXPROCS(0), "files read in parallel")
}

// validate checks the flags and puts the split names in canonical form.
func (o *datasetPrepareOptions) validate() error {
	if o.In == "" || o.Out == "" {
		return usageErr("dataset prepare: --in and --out are required")
	}
	if filepath.Clean(o.In) == filepath.Clean(o.Out) {
		return usageErr("dataset prepare: --out must differ from --in")
	}
	if o.Length <= 0 {
		return usageErr("dataset prepare: --length %d must be positive", o.Length)
	}
	if o.Jobs <= 0 {
		return usageErr("dataset prepare: --jobs %d must be positive", o.Jobs)
	}
	for i, s := range o.Splits {
		c, err := datasets.ParseSplit(s)
		if err != nil {
			return withCode(exitUsage, fmt.Errorf("dataset prepare: %w", err))
		}
		o.Splits[i] = c
	}
	return nil
}

func newDatasetPrepareCmd(gopts *globalOptions) *cobra.Command {
	var opts datasetPrepareOptions
	cmd := &cobra.Command{
		Use:   "prepare --in DIR --out DIR",
		Short: "Load a Speech Commands folder into compact checksummed shards",
		Long: `prepare reads the ten digit words of a Speech Commands directory (--in, the
v0.01 or v0.02 layout <word>/<speaker>_nohash_<n>.wav) and writes them to
--out as shards that training reads fast.

Splits come from validation_list.txt and testing_list.txt when the directory
has them (a file in neither is training), otherwise from the dataset
README's which_set rule (SHA-1 of the speaker id: 10% validation, 10%
testing). Every clip is padded with zeros on the right or trimmed to
--length samples. Files that are short, long, not 16-bit or not mono are
kept and their issues recorded; files at another sample rate, empty or
unreadable are skipped and listed.

Output: in --out, per split, files <split>-NNNN.pcm (a 16-byte header, then
int16 little-endian samples, clip after clip) and index.json (format
version, clip length, each shard's SHA-256, and per clip its word, speaker,
split, source path, original length and issues). Every file is written to a
temporary name and renamed, the index last. stdout gets a summary (one JSON
object with --json); progress goes to stderr.

Example:
  ardm dataset prepare --in speech_commands_v0.02 --out data/sc09
  ardm dataset prepare --in ../shared/data/sc09-real-dev --out data/dev --split validation

` + exitStatusHelp + `
Skipped input files give exit status 3 (the shards are still written).`,
		Args: cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			return opts.validate()
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDatasetPrepare(cmd.Context(), opts, *gopts, args)
		},
	}
	opts.AddFlags(cmd)
	return cmd
}

// prepareResult is the summary of a prepare run.
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
	IssueCounts map[string]int `json:"issue_counts,omitempty"`
}

func runDatasetPrepare(ctx context.Context, opts datasetPrepareOptions, gopts globalOptions, args []string) error {
	set, err := loadSC09(ctx, gopts, opts.In, datasets.LoadOptions{Splits: opts.Splits, Length: opts.Length, Jobs: opts.Jobs})
	if err != nil {
		return err
	}
	if len(set.Clips) == 0 {
		return fmt.Errorf("dataset prepare: no usable clips in %s (%d files skipped)", opts.In, len(set.Report.Skipped))
	}
	if gopts.Verbose {
		for _, o := range set.Report.Odd {
			gopts.logf("%s: %s", o.Path, strings.Join(o.Issues, "; "))
		}
	}
	for _, s := range set.Report.Skipped {
		gopts.logf("skipped %s: %s", s.Path, strings.Join(s.Issues, "; "))
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	wbar := gopts.newProgress("writing", len(set.Clips))
	if err := datasets.WriteSetShards(opts.Out, set); err != nil {
		return err
	}
	wbar.Set(len(set.Clips), "")
	wbar.Done("")
	idx, err := datasets.ReadShardIndex(opts.Out)
	if err != nil {
		return withCode(exitIntegrity, fmt.Errorf("dataset prepare: reading back the index: %w", err))
	}

	res := prepareResult{
		In: opts.In, Out: opts.Out, SplitSource: set.Report.SplitSource,
		Files: set.Report.Files, Clips: len(set.Clips), PerSplit: make(map[string]int),
		Shards: len(idx.Shards), Skipped: len(set.Report.Skipped), IssueCounts: set.Report.IssueCounts,
	}
	for _, c := range set.Clips {
		res.PerSplit[c.Split]++
	}
	for _, s := range idx.Shards {
		res.Bytes += s.Bytes
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d clips of %d samples in %d shards (%.1f MB)\n", opts.Out, res.Clips, idx.Length, res.Shards, float64(res.Bytes)/1e6)
	for _, s := range datasets.Splits {
		if n, ok := res.PerSplit[s]; ok {
			fmt.Fprintf(&b, "  %-10s %d\n", s, n)
		}
	}
	fmt.Fprintf(&b, "splits from %s; %d files read, %d skipped\n", res.SplitSource, res.Files, res.Skipped)
	if len(res.IssueCounts) > 0 {
		b.WriteString("issues:")
		for _, k := range slices.Sorted(maps.Keys(res.IssueCounts)) {
			fmt.Fprintf(&b, " %s %d", k, res.IssueCounts[k])
		}
		b.WriteByte('\n')
	}
	gopts.printResult(res, b.String())
	if res.Skipped > 0 {
		return withCode(exitPartial, fmt.Errorf("dataset prepare: %d of %d files skipped (see above)", res.Skipped, res.Files))
	}
	return nil
}

// loadSC09 loads a Speech Commands folder with a "reading" progress bar on
// stderr and Ctrl-C support.
func loadSC09(ctx context.Context, gopts globalOptions, dir string, o datasets.LoadOptions) (*datasets.Set, error) {
	var bar *progress
	o.Context = ctx
	o.Progress = func(done, total int) {
		if bar == nil {
			bar = gopts.newProgress("reading", total)
		}
		bar.Set(done, "")
	}
	set, err := datasets.LoadSC09(dir, o)
	if bar != nil {
		bar.Done("")
	}
	return set, err
}
