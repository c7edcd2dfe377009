package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/ardm-dev/ardm/coder"
	"github.com/ardm-dev/ardm/jobs"
)

func init() { register(newCompressCmd) }

// compressOptions are the flags of `ardm compress`.
type compressOptions struct {
	Model     string
	NoModel   bool
	ModelOnly bool
	Budget    int
	Out       string
	OutDir    string
	root      string // the inputs\' common folder, mirrored under OutDir
	Verify    bool
	Force     bool
	Workers   int
}

func (o *compressOptions) AddFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.Model, "model", "m", "", "model checkpoint (default: the built-in model)")
	f.BoolVar(&o.NoModel, "no-model", false, "use only the model-free coders (adaptive least-squares cascade, LPC, fixed predictor + Rice, verbatim, constant)")
	f.BoolVar(&o.ModelOnly, "model-only", false, "code every frame with the model, even where a classic coder is smaller (to time the model's worst case, or measure the model alone)")
	budgetFlag(cmd, &o.Budget, "network calls per frame and channel over all stages (0: one per position, slowest)")
	f.StringVarP(&o.Out, "output", "o", "", `output file ("-" for stdout; default IN with .ardm)`)
	f.StringVar(&o.OutDir, "out-dir", "", "directory for the outputs; the inputs' folders below their common folder are made under it")
	forceFlag(cmd, &o.Force)
	f.BoolVar(&o.Verify, "verify", false, "decode each output after writing it and compare every sample")
	f.IntVar(&o.Workers, "workers", 0, "frames and channels coded at once (default GOMAXPROCS)")
}

// validate checks the flags against each other and the inputs args.
func (o *compressOptions) validate(args []string) error {
	if o.Budget < 0 && o.Budget != modelBudget {
		return usageErr("--budget must be >= 0")
	}
	if o.Workers < 0 {
		return usageErr("--workers must be >= 0")
	}
	if err := checkOutputs(args, o.setRoot(args), o.Out, o.OutDir, ".ardm"); err != nil {
		return err
	}
	if o.NoModel && o.ModelOnly {
		return usageErr("--no-model and --model-only exclude each other")
	}
	if o.NoModel && o.Model != "" {
		return usageErr("--model and --no-model exclude each other")
	}
	return nil
}

func newCompressCmd(gopts *globalOptions) *cobra.Command {
	var opts compressOptions
	cmd := &cobra.Command{
		Use:   "compress [--model M] [--budget N] IN.wav... [-o OUT.ardm | --out-dir DIR]",
		Short: "Compress WAV or FLAC files losslessly into .ardm streams with a model",
		Long: `compress codes each WAV file (integer PCM, 8/16/24/32-bit, 1 to 8 channels,
any rate and length; a FLAC file is read as the WAV it decodes to) losslessly into an .ardm stream: the model's
probabilities drive an rANS coder, and a frame the model would code worse
than a classic coder (backward-adaptive least squares or LPC with an
adaptive residual model, fixed predictor + Rice, constant, raw PCM) is stored with that coder, so no file grows by
more than a few bytes per frame over its best classic coding.
--budget sets the network calls per frame (default: the model's, 12 per
stage): more calls, smaller model-coded frames, proportionally slower
(ardm eval shows the curve). --model-only
stores every frame with the model (to time or measure it alone).

The model is tried only on input at the sample rate it was trained on
(16 kHz for every ardm model): on other rates it would not win and costs
100x the time, so such a file is coded as with --no-model (it then
decodes without the model) and -v says so. --model-only overrides this.

Inputs: WAV or FLAC files, "-" for standard input. Outputs: OUT.ardm next to each
input, in --out-dir (which mirrors the inputs' folders below their common
folder: data/one/a.wav and data/two/a.wav go to DIR/one/ and DIR/two/), or
-o (one input; "-" for standard output). An existing
output is refused unless --force, and an input is never written over; the
output path is checked before any coding. Outputs are
written to a temporary file and renamed only on success. --verify decodes
the result and compares every sample with a second read of the input
before renaming (with -o -, before anything goes to standard output).
Any length is coded in bounded memory: the input is read one model frame
at a time.

Result per file on stdout (on stderr when stdout carries the stream):
bits/sample, ratio against the PCM size, coders used; with --json one object
per file.

Example:
  ardm compress ../shared/data/sc09-real-dev/eight/439c84f4_nohash_1.wav -o clip.ardm
  ardm compress --model internal/builtin/default.ardmm --budget 400 \
      ../shared/data/sc09-real-dev/eight/439c84f4_nohash_1.wav -o clip400.ardm
  ardm compress --no-model --out-dir out/ ../shared/data/sc09-real-dev/*/*.wav --verify

` + exitStatusHelp,
		Args: cobra.MinimumNArgs(1),
		PreRunE: func(cmd *cobra.Command, args []string) error {
			return opts.validate(args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompress(cmd.Context(), opts, *gopts, args)
		},
	}
	opts.AddFlags(cmd)
	return cmd
}

// compressResult is the --json record of one compressed file.
type compressResult struct {
	File          string       `json:"file"`
	Output        string       `json:"output"`
	Samples       int64        `json:"samples"`
	Channels      int          `json:"channels"`
	BitDepth      int          `json:"bit_depth"`
	Bytes         int64        `json:"bytes"`
	BitsPerSample float64      `json:"bits_per_sample"`
	Ratio         float64      `json:"ratio"`
	Seconds       float64      `json:"seconds"`
	Realtime      float64      `json:"x_realtime"`
	Verified      bool         `json:"verified"`
	Stats         coder.Stats  `json:"stats"`
	Header        coder.Header `json:"header"`
}

func runCompress(ctx context.Context, opts compressOptions, gopts globalOptions, args []string) error {
	am, m, err := codecModel(opts.Model, opts.NoModel)
	if err != nil {
		return err
	}
	if opts.Budget, err = resolveBudget(opts.Budget, am); err != nil {
		return err
	}
	if opts.OutDir != "" {
		if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
			return err
		}
	}
	return eachInput(ctx, gopts, "compress", args, func(in string) error {
		res, err := compressFile(ctx, m, opts, gopts, in)
		if err != nil {
			return err
		}
		gopts.codecResult(res, res.Output, fmt.Sprintf("%s -> %s: %.3f bits/sample, ratio %.3f, %d bytes, %.1fx real time%s\n",
			res.File, res.Output, res.BitsPerSample, res.Ratio, res.Bytes, res.Realtime, map[bool]string{true: ", verified"}[res.Verified]))
		return nil
	})
}

