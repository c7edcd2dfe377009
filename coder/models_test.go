package coder

import (
	"crypto/sha256"
	"fmt"
)

// evenPolicy splits n positions into budget/S equal steps per stage (one
// step per position when budget is 0).
func evenPolicy(S, budget, n int) [][]int {
	K := n
	if budget > 0 {
		K = min(n, max(1, budget/S))
	}
	p := make([][]int, S)
	for s := range p {
		b := make([]int, K+1)
		for k := range b {
			b[k] = k * n / K
		}
		p[s] = b
	}
	return p
}

// uniformModel predicts every digit uniformly: the model path then costs
// exactly 16 bits per 16-bit sample.
type uniformModel struct{ frameLen, b int }

func (m uniformModel) Hash() [32]byte {
	return sha256.Sum256(fmt.Appendf(nil, "uniform %d %d", m.frameLen, m.b))
}
func (m uniformModel) FrameLen() int  { return m.frameLen }
func (m uniformModel) Branching() int { return m.b }
func (m uniformModel) Policy(budget, n int) [][]int {
	return evenPolicy(16/digitBits(m.b), budget, n)
}
func (m uniformModel) Predict(stage, t int, values []uint16, mask []bool, pos []int, dst []float32) {
	for i := range dst[:len(pos)*m.b] {
		dst[i] = 1 / float32(m.b)
	}
}

func digitBits(b int) int {
	n := 0
	for 1<<n < b {
		n++
	}
	return n
}

// neighbourModel is a cheap deterministic predictor: the digit of position
// p is distributed around the mean of its two neighbours' current values
// (x^(s) where revealed, x^(s-1) elsewhere) with a Cauchy-like weight
// 1/(1+r^2) of the distance r (in units of a scale) from that mean to the
// digit's sub-range. Only +, -, * and / are used, each product rounded
// explicitly (float32(x*y)) so no fused multiply-add can change a result
// on any architecture.
type neighbourModel struct {
	frameLen, b int
	scale       float32
}

func (m neighbourModel) Hash() [32]byte {
	return sha256.Sum256(fmt.Appendf(nil, "neighbour %d %d %g", m.frameLen, m.b, m.scale))
}
func (m neighbourModel) FrameLen() int  { return m.frameLen }
func (m neighbourModel) Branching() int { return m.b }
func (m neighbourModel) Policy(budget, n int) [][]int {
	return evenPolicy(16/digitBits(m.b), budget, n)
}

func (m neighbourModel) Predict(stage, t int, values []uint16, mask []bool, pos []int, dst []float32) {
	b := m.b
	db := digitBits(b)
	S := 16 / db
	w := float32(int(1) << ((S - stage) * db)) // width of one digit's sub-range
	for j, p := range pos {
		c, spread := m.centre(values, mask, p, w)
		// Mass of each digit's sub-range [lo-0.5, hi+0.5) under the
		// heavy-tailed density 0.5/(1+|u|)^2 of u = (x-c)/sigma, whose
		// CDF is rational: 0.5/(1-u) below 0, 1-0.5/(1+u) above.
		sigma := float64(float64(m.scale)*float64(spread)) + float64(w)/8
		base := float64(values[p])
		out := dst[j*b : (j+1)*b]
		var sum float64
		for d := 0; d < b; d++ {
			lo := base + float64(float64(d)*float64(w)) - 0.5
			hi := lo + float64(w)
			q := tailMass((lo-float64(c))/sigma, (hi-float64(c))/sigma)
			out[d] = float32(q)
			sum += float64(out[d])
		}
		for d := range out {
			out[d] = float32(float64(out[d]) / sum)
		}
	}
}

// centre returns the centre of position p's density and the distance to
// the revealed neighbours it comes from; w is the width of one digit's
// sub-range.
func (m neighbourModel) centre(values []uint16, mask []bool, p int, w float32) (c, spread float32) {
	b, n := m.b, len(values)
	// The nearest revealed neighbour on each side (within 16 positions)
	// is exact to this stage; interpolate linearly between them. Without
	// one, fall back to the middle of the adjacent position's open range.
	coarse := func(q int) float32 {
		return float32(values[q]) + float32(float32(w*float32(b))*0.5)
	}
	l, r := -1, -1
	for q := p - 1; q >= 0 && q >= p-16; q-- {
		if mask[q] {
			l = q
			break
		}
	}
	for q := p + 1; q < n && q <= p+16; q++ {
		if mask[q] {
			r = q
			break
		}
	}
	half := float32(w * 0.5)
	switch {
	case l >= 0 && r >= 0:
		dl, dr := float32(p-l), float32(r-p)
		c = float32(float32((float32(values[l])+half)*dr)+float32((float32(values[r])+half)*dl)) / (dl + dr)
		spread = min(dl, dr)
	case l >= 0:
		c, spread = float32(values[l])+half, float32(p-l)
	case r >= 0:
		c, spread = float32(values[r])+half, float32(r-p)
	case p > 0:
		c, spread = coarse(p-1), 16
	case p+1 < n:
		c, spread = coarse(p+1), 16
	default:
		c, spread = coarse(p), 16
	}
	return c, spread
}

// neighbourCDF is neighbourModel for branching factor 65536 (one stage
// over the whole value, as OA-ARDM): the same density, given through its
// closed-form CDF (a CDFPredictor), mixed with 1e-6 of the uniform.
type neighbourCDF struct{ neighbourModel }

func (m neighbourCDF) Predict(stage, t int, values []uint16, mask []bool, pos []int, dst []float32) {
	panic("coder: test: Predict on a CDF model")
}

func (m neighbourCDF) PredictCDF(stage, t int, values []uint16, mask []bool, pos []int) func(j, v int) float64 {
	if m.b != cdfBranching || stage != 1 {
		panic("coder: test: neighbourCDF is one stage of 65536 values")
	}
	cs := make([]float64, len(pos))
	sig := make([]float64, len(pos))
	for j, p := range pos {
		c, spread := m.centre(values, mask, p, 1)
		cs[j] = float64(c)
		sig[j] = float64(float64(m.scale)*float64(spread)) + 1.0/8
	}
	return func(j, v int) float64 { return neighbourCDFAt(cs[j], sig[j], v) }
}

// neighbourCDFAt is P(value < v) for the density centred on c with scale
// sigma: non-decreasing in v by construction (every step is monotone).
func neighbourCDFAt(c, sigma float64, v int) float64 {
	u := (float64(v) - 0.5 - c) / sigma
	G := 1 - 0.5/(1+u)
	if u < 0 {
		G = 0.5 / (1 - u)
	}
	return float64((1-1e-6)*G) + float64(1e-6*float64(v))/cdfBranching
}

// tailMass is the probability of [a, b) under the density 0.5/(1+|u|)^2,
// written so that no difference of nearly equal numbers loses precision
// and every product is rounded explicitly.
func tailMass(a, b float64) float64 {
	switch {
	case a >= 0:
		return 0.5 * (b - a) / float64(float64(1+a)*float64(1+b))
	case b <= 0:
		return 0.5 * (b - a) / float64(float64(1-a)*float64(1-b))
	}
	return 1 - 0.5/(1-a) - 0.5/(1+b)
}
