package eval

import (
	"context"
	"math"
	"testing"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/coder"
)

// predictOnly hides a model's TargetBits, forcing the Predict path.
type predictOnly struct{ coder.Predictor }

// TestBoundTargetScorer checks that the bounds through TargetBits equal
// those through Predict tables (softmax and mixture heads, b <= 256), and
// that OA-ARDM (b = 65536, no tables) gets a bound at all.
func TestBoundTargetScorer(t *testing.T) {
	ctx := context.Background()
	pcm := testPCM(150, 4)
	mixture := func(b int) *ardm.Model {
		cfg := ardm.Config{Branching: b, Channels: 4, Layers: 2, DilationCycle: 2, Kernel: 3, EmbedDim: 4, FrameLen: 64, Head: ardm.HeadMixture, Mixtures: 3}
		return ardm.NewModel(ardm.NewWeights(cfg, 5))
	}
	for _, tc := range []struct {
		name string
		m    *ardm.Model
	}{{"softmax b16", tinyModel(16, 64, 2)}, {"mixture b4", mixture(4)}, {"mixture b256", mixture(256)}} {
		m := NewCoderModel(tc.m)
		if _, ok := m.(TargetScorer); !ok {
			t.Fatalf("%s: the coder model is not a TargetScorer", tc.name)
		}
		a, err := EstimateBound(ctx, m, pcm, "x.wav", 2, 7, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := EstimateBound(ctx, predictOnly{m}, pcm, "x.wav", 2, 7, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a.Total.Mean != b.Total.Mean {
			t.Fatalf("%s: bound %v via TargetBits, %v via Predict", tc.name, a.Total.Mean, b.Total.Mean)
		}
		pa, _, _, err := PolicyBound(ctx, m, pcm, "x.wav", 12, 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		pb, _, _, err := PolicyBound(ctx, predictOnly{m}, pcm, "x.wav", 12, 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		if pa != pb {
			t.Fatalf("%s: policy bound %v via TargetBits, %v via Predict", tc.name, pa, pb)
		}
	}
	oa := NewCoderModel(mixture(ardm.OABranching))
	bound, err := EstimateBound(ctx, oa, pcm, "x.wav", 2, 7, nil)
	if err != nil {
		t.Fatal(err)
	}
	pol, stages, calls, err := PolicyBound(ctx, oa, pcm, "x.wav", 5, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(bound.Stages) != 1 || !(bound.Total.Mean > 1 && bound.Total.Mean < 40) || len(stages) != 1 || !(pol > 1 && pol < 40) || calls != 3*5 {
		t.Fatalf("OA: bound %+v, policy bound %v %v in %d calls", bound.Total, pol, stages, calls)
	}
	if math.IsNaN(bound.Total.Mean) {
		t.Fatal("OA bound is NaN")
	}
}
