package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/internal/atomicfile"
)

// ReportVersion is the version of the JSON report layout.
const ReportVersion = 1

// Stat is an estimate with its standard error.
type Stat struct {
	Mean   float64 `json:"mean"`
	StdErr float64 `json:"stderr"`
	// N is the number of independent draws behind the estimate.
	N int `json:"n"`
}

// Bound is the likelihood bound in bits per sample: the total and each
// stage's (Stages[s-1] is stage s), with their Monte Carlo standard errors.
type Bound struct {
	Total  Stat   `json:"total"`
	Stages []Stat `json:"stages"`
}

// ClassicName names the coding of a file by the classic coders alone (no
// model) in tables and plots.
const ClassicName = "ardm classic (no model)"

// Coded is the result of really coding a file, with the model or with the
// classic coders alone.
type Coded struct {
	// Bytes is the size of the .ardm stream, header included.
	Bytes         int64   `json:"bytes"`
	BitsPerSample float64 `json:"bits_per_sample"`
	EncodeSeconds float64 `json:"encode_s"`
	DecodeSeconds float64 `json:"decode_s"`
	// Exact is set when the decoded PCM equals the input sample for
	// sample.
	Exact bool `json:"exact"`
	// Coders counts the channel-frames stored by each coder ("model",
	// or a classic coder: "lpc", "fixed-rice", "verbatim", "constant").
	Coders map[string]int64 `json:"coders,omitempty"`
}

// ModelFraction is the fraction of channel-frames the model coded.
func (c *Coded) ModelFraction() float64 {
	var all int64
	for _, n := range c.Coders {
		all += n
	}
	if all == 0 {
		return 0
	}
	return float64(c.Coders["model"]) / float64(all)
}

// BudgetResult is one budget's figures on one file.
type BudgetResult struct {
	// Label is the budget as the user gave it ("10", "full").
	Label string `json:"label"`
	// Budget is the budget of network calls per frame passed to the
	// policy; 0 means one call per position ("full").
	Budget int `json:"budget"`
	// Calls is the number of network calls the policy makes on the file
	// (all frames, channels and stages).
	Calls int `json:"calls"`
	// Policy is the bound under the budget's policy: the bits per sample
	// the coder pays before quantisation (-log2 p of every digit at the
	// step that reveals it, for one seeded order), total and per stage.
	// Nil when not measured (see Skipped).
	Policy       *float64  `json:"policy_bpd,omitempty"`
	PolicyStages []float64 `json:"policy_stages,omitempty"`
	// Coded is the stream actually written; nil when not measured.
	Coded *Coded `json:"coded,omitempty"`
	// Skipped says why something was not measured.
	Skipped string `json:"skipped,omitempty"`
}

// FileResult is everything measured on one file.
type FileResult struct {
	// Name is the path relative to the data folder.
	Name       string         `json:"name"`
	Samples    int            `json:"samples"` // frames * channels
	Channels   int            `json:"channels"`
	SampleRate int            `json:"sample_rate"`
	BitDepth   int            `json:"bit_depth"`
	Bound      *Bound         `json:"bound,omitempty"`
	Budgets    []BudgetResult `json:"budgets,omitempty"`
	// Classic is the file coded by the classic coders alone (no model);
	// nil when coding was off.
	Classic   *Coded           `json:"classic,omitempty"`
	Baselines []BaselineResult `json:"baselines,omitempty"`
	// Errors lists what failed on this file.
	Errors []string `json:"errors,omitempty"`
}

// Seconds is the duration of the file's audio.
func (f *FileResult) Seconds() float64 {
	if f.SampleRate == 0 || f.Channels == 0 {
		return 0
	}
	return float64(f.Samples/f.Channels) / float64(f.SampleRate)
}

