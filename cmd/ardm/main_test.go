package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
)

// runCapture runs the CLI in-process with args and returns its exit code,
// stdout and stderr.
func runCapture(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	oldOut, oldErr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = outW, errW
	outC, errC := make(chan string), make(chan string)
	go func() { b, _ := io.ReadAll(outR); outC <- string(b) }()
	go func() { b, _ := io.ReadAll(errR); errC <- string(b) }()
	code := run(args)
	os.Stdout, os.Stderr = oldOut, oldErr
	outW.Close()
	errW.Close()
	return code, <-outC, <-errC
}

func TestDistinctOutputs(t *testing.T) {
	cases := []struct {
		args    []string
		out     string
		outDir  string
		wantErr bool
	}{
		{[]string{"a/x.wav", "b/y.wav"}, "", "o", false},
		{[]string{"a/x.wav", "b/x.wav"}, "", "o", false}, // o/a/x.ardm, o/b/x.ardm
		{[]string{"a/x.wav", "a/x.flac"}, "", "o", true},
		{[]string{"a/x.wav", "a/x.flac"}, "", "", true},
		{[]string{"a/x.wav", "b/x.wav"}, "", "", false}, // next to each input
		{[]string{"a/x.wav"}, "z.ardm", "", false},
	}
	for _, c := range cases {
		err := distinctOutputs(c.args, inputRoot(c.args), c.out, c.outDir, ".ardm")
		if (err != nil) != c.wantErr {
			t.Errorf("%v out=%q dir=%q: err %v, want error %v", c.args, c.out, c.outDir, err, c.wantErr)
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCapture(t, "--version")
	m, err := loadDefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	h := m.Hash()
	if code != exitOK || !strings.HasPrefix(out, "ardm ") || !strings.Contains(out, "\ncommit ") ||
		!strings.Contains(out, fmt.Sprintf("built-in model %x\n", h[:])) {
		t.Fatalf("exit %d, output %q", code, out)
	}
}
