package main

import (
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ardm-dev/ardm/audio"
)

// TestOutputSafety: an existing output is refused without --force, the
// input is never written over (same path, or a hard link to it, even with
// --force), and a bad output path is refused before any coding, naming the
// user's path and leaving no temporary file.
func TestOutputSafety(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "clip.wav")
	data, err := os.ReadFile(infoTestFile(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.wav")
	if err := os.Link(in, link); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "clip.ardm")
	if code, _, stderr := runCapture(t, "compress", "--no-model", in); code != exitOK {
		t.Fatalf("first compress: exit %d: %s", code, stderr)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"existing output", []string{"compress", "--no-model", in}, out + " exists; use --force"},
		{"output is the input", []string{"compress", "--no-model", "-o", in, in}, "is the input"},
		{"output is the input, forced", []string{"compress", "--no-model", "--force", "-o", in, in}, "is the input"},
		{"output links to the input", []string{"compress", "--no-model", "--force", "-o", link, in}, "is the input"},
		{"decompress over its input", []string{"decompress", "--force", "-o", out, out}, "is the input"},
		{"output is a folder", []string{"compress", "--no-model", "-o", dir, in}, "is a folder"},
		{"missing folder", []string{"compress", "--no-model", "-o", filepath.Join(dir, "nope", "x.ardm"), in}, "does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCapture(t, tc.args...)
			if code != exitError || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, ".tmp") {
				t.Fatalf("exit %d, stderr %q; want exit %d and %q", code, stderr, exitError, tc.want)
			}
		})
	}
	if got, _ := os.ReadFile(in); string(got) != string(data) {
		t.Fatal("the input was changed")
	}
	if code, _, stderr := runCapture(t, "compress", "--no-model", "--force", in); code != exitOK {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(m) > 0 {
		t.Fatalf("temporary files left: %v", m)
	}
}

// TestDecompressTrailingBytes: a stream with bytes appended is an
// integrity failure (exit 4, no output) unless --ignore-trailing.
func TestDecompressTrailingBytes(t *testing.T) {
	dir := t.TempDir()
	in := infoTestFile(t)
	st := filepath.Join(dir, "x.ardm")
	if code, _, stderr := runCapture(t, "compress", "--no-model", "-o", st, in); code != exitOK {
		t.Fatalf("compress: exit %d: %s", code, stderr)
	}
	f, err := os.OpenFile(st, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("garbage")
	f.Close()
	out := filepath.Join(dir, "x.wav")
	if code, _, stderr := runCapture(t, "decompress", "-o", out, st); code != exitIntegrity || !strings.Contains(stderr, "after the end record") {
		t.Fatalf("exit %d, stderr %q; want %d", code, stderr, exitIntegrity)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("output written for a damaged stream")
	}
	if code, _, stderr := runCapture(t, "decompress", "--ignore-trailing", "-o", out, st); code != exitOK {
		t.Fatalf("--ignore-trailing: exit %d: %s", code, stderr)
	}
}

// TestDecompressMaxCalls: a model stream whose header was set to budget 0
// (header CRC recomputed) asks for 16000 x 16 calls per frame; decompress
// refuses it at once with exit 4, naming the flag.
func TestDecompressMaxCalls(t *testing.T) {
	dir := t.TempDir()
	p := &audio.PCM{Format: audio.Format{SampleRate: 16000, BitDepth: 16, Channels: 1}, Data: [][]int32{make([]int32, 800)}}
	for i := range p.Data[0] {
		p.Data[0][i] = int32((i*7919)%3000 - 1500)
	}
	in := filepath.Join(dir, "short.wav")
	if err := audio.WriteFile(in, p); err != nil {
		t.Fatal(err)
	}
	st := filepath.Join(dir, "short.ardm")
	if code, _, stderr := runCapture(t, "compress", "--model-only", "--budget", "16", "-o", st, in); code != exitOK {
		t.Fatalf("compress: exit %d: %s", code, stderr)
	}
	b, _ := os.ReadFile(st)
	binary.LittleEndian.PutUint32(b[57:], 0) // budget
	binary.LittleEndian.PutUint32(b[69:], crc32.Checksum(b[:69], crc32.MakeTable(crc32.Castagnoli)))
	if err := os.WriteFile(st, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCapture(t, "decompress", "-o", filepath.Join(dir, "x.wav"), st)
	if code != exitIntegrity || !strings.Contains(stderr, "256000 network calls") || !strings.Contains(stderr, "--max-calls") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}
