package main

import (
	"errors"
	"fmt"

	"github.com/ardm-dev/ardm/ardm"
)

// loadModel reads the model named by a --model flag; the empty path is the
// built-in model (default_model.go). A corrupt file is an integrity failure
// (exit 4).
func loadModel(path string) (*ardm.Model, error) {
	if path == "" {
		return loadDefaultModel()
	}
	m, err := ardm.Load(path)
	if err != nil {
		if e := modelIntegrity(err); e != err {
			return nil, e
		}
		return nil, fmt.Errorf("loading model: %w", err)
	}
	return m, nil
}

// modelIntegrity gives a corrupt, foreign or too new model file the
// integrity exit status; other errors are returned unchanged.
func modelIntegrity(err error) error {
	var ve ardm.UnsupportedVersionError
	if errors.Is(err, ardm.ErrCorruptCheckpoint) || errors.Is(err, ardm.ErrNotCheckpoint) || errors.As(err, &ve) {
		return withCode(exitIntegrity, err)
	}
	return err
}
