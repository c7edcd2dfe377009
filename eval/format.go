package eval

import (
	"fmt"
	"sort"
	"strings"
)

// se formats a standard error, or "n/a" when a single draw per file
// cannot give one.
func (r *Report) se(st Stat, format string) string {
	if r.Draws < 2 {
		return "n/a"
	}
	return fmt.Sprintf(format, st.StdErr)
}

// skipNote says why a budget was not measured on some files.
func skipNote(bu BudgetSummary) string {
	if bu.Skipped == 0 {
		return "no data"
	}
	note := fmt.Sprintf("%d files skipped (%s)", bu.Skipped, bu.SkipReason)
	if bu.Budget == 0 {
		note += "; in expectation the policy bound of one call per position is the bound"
	}
	return note
}

func exactNote(bu BudgetSummary) string {
	return exactWord(bu.AllExact) + fmt.Sprintf(", model on %.0f%% of frames", 100*bu.ModelFraction)
}

func exactWord(ok bool) string {
	if ok {
		return "bit-exact"
	}
	return "NOT bit-exact"
}

// coderMix gives the share of channel-frames of each coder, largest
// first ("lpc 93%, fixed-rice 6%, constant 1%").
func coderMix(coders map[string]int64) string {
	var all int64
	names := make([]string, 0, len(coders))
	for k, n := range coders {
		all += n
		names = append(names, k)
	}
	if all == 0 {
		return "no frames"
	}
	sort.Slice(names, func(i, j int) bool {
		if coders[names[i]] != coders[names[j]] {
			return coders[names[i]] > coders[names[j]]
		}
		return names[i] < names[j]
	})
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s %.0f%%", k, 100*float64(coders[k])/float64(all))
	}
	return strings.Join(parts, ", ")
}

// speed formats a speed in seconds of audio per second, "-" if unknown.
func speed(v float64) string {
	switch {
	case v <= 0:
		return "-"
	case v < 10:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

func numOr(v float64, ok bool, format string) string {
	if !ok {
		return "-"
	}
	return fmt.Sprintf(format, v)
}

func yesNo(ok, v bool) string {
	switch {
	case !ok:
		return "-"
	case v:
		return "yes"
	}
	return "no"
}

func shortHash(h string) string {
	if len(h) > 16 {
		return h[:16]
	}
	return h
}
