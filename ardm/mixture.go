package ardm

import (
	"github.com/ardm-dev/ardm/ardm/internal/kernels"
	"math"
)

// The mixture head (doc.go, "Mixture head"): the arithmetic shared by the
// training loss (graph_mixture.go) and the inference path
// (predict_mixture.go). It runs in float64 with the deterministic
// functions of mathf.go and every product rounded explicitly (no FMA
// fusion), so the inference probabilities are bit-identical on every
// machine, and training optimises exactly what inference computes.
//
// The 3K outputs of a position are, in order, the K weight logits w_k, the
// K locations mu_k and the K log scales l_k. For a logistic component the
// mass of an interval [lo, hi) of u is sigma(zh) - sigma(zl) with z = (u -
// mu) / s, computed as sigma(zh) * sigma(-zl) * (1 - e^-(zh-zl)): an exact
// identity whose factors are all accurate, whether the interval is in the
// centre or far in either tail, and however narrow it is.

// minLogScale is the clamp on the log scales.
const minLogScale = -9

// mixComp is one component of a position's mixture, in u units.
type mixComp struct {
	pi   float64 // softmax(w)_k
	mu   float64 // location
	inv  float64 // 1/scale = exp(-max(l, minLogScale))
	free bool    // l > minLogScale: the log scale receives a gradient
}

// mixtureComps reads the K components from out (3K outputs of one
// position) into dst (len K).
func mixtureComps(out []float32, dst []mixComp) {
	K := len(dst)
	if len(out) != 3*K {
		panic("ardm: mixture: output length is not 3K")
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
		dst[k].pi = e
		sum += e
	}
	inv := 1 / sum
	for k := range dst {
		c := &dst[k]
		c.pi = float64(c.pi * inv)
		c.mu = float64(out[K+k])
		l := float64(out[2*K+k])
		c.free = l > minLogScale
		if !c.free {
			l = minLogScale
		}
		c.inv = kernels.Exp(-l)
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
		return 1 - kernels.Exp(-x) // expDet clamps, so +Inf gives 1
	}
	// 1 - e^-x = x (1 - x/2 (1 - x/3 (1 - ...))), to degree 16: truncation
	// below 0.5^17/17! relative.
	r := 1.0
	for j := 16; j >= 2; j-- {
		r = 1 - float64(float64(x/float64(j))*r)
	}
	return float64(x * r)
}

// binGeom is the geometry of one stage of the mixture head in u units:
// stage s's known bin has width W (2^(16-(s-1)log2 b)), its b sub-bins
// width w = W/b, and u = (v - 32768 - c) / unit with c the bin's centre
// and unit = min(g, W) (doc.go, "Mixture head").
type binGeom struct {
	b    int
	W, w float64
	unit float64
}

// newBinGeom returns the geometry of stage for a position with level g.
// It is the one place the unit min(g, W) is chosen: the training loss,
// the probability tables, TargetBits and sampling all build their edges
// here.
func newBinGeom(cfg Config, stage int, g float64) binGeom {
	W := int64(1) << uint(16-(stage-1)*cfg.DigitBits())
	return binGeom{b: cfg.Branching, W: float64(W), w: float64(W / int64(cfg.Branching)), unit: math.Min(g, float64(W))}
}

// edge is the lower edge of sub-bin j in u units: -Inf for j = 0, +Inf for
// j = b, else (j*w - W/2 - 1/2) / unit.
func (bg binGeom) edge(j int) float64 {
	switch {
	case j <= 0:
		return math.Inf(-1)
	case j >= bg.b:
		return math.Inf(1)
	}
	return (float64(float64(j)*bg.w) - bg.W/2 - 0.5) / bg.unit
}

// width is the width of an interior sub-bin in u units.
func (bg binGeom) width() float64 { return bg.w / bg.unit }

// compMass is the mass of component c in [lo, hi) with interior width
// delta (used when both edges are finite), and the sigmoids at the edges.
type compMass struct {
	d        float64 // the mass
	zl, zh   float64 // standardised edges
	dzl, dzh float64 // sigma'(zl), sigma'(zh); 0 at infinite edges
}

