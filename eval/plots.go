package eval

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Plot file names inside a report folder.
const (
	PlotLt      = "lt.png"
	PlotBudget  = "bpd_budget.png"
	PlotStages  = "bpd_stages.png"
	PlotCodecs  = "codecs.png"
	PlotPerFile = "per_file.png"
)

// writePlots writes the plots the report has data for into dir and returns
// their file names.
func (r *Report) writePlots(dir string) ([]string, error) {
	makers := []struct {
		name string
		make func() (*plot.Plot, error)
	}{
		{PlotLt, r.plotLt},
		{PlotStages, r.plotStages},
		{PlotBudget, r.plotBudget},
		{PlotCodecs, r.plotCodecs},
		{PlotPerFile, r.plotPerFile},
	}
	var written []string
	for _, m := range makers {
		p, err := m.make()
		if err != nil {
			return written, fmt.Errorf("eval: plot %s: %w", m.name, err)
		}
		if p == nil {
			continue
		}
		wt, err := p.WriterTo(16*vg.Centimeter, 10*vg.Centimeter, "png")
		if err != nil {
			return written, fmt.Errorf("eval: plot %s: %w", m.name, err)
		}
		var buf bytes.Buffer
		if _, err := wt.WriteTo(&buf); err != nil {
			return written, fmt.Errorf("eval: plot %s: %w", m.name, err)
		}
		if err := writeFileAtomic(filepath.Join(dir, m.name), buf.Bytes()); err != nil {
			return written, err
		}
		written = append(written, m.name)
	}
	return written, nil
}

// plotLt draws the model's L_t table: expected bits per unrevealed
// position against the revealed fraction t/n, one line per stage.
func (r *Report) plotLt() (*plot.Plot, error) {
	if len(r.Lt) == 0 {
		return nil, nil
	}
	p := plot.New()
	p.Title.Text = "L_t per stage (from training)"
	p.X.Label.Text = "revealed fraction t/n"
	p.Y.Label.Text = "bits per unrevealed position"
	show := shownStages(len(r.Lt), maxCurves)
	if len(r.Lt) > maxCurves {
		p.Title.Text = fmt.Sprintf("L_t of %d of the %d stages (from training)", maxCurves, len(r.Lt))
	}
	curve := 0
	for s, row := range r.Lt {
		if len(row) == 0 || !show[s] {
			continue
		}
		xy := make(plotter.XYs, len(row))
		for j, v := range row {
			xy[j].X = (float64(j) + 0.5) / float64(len(row))
			xy[j].Y = v
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.Color = plotutil.Color(curve)
		curve++
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("stage %d", s+1), l)
	}
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	return p, nil
}

// maxCurves is the most stages the L_t plot draws: with more (b = 2 has
// 16) the curves would repeat colours and the legend would cover them.
const maxCurves = 7

// shownStages marks which of S stages a plot of at most max curves draws:
// all of them, or max spread evenly from the first to the last.
func shownStages(S, max int) []bool {
	show := make([]bool, S)
	for s := range show {
		show[s] = S <= max
	}
	if S > max && max > 1 {
		for k := range max {
			show[(k*(S-1)+(max-1)/2)/(max-1)] = true
		}
	}
	return show
}

