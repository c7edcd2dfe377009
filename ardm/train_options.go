package ardm

import (
	"fmt"
)

// Learning-rate schedules.
const (
	ScheduleConstant = "constant" // linear warm-up, then the peak rate
	ScheduleCosine   = "cosine"   // linear warm-up, then cosine decay to MinLRFrac*LR at Steps
)

// Mask orders: how a training example picks its t revealed positions.
const (
	// MaskRandom reveals a uniformly random set (the paper's order-agnostic
	// objective; "" means the same).
	MaskRandom = "random"
	// MaskStratified reveals the first t positions of the coder's
	// stratified order (stages.StratifiedOrder) with a random rotation: the
	// masks the coder (stream version 3) really shows the model.
	MaskStratified = "stratified"
	// MaskMixed picks one of the two per example, with probability 1/2.
	MaskMixed = "mixed"
)

// TrainOptions are the hyperparameters of a training run. They are stored
// in training checkpoints; a resumed run keeps them (only Steps may grow).
type TrainOptions struct {
	Batch     int     `json:"batch"`                // examples per step
	Crop      int     `json:"crop"`                 // samples per example
	Steps     int     `json:"steps"`                // total optimizer steps
	LR        float64 `json:"lr"`                   // peak learning rate
	Warmup    int     `json:"warmup"`               // linear warm-up steps
	Schedule  string  `json:"schedule"`             // ScheduleConstant or ScheduleCosine
	MinLRFrac float64 `json:"min_lr_frac"`          // cosine floor as a fraction of LR
	Beta1     float64 `json:"beta1"`                // Adam
	Beta2     float64 `json:"beta2"`                // Adam
	Eps       float64 `json:"eps"`                  // Adam
	ClipNorm  float64 `json:"clip_norm"`            // global gradient norm clip (0: off)
	EMADecay  float64 `json:"ema_decay"`            // decay of the weight average used for inference
	GainAugDB float64 `json:"gain_aug_db"`          // random gain, log-uniform in +-GainAugDB dB (0: off)
	LtDecay   float64 `json:"lt_decay"`             // L_t moving average: weight of a new sample is max(1/count, LtDecay)
	Seed      uint64  `json:"seed"`                 // every random choice of the run
	MaskOrder string  `json:"mask_order,omitempty"` // MaskRandom (or ""), MaskStratified or MaskMixed
}

// DefaultTrainOptions returns the defaults of `ardm train`.
func DefaultTrainOptions() TrainOptions {
	return TrainOptions{
		Batch:     8,
		Crop:      2048,
		Steps:     1000,
		LR:        1e-3,
		Warmup:    200,
		Schedule:  ScheduleConstant,
		MinLRFrac: 0.1,
		Beta1:     0.9,
		Beta2:     0.999,
		Eps:       1e-8,
		ClipNorm:  1.0,
		EMADecay:  0.999,
		GainAugDB: 0,
		LtDecay:   0.01,
		Seed:      1,
	}
}

// Validate reports the first problem with o.
func (o TrainOptions) Validate() error {
	switch {
	case o.Batch < 1 || o.Batch > 4096:
		return fmt.Errorf("ardm: batch %d out of range 1..4096", o.Batch)
	case o.Crop < 2 || o.Crop > 1<<20:
		return fmt.Errorf("ardm: crop %d out of range 2..%d", o.Crop, 1<<20)
	case o.Steps < 0:
		return fmt.Errorf("ardm: steps %d is negative", o.Steps)
	case !(o.LR > 0 && o.LR < 1):
		return fmt.Errorf("ardm: learning rate %g out of range (0, 1)", o.LR)
	case o.Warmup < 0:
		return fmt.Errorf("ardm: warm-up %d is negative", o.Warmup)
	case o.Schedule != ScheduleConstant && o.Schedule != ScheduleCosine:
		return fmt.Errorf("ardm: unknown schedule %q (want %q or %q)", o.Schedule, ScheduleConstant, ScheduleCosine)
	case !(o.MinLRFrac >= 0 && o.MinLRFrac <= 1):
		return fmt.Errorf("ardm: min LR fraction %g out of range [0, 1]", o.MinLRFrac)
	case !(o.Beta1 >= 0 && o.Beta1 < 1) || !(o.Beta2 >= 0 && o.Beta2 < 1):
		return fmt.Errorf("ardm: Adam betas %g, %g out of range [0, 1)", o.Beta1, o.Beta2)
	case !(o.Eps > 0):
		return fmt.Errorf("ardm: Adam epsilon %g must be positive", o.Eps)
	case !(o.ClipNorm >= 0):
		return fmt.Errorf("ardm: clip norm %g is negative", o.ClipNorm)
	case !(o.EMADecay >= 0 && o.EMADecay < 1):
		return fmt.Errorf("ardm: EMA decay %g out of range [0, 1)", o.EMADecay)
	case !(o.GainAugDB >= 0 && o.GainAugDB <= 60):
		return fmt.Errorf("ardm: gain augmentation %g dB out of range [0, 60]", o.GainAugDB)
	case !(o.LtDecay > 0 && o.LtDecay <= 1):
		return fmt.Errorf("ardm: L_t decay %g out of range (0, 1]", o.LtDecay)
	case o.MaskOrder != "" && o.MaskOrder != MaskRandom && o.MaskOrder != MaskStratified && o.MaskOrder != MaskMixed:
		return fmt.Errorf("ardm: unknown mask order %q (want %q, %q or %q)", o.MaskOrder, MaskRandom, MaskStratified, MaskMixed)
	}
	return nil
}
