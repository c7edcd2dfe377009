package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// openInput opens path, or standard input for "-". A folder is refused
// here, before any reader sees it, so that compress and decompress both
// call it a usage mistake (exit 1) rather than a corrupt input.
func openInput(path string) (io.ReadCloser, string, error) {
	if path == "-" {
		return io.NopCloser(os.Stdin), "<stdin>", nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, path, err
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		f.Close()
		return nil, path, fmt.Errorf("%s is a folder; name the files in it (for example %s)", path, filepath.Join(path, "*"))
	}
	return f, path, nil
}

// eachInput runs do on every input of a batch command. With one input its
// error is returned as is; in a batch a failure is reported on stderr and
// the batch goes on, ending with exit status 3.
func eachInput(ctx context.Context, gopts globalOptions, cmd string, args []string, do func(in string) error) error {
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
			gopts.logf("ardm: %s: %s", cmd, errorText(err))
		}
	}
	if failed > 0 {
		return withCode(exitPartial, fmt.Errorf("%s: %d of %d inputs failed (last: %v)", cmd, failed, len(args), last))
	}
	return nil
}
