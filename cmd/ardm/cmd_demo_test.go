package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/audio"
)

// TestDemoTinyModel runs the whole demo with a tiny model: every clip must
// decode bit-exact, the upscaled clips keep the top 8 bits, and the report
// is written.
func TestDemoTinyModel(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole pipeline")
	}
	dir := t.TempDir()
	cfg := ardm.Config{Branching: 16, Channels: 4, Layers: 2, DilationCycle: 2, Kernel: 3, EmbedDim: 4, FrameLen: 4000, Head: ardm.HeadSoftmax}
	model := filepath.Join(dir, "tiny.ardmm")
	if err := ardm.NewModel(ardm.NewWeights(cfg, 1)).Save(model); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "demo")
	code, _, stderr := runCapture(t, "-q", "demo", "--out", out, "--model", model, "--budget", "4", "--speakers", "1")
	if code != exitOK {
		t.Fatalf("demo exit %d:\n%s", code, stderr)
	}
	clips, err := wavFiles(filepath.Join(out, "data"))
	if err != nil || len(clips) < 10 {
		t.Fatalf("data: %d clips, %v", len(clips), err)
	}
	decoded, _ := wavFiles(filepath.Join(out, "decoded"))
	if len(decoded) != len(clips) {
		t.Errorf("%d decoded files for %d clips", len(decoded), len(clips))
	}
	ups, _ := wavFiles(filepath.Join(out, "upscaled"))
	if len(ups) == 0 {
		t.Fatal("no upscaled clips")
	}
	for _, u := range ups {
		up, err := audio.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		c8, err := audio.ReadFile(filepath.Join(out, "coarse8", filepath.Base(u)))
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range up.Data[0] {
			if v>>8 != c8.Data[0][i] {
				t.Fatalf("%s sample %d: upscaled %d does not keep the 8-bit value %d", u, i, v, c8.Data[0][i])
			}
		}
	}
	md, err := os.ReadFile(filepath.Join(out, "report", "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "flac") {
		t.Error("report.md does not compare with flac")
	}
}

func TestCopyExamples(t *testing.T) {
	dir := t.TempDir()
	if err := copyExamples(dir); err != nil {
		t.Fatal(err)
	}
	files, err := wavFiles(dir)
	if err != nil || len(files) != 10 {
		t.Fatalf("%d example clips, %v", len(files), err)
	}
	for _, f := range files {
		p, err := audio.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if p.SampleRate != 16000 || p.BitDepth != 16 || p.Frames() != 16000 {
			t.Errorf("%s: %+v, %d frames", f, p.Format, p.Frames())
		}
	}
}
