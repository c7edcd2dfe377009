package ardm

import (
	"math"
	"testing"

	"github.com/ardm-dev/ardm/stages"
)

func TestFeatureSetConfig(t *testing.T) {
	tests := []struct {
		features int
		want     int // NumFeatures, or -1 for a validation error
	}{
		{FeaturesBase, 6},
		{FeaturesInterp, 13},
		{FeaturesLPC, 15},
		{FeaturesFine, 18},
		{4, -1},
		{-1, -1},
	}
	for _, tc := range tests {
		cfg := smallConfig(16, 4, 2, 3)
		cfg.Features = tc.features
		err := cfg.Validate()
		if tc.want < 0 {
			if err == nil {
				t.Errorf("feature set %d: no validation error", tc.features)
			}
			continue
		}
		if err != nil {
			t.Errorf("feature set %d: %v", tc.features, err)
		}
		if got := cfg.NumFeatures(); got != tc.want {
			t.Errorf("feature set %d: %d features, want %d", tc.features, got, tc.want)
		}
		if got, want := len(NewWeights(cfg, 1).InW), tc.want*cfg.Channels; got != want {
			t.Errorf("feature set %d: InW has %d values, want %d", tc.features, got, want)
		}
	}
}

// TestInterpFeatures checks f6..f11 against a direct float64 transcription
// of their definitions in Features' comment, on hand-made stage inputs.
func TestInterpFeatures(t *testing.T) {
	cfg := smallConfig(16, 4, 2, 3)
	cfg.Features = FeaturesInterp
	const stage = 3 // W = 256 unrevealed, 16 revealed
	tests := []struct {
		name string
		x    []int // signed samples
		mask []bool
	}{
		{"ramp-some-revealed", []int{-900, -700, -500, -300, -100, 100, 300, 500, 700, 900},
			[]bool{false, true, false, false, true, false, false, false, true, false}},
		{"curve-dense", []int{0, 50, 400, 1350, 3200, 6250, 10800, 17150, 25600, 31000, 32000, 31500, 30000},
			[]bool{true, true, false, true, true, false, true, true, false, true, false, true, true}},
		{"none-revealed", []int{10, 400, -300, 1200, 5, -5, 80}, make([]bool, 7)},
		{"one-side", []int{3000, 2900, 2500, 2000, 1000, -1000},
			[]bool{true, false, false, false, false, false}},
		{"all-revealed", []int{-20000, 15000, 31000, -32768, 32767, 0, 77, -77},
			[]bool{true, true, true, true, true, true, true, true}},
		{"single", []int{1234}, []bool{true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := len(tc.x)
			values := make([]uint16, n)
			a := make([]float64, n)      // centres a_i
			coarse := make([]float64, n) // coarse signal, mid-bin, centred
			W := make([]float64, n)
			for i, v := range tc.x {
				u := uint16(v + 32768)
				k := 2 * 4 // known top bits before stage 3
				if tc.mask[i] {
					k = 3 * 4
				}
				values[i] = stages.KeepTopBits(u, k)
				W[i] = float64(int(1) << (16 - k))
				a[i] = float64(values[i]) + W[i]/2 - 32768
				coarse[i] = float64(stages.KeepTopBits(u, 8)) + 128 - 32768
			}
			got := make([]float32, n*cfg.NumFeatures())
			Features(cfg, stage, values, tc.mask, got)
			at := func(v []float64, j int) float64 { return v[max(0, min(n-1, j))] }
			p2err := func(v []float64, i int) float64 {
				return (-at(v, i-2)+4*at(v, i-1)+4*at(v, i+1)-at(v, i+2))/6 - v[i]
			}
			clip := func(x float64) float64 { return math.Max(-4, math.Min(4, x)) }
			// nearest is the closest revealed position beyond i in
			// direction dir (-1 or 1), or -1.
			nearest := func(i, dir int) int {
				for j := i + dir; j >= 0 && j < n; j += dir {
					if tc.mask[j] {
						return j
					}
				}
				return -1
			}
			for i := 0; i < n; i++ {
				p1 := (at(a, i-1) + at(a, i+1)) / 2
				p3 := (3*at(a, i-3) - 18*at(a, i-2) + 45*at(a, i-1) + 45*at(a, i+1) - 18*at(a, i+2) + 3*at(a, i+3)) / 60
				var ss float64
				lo, hi := max(0, i-InterpHalfWindow), min(n, i+InterpHalfWindow+1)
				for j := lo; j < hi; j++ {
					e := p2err(coarse, j)
					ss += e * e
				}
				r := math.Sqrt(ss / float64(hi-lo))
				l, rr := nearest(i, -1), nearest(i, 1)
				pn, close := a[i], 0.0
				switch {
				case l >= 0 && rr >= 0:
					dl, dr := float64(i-l), float64(rr-i)
					pn, close = (a[l]*dr+a[rr]*dl)/(dl+dr), 2/(dl+dr)
				case l >= 0:
					pn, close = a[l], 1/float64(i-l)
				case rr >= 0:
					pn, close = a[rr], 1/float64(rr-i)
				}
				cubic := 0.0
				if l >= 0 && rr >= 0 {
					l2, r2 := nearest(l, -1), nearest(rr, 1)
					if l2 >= 0 && r2 >= 0 && i-l2 <= 64 && r2-i <= 64 {
						pts := []int{l2, l, rr, r2}
						p := 0.0
						for _, k := range pts {
							wk := 1.0
							for _, m := range pts {
								if m != k {
									wk *= float64(i-m) / float64(k-m)
								}
							}
							p += wk * a[k]
						}
						cubic = clip((p - a[i]) / W[i])
					}
				}
				want := []float64{
					clip((p1 - a[i]) / W[i]),
					clip((p2err(a, i)) / W[i]),
					clip((p3 - a[i]) / W[i]),
					math.Min(4, math.Sqrt(math.Sqrt(r/W[i]))),
					clip((pn - a[i]) / W[i]),
					close,
					cubic,
				}
				F := cfg.NumFeatures()
				for k, w := range want {
					g := float64(got[i*F+numBaseFeatures+k])
					if math.Abs(g-w) > 1e-6*math.Max(1, math.Abs(w)) {
						t.Errorf("position %d: f%d = %v, want %v", i, numBaseFeatures+k, g, w)
					}
				}
			}
		})
	}
}