// plotStages draws the bound per stage as bars with their standard error.
func (r *Report) plotStages() (*plot.Plot, error) {
	b := r.Summary.Bound
	if b == nil || len(b.Stages) == 0 {
		return nil, nil
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Bound per stage (total %.3f bits/sample)", b.Total.Mean)
	p.Y.Label.Text = "bits per sample"
	if len(b.Stages) > 8 {
		p.X.Label.Text = "stage"
	}
	vals := make(plotter.Values, len(b.Stages))
	names := make([]string, len(b.Stages))
	errs := errorPoints{}
	for i, st := range b.Stages {
		vals[i] = st.Mean
		names[i] = fmt.Sprintf("stage %d", i+1)
		if len(b.Stages) > 8 { // b = 2 or 4: 16 or 8 stages, short names fit
			names[i] = fmt.Sprint(i + 1)
		}
		errs.XYs = append(errs.XYs, plotter.XY{X: float64(i), Y: st.Mean})
		errs.YErrors = append(errs.YErrors, struct{ Low, High float64 }{st.StdErr, st.StdErr})
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(30))
	if err != nil {
		return nil, err
	}
	bars.Color = plotutil.Color(0)
	bars.LineStyle.Width = 0
	p.Add(bars)
	eb, err := plotter.NewYErrorBars(errs)
	if err != nil {
		return nil, err
	}
	p.Add(eb)
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.6, float64(len(names))-0.4
	p.Y.Min = 0
	return p, nil
}

// errorPoints is an XYer with symmetric Y errors.
type errorPoints struct {
	plotter.XYs
	plotter.YErrors
}

// plotBudget draws bits per sample against the number of network calls:
// the policy bound and the coded size of every budget, with the full
// bound and the baselines as horizontal reference lines.
func (r *Report) plotBudget() (*plot.Plot, error) {
	s := &r.Summary
	budgets := s.sortedBudgets()
	var pol, cod plotter.XYs
	for _, bu := range budgets {
		if bu.Calls <= 0 || s.Files == 0 {
			continue
		}
		x := float64(bu.Calls) / float64(s.Files) // calls per file
		if bu.PolicyFiles > 0 {
			pol = append(pol, plotter.XY{X: x, Y: bu.Policy})
		}
		if bu.CodedFiles > 0 {
			cod = append(cod, plotter.XY{X: x, Y: bu.Coded})
		}
	}
	if len(pol)+len(cod) == 0 {
		return nil, nil
	}
	p := plot.New()
	p.Title.Text = "Bits per sample against budget"
	p.X.Label.Text = "network calls per file"
	p.Y.Label.Text = "bits per sample"
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, xy := range append(append(plotter.XYs{}, pol...), cod...) {
		xmin, xmax = math.Min(xmin, xy.X), math.Max(xmax, xy.X)
	}
	if xmax > xmin && xmin > 0 {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	} else {
		xmin, xmax = xmin-1, xmax+1
	}
	i := 0
	addSeries := func(name string, xy plotter.XYs) error {
		if len(xy) == 0 {
			return nil
		}
		l, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			return err
		}
		l.Color, pts.Color = plotutil.Color(i), plotutil.Color(i)
		pts.Shape = plotutil.Shape(i)
		p.Add(l, pts)
		p.Legend.Add(name, l, pts)
		i++
		return nil
	}
	if err := addSeries("policy bound", pol); err != nil {
		return nil, err
	}
	if err := addSeries("coded", cod); err != nil {
		return nil, err
	}
	hline := func(name string, y float64) error {
		l, err := plotter.NewLine(plotter.XYs{{X: xmin, Y: y}, {X: xmax, Y: y}})
		if err != nil {
			return err
		}
		l.Color = plotutil.Color(i)
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
		p.Legend.Add(name, l)
		i++
		return nil
	}
	if s.Bound != nil {
		if err := hline("bound, one call per position", s.Bound.Total.Mean); err != nil {
			return nil, err
		}
	}
	if s.Classic != nil {
		if err := hline(ClassicName, s.Classic.BitsPerSample); err != nil {
			return nil, err
		}
	}
	for _, bl := range s.Baselines {
		if err := hline(bl.Setting, bl.BitsPerSample); err != nil {
			return nil, err
		}
	}
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	return p, nil
}

