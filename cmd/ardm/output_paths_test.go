package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --out-dir mirrors the inputs' folders below their common folder, so that
// the Speech Commands layout (one folder per word, repeated file names) can
// be coded in one run, and several inputs without --out-dir go next to each
// input.
func TestOutDirMirrorsInputTree(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join("examples", "one_03b47357_nohash_0.wav")
	var ins []string
	for _, word := range []string{"one", "two"} {
		p := filepath.Join(dir, "data", word, "a.wav")
		copyFile(t, src, p)
		ins = append(ins, p)
	}
	out := filepath.Join(dir, "out")
	code, _, stderr := runCapture(t, append([]string{"compress", "--no-model", "--out-dir", out}, ins...)...)
	if code != 0 {
		t.Fatalf("compress --out-dir: exit %d: %s", code, stderr)
	}
	var streams []string
	for _, word := range []string{"one", "two"} {
		p := filepath.Join(out, word, "a.ardm")
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("want %s: %v", p, err)
		}
		streams = append(streams, p)
	}
	back := filepath.Join(dir, "back")
	if code, _, stderr := runCapture(t, append([]string{"decompress", "--out-dir", back}, streams...)...); code != 0 {
		t.Fatalf("decompress --out-dir: exit %d: %s", code, stderr)
	}
	for _, word := range []string{"one", "two"} {
		if _, err := os.Stat(filepath.Join(back, word, "a.wav")); err != nil {
			t.Fatal(err)
		}
	}

	// Without --out-dir each output goes next to its input.
	if code, _, stderr := runCapture(t, append([]string{"compress", "--no-model"}, ins...)...); code != 0 {
		t.Fatalf("compress of several inputs: exit %d: %s", code, stderr)
	}
	for _, in := range ins {
		if _, err := os.Stat(strings.TrimSuffix(in, ".wav") + ".ardm"); err != nil {
			t.Fatal(err)
		}
	}
}

// Two inputs that would share an output are refused before any work.
func TestSharedOutputRefused(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.wav")
	copyFile(t, filepath.Join("examples", "one_03b47357_nohash_0.wav"), a)
	code, _, stderr := runCapture(t, "compress", "--no-model", a, a)
	if code != exitUsage || !strings.Contains(stderr, "would both be written") {
		t.Fatalf("exit %d, %q; want usage error about a shared output", code, stderr)
	}
}

func TestInputRoot(t *testing.T) {
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"data/one/a.wav", "data/two/b.wav"}, abs("data")},
		{[]string{"data/one/a.wav"}, abs("data/one")},
		{[]string{"-"}, ""},
		{[]string{"/a/b.wav", "/c/d.wav"}, "/"},
	} {
		if got := inputRoot(tc.args); got != tc.want {
			t.Errorf("inputRoot(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
