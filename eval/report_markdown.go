package eval

import (
	"fmt"
	"strings"
)

// Markdown renders the report; plots lists the plot files to link.
func (r *Report) Markdown(plots []string) string {
	var b strings.Builder
	s := &r.Summary
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# ardm eval report\n\n")
	p("Data: `%s`, %d files, %d samples (%.1f s of audio)", r.Data, s.Files, s.Samples, s.Seconds)
	if s.Failed > 0 {
		p(", %d with errors", s.Failed)
	}
	p(".\n")
	if m := r.Model; m != nil {
		c := m.Config
		p("Model: `%s`, hash `%s`, branching %d (%d stages), %d channels x %d layers, frame %d, %d parameters, %d training steps.\n",
			m.Path, shortHash(m.Hash), c.Branching, c.Stages(), c.Channels, c.Layers, c.FrameLen, m.Params, m.Steps)
		p("Bound estimator: %d draws of (t, sigma) per stage and file, seed %d.\n", r.Draws, r.Seed)
	}
	p("All figures are bits per sample (per channel), whole files with headers, pooled over files.\n\n")

	p("## Summary\n\n| method | bits/sample | note |\n|---|---:|---|\n")
	if s.Bound != nil {
		p("| ARDM bound (one call per position) | %.3f ± %s | %d files, spread %.3f |\n", s.Bound.Total.Mean, r.se(s.Bound.Total, "%.3f"), s.BoundFiles, s.BoundSpread)
	}
	for _, bu := range s.Budgets {
		if bu.PolicyFiles > 0 {
			p("| ARDM policy bound, budget %s | %.3f | %d calls |\n", bu.Label, bu.Policy, bu.Calls)
		}
		if bu.CodedFiles > 0 {
			p("| ARDM coded, budget %s | %.3f | %s |\n", bu.Label, bu.Coded, exactNote(bu))
		}
	}
	if c := s.Classic; c != nil {
		p("| %s | %.3f | %s, %s; mean per file %.3f |\n", ClassicName, c.BitsPerSample, exactWord(c.AllExact), coderMix(c.Coders), c.MeanPerFile)
	}
	for _, bl := range s.Baselines {
		p("| %s | %.3f | mean per file %.3f |\n", bl.Setting, bl.BitsPerSample, bl.MeanPerFile)
	}
	for _, m := range r.Missing {
		p("| (%s) | - | not measured |\n", m)
	}
	p("\n")

	if s.Bound != nil {
		p("## Bound per stage\n\n| stage | bits/sample | stderr |\n|---|---:|---:|\n")
		for i, st := range s.Bound.Stages {
			p("| %d | %.4f | %s |\n", i+1, st.Mean, r.se(st, "%.4f"))
		}
		p("| total | %.4f | %s |\n\n", s.Bound.Total.Mean, r.se(s.Bound.Total, "%.4f"))
	}

	if len(s.Budgets) > 0 {
		p("## Budgets\n\nOverhead is the coded size minus the policy bound: the stream's headers, the integer frequencies, and the frames a fallback coder stored (it is chosen only where it is smaller, so overhead can be negative).\n\n")
		p("| budget | calls | policy bound | coded | overhead | overhead %% | model frames | encode x real time | decode x real time | bit-exact |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
		for _, bu := range s.Budgets {
			p("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", bu.Label, bu.Calls,
				numOr(bu.Policy, bu.PolicyFiles > 0, "%.4f"), numOr(bu.Coded, bu.CodedFiles > 0, "%.4f"),
				numOr(bu.Overhead, bu.PolicyFiles > 0 && bu.CodedFiles > 0, "%+.4f"),
				numOr(100*bu.OverheadRelative, bu.PolicyFiles > 0 && bu.CodedFiles > 0, "%+.2f"),
				numOr(100*bu.ModelFraction, bu.CodedFiles > 0, "%.0f%%"),
				numOr(bu.EncodeSpeed, bu.CodedFiles > 0, "%.2f"), numOr(bu.DecodeSpeed, bu.CodedFiles > 0, "%.2f"),
				yesNo(bu.CodedFiles > 0, bu.AllExact))
		}
		if c := s.Classic; c != nil {
			p("| %s | 0 | - | %.4f | - | - | 0%% | %.2f | %.2f | %s |\n", ClassicName, c.BitsPerSample, c.EncodeSpeed, c.DecodeSpeed, yesNo(true, c.AllExact))
		}
		p("\n")
		for _, bu := range s.Budgets {
			if bu.Skipped > 0 {
				p("Budget %s: %s.\n\n", bu.Label, skipNote(bu))
			}
		}
	}

	if rows := r.codecRows(); len(rows) > 0 {
		p("## Codecs\n\nEvery coding of the same files side by side: ardm with the classic coders alone (no model), ardm with the model at each budget (every frame still falls back to a classic coder where that is smaller), and the classic codecs. ardm codes in process (frames in parallel); the baselines' speeds are wall time per file, process start-up included. The \"vs\" columns give the difference in bits per sample pooled over the files both codings have.\n\n")
		cols := []string{"codec", "files", "bytes", "bits/sample", "mean per file"}
		for _, bl := range s.Baselines {
			cols = append(cols, "vs "+bl.Codec)
		}
		cols = append(cols, "encode x real time", "decode x real time", "bit-exact")
		p("| %s |\n|---|%s\n", strings.Join(cols, " | "), strings.Repeat("---:|", len(cols)-2)+"---|")
		for _, row := range rows {
			cells := []string{row.name, fmt.Sprint(row.files), fmt.Sprint(row.bytes), fmt.Sprintf("%.4f", row.bpd), numOr(row.mean, row.mean > 0, "%.4f")}
			cells = append(cells, r.versus(row.bytesOf)...)
			cells = append(cells, speed(row.enc), speed(row.dec), row.exact)
			p("| %s |\n", strings.Join(cells, " | "))
		}
		p("\n")
	}

	if len(plots) > 0 {
		p("## Plots\n\n")
		for _, pl := range plots {
			p("![%s](%s)\n\n", strings.TrimSuffix(pl, ".png"), pl)
		}
	}

	p("## Files\n\n")
	cols := []string{"file", "samples"}
	if s.Bound != nil {
		cols = append(cols, "bound", "stderr")
	}
	for _, bu := range s.Budgets {
		if bu.PolicyFiles > 0 {
			cols = append(cols, "policy "+bu.Label)
		}
		if bu.CodedFiles > 0 {
			cols = append(cols, "coded "+bu.Label)
		}
	}
	if s.Classic != nil {
		cols = append(cols, "classic")
	}
	for _, bl := range s.Baselines {
		cols = append(cols, bl.Codec)
	}
	cols = append(cols, "errors")
	p("| %s |\n|%s\n", strings.Join(cols, " | "), strings.Repeat("---|", len(cols)))
	for i := range r.Files {
		f := &r.Files[i]
		row := []string{f.Name, fmt.Sprint(f.Samples)}
		if s.Bound != nil {
			if f.Bound != nil {
				row = append(row, fmt.Sprintf("%.3f", f.Bound.Total.Mean), r.se(f.Bound.Total, "%.3f"))
			} else {
				row = append(row, "-", "-")
			}
		}
		for _, bu := range s.Budgets {
			br := f.budget(bu.Label)
			if bu.PolicyFiles > 0 {
				if br != nil && br.Policy != nil {
					row = append(row, fmt.Sprintf("%.3f", *br.Policy))
				} else {
					row = append(row, "-")
				}
			}
			if bu.CodedFiles > 0 {
				if br != nil && br.Coded != nil {
					row = append(row, fmt.Sprintf("%.3f", br.Coded.BitsPerSample))
				} else {
					row = append(row, "-")
				}
			}
		}
		if s.Classic != nil {
			if f.Classic != nil {
				row = append(row, fmt.Sprintf("%.3f", f.Classic.BitsPerSample))
			} else {
				row = append(row, "-")
			}
		}
		for _, bl := range s.Baselines {
			v := "-"
			for _, x := range f.Baselines {
				if x.Codec == bl.Codec {
					v = fmt.Sprintf("%.3f", x.BitsPerSample)
				}
			}
			row = append(row, v)
		}
		row = append(row, strings.ReplaceAll(strings.Join(f.Errors, "; "), "|", "/"))
		p("| %s |\n", strings.Join(row, " | "))
	}
	return b.String()
}
