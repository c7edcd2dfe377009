package main

import "github.com/ardm-dev/ardm/jobs"

// jobProgress returns a jobs.Progress that draws a progress line labelled
// label from its first report on, and the function that ends the line.
func (gopts globalOptions) jobProgress(label string) (jobs.Progress, func()) {
	var bar *progress
	prog := func(done, total int64) {
		if bar == nil {
			bar = gopts.newProgress(label, int(total))
		}
		bar.Set(int(done), "")
	}
	return prog, func() {
		if bar != nil {
			bar.Done("")
		}
	}
}
