package ardm

import (
	"math"
	"testing"

	"github.com/ardm-dev/ardm/stages"
)

// TestFineFeatures checks f15..f17 against a direct transcription of their
// definition (features_fine.go): for every position, a scan of its window
// and, for every revealed position in it, a search for its nearest revealed
// neighbours.
func TestFineFeatures(t *testing.T) {
	cfg := smallConfig(16, 4, 2, 3)
	cfg.Features = FeaturesFine
	for _, tc := range []struct {
		stage, n int
		seed     uint64
	}{{2, 700, 1}, {3, 1500, 2}, {4, 300, 3}, {4, 1, 4}, {1, 200, 5}} {
		values, mask, _ := randomInput(cfg, tc.stage, tc.n, tc.seed)
		n, F := len(values), cfg.NumFeatures()
		got := make([]float32, n*F)
		Features(cfg, tc.stage, values, mask, got)
		g, a := make([]float64, n), make([]float64, n)
		wFine, wCoarse := Levels(cfg, tc.stage, values, mask, g, a)
		coarse := func(j int) float64 {
			j = max(0, min(n-1, j))
			return float64(int64(stages.KeepTopBits(values[j], 4*(tc.stage-1))) + wCoarse/2 - 32768)
		}
		nearest := func(j, dir int) int {
			for k := j + dir; k >= 0 && k < n; k += dir {
				if mask[k] {
					return k
				}
			}
			return -1
		}
		off := numBaseFeatures + numInterpFeatures + numLPCFeat
		revealed := 0
		for i := 0; i < n; i++ {
			var sc, sn float64
			var nc, nn int
			for j := max(0, i-FineHalfWindow); j <= min(n-1, i+FineHalfWindow); j++ {
				if !mask[j] {
					continue
				}
				p2 := (-coarse(j-2) + 4*coarse(j-1) + 4*coarse(j+1) - coarse(j+2)) / 6
				sc += (a[j] - p2) * (a[j] - p2)
				nc++
				l, r := nearest(j, -1), nearest(j, 1)
				if l < 0 || r < 0 {
					continue
				}
				pn := (a[l]*float64(r-j) + a[r]*float64(j-l)) / float64(r-l)
				sn += (a[j] - pn) * (a[j] - pn)
				nn++
			}
			w := float64(wCoarse)
			if mask[i] {
				w = float64(wFine)
				revealed++
			}
			root := func(s float64, c int) float64 {
				if c == 0 {
					return 0
				}
				return math.Min(4, math.Pow(math.Sqrt(s/float64(c))/w, 0.25))
			}
			want := []float64{root(sc, nc), root(sn, nn), math.Sqrt(float64(nc) / (2*FineHalfWindow + 1))}
			for k, wv := range want {
				if gv := float64(got[i*F+off+k]); math.Abs(gv-wv) > 1e-5*math.Max(1, wv) {
					t.Fatalf("stage %d n %d position %d: f%d = %v, want %v", tc.stage, tc.n, i, 15+k, gv, wv)
				}
			}
		}
		if tc.n > 100 && (revealed == 0 || revealed == n) {
			t.Fatalf("stage %d: the random input reveals %d of %d positions; the test needs a mix", tc.stage, revealed, n)
		}
	}
}
