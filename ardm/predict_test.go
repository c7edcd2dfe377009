package ardm

import (
	"math"
	"testing"

	"github.com/ardm-dev/ardm/coder"
)

var _ coder.Predictor = (*Predictor)(nil)

func TestPredictorProbabilities(t *testing.T) {
	cfg := smallConfig(4, 8, 3, 3)
	cfg.FrameLen = 300
	m := NewModel(randomWeights(cfg, 9))
	p := NewPredictor(m)
	if p.FrameLen() != 300 || p.Branching() != 4 || p.Hash() != m.Hash() {
		t.Fatal("metadata wrong")
	}
	n := 300
	values, mask, rev := randomInput(cfg, 5, n, 3)
	pos := []int{0, 10, 299}
	dst := make([]float32, len(pos)*4)
	p.Predict(5, rev, values, mask, pos, dst)
	logits := make([]float32, n*cfg.Outputs())
	m.Weights.Forward(5, rev, values, mask, logits)
	for j, q := range pos {
		sum := 0.0
		l := logits[q*cfg.Outputs()+4*4 : q*cfg.Outputs()+5*4]
		mx := math.Inf(-1)
		for _, v := range l {
			mx = math.Max(mx, float64(v))
		}
		z := 0.0
		for _, v := range l {
			z += math.Exp(float64(v) - mx)
		}
		for d := 0; d < 4; d++ {
			got := float64(dst[j*4+d])
			want := math.Exp(float64(l[d])-mx) / z
			if !(got > 0) || math.Abs(got-want) > 1e-6 {
				t.Fatalf("pos %d digit %d: p = %v, want %v", q, d, got, want)
			}
			sum += got
		}
		if math.Abs(sum-1) > 1e-5 {
			t.Fatalf("pos %d: sum %v", q, sum)
		}
	}
}

func TestPredictorPolicy(t *testing.T) {
	cfg := smallConfig(16, 4, 1, 1)
	p := NewPredictor(NewModel(NewWeights(cfg, 1)))
	tests := []struct{ budget, n, calls int }{{0, 50, 200}, {-3, 50, 200}, {8, 50, 8}, {9, 1000, 9}, {1, 10, 4}}
	for _, tc := range tests {
		steps := p.Policy(tc.budget, tc.n)
		calls := 0
		for _, s := range steps {
			if s[0] != 0 || s[len(s)-1] != tc.n {
				t.Fatalf("budget %d: steps %v", tc.budget, s)
			}
			calls += len(s) - 1
		}
		if calls != tc.calls {
			t.Errorf("budget %d n %d: %d calls, want %d", tc.budget, tc.n, calls, tc.calls)
		}
	}
}
