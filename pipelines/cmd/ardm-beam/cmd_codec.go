package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/spf13/cobra"

	"github.com/ardm-dev/ardm/internal/cliflag"
	"github.com/ardm-dev/ardm/pipelines"
)

func init() {
	register(newCompressCmd)
	register(newDecompressCmd)
}

type compressOptions struct {
	pipelines.CompressOptions
	Force bool
}

func newCompressCmd(gopts *globalOptions) *cobra.Command {
	var opts compressOptions
	opts.Budget = -1
	cmd := &cobra.Command{
		Use:   "compress --in DIR --out DIR [--model M | --no-model] [--budget N] [--verify]",
		Short: "Compress every WAV file of a tree into .ardm streams under an output root",
		Long: `compress codes every WAV file under --in (recursively) into an .ardm stream
under --out at the same relative path (a/b.wav -> a/b.ardm), exactly as
ardm compress codes it (same bytes for the same --model, --budget and
--seed), one file per pipeline element, and writes --out/manifest.jsonl:
one JSON object per input with path, output, samples, bytes, bits/sample,
coders used (channel-frames per coder), the MD5 of the PCM (as the stream
records it), whether it was verified, or its error.

A file that fails (not a WAV, truncated, float samples, empty) is in the
manifest with its error and the others go on; the exit status is then 3
(4 if a stream failed its --verify). --verify decodes each stream on the
worker and compares every sample with the input before writing it.

Result: a summary on stdout; with --json one object per file (the manifest
entries) and a last summary object.

Example:
  ardm-beam compress --no-model --in ../shared/data/sc09-real-dev --out out/dev-ardm --verify
  ardm-beam compress --model sc09.ardmm --budget 64 --in gs://b/wavs --out gs://b/ardm

` + exitStatusHelp,
		Args: cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case opts.In == "" || opts.Out == "":
				return usageErr("compress: --in and --out are required")
			case opts.In == opts.Out:
				return usageErr("compress: --out must differ from --in")
			case opts.NoModel && opts.ModelOnly:
				return usageErr("--no-model and --model-only exclude each other")
			case opts.NoModel && opts.Model != "":
				return usageErr("--model and --no-model exclude each other")
			case opts.Workers < 0:
				return usageErr("--workers must be >= 0")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompress(cmd.Context(), opts, *gopts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.In, "in", "", "input root: WAV files, searched recursively (required)")
	f.StringVar(&opts.Out, "out", "", "output root for the .ardm files and manifest.jsonl (required; must be empty unless --force)")
	f.StringVarP(&opts.Model, "model", "m", "", "model checkpoint (default: the built-in model)")
	f.BoolVar(&opts.NoModel, "no-model", false, "use only the model-free coders")
	f.BoolVar(&opts.ModelOnly, "model-only", false, "code every frame with the model")
	f.Var((*cliflag.Budget)(&opts.Budget), "budget", "network calls per frame and channel over all stages (0: one per position); default: the model's (192 for the built-in model)")
	f.BoolVar(&opts.Verify, "verify", false, "decode each output and compare every sample before writing it")
	f.IntVar(&opts.Workers, "workers", 1, "frames and channels coded at once within one file (the runner runs files in parallel)")
	f.BoolVar(&opts.Force, "force", false, "write into a non-empty output root")
	return cmd
}

func runCompress(ctx context.Context, opts compressOptions, gopts globalOptions) error {
	o := opts.CompressOptions
	o.Seed = gopts.Seed
	var err error
	if o.Budget, err = pipelines.ResolveBudget(ctx, o.Budget, o.Model, o.NoModel); err != nil {
		return err
	}
	if err := pipelines.CheckOutRoot(o.Out, opts.Force); err != nil {
		return usageErr("compress: %v", err)
	}
	rels, err := pipelines.ListAudio(ctx, o.In)
	if err != nil {
		return err
	}
	if len(rels) == 0 {
		return fmt.Errorf("compress: no WAV files under %s", o.In)
	}
	gopts.logf("compress: %d files under %s", len(rels), o.In)
	if err := runPipeline(ctx, gopts, "compress", func(s beam.Scope) { pipelines.Compress(s, o, rels) }); err != nil {
		return err
	}
	return reportManifest(ctx, gopts, "compress", o.Out)
}

// manifestSummary is the last --json object of compress and decompress.
type manifestSummary struct {
	Out           string  `json:"out"`
	Files         int     `json:"files"`
	Failed        int     `json:"failed"`
	Samples       int64   `json:"samples"`
	Bytes         int64   `json:"bytes"`
	BitsPerSample float64 `json:"bits_per_sample,omitempty"`
}

// reportManifest reads back the job's manifest, prints it and turns its
// failures into the exit status.
func reportManifest(ctx context.Context, gopts globalOptions, job, out string) error {
	m, err := pipelines.ReadManifest(ctx, out)
	if err != nil {
		return fmt.Errorf("%s: reading the manifest: %w", job, err)
	}
	sum := manifestSummary{Out: out, Files: len(m)}
	var pcmSamples int64
	for _, e := range m {
		if gopts.JSON {
			gopts.printResult(e, "")
		}
		if e.Error != "" {
			gopts.logf("ardm-beam: %s: %s", job, e.Error)
			continue
		}
		sum.Samples += e.Samples
		sum.Bytes += e.Bytes
		pcmSamples += e.Samples * int64(e.Channels)
	}
	failed, integrity := m.Failed()
	sum.Failed = failed
	if job == "compress" && pcmSamples > 0 {
		sum.BitsPerSample = 8 * float64(sum.Bytes) / float64(pcmSamples)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d files, %d failed, %d bytes", out, sum.Files, sum.Failed, sum.Bytes)
	if sum.BitsPerSample > 0 {
		fmt.Fprintf(&b, ", %.3f bits/sample", sum.BitsPerSample)
	}
	b.WriteString("; manifest in " + pipelines.ManifestFile + "\n")
	gopts.printResult(sum, b.String())
	switch {
	case integrity > 0:
		return withCode(exitIntegrity, fmt.Errorf("%s: %d of %d files failed, %d of them integrity failures (see the manifest)", job, failed, len(m), integrity))
	case failed > 0:
		return withCode(exitPartial, fmt.Errorf("%s: %d of %d files failed (see the manifest)", job, failed, len(m)))
	}
	return nil
}

type decompressOptions struct {
	pipelines.DecompressOptions
	Force bool
}

func newDecompressCmd(gopts *globalOptions) *cobra.Command {
	var opts decompressOptions
	cmd := &cobra.Command{
		Use:   "decompress --in DIR --out DIR [--model M]",
		Short: "Decode every .ardm stream of a tree back to WAV files under an output root",
		Long: `decompress decodes every .ardm stream under --in (recursively) to a WAV file
under --out at the same relative path (a/b.ardm -> a/b.wav), exactly as
ardm decompress does (every frame's CRC and the PCM's MD5 checked), and
writes --out/manifest.jsonl (path, output, samples, bytes, MD5, or the
error). A stream that fails is in the manifest and the others go on: exit
status 4 if a stream is damaged or needs another model, 3 for other
failures.

Example:
  ardm-beam decompress --in out/dev-ardm --out out/dev-wav

` + exitStatusHelp,
		Args: cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case opts.In == "" || opts.Out == "":
				return usageErr("decompress: --in and --out are required")
			case opts.In == opts.Out:
				return usageErr("decompress: --out must differ from --in")
			case opts.Workers < 0:
				return usageErr("--workers must be >= 0")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDecompress(cmd.Context(), opts, *gopts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.In, "in", "", "input root: .ardm files, searched recursively (required)")
	f.StringVar(&opts.Out, "out", "", "output root for the WAV files and manifest.jsonl (required; must be empty unless --force)")
	f.StringVarP(&opts.Model, "model", "m", "", "model checkpoint the streams were made with (default: the built-in model; not needed for --no-model streams)")
	f.IntVar(&opts.Workers, "workers", 1, "frames and channels decoded at once within one file")
	f.BoolVar(&opts.Force, "force", false, "write into a non-empty output root")
	return cmd
}

func runDecompress(ctx context.Context, opts decompressOptions, gopts globalOptions) error {
	o := opts.DecompressOptions
	if err := pipelines.CheckOutRoot(o.Out, opts.Force); err != nil {
		return usageErr("decompress: %v", err)
	}
	rels, err := pipelines.ListStreams(ctx, o.In)
	if err != nil {
		return err
	}
	if len(rels) == 0 {
		return fmt.Errorf("decompress: no .ardm files under %s", o.In)
	}
	gopts.logf("decompress: %d streams under %s", len(rels), o.In)
	if err := runPipeline(ctx, gopts, "decompress", func(s beam.Scope) { pipelines.Decompress(s, o, rels) }); err != nil {
		return err
	}
	return reportManifest(ctx, gopts, "decompress", o.Out)
}
