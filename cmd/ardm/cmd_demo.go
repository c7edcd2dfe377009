package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ardm-dev/ardm/audio"
)

// exampleClips are ten SC09-style synthetic clips (one per digit word,
// made by `ardm dataset synth`), used by the demo when espeak-ng is missing.
//
//go:embed examples/*.wav
var exampleClips embed.FS

type demoOptions struct {
	Out      string
	Model    string
	Speakers int
	Budget   int
}

func (o *demoOptions) AddFlags(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&o.Out, "out", "out/demo", "folder for everything the demo writes")
	f.StringVarP(&o.Model, "model", "m", "", "model checkpoint (default: the built-in model)")
	f.IntVar(&o.Speakers, "speakers", 1, "synthetic speakers to make (10 clips each)")
	f.IntVar(&o.Budget, "budget", defaultBudget, "network calls per frame for compress and upscale")
}

func newDemoCmd() *cobra.Command {
	var o demoOptions
	c := &cobra.Command{
		Use:   "demo [--out DIR]",
		Short: "Run the whole pipeline on the built-in model: data, compress, decompress, upscale, eval",
		Long: `demo runs the whole ardm pipeline end to end and says where it is:

  1. data: makes a small SC09-style set with espeak-ng (ardm dataset synth;
     --speakers x 10 digit words), or uses the ten bundled example clips
     when espeak-ng is not installed;
  2. compress: codes every clip losslessly with the model (ardm compress
     --verify), then decompresses the streams (ardm decompress) and compares
     every sample with the original;
  3. upscale: reduces each clip to 8 bits and generates the missing 8 bits
     with the model (ardm upscale --reference), reporting SNR against the
     zero-fill and mid-bin-fill baselines;
  4. eval: bound, coded size and flac -8 / wavpack -hhx6 on the same clips
     (ardm eval --report), with report.md and PNG plots.

Outputs, under --out: data/, compressed/, decoded/, coarse8/, upscaled/,
report/ (report.md, report.json, plots).

Example:
  ardm demo --out out/demo

` + exitStatusHelp,
		Args: cobra.NoArgs,
		PreRunE: func(*cobra.Command, []string) error {
			if o.Speakers < 1 || o.Speakers > 1000 {
				return usageErr("--speakers %d out of range 1..1000", o.Speakers)
			}
			if o.Budget < 0 {
				return usageErr("--budget must be >= 0")
			}
			return nil
		},
		RunE: func(c *cobra.Command, _ []string) error { return runDemo(c.Context(), o) },
	}
	o.AddFlags(c)
	return c
}

func init() { register(newDemoCmd) }

