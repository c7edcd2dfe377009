package eval

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/coder"
	"github.com/ardm-dev/ardm/datasets"
)

// Budget is one budget of a run: Calls network calls per frame and channel
// over all stages, 0 meaning one call per position.
type Budget struct {
	Label string
	Calls int
}

// ParseBudgets parses a comma-separated list of budgets: positive numbers
// of network calls, or "full" for one call per position. Duplicates are an
// error.
func ParseBudgets(s string) ([]Budget, error) {
	var out []Budget
	seen := map[int]bool{}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		b := Budget{Label: f}
		if f != "full" {
			n, err := strconv.Atoi(f)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("eval: budget %q is neither a positive number of network calls nor \"full\"", f)
			}
			b.Calls = n
		}
		if seen[b.Calls] {
			return nil, fmt.Errorf("eval: budget %q given twice", f)
		}
		seen[b.Calls] = true
		out = append(out, b)
	}
	return out, nil
}

// FindFiles lists the WAV files under dir, recursively, sorted. In a
// Speech Commands folder (one with validation_list.txt or
// testing_list.txt at its top) only the ten digit words of SC09 are taken,
// and folders whose names start with "_" (such as _background_noise_) are
// skipped everywhere. limit > 0 keeps the first limit files.
func FindFiles(dir string, limit int) ([]string, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("eval: %s is not a folder", dir)
	}
	speechCommands := false
	for _, l := range []string{"validation_list.txt", "testing_list.txt"} {
		if _, err := os.Stat(filepath.Join(dir, l)); err == nil {
			speechCommands = true
		}
	}
	var files []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), "_") {
				return filepath.SkipDir
			}
			if speechCommands && filepath.Dir(p) == filepath.Clean(dir) && !slices.Contains(datasets.Words, d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if audio.IsAudioFile(p) {
			if speechCommands && filepath.Dir(filepath.Dir(p)) != filepath.Clean(dir) {
				return nil
			}
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	slices.Sort(files)
	if len(files) == 0 {
		return nil, fmt.Errorf("eval: no WAV or FLAC files under %s", dir)
	}
	if limit > 0 && len(files) > limit {
		files = files[:limit]
	}
	return files, nil
}

// Options configure Run.
type Options struct {
	// Model is the model to measure; nil for a run of the classic coders
	// and the baselines only.
	Model *ardm.Model
	// ModelPath names the model in the report.
	ModelPath string
	// Coder is the coder.Predictor adapter of Model that the codec uses;
	// nil means NewCoderModel(Model), the adapter ardm compress uses.
	Coder coder.Predictor
	// Draws is the number of (t, sigma) draws per stage and file of the
	// bound estimator; 0 skips the bound.
	Draws int
	// Budgets are measured with the policy bound and, with Code, by coding.
	Budgets []Budget
	// Code really codes every file: with the classic coders alone (no
	// model; FileResult.Classic), with or without a Model, and with the
	// model at each budget.
	Code bool
	// MaxCalls skips the policy bound and the coding of a budget on a file
	// that would take more network calls than this (0: no limit).
	MaxCalls int
	// Baselines are run on every file; Missing names the requested ones
	// that are not installed, for the report.
	Baselines []Baseline
	Missing   []string
	// VerifyBaselines decodes every baseline file and compares its PCM.
	VerifyBaselines bool
	// Seed drives every random choice.
	Seed uint64
	// Progress, if not nil, is called as work is done: done and total
	// count work units (one per network call, one per classic coding of
	// a file, one per baseline run), info says what is running.
	Progress func(done, total int, info string)
}

// fileJob is a file of the run with what its header says.
type fileJob struct {
	path, name string
	h          *audio.Header
	err        error
}

// Run evaluates the files (paths; root is the folder names are made
// relative to) and returns the report, summarised. Problems with single
// files are recorded in their FileResult; Run returns an error only for a
// cancelled context or a problem with the whole run.
func Run(ctx context.Context, root string, files []string, o Options) (*Report, error) {
	start := time.Now()
	r := &Report{Version: ReportVersion, Data: root, Seed: o.Seed, Draws: o.Draws, Missing: o.Missing}
	cm := o.Coder
	var S int
	if o.Model != nil {
		if err := o.Model.Validate(); err != nil {
			return nil, fmt.Errorf("eval: %w", err)
		}
		cfg := o.Model.Config()
		h := o.Model.Hash()
		r.Model = &ModelInfo{Path: o.ModelPath, Hash: hex.EncodeToString(h[:]), Config: cfg, Params: ardm.NumParams(cfg), Steps: o.Model.Info.Steps}
		r.Lt = o.Model.Lt
		if cm == nil {
			cm = NewCoderModel(o.Model)
		}
		if cm.Hash() != h {
			return nil, errors.New("eval: the coder adapter is not for this model (hashes differ)")
		}
		S = cfg.Stages()
	} else {
		r.Draws = 0
	}

	// Plan: read every header and count the work.
	jobs := make([]fileJob, len(files))
	total := 0
	for i, p := range files {
		j := &jobs[i]
		j.path = p
		j.name = p
		if rel, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(rel, "..") {
			j.name = rel
		}
		j.h, j.err = readHeader(p)
		if j.err != nil {
			continue
		}
		total += len(o.Baselines)
		if o.Code {
			total++ // the classic coding
		}
		if cm == nil {
			continue
		}
		fr, ch := int(j.h.Frames), j.h.Channels
		L := cm.FrameLen()
		if j.h.BitDepth == 16 {
			total += o.Draws * S * ch * ((fr + L - 1) / L)
		}
		for _, b := range o.Budgets {
			calls, err := PolicyCalls(cm, b.Calls, fr, ch)
			if err != nil {
				return nil, err
			}
			if o.MaxCalls > 0 && calls > o.MaxCalls {
				continue
			}
			if j.h.BitDepth == 16 {
				total += calls
			}
			if o.Code {
				total += 2 * calls
			}
		}
	}
	done := 0
	report := func(n int, info string) {
		done += n
		if o.Progress != nil {
			o.Progress(done, total, info)
		}
	}

	var work string
	if len(o.Baselines) > 0 {
		var err error
		work, err = os.MkdirTemp("", "ardm-eval-")
		if err != nil {
			return nil, fmt.Errorf("eval: %w", err)
		}
		defer os.RemoveAll(work)
	}
	r.Files = make([]FileResult, len(jobs))
	for i := range jobs {
		j := &jobs[i]
		f := &r.Files[i]
		f.Name = j.name
		if j.err != nil {
			f.Errors = append(f.Errors, j.err.Error())
			continue
		}
		f.Samples = int(j.h.Frames) * j.h.Channels
		f.Channels, f.SampleRate, f.BitDepth = j.h.Channels, j.h.SampleRate, j.h.BitDepth
		for _, b := range o.Baselines {
			res, err := RunBaseline(ctx, b, j.path, work, o.VerifyBaselines)
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if err != nil {
				f.Errors = append(f.Errors, err.Error())
			} else {
				f.Baselines = append(f.Baselines, res)
			}
			report(1, j.name+": "+b.Name)
		}
	}
	if o.Code || cm != nil {
		for i := range jobs {
			if jobs[i].err != nil {
				continue
			}
			if err := measureFile(ctx, cm, &jobs[i], &r.Files[i], o, report); err != nil {
				return nil, err
			}
		}
	}
	r.Summarize()
	r.WallSeconds = time.Since(start).Seconds()
	return r, nil
}

// measureFile codes one file with the classic coders alone (with
// o.Code) and measures the model's figures on it (with cm). Only a
// cancelled context is returned as an error.
func measureFile(ctx context.Context, cm coder.Predictor, j *fileJob, f *FileResult, o Options, report func(int, string)) error {
	pcm, err := audio.ReadFile(j.path)
	if err != nil {
		f.Errors = append(f.Errors, err.Error())
		return nil
	}
	fail := func(what string, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		f.Errors = append(f.Errors, what+": "+err.Error())
		return nil
	}
	if o.Code {
		report(0, j.name+": classic coding")
		c, err := CodeFile(ctx, nil, pcm, 0, o.Seed)
		f.Classic = c
		if err != nil {
			if err := fail("classic coding", err); err != nil {
				return err
			}
		}
		report(1, j.name+": classic coded")
	}
	if cm == nil {
		return nil
	}
	return runModel(ctx, cm, pcm, j, f, o, report, fail)
}

// runModel measures the bound, the policy bounds and the coded sizes of
// one file; fail records an error on the file (and passes a cancelled
// context on).
func runModel(ctx context.Context, cm coder.Predictor, pcm *audio.PCM, j *fileJob, f *FileResult, o Options, report func(int, string), fail func(string, error) error) error {
	if o.Draws > 0 && pcm.BitDepth == 16 {
		b, err := EstimateBound(ctx, cm, pcm, j.name, o.Draws, o.Seed, func() { report(1, j.name+": bound") })
		if err != nil {
			if err := fail("bound", err); err != nil {
				return err
			}
		}
		f.Bound = b
	}
	for _, bu := range o.Budgets {
		res := BudgetResult{Label: bu.Label, Budget: bu.Calls}
		calls, err := PolicyCalls(cm, bu.Calls, pcm.Frames(), len(pcm.Data))
		if err != nil {
			if err := fail("budget "+bu.Label, err); err != nil {
				return err
			}
			continue
		}
		res.Calls = calls
		switch {
		case o.MaxCalls > 0 && calls > o.MaxCalls:
			res.Skipped = fmt.Sprintf("%d network calls, more than the limit of %d", calls, o.MaxCalls)
		case pcm.BitDepth != 16:
			res.Skipped = fmt.Sprintf("policy bound: %d-bit file (measured on 16-bit files only)", pcm.BitDepth)
		default:
			total, stages, _, err := PolicyBound(ctx, cm, pcm, j.name, bu.Calls, o.Seed, func() { report(1, j.name+": budget "+bu.Label) })
			if err != nil {
				if err := fail("policy bound, budget "+bu.Label, err); err != nil {
					return err
				}
			} else {
				res.Policy, res.PolicyStages = &total, stages
			}
		}
		if o.Code && !(o.MaxCalls > 0 && calls > o.MaxCalls) {
			report(0, j.name+": coding at budget "+bu.Label)
			c, err := CodeFile(ctx, cm, pcm, bu.Calls, o.Seed)
			res.Coded = c
			if err != nil {
				if err := fail("coding, budget "+bu.Label, err); err != nil {
					return err
				}
			}
			report(2*calls, j.name+": coded at budget "+bu.Label)
		}
		f.Budgets = append(f.Budgets, res)
	}
	return nil
}

// readHeader reads a WAV file's header.
func readHeader(path string) (*audio.Header, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	defer fh.Close()
	return audio.ReadHeader(fh, path)
}

// IntegrityError reports whether any file of the report failed to decode
// bit-exact, coded with the model or with the classic coders.
func (r *Report) IntegrityError() error {
	var bad []string
	for i := range r.Files {
		if c := r.Files[i].Classic; c != nil && !c.Exact {
			bad = append(bad, fmt.Sprintf("%s (classic coders)", r.Files[i].Name))
		}
		for _, b := range r.Files[i].Budgets {
			if b.Coded != nil && !b.Coded.Exact {
				bad = append(bad, fmt.Sprintf("%s (budget %s)", r.Files[i].Name, b.Label))
			}
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("eval: %d streams did not decode bit-exact: %s", len(bad), strings.Join(bad, ", "))
	}
	return nil
}