// BudgetSummary aggregates one budget over the files.
type BudgetSummary struct {
	Label  string `json:"label"`
	Budget int    `json:"budget"`
	Calls  int    `json:"calls"`
	// Files is the number of files behind Policy (PolicyFiles) and Coded
	// (CodedFiles).
	PolicyFiles  int       `json:"policy_files"`
	Policy       float64   `json:"policy_bpd"`
	PolicyStages []float64 `json:"policy_stages,omitempty"`
	CodedFiles   int       `json:"coded_files"`
	// Coded is the pooled size of the streams in bits per sample, and
	// CodedBytes their total size.
	Coded      float64 `json:"coded_bpd"`
	CodedBytes int64   `json:"coded_bytes"`
	// Overhead is Coded minus Policy over the files that have both, in
	// bits per sample, and relative to Policy.
	Overhead         float64 `json:"overhead_bpd"`
	OverheadRelative float64 `json:"overhead_relative"`
	// EncodeSpeed and DecodeSpeed are seconds of audio per second.
	EncodeSpeed float64 `json:"encode_speed"`
	DecodeSpeed float64 `json:"decode_speed"`
	// AllExact is set when every coded file decoded bit-exact.
	AllExact bool `json:"all_exact"`
	// Coders counts the channel-frames per coder over all coded files;
	// ModelFraction is the share the model coded (the rest went to a
	// fallback that was smaller).
	Coders        map[string]int64 `json:"coders,omitempty"`
	ModelFraction float64          `json:"model_fraction"`
	// Skipped counts the files where the budget was not measured, and
	// SkipReason gives the first reason.
	Skipped    int    `json:"skipped,omitempty"`
	SkipReason string `json:"skip_reason,omitempty"`
}

// BaselineSummary aggregates one baseline codec over the files.
type BaselineSummary struct {
	Codec   string `json:"codec"`
	Setting string `json:"setting"`
	Files   int    `json:"files"`
	Bytes   int64  `json:"bytes"`
	// BitsPerSample is pooled; MeanPerFile is the mean of the per-file
	// figures.
	BitsPerSample float64 `json:"bits_per_sample"`
	MeanPerFile   float64 `json:"mean_per_file"`
	// EncodeSpeed is seconds of audio per second of wall time, process
	// start-up included; DecodeSpeed the same over the verified files (0
	// when none was).
	EncodeSpeed float64 `json:"encode_speed"`
	DecodeSpeed float64 `json:"decode_speed,omitempty"`
	AllVerified bool    `json:"all_verified"`
}

// ClassicSummary aggregates the codings by the classic coders alone (no
// model) over the files.
type ClassicSummary struct {
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
	// BitsPerSample is pooled; MeanPerFile is the mean of the per-file
	// figures.
	BitsPerSample float64 `json:"bits_per_sample"`
	MeanPerFile   float64 `json:"mean_per_file"`
	// EncodeSpeed and DecodeSpeed are seconds of audio per second.
	EncodeSpeed float64 `json:"encode_speed"`
	DecodeSpeed float64 `json:"decode_speed"`
	// AllExact is set when every file decoded bit-exact.
	AllExact bool `json:"all_exact"`
	// Coders counts the channel-frames per coder.
	Coders map[string]int64 `json:"coders,omitempty"`
	// VsBaselines is, per baseline codec, the size of the classic coding
	// relative to the baseline's over the files both coded, minus one
	// (-0.04: 4% smaller).
	VsBaselines map[string]float64 `json:"vs_baselines,omitempty"`
}

// Summary is the aggregate over all files. Figures in bits per sample are
// pooled: each file weighs by its number of samples.
type Summary struct {
	Files   int     `json:"files"`
	Samples int     `json:"samples"`
	Seconds float64 `json:"seconds"`
	// Bound is the pooled bound; BoundFiles the number of files behind
	// it; BoundSpread the standard deviation of the per-file totals.
	Bound       *Bound            `json:"bound,omitempty"`
	BoundFiles  int               `json:"bound_files"`
	BoundSpread float64           `json:"bound_spread"`
	Budgets     []BudgetSummary   `json:"budgets,omitempty"`
	Classic     *ClassicSummary   `json:"classic,omitempty"`
	Baselines   []BaselineSummary `json:"baselines,omitempty"`
	Failed      int               `json:"failed"`
}

// ModelInfo identifies the model of a report.
type ModelInfo struct {
	Path   string      `json:"path"`
	Hash   string      `json:"hash"`
	Config ardm.Config `json:"config"`
	Params int         `json:"params"`
	Steps  int         `json:"train_steps"`
}

// Report is the result of one evaluation.
type Report struct {
	Version int    `json:"version"`
	Data    string `json:"data"`
	// Model is nil for a run without a model (classic coders and
	// baselines only).
	Model *ModelInfo `json:"model,omitempty"`
	Seed  uint64     `json:"seed"`
	// Draws is the number of (t, sigma) draws per stage and file of the
	// bound estimator.
	Draws int `json:"draws"`
	// Lt is the model's L_t table (bits per unrevealed position, per
	// stage, over ardm.LtBins bins of t/n), for the plots.
	Lt [][]float64 `json:"lt,omitempty"`
	// Missing names the requested baselines that are not installed.
	Missing     []string     `json:"missing,omitempty"`
	Files       []FileResult `json:"files"`
	Summary     Summary      `json:"summary"`
	WallSeconds float64      `json:"wall_s"`
}

