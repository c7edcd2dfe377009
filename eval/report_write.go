package eval

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ardm-dev/ardm/internal/atomicfile"
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

// writeFileAtomic writes b to path atomically, with mode 0644.
func writeFileAtomic(path string, b []byte) error {
	if err := atomicfile.WriteFile(path, b); err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	return nil
}
