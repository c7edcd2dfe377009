package train

import (
	"fmt"

	"github.com/ardm-dev/ardm/ardm"
)

// FineTune starts a run from the inference weights of init (its EMA
// weights; a training checkpoint's optimizer state is not used) with
// fresh optimizer state: Adam moments at zero, step 0, opts' warm-up and
// schedule from the start, and the L_t table re-measured on the new data
// from the first step on. The network configuration is init's. Given one
// init model, opts.Seed alone decides the run (data order, masks, gain),
// as in New.
func FineTune(init *ardm.Model, opts ardm.TrainOptions, src BatchSource) (*Trainer, error) {
	if init == nil || init.Weights == nil {
		panic("train: FineTune with no initial model")
	}
	cfg := init.Config()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("ardm: initial model: %w", err)
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.Crop > cfg.FrameLen {
		return nil, fmt.Errorf("ardm: crop %d is longer than the initial model's frame length %d", opts.Crop, cfg.FrameLen)
	}
	raw := init.Weights.Clone()
	m := ardm.NewModel(raw.Clone())
	st := newState(opts, raw)
	h := init.Hash()
	m.Info = ardm.TrainInfo{Seed: opts.Seed, Batch: opts.Batch, Crop: opts.Crop, LR: opts.LR, GainAugDB: opts.GainAugDB,
		Init: fmt.Sprintf("%x", h[:])}
	return newTrainer(m, st, src)
}