// TestInterpFeaturesKeepBase checks that the interpolation set leaves the
// base features unchanged.
func TestInterpFeaturesKeepBase(t *testing.T) {
	base := smallConfig(16, 4, 2, 3)
	interp := base
	interp.Features = FeaturesInterp
	values, mask, _ := randomInput(base, 2, 300, 5)
	fb := make([]float32, 300*base.NumFeatures())
	fi := make([]float32, 300*interp.NumFeatures())
	Features(base, 2, values, mask, fb)
	Features(interp, 2, values, mask, fi)
	for i := 0; i < 300; i++ {
		for k := 0; k < numBaseFeatures; k++ {
			if fb[i*base.NumFeatures()+k] != fi[i*interp.NumFeatures()+k] {
				t.Fatalf("position %d: base feature %d differs", i, k)
			}
		}
	}
}

// TestLPCFeatures checks f13, f14 against an independent computation: the
// prediction-error filter from solving the normal equations by Gaussian
// elimination instead of Levinson-Durbin.
func TestLPCFeatures(t *testing.T) {
	cfg := smallConfig(16, 4, 2, 3)
	cfg.Features = FeaturesLPC
	for _, stage := range []int{2, 3, 4} {
		values, mask, _ := randomInput(cfg, stage, 2500, uint64(stage))
		n, F := len(values), cfg.NumFeatures()
		got := make([]float32, n*F)
		Features(cfg, stage, values, mask, got)
		g, a := make([]float64, n), make([]float64, n)
		wFine, wCoarse := Levels(cfg, stage, values, mask, g, a)
		const p = lpcFeatOrder
		for b0 := 0; b0 < n; b0 += lpcFeatBlock {
			b1 := min(n, b0+lpcFeatBlock)
			L := b1 - b0
			x := make([]float64, L)
			wsum := 0.0
			for j := range x {
				u := float64(2*j-(L-1)) / float64(L-1)
				w := 1 - u*u
				c := float64(int64(stages.KeepTopBits(values[b0+j], 4*(stage-1))) + wCoarse/2 - 32768)
				x[j] = w * c
				wsum += w * w
			}
			r := make([]float64, p+1)
			for k := range r {
				for j := 0; j+k < L; j++ {
					r[k] += x[j] * x[j+k]
				}
			}
			r[0] += float64(wCoarse) * float64(wCoarse) / 12 * wsum
			r[0] *= 1 + 1e-9
			// Normal equations R a = -r[1:], alpha = (1, a).
			m := make([][]float64, p)
			for i := range m {
				m[i] = make([]float64, p+1)
				for j := 0; j < p; j++ {
					m[i][j] = r[max(i-j, j-i)]
				}
				m[i][p] = -r[i+1]
			}
			for c := 0; c < p; c++ {
				for i := c + 1; i < p; i++ {
					f := m[i][c] / m[c][c]
					for j := c; j <= p; j++ {
						m[i][j] -= f * m[c][j]
					}
				}
			}
			alpha := make([]float64, p+1)
			alpha[0] = 1
			for i := p - 1; i >= 0; i-- {
				s := m[i][p]
				for j := i + 1; j < p; j++ {
					s -= m[i][j] * alpha[j+1]
				}
				alpha[i+1] = s / m[i][i]
			}
			E := 0.0
			for k := 0; k <= p; k++ {
				E += alpha[k] * r[k]
			}
			rho := make([]float64, p+1)
			for k := range rho {
				for j := 0; j+k <= p; j++ {
					rho[k] += alpha[j] * alpha[j+k]
				}
			}
			at := func(j int) float64 { return a[max(0, min(n-1, j))] }
			for i := b0; i < b1; i++ {
				w := float64(wCoarse)
				if mask[i] {
					w = float64(wFine)
				}
				s := 0.0
				for k := 1; k <= p; k++ {
					s += rho[k] * (at(i-k) + at(i+k))
				}
				want13 := math.Max(-4, math.Min(4, (-s/rho[0]-a[i])/w))
				want14 := math.Min(4, math.Sqrt(math.Sqrt(math.Sqrt(E/wsum/rho[0])/w)))
				g13, g14 := float64(got[i*F+13]), float64(got[i*F+14])
				if math.Abs(g13-want13) > 1e-3*math.Max(1, math.Abs(want13)) || math.Abs(g14-want14) > 1e-4*math.Max(1, want14) {
					t.Fatalf("stage %d position %d: f13, f14 = %v, %v; want %v, %v", stage, i, g13, g14, want13, want14)
				}
			}
		}
	}
}

