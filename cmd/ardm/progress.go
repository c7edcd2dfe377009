package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"
)

// progress draws a one-line progress report on stderr at most ten times a
// second. It is silent with --quiet or when stderr is not a terminal, and
// prints JSON lines with --json. Safe for concurrent use.
type progress struct {
	mu      sync.Mutex
	label   string
	total   int
	done    int
	start   time.Time
	last    time.Time
	enabled bool
	json    bool
}

func stderrIsTerminal() bool {
	fi, err := os.Stderr.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// newProgress starts a report for a job of total units (0 if unknown).
func (gopts globalOptions) newProgress(label string, total int) *progress {
	return &progress{
		label:   label,
		total:   total,
		start:   time.Now(),
		enabled: !gopts.Quiet && (gopts.JSON || stderrIsTerminal()),
		json:    gopts.JSON,
	}
}

// Add records n more units done; extra is shown after the counts.
func (p *progress) Add(n int, extra string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	p.draw(extra, false)
}

// Set records the absolute number of units done.
func (p *progress) Set(done int, extra string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = done
	p.draw(extra, false)
}

// Done draws the final state and ends the line.
func (p *progress) Done(extra string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw(extra, true)
}

func (p *progress) draw(extra string, final bool) {
	if !p.enabled {
		return
	}
	now := time.Now()
	if !final && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	el := now.Sub(p.start)
	if p.json {
		rec := map[string]any{"progress": p.label, "done": p.done, "total": p.total, "elapsed_s": el.Seconds(), "final": final}
		if extra != "" {
			rec["info"] = extra
		}
		b, _ := json.Marshal(rec)
		fmt.Fprintln(os.Stderr, string(b))
		return
	}
	line := fmt.Sprintf("\r%s: %d", p.label, p.done)
	if p.total > 0 {
		line += fmt.Sprintf("/%d (%.0f%%)", p.total, 100*float64(p.done)/float64(p.total))
		if p.done > 0 && !final {
			eta := time.Duration(float64(el) * float64(p.total-p.done) / float64(p.done))
			line += " ETA " + eta.Round(time.Second).String()
		}
	}
	line += " " + el.Round(time.Second).String()
	if extra != "" {
		line += " " + extra
	}
	fmt.Fprint(os.Stderr, line+"\x1b[K")
	if final {
		fmt.Fprintln(os.Stderr)
	}
}