func compressFile(ctx context.Context, m coder.Predictor, opts compressOptions, gopts globalOptions, in string) (*compressResult, error) {
	start := time.Now()
	src, name, err := openInput(in)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	// Standard input cannot be read twice: --verify keeps a copy of the
	// bytes the reader consumes in a temporary file.
	input := io.Reader(src)
	reread := in
	if opts.Verify && in == "-" {
		tee, err := os.CreateTemp("", "ardm-stdin-*.wav")
		if err != nil {
			return nil, err
		}
		defer os.Remove(tee.Name())
		defer tee.Close()
		input, reread = io.TeeReader(src, tee), tee.Name()
	}
	outPath := outputPath(in, opts.root, opts.Out, opts.OutDir, ".ardm")
	if err := makeOutputDir(outPath, opts.OutDir); err != nil {
		return nil, err
	}
	if err := checkOutputPath(in, outPath, opts.Force); err != nil {
		return nil, err
	}
	out, err := createAtomic(outPath, opts.Verify)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			out.Abort()
		}
	}()
	bw := bufio.NewWriterSize(out, 1<<16)
	prog, done := gopts.jobProgress("compress " + name)
	c, err := jobs.Compress(ctx, m, input, name, bw, jobs.CompressOptions{
		Budget: opts.Budget, OrderSeed: gopts.Seed, ModelOnly: opts.ModelOnly, Workers: opts.Workers, Progress: prog,
	})
	done()
	if err != nil {
		return nil, err
	}
	if why := c.Stats.ModelSkipped; why != "" && gopts.Verbose {
		fmt.Fprintf(os.Stderr, "%s: model not tried (%s): coded without it\n", name, why)
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	f, st := c.Format, c.Stats
	res := &compressResult{File: name, Output: outPath, Samples: st.Samples, Channels: f.Channels, BitDepth: f.BitDepth,
		Bytes: st.Bytes, BitsPerSample: c.BitsPerSample(), Ratio: c.Ratio(), Stats: st, Header: c.Header}
	if opts.Verify {
		if err := verifyStream(ctx, gopts, out.Name(), reread, name, m, opts.Workers); err != nil {
			return nil, err
		}
		res.Verified = true
	}
	if err := out.Commit(); err != nil {
		return nil, err
	}
	ok = true
	res.Seconds = time.Since(start).Seconds()
	if res.Seconds > 0 && f.SampleRate > 0 {
		res.Realtime = float64(st.Samples) / float64(f.SampleRate) / res.Seconds
	}
	return res, nil
}

// verifyStream decodes the stream written to streamPath and compares it,
// frame by frame, with a second read of the WAV file wavPath (see
// jobs.Verify). A mismatch or a damaged stream exits with status 4.
func verifyStream(ctx context.Context, gopts globalOptions, streamPath, wavPath, name string, m coder.Predictor, workers int) error {
	sf, err := os.Open(streamPath)
	if err != nil {
		return err
	}
	defer sf.Close()
	wf, err := os.Open(wavPath)
	if err != nil {
		return err
	}
	defer wf.Close()
	prog, done := gopts.jobProgress("verify " + name)
	defer done()
	return integrity(jobs.Verify(ctx, m, bufio.NewReaderSize(sf, 1<<16), wf, name, workers, prog))
}

// setRoot records the inputs' common folder for --out-dir and returns it.
func (o *compressOptions) setRoot(args []string) string {
	o.root = inputRoot(args)
	return o.root
}
