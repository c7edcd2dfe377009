// Package mixture holds the arithmetic of package ardm's mixture head
// (ardm's doc.go, "Mixture head"), shared by the training loss (package
// ardm/train, graph_mixture.go) and the inference path (ardm's
// predict_mixture.go). It runs in float64 with the deterministic
// functions of package kernels and every product rounded explicitly (no FMA
// fusion), so the inference probabilities are bit-identical on every
// machine, and training optimises exactly what inference computes.
//
// The 3K outputs of a position are, in order, the K weight logits w_k, the
// K locations mu_k and the K log scales l_k. For a logistic component the
// mass of an interval [lo, hi) of u is sigma(zh) - sigma(zl) with z = (u -
// mu) / s, computed as sigma(zh) * sigma(-zl) * (1 - e^-(zh-zl)): an exact
// identity whose factors are all accurate, whether the interval is in the
// centre or far in either tail, and however narrow it is.
package mixture

import (
	"math"

	"github.com/ardm-dev/ardm/ardm/internal/kernels"
	"github.com/ardm-dev/ardm/stages"
)

// Eps is the weight of the uniform distribution mixed into every
// distribution, so that no digit has probability zero (ardm.MixtureEps).
const Eps = 1e-4

// MinLogScale is the clamp on the log scales.
const MinLogScale = -9

// Comp is one component of a position's mixture, in u units.
type Comp struct {
	Pi   float64 // softmax(w)_k
	Mu   float64 // location
	Inv  float64 // 1/scale = exp(-max(l, MinLogScale))
	Free bool    // l > MinLogScale: the log scale receives a gradient
}

// Comps reads the K components from out (3K outputs of one
// position) into dst (len K).
func Comps(out []float32, dst []Comp) {
	K := len(dst)
	if len(out) != 3*K {
		panic("mixture: output length is not 3K")
	}
	m := out[0]
	for _, v := range out[1:K] {
		if v > m {
			m = v
		}
	}
	var sum float64
	for k := range dst {
		e := kernels.Exp(float64(out[k]) - float64(m))
		dst[k].Pi = e
		sum += e
	}
	inv := 1 / sum
	for k := range dst {
		c := &dst[k]
		c.Pi = float64(c.Pi * inv)
		c.Mu = float64(out[K+k])
		l := float64(out[2*K+k])
		c.Free = l > MinLogScale
		if !c.Free {
			l = MinLogScale
		}
		c.Inv = kernels.Exp(-l)
	}
}

// sigPair returns sigma(z) and sigma(-z), each to full relative precision
// (sigPair(+Inf) = (1, 0), sigPair(-Inf) = (0, 1)).
func sigPair(z float64) (pos, neg float64) {
	switch {
	case math.IsInf(z, 1):
		return 1, 0
	case math.IsInf(z, -1):
		return 0, 1
	case z >= 0:
		e := kernels.Exp(-z)
		d := 1 + e
		return 1 / d, e / d
	default:
		e := kernels.Exp(z)
		d := 1 + e
		return e / d, 1 / d
	}
}

// oneMinusExpNeg returns 1 - e^-x for x >= 0 (1 for x = +Inf), accurate
// for small x too.
func oneMinusExpNeg(x float64) float64 {
	if x >= 0.5 {
		return 1 - kernels.Exp(-x) // kernels.Exp clamps, so +Inf gives 1
	}
	// 1 - e^-x = x (1 - x/2 (1 - x/3 (1 - ...))), to degree 16: truncation
	// below 0.5^17/17! relative.
	r := 1.0
	for j := 16; j >= 2; j-- {
		r = 1 - float64(float64(x/float64(j))*r)
	}
	return float64(x * r)
}

// Geom is the geometry of one stage of the mixture head in u units:
// stage s's known bin has width W (2^(16-(s-1)log2 b)), its b sub-bins
// width w = W/b, and u = (v - 32768 - c) / unit with c the bin's centre
// and unit = min(g, W) (doc.go, "Mixture head").
type Geom struct {
	B      int     // the branching factor b
	W, Sub float64 // the known bin's width W and a sub-bin's, W/b
	Unit   float64 // min(g, W)
}

