package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ardm-dev/ardm/datasets"
)

func TestDatasetSynthUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no out", []string{"dataset", "synth", "--speakers", "2"}, exitUsage, "--out is required"},
		{"no speakers", []string{"dataset", "synth", "--out", dir}, exitUsage, "--speakers must be positive"},
		{"bad jobs", []string{"dataset", "synth", "--out", dir, "--speakers", "1", "--jobs", "0"}, exitUsage, "--jobs"},
		{"bad takes", []string{"dataset", "synth", "--out", dir, "--speakers", "1", "--takes", "-1"}, exitUsage, "--takes"},
		{"no espeak", []string{"dataset", "synth", "--out", dir, "--speakers", "1", "--espeak", filepath.Join(dir, "none")}, exitError, "espeak-ng not found; apt-get install espeak-ng"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCapture(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tc.code, tc.want)
			}
		})
	}
}

func TestDatasetSynthRuns(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed (apt-get install espeak-ng); synth not run")
	}
	out := filepath.Join(t.TempDir(), "synth")
	code, stdout, stderr := runCapture(t, "--json", "--seed", "5", "dataset", "synth", "--out", out, "--speakers", "3", "--words", "two", "--takes", "2")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	var res synthResult
	if err := json.Unmarshal([]byte(strings.TrimSpace(stdout)), &res); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout)
	}
	if res.Clips != 6 || res.Seed != 5 || res.PerSplit[datasets.Training] != 2 || res.PerSplit[datasets.Validation] != 2 || res.PerSplit[datasets.Testing] != 2 {
		t.Errorf("result %+v", res)
	}
	// The loader reads the result with the splits of the lists.
	set, err := datasets.LoadSC09(out, datasets.LoadOptions{Words: []string{"two"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Clips) != 6 || len(set.Report.Odd) != 0 || len(set.Report.ListDisagrees) != 0 {
		t.Errorf("loaded %d clips, odd %v, list disagreements %v", len(set.Clips), set.Report.Odd, set.Report.ListDisagrees)
	}
}
