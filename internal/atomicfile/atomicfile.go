package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Mode is the permission every committed file gets.
const Mode fs.FileMode = 0o644

// File is a destination being written through a temporary file.
type File struct {
	f    *os.File
	path string
	done bool // committed or aborted
}

// Create starts writing path: it creates a temporary file in path's
// directory. The destination is untouched until Commit.
func Create(path string) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return nil, pathError("create", path, err)
	}
	return &File{f: f, path: path}, nil
}

// WriteFile writes data to path atomically, with mode 0644.
func WriteFile(path string, data []byte) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Commit()
}

// Path is the destination.
func (f *File) Path() string { return f.path }

// Name is the temporary file's name, valid until Commit or Abort (for
// reading back what was written before committing it).
func (f *File) Name() string { return f.f.Name() }

// Write writes p to the temporary file.
func (f *File) Write(p []byte) (int, error) {
	if f.done {
		return 0, pathError("write", f.path, os.ErrClosed)
	}
	n, err := f.f.Write(p)
	if err != nil {
		err = pathError("write", f.path, err)
	}
	return n, err
}

// Seek sets the offset of the next Write, as os.File.Seek does (so that a
// writer can patch a header once the sizes are known).
func (f *File) Seek(offset int64, whence int) (int64, error) {
	if f.done {
		return 0, pathError("seek", f.path, os.ErrClosed)
	}
	n, err := f.f.Seek(offset, whence)
	if err != nil {
		err = pathError("seek", f.path, err)
	}
	return n, err
}

// Commit syncs the temporary file, sets its mode to 0644 and renames it
// over the destination. On failure the temporary file is removed and the
// destination is untouched. Commit after Commit or Abort is an error.
func (f *File) Commit() error {
	if f.done {
		return pathError("commit", f.path, os.ErrClosed)
	}
	f.done = true
	tmp := f.f.Name()
	fail := func(op string, err error) error {
		f.f.Close()
		os.Remove(tmp)
		return pathError(op, f.path, err)
	}
	if err := f.f.Sync(); err != nil {
		return fail("sync", err)
	}
	if err := f.f.Chmod(Mode); err != nil {
		return fail("chmod", err)
	}
	if err := f.f.Close(); err != nil {
		os.Remove(tmp)
		return pathError("close", f.path, err)
	}
	if err := os.Rename(tmp, f.path); err != nil {
		os.Remove(tmp)
		return pathError("rename", f.path, err)
	}
	return nil
}

// Abort closes and removes the temporary file, leaving the destination
// untouched. It does nothing after Commit or a previous Abort, so it can
// be deferred right after Create.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.f.Close()
	os.Remove(f.f.Name())
}

// pathError reports err for the destination path, unwrapping the error's
// own path (the temporary file's) if it has one.
func pathError(op, path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return &fs.PathError{Op: op, Path: path, Err: err}
}
