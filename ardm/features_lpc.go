package ardm

import "math"

// Feature set 2 (FeaturesLPC) adds to set 1 an AR model's two-sided
// interpolation of every position. Per block of lpcFeatBlock positions, an
// order-lpcFeatOrder prediction-error filter alpha (alpha_0 = 1) is fitted
// by Levinson-Durbin to the autocorrelation r of the Welch-windowed coarse
// signal (x^(s-1) mid-bin, centred; mask independent), with the coarse
// quantisation noise W_(s-1)^2/12 per windowed sample added to r[0]. The
// best linear interpolation of x_i from all other samples of that AR
// process, with rho_k = sum_j alpha_j alpha_(j+k), is
//
//	xhat_i = -(sum_(k=1..p) rho_k (a[i-k] + a[i+k])) / rho_0
//
// taken over the centres a (edges repeat), and its error variance is
// E / rho_0 per sample (E: the final prediction error over the window's
// energy). The features are
//
//	f13 = (xhat_i - a_i) / W_i, clipped to [-4, 4]
//	f14 = sqrt(sqrt(sqrt(E / (wsum rho_0)) / W_i)), clipped to 4
//
// Every product is rounded explicitly (float64(x*y)) so no multiply-add is
// fused: the features are the same on every machine.

// FeaturesLPC is feature set 2.
const FeaturesLPC = 2

const (
	numLPCFeat   = 2
	lpcFeatOrder = 16
	lpcFeatBlock = 1024
)

// lpcFit is the AR interpolator of one block of lpcFeatBlock positions.
type lpcFit struct {
	rho      [lpcFeatOrder + 1]float64
	den, sig float64
}

// lpcFeatures writes f13, f14 of every position at dst[i*F+off:].
func (sc *FeatureBuffers) lpcFeatures(cfg Config, stage int, values []uint16, a []float64, wFine, wCoarse int64, mask []bool, dst []float32, off int) {
	n, F := len(values), cfg.NumFeatures()
	fits := sc.lpcFits(cfg, stage, values, wCoarse)
	at := edge[float64]
	const p = lpcFeatOrder
	sc.each(n, func(from, to int) {
		for i := from; i < to; i++ {
			fit := &fits[i/lpcFeatBlock]
			w := wCoarse
			if mask[i] {
				w = wFine
			}
			fw := float64(w)
			s := 0.0
			for k := 1; k <= p; k++ {
				s += float64(fit.rho[k] * float64(at(a, i-k)+at(a, i+k)))
			}
			xhat := -s / fit.den
			d := dst[i*F+off : i*F+off+numLPCFeat]
			e := (xhat - a[i]) / fw
			if e > 4 {
				e = 4
			} else if e < -4 {
				e = -4
			}
			d[0] = float32(e)
			q := math.Sqrt(math.Sqrt(fit.sig / fw))
			if q > 4 {
				q = 4
			}
			d[1] = float32(q)
		}
	})
}

// lpcFits returns the AR fit of every block. The fit depends only on the
// coarse signal, which stays the same through a stage while its positions
// are revealed, so the fits of the last call are reused when the coarse
// signal (and so the stage's level) is unchanged: the coder's later calls
// in a stage skip the autocorrelations and Levinson-Durbin.
func (sc *FeatureBuffers) lpcFits(cfg Config, stage int, values []uint16, wCoarse int64) []lpcFit {
	n := len(values)
	cs := grow(&sc.coarseF, n)
	same := len(sc.lpcCoarse) == n && sc.lpcWCoarse == wCoarse
	for i, v := range coarseCentred(cfg, stage, values, wCoarse, grow(&sc.coarse, n)) {
		cs[i] = float64(v)
		same = same && cs[i] == sc.lpcCoarse[i]
	}
	nb := (n + lpcFeatBlock - 1) / lpcFeatBlock
	if same && len(sc.fits) == nb {
		return sc.fits
	}
	sc.lpcCoarse = append(sc.lpcCoarse[:0], cs...)
	sc.lpcWCoarse = wCoarse
	fits := grow(&sc.fits, nb)
	const p = lpcFeatOrder
	var r [p + 1]float64
	var alpha, tmp [p + 1]float64
	qn := float64(wCoarse) * float64(wCoarse) / 12
	for b0 := 0; b0 < n; b0 += lpcFeatBlock {
		b1 := min(n, b0+lpcFeatBlock)
		L := b1 - b0
		fit := &fits[b0/lpcFeatBlock]
		// Welch-windowed block.
		wx := grow(&sc.windowed, L)
		wsum := 0.0
		for j := 0; j < L; j++ {
			w := 1.0
			if L > 1 {
				u := float64(2*j-(L-1)) / float64(L-1)
				w = 1 - float64(u*u)
			}
			wx[j] = float64(w * cs[b0+j])
			wsum += float64(w * w)
		}
		for k := 0; k <= p; k++ {
			s := 0.0
			for j := 0; j+k < L; j++ {
				s += float64(wx[j] * wx[j+k])
			}
			r[k] = s
		}
		r[0] += float64(qn * wsum)
		r[0] = float64(r[0] * (1 + 1e-9))
		for k := range alpha {
			alpha[k] = 0
		}
		alpha[0] = 1
		E := r[0]
		if E > 0 {
			for m := 1; m <= p; m++ {
				acc := r[m]
				for j := 1; j < m; j++ {
					acc += float64(alpha[j] * r[m-j])
				}
				k := -acc / E
				copy(tmp[:], alpha[:])
				for j := 1; j < m; j++ {
					alpha[j] = tmp[j] + float64(k*tmp[m-j])
				}
				alpha[m] = k
				E = float64(E * (1 - float64(k*k)))
				if !(E > 0) {
					E = 0
					break
				}
			}
		}
		den := 0.0
		for j := 0; j <= p; j++ {
			den += float64(alpha[j] * alpha[j])
		}
		for k := 0; k <= p; k++ {
			s := 0.0
			for j := 0; j+k <= p; j++ {
				s += float64(alpha[j] * alpha[j+k])
			}
			fit.rho[k] = s
		}
		// interpolation error std per sample: E/wsumnorm / den
		varInterp := 0.0
		if wsum > 0 {
			varInterp = E / wsum / den
		}
		fit.den, fit.sig = den, math.Sqrt(varInterp)
	}
	return fits
}
