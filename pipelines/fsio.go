package pipelines

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
)

// isLocal reports whether name is a local path rather than a URL of an
// object store (scheme://...).
func isLocal(name string) bool { return !strings.Contains(name, "://") }

// join joins a root and a slash path, for local roots and URLs alike.
func join(root, rel string) string {
	if isLocal(root) {
		return filepath.Join(root, filepath.FromSlash(rel))
	}
	return strings.TrimSuffix(root, "/") + "/" + rel
}

// readFile reads a whole file through Beam's filesystems.
func readFile(ctx context.Context, name string) ([]byte, error) {
	fsys, err := filesystem.New(ctx, name)
	if err != nil {
		return nil, err
	}
	defer fsys.Close()
	r, err := fsys.OpenRead(ctx, name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// writeFile writes data to name through Beam's filesystems: under a
// temporary name first and renamed when the filesystem renames, so that a
// reader never sees half a file.
func writeFile(ctx context.Context, name string, data []byte) error {
	return writeWith(ctx, name, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeWith writes name with fill, as writeFile does. A failed fill leaves
// no file (on filesystems that rename or remove).
func writeWith(ctx context.Context, name string, fill func(io.Writer) error) error {
	fsys, err := filesystem.New(ctx, name)
	if err != nil {
		return err
	}
	defer fsys.Close()
	rn, canRename := fsys.(filesystem.Renamer)
	tmp := name
	if canRename {
		var r [6]byte
		rand.Read(r[:])
		tmp = name + ".tmp-" + hex.EncodeToString(r[:])
	}
	w, err := fsys.OpenWrite(ctx, tmp)
	if err != nil {
		return err
	}
	err = fill(w)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err == nil && canRename {
		err = rn.Rename(ctx, tmp, name)
	}
	if err != nil {
		if rm, ok := fsys.(filesystem.Remover); ok {
			rm.Remove(ctx, tmp)
		}
		return err
	}
	return nil
}

// listTree returns the slash paths, relative to root, of the files under
// root (recursively) whose names end in one of exts (case-insensitive),
// sorted. Local roots are walked; object stores are listed with a
// recursive glob.
func listTree(ctx context.Context, root string, exts ...string) ([]string, error) {
	match := func(name string) bool {
		for _, e := range exts {
			if strings.EqualFold(path.Ext(name), e) {
				return true
			}
		}
		return false
	}
	var rels []string
	if isLocal(root) {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && match(d.Name()) {
				rel, err := filepath.Rel(root, p)
				if err != nil {
					return err
				}
				rels = append(rels, filepath.ToSlash(rel))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	} else {
		fsys, err := filesystem.New(ctx, root)
		if err != nil {
			return nil, err
		}
		defer fsys.Close()
		prefix := strings.TrimSuffix(root, "/") + "/"
		names, err := fsys.List(ctx, prefix+"**")
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if rel, ok := strings.CutPrefix(n, prefix); ok && match(rel) {
				rels = append(rels, rel)
			}
		}
	}
	slices.Sort(rels)
	return rels, nil
}

// CheckOutRoot refuses an output root that already holds files, unless
// force: a job must not mix its outputs with an earlier job's.
func CheckOutRoot(root string, force bool) error {
	if force || !isLocal(root) {
		return nil
	}
	entries, err := os.ReadDir(root)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("output directory %s is not empty (--force writes into it)", root)
	}
	return nil
}
