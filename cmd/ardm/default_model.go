package main

import (
	_ "embed"
	"fmt"

	"github.com/ardm-dev/ardm/ardm"
)

// defaultModelFile is the built-in model: trained by the command in
// README.md ("Retraining the default model") and exported with ardm export.
//
//go:embed default.ardmm
var defaultModelFile []byte

// defaultBudget is the default number of network calls per frame and
// channel for compress, upscale, sample and the demo: the budget at which a
// one-second 16 kHz clip codes within about two seconds on two cores with
// the built-in model (BENCHMARKS.md).
const defaultBudget = 20

// loadDefaultModel decodes the built-in model.
func loadDefaultModel() (*ardm.Model, error) {
	m, _, err := ardm.UnmarshalCheckpoint(defaultModelFile)
	if err != nil {
		return nil, fmt.Errorf("built-in model: %w", err)
	}
	return m, nil
}
