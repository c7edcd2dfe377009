package eval

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/ardm-dev/ardm/audio"
)

// Baseline is a classic lossless codec run as an external program on WAV
// files, the comparison column of every report.
type Baseline struct {
	// Name is the name users pass to --baselines ("flac", "wavpack").
	Name string
	// Encoder and Decoder are the programs looked up on PATH.
	Encoder, Decoder string
	// Options are the encoder's compression options, as shown in reports.
	Options []string
	// Ext is the extension of the compressed file.
	Ext string
	// encodeArgs and decodeArgs build a full argument list (after the
	// program name) that reads in and writes out, overwriting out.
	encodeArgs func(in, out string) []string
	decodeArgs func(in, out string) []string
}

// Setting returns the codec and its options as one string ("flac -8").
func (b Baseline) Setting() string {
	return strings.Join(append([]string{b.Encoder}, b.Options...), " ")
}

// Flac is flac at its highest preset, without the padding block (8 KiB by
// default, reserved for later tag edits) and seek table that a lossless
// comparison should not charge it for: the setting behind the flac -8
// figures of DESIGN.md.
var Flac = Baseline{
	Name: "flac", Encoder: "flac", Decoder: "flac", Ext: ".flac",
	Options: []string{"-8", "--no-padding", "--no-seektable"},
	encodeArgs: func(in, out string) []string {
		return []string{"-8", "--no-padding", "--no-seektable", "--silent", "--force", "-o", out, in}
	},
	decodeArgs: func(in, out string) []string {
		return []string{"--decode", "--silent", "--force", "-o", out, in}
	},
}

// WavPack is wavpack in its very high mode with the most extra processing
// (-hhx6), lossless.
var WavPack = Baseline{
	Name: "wavpack", Encoder: "wavpack", Decoder: "wvunpack", Ext: ".wv",
	Options: []string{"-hhx6"},
	encodeArgs: func(in, out string) []string {
		return []string{"-hhx6", "-q", "-y", in, "-o", out}
	},
	decodeArgs: func(in, out string) []string {
		return []string{"-q", "-y", in, "-o", out}
	},
}

// KnownBaselines lists the codecs by the names --baselines accepts.
var KnownBaselines = []Baseline{Flac, WavPack}

// LookupBaseline returns the codec called name.
func LookupBaseline(name string) (Baseline, error) {
	for _, b := range KnownBaselines {
		if b.Name == name {
			return b, nil
		}
	}
	names := make([]string, len(KnownBaselines))
	for i, b := range KnownBaselines {
		names[i] = b.Name
	}
	return Baseline{}, fmt.Errorf("eval: unknown baseline %q (known: %s)", name, strings.Join(names, ", "))
}

// Available reports whether the codec's programs are installed; if not, the
// error names the missing program.
func (b Baseline) Available() error {
	for _, p := range []string{b.Encoder, b.Decoder} {
		if _, err := exec.LookPath(p); err != nil {
			return fmt.Errorf("eval: %s not installed (%s not on PATH)", b.Name, p)
		}
	}
	return nil
}

// BaselineResult is one codec's result on one file.
type BaselineResult struct {
	Codec   string `json:"codec"`
	Setting string `json:"setting"`
	// Bytes is the size of the compressed file, headers included.
	Bytes int64 `json:"bytes"`
	// Samples is frames*channels of the input.
	Samples int `json:"samples"`
	// BitsPerSample is Bytes*8/Samples.
	BitsPerSample float64 `json:"bits_per_sample"`
	// EncodeSeconds is the wall time of the encoder process.
	EncodeSeconds float64 `json:"encode_s"`
	// Verified is set when the file was decoded again and its PCM
	// compared byte for byte with the input's; DecodeSeconds is then the
	// decoder's wall time.
	Verified      bool    `json:"verified"`
	DecodeSeconds float64 `json:"decode_s,omitempty"`
}

