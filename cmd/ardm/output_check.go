package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"
)

// forceFlag adds --force, which lets a command replace an existing output.
func forceFlag(cmd *cobra.Command, force *bool) {
	cmd.Flags().BoolVarP(force, "force", "f", false, "replace an output file that already exists (never an input)")
}

// checkOutputPath says, before any work is done, why out cannot be written
// for input in: it is a directory, its folder is missing or not writable,
// it already exists (unless force), or it is the input itself (the same
// path or the same file through a link; with or without force). Standard
// output ("-") always can.
func checkOutputPath(in, out string, force bool) error {
	if out == "-" {
		return nil
	}
	dir := filepath.Dir(out)
	switch st, err := os.Stat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: folder %s does not exist", out, dir)
	case err != nil:
		return err
	case !st.IsDir():
		return fmt.Errorf("%s: %s is not a folder", out, dir)
	}
	if err := syscall.Access(dir, 2 /* W_OK */); err != nil {
		return fmt.Errorf("%s: folder %s is not writable", out, dir)
	}
	st, err := os.Stat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.IsDir() {
		return fmt.Errorf("%s is a folder; give a file name with -o, or use --out-dir", out)
	}
	if in != "-" {
		if ist, err := os.Stat(in); err == nil && os.SameFile(ist, st) {
			return fmt.Errorf("%s is the input %s; refusing to write over it", out, in)
		}
	}
	if !force {
		return fmt.Errorf("%s exists; use --force to replace it", out)
	}
	return nil
}
