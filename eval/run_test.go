package eval

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseBudgets(t *testing.T) {
	tests := []struct {
		in      string
		want    []Budget
		wantErr bool
	}{
		{"10,50,full", []Budget{{"10", 10}, {"50", 50}, {"full", 0}}, false},
		{" 8 , full ", []Budget{{"8", 8}, {"full", 0}}, false},
		{"", nil, false},
		{"0", nil, true},
		{"-3", nil, true},
		{"ten", nil, true},
		{"10,10", nil, true},
		{"full,full", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseBudgets(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFindFiles(t *testing.T) {
	mk := func(root string, names ...string) {
		for _, n := range names {
			p := filepath.Join(root, n)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	plain := t.TempDir()
	mk(plain, "b.wav", "a/c.WAV", "a/d.flac", "a/e.mp3", "_skip/e.wav", "z/y/x.wav")
	sc := t.TempDir()
	mk(sc, "testing_list.txt", "one/1.wav", "nine/2.wav", "bed/3.wav", "_background_noise_/n.wav", "top.wav", "one/deep/4.wav")
	tests := []struct {
		name    string
		dir     string
		limit   int
		want    []string
		wantErr bool
	}{
		{"plain", plain, 0, []string{"a/c.WAV", "a/d.flac", "b.wav", "z/y/x.wav"}, false},
		{"limit", plain, 2, []string{"a/c.WAV", "a/d.flac"}, false},
		{"speech commands", sc, 0, []string{"nine/2.wav", "one/1.wav"}, false},
		{"empty", t.TempDir(), 0, nil, true},
		{"missing", filepath.Join(plain, "nope"), 0, nil, true},
		{"file", filepath.Join(plain, "b.wav"), 0, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FindFiles(tc.dir, tc.limit)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			var rel []string
			for _, p := range got {
				r, _ := filepath.Rel(tc.dir, p)
				rel = append(rel, filepath.ToSlash(r))
			}
			if !slices.Equal(rel, tc.want) {
				t.Errorf("got %v, want %v", rel, tc.want)
			}
		})
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeTestWAV(t, filepath.Join(dir, "a.wav"), 16000, 1, testSignal(300, 1, 20))
	writeTestWAV(t, filepath.Join(dir, "sub", "b.wav"), 16000, 1, testSignal(200, 2, 20))
	if err := os.WriteFile(filepath.Join(dir, "broken.wav"), []byte("RIFF...."), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := FindFiles(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	budgets, _ := ParseBudgets("8,full")
	baselines, missing, err := ResolveBaselines([]string{"flac", "wavpack"})
	if err != nil {
		t.Fatal(err)
	}
	m := tinyModel(16, 128, 4)
	var calls, lastDone, lastTotal int
	o := Options{
		Model: m, ModelPath: "tiny", Draws: 2, Budgets: budgets, Code: true, MaxCalls: 100,
		Baselines: baselines, Missing: missing, VerifyBaselines: true, Seed: 3,
		Progress: func(done, total int, info string) {
			calls++
			if done < lastDone {
				t.Errorf("progress went back from %d to %d", lastDone, done)
			}
			lastDone, lastTotal = done, total
		},
	}
	r, err := Run(context.Background(), dir, files, o)
	if err != nil {
		t.Fatal(err)
	}
	if lastDone != lastTotal || calls == 0 {
		t.Errorf("progress ended at %d of %d after %d calls", lastDone, lastTotal, calls)
	}
	if len(r.Files) != 3 || r.Files[0].Name != "a.wav" || r.Files[1].Name != "broken.wav" || r.Files[2].Name != filepath.Join("sub", "b.wav") {
		t.Fatalf("files %+v", r.Files)
	}
	if len(r.Files[1].Errors) == 0 || r.Summary.Failed != 1 {
		t.Errorf("broken file not reported: %+v", r.Files[1])
	}
	for _, i := range []int{0, 2} {
		f := r.Files[i]
		if len(f.Errors) != 0 {
			t.Errorf("%s: errors %v", f.Name, f.Errors)
		}
		if f.Bound == nil || len(f.Bound.Stages) != 4 || f.Bound.Total.N != 2 {
			t.Fatalf("%s: bound %+v", f.Name, f.Bound)
		}
		if len(f.Budgets) != 2 {
			t.Fatalf("%s: budgets %+v", f.Name, f.Budgets)
		}
		b8, full := f.Budgets[0], f.Budgets[1]
		if b8.Policy == nil || b8.Coded == nil || !b8.Coded.Exact || b8.Calls != 8*((f.Samples+127)/128) {
			t.Errorf("%s: budget 8 %+v", f.Name, b8)
		}
		if full.Policy != nil || full.Coded != nil || !strings.Contains(full.Skipped, "limit of 100") {
			t.Errorf("%s: full budget %+v, want skipped", f.Name, full)
		}
		if len(f.Baselines) != len(baselines) {
			t.Errorf("%s: %d baselines, want %d", f.Name, len(f.Baselines), len(baselines))
		}
		if c := f.Classic; c == nil || !c.Exact || c.Bytes <= 0 || c.Coders["model"] != 0 || len(c.Coders) == 0 {
			t.Errorf("%s: classic coding %+v", f.Name, c)
		}
	}
	if r.Files[1].Classic != nil {
		t.Errorf("broken file has a classic coding")
	}
	s := r.Summary
	if s.Bound == nil || s.BoundFiles != 2 || s.Budgets[0].CodedFiles != 2 || !s.Budgets[0].AllExact || s.Budgets[1].Skipped != 2 {
		t.Errorf("summary %+v", s)
	}
	if err := r.IntegrityError(); err != nil {
		t.Error(err)
	}
	if r.Model == nil || len(r.Model.Hash) != 64 || r.Model.Params == 0 || len(r.Lt) != 4 {
		t.Errorf("model info %+v, %d L_t rows", r.Model, len(r.Lt))
	}
	// Same seed, same figures.
	o.Progress = nil
	r2, err := Run(context.Background(), dir, files, o)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Summary.Bound.Total != s.Bound.Total || r2.Summary.Budgets[0].Coded != s.Budgets[0].Coded || r2.Summary.Budgets[0].Policy != s.Budgets[0].Policy {
		t.Errorf("second run differs: %+v vs %+v", r2.Summary.Budgets[0], s.Budgets[0])
	}
	// The report folder holds every plot.
	out := filepath.Join(t.TempDir(), "rep")
	if err := r.WriteDir(out); err != nil {
		t.Fatal(err)
	}
	want := []string{PlotLt, PlotStages, PlotBudget, PlotCodecs}
	if len(baselines) > 0 {
		want = append(want, PlotPerFile)
	}
	for _, p := range want {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Errorf("missing plot: %v", err)
		}
	}
	// A cancelled run returns the context's error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, dir, files, o); err == nil {
		t.Error("cancelled run: no error")
	}
}

func TestRunBaselinesOnly(t *testing.T) {
	needBaseline(t, Flac)
	files := writeTestSet(t, 2, 500)
	r, err := Run(context.Background(), filepath.Dir(files[0]), files, Options{Baselines: []Baseline{Flac}, Draws: 3, Budgets: []Budget{{"4", 4}}, Code: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Model != nil || r.Draws != 0 || r.Summary.Bound != nil || len(r.Summary.Budgets) != 0 {
		t.Errorf("model figures in a baselines-only run: %+v", r.Summary)
	}
	if len(r.Summary.Baselines) != 1 || r.Summary.Baselines[0].Files != 2 {
		t.Errorf("baselines %+v", r.Summary.Baselines)
	}
	// Coding is on: the classic coders code every file without a model.
	c := r.Summary.Classic
	if c == nil || c.Files != 2 || !c.AllExact || c.BitsPerSample <= 0 || c.BitsPerSample >= 16 {
		t.Fatalf("classic summary %+v", c)
	}
	if _, ok := c.VsBaselines["flac"]; !ok {
		t.Errorf("classic not compared with flac: %+v", c)
	}
	// Without coding, no classic coding either.
	r, err = Run(context.Background(), filepath.Dir(files[0]), files, Options{Baselines: []Baseline{Flac}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.Classic != nil || r.Files[0].Classic != nil {
		t.Errorf("classic coding with Code off: %+v", r.Summary.Classic)
	}
}

func TestRunClassicOnly(t *testing.T) {
	files := writeTestSet(t, 2, 700)
	var lastDone, lastTotal int
	r, err := Run(context.Background(), filepath.Dir(files[0]), files, Options{Code: true,
		Progress: func(done, total int, _ string) { lastDone, lastTotal = done, total }})
	if err != nil {
		t.Fatal(err)
	}
	if lastTotal != 2 || lastDone != 2 {
		t.Errorf("progress ended at %d of %d, want 2 of 2", lastDone, lastTotal)
	}
	c := r.Summary.Classic
	if c == nil || c.Files != 2 || !c.AllExact {
		t.Fatalf("classic summary %+v", c)
	}
	var bytes int64
	for _, f := range r.Files {
		if f.Classic == nil || len(f.Errors) > 0 {
			t.Fatalf("%s: classic %+v, errors %v", f.Name, f.Classic, f.Errors)
		}
		if want := float64(f.Classic.Bytes) * 8 / float64(f.Samples); !near(f.Classic.BitsPerSample, want) {
			t.Errorf("%s: %v bits per sample, want %v", f.Name, f.Classic.BitsPerSample, want)
		}
		bytes += f.Classic.Bytes
	}
	if bytes != c.Bytes || c.EncodeSpeed <= 0 || c.DecodeSpeed <= 0 {
		t.Errorf("summary %+v, files hold %d bytes", c, bytes)
	}
	if err := r.IntegrityError(); err != nil {
		t.Error(err)
	}
}
