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
	budgetFlag(c, &o.Budget, "network calls per frame for compress, upscale and eval")
}

func newDemoCmd(gopts *globalOptions) *cobra.Command {
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
  3. upscale: reduces the first three clips to 8 bits and generates the
     missing 8 bits with the model (ardm upscale --reference), reporting
     SNR against the zero-fill and mid-bin-fill baselines;
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
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error { return runDemo(c.Context(), o, *gopts, args) },
	}
	o.AddFlags(c)
	return c
}

func init() { register(newDemoCmd) }

func runDemo(ctx context.Context, o demoOptions, gopts globalOptions, _ []string) error {
	// The steps get the demo's seed and -q; as when they were command
	// lines of their own, they print text and no detail (no --json, -v).
	sub := globalOptions{Seed: gopts.Seed, Quiet: gopts.Quiet}
	step := func(n int, format string, a ...any) {
		if !gopts.Quiet {
			fmt.Fprintf(os.Stderr, "ardm demo [%d/4] %s\n", n, fmt.Sprintf(format, a...))
		}
	}
	// do runs one command of the pipeline: its flag checks, then its run
	// function, with the same options as "ardm <name> ..." would have.
	do := func(name string, validate, run func() error) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := validate(); err != nil {
			return fmt.Errorf("demo: %s: %w", name, err)
		}
		if err := run(); err != nil {
			return fmt.Errorf("demo: %s: %w", name, err)
		}
		return nil
	}
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
		var so datasetSynthOptions
		withFlagDefaults(&so)
		so.Out, so.Speakers = dir("data"), o.Speakers
		if err := do("dataset synth", so.validate, func() error { return runDatasetSynth(ctx, so, sub, nil) }); err != nil {
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
	m, err := loadModel(o.Model)
	if err != nil {
		return err
	}
	budget, err := resolveBudget(o.Budget, m)
	if err != nil {
		return err
	}
	step(2, "compressing %d clips (budget %d) into %s and checking every sample", len(clips), budget, dir("compressed"))
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
		in := []string{c}
		var co compressOptions
		withFlagDefaults(&co)
		// The demo owns its --out folder: a second run replaces the first's files.
		co.Model, co.Budget, co.Verify, co.Force, co.Out = o.Model, budget, true, true, filepath.Join(dir("compressed"), flat(c, ".ardm"))
		if err := do("compress", func() error { return co.validate(in) }, func() error { return runCompress(ctx, co, sub, in) }); err != nil {
			return err
		}
		var dopts decompressOptions
		withFlagDefaults(&dopts)
		dopts.Model, dopts.Force, dopts.Out = o.Model, true, filepath.Join(dir("decoded"), flat(c, ".wav"))
		in = []string{co.Out}
		if err := do("decompress", func() error { return dopts.validate(in) }, func() error { return runDecompress(ctx, dopts, sub, in) }); err != nil {
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
		var uo upscaleOptions
		withFlagDefaults(&uo)
		uo.Model, uo.Budget, uo.Force, uo.Out, uo.Reference = o.Model, budget, true, filepath.Join(dir("upscaled"), name), c
		if err := do("upscale", uo.validate, func() error { return runUpscale(ctx, uo, sub, []string{in8}) }); err != nil {
			return err
		}
	}

	// 4. Eval with baselines and the report.
	step(4, "eval against flac and wavpack; report in %s", dir("report"))
	var eo evalOptions
	withFlagDefaults(&eo)
	eo.Model, eo.Data, eo.Budgets, eo.Draws, eo.Report = o.Model, dir("data"), strconv.Itoa(budget), 1, dir("report")
	if err := do("eval", eo.validate, func() error { return runEval(ctx, eo, sub, nil) }); err != nil {
		return err
	}
	step(4, "done: open %s", filepath.Join(dir("report"), "report.md"))
	return nil
}

// withFlagDefaults sets every field of o that has a flag to the flag's
// default, as a command line without these flags would.
func withFlagDefaults(o interface{ AddFlags(*cobra.Command) }) { o.AddFlags(&cobra.Command{}) }

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
		if !d.IsDir() && audio.IsAudioFile(path) {
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
