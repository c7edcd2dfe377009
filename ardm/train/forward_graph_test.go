package train

import (
	"math"
	"testing"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/ardm/internal/fixture"
)

// TestForwardMatchesGraph checks the inference kernels against the
// gorgonia training graph on random weights.
func TestForwardMatchesGraph(t *testing.T) {
	tests := []struct {
		name                  string
		b, ch, layers, kernel int
		stage, n              int
		features              int
	}{
		{"b16", 16, 8, 3, 3, 2, 300, ardm.FeaturesBase},
		{"b4", 4, 10, 4, 3, 6, 200, ardm.FeaturesBase},
		{"b2-kernel5", 2, 6, 2, 5, 11, 120, ardm.FeaturesBase},
		{"b16-interp", 16, 8, 3, 3, 4, 300, ardm.FeaturesInterp},
		{"b16-lpc", 16, 8, 3, 3, 3, 1100, ardm.FeaturesLPC},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := smallConfig(tc.b, tc.ch, tc.layers, tc.kernel)
			cfg.Features = tc.features
			w := randomWeights(cfg, 21)
			values, mask, rev := randomInput(cfg, tc.stage, tc.n, 22)
			want, err := graphForward(w, tc.stage, rev, values, mask)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]float32, tc.n*cfg.Outputs())
			w.Forward(tc.stage, rev, values, mask, got)
			want64 := make([]float64, len(want))
			for i, v := range want {
				want64[i] = float64(v)
			}
			if e := fixture.MaxRelErr(got, want64); e > 1e-5 || math.IsNaN(e) {
				t.Fatalf("max relative error vs gorgonia %.3g > 1e-5", e)
			}
		})
	}
}
