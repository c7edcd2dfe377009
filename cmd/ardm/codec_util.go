package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/coder"
	"github.com/ardm-dev/ardm/internal/atomicfile"
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

// atomicFile is an output: a file written through atomicfile (Commit
// renames it over the target, Abort removes it), or standard output ("-"),
// written directly or, when staged, to a temporary file that Commit copies
// to standard output (so that it can be read back first, as --verify does).
type atomicFile struct {
	io.Writer
	file  *atomicfile.File // a file output
	stage *os.File         // staged standard output
}

func createAtomic(path string, stage bool) (*atomicFile, error) {
	switch {
	case path == "-" && !stage:
		return &atomicFile{Writer: os.Stdout}, nil
	case path == "-":
		f, err := os.CreateTemp("", "ardm-stdout-*.tmp")
		if err != nil {
			return nil, err
		}
		return &atomicFile{Writer: f, stage: f}, nil
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, err
	}
	return &atomicFile{Writer: f, file: f}, nil
}

// Name is the file being written ("-" for unstaged standard output).
func (a *atomicFile) Name() string {
	switch {
	case a.file != nil:
		return a.file.Name()
	case a.stage != nil:
		return a.stage.Name()
	}
	return "-"
}

func (a *atomicFile) Commit() error {
	switch {
	case a.file != nil:
		return a.file.Commit()
	case a.stage != nil:
		defer a.Abort()
		if _, err := a.stage.Seek(0, io.SeekStart); err != nil {
			return err
		}
		_, err := io.Copy(os.Stdout, a.stage)
		return err
	}
	return nil
}

func (a *atomicFile) Abort() {
	switch {
	case a.file != nil:
		a.file.Abort()
	case a.stage != nil:
		a.stage.Close()
		os.Remove(a.stage.Name())
	}
}

// codecResult prints the result of one file like printResult, but on
// stderr when standard output carries the output stream (output "-").
func codecResult(v any, output, text string) {
	if output != "-" {
		printResult(v, text)
		return
	}
	if globals.JSON {
		b, _ := json.Marshal(v)
		fmt.Fprintln(os.Stderr, string(b))
		return
	}
	if !globals.Quiet {
		fmt.Fprint(os.Stderr, text)
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

// checkOutputs validates where a codec command writes: -o takes one input,
// several inputs need --out-dir, and no two inputs may share an output.
func checkOutputs(args []string, out, outDir, ext string) error {
	if len(args) > 1 && out != "" {
		return usageErr("-o takes one input; use --out-dir for several")
	}
	if len(args) > 1 && outDir == "" {
		return usageErr("several inputs need --out-dir")
	}
	return distinctOutputs(args, out, outDir, ext)
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

// eachInput runs do on every input of a batch command. With one input its
// error is returned as is; in a batch a failure is reported on stderr and
// the batch goes on, ending with exit status 3.
func eachInput(ctx context.Context, cmd string, args []string, do func(in string) error) error {
	failed := 0
	var last error
	for _, in := range args {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := do(in); err != nil {
			if len(args) == 1 {
				return err
			}
			failed++
			last = err
			logf("ardm: %s: %v", cmd, err)
		}
	}
	if failed > 0 {
		return withCode(exitPartial, fmt.Errorf("%s: %d of %d inputs failed (last: %v)", cmd, failed, len(args), last))
	}
	return nil
}
