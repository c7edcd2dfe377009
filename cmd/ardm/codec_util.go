package main

import (
	"errors"
	"github.com/ardm-dev/ardm/ardm"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ardm-dev/ardm/coder"
)

// codecModel loads the model for the codec commands: nil with --no-model
// (the model-free coders only), otherwise the model named by --model (the
// empty path is the default model, see loadModel).
func codecModel(path string, none bool) (coder.Model, error) {
	if none {
		return nil, nil
	}
	m, err := loadModel(path)
	if err != nil {
		return nil, err
	}
	return ardm.NewPredictorPool(m, 0), nil
}

// integrity marks the errors of a damaged stream, a failed checksum or a
// wrong model with exit status 4.
func integrity(err error) error {
	var (
		ce *coder.CorruptInputError
		ck *coder.ChecksumError
		wm *coder.WrongModelError
		uv coder.UnsupportedVersionError
	)
	if errors.Is(err, coder.ErrMagic) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ce) ||
		errors.As(err, &ck) || errors.As(err, &wm) || errors.As(err, &uv) {
		return withCode(exitIntegrity, err)
	}
	return err
}

// outputPath is where a codec command writes the result for input in:
// explicit -o, else in outDir (or next to the input) with the extension
// replaced by ext. "-" means standard output.
func outputPath(in, out, outDir, ext string) string {
	if out != "" {
		return out
	}
	if in == "-" && outDir == "" {
		return "-"
	}
	base := filepath.Base(in)
	if in == "-" {
		base = "stdin"
	}
	base = strings.TrimSuffix(base, filepath.Ext(base)) + ext
	if outDir != "" {
		return filepath.Join(outDir, base)
	}
	return filepath.Join(filepath.Dir(in), base)
}

// atomicFile is an output written to a temporary file in the target's
// directory and renamed over it by Commit; Abort removes it. Standard
// output ("-") is written directly.
type atomicFile struct {
	io.Writer
	f    *os.File
	path string
}

func createAtomic(path string) (*atomicFile, error) {
	if path == "-" {
		return &atomicFile{Writer: os.Stdout, path: path}, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	return &atomicFile{Writer: f, f: f, path: path}, nil
}

func (a *atomicFile) Commit() error {
	if a.f == nil {
		return nil
	}
	if err := a.f.Chmod(0o644); err != nil {
		a.Abort()
		return err
	}
	if err := a.f.Close(); err != nil {
		os.Remove(a.f.Name())
		return err
	}
	if err := os.Rename(a.f.Name(), a.path); err != nil {
		os.Remove(a.f.Name())
		return err
	}
	return nil
}

func (a *atomicFile) Abort() {
	if a.f != nil {
		a.f.Close()
		os.Remove(a.f.Name())
	}
}

// openInput opens path, or standard input for "-".
func openInput(path string) (io.ReadCloser, string, error) {
	if path == "-" {
		return io.NopCloser(os.Stdin), "<stdin>", nil
	}
	f, err := os.Open(path)
	return f, path, err
}

// distinctOutputs fails when two inputs would be written to the same output
// file (inputs with the same base name from different folders, with
// --out-dir), instead of letting one overwrite the other.
func distinctOutputs(args []string, out, outDir, ext string) error {
	if out != "" || outDir == "" {
		return nil
	}
	seen := make(map[string]string, len(args))
	for _, in := range args {
		p := outputPath(in, out, outDir, ext)
		if prev, ok := seen[p]; ok {
			return usageErr("inputs %s and %s would both be written to %s; use separate --out-dir runs or -o", prev, in, p)
		}
		seen[p] = in
	}
	return nil
}
