package main

import (
	_ "embed"
	"fmt"

	"github.com/ardm-dev/ardm/ardm"
)

// defaultModelFile is the built-in model: trained by the command in
// README.md ("Retraining the built-in model") and exported with ardm export.
//
//go:embed default.ardmm
var defaultModelFile []byte

// defaultBudget is the default number of network calls per frame and
// channel for compress, upscale, sample and the demo: 12 calls per stage
// of the built-in model (b=2). A one-second 16 kHz clip then codes, and
// decodes, in about 1.3-1.4 s on two cores even when the model stores the
// frame, and the model alone beats wavpack -hhx6 on real speech
// (BENCHMARKS.md); 128 calls take 1.0-1.2 s for 0.026 bits/sample more,
// 256 calls 1.7-1.9 s for 0.008 less.
const defaultBudget = 192

// loadDefaultModel decodes the built-in model.
func loadDefaultModel() (*ardm.Model, error) {
	m, _, err := ardm.UnmarshalCheckpoint(defaultModelFile)
	if err != nil {
		return nil, fmt.Errorf("built-in model: %w", err)
	}
	return m, nil
}
