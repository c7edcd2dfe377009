package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

// openInput opens path, or standard input for "-".
func openInput(path string) (io.ReadCloser, string, error) {
	if path == "-" {
		return io.NopCloser(os.Stdin), "<stdin>", nil
	}
	f, err := os.Open(path)
	return f, path, err
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
			gopts.logf("ardm: %s: %v", cmd, err)
		}
	}
	if failed > 0 {
		return withCode(exitPartial, fmt.Errorf("%s: %d of %d inputs failed (last: %v)", cmd, failed, len(args), last))
	}
	return nil
}
