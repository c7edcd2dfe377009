package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/audio"
)

func init() { register(newInfoCmd) }

// infoOptions are the flags of `ardm info`.
type infoOptions struct {
	HeaderOnly bool
}

func (o *infoOptions) AddFlags(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&o.HeaderOnly, "header-only", false, "report only what the header says (no sample statistics; fast on big files)")
}

func newInfoCmd(gopts *globalOptions) *cobra.Command {
	var opts infoOptions
	cmd := &cobra.Command{
		Use:   "info FILE...",
		Short: "Describe WAV and FLAC files (format, duration, levels, effective bits), .ardm streams and models",
		Long: `info describes each FILE ("-" reads standard input).

For a WAV file (integer PCM, 8/16/24/32-bit, plain or WAVE_FORMAT_EXTENSIBLE)
or a FLAC file (4 to 24 bits, recognised by its content, whatever its name)
it prints the format, channels, sample rate, bit depth, frames and duration,
and per channel the peak and RMS level in dBFS (full scale = 2^(depth-1), so
a full-scale sine has an RMS of -3.01 dBFS; silence is -inf), the DC offset
as a fraction of full scale, the number of clipped samples (at either end of
the range) and the effective bits (the depth less the low bits that are zero
in every sample: 16-bit audio made from 8-bit audio has 8).

For a model or training checkpoint (ardm train --out, ardm export) it prints
the network (branching, head, size, feature set, frame length), how it was
trained (steps, seed, data, time) and the bits per sample its L_t table
expects, in total and at the model's default budget (12 calls per stage).

Output: one paragraph per file on stdout; with --json one JSON object per
file and line ({"file":..., "error":...} for a file that failed).

Example:
  ardm info clip.wav
  ardm info clip.ardm
  ardm info internal/builtin/default.ardmm
  ardm info --json ../shared/data/sc09-real-dev/*/*.wav > levels.jsonl

` + exitStatusHelp,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInfo(cmd.Context(), opts, *gopts, args)
		},
	}
	opts.AddFlags(cmd)
	return cmd
}

func runInfo(ctx context.Context, opts infoOptions, gopts globalOptions, args []string) error {
	failed := 0
	for _, path := range args {
		if err := ctx.Err(); err != nil {
			return err
		}
		v, text, err := infoFile(path, opts, gopts)
		if err != nil {
			if len(args) == 1 {
				return err
			}
			failed++
			if gopts.JSON {
				gopts.printResult(map[string]string{"file": path, "error": err.Error()}, "")
			} else {
				fmt.Fprintln(os.Stderr, "ardm: info:", err)
			}
			continue
		}
		gopts.printResult(v, text)
	}
	if failed > 0 {
		return withCode(exitPartial, fmt.Errorf("info: %d of %d files failed", failed, len(args)))
	}
	return nil
}

// infoFile describes one file: it returns the value printed with --json,
// the text printed otherwise, or an error naming the file. It dispatches on
// the file's first bytes.
func infoFile(path string, opts infoOptions, gopts globalOptions) (any, string, error) {
	r, name, closeFn, err := openInfoInput(path)
	if err != nil {
		return nil, "", err
	}
	defer closeFn()
	var magic [12]byte
	n, err := io.ReadFull(r, magic[:])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, "", fmt.Errorf("%s: %w", name, err)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, "", fmt.Errorf("%s: %w", name, err)
	}
	switch m := magic[:n]; {
	case n == 0:
		return nil, "", fmt.Errorf("%s: empty file", name)
	case audio.SniffContainer(m) != "", bytes.HasPrefix(m, []byte("RIFX")), bytes.HasPrefix(m, []byte("RF64")):
		return wavInfo(r, name, opts)
	case ardm.IsCheckpoint(m): // before isArdmStream: both start with "ARDM"
		return modelInfo(r, name)
	case isArdmStream(m):
		return ardmInfo(r, name, opts, gopts)
	default:
		return nil, "", fmt.Errorf("%s: unknown file type (starts with %q); info reads WAV and FLAC files, .ardm streams and models", name, m[:min(n, 4)])
	}
}

// openInfoInput opens path, or buffers standard input for "-".
func openInfoInput(path string) (io.ReadSeeker, string, func() error, error) {
	if path == "-" {
		b, err := io.ReadAll(os.Stdin)
		if err != nil {
			return nil, "", nil, fmt.Errorf("<stdin>: %w", err)
		}
		return bytes.NewReader(b), "<stdin>", func() error { return nil }, nil
	}
	rc, _, err := openInput(path)
	if err != nil {
		return nil, "", nil, err
	}
	f := rc.(*os.File)
	return f, path, f.Close, nil
}