// plotCodecs compares the pooled bits per sample of the model (its bound
// and each coded budget) and of the classic coders alone with the
// baselines.
func (r *Report) plotCodecs() (*plot.Plot, error) {
	s := &r.Summary
	var names []string
	var vals plotter.Values
	if s.Bound != nil {
		names = append(names, "ARDM bound")
		vals = append(vals, s.Bound.Total.Mean)
	}
	for _, bu := range s.Budgets {
		if bu.CodedFiles > 0 {
			names = append(names, "ARDM @"+bu.Label)
			vals = append(vals, bu.Coded)
		}
	}
	if s.Classic != nil {
		names = append(names, "ARDM classic")
		vals = append(vals, s.Classic.BitsPerSample)
	}
	for _, bl := range s.Baselines {
		// The codec and its level ("flac -8"): the full setting is too
		// long for a bar label and is in report.md.
		name := bl.Setting
		if f := strings.Fields(name); len(f) > 2 {
			name = f[0] + " " + f[1]
		}
		names = append(names, name)
		vals = append(vals, bl.BitsPerSample)
	}
	if len(vals) == 0 {
		return nil, nil
	}
	p := plot.New()
	p.Title.Text = "Codec comparison (pooled over files)"
	p.Y.Label.Text = "bits per sample"
	bars, err := plotter.NewBarChart(vals, vg.Points(28))
	if err != nil {
		return nil, err
	}
	bars.Color = plotutil.Color(1)
	bars.LineStyle.Width = 0
	p.Add(bars)
	labels := make([]string, len(vals))
	xy := make(plotter.XYs, len(vals))
	for i, v := range vals {
		labels[i] = fmt.Sprintf("%.3f", v)
		xy[i] = plotter.XY{X: float64(i), Y: v}
	}
	lb, err := plotter.NewLabels(plotter.XYLabels{XYs: xy, Labels: labels})
	if err != nil {
		return nil, err
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].XAlign = -0.5 // centred over the bar
		lb.TextStyle[i].YAlign = 0
	}
	p.Add(lb)
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.6, float64(len(names))-0.4
	p.Y.Min = 0
	return p, nil
}

// plotPerFile draws, per file, ardm's bits per sample (coded with the
// model at the cheapest coded budget, else the model's bound, else coded
// by the classic coders alone) against each baseline's, with the
// diagonal: points below it are files ardm codes smaller.
func (r *Report) plotPerFile() (*plot.Plot, error) {
	s := &r.Summary
	if len(s.Baselines) == 0 {
		return nil, nil
	}
	what, label := "", ""
	for _, bu := range s.sortedBudgets() {
		if bu.CodedFiles > 0 {
			what, label = bu.Label, "ARDM coded @"+bu.Label
			break
		}
	}
	classic := what == "" && s.Bound == nil
	switch {
	case classic && s.Classic == nil:
		return nil, nil
	case classic:
		label = "ARDM classic"
	case what == "":
		label = "ARDM bound"
	}
	model := func(f *FileResult) (float64, bool) {
		if classic {
			if f.Classic == nil {
				return 0, false
			}
			return f.Classic.BitsPerSample, true
		}
		if what == "" {
			if f.Bound == nil {
				return 0, false
			}
			return f.Bound.Total.Mean, true
		}
		b := f.budget(what)
		if b == nil || b.Coded == nil {
			return 0, false
		}
		return b.Coded.BitsPerSample, true
	}
	p := plot.New()
	p.Title.Text = "Per file: " + label + " against the baselines"
	p.Y.Label.Text = label + " (bits/sample)"
	p.X.Label.Text = "baseline (bits/sample)"
	lo, hi := math.Inf(1), math.Inf(-1)
	points := 0
	for i, bl := range s.Baselines {
		var xy plotter.XYs
		for j := range r.Files {
			f := &r.Files[j]
			y, ok := model(f)
			if !ok {
				continue
			}
			for _, b := range f.Baselines {
				if b.Codec == bl.Codec {
					xy = append(xy, plotter.XY{X: b.BitsPerSample, Y: y})
					lo = math.Min(lo, math.Min(b.BitsPerSample, y))
					hi = math.Max(hi, math.Max(b.BitsPerSample, y))
				}
			}
		}
		if len(xy) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(xy)
		if err != nil {
			return nil, err
		}
		sc.Color = plotutil.Color(i)
		sc.Shape = plotutil.Shape(i)
		p.Add(sc)
		p.Legend.Add(bl.Setting, sc)
		points += len(xy)
	}
	if points == 0 {
		return nil, nil
	}
	diag, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
	if err != nil {
		return nil, err
	}
	diag.Color = color.Gray{Y: 128}
	diag.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
	p.Add(diag)
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewGrid())
	return p, nil
}