// Summarize computes r.Summary from r.Files.
func (r *Report) Summarize() {
	s := Summary{}
	var boundFiles []*FileResult
	budgetOrder := []string{}
	budgets := map[string][]*BudgetResult{}
	baseOrder := []string{}
	bases := map[string][]BaselineResult{}
	baseSamples := map[string]int{}
	for i := range r.Files {
		f := &r.Files[i]
		s.Files++
		s.Samples += f.Samples
		s.Seconds += f.Seconds()
		if len(f.Errors) > 0 {
			s.Failed++
		}
		if f.Bound != nil {
			boundFiles = append(boundFiles, f)
		}
		for j := range f.Budgets {
			b := &f.Budgets[j]
			if _, ok := budgets[b.Label]; !ok {
				budgetOrder = append(budgetOrder, b.Label)
			}
			budgets[b.Label] = append(budgets[b.Label], b)
		}
		for _, b := range f.Baselines {
			if _, ok := bases[b.Codec]; !ok {
				baseOrder = append(baseOrder, b.Codec)
			}
			bases[b.Codec] = append(bases[b.Codec], b)
			baseSamples[b.Codec] += b.Samples
		}
	}
	if len(boundFiles) > 0 {
		s.Bound, s.BoundSpread = poolBounds(boundFiles)
		s.BoundFiles = len(boundFiles)
	}
	for _, label := range budgetOrder {
		s.Budgets = append(s.Budgets, summarizeBudget(label, r.Files))
	}
	s.Classic = summarizeClassic(r.Files)
	for _, codec := range baseOrder {
		rs := bases[codec]
		bs := BaselineSummary{Codec: codec, Setting: rs[0].Setting, Files: len(rs), AllVerified: true}
		var enc, dec, secs, decSecs float64
		for _, b := range rs {
			bs.Bytes += b.Bytes
			bs.MeanPerFile += b.BitsPerSample / float64(len(rs))
			enc += b.EncodeSeconds
			bs.AllVerified = bs.AllVerified && b.Verified
		}
		for i := range r.Files {
			for _, b := range r.Files[i].Baselines {
				if b.Codec == codec {
					secs += r.Files[i].Seconds()
					if b.Verified {
						dec += b.DecodeSeconds
						decSecs += r.Files[i].Seconds()
					}
				}
			}
		}
		bs.BitsPerSample = float64(bs.Bytes) * 8 / float64(baseSamples[codec])
		if enc > 0 {
			bs.EncodeSpeed = secs / enc
		}
		if dec > 0 {
			bs.DecodeSpeed = decSecs / dec
		}
		s.Baselines = append(s.Baselines, bs)
	}
	if s.Classic != nil {
		for _, codec := range baseOrder {
			if rel, ok := relative(r.Files, classicBytes, codec); ok {
				if s.Classic.VsBaselines == nil {
					s.Classic.VsBaselines = map[string]float64{}
				}
				s.Classic.VsBaselines[codec] = rel
			}
		}
	}
	r.Summary = s
}

// poolBounds pools per-file bounds weighted by samples. The standard
// errors combine as for a weighted sum of independent estimates.
func poolBounds(files []*FileResult) (*Bound, float64) {
	S := len(files[0].Bound.Stages)
	var total float64
	for _, f := range files {
		total += float64(f.Samples)
	}
	pool := func(get func(b *Bound) Stat) Stat {
		var m, v float64
		n := 0
		for _, f := range files {
			w := float64(f.Samples) / total
			st := get(f.Bound)
			m += w * st.Mean
			v += w * w * st.StdErr * st.StdErr
			n += st.N
		}
		return Stat{Mean: m, StdErr: math.Sqrt(v), N: n}
	}
	b := &Bound{Total: pool(func(b *Bound) Stat { return b.Total })}
	for s := 0; s < S; s++ {
		b.Stages = append(b.Stages, pool(func(b *Bound) Stat {
			if s < len(b.Stages) {
				return b.Stages[s]
			}
			return Stat{}
		}))
	}
	var mean, sq float64
	for _, f := range files {
		mean += f.Bound.Total.Mean / float64(len(files))
	}
	for _, f := range files {
		d := f.Bound.Total.Mean - mean
		sq += d * d
	}
	spread := 0.0
	if len(files) > 1 {
		spread = math.Sqrt(sq / float64(len(files)-1))
	}
	return b, spread
}

