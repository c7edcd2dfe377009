// Package builtin holds the built-in model (run r11 in EXPERIMENTS.md),
// embedded in every binary that needs it: the ardm command and the Beam
// pipelines. It was trained by the commands in README.md ("Retraining the
// built-in model") and exported with ardm export into
// internal/builtin/default.ardmm.
package builtin

import (
	_ "embed"
	"fmt"

	"github.com/ardm-dev/ardm/ardm"
)

//go:embed default.ardmm
var file []byte

// File returns the bytes of the built-in model's checkpoint.
func File() []byte { return file }

// Load decodes the built-in model.
func Load() (*ardm.Model, error) {
	m, _, err := ardm.UnmarshalCheckpoint(file)
	if err != nil {
		return nil, fmt.Errorf("built-in model: %w", err)
	}
	return m, nil
}
