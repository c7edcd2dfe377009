package eval

import (
	"bytes"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ardm-dev/ardm/ardm"
)

func ptr(v float64) *float64 { return &v }

// handReport is a report with figures chosen so that every aggregate can
// be worked out by hand.
func handReport() *Report {
	cfg := ardm.Config{Branching: 256, Channels: 4, Layers: 2, DilationCycle: 2, Kernel: 3, EmbedDim: 4, FrameLen: 1000, Head: ardm.HeadSoftmax}
	lt := [][]float64{make([]float64, ardm.LtBins), make([]float64, ardm.LtBins)}
	for j := range lt[0] {
		lt[0][j] = 6 - 4*float64(j)/ardm.LtBins
		lt[1][j] = 7.9
	}
	return &Report{
		Version: ReportVersion,
		Data:    "testdata/set",
		Model:   &ModelInfo{Path: "m.ardmm", Hash: "0123456789abcdef0123", Config: cfg, Params: 1234, Steps: 10},
		Seed:    7,
		Draws:   4,
		Lt:      lt,
		Files: []FileResult{
			{
				Name: "a.wav", Samples: 1000, Channels: 1, SampleRate: 1000, BitDepth: 16,
				Bound: &Bound{Total: Stat{10, 0.3, 4}, Stages: []Stat{{4, 0.2, 4}, {6, 0.1, 4}}},
				Budgets: []BudgetResult{
					{Label: "4", Budget: 4, Calls: 4, Policy: ptr(11), PolicyStages: []float64{5, 6},
						Coded: &Coded{Bytes: 1400, BitsPerSample: 11.2, EncodeSeconds: 0.5, DecodeSeconds: 0.25, Exact: true}},
					{Label: "full", Budget: 0, Calls: 2000, Skipped: "too many calls"},
				},
				Classic: &Coded{Bytes: 1250, BitsPerSample: 10, EncodeSeconds: 0.1, DecodeSeconds: 0.05, Exact: true, Coders: map[string]int64{"lpc": 1}},
				Baselines: []BaselineResult{
					{Codec: "flac", Setting: "flac -8", Bytes: 1500, Samples: 1000, BitsPerSample: 12, EncodeSeconds: 0.01, Verified: true, DecodeSeconds: 0.005},
					{Codec: "wavpack", Setting: "wavpack -hhx6", Bytes: 1375, Samples: 1000, BitsPerSample: 11, EncodeSeconds: 0.02, Verified: true},
				},
			},
			{
				Name: "b.wav", Samples: 3000, Channels: 1, SampleRate: 1000, BitDepth: 16,
				Bound: &Bound{Total: Stat{6, 0.4, 4}, Stages: []Stat{{2, 0.4, 4}, {4, 0, 4}}},
				Budgets: []BudgetResult{
					{Label: "4", Budget: 4, Calls: 12, Policy: ptr(7), PolicyStages: []float64{3, 4},
						Coded: &Coded{Bytes: 2700, BitsPerSample: 7.2, EncodeSeconds: 1.5, DecodeSeconds: 0.75, Exact: true}},
					{Label: "full", Budget: 0, Calls: 6000, Skipped: "too many calls"},
				},
				Classic: &Coded{Bytes: 2625, BitsPerSample: 7, EncodeSeconds: 0.3, DecodeSeconds: 0.15, Exact: true, Coders: map[string]int64{"lpc": 2, "constant": 1}},
				Baselines: []BaselineResult{
					{Codec: "flac", Setting: "flac -8", Bytes: 3000, Samples: 3000, BitsPerSample: 8, EncodeSeconds: 0.03, Verified: true, DecodeSeconds: 0.015},
				},
				Errors: []string{"wavpack: failed"},
			},
		},
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestSummarize(t *testing.T) {
	r := handReport()
	r.Summarize()
	s := r.Summary
	if s.Files != 2 || s.Samples != 4000 || !near(s.Seconds, 4) || s.Failed != 1 {
		t.Errorf("counts: files %d samples %d seconds %v failed %d", s.Files, s.Samples, s.Seconds, s.Failed)
	}
	// Pooled bound: weights 1/4 and 3/4.
	b := s.Bound
	checks := []struct {
		name      string
		got, want float64
	}{
		{"bound", b.Total.Mean, 0.25*10 + 0.75*6},
		{"bound stderr", b.Total.StdErr, math.Sqrt(0.0625*0.09 + 0.5625*0.16)},
		{"stage 1", b.Stages[0].Mean, 0.25*4 + 0.75*2},
		{"stage 2 stderr", b.Stages[1].StdErr, 0.25 * 0.1},
		{"spread", s.BoundSpread, math.Sqrt(8)},
		{"policy", s.Budgets[0].Policy, (11*1000 + 7*3000) / 4000.0},
		{"policy stage 2", s.Budgets[0].PolicyStages[1], (6*1000 + 4*3000) / 4000.0},
		{"coded", s.Budgets[0].Coded, (1400 + 2700) * 8 / 4000.0},
		{"overhead", s.Budgets[0].Overhead, (4100*8 - 32000) / 4000.0},
		{"overhead relative", s.Budgets[0].OverheadRelative, (4100*8 - 32000) / 32000.0},
		{"encode speed", s.Budgets[0].EncodeSpeed, 4 / 2.0},
		{"decode speed", s.Budgets[0].DecodeSpeed, 4 / 1.0},
		{"flac", s.Baselines[0].BitsPerSample, 4500 * 8 / 4000.0},
		{"flac mean per file", s.Baselines[0].MeanPerFile, 10},
		{"flac speed", s.Baselines[0].EncodeSpeed, 4 / 0.04},
		{"wavpack", s.Baselines[1].BitsPerSample, 11},
		{"flac decode speed", s.Baselines[0].DecodeSpeed, 4 / 0.02},
		{"classic", s.Classic.BitsPerSample, (1250 + 2625) * 8 / 4000.0},
		{"classic mean per file", s.Classic.MeanPerFile, 8.5},
		{"classic encode speed", s.Classic.EncodeSpeed, 4 / 0.4},
		{"classic decode speed", s.Classic.DecodeSpeed, 4 / 0.2},
		// Against flac over both files; against wavpack over a.wav only.
		{"classic vs flac", s.Classic.VsBaselines["flac"], 3875/4500.0 - 1},
		{"classic vs wavpack", s.Classic.VsBaselines["wavpack"], 1250/1375.0 - 1},
	}
	for _, c := range checks {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if s.BoundFiles != 2 || s.Budgets[0].Calls != 16 || !s.Budgets[0].AllExact || s.Baselines[1].Files != 1 || s.Budgets[0].CodedBytes != 4100 {
		t.Errorf("bound files %d, calls %d, exact %v, wavpack files %d, coded bytes %d", s.BoundFiles, s.Budgets[0].Calls, s.Budgets[0].AllExact, s.Baselines[1].Files, s.Budgets[0].CodedBytes)
	}
	if c := s.Classic; c.Files != 2 || c.Bytes != 3875 || !c.AllExact || c.Coders["lpc"] != 3 || c.Coders["constant"] != 1 {
		t.Errorf("classic summary %+v", c)
	}
	full := s.Budgets[1]
	if full.Label != "full" || full.PolicyFiles != 0 || full.CodedFiles != 0 || full.AllExact {
		t.Errorf("unmeasured budget summarised as %+v", full)
	}
	if err := r.IntegrityError(); err != nil {
		t.Errorf("IntegrityError on exact streams: %v", err)
	}
	// One inexact file spoils AllExact and is an integrity error.
	r.Files[1].Budgets[0].Coded.Exact = false
	r.Files[0].Classic.Exact = false
	r.Summarize()
	if r.Summary.Budgets[0].AllExact || r.Summary.Classic.AllExact {
		t.Error("AllExact with an inexact file")
	}
	if err := r.IntegrityError(); err == nil || !strings.Contains(err.Error(), "a.wav (classic coders)") || !strings.Contains(err.Error(), "b.wav (budget 4)") {
		t.Errorf("IntegrityError = %v", err)
	}
	// Without classic codings there is no classic summary.
	for i := range r.Files {
		r.Files[i].Classic = nil
	}
	r.Summarize()
	if r.Summary.Classic != nil {
		t.Errorf("classic summary without classic codings: %+v", r.Summary.Classic)
	}
}

func TestWriteDir(t *testing.T) {
	tests := []struct {
		name      string
		report    func() *Report
		wantPlots []string
		wantText  []string
	}{
		{
			name:      "full",
			report:    handReport,
			wantPlots: []string{PlotLt, PlotStages, PlotBudget, PlotCodecs, PlotPerFile},
			wantText: []string{"| ARDM bound (one call per position) | 7.000 ± 0.309 |", "| 1 | 2.5000 |", "| 4 | 16 | 8.0000 | 8.2000 | +0.2000 | +2.50 |",
				"| flac -8 --no-padding", "| b.wav | 3000 | 6.000 |", "wavpack: failed", "0123456789abcdef", "![lt](lt.png)",
				"| ardm classic (no model) | 7.750 | bit-exact, lpc 75%, constant 25%; mean per file 8.500 |",
				"| ardm classic (no model) | 0 | - | 7.7500 | - | - | 0% | 10.00 | 20.00 | yes |",
				"| ardm classic (no model) | 2 | 3875 | 7.7500 | 8.5000 | -13.89% | -9.09% | 10 | 20 | yes |",
				"| ardm model, budget 4 | 2 | 4100 | 8.2000 | - | -8.89% | +1.82% | 2.00 | 4.00 | yes |",
				"| 7.200 | 7.000 | 8.000 | - |"},
		},
		{
			name: "baselines only",
			report: func() *Report {
				r := handReport()
				r.Model, r.Lt = nil, nil
				for i := range r.Files {
					r.Files[i].Bound, r.Files[i].Budgets = nil, nil
				}
				r.Missing = []string{"eval: wavpack not installed"}
				return r
			},
			wantPlots: []string{PlotCodecs, PlotPerFile},
			wantText: []string{"| flac -8 --no-padding", "9.000", "(eval: wavpack not installed)",
				"| ardm classic (no model) | 7.750 |", "| a.wav | 1000 | 10.000 | 12.000 | 11.000 |"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.report()
			if tc.name == "full" {
				r.Files[0].Baselines[0].Setting = Flac.Setting()
				r.Files[1].Baselines[0].Setting = Flac.Setting()
			} else {
				for i := range r.Files {
					r.Files[i].Baselines[0].Setting = Flac.Setting()
				}
			}
			r.Summarize()
			dir := filepath.Join(t.TempDir(), "report")
			if err := r.WriteDir(dir); err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(dir)
			var pngs []string
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".png") {
					pngs = append(pngs, e.Name())
				}
				// Reports are for sharing: readable by all, as any output.
				if fi, err := e.Info(); err != nil {
					t.Error(err)
				} else if fi.Mode().Perm() != 0o644 {
					t.Errorf("%s: mode %v, want 0644", e.Name(), fi.Mode().Perm())
				}
			}
			want := slices.Clone(tc.wantPlots)
			slices.Sort(want)
			if !slices.Equal(pngs, want) {
				t.Errorf("plots %v, want %v", pngs, want)
			}
			for _, name := range pngs {
				raw, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				img, err := png.Decode(bytes.NewReader(raw))
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				if b := img.Bounds(); b.Dx() < 200 || b.Dy() < 100 {
					t.Errorf("%s: %v image", name, b)
				}
			}
			md, err := os.ReadFile(filepath.Join(dir, "report.md"))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.wantText {
				if !strings.Contains(string(md), w) {
					t.Errorf("report.md lacks %q", w)
				}
			}
			for _, name := range pngs {
				if !strings.Contains(string(md), "("+name+")") {
					t.Errorf("report.md does not link %s", name)
				}
			}
			f, err := os.Open(filepath.Join(dir, "report.json"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			back, err := ReadReport(f)
			if err != nil {
				t.Fatal(err)
			}
			if back.Summary.Samples != r.Summary.Samples || len(back.Files) != len(r.Files) || !near(back.Summary.Baselines[0].BitsPerSample, r.Summary.Baselines[0].BitsPerSample) {
				t.Errorf("JSON round trip changed the report")
			}
			for _, w := range []string{Flac.Setting(), ClassicName, "-13.89% vs flac"} {
				if !strings.Contains(r.Table(), w) {
					t.Errorf("table lacks %q:\n%s", w, r.Table())
				}
			}
			if back.Summary.Classic == nil || back.Files[0].Classic == nil || !near(back.Summary.Classic.BitsPerSample, r.Summary.Classic.BitsPerSample) {
				t.Errorf("JSON round trip lost the classic coding")
			}
		})
	}
}

func TestReadReportVersion(t *testing.T) {
	if _, err := ReadReport(strings.NewReader(`{"version": 99}`)); err == nil {
		t.Error("no error for an unknown version")
	}
	if _, err := ReadReport(strings.NewReader(`{`)); err == nil {
		t.Error("no error for broken JSON")
	}
}

func TestShownStages(t *testing.T) {
	for _, tc := range []struct {
		S    int
		want string
	}{
		{1, "1"}, {4, "1 2 3 4"}, {7, "1 2 3 4 5 6 7"}, {8, "1 2 3 5 6 7 8"}, {16, "1 4 6 9 11 14 16"},
	} {
		var got []string
		for s, ok := range shownStages(tc.S, maxCurves) {
			if ok {
				got = append(got, fmt.Sprint(s+1))
			}
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%d stages: shows %q, want %q", tc.S, g, tc.want)
		}
	}
}