func summarizeBudget(label string, files []FileResult) BudgetSummary {
	bs := BudgetSummary{Label: label, AllExact: true}
	var polBits, polSamples, codedBits, codedSamples, bothPol, bothCoded, bothSamples float64
	var encSec, decSec, audioSec float64
	var stageBits []float64
	for i := range files {
		f := &files[i]
		for j := range f.Budgets {
			b := &f.Budgets[j]
			if b.Label != label {
				continue
			}
			bs.Budget = b.Budget
			bs.Calls += b.Calls
			if b.Skipped != "" {
				if bs.Skipped == 0 {
					bs.SkipReason = b.Skipped
				}
				bs.Skipped++
			}
			n := float64(f.Samples)
			if b.Policy != nil {
				bs.PolicyFiles++
				polBits += *b.Policy * n
				polSamples += n
				if stageBits == nil {
					stageBits = make([]float64, len(b.PolicyStages))
				}
				for s, v := range b.PolicyStages {
					if s < len(stageBits) {
						stageBits[s] += v * n
					}
				}
			}
			if b.Coded != nil {
				bs.CodedFiles++
				bs.CodedBytes += b.Coded.Bytes
				codedBits += float64(b.Coded.Bytes) * 8
				codedSamples += n
				encSec += b.Coded.EncodeSeconds
				decSec += b.Coded.DecodeSeconds
				audioSec += f.Seconds()
				bs.AllExact = bs.AllExact && b.Coded.Exact
				for k, v := range b.Coded.Coders {
					if bs.Coders == nil {
						bs.Coders = map[string]int64{}
					}
					bs.Coders[k] += v
				}
				if b.Policy != nil {
					bothPol += *b.Policy * n
					bothCoded += float64(b.Coded.Bytes) * 8
					bothSamples += n
				}
			}
		}
	}
	if polSamples > 0 {
		bs.Policy = polBits / polSamples
		for s := range stageBits {
			stageBits[s] /= polSamples
		}
		bs.PolicyStages = stageBits
	}
	if codedSamples > 0 {
		bs.Coded = codedBits / codedSamples
	} else {
		bs.AllExact = false
	}
	if bs.Coders != nil {
		bs.ModelFraction = (&Coded{Coders: bs.Coders}).ModelFraction()
	}
	if bothSamples > 0 {
		bs.Overhead = (bothCoded - bothPol) / bothSamples
		if bothPol > 0 {
			bs.OverheadRelative = (bothCoded - bothPol) / bothPol
		}
	}
	if encSec > 0 {
		bs.EncodeSpeed = audioSec / encSec
	}
	if decSec > 0 {
		bs.DecodeSpeed = audioSec / decSec
	}
	return bs
}

// summarizeClassic aggregates the files' classic codings; nil when no
// file has one.
func summarizeClassic(files []FileResult) *ClassicSummary {
	cs := &ClassicSummary{AllExact: true}
	var samples, encSec, decSec, audioSec, mean float64
	for i := range files {
		f := &files[i]
		c := f.Classic
		if c == nil {
			continue
		}
		cs.Files++
		cs.Bytes += c.Bytes
		samples += float64(f.Samples)
		mean += c.BitsPerSample
		encSec += c.EncodeSeconds
		decSec += c.DecodeSeconds
		audioSec += f.Seconds()
		cs.AllExact = cs.AllExact && c.Exact
		for k, v := range c.Coders {
			if cs.Coders == nil {
				cs.Coders = map[string]int64{}
			}
			cs.Coders[k] += v
		}
	}
	if cs.Files == 0 {
		return nil
	}
	if samples > 0 {
		cs.BitsPerSample = float64(cs.Bytes) * 8 / samples
	}
	cs.MeanPerFile = mean / float64(cs.Files)
	if encSec > 0 {
		cs.EncodeSpeed = audioSec / encSec
	}
	if decSec > 0 {
		cs.DecodeSpeed = audioSec / decSec
	}
	return cs
}

// WriteJSON writes r as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("eval: writing JSON report: %w", err)
	}
	return nil
}

// ReadReport reads a report written by WriteJSON.
func ReadReport(rd io.Reader) (*Report, error) {
	var r Report
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, fmt.Errorf("eval: reading JSON report: %w", err)
	}
	if r.Version != ReportVersion {
		return nil, fmt.Errorf("eval: report version %d, want %d", r.Version, ReportVersion)
	}
	return &r, nil
}

