package ardm

import (
	"fmt"

	"github.com/ardm-dev/ardm/ardm/internal/mixture"
)

// PredictCDF runs the network once on the stage input (as Predict) and
// returns the cumulative distribution of digit stage at each position
// pos[j]: cdf(j, v) = P(digit < v) for 0 <= j < len(pos), 0 <= v <= b.
// It implements coder.CDFPredictor, which the coder uses for OA-ARDM (b =
// 65536): no b-entry table is built.
//
// With the mixture head cdf is the closed form of doc.go,
// (1-Eps) F(edge(v)) + Eps v/b with F the logistic mixture at the lower
// edge of digit v (mixCDF), on the deterministic arithmetic of
// mixture.go: bit-identical on every machine, and non-decreasing in v up
// to the rounding of the sigmoids (far below 1e-12). With the softmax
// head it is the running sum of Predict's probabilities (in float64, in
// digit order) over their total, non-decreasing by construction.
//
// The returned function owns its data: it stays valid and unchanged
// after later calls, and is safe for concurrent use.
func (p *Predictor) PredictCDF(stage, t int, values []uint16, mask []bool, pos []int) func(j, v int) float64 {
	cfg := p.m.Config()
	b, O, K := cfg.Branching, cfg.Outputs(), cfg.Mixtures
	if len(pos) == 0 {
		return func(j, v int) float64 { panic("ardm: PredictCDF: no positions") }
	}
	if cfg.Head != HeadMixture {
		probs := make([]float32, len(pos)*b)
		p.Predict(stage, t, values, mask, pos, probs)
		cum := make([]float64, len(pos)*(b+1))
		for j := range pos {
			c := cum[j*(b+1) : (j+1)*(b+1)]
			for d, q := range probs[j*b : (j+1)*b] {
				c[d+1] = c[d] + float64(q)
			}
		}
		return func(j, v int) float64 {
			c := cum[j*(b+1) : (j+1)*(b+1)]
			return c[v] / c[b]
		}
	}
	logits := p.mixLogits(len(pos) * O)
	p.fw.ForwardAt(stage, t, values, mask, pos, logits)
	g := p.mixLevels(stage, values, mask)
	comps := make([]mixture.Comp, len(pos)*K)
	geoms := make([]mixture.Geom, len(pos))
	for j, i := range pos {
		mixture.Comps(logits[j*O:(j+1)*O], comps[j*K:(j+1)*K])
		geoms[j] = mixture.NewGeom(cfg.Branching, stage, g[i])
	}
	return func(j, v int) float64 {
		if v < 0 || v > b {
			panic(fmt.Sprintf("ardm: PredictCDF: value %d out of range 0..%d", v, b))
		}
		return mixture.CDF(comps[j*K:(j+1)*K], geoms[j], v-1)
	}
}

// PredictCDF is Predictor.PredictCDF on a borrowed Predictor; the
// returned function does not use the Predictor's buffers.
func (pp *PredictorPool) PredictCDF(stage, t int, values []uint16, mask []bool, pos []int) func(j, v int) float64 {
	p := pp.get()
	defer pp.put(p)
	return p.PredictCDF(stage, t, values, mask, pos)
}
