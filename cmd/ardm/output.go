package main

import (
	"io"
	"os"

	"github.com/ardm-dev/ardm/internal/atomicfile"
)

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
