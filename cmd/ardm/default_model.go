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
// channel for compress, upscale, sample and the demo: with the built-in
// model a one-second 16 kHz clip codes, and decodes, in about 1.0-1.2 s on
// two cores even when the model stores the frame (BENCHMARKS.md); 96 calls
// would take about 1.7 s for 0.03 bits/sample less.
const defaultBudget = 64

// loadDefaultModel decodes the built-in model.
func loadDefaultModel() (*ardm.Model, error) {
	m, _, err := ardm.UnmarshalCheckpoint(defaultModelFile)
	if err != nil {
		return nil, fmt.Errorf("built-in model: %w", err)
	}
	return m, nil
}
