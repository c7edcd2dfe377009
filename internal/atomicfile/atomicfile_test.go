package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFile(t *testing.T) {
	tests := []struct {
		name    string
		old     []byte // existing destination (nil: none)
		oldMode fs.FileMode
		run     func(path string) error
		want    []byte // destination afterwards (nil: absent)
	}{
		{
			name: "commit",
			run: func(path string) error {
				f, err := Create(path)
				if err != nil {
					return err
				}
				defer f.Abort()
				if _, err := f.Write([]byte("hello")); err != nil {
					return err
				}
				return f.Commit()
			},
			want: []byte("hello"),
		},
		{
			name:    "commit replaces a 0600 file",
			old:     []byte("old contents"),
			oldMode: 0o600,
			run:     func(path string) error { return WriteFile(path, []byte("new")) },
			want:    []byte("new"),
		},
		{
			name: "seek patches a header",
			run: func(path string) error {
				f, err := Create(path)
				if err != nil {
					return err
				}
				defer f.Abort()
				io.WriteString(f, "xxxx body")
				if _, err := f.Seek(0, io.SeekStart); err != nil {
					return err
				}
				io.WriteString(f, "HEAD")
				return f.Commit()
			},
			want: []byte("HEAD body"),
		},
		{
			name: "abort",
			run: func(path string) error {
				f, err := Create(path)
				if err != nil {
					return err
				}
				f.Write([]byte("partial"))
				f.Abort()
				f.Abort() // twice is harmless
				return nil
			},
		},
		{
			name:    "abort keeps the old file",
			old:     []byte("old"),
			oldMode: 0o600,
			run: func(path string) error {
				f, err := Create(path)
				if err != nil {
					return err
				}
				defer f.Abort()
				f.Write([]byte("partial"))
				return nil
			},
			want: []byte("old"),
		},
		{
			name: "empty file",
			run:  func(path string) error { return WriteFile(path, nil) },
			want: []byte{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.wav")
			if tt.old != nil {
				if err := os.WriteFile(path, tt.old, tt.oldMode); err != nil {
					t.Fatal(err)
				}
			}
			if err := tt.run(path); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			switch {
			case tt.want == nil && !errors.Is(err, fs.ErrNotExist):
				t.Errorf("destination exists (err %v)", err)
			case tt.want != nil && err != nil:
				t.Fatal(err)
			case tt.want != nil && !bytes.Equal(got, tt.want):
				t.Errorf("contents %q, want %q", got, tt.want)
			}
			if fi, err := os.Stat(path); err == nil {
				wantMode := Mode
				if tt.old != nil && bytes.Equal(tt.want, tt.old) {
					wantMode = tt.oldMode
				}
				if fi.Mode().Perm() != wantMode {
					t.Errorf("mode %v, want %v", fi.Mode().Perm(), wantMode)
				}
			}
			noLeftovers(t, dir, tt.want != nil)
		})
	}
}

// noLeftovers checks that dir holds the destination (when it should) and
// nothing else.
func noLeftovers(t *testing.T, dir string, dest bool) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		if e.Name() != "out.wav" || !dest {
			names = append(names, e.Name())
		}
	}
	if len(names) > 0 {
		t.Errorf("left in the directory: %v", names)
	}
}

func TestTempName(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.wav")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	base := filepath.Base(f.Name())
	if filepath.Dir(f.Name()) != dir || !strings.HasPrefix(base, ".out.wav.") || !strings.HasSuffix(base, ".tmp") {
		t.Errorf("temporary file %s, want %s/.out.wav.*.tmp", f.Name(), dir)
	}
	if f.Path() != path {
		t.Errorf("Path() = %s, want %s", f.Path(), path)
	}
}

func TestRelativePath(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := WriteFile("out.wav", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile("out.wav"); err != nil || string(got) != "x" {
		t.Errorf("read back %q, %v", got, err)
	}
	noLeftovers(t, ".", true)
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		op   string
		is   error
		run  func(path string) error
	}{
		{"missing directory", filepath.Join(dir, "no", "such", "out.wav"), "create", fs.ErrNotExist,
			func(path string) error { return WriteFile(path, []byte("x")) }},
		{"rename over a directory", filepath.Join(dir, "adir"), "rename", nil,
			func(path string) error {
				if err := os.Mkdir(path, 0o755); err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(path, "f"), nil, 0o644); err != nil {
					return err
				}
				return WriteFile(path, []byte("x"))
			}},
		{"commit after abort", filepath.Join(dir, "aborted"), "commit", os.ErrClosed,
			func(path string) error {
				f, err := Create(path)
				if err != nil {
					return err
				}
				f.Abort()
				return f.Commit()
			}},
		{"write after commit", filepath.Join(dir, "committed"), "write", os.ErrClosed,
			func(path string) error {
				f, err := Create(path)
				if err != nil {
					return err
				}
				if err := f.Commit(); err != nil {
					return err
				}
				_, err = f.Write([]byte("late"))
				return err
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run(tt.path)
			var pe *fs.PathError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T), want an *fs.PathError", err, err)
			}
			if pe.Path != tt.path || pe.Op != tt.op {
				t.Errorf("error %v: op %q path %q, want %q %q", err, pe.Op, pe.Path, tt.op, tt.path)
			}
			if strings.Contains(err.Error(), ".tmp") {
				t.Errorf("error %v names the temporary file", err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
		})
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func ExampleWriteFile() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "report.md")
	if err := WriteFile(path, []byte("# report\n")); err != nil {
		panic(err)
	}
	fi, _ := os.Stat(path)
	fmt.Println(fi.Mode().Perm())
	// Output: -rw-r--r--
}