// wavInfoResult is the --json record of a WAV or FLAC file (Type "wav" or
// "flac"; a FLAC file has format tag 0).
type wavInfoResult struct {
	File          string            `json:"file"`
	Type          string            `json:"type"`
	Format        string            `json:"format"`
	FormatTag     uint16            `json:"format_tag"`
	Channels      int               `json:"channels"`
	SampleRate    int               `json:"sample_rate"`
	BitDepth      int               `json:"bit_depth"`
	ValidBits     int               `json:"valid_bits"`
	Frames        int64             `json:"frames"`
	DurationS     float64           `json:"duration_s"`
	EffectiveBits *int              `json:"effective_bits,omitempty"`
	ChannelStats  []channelInfoJSON `json:"channel_stats,omitempty"`
}

// channelInfoJSON holds one channel's levels; silence has null dB values
// (JSON has no -Inf).
type channelInfoJSON struct {
	Channel       int      `json:"channel"`
	PeakDBFS      *float64 `json:"peak_dbfs"`
	RMSDBFS       *float64 `json:"rms_dbfs"`
	DCOffset      float64  `json:"dc_offset"`
	Min           int32    `json:"min"`
	Max           int32    `json:"max"`
	Clipped       int      `json:"clipped"`
	EffectiveBits int      `json:"effective_bits"`
}

func wavInfo(r io.ReadSeeker, name string, opts infoOptions) (any, string, error) {
	h, err := audio.ReadHeader(r, name)
	if err != nil {
		return nil, "", err
	}
	res := wavInfoResult{
		File: name, Type: h.Container, Format: "PCM", FormatTag: h.FormatTag,
		Channels: h.Channels, SampleRate: h.SampleRate, BitDepth: h.BitDepth, ValidBits: h.ValidBits,
		Frames: h.Frames, DurationS: float64(h.Frames) / float64(h.SampleRate),
	}
	kind := "WAV"
	switch {
	case h.Container == audio.ContainerFLAC:
		kind, res.Format = "FLAC", "lossless"
	case h.Extensible():
		res.Format = "PCM (extensible)"
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s: %s %s, %d channel%s, %d Hz, %d-bit", name, kind, res.Format, h.Channels, plural(h.Channels), h.SampleRate, h.BitDepth)
	if h.ValidBits != h.BitDepth {
		fmt.Fprintf(&sb, " (%d valid)", h.ValidBits)
	}
	fmt.Fprintf(&sb, ", %d frames, %.3f s\n", h.Frames, res.DurationS)
	if opts.HeaderOnly {
		return res, sb.String(), nil
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, "", fmt.Errorf("%s: %w", name, err)
	}
	p, err := audio.Read(r, name)
	if err != nil {
		return nil, "", err
	}
	eff := audio.EffectiveBits(p)
	res.EffectiveBits = &eff
	fmt.Fprintf(&sb, "  effective bits %d of %d\n", eff, p.BitDepth)
	for c, s := range audio.Stats(p) {
		ce := audio.EffectiveBits(&audio.PCM{Format: p.Format, Data: p.Data[c : c+1]})
		res.ChannelStats = append(res.ChannelStats, channelInfoJSON{
			Channel: c + 1, PeakDBFS: finiteOrNil(s.PeakDBFS), RMSDBFS: finiteOrNil(s.RMSDBFS),
			DCOffset: s.DCOffset, Min: s.Min, Max: s.Max, Clipped: s.Clipped, EffectiveBits: ce,
		})
		fmt.Fprintf(&sb, "  ch %d: peak %s dBFS, RMS %s dBFS, DC %+.6f, min %d, max %d, clipped %d, effective bits %d\n",
			c+1, fmtDB(s.PeakDBFS), fmtDB(s.RMSDBFS), s.DCOffset, s.Min, s.Max, s.Clipped, ce)
	}
	return res, sb.String(), nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func finiteOrNil(x float64) *float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return nil
	}
	return &x
}

func fmtDB(x float64) string {
	if math.IsInf(x, -1) {
		return "-inf"
	}
	return fmt.Sprintf("%.2f", x)
}
