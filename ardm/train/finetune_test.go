package train

import (
	"context"
	"fmt"
	"testing"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/datasets"
)

// TestFineTune: a fine-tuning run starts from the initial model's weights
// (not from a seeded initialisation), with fresh optimizer state, records
// the model it started from, and is reproduced exactly by its seed.
func TestFineTune(t *testing.T) {
	cfg := tinyConfig()
	clips := testClips(8, 800, 3)
	batcher := func(o ardm.TrainOptions) BatchSource { return datasets.NewBatcher(clips, o.Batch, o.Crop, o.Seed) }

	// The initial model: 80 steps from scratch.
	pre := tinyTrainOptions(80)
	pre.LR = 1e-2
	base, err := New(cfg, pre, batcher(pre))
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	if err := base.Run(context.Background(), "", 0, nil); err != nil {
		t.Fatal(err)
	}
	init := base.Model()

	opts := tinyTrainOptions(20)
	opts.Seed = 7
	run := func(o ardm.TrainOptions) (*Trainer, []StepStats) {
		tr, err := FineTune(init, o, batcher(o))
		if err != nil {
			t.Fatal(err)
		}
		var stats []StepStats
		if err := tr.Run(context.Background(), "", 0, func(s StepStats) { stats = append(stats, s) }); err != nil {
			t.Fatal(err)
		}
		return tr, stats
	}

	tr, err := FineTune(init, opts, batcher(opts))
	if err != nil {
		t.Fatal(err)
	}
	if tr.StepsDone() != 0 || !weightsEqual(tr.RawWeights(), init.Weights) || !weightsEqual(tr.Model().Weights, init.Weights) {
		t.Fatal("fine-tuning does not start at step 0 from the initial weights")
	}
	for i, m := range tr.st.M {
		for j := range m {
			if m[j] != 0 || tr.st.V[i][j] != 0 {
				t.Fatal("optimizer moments are not fresh")
			}
		}
	}
	tr.Close()

	a, sa := run(opts)
	defer a.Close()
	scratch, err := New(cfg, opts, batcher(opts))
	if err != nil {
		t.Fatal(err)
	}
	defer scratch.Close()
	s0, err := scratch.Step()
	if err != nil {
		t.Fatal(err)
	}
	// The same first batch and masks: the trained start must price it far
	// below the zero-initialised head's 16 bits.
	t.Logf("first step bpd: fine-tune %.3f, from scratch %.3f", sa[0].BPD, s0.BPD)
	if sa[0].BPD > s0.BPD-1 {
		t.Errorf("fine-tuning's first step bpd %.3f is not clearly below scratch's %.3f: the initial weights were not used", sa[0].BPD, s0.BPD)
	}
	h := init.Hash()
	if got := a.Model().Info.Init; got != fmt.Sprintf("%x", h[:]) {
		t.Errorf("Info.Init %q, want the initial model's hash", got)
	}
	if a.Model().Info.Steps != 20 {
		t.Errorf("Info.Steps %d, want 20 (the fine-tuning steps)", a.Model().Info.Steps)
	}

	b, _ := run(opts)
	defer b.Close()
	if !weightsEqual(a.RawWeights(), b.RawWeights()) || a.Model().Hash() != b.Model().Hash() {
		t.Fatal("two fine-tuning runs with one seed differ")
	}
	other := opts
	other.Seed = 8
	c, _ := run(other)
	defer c.Close()
	if weightsEqual(a.RawWeights(), c.RawWeights()) {
		t.Fatal("fine-tuning runs with different seeds are identical")
	}

	long := opts
	long.Crop = cfg.FrameLen + 1
	if _, err := FineTune(init, long, batcher(opts)); err == nil {
		t.Error("FineTune accepted a crop longer than the model's frame")
	}
}
