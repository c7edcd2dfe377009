package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/spf13/cobra"

	"github.com/ardm-dev/ardm/datasets"
)

func init() { registerDataset(newDatasetSynthCmd) }

// datasetSynthOptions are the flags of `ardm dataset synth`.
type datasetSynthOptions struct {
	Out      string
	Speakers int
	Jobs     int
	Words    []string
	Takes    int
	Espeak   string
	Force    bool
}

func (o *datasetSynthOptions) AddFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.Out, "out", "", "directory to write the data set to (required; created if needed, must be empty)")
	f.IntVar(&o.Speakers, "speakers", 0, "number of synthetic speakers (required)")
	f.IntVar(&o.Jobs, "jobs", runtime.GOMAXPROCS(0), "speakers synthesised in parallel (does not change the output)")
	f.StringSliceVar(&o.Words, "words", slices.Clone(datasets.Words), "words every speaker says")
	f.IntVar(&o.Takes, "takes", 1, "clips per speaker and word (<speaker>_nohash_0 .. _<takes-1>)")
	f.StringVar(&o.Espeak, "espeak", "", "espeak-ng executable (default: espeak-ng in PATH)")
	f.BoolVar(&o.Force, "force", false, "write into a non-empty directory (replaces files of the same names)")
}

func (o *datasetSynthOptions) validate() error {
	switch {
	case o.Out == "":
		return usageErr("dataset synth: --out is required")
	case o.Speakers <= 0:
		return usageErr("dataset synth: --speakers must be positive")
	case o.Jobs <= 0:
		return usageErr("dataset synth: --jobs %d must be positive", o.Jobs)
	case o.Takes <= 0:
		return usageErr("dataset synth: --takes %d must be positive", o.Takes)
	case len(o.Words) == 0:
		return usageErr("dataset synth: --words is empty")
	}
	return nil
}

func newDatasetSynthCmd(gopts *globalOptions) *cobra.Command {
	var opts datasetSynthOptions
	cmd := &cobra.Command{
		Use:   "synth --out DIR --speakers N [--seed S] [--jobs J] [--words W,...] [--takes K]",
		Short: "Synthesise an SC09-style data set of spoken digits with espeak-ng",
		Long: `synth makes synthetic speakers with espeak-ng (and MBROLA voices when they
are installed) and writes what they say in the Speech Commands layout, so
that every other command reads it like the real data.

Each speaker gets an English voice and variant, a speed and pitch with
per-word jitter, intonation from the punctuation, a gentle channel filter
(high-pass, often a low-pass, a spectral tilt), often room reflections, a
peak level between about -26 and -4 dBFS, and a noise floor: white noise
(-90 to -58 dBFS), low-frequency rumble, sometimes broadband background
noise, mains hum with harmonics, and a DC offset. Each word is trimmed of
silence, resampled to 16 kHz with a windowed-sinc filter and placed at a
random offset in one second.

Needs espeak-ng (apt-get install espeak-ng; for MBROLA voices also mbrola
and mbrola-us1, mbrola-us2, mbrola-us3, mbrola-en1 from Debian contrib and
non-free).

Output in --out: <word>/<speaker>_nohash_<n>.wav (16 kHz mono 16-bit,
exactly 16000 samples), validation_list.txt and testing_list.txt (about 10%
of the speakers each, speaker-disjoint), and MANIFEST.tsv with every clip's
voice, prosody, level, filter and noise parameters and split. The files are
the same for a --seed whatever --jobs is (given the same espeak-ng and
voices). stdout gets a summary (one JSON object with --json); progress goes
to stderr.

Example:
  ardm dataset synth --out data/synth --speakers 200 --seed 1
  ardm dataset synth --out data/tiny --speakers 3 --words one,two --takes 2

` + exitStatusHelp,
		Args: cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, args []string) error {
			return opts.validate()
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDatasetSynth(cmd.Context(), opts, *gopts, args)
		},
	}
	opts.AddFlags(cmd)
	return cmd
}

// synthResult is the summary of a synth run.
type synthResult struct {
	Out      string         `json:"out"`
	Seed     uint64         `json:"seed"`
	Speakers int            `json:"speakers"`
	Words    int            `json:"words"`
	Clips    int            `json:"clips"`
	Voices   int            `json:"voices"`
	MBROLA   int            `json:"mbrola_voices"`
	PerSplit map[string]int `json:"per_split"`
}

func runDatasetSynth(ctx context.Context, opts datasetSynthOptions, gopts globalOptions, args []string) error {
	voices, err := datasets.SynthVoices(ctx, opts.Espeak)
	if err != nil {
		return err
	}
	mb := 0
	for _, v := range voices {
		if v.Engine == "mbrola" {
			mb++
		}
	}
	if gopts.Verbose {
		gopts.logf("dataset synth: %d voices, %d of them MBROLA", len(voices), mb)
	}
	total := opts.Speakers * len(opts.Words) * opts.Takes
	bar := gopts.newProgress("synth", total)
	err = datasets.Synthesize(ctx, datasets.SynthOptions{
		Out:      opts.Out,
		Speakers: opts.Speakers,
		Seed:     gopts.Seed,
		Jobs:     opts.Jobs,
		Words:    opts.Words,
		Takes:    opts.Takes,
		Espeak:   opts.Espeak,
		Force:    opts.Force,
		Voices:   voices,
	}, func(done, total int) { bar.Set(done, "") })
	if err != nil {
		return err
	}
	bar.Done("")
	res := synthResult{
		Out: opts.Out, Seed: gopts.Seed, Speakers: opts.Speakers, Words: len(opts.Words),
		Clips: total, Voices: len(voices), MBROLA: mb, PerSplit: map[string]int{},
	}
	listed := 0
	for split, name := range map[string]string{datasets.Validation: "validation_list.txt", datasets.Testing: "testing_list.txt"} {
		b, err := os.ReadFile(filepath.Join(opts.Out, name))
		if err != nil {
			return err
		}
		n := bytes.Count(b, []byte("\n"))
		res.PerSplit[split] = n
		listed += n
	}
	res.PerSplit[datasets.Training] = total - listed
	text := fmt.Sprintf("%s: %d clips from %d speakers (%d voices, %d MBROLA), seed %d; training %d, validation %d, testing %d\n",
		opts.Out, total, opts.Speakers, len(voices), mb, gopts.Seed,
		res.PerSplit[datasets.Training], res.PerSplit[datasets.Validation], res.PerSplit[datasets.Testing])
	gopts.printResult(res, text)
	return nil
}