func runDemo(ctx context.Context, o demoOptions) error {
	quiet := globals.Quiet
	seed := strconv.FormatUint(globals.Seed, 10)
	step := func(n int, format string, a ...any) {
		if !quiet {
			fmt.Fprintf(os.Stderr, "ardm demo [%d/4] %s\n", n, fmt.Sprintf(format, a...))
		}
	}
	sub := func(args ...string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		full := append([]string{"--seed", seed}, args...)
		if quiet {
			full = append(full, "-q")
		}
		if code := run(full); code != exitOK {
			return withCode(code, fmt.Errorf("demo: ardm %s failed (exit %d)", strings.Join(args, " "), code))
		}
		return nil
	}
	modelArgs := []string{}
	if o.Model != "" {
		modelArgs = []string{"--model", o.Model}
	}
	budget := strconv.Itoa(o.Budget)
	dir := func(name string) string { return filepath.Join(o.Out, name) }
	for _, d := range []string{"data", "compressed", "decoded", "coarse8", "upscaled", "report"} {
		if err := os.RemoveAll(dir(d)); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return err
	}

	// 1. Data.
	if _, err := exec.LookPath("espeak-ng"); err == nil {
		step(1, "synthesising %d speakers x 10 digit words with espeak-ng into %s", o.Speakers, dir("data"))
		if err := sub("dataset", "synth", "--out", dir("data"), "--speakers", strconv.Itoa(o.Speakers)); err != nil {
			return err
		}
	} else {
		step(1, "espeak-ng not installed: using the 10 bundled example clips in %s", dir("data"))
		if err := copyExamples(dir("data")); err != nil {
			return err
		}
	}
	clips, err := wavFiles(dir("data"))
	if err != nil {
		return err
	}
	if len(clips) == 0 {
		return fmt.Errorf("demo: no clips in %s", dir("data"))
	}

	// 2. Compress, decompress, compare.
	step(2, "compressing %d clips (budget %s) into %s and checking every sample", len(clips), budget, dir("compressed"))
	for _, d := range []string{"compressed", "decoded"} {
		if err := os.MkdirAll(dir(d), 0o755); err != nil {
			return err
		}
	}
	// Clips of different words share file names: name outputs by the path
	// below data/ (eight/x.wav -> eight_x.ardm).
	flat := func(clip, ext string) string {
		rel, err := filepath.Rel(dir("data"), clip)
		if err != nil {
			rel = filepath.Base(clip)
		}
		return strings.ReplaceAll(strings.TrimSuffix(rel, filepath.Ext(rel)), string(filepath.Separator), "_") + ext
	}
	for _, c := range clips {
		stream := filepath.Join(dir("compressed"), flat(c, ".ardm"))
		args := append([]string{"compress", "--verify", "--budget", budget, c, "-o", stream}, modelArgs...)
		if err := sub(args...); err != nil {
			return err
		}
		args = append([]string{"decompress", stream, "-o", filepath.Join(dir("decoded"), flat(c, ".wav"))}, modelArgs...)
		if err := sub(args...); err != nil {
			return err
		}
	}
	mismatch := 0
	for _, c := range clips {
		dec := filepath.Join(dir("decoded"), flat(c, ".wav"))
		same, err := sameWAV(c, dec)
		if err != nil {
			return err
		}
		if !same {
			mismatch++
			fmt.Fprintf(os.Stderr, "ardm demo: %s does not decode bit-exact\n", c)
		}
	}
	if mismatch > 0 {
		return withCode(exitIntegrity, fmt.Errorf("demo: %d of %d clips did not round-trip", mismatch, len(clips)))
	}
	step(2, "all %d clips decoded bit-exact into %s", len(clips), dir("decoded"))

	// 3. Upscale 8-bit versions back to 16 bits.
	n := len(clips)
	if n > 3 {
		n = 3
	}
	step(3, "upscaling %d clips from 8 to 16 bits into %s", n, dir("upscaled"))
	for _, d := range []string{"coarse8", "upscaled"} {
		if err := os.MkdirAll(dir(d), 0o755); err != nil {
			return err
		}
	}
	for _, c := range clips[:n] {
		p, err := audio.ReadFile(c)
		if err != nil {
			return err
		}
		coarse := p.ConvertDepth(8)
		name := flat(c, ".wav")
		in8 := filepath.Join(dir("coarse8"), name)
		if err := audio.WriteFile(in8, coarse); err != nil {
			return err
		}
		args := append([]string{"upscale", "--budget", budget, in8, "-o", filepath.Join(dir("upscaled"), name), "--reference", c}, modelArgs...)
		if err := sub(args...); err != nil {
			return err
		}
	}

	// 4. Eval with baselines and the report.
	step(4, "eval against flac and wavpack; report in %s", dir("report"))
	args := append([]string{"eval", "--data", dir("data"), "--budgets", budget, "--draws", "1", "--report", dir("report")}, modelArgs...)
	if err := sub(args...); err != nil {
		return err
	}
	step(4, "done: open %s", filepath.Join(dir("report"), "report.md"))
	return nil
}

func copyExamples(dst string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	return fs.WalkDir(exampleClips, "examples", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := exampleClips.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, d.Name()), b, 0o644)
	})
}

// wavFiles lists the .wav files under dir, sorted.
func wavFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.EqualFold(filepath.Ext(path), ".wav") {
			out = append(out, path)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// sameWAV reports whether two WAV files hold the same format and samples.
func sameWAV(a, b string) (bool, error) {
	pa, err := audio.ReadFile(a)
	if err != nil {
		return false, err
	}
	pb, err := audio.ReadFile(b)
	if err != nil {
		return false, err
	}
	return pa.Equal(pb), nil
}
