package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"

	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/datasets"
	"github.com/ardm-dev/ardm/jobs"
	"github.com/ardm-dev/ardm/pipelines"
)

// runCapture runs ardm-beam with args and returns its exit status and
// stdout.
func runCapture(t *testing.T, args ...string) (int, string) {
	t.Helper()
	old := os.Stdout
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout = w
	out := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		out <- string(b)
	}()
	code := run(append([]string{"-q"}, args...))
	w.Close()
	os.Stdout = old
	return code, <-out
}

// corpus writes a small Speech Commands tree: good clips of a few words,
// and with broken, a truncated, a float and an empty file.
func corpus(t *testing.T, broken bool) string {
	t.Helper()
	dir := t.TempDir()
	write := func(rel string, b []byte) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var good []byte
	for i, rel := range []string{"one/a1b2c3d4_nohash_0.wav", "one/b1b2c3d4_nohash_0.wav", "two/c1b2c3d4_nohash_1.wav", "nine/d1b2c3d4_nohash_0.wav", "two/e1b2c3d4_nohash_0.wav"} {
		n := 6000 + 2500*i
		p := &audio.PCM{Format: audio.Format{SampleRate: 16000, BitDepth: 16, Channels: 1}, Data: [][]int32{make([]int32, n)}}
		x := uint32(i + 1)
		for j := range p.Data[0] {
			x = x*1664525 + 1013904223
			p.Data[0][j] = int32(2500*math.Sin(float64(j)*0.02*float64(i+1))) + int32(x>>27) - 16
		}
		b, err := audio.Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		write(rel, b)
		good = b
	}
	if broken {
		write("one/trunc_nohash_0.wav", good[:len(good)/3])
		write("two/empty_nohash_0.wav", nil)
		float := bytes.Clone(good[:44])
		float[20] = 3 // WAVE_FORMAT_IEEE_FLOAT
		write("nine/float_nohash_0.wav", append(float, make([]byte, 64)...))
	}
	return dir
}

func TestPrepareMatchesArdm(t *testing.T) {
	in := corpus(t, true)
	out := filepath.Join(t.TempDir(), "shards")
	if code, _ := runCapture(t, "prepare", "--in", in, "--out", out); code != exitPartial {
		t.Fatalf("prepare of a corpus with broken files: exit %d, want 3", code)
	}
	set, err := datasets.LoadSC09(in, datasets.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := t.TempDir()
	if err := datasets.WriteSetShards(want, set); err != nil {
		t.Fatal(err)
	}
	sameTree(t, out, want)
	if len(set.Report.Skipped) != 3 || len(set.Clips) != 5 {
		t.Fatalf("skipped %v, %d clips: want the 3 broken files skipped and 5 clips", set.Report.Skipped, len(set.Clips))
	}
}

// sameTree fails unless the two directories hold the same files with the
// same bytes.
func sameTree(t *testing.T, got, want string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(want, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(want, p)
		a, _ := os.ReadFile(p)
		b, err := os.ReadFile(filepath.Join(got, rel))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: differs from the ardm output (%v)", rel, err)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	m := 0
	filepath.WalkDir(got, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(p) != pipelines.ManifestFile {
			m++
		}
		return nil
	})
	if n == 0 || n != m {
		t.Fatalf("%d files from the pipeline, %d from ardm", m, n)
	}
}

func TestCompressDecompress(t *testing.T) {
	in := corpus(t, true)
	out := filepath.Join(t.TempDir(), "ardm")
	if code, _ := runCapture(t, "compress", "--no-model", "--verify", "--in", in, "--out", out); code != exitPartial {
		t.Fatalf("compress with broken inputs: exit %d, want 3", code)
	}
	m, err := pipelines.ReadManifest(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	if failed, _ := m.Failed(); len(m) != 8 || failed != 3 {
		t.Fatalf("manifest has %d entries, %d failed; want 8 and 3", len(m), failed)
	}
	budget, err := pipelines.ResolveBudget(context.Background(), -1, "", true)
	if err != nil {
		t.Fatal(err)
	}
	// The streams are those ardm compress writes: jobs.Compress on the
	// same input, budget and seed.
	for _, e := range m {
		if e.Error != "" {
			if !strings.Contains(e.Path, "trunc") && !strings.Contains(e.Path, "empty") && !strings.Contains(e.Path, "float") {
				t.Errorf("%s failed: %s", e.Path, e.Error)
			}
			if _, err := os.Stat(filepath.Join(out, e.Output)); err == nil {
				t.Errorf("%s failed but has an output", e.Path)
			}
			continue
		}
		src, err := os.ReadFile(filepath.Join(in, e.Path))
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if _, err := jobs.Compress(context.Background(), nil, bytes.NewReader(src), e.Path, &want, jobs.CompressOptions{Budget: budget, OrderSeed: 1}); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(out, e.Output))
		if err != nil || !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s: stream differs from ardm compress's (%v)", e.Path, err)
		}
		if !e.Verified || e.MD5 == "" || e.Coders["lpc"]+e.Coders["fixed-rice"]+e.Coders["constant"]+e.Coders["verbatim"] == 0 {
			t.Errorf("%s: manifest entry %+v", e.Path, e)
		}
	}
	back := filepath.Join(t.TempDir(), "wav")
	if code, _ := runCapture(t, "decompress", "--in", out, "--out", back); code != 0 {
		t.Fatalf("decompress: exit %d", code)
	}
	for _, e := range m {
		if e.Error != "" {
			continue
		}
		a, _ := os.ReadFile(filepath.Join(in, e.Path))
		b, err := os.ReadFile(filepath.Join(back, e.Path))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: round trip differs (%v)", e.Path, err)
		}
	}
	// A damaged stream is an integrity failure (exit 4), the rest decode.
	first := filepath.Join(out, m[0].Output)
	if m[0].Error != "" {
		first = filepath.Join(out, m[1].Output)
	}
	b, _ := os.ReadFile(first)
	b[len(b)/2] ^= 0x20
	os.WriteFile(first, b, 0o644)
	if code, _ := runCapture(t, "decompress", "--in", out, "--out", filepath.Join(t.TempDir(), "wav2")); code != exitIntegrity {
		t.Fatalf("decompress with a damaged stream: exit %d, want 4", code)
	}
	if code, _ := runCapture(t, "compress", "--no-model", "--in", in, "--out", out); code != exitUsage {
		t.Fatalf("compress into a non-empty root: exit %d, want 2", code)
	}
}

