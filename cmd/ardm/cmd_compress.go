package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/coder"
	"github.com/spf13/cobra"
)

func init() { register(newCompressCmd) }

// compressOptions are the flags of `ardm compress`.
type compressOptions struct {
	Model   string
	NoModel bool
	Budget  int
	Out     string
	OutDir  string
	Verify  bool
	Workers int
}

func (o *compressOptions) AddFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.Model, "model", "m", "", "model checkpoint (default: the built-in model)")
	f.BoolVar(&o.NoModel, "no-model", false, "use only the model-free coders (fixed predictor + Rice, verbatim, constant)")
	f.IntVar(&o.Budget, "budget", defaultBudget, "network calls per frame and channel over all stages (0: one per position, slowest)")
	f.StringVarP(&o.Out, "output", "o", "", `output file ("-" for stdout; default IN with .ardm)`)
	f.StringVar(&o.OutDir, "out-dir", "", "directory for the outputs (needed for several inputs)")
	f.BoolVar(&o.Verify, "verify", false, "decode each output after writing it and compare every sample")
	f.IntVar(&o.Workers, "workers", 0, "frames and channels coded at once (default GOMAXPROCS)")
}

func newCompressCmd() *cobra.Command {
	var opts compressOptions
	cmd := &cobra.Command{
		Use:   "compress [--model M] [--budget N] IN.wav... [-o OUT.ardm | --out-dir DIR]",
		Short: "Compress WAV files losslessly into .ardm streams with a model",
		Long: `compress codes each WAV file (integer PCM, 8/16/24/32-bit, 1 to 8 channels,
any rate and length) losslessly into an .ardm stream: the model's
probabilities drive an rANS coder, and a frame the model would code worse
than a plain fallback (constant, fixed predictor + Rice, raw PCM) is stored
with the fallback, so no file grows by more than a few bytes per frame.

Inputs: WAV files, "-" for standard input. Outputs: OUT.ardm next to each
input, in --out-dir, or -o (one input; "-" for standard output). Outputs are
written to a temporary file and renamed only on success. --verify decodes
the result and compares every sample before renaming.

Result per file on stdout (bits/sample, ratio against the PCM size, coders
used); with --json one object per file.

Example:
  ardm compress --model sc09.ckpt --budget 400 clip.wav -o clip.ardm
  ardm compress --no-model --out-dir out/ data/*.wav --verify

` + exitStatusHelp,
		Args: cobra.MinimumNArgs(1),
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if opts.Budget < 0 {
				return usageErr("--budget must be >= 0")
			}
			if opts.Workers < 0 {
				return usageErr("--workers must be >= 0")
			}
			if len(args) > 1 && opts.Out != "" {
				return usageErr("-o takes one input; use --out-dir for several")
			}
			if err := distinctOutputs(args, opts.Out, opts.OutDir, ".ardm"); err != nil {
				return err
			}
			if len(args) > 1 && opts.OutDir == "" {
				return usageErr("several inputs need --out-dir")
			}
			if opts.NoModel && opts.Model != "" {
				return usageErr("--model and --no-model exclude each other")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompress(cmd.Context(), opts, args)
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

func runCompress(ctx context.Context, opts compressOptions, args []string) error {
	m, err := codecModel(opts.Model, opts.NoModel)
	if err != nil {
		return err
	}
	if opts.OutDir != "" {
		if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
			return err
		}
	}
	failed := 0
	var last error
	for _, in := range args {
		if err := ctx.Err(); err != nil {
			return err
		}
		res, err := compressFile(ctx, m, opts, in)
		if err != nil {
			if len(args) == 1 {
				return err
			}
			failed++
			last = err
			logf("ardm: compress: %v", err)
			continue
		}
		printResult(res, fmt.Sprintf("%s -> %s: %.3f bits/sample, ratio %.3f, %d bytes, %.1fx real time%s\n",
			res.File, res.Output, res.BitsPerSample, res.Ratio, res.Bytes, res.Realtime, map[bool]string{true: ", verified"}[res.Verified]))
	}
	if failed > 0 {
		return withCode(exitPartial, fmt.Errorf("compress: %d of %d inputs failed (last: %v)", failed, len(args), last))
	}
	return nil
}

func compressFile(ctx context.Context, m coder.Model, opts compressOptions, in string) (*compressResult, error) {
	start := time.Now()
	var pcm *audio.PCM
	var err error
	if in == "-" {
		pcm, err = audio.ReadAll(os.Stdin, "<stdin>")
	} else {
		pcm, err = audio.ReadFile(in)
	}
	if err != nil {
		return nil, err
	}
	name := in
	if in == "-" {
		name = "<stdin>"
	}
	outPath := outputPath(in, opts.Out, opts.OutDir, ".ardm")
	out, err := createAtomic(outPath)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			out.Abort()
		}
	}()
	copts := []coder.Option{coder.WithBudget(opts.Budget), coder.WithOrderSeed(globals.Seed)}
	if opts.Workers > 0 {
		copts = append(copts, coder.WithWorkers(opts.Workers))
	}
	var dopts []coder.Option
	if opts.Workers > 0 {
		dopts = append(dopts, coder.WithWorkers(opts.Workers))
	}
	var verifyBuf bytes.Buffer
	bw := bufio.NewWriterSize(out, 1<<16)
	var sink io.Writer = bw
	if opts.Verify {
		sink = io.MultiWriter(bw, &verifyBuf)
	}
	w, err := coder.NewWriter(sink, m, pcm.Format, int64(pcm.Frames()), copts...)
	if err != nil {
		return nil, err
	}
	frameLen := w.Header().FrameLen
	prog := newProgress("compress "+name, pcm.Frames())
	for lo := 0; lo < pcm.Frames(); lo += frameLen {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi := min(lo+frameLen, pcm.Frames())
		chunk := &audio.PCM{Format: pcm.Format, Data: make([][]int32, len(pcm.Data))}
		for c := range pcm.Data {
			chunk.Data[c] = pcm.Data[c][lo:hi]
		}
		if err := w.Write(chunk); err != nil {
			return nil, err
		}
		prog.Set(hi, "")
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	prog.Done("")
	st := w.Stats()
	res := &compressResult{File: name, Output: outPath, Samples: st.Samples, Channels: pcm.Channels, BitDepth: pcm.BitDepth,
		Bytes: st.Bytes, BitsPerSample: st.BitsPerSample(pcm.Channels), Stats: st, Header: w.Header()}
	if st.Bytes > 0 {
		res.Ratio = float64(st.Samples*int64(pcm.Channels)*int64((pcm.BitDepth+7)/8)) / float64(st.Bytes)
	}
	if opts.Verify {
		dec, err := coder.Decode(&verifyBuf, m, dopts...)
		if err != nil {
			return nil, integrity(fmt.Errorf("%s: verify: %w", name, err))
		}
		for c := range pcm.Data {
			for i, v := range pcm.Data[c] {
				if dec.Data[c][i] != v {
					return nil, withCode(exitIntegrity, fmt.Errorf("%s: verify: channel %d sample %d decodes to %d, not %d", name, c, i, dec.Data[c][i], v))
				}
			}
		}
		res.Verified = true
	}
	if err := out.Commit(); err != nil {
		return nil, err
	}
	ok = true
	res.Seconds = time.Since(start).Seconds()
	if res.Seconds > 0 && pcm.SampleRate > 0 {
		res.Realtime = float64(st.Samples) / float64(pcm.SampleRate) / res.Seconds
	}
	return res, nil
}