// RunBaseline compresses the audio file in (WAV, or FLAC, which is given to
// the codec as a WAV copy in workDir) with codec b inside workDir (an
// existing directory, for example from os.MkdirTemp), measures the size and
// the time, and removes what it wrote. With verify it also decodes the
// result and checks that its samples equal the input's exactly.
func RunBaseline(ctx context.Context, b Baseline, in, workDir string, verify bool) (BaselineResult, error) {
	raw, err := os.ReadFile(in)
	if err != nil {
		return BaselineResult{}, fmt.Errorf("eval: %w", err)
	}
	// The data chunk of a WAV streamed by a writer that could not seek back
	// may claim more bytes than the file holds; the codecs read such files.
	pcm, err := audio.ReadLenient(bytes.NewReader(raw), in)
	if err != nil {
		return BaselineResult{}, fmt.Errorf("eval: %w", err)
	}
	samples := pcm.Frames() * pcm.Channels
	if samples == 0 {
		return BaselineResult{}, fmt.Errorf("eval: %s: no samples", in)
	}
	base := filepath.Join(workDir, strings.TrimSuffix(filepath.Base(in), filepath.Ext(in)))
	src := in
	if audio.SniffContainer(raw) != audio.ContainerWAV {
		src = base + ".input.wav"
		if err := audio.WriteFile(src, pcm); err != nil {
			return BaselineResult{}, fmt.Errorf("eval: %w", err)
		}
		defer os.Remove(src)
	}
	enc := base + b.Ext
	defer os.Remove(enc)
	start := time.Now()
	if err := runTool(ctx, b.Encoder, b.encodeArgs(src, enc)); err != nil {
		return BaselineResult{}, fmt.Errorf("eval: %s on %s: %w", b.Name, in, err)
	}
	encSec := time.Since(start).Seconds()
	st, err := os.Stat(enc)
	if err != nil {
		return BaselineResult{}, fmt.Errorf("eval: %s wrote no output for %s: %w", b.Name, in, err)
	}
	r := BaselineResult{
		Codec:         b.Name,
		Setting:       b.Setting(),
		Bytes:         st.Size(),
		Samples:       samples,
		BitsPerSample: float64(st.Size()) * 8 / float64(samples),
		EncodeSeconds: encSec,
	}
	if !verify {
		return r, nil
	}
	dec := base + ".decoded.wav"
	defer os.Remove(dec)
	start = time.Now()
	if err := runTool(ctx, b.Decoder, b.decodeArgs(enc, dec)); err != nil {
		return r, fmt.Errorf("eval: %s decoding %s: %w", b.Name, in, err)
	}
	r.DecodeSeconds = time.Since(start).Seconds()
	got, err := audio.ReadFile(dec)
	if err != nil {
		return r, fmt.Errorf("eval: %s round trip of %s: %w", b.Name, in, err)
	}
	if !got.Equal(pcm) {
		return r, fmt.Errorf("eval: %s round trip of %s is not lossless", b.Name, in)
	}
	r.Verified = true
	return r, nil
}

// runTool runs a program and returns its stderr in the error when it fails.
func runTool(ctx context.Context, prog string, args []string) error {
	cmd := exec.CommandContext(ctx, prog, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 300 {
			msg = msg[:300] + "..."
		}
		if msg != "" {
			return fmt.Errorf("%w: %s", err, msg)
		}
		return err
	}
	return nil
}

// ResolveBaselines looks up the codecs named in names. Unknown names are an
// error; codecs that are not installed are left out of avail and their
// reasons returned in missing, so a run goes on without them.
func ResolveBaselines(names []string) (avail []Baseline, missing []string, err error) {
	for _, n := range names {
		b, err := LookupBaseline(n)
		if err != nil {
			return nil, nil, err
		}
		if err := b.Available(); err != nil {
			missing = append(missing, err.Error())
			continue
		}
		avail = append(avail, b)
	}
	return avail, missing, nil
}