// TestFeatureScratchReuse checks that features computed with one scratch
// across a run of calls (as a Forwarder makes them: more positions
// revealed in a stage, which reuses the AR fits; a new stage; another
// clip in the same stage) equal freshly computed ones bit for bit.
func TestFeatureScratchReuse(t *testing.T) {
	cfg := smallConfig(16, 4, 2, 3)
	cfg.Features = FeaturesFine
	n, F := 2500, cfg.NumFeatures()
	var sc FeatureBuffers
	check := func(name string, stage int, values []uint16, mask []bool) {
		got, want := make([]float32, n*F), make([]float32, n*F)
		sc.Features(cfg, stage, values, mask, got)
		Features(cfg, stage, values, mask, want)
		if i := firstBitDiff(got, want); i >= 0 {
			t.Fatalf("%s: feature %d of position %d differs from a fresh computation", name, i%F, i/F)
		}
	}
	values, mask, _ := randomInput(cfg, 2, n, 1)
	check("stage 2", 2, values, mask)
	more := append([]uint16(nil), values...)
	mask2 := append([]bool(nil), mask...)
	for i := 0; i < n; i += 3 {
		if !mask2[i] { // reveal a stage-2 digit (bits 8..11): the coarse signal stays
			mask2[i] = true
			more[i] = values[i] | uint16(i*7%16)<<8
		}
	}
	check("stage 2, more revealed", 2, more, mask2)
	v3, m3, _ := randomInput(cfg, 3, n, 1)
	check("stage 3", 3, v3, m3)
	other, om, _ := randomInput(cfg, 3, n, 9)
	check("another clip, stage 3", 3, other, om)
}

// TestFeaturesSplit checks that splitting the per-position loops across
// goroutines (FeatureBuffers.workers) gives the serial features bit for bit.
func TestFeaturesSplit(t *testing.T) {
	cfg := smallConfig(2, 4, 2, 3)
	cfg.Features = FeaturesFine
	n, F := 10007, cfg.NumFeatures()
	for _, stage := range []int{1, 5, 12} {
		values, mask, _ := randomInput(cfg, stage, n, uint64(stage))
		want := make([]float32, n*F)
		Features(cfg, stage, values, mask, want)
		for _, workers := range []int{2, 3, 8} {
			sc := FeatureBuffers{workers: workers}
			got := make([]float32, n*F)
			sc.Features(cfg, stage, values, mask, got)
			if i := firstBitDiff(got, want); i >= 0 {
				t.Fatalf("stage %d, %d workers: feature %d of position %d differs", stage, workers, i%F, i/F)
			}
		}
	}
}
