package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

type exportOptions struct {
	Model  string
	Output string
}

func newExportCmd(gopts *globalOptions) *cobra.Command {
	var o exportOptions
	c := &cobra.Command{
		Use:   "export --model CKPT -o MODEL",
		Short: "Write the inference model of a training checkpoint, without the optimizer state",
		Long: `export reads a model or training checkpoint (ardm train --out) and writes
the inference model alone: the config, the averaged (EMA) weights and the
L_t table the budget policy needs, about a third of a training checkpoint.
The content hash, which .ardm streams name, is the same for both files.

Example:
  ardm export --model internal/builtin/default.ardmm -o sc09.ardmm

` + exitStatusHelp,
		Args: cobra.NoArgs,
		PreRunE: func(*cobra.Command, []string) error {
			if o.Model == "" || o.Output == "" {
				return usageErr("export needs --model and -o")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error { return runExport(c.Context(), o, *gopts, args) },
	}
	c.Flags().StringVarP(&o.Model, "model", "m", "", "model or training checkpoint to read (required)")
	c.Flags().StringVarP(&o.Output, "output", "o", "", "model file to write (required)")
	return c
}

func init() { register(newExportCmd) }

func runExport(_ context.Context, o exportOptions, gopts globalOptions, args []string) error {
	m, err := loadModel(o.Model)
	if err != nil {
		return err
	}
	if err := m.Save(o.Output); err != nil {
		return err
	}
	h := m.Hash()
	gopts.printResult(map[string]any{"model": o.Output, "hash": fmt.Sprintf("%x", h[:])},
		fmt.Sprintf("%s: model %x\n", o.Output, h[:8]))
	return nil
}