// Plot file names inside a report folder.
const (
	PlotLt      = "lt.png"
	PlotBudget  = "bpd_budget.png"
	PlotStages  = "bpd_stages.png"
	PlotCodecs  = "codecs.png"
	PlotPerFile = "per_file.png"
)

// WriteDir writes the report folder: report.json, report.md and the PNG
// plots that the data allows (a plot without data is left out, and
// report.md links only the plots written). The folder is created if
// needed.
func (r *Report) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	plots, err := r.writePlots(dir)
	if err != nil {
		return err
	}
	var js strings.Builder
	if err := r.WriteJSON(&js); err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dir, "report.json"), []byte(js.String())); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, "report.md"), []byte(r.Markdown(plots)))
}

// writeFileAtomic writes b to path atomically, with mode 0644.
func writeFileAtomic(path string, b []byte) error {
	if err := atomicfile.WriteFile(path, b); err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	return nil
}

// Markdown renders the report; plots lists the plot files to link.
func (r *Report) Markdown(plots []string) string {
	var b strings.Builder
	s := &r.Summary
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# ardm eval report\n\n")
	p("Data: `%s`, %d files, %d samples (%.1f s of audio)", r.Data, s.Files, s.Samples, s.Seconds)
	if s.Failed > 0 {
		p(", %d with errors", s.Failed)
	}
	p(".\n")
	if m := r.Model; m != nil {
		c := m.Config
		p("Model: `%s`, hash `%s`, branching %d (%d stages), %d channels x %d layers, frame %d, %d parameters, %d training steps.\n",
			m.Path, shortHash(m.Hash), c.Branching, c.Stages(), c.Channels, c.Layers, c.FrameLen, m.Params, m.Steps)
		p("Bound estimator: %d draws of (t, sigma) per stage and file, seed %d.\n", r.Draws, r.Seed)
	}
	p("All figures are bits per sample (per channel), whole files with headers, pooled over files.\n\n")

	p("## Summary\n\n| method | bits/sample | note |\n|---|---:|---|\n")
	if s.Bound != nil {
		p("| ARDM bound (one call per position) | %.3f ± %s | %d files, spread %.3f |\n", s.Bound.Total.Mean, r.se(s.Bound.Total, "%.3f"), s.BoundFiles, s.BoundSpread)
	}
	for _, bu := range s.Budgets {
		if bu.PolicyFiles > 0 {
			p("| ARDM policy bound, budget %s | %.3f | %d calls |\n", bu.Label, bu.Policy, bu.Calls)
		}
		if bu.CodedFiles > 0 {
			p("| ARDM coded, budget %s | %.3f | %s |\n", bu.Label, bu.Coded, exactNote(bu))
		}
	}
	if c := s.Classic; c != nil {
		p("| %s | %.3f | %s, %s; mean per file %.3f |\n", ClassicName, c.BitsPerSample, exactWord(c.AllExact), coderMix(c.Coders), c.MeanPerFile)
	}
	for _, bl := range s.Baselines {
		p("| %s | %.3f | mean per file %.3f |\n", bl.Setting, bl.BitsPerSample, bl.MeanPerFile)
	}
	for _, m := range r.Missing {
		p("| (%s) | - | not measured |\n", m)
	}
	p("\n")

	if s.Bound != nil {
		p("## Bound per stage\n\n| stage | bits/sample | stderr |\n|---|---:|---:|\n")
		for i, st := range s.Bound.Stages {
			p("| %d | %.4f | %s |\n", i+1, st.Mean, r.se(st, "%.4f"))
		}
		p("| total | %.4f | %s |\n\n", s.Bound.Total.Mean, r.se(s.Bound.Total, "%.4f"))
	}

	if len(s.Budgets) > 0 {
		p("## Budgets\n\nOverhead is the coded size minus the policy bound: the stream's headers, the integer frequencies, and the frames a fallback coder stored (it is chosen only where it is smaller, so overhead can be negative).\n\n")
		p("| budget | calls | policy bound | coded | overhead | overhead %% | model frames | encode x real time | decode x real time | bit-exact |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
		for _, bu := range s.Budgets {
			p("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", bu.Label, bu.Calls,
				numOr(bu.Policy, bu.PolicyFiles > 0, "%.4f"), numOr(bu.Coded, bu.CodedFiles > 0, "%.4f"),
				numOr(bu.Overhead, bu.PolicyFiles > 0 && bu.CodedFiles > 0, "%+.4f"),
				numOr(100*bu.OverheadRelative, bu.PolicyFiles > 0 && bu.CodedFiles > 0, "%+.2f"),
				numOr(100*bu.ModelFraction, bu.CodedFiles > 0, "%.0f%%"),
				numOr(bu.EncodeSpeed, bu.CodedFiles > 0, "%.2f"), numOr(bu.DecodeSpeed, bu.CodedFiles > 0, "%.2f"),
				yesNo(bu.CodedFiles > 0, bu.AllExact))
		}
		if c := s.Classic; c != nil {
			p("| %s | 0 | - | %.4f | - | - | 0%% | %.2f | %.2f | %s |\n", ClassicName, c.BitsPerSample, c.EncodeSpeed, c.DecodeSpeed, yesNo(true, c.AllExact))
		}
		p("\n")
		for _, bu := range s.Budgets {
			if bu.Skipped > 0 {
				p("Budget %s: %s.\n\n", bu.Label, skipNote(bu))
			}
		}
	}

	if rows := r.codecRows(); len(rows) > 0 {
		p("## Codecs\n\nEvery coding of the same files side by side: ardm with the classic coders alone (no model), ardm with the model at each budget (every frame still falls back to a classic coder where that is smaller), and the classic codecs. ardm codes in process (frames in parallel); the baselines' speeds are wall time per file, process start-up included. The \"vs\" columns give the difference in bits per sample pooled over the files both codings have.\n\n")
		cols := []string{"codec", "files", "bytes", "bits/sample", "mean per file"}
		for _, bl := range s.Baselines {
			cols = append(cols, "vs "+bl.Codec)
		}
		cols = append(cols, "encode x real time", "decode x real time", "bit-exact")
		p("| %s |\n|---|%s\n", strings.Join(cols, " | "), strings.Repeat("---:|", len(cols)-2)+"---|")
		for _, row := range rows {
			cells := []string{row.name, fmt.Sprint(row.files), fmt.Sprint(row.bytes), fmt.Sprintf("%.4f", row.bpd), numOr(row.mean, row.mean > 0, "%.4f")}
			cells = append(cells, r.versus(row.bytesOf)...)
			cells = append(cells, speed(row.enc), speed(row.dec), row.exact)
			p("| %s |\n", strings.Join(cells, " | "))
		}
		p("\n")
	}

	if len(plots) > 0 {
		p("## Plots\n\n")
		for _, pl := range plots {
			p("![%s](%s)\n\n", strings.TrimSuffix(pl, ".png"), pl)
		}
	}

	p("## Files\n\n")
	cols := []string{"file", "samples"}
	if s.Bound != nil {
		cols = append(cols, "bound", "stderr")
	}
	for _, bu := range s.Budgets {
		if bu.PolicyFiles > 0 {
			cols = append(cols, "policy "+bu.Label)
		}
		if bu.CodedFiles > 0 {
			cols = append(cols, "coded "+bu.Label)
		}
	}
	if s.Classic != nil {
		cols = append(cols, "classic")
	}
	for _, bl := range s.Baselines {
		cols = append(cols, bl.Codec)
	}
	cols = append(cols, "errors")
	p("| %s |\n|%s\n", strings.Join(cols, " | "), strings.Repeat("---|", len(cols)))
	for i := range r.Files {
		f := &r.Files[i]
		row := []string{f.Name, fmt.Sprint(f.Samples)}
		if s.Bound != nil {
			if f.Bound != nil {
				row = append(row, fmt.Sprintf("%.3f", f.Bound.Total.Mean), r.se(f.Bound.Total, "%.3f"))
			} else {
				row = append(row, "-", "-")
			}
		}
		for _, bu := range s.Budgets {
			br := f.budget(bu.Label)
			if bu.PolicyFiles > 0 {
				if br != nil && br.Policy != nil {
					row = append(row, fmt.Sprintf("%.3f", *br.Policy))
				} else {
					row = append(row, "-")
				}
			}
			if bu.CodedFiles > 0 {
				if br != nil && br.Coded != nil {
					row = append(row, fmt.Sprintf("%.3f", br.Coded.BitsPerSample))
				} else {
					row = append(row, "-")
				}
			}
		}
		if s.Classic != nil {
			if f.Classic != nil {
				row = append(row, fmt.Sprintf("%.3f", f.Classic.BitsPerSample))
			} else {
				row = append(row, "-")
			}
		}
		for _, bl := range s.Baselines {
			v := "-"
			for _, x := range f.Baselines {
				if x.Codec == bl.Codec {
					v = fmt.Sprintf("%.3f", x.BitsPerSample)
				}
			}
			row = append(row, v)
		}
		row = append(row, strings.ReplaceAll(strings.Join(f.Errors, "; "), "|", "/"))
		p("| %s |\n", strings.Join(row, " | "))
	}
	return b.String()
}

// se formats a standard error, or "n/a" when a single draw per file
// cannot give one.
func (r *Report) se(st Stat, format string) string {
	if r.Draws < 2 {
		return "n/a"
	}
	return fmt.Sprintf(format, st.StdErr)
}

// budget returns the file's result for the budget label, or nil.
func (f *FileResult) budget(label string) *BudgetResult {
	for i := range f.Budgets {
		if f.Budgets[i].Label == label {
			return &f.Budgets[i]
		}
	}
	return nil
}

// Table is the short results table printed on stdout: one line per method,
// pooled bits per sample.
func (r *Report) Table() string {
	var b strings.Builder
	s := &r.Summary
	fmt.Fprintf(&b, "%d files, %d samples, %.1f s of audio", s.Files, s.Samples, s.Seconds)
	if s.Failed > 0 {
		fmt.Fprintf(&b, ", %d with errors", s.Failed)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "%-34s %12s  %s\n", "method", "bits/sample", "note")
	line := func(name, val, note string) { fmt.Fprintf(&b, "%-34s %12s  %s\n", name, val, note) }
	if s.Bound != nil {
		var st []string
		for i, x := range s.Bound.Stages {
			st = append(st, fmt.Sprintf("s%d %.3f", i+1, x.Mean))
		}
		line("ardm bound", fmt.Sprintf("%.3f", s.Bound.Total.Mean), fmt.Sprintf("± %s; %s", r.se(s.Bound.Total, "%.3f"), strings.Join(st, ", ")))
	}
	for _, bu := range s.Budgets {
		if bu.PolicyFiles > 0 {
			line("ardm policy bound, budget "+bu.Label, fmt.Sprintf("%.3f", bu.Policy), fmt.Sprintf("%d calls", bu.Calls))
		}
		if bu.CodedFiles > 0 {
			note := exactNote(bu)
			if bu.PolicyFiles > 0 {
				note += fmt.Sprintf(", overhead %+.2f%%", 100*bu.OverheadRelative)
			}
			note += fmt.Sprintf(", encode %.2fx, decode %.2fx real time", bu.EncodeSpeed, bu.DecodeSpeed)
			line("ardm coded, budget "+bu.Label, fmt.Sprintf("%.3f", bu.Coded), note)
		}
		if bu.PolicyFiles == 0 && bu.CodedFiles == 0 {
			line("ardm, budget "+bu.Label, "-", "not measured: "+skipNote(bu))
		}
	}
	if c := s.Classic; c != nil {
		note := exactWord(c.AllExact) + ", " + coderMix(c.Coders)
		for i, v := range r.versus(classicBytes) {
			note += fmt.Sprintf(", %s vs %s", v, s.Baselines[i].Codec)
		}
		note += fmt.Sprintf(", encode %.0fx, decode %.0fx real time", c.EncodeSpeed, c.DecodeSpeed)
		line(ClassicName, fmt.Sprintf("%.3f", c.BitsPerSample), note)
	}
	for _, bl := range s.Baselines {
		line(bl.Setting, fmt.Sprintf("%.3f", bl.BitsPerSample), fmt.Sprintf("mean per file %.3f, %.0fx real time", bl.MeanPerFile, bl.EncodeSpeed))
	}
	for _, m := range r.Missing {
		line("(baseline skipped)", "-", m)
	}
	return b.String()
}

// skipNote says why a budget was not measured on some files.
func skipNote(bu BudgetSummary) string {
	if bu.Skipped == 0 {
		return "no data"
	}
	note := fmt.Sprintf("%d files skipped (%s)", bu.Skipped, bu.SkipReason)
	if bu.Budget == 0 {
		note += "; in expectation the policy bound of one call per position is the bound"
	}
	return note
}

func exactNote(bu BudgetSummary) string {
	return exactWord(bu.AllExact) + fmt.Sprintf(", model on %.0f%% of frames", 100*bu.ModelFraction)
}

func exactWord(ok bool) string {
	if ok {
		return "bit-exact"
	}
	return "NOT bit-exact"
}

// coderMix gives the share of channel-frames of each coder, largest
// first ("lpc 93%, fixed-rice 6%, constant 1%").
func coderMix(coders map[string]int64) string {
	var all int64
	names := make([]string, 0, len(coders))
	for k, n := range coders {
		all += n
		names = append(names, k)
	}
	if all == 0 {
		return "no frames"
	}
	sort.Slice(names, func(i, j int) bool {
		if coders[names[i]] != coders[names[j]] {
			return coders[names[i]] > coders[names[j]]
		}
		return names[i] < names[j]
	})
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s %.0f%%", k, 100*float64(coders[k])/float64(all))
	}
	return strings.Join(parts, ", ")
}

