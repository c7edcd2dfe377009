package main

import (
	_ "embed"
	"fmt"

	"github.com/ardm-dev/ardm/ardm"
)

// defaultModelFile is the built-in model (run r11 in EXPERIMENTS.md):
// trained by the commands in README.md ("Retraining the built-in model")
// and exported with ardm export.
//
//go:embed default.ardmm
var defaultModelFile []byte

// loadDefaultModel decodes the built-in model.
func loadDefaultModel() (*ardm.Model, error) {
	m, _, err := ardm.UnmarshalCheckpoint(defaultModelFile)
	if err != nil {
		return nil, fmt.Errorf("built-in model: %w", err)
	}
	return m, nil
}
