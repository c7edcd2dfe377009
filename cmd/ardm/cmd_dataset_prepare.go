package main

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ardm-dev/ardm/datasets"
)

func init() { registerDataset(newDatasetPrepareCmd) }

// datasetPrepareOptions are the flags of `ardm dataset prepare`.
type datasetPrepareOptions struct {
	In     []string // DIR or DIR:WEIGHT
	Out    string
	Layout string
	Words  string
	Splits []string
	Length int
	Hop    int
	Jobs   int
	inputs []prepareInput // In, parsed by validate
}

// prepareInput is one --in: a folder and its weight in the mix.
type prepareInput struct {
	Dir    string
	Weight int
}

func (o *datasetPrepareOptions) AddFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringArrayVar(&o.In, "in", nil, "folder to read, DIR or DIR:WEIGHT (repeat to mix folders; WEIGHT, a whole number, default 1, is how often an epoch visits each of its clips) (required)")
	f.StringVar(&o.Layout, "layout", "auto", "auto, speech-commands (<word>/<speaker>_nohash_<n>.wav|flac) or utterances (any tree of recordings, cut into windows)")
	f.StringVar(&o.Words, "words", "digits", "Speech Commands words to keep: digits (the ten of SC09), all, or a comma-separated list")
	f.IntVar(&o.Hop, "hop", 0, "utterances: samples between window starts (0: --length, no overlap)")
	f.StringVar(&o.Out, "out", "", "directory to write the shards to (required; created if needed)")
	f.StringSliceVar(&o.Splits, "split", nil, "splits to keep: training,validation,testing (or train,val,test); default all")
	f.IntVar(&o.Length, "length", datasets.ClipLength, "samples per clip: shorter clips are zero padded on the right; longer Speech Commands clips are trimmed, longer utterances cut into windows")
	f.IntVar(&o.Jobs, "jobs", runtime.GOMAXPROCS(0), "files read in parallel")
}

// validate checks the flags and puts the split names in canonical form.
func (o *datasetPrepareOptions) validate() error {
	if len(o.In) == 0 || o.Out == "" {
		return usageErr("dataset prepare: --in and --out are required")
	}
	o.inputs = o.inputs[:0]
	for _, in := range o.In {
		pi := prepareInput{Dir: in, Weight: 1}
		if i := strings.LastIndexByte(in, ':'); i >= 0 {
			w, err := strconv.Atoi(in[i+1:])
			if err != nil || w < 1 {
				return usageErr("dataset prepare: --in %q: the weight after ':' must be a whole number >= 1", in)
			}
			pi = prepareInput{Dir: in[:i], Weight: w}
		}
		if filepath.Clean(pi.Dir) == filepath.Clean(o.Out) {
			return usageErr("dataset prepare: --out must differ from --in")
		}
		o.inputs = append(o.inputs, pi)
	}
	if o.Length <= 0 {
		return usageErr("dataset prepare: --length %d must be positive", o.Length)
	}
	if o.Hop < 0 {
		return usageErr("dataset prepare: --hop %d must not be negative", o.Hop)
	}
	switch o.Layout {
	case "auto", datasets.LayoutSpeechCommands, datasets.LayoutUtterances:
	default:
		return usageErr("dataset prepare: --layout %q (want auto, speech-commands or utterances)", o.Layout)
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
		Use:   "prepare --in DIR[:WEIGHT] [--in DIR[:WEIGHT]...] --out DIR",
		Short: "Load Speech Commands folders or long recordings into compact checksummed shards",
		Long: `prepare reads one or more folders (--in, WAV or FLAC files) and writes their
clips to --out as shards that training reads fast.

Layouts (--layout auto tells them apart by the file names):
  speech-commands  <word>/<speaker>_nohash_<n>.wav|flac, the v0.01/v0.02
                   layout; --words picks the words (default the ten digits
                   of SC09). Splits come from validation_list.txt and
                   testing_list.txt when the folder has them (a file in
                   neither is training), otherwise from the dataset
                   README's which_set rule (SHA-1 of the speaker id: 10%
                   validation, 10% testing). Every clip is padded with zeros
                   on the right or trimmed to --length samples.
  utterances       any tree of recordings of any length: each is cut into
                   windows of --length samples every --hop samples (the tail
                   after the last whole window is dropped; a recording
                   shorter than one window is zero padded). The split
                   follows the speaker column of the folder's MANIFEST.tsv
                   (each file its own speaker where it names none), hashed
                   by the same which_set rule, so no speaker is in two
                   splits.
Several --in folders are mixed into one set: each clip's path starts with
its folder's name, and DIR:WEIGHT makes an epoch of training visit each of
that folder's clips WEIGHT times (a whole number; default 1).

Files that are short, long, not 16-bit or not mono are kept (converted) and
their issues recorded; files at another sample rate than 16 kHz, empty or
unreadable are skipped and listed.

Output: in --out, per split, files <split>-NNNN.pcm (a 16-byte header, then
int16 little-endian samples, clip after clip) and index.json (format
version, clip length, each shard's SHA-256, and per clip its word, speaker,
split, source path, original length, weight and issues). Every file is
written to a temporary name and renamed, the index last. The same inputs
give byte-identical shards. stdout gets a summary (one JSON object with
--json); progress goes to stderr.

Example:
  ardm dataset prepare --in ../shared/data/sc-train --out data/sc09
  ardm dataset prepare --in ../shared/data/sc09-real-dev --out data/dev --split validation
  ardm dataset prepare --in ../shared/data/sc-train:3 --words all \
      --in ../shared/data/speech-misc --out data/real

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
	var (
		sets    []*datasets.Set
		labels  []string
		weights []int
	)
	for _, in := range opts.inputs {
		o := datasets.LoadOptions{Splits: opts.Splits, Length: opts.Length, Hop: opts.Hop, Jobs: opts.Jobs}
		switch opts.Words {
		case "digits":
		case "all":
			w, err := datasets.WordFolders(in.Dir)
			if err != nil {
				return err
			}
			o.Words = w
		default:
			o.Words = strings.Split(opts.Words, ",")
		}
		set, err := loadFolder(ctx, gopts, in.Dir, opts.Layout, o)
		if err != nil {
			return err
		}
		sets, labels, weights = append(sets, set), append(labels, filepath.Base(filepath.Clean(in.Dir))), append(weights, in.Weight)
	}
	set, err := datasets.Mix(sets, labels, weights)
	if err != nil {
		return withCode(exitUsage, fmt.Errorf("dataset prepare: %w", err))
	}
	if len(set.Clips) == 0 {
		return fmt.Errorf("dataset prepare: no usable clips in %s (%d files skipped)", strings.Join(opts.In, ", "), len(set.Report.Skipped))
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
		In: strings.Join(opts.In, ","), Out: opts.Out, SplitSource: set.Report.SplitSource,
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
	return loadFolder(ctx, gopts, dir, datasets.LayoutSpeechCommands, o)
}

// loadFolder is loadSC09 for a folder in any layout (datasets.LoadFolder).
func loadFolder(ctx context.Context, gopts globalOptions, dir, layout string, o datasets.LoadOptions) (*datasets.Set, error) {
	var bar *progress
	o.Context = ctx
	o.Progress = func(done, total int) {
		if bar == nil {
			bar = gopts.newProgress("reading", total)
		}
		bar.Set(done, "")
	}
	set, err := datasets.LoadFolder(dir, layout, o)
	if bar != nil {
		bar.Done("")
	}
	return set, err
}
