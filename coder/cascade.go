package coder

import "math"

// The cascade predictor: backward-adaptive prediction that the encoder and
// the decoder run identically, sample by sample, so that nothing but a
// few parameters is transmitted. Its one stage today is least squares
// (OLS: an exponentially weighted covariance of the last n samples, solved
// by Cholesky every few samples); the stages tried after it (normalised
// LMS on its residual, a stage mix, a bias stage) gained nothing on speech
// and live in the research harness (cascade_research_test.go,
// EXPERIMENTS.md). The payload format is in doc.go.
//
// All arithmetic is float64 with every product converted explicitly
// (float64(a*b)) before it is added, so that no multiply-add is fused and
// every machine computes the same bits; the only library call is
// math.Sqrt, which IEEE 754 defines exactly.

// cascadeParams are the settings of one cascade; a stream names them by
// an index into cascadeVariants.
type cascadeParams struct {
	olsOrder  int
	olsLambda float64 // forgetting factor
	olsReg    float64 // ridge, relative to the mean diagonal
	olsEvery  int     // samples between solves
	resShift  uint    // the residual model's contexts: 2^resShift octaves each
}

// olsStage is the least-squares stage over the last n samples.
type olsStage struct {
	n          int
	lambda     float64
	reg        float64
	every, cnt int
	hist       ring
	r          []float64 // n*n covariance (upper triangle used)
	b          []float64 // cross-correlation with the next sample
	w          []float64 // weights
	l          []float64 // Cholesky factor scratch
	y          []float64 // solve scratch
}

// ring is a history of the last n values with the newest first, kept
// contiguous in a buffer of 2n: values are written downwards from the
// middle, and when the bottom is reached the newest n-1 move back up.
type ring struct {
	n, pos int
	buf    []float64
}

func (r *ring) init(n int) {
	r.n, r.pos = n, n
	if cap(r.buf) < 2*n {
		r.buf = make([]float64, 2*n)
	}
	r.buf = r.buf[:2*n]
	clear(r.buf)
}

// last is the history, newest first.
func (r *ring) last() []float64 { return r.buf[r.pos : r.pos+r.n] }

// push adds v as the newest value and returns the value that left.
func (r *ring) push(v float64) float64 {
	var old float64
	if r.pos == 0 {
		// Move the newest n-1 values to the upper half.
		old = r.buf[r.n-1]
		copy(r.buf[r.n+1:], r.buf[:r.n-1])
		r.pos = r.n
	} else {
		r.pos--
		old = r.buf[r.pos+r.n]
	}
	r.buf[r.pos] = v
	return old
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	s = s[:n]
	clear(s)
	return s
}

func (s *olsStage) init(n int, lambda, reg float64, every int) {
	s.n, s.lambda, s.reg, s.every, s.cnt = n, lambda, reg, every, 0
	s.hist.init(n)
	s.r = grow(s.r, n*n)
	s.b = grow(s.b, n)
	s.w = grow(s.w, n)
	s.l = grow(s.l, n*n)
	s.y = grow(s.y, n)
}

func dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1 float64
	i := 0
	for ; i+1 < len(a); i += 2 {
		s0 += float64(a[i] * b[i])
		s1 += float64(a[i+1] * b[i+1])
	}
	if i < len(a) {
		s0 += float64(a[i] * b[i])
	}
	return s0 + s1
}

func (s *olsStage) predict() float64 { return dot(s.w, s.hist.last()) }

// update learns that the history was followed by v, then adds v to it.
func (s *olsStage) update(v float64) {
	h := s.hist.last()
	n, lam := s.n, s.lambda
	c := 1 - lam
	for i := 0; i < n; i++ {
		ch := float64(c * h[i])
		row := s.r[i*n : i*n+n]
		for j := i; j < n; j++ {
			row[j] = float64(lam*row[j]) + float64(ch*h[j])
		}
		s.b[i] = float64(lam*s.b[i]) + float64(ch*v)
	}
	s.hist.push(v)
	s.cnt++
	if s.cnt >= s.every {
		s.cnt = 0
		s.solve()
	}
}

// solve sets w to the solution of (R + reg) w = b, keeping the old
// weights if the system is not positive definite.
func (s *olsStage) solve() {
	n := s.n
	var tr float64
	for i := 0; i < n; i++ {
		tr += s.r[i*n+i]
	}
	ridge := float64(s.reg*tr)/float64(n) + 1e-9
	l := s.l
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			sum := s.r[j*n+i] // R[j][i], j <= i: the upper triangle
			if i == j {
				sum += ridge
			}
			li, lj := l[i*n:i*n+j], l[j*n:j*n+j]
			for k := range li {
				sum -= float64(li[k] * lj[k])
			}
			if i == j {
				if !(sum > 0) {
					return
				}
				l[i*n+i] = math.Sqrt(sum)
			} else {
				l[i*n+j] = sum / l[j*n+j]
			}
		}
	}
	y := s.y
	for i := 0; i < n; i++ {
		sum := s.b[i]
		for k := 0; k < i; k++ {
			sum -= float64(l[i*n+k] * y[k])
		}
		y[i] = sum / l[i*n+i]
	}
	for i := n - 1; i >= 0; i-- {
		sum := y[i]
		for k := i + 1; k < n; k++ {
			sum -= float64(l[k*n+i] * s.w[k])
		}
		s.w[i] = sum / l[i*n+i]
	}
}

// cascade is the whole predictor of one channel of one frame.
type cascade struct {
	p   *cascadeParams
	ols olsStage
}

func (c *cascade) init(p *cascadeParams) {
	c.p = p
	c.ols.init(p.olsOrder, p.olsLambda, p.olsReg, p.olsEvery)
}

// predict is the prediction of the next sample, rounded and clamped to
// [lo, hi].
func (c *cascade) predict(lo, hi int64) int64 { return roundClamp(c.ols.predict(), lo, hi) }

// update feeds the true sample y after predict.
func (c *cascade) update(y int64) { c.ols.update(float64(y)) }

// roundClamp rounds t half up and clamps it to [lo, hi]; NaN is 0.
func roundClamp(t float64, lo, hi int64) int64 {
	// Clamp in float64 first: converting NaN or a huge value to an
	// integer differs between architectures.
	switch {
	case t != t:
		t = 0
	case t <= float64(lo):
		return lo
	case t >= float64(hi):
		return hi
	}
	v := int64(math.Floor(t + 0.5))
	return min(max(v, lo), hi)
}
