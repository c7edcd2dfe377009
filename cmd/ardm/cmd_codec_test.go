package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/coder"
)

func codecTestFiles(t *testing.T) (dir string, files []string, pcms []*audio.PCM) {
	t.Helper()
	dir = t.TempDir()
	for _, f := range []audio.Format{
		{SampleRate: 16000, BitDepth: 16, Channels: 1},
		{SampleRate: 44100, BitDepth: 24, Channels: 2},
		{SampleRate: 8000, BitDepth: 8, Channels: 1},
	} {
		n := 20000
		p := &audio.PCM{Format: f, Data: make([][]int32, f.Channels)}
		amp := float64(int64(1)<<(f.BitDepth-1)) * 0.4
		for c := range p.Data {
			p.Data[c] = make([]int32, n)
			for i := range p.Data[c] {
				p.Data[c][i] = int32(amp * math.Sin(float64(i*(c+1))/17) * math.Sin(float64(i)/3000))
			}
		}
		path := filepath.Join(dir, "in"+strings.Repeat("x", len(files))+".wav")
		if err := audio.WriteFile(path, p); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
		pcms = append(pcms, p)
	}
	return dir, files, pcms
}

func samePCM(a, b *audio.PCM) bool { return a.Equal(b) }

func TestCompressDecompressRoundTrip(t *testing.T) {
	dir, files, pcms := codecTestFiles(t)
	out := filepath.Join(dir, "out")
	args := append([]string{"--json", "compress", "--no-model", "--verify", "--out-dir", out}, files...)
	code, stdout, stderr := runCapture(t, args...)
	if code != 0 {
		t.Fatalf("compress exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != len(files) {
		t.Fatalf("%d result lines for %d files: %s", len(lines), len(files), stdout)
	}
	for _, l := range lines {
		var r compressResult
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if !r.Verified || r.BitsPerSample <= 0 || r.Ratio <= 1 {
			t.Errorf("result %+v", r)
		}
	}
	back := filepath.Join(dir, "back")
	streams, _ := filepath.Glob(filepath.Join(out, "*.ardm"))
	if len(streams) != len(files) {
		t.Fatalf("outputs %v", streams)
	}
	code, _, stderr = runCapture(t, append([]string{"decompress", "--out-dir", back}, streams...)...)
	if code != 0 {
		t.Fatalf("decompress exit %d: %s", code, stderr)
	}
	for k, f := range files {
		got, err := audio.ReadFile(filepath.Join(back, filepath.Base(f)))
		if err != nil {
			t.Fatal(err)
		}
		if !samePCM(got, pcms[k]) {
			t.Errorf("%s: decoded samples differ", f)
		}
	}
	code, stdout, _ = runCapture(t, "info", streams[1])
	if code != 0 || !strings.Contains(stdout, "ardm stream v"+strconv.Itoa(coder.Version)+", 44100 Hz, 24-bit, 2 channels") || !strings.Contains(stdout, "bits/sample") {
		t.Errorf("info exit %d:\n%s", code, stdout)
	}
	code, stdout, _ = runCapture(t, "--json", "info", streams[0])
	var ir ardmInfoResult
	if err := json.Unmarshal([]byte(stdout), &ir); code != 0 || err != nil || ir.Type != "ardm" || len(ir.Frames) != 2 || ir.BitsPerSample <= 0 {
		t.Errorf("info --json exit %d err %v: %s", code, err, stdout)
	}
	for _, d := range []string{out, back} {
		if tmp, _ := filepath.Glob(filepath.Join(d, ".*")); len(tmp) > 0 {
			t.Errorf("temporary files left: %v", tmp)
		}
	}
}

func TestDecompressIntegrity(t *testing.T) {
	dir, files, _ := codecTestFiles(t)
	stream := filepath.Join(dir, "a.ardm")
	if code, _, stderr := runCapture(t, "compress", "--no-model", files[0], "-o", stream); code != 0 {
		t.Fatalf("compress: %s", stderr)
	}
	good, err := os.ReadFile(stream)
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)/2] ^= 0x20
	badVersion := append([]byte(nil), good...)
	badVersion[4] = 7
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"bit flip", flipped, "coder:"},
		{"truncated", good[:len(good)-40], "unexpected EOF"},
		{"version", badVersion, "unsupported stream version 7"},
		{"not a stream", []byte("RIFF....WAVEfmt "), "bad magic"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".ardm")
			if err := os.WriteFile(in, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out-"+tc.name+".wav")
			code, _, stderr := runCapture(t, "decompress", in, "-o", out)
			if code != exitIntegrity || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, exitIntegrity, tc.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("output written despite the error")
			}
		})
	}
}

func TestCompressUsage(t *testing.T) {
	_, files, _ := codecTestFiles(t)
	for _, args := range [][]string{
		append([]string{"compress", "--no-model", "-o", "x.ardm"}, files...),
		{"compress", "--no-model", "--budget", "-1", files[0]},
		{"compress", "--no-model", "--model", "x", files[0]},
		{"compress", "--no-model", "--model-only", files[0]},
		append([]string{"decompress", "-o", "x.wav"}, files...),
	} {
		if code, _, _ := runCapture(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// TestCompressModelOnly: --model-only stores every frame with the model,
// and the stream still decodes bit-exact.
func TestCompressModelOnly(t *testing.T) {
	dir, files, pcms := codecTestFiles(t)
	model := tinyModelFile(t)
	stream := filepath.Join(dir, "m.ardm")
	code, _, stderr := runCapture(t, "compress", "--model", model, "--model-only", "--budget", "8", "--verify", files[0], "-o", stream)
	if code != 0 {
		t.Fatalf("compress exit %d: %s", code, stderr)
	}
	code, stdout, _ := runCapture(t, "--json", "info", stream)
	var ir ardmInfoResult
	if err := json.Unmarshal([]byte(stdout), &ir); code != 0 || err != nil {
		t.Fatalf("info exit %d: %v %s", code, err, stdout)
	}
	if len(ir.Frames) != 50 {
		t.Fatalf("%d frames, want 50 (20000 samples, the tiny model's frame 400): %s", len(ir.Frames), stdout)
	}
	for _, f := range ir.Frames {
		for _, c := range f.Coders {
			if c != coder.CoderModel {
				t.Errorf("frame coded with %q, want the model: %s", c, stdout)
			}
		}
	}
	back := filepath.Join(dir, "m.wav")
	if code, _, stderr := runCapture(t, "decompress", "--model", model, stream, "-o", back); code != 0 {
		t.Fatalf("decompress exit %d: %s", code, stderr)
	}
	if got, err := audio.ReadFile(back); err != nil || !samePCM(got, pcms[0]) {
		t.Errorf("decoded samples differ (%v)", err)
	}
}
