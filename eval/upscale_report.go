package eval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// PlotUpscale is the file name of the upscale report's plot.
const PlotUpscale = "upscale_snr.png"

// Markdown renders the report: the pooled and median SNR of every fill,
// the wins and losses against the middle of the bin, and a table per
// clip. plot, if not empty, is the plot's file name to link.
func (r *UpscaleReport) Markdown(plotName string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Upscaling from %d bits (%d files; budget %d, fill %s, draws %d)\n\n", r.FromBits, len(r.Clips), r.Budget, r.Fill, r.Draws)
	b.WriteString("| SNR (dB) |")
	for _, n := range UpscaleFills {
		fmt.Fprintf(&b, " %s |", n)
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(UpscaleFills)) + "\n| pooled |")
	for _, n := range UpscaleFills {
		fmt.Fprintf(&b, " %.2f |", r.Pooled[n])
	}
	b.WriteString("\n| median per file |")
	for _, n := range UpscaleFills {
		fmt.Fprintf(&b, " %.2f |", r.Median[n])
	}
	fmt.Fprintf(&b, "\n\nModel against the middle of the bin: %d files better, %d worse, %d equal.\n\n", r.Wins, r.Losses, len(r.Clips)-r.Wins-r.Losses)
	if plotName != "" {
		fmt.Fprintf(&b, "![per-file SNR](%s)\n\n", plotName)
	}
	b.WriteString("| file |")
	for _, n := range UpscaleFills {
		fmt.Fprintf(&b, " %s |", n)
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(UpscaleFills)) + "\n")
	for _, c := range r.Clips {
		fmt.Fprintf(&b, "| %s |", c.Path)
		for _, n := range UpscaleFills {
			fmt.Fprintf(&b, " %.2f |", c.SNR[n])
		}
		b.WriteString("\n")
	}
	return b.String()
}

// WriteDir writes upscale.json, upscale.md and the plot into dir (which
// must exist).
func (r *UpscaleReport) WriteDir(dir string) error {
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, "upscale.json"), append(js, '\n')); err != nil {
		return err
	}
	p, err := r.plot()
	if err != nil {
		return fmt.Errorf("eval: plot: %w", err)
	}
	wt, err := p.WriterTo(16*vg.Centimeter, 12*vg.Centimeter, "png")
	if err != nil {
		return fmt.Errorf("eval: plot: %w", err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return fmt.Errorf("eval: plot: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, PlotUpscale), buf.Bytes()); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, "upscale.md"), []byte(r.Markdown(PlotUpscale)))
}

// plot draws the model's SNR per file against the middle of the bin's,
// with the diagonal (above it: the model is better).
func (r *UpscaleReport) plot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Upscaling from %d bits: SNR per file", r.FromBits)
	p.X.Label.Text = "middle of the bin (dB)"
	p.Y.Label.Text = "model, " + r.Fill + " fill (dB)"
	lo, hi := math.Inf(1), math.Inf(-1)
	var xy plotter.XYs
	for _, c := range r.Clips {
		x, y := c.SNR["mid"], c.SNR["model"]
		xy = append(xy, plotter.XY{X: x, Y: y})
		lo, hi = math.Min(lo, math.Min(x, y)), math.Max(hi, math.Max(x, y))
	}
	if len(xy) == 0 {
		lo, hi = 0, 1
	}
	sc, err := plotter.NewScatter(xy)
	if err != nil {
		return nil, err
	}
	diag, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
	if err != nil {
		return nil, err
	}
	p.Add(sc, diag)
	p.Legend.Add("files", sc)
	p.Legend.Add("equal", diag)
	p.Legend.Top, p.Legend.Left = true, true
	return p, nil
}
