package eval

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// WriteDir writes the report folder: report.json, report.md and the PNG
// plots that the data allows (a plot without data is left out, and
// report.md links only the plots written). The folder is created if
// needed.
func (r *Report) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	plots, err := r.writePlots(dir)
	if err != nil {
		return err
	}
	var js strings.Builder
	if err := r.WriteJSON(&js); err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dir, "report.json"), []byte(js.String())); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, "report.md"), []byte(r.Markdown(plots)))
}

// writeFileAtomic writes b to a temporary file beside path and renames it.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("eval: writing %s: %w", path, werr)
	}
	return nil
}
