package pipelines

import (
	"context"
	"fmt"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/coder"
	"github.com/ardm-dev/ardm/internal/builtin"
)

// loadModel reads a checkpoint through the filesystems; "" is the
// built-in model.
func loadModel(ctx context.Context, name string) (*ardm.Model, error) {
	if name == "" {
		return builtin.Load()
	}
	b, err := readFile(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("loading model: %w", err)
	}
	m, _, err := ardm.UnmarshalCheckpoint(b)
	if err != nil {
		return nil, fmt.Errorf("loading model %s: %w", name, err)
	}
	return m, nil
}

// ResolveBudget returns budget, or for a negative budget the default
// budget of the model (the built-in model's with noModel, which is what a
// model-free stream records), as ardm compress does.
func ResolveBudget(ctx context.Context, budget int, model string, noModel bool) (int, error) {
	if budget >= 0 {
		return budget, nil
	}
	if noModel {
		model = ""
	}
	m, err := loadModel(ctx, model)
	if err != nil {
		return 0, err
	}
	return m.Config().DefaultBudget(), nil
}

// predictor loads the coder's predictor for a model path; nil with
// noModel.
func predictor(ctx context.Context, model string, noModel bool) (coder.Predictor, error) {
	if noModel {
		return nil, nil
	}
	m, err := loadModel(ctx, model)
	if err != nil {
		return nil, err
	}
	return ardm.NewPredictorPool(m, 0), nil
}
