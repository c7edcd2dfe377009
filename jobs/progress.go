package jobs

// Progress is told the samples per channel done so far and the total (0
// when the length is not known); nil reports nothing.
type Progress func(done, total int64)

func (p Progress) report(done, total int64) {
	if p != nil {
		p(done, total)
	}
}
