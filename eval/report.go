package eval

import (
	"math"
	"sort"

	"github.com/ardm-dev/ardm/ardm"
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
	// or a classic coder: "cascade", "lpc", "fixed-rice", "verbatim", "constant").
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

// budget returns the file's result for the budget label, or nil.
func (f *FileResult) budget(label string) *BudgetResult {
	for i := range f.Budgets {
		if f.Budgets[i].Label == label {
			return &f.Budgets[i]
		}
	}
	return nil
}

// sortedBudgets returns the budgets of s in increasing order of calls.
func (s *Summary) sortedBudgets() []BudgetSummary {
	out := append([]BudgetSummary(nil), s.Budgets...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Calls < out[j].Calls })
	return out
}