// sizeOf gives the size in bytes of one coding of a file, false if the
// file has none.
type sizeOf func(f *FileResult) (int64, bool)

func classicBytes(f *FileResult) (int64, bool) {
	if f.Classic == nil {
		return 0, false
	}
	return f.Classic.Bytes, true
}

func budgetBytes(label string) sizeOf {
	return func(f *FileResult) (int64, bool) {
		b := f.budget(label)
		if b == nil || b.Coded == nil {
			return 0, false
		}
		return b.Coded.Bytes, true
	}
}

func baselineBytes(codec string) sizeOf {
	return func(f *FileResult) (int64, bool) {
		for _, b := range f.Baselines {
			if b.Codec == codec {
				return b.Bytes, true
			}
		}
		return 0, false
	}
}

// codecRow is one line of the codec comparison.
type codecRow struct {
	name     string
	files    int
	bytes    int64
	bpd      float64
	mean     float64 // 0: not known
	enc, dec float64 // seconds of audio per second; 0: not measured
	exact    string
	bytesOf  sizeOf
}

// codecRows lists every coding of the run: the classic coders, the coded
// budgets, the baselines.
func (r *Report) codecRows() []codecRow {
	s := &r.Summary
	var rows []codecRow
	if c := s.Classic; c != nil {
		rows = append(rows, codecRow{ClassicName, c.Files, c.Bytes, c.BitsPerSample, c.MeanPerFile, c.EncodeSpeed, c.DecodeSpeed, yesNo(true, c.AllExact), classicBytes})
	}
	for _, bu := range s.Budgets {
		if bu.CodedFiles > 0 {
			rows = append(rows, codecRow{"ardm model, budget " + bu.Label, bu.CodedFiles, bu.CodedBytes, bu.Coded, 0, bu.EncodeSpeed, bu.DecodeSpeed, yesNo(true, bu.AllExact), budgetBytes(bu.Label)})
		}
	}
	for _, bl := range s.Baselines {
		rows = append(rows, codecRow{bl.Setting, bl.Files, bl.Bytes, bl.BitsPerSample, bl.MeanPerFile, bl.EncodeSpeed, bl.DecodeSpeed, yesNo(true, bl.AllVerified), baselineBytes(bl.Codec)})
	}
	return rows
}