// NewGeom returns the geometry of stage for branching factor b at a
// position with level g.
// It is the one place the unit min(g, W) is chosen: the training loss,
// the probability tables, TargetBits and sampling all build their edges
// here.
func NewGeom(b, stage int, g float64) Geom {
	W := int64(1) << uint(16-(stage-1)*stages.DigitBits(b))
	return Geom{B: b, W: float64(W), Sub: float64(W / int64(b)), Unit: math.Min(g, float64(W))}
}

// Edge is the lower edge of sub-bin j in u units: -Inf for j = 0, +Inf for
// j = b, else (j*w - W/2 - 1/2) / unit.
func (bg Geom) Edge(j int) float64 {
	switch {
	case j <= 0:
		return math.Inf(-1)
	case j >= bg.B:
		return math.Inf(1)
	}
	return (float64(float64(j)*bg.Sub) - bg.W/2 - 0.5) / bg.Unit
}

// Width is the width of an interior sub-bin in u units.
func (bg Geom) Width() float64 { return bg.Sub / bg.Unit }

// Mass is the mass of component c in [lo, hi) with interior width
// delta (used when both edges are finite), and the sigmoids at the edges.
type Mass struct {
	D        float64 // the mass
	Zl, Zh   float64 // standardised edges
	Dzl, Dzh float64 // sigma'(zl), sigma'(zh); 0 at infinite edges
}

// Mass computes the mass of c between the edges lo < hi (u units).
func (c *Comp) Mass(lo, hi, delta float64) Mass {
	var r Mass
	r.Zl = float64((lo - c.Mu) * c.Inv)
	r.Zh = float64((hi - c.Mu) * c.Inv)
	pl, nl := sigPair(r.Zl)
	ph, nh := sigPair(r.Zh)
	t := 1.0
	finL, finH := !math.IsInf(lo, 0), !math.IsInf(hi, 0)
	if finL && finH {
		t = oneMinusExpNeg(float64(delta * c.Inv))
	}
	r.D = float64(float64(ph*nl) * t)
	if finL {
		r.Dzl = float64(pl * nl)
	}
	if finH {
		r.Dzh = float64(ph * nh)
	}
	return r
}

// Prob is the probability of digit j under the components: (1-Eps) *
// sum_k pi_k mass_k(sub-bin j) + Eps/b, in float64.
func Prob(comps []Comp, bg Geom, j int) float64 {
	lo, hi, delta := bg.Edge(j), bg.Edge(j+1), bg.Width()
	var p float64
	for k := range comps {
		m := comps[k].Mass(lo, hi, delta)
		p += float64(comps[k].Pi * m.D)
	}
	return float64((1-Eps)*p) + Eps/float64(bg.B)
}

// CDF is P(digit <= j): (1-Eps) F(edge(j+1)) + Eps (j+1)/b.
func CDF(comps []Comp, bg Geom, j int) float64 {
	if j >= bg.B-1 {
		return 1
	}
	if j < 0 {
		return 0
	}
	e := bg.Edge(j + 1)
	var F float64
	for k := range comps {
		p, _ := sigPair(float64((e - comps[k].Mu) * comps[k].Inv))
		F += float64(comps[k].Pi * p)
	}
	return float64((1-Eps)*F) + float64(Eps*float64(j+1))/float64(bg.B)
}

// Probs writes the b digit probabilities, rounded to float32, to dst.
// Each equals float32(Prob(comps, bg, j)) bit for bit; the sigmoids of
// each interior edge are computed once.
func Probs(comps []Comp, bg Geom, acc []float64, dst []float32) {
	b := bg.B
	if len(dst) != b || len(acc) != b {
		panic("mixture: probability buffer length is not b")
	}
	clear(acc)
	delta := bg.Width()
	for k := range comps {
		c := &comps[k]
		t := oneMinusExpNeg(float64(delta * c.Inv))
		// Walk the edges upward; nl is sigma(-z) at the lower edge.
		nl := 1.0
		for j := 0; j < b; j++ {
			ph, nh := 1.0, 0.0 // the upper edge of the last sub-bin is +Inf
			if j+1 < b {
				ph, nh = sigPair(float64((bg.Edge(j+1) - c.Mu) * c.Inv))
			}
			tj := 1.0
			if j > 0 && j+1 < b {
				tj = t
			}
			d := float64(float64(ph*nl) * tj)
			acc[j] += float64(c.Pi * d)
			nl = nh
		}
	}
	for j, p := range acc {
		dst[j] = float32(float64((1-Eps)*p) + Eps/float64(b))
	}
}
