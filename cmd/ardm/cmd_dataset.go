package main

import (
	"github.com/spf13/cobra"
)

func init() { register(newDatasetCmd) }

// datasetSubcommands holds the constructors of the `ardm dataset ...`
// subcommands; each subcommand file registers its own with registerDataset
// in an init function.
var datasetSubcommands []func(*globalOptions) *cobra.Command

// registerDataset adds a subcommand to `ardm dataset`.
func registerDataset(f func(*globalOptions) *cobra.Command) {
	datasetSubcommands = append(datasetSubcommands, f)
}

func newDatasetCmd(gopts *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dataset",
		Short: "Make, prepare and describe SC09 data sets",
		Long: `dataset groups the jobs on SC09 data: the ten digit words ("zero".."nine")
of Google Speech Commands, 1 s of 16 kHz mono 16-bit PCM each, in the
dataset's layout <word>/<speaker>_nohash_<n>.wav with validation_list.txt and
testing_list.txt.

  prepare  load a Speech Commands folder into checksummed int16 shards
  stats    counts, speakers, durations and levels per split
  synth    SC09-style synthetic speech in the same layout

Example:
  ardm dataset prepare --in ../shared/data/sc-train --out data/sc09
  ardm dataset stats data/sc09

` + exitStatusHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	for _, add := range datasetSubcommands {
		cmd.AddCommand(add(gopts))
	}
	return cmd
}