// versus compares a coding with each baseline over the files both have:
// the difference of their pooled bits per sample as a signed percentage
// of the baseline's ("-4.21%": 4.21% smaller), "-" without common files.
func (r *Report) versus(size sizeOf) []string {
	out := make([]string, len(r.Summary.Baselines))
	for i, bl := range r.Summary.Baselines {
		rel, ok := relative(r.Files, size, bl.Codec)
		out[i] = numOr(100*rel, ok, "%+.2f%%")
	}
	return out
}

// relative is the size of a coding over the files it shares with the
// baseline codec, relative to the baseline's on them, minus one; false
// without common files.
func relative(files []FileResult, size sizeOf, codec string) (float64, bool) {
	base := baselineBytes(codec)
	var a, b int64
	for j := range files {
		x, ok1 := size(&files[j])
		y, ok2 := base(&files[j])
		if ok1 && ok2 {
			a += x
			b += y
		}
	}
	if b == 0 {
		return 0, false
	}
	return float64(a)/float64(b) - 1, true
}

// speed formats a speed in seconds of audio per second, "-" if unknown.
func speed(v float64) string {
	switch {
	case v <= 0:
		return "-"
	case v < 10:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

func numOr(v float64, ok bool, format string) string {
	if !ok {
		return "-"
	}
	return fmt.Sprintf(format, v)
}

func yesNo(ok, v bool) string {
	switch {
	case !ok:
		return "-"
	case v:
		return "yes"
	}
	return "no"
}

func shortHash(h string) string {
	if len(h) > 16 {
		return h[:16]
	}
	return h
}

// sortedBudgets returns the budgets of s in increasing order of calls.
func (s *Summary) sortedBudgets() []BudgetSummary {
	out := append([]BudgetSummary(nil), s.Budgets...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Calls < out[j].Calls })
	return out
}
