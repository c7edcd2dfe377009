package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/ardm-dev/ardm/datasets"
)

func init() { registerDataset(newDatasetStatsCmd) }

// datasetStatsOptions are the flags of `ardm dataset stats`.
type datasetStatsOptions struct {
	Jobs int
}

func (o *datasetStatsOptions) AddFlags(cmd *cobra.Command) {
	cmd.Flags().IntVar(&o.Jobs, "jobs", runtime.GOMAXPROCS(0), "files read in parallel (Speech Commands folders)")
}

func newDatasetStatsCmd(gopts *globalOptions) *cobra.Command {
	var opts datasetStatsOptions
	cmd := &cobra.Command{
		Use:   "stats DIR",
		Short: "Counts, speakers, durations and levels of a data set, per split",
		Long: `stats describes DIR, either a Speech Commands folder (as prepare reads it)
or a shard directory written by prepare (it has an index.json).

For each split and for all clips: clips per word, clips, distinct speakers,
hours, source durations (min/median/max seconds, before padding), peak and
RMS level in dBFS (min/median/max over clips; a full-scale square wave is
0 dBFS, a full-scale sine has an RMS of -3.01; padding is excluded and
digitally silent clips are counted apart), clips that touch full scale; then
the issues found (short, long, depth, channels, rate, empty, unreadable,
name), skipped files, speakers found in more than one split, and for a
Speech Commands folder where the splits came from and where the list files
disagree with the which_set rule.

Output: a text table on stdout, or one JSON object with --json.

Example:
  ardm dataset stats ../shared/data/sc09-real-dev
  ardm dataset stats --json data/sc09 | jq '.splits[] | {split, clips}'

` + exitStatusHelp,
		Args: cobra.ExactArgs(1),
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if opts.Jobs <= 0 {
				return usageErr("dataset stats: --jobs %d must be positive", opts.Jobs)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDatasetStats(cmd.Context(), opts, *gopts, args)
		},
	}
	opts.AddFlags(cmd)
	return cmd
}

func runDatasetStats(ctx context.Context, opts datasetStatsOptions, gopts globalOptions, args []string) error {
	dir := args[0]
	var st *datasets.Stats
	if datasets.IsShardDir(dir) {
		idx, err := datasets.ReadShardIndex(dir)
		if err != nil {
			return shardErr(err)
		}
		clips, err := datasets.ReadShards(dir, "")
		if err != nil {
			return shardErr(err)
		}
		st = datasets.ComputeStats(clips, idx.Skipped)
		st.Kind = "shards"
	} else {
		set, err := loadSC09(ctx, gopts, dir, datasets.LoadOptions{Jobs: opts.Jobs})
		if err != nil {
			return err
		}
		st = datasets.ComputeStats(set.Clips, set.Report.Skipped)
		st.Kind = "speech-commands"
		st.Load = &set.Report
	}
	st.Dir = dir
	gopts.printResult(st, st.Text())
	return nil
}

// shardErr gives damaged shard data the integrity exit status.
func shardErr(err error) error {
	var (
		cs *datasets.ChecksumError
		cr *datasets.CorruptShardError
		uv *datasets.UnsupportedVersionError
	)
	if errors.As(err, &cs) || errors.As(err, &cr) || errors.As(err, &uv) {
		return withCode(exitIntegrity, fmt.Errorf("dataset stats: %w", err))
	}
	return err
}
