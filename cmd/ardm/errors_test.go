package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestErrorMessages runs the CLI on bad input and checks the exit status
// and stderr: the user's path named once, no doubled "ardm: " prefix, no
// "loading model:" wrapper, never a temporary file's name.
func TestErrorMessages(t *testing.T) {
	dir := t.TempDir()
	wav := filepath.Join(dir, "a.wav")
	src, err := os.ReadFile(filepath.Join("examples", "one_03b47357_nohash_0.wav"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(wav, src, 0o644); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "folder")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nosuch.ardmm")
	out := filepath.Join(dir, "out.ardm")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"compress a folder", []string{"compress", "--no-model", folder, "-o", out}, exitError, folder + " is a folder"},
		{"decompress a folder", []string{"decompress", folder, "-o", filepath.Join(dir, "x.wav")}, exitError, folder + " is a folder"},
		{"info a folder", []string{"info", folder}, exitError, folder + " is a folder"},
		{"missing model", []string{"compress", "--model", missing, wav, "-o", out}, exitError, "--model " + missing + ": no such file"},
		{"model is a folder", []string{"compress", "--model", folder, wav, "-o", out}, exitError, "--model " + folder + ": "},
		{"model is a WAV", []string{"compress", "--model", wav, wav, "-o", out}, exitIntegrity, "not an ardm model file"},
		{"eval missing model", []string{"eval", "--model", missing, "--data", folder}, exitError, "--model " + missing + ": no such file"},
		{"batch with a folder", []string{"compress", "--no-model", "--out-dir", filepath.Join(dir, "o"), wav, folder}, exitPartial, "is a folder"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runCapture(t, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr %q", code, c.code, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q lacks %q", stderr, c.want)
			}
			for _, bad := range []string{"ardm: ardm:", ": ardm: ", "loading model", ".tmp"} {
				if strings.Contains(stderr, bad) {
					t.Errorf("stderr %q contains %q", stderr, bad)
				}
			}
		})
	}
}
