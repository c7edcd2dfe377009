package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/ardm-dev/ardm/coder"
	"github.com/ardm-dev/ardm/jobs"
)

func init() { register(newDecompressCmd) }

// decompressOptions are the flags of `ardm decompress`.
type decompressOptions struct {
	Model   string
	Out     string
	OutDir  string
	root    string // the inputs\' common folder, mirrored under OutDir
	Workers int
	Force   bool
	// IgnoreTrailing: bytes after the stream's end record are not an error.
	IgnoreTrailing bool
	MaxCalls       int
}

// defaultMaxCalls is decompress's default decode-cost limit: network calls
// per frame and channel. It is 21 times the built-in model's default budget
// (192): about 25 s of CPU per one-second frame on two cores, where a
// budget-0 stream of 16000-sample frames (256,000 calls) would take about
// 18 minutes per frame.
const defaultMaxCalls = 4096

func (o *decompressOptions) AddFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.Model, "model", "m", "", "model checkpoint the stream was made with (default: the built-in model; not needed for streams made with --no-model)")
	f.StringVarP(&o.Out, "output", "o", "", `output WAV ("-" for stdout; default IN with .wav)`)
	f.StringVar(&o.OutDir, "out-dir", "", "directory for the outputs; the inputs' folders below their common folder are made under it")
	f.IntVar(&o.Workers, "workers", 0, "frames and channels decoded at once (default GOMAXPROCS)")
	forceFlag(cmd, &o.Force)
	f.IntVar(&o.MaxCalls, "max-calls", defaultMaxCalls, "refuse (exit 4, before decoding) a stream whose header asks for more network calls per frame and channel than this; 0: no limit")
	f.BoolVar(&o.IgnoreTrailing, "ignore-trailing", false, "decode a stream that has bytes after its end record (by default an integrity failure, exit 4)")
}

// validate checks the flags and where the inputs args go.
func (o *decompressOptions) validate(args []string) error {
	if o.Workers < 0 {
		return usageErr("--workers must be >= 0")
	}
	if o.MaxCalls < 0 {
		return usageErr("--max-calls must be >= 0")
	}
	return checkOutputs(args, o.setRoot(args), o.Out, o.OutDir, ".wav")
}

func newDecompressCmd(gopts *globalOptions) *cobra.Command {
	var opts decompressOptions
	cmd := &cobra.Command{
		Use:   "decompress IN.ardm... [-o OUT.wav | --out-dir DIR]",
		Short: "Decode .ardm streams back to the exact WAV samples",
		Long: `decompress decodes each .ardm stream to a WAV file with exactly the samples,
rate, channels and bit depth that were compressed. Every frame's CRC and the
MD5 of the whole PCM are checked.

Inputs: .ardm files, "-" for standard input. Outputs: IN.wav next to each
input, in --out-dir (which mirrors the inputs' folders below their common
folder: data/one/a.wav and data/two/a.wav go to DIR/one/ and DIR/two/), or
-o (one input; "-" for standard output). An existing
output is refused unless --force, and an input is never written over. A
stream's header sets the decoder's work: one whose header asks for more
than --max-calls network calls per frame and channel (default 4096, 21
times the built-in model's default budget; a --budget 0 stream asks for
16 x the frame length) is refused before decoding, exit 4. Samples
are written as they are decoded, in bounded memory for any length; a file
is written to a temporary file and renamed only on success, while standard
output has received the samples before the final MD5 check (the exit
status tells). A stream made with a model needs
that model (--model); the error names the hash it needs. A corrupt or
truncated stream, a checksum mismatch or the wrong model exit with status 4.

Example:
  ardm decompress clip.ardm -o clip.wav
  ardm decompress --model internal/builtin/default.ardmm clip400.ardm -o clip400.wav

` + exitStatusHelp,
		Args: cobra.MinimumNArgs(1),
		PreRunE: func(cmd *cobra.Command, args []string) error {
			return opts.validate(args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDecompress(cmd.Context(), opts, *gopts, args)
		},
	}
	opts.AddFlags(cmd)
	return cmd
}

// decompressResult is the --json record of one decoded file.
type decompressResult struct {
	File     string  `json:"file"`
	Output   string  `json:"output"`
	Samples  int64   `json:"samples"`
	Channels int     `json:"channels"`
	Seconds  float64 `json:"seconds"`
	Realtime float64 `json:"x_realtime"`
}

func runDecompress(ctx context.Context, opts decompressOptions, gopts globalOptions, args []string) error {
	if opts.OutDir != "" {
		if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
			return err
		}
	}
	models := map[[32]byte]coder.Predictor{} // loaded once per hash
	return eachInput(ctx, gopts, "decompress", args, func(in string) error {
		res, err := decompressFile(ctx, opts, gopts, in, models)
		if err != nil {
			return err
		}
		gopts.codecResult(res, res.Output, fmt.Sprintf("%s -> %s: %d samples x %d channels, %.1fx real time\n", res.File, res.Output, res.Samples, res.Channels, res.Realtime))
		return nil
	})
}

func decompressFile(ctx context.Context, opts decompressOptions, gopts globalOptions, in string, models map[[32]byte]coder.Predictor) (*decompressResult, error) {
	start := time.Now()
	f, name, err := openInput(in)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	outPath := outputPath(in, opts.root, opts.Out, opts.OutDir, ".wav")
	if err := makeOutputDir(outPath, opts.OutDir); err != nil {
		return nil, err
	}
	if err := checkOutputPath(in, outPath, opts.Force); err != nil {
		return nil, err
	}
	out, err := createAtomic(outPath, false)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			out.Abort()
		}
	}()
	model := func(hash [32]byte) (coder.Predictor, error) {
		if m := models[hash]; m != nil {
			return m, nil
		}
		_, m, err := codecModel(opts.Model, false)
		if err != nil {
			return nil, err
		}
		models[hash] = m
		return m, nil
	}
	prog, done := gopts.jobProgress("decompress " + name)
	dopts := []coder.Option{coder.WithMaxCalls(opts.MaxCalls)}
	if opts.IgnoreTrailing {
		dopts = append(dopts, coder.WithTrailingData())
	}
	if opts.Workers > 0 {
		dopts = append(dopts, coder.WithWorkers(opts.Workers))
	}
	d, err := jobs.Decompress(ctx, f, name, out.Writer, model, prog, dopts...)
	done()
	if err != nil {
		return nil, integrity(err)
	}
	if err := out.Commit(); err != nil {
		return nil, err
	}
	ok = true
	af := d.Format
	res := &decompressResult{File: name, Output: outPath, Samples: d.Samples, Channels: af.Channels, Seconds: time.Since(start).Seconds()}
	if res.Seconds > 0 {
		res.Realtime = float64(res.Samples) / float64(af.SampleRate) / res.Seconds
	}
	return res, nil
}

// setRoot records the inputs' common folder for --out-dir and returns it.
func (o *decompressOptions) setRoot(args []string) string {
	o.root = inputRoot(args)
	return o.root
}