// mass computes the mass of c between the edges lo < hi (u units).
func (c *mixComp) mass(lo, hi, delta float64) compMass {
	var r compMass
	r.zl = float64((lo - c.mu) * c.inv)
	r.zh = float64((hi - c.mu) * c.inv)
	pl, nl := sigPair(r.zl)
	ph, nh := sigPair(r.zh)
	t := 1.0
	finL, finH := !math.IsInf(lo, 0), !math.IsInf(hi, 0)
	if finL && finH {
		t = oneMinusExpNeg(float64(delta * c.inv))
	}
	r.d = float64(float64(ph*nl) * t)
	if finL {
		r.dzl = float64(pl * nl)
	}
	if finH {
		r.dzh = float64(ph * nh)
	}
	return r
}

// mixProb is the probability of digit j under the components: (1-Eps) *
// sum_k pi_k mass_k(sub-bin j) + Eps/b, in float64.
func mixProb(comps []mixComp, bg binGeom, j int) float64 {
	lo, hi, delta := bg.edge(j), bg.edge(j+1), bg.width()
	var p float64
	for k := range comps {
		m := comps[k].mass(lo, hi, delta)
		p += float64(comps[k].pi * m.d)
	}
	return float64((1-MixtureEps)*p) + MixtureEps/float64(bg.b)
}

// mixCDF is P(digit <= j): (1-Eps) F(edge(j+1)) + Eps (j+1)/b.
func mixCDF(comps []mixComp, bg binGeom, j int) float64 {
	if j >= bg.b-1 {
		return 1
	}
	if j < 0 {
		return 0
	}
	e := bg.edge(j + 1)
	var F float64
	for k := range comps {
		p, _ := sigPair(float64((e - comps[k].mu) * comps[k].inv))
		F += float64(comps[k].pi * p)
	}
	return float64((1-MixtureEps)*F) + float64(MixtureEps*float64(j+1))/float64(bg.b)
}

// mixProbs writes the b digit probabilities, rounded to float32, to dst.
// Each equals float32(mixProb(comps, bg, j)) bit for bit; the sigmoids of
// each interior edge are computed once.
func mixProbs(comps []mixComp, bg binGeom, acc []float64, dst []float32) {
	b := bg.b
	if len(dst) != b || len(acc) != b {
		panic("ardm: mixture: probability buffer length is not b")
	}
	clear(acc)
	delta := bg.width()
	for k := range comps {
		c := &comps[k]
		t := oneMinusExpNeg(float64(delta * c.inv))
		// Walk the edges upward; nl is sigma(-z) at the lower edge.
		nl := 1.0
		for j := 0; j < b; j++ {
			ph, nh := 1.0, 0.0 // the upper edge of the last sub-bin is +Inf
			if j+1 < b {
				ph, nh = sigPair(float64((bg.edge(j+1) - c.mu) * c.inv))
			}
			tj := 1.0
			if j > 0 && j+1 < b {
				tj = t
			}
			d := float64(float64(ph*nl) * tj)
			acc[j] += float64(c.pi * d)
			nl = nh
		}
	}
	for j, p := range acc {
		dst[j] = float32(float64((1-MixtureEps)*p) + MixtureEps/float64(b))
	}
}

// initHeadBias sets the initial output biases of the mixture head: equal
// weights, log scales 0 (scale one unit, min(g, W)) and locations spread
// evenly over [-1/2, 1/2] units so that the components start apart (with
// equal locations their gradients would be equal and they would never
// separate). The softmax head keeps zero biases.
func initHeadBias(w *Weights) {
	cfg := w.Config
	if cfg.Head != HeadMixture || cfg.Mixtures < 2 {
		return
	}
	K := cfg.Mixtures
	for k := 0; k < K; k++ {
		w.OutB[K+k] = float32(float64(k)/float64(K-1) - 0.5)
	}
}
