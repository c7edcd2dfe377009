package main

import (
	"errors"
	"fmt"

	"github.com/ardm-dev/ardm/ardm"
)

// loadModel reads the model named by a --model flag. The empty path will
// name the default model embedded in the binary; until one ships it is an
// error. A corrupt file is an integrity failure (exit 4).
func loadModel(path string) (*ardm.Model, error) {
	if path == "" {
		return nil, usageErr("no --model given")
	}
	m, err := ardm.Load(path)
	if err != nil {
		var ve ardm.UnsupportedVersionError
		if errors.Is(err, ardm.ErrCorruptCheckpoint) || errors.Is(err, ardm.ErrNotCheckpoint) || errors.As(err, &ve) {
			return nil, withCode(exitIntegrity, err)
		}
		return nil, fmt.Errorf("loading model: %w", err)
	}
	return m, nil
}