func TestSynthMatchesArdm(t *testing.T) {
	out := filepath.Join(t.TempDir(), "synth")
	code, _ := runCapture(t, "synth", "--out", out, "--speakers", "2", "--words", "one,two", "--seed", "5")
	want := t.TempDir()
	err := datasets.Synthesize(context.Background(), datasets.SynthOptions{Out: want, Speakers: 2, Seed: 5, Words: []string{"one", "two"}, Force: true}, nil)
	if errors.Is(err, datasets.ErrEspeakNotFound) {
		t.Skip("espeak-ng not installed (apt-get install espeak-ng); synth not tested")
	}
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 {
		t.Fatalf("synth: exit %d", code)
	}
	sameTree(t, out, want)
}

// TestUniversalRunner runs a pipeline through the portable runner path,
// against a Prism job server the test starts on a free port, as a Flink or
// Spark job server would be used.
func TestUniversalRunner(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	if _, err := prism.CreateJobServer(context.Background(), prism.Options{Port: port}); err != nil {
		t.Fatal(err)
	}
	in := corpus(t, false)
	out := filepath.Join(t.TempDir(), "shards")
	if code, _ := runCapture(t, "--runner", "universal", "--endpoint", fmt.Sprintf("localhost:%d", port), "prepare", "--in", in, "--out", out); code != 0 {
		t.Fatalf("prepare on the universal runner: exit %d", code)
	}
	set, err := datasets.LoadSC09(in, datasets.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := t.TempDir()
	if err := datasets.WriteSetShards(want, set); err != nil {
		t.Fatal(err)
	}
	sameTree(t, out, want)
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		{"prepare", "--in", "x"},
		{"compress", "--in", "a", "--out", "b", "--no-model", "--model-only"},
		{"--runner", "universal", "prepare", "--in", "a", "--out", "b"},
		{"--runner", "nonesuch", "prepare", "--in", "a", "--out", "b"},
		{"compress", "--in", "a", "--out", "b", "--beam", "nonesuch=1"},
	} {
		if code, _ := runCapture(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
