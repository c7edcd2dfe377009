package eval

import (
	"fmt"
	"strings"
)

// Table is the short results table printed on stdout: one line per method,
// pooled bits per sample.
func (r *Report) Table() string {
	var b strings.Builder
	s := &r.Summary
	fmt.Fprintf(&b, "%d files, %d samples, %.1f s of audio", s.Files, s.Samples, s.Seconds)
	if s.Failed > 0 {
		fmt.Fprintf(&b, ", %d with errors", s.Failed)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "%-34s %12s  %s\n", "method", "bits/sample", "note")
	line := func(name, val, note string) { fmt.Fprintf(&b, "%-34s %12s  %s\n", name, val, note) }
	if s.Bound != nil {
		var st []string
		for i, x := range s.Bound.Stages {
			st = append(st, fmt.Sprintf("s%d %.3f", i+1, x.Mean))
		}
		line("ardm bound", fmt.Sprintf("%.3f", s.Bound.Total.Mean), fmt.Sprintf("± %s; %s", r.se(s.Bound.Total, "%.3f"), strings.Join(st, ", ")))
	}
	for _, bu := range s.Budgets {
		if bu.PolicyFiles > 0 {
			line("ardm policy bound, budget "+bu.Label, fmt.Sprintf("%.3f", bu.Policy), fmt.Sprintf("%d calls", bu.Calls))
		}
		if bu.CodedFiles > 0 {
			note := exactNote(bu)
			if bu.PolicyFiles > 0 {
				note += fmt.Sprintf(", overhead %+.2f%%", 100*bu.OverheadRelative)
			}
			note += fmt.Sprintf(", encode %.2fx, decode %.2fx real time", bu.EncodeSpeed, bu.DecodeSpeed)
			line("ardm coded, budget "+bu.Label, fmt.Sprintf("%.3f", bu.Coded), note)
		}
		if bu.PolicyFiles == 0 && bu.CodedFiles == 0 {
			line("ardm, budget "+bu.Label, "-", "not measured: "+skipNote(bu))
		}
	}
	if c := s.Classic; c != nil {
		note := exactWord(c.AllExact) + ", " + coderMix(c.Coders)
		for i, v := range r.versus(classicBytes) {
			note += fmt.Sprintf(", %s vs %s", v, s.Baselines[i].Codec)
		}
		note += fmt.Sprintf(", encode %.0fx, decode %.0fx real time", c.EncodeSpeed, c.DecodeSpeed)
		line(ClassicName, fmt.Sprintf("%.3f", c.BitsPerSample), note)
	}
	for _, bl := range s.Baselines {
		line(bl.Setting, fmt.Sprintf("%.3f", bl.BitsPerSample), fmt.Sprintf("mean per file %.3f, %.0fx real time", bl.MeanPerFile, bl.EncodeSpeed))
	}
	for _, m := range r.Missing {
		line("(baseline skipped)", "-", m)
	}
	return b.String()
}
