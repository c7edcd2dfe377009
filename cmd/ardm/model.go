package main

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/coder"
	"github.com/ardm-dev/ardm/jobs"
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
		var pe *fs.PathError
		if errors.As(err, &pe) {
			// The ardm package's "ardm: open PATH: ..." would read
			// "loading model: ardm: open ...": name the flag and the path once.
			return nil, fmt.Errorf("--model %s: %w", path, pe.Err)
		}
		return nil, err // "ardm: ... (PATH)" from the ardm package
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

// codecModel loads the model for the codec commands, and its predictor
// for the coder: nil with --no-model (the model-free coders only),
// otherwise the model named by --model (the empty path is the default
// model, see loadModel).
func codecModel(path string, none bool) (*ardm.Model, coder.Predictor, error) {
	if none {
		return nil, nil, nil
	}
	m, err := loadModel(path)
	if err != nil {
		return nil, nil, err
	}
	return m, ardm.NewPredictorPool(m, 0), nil
}

// integrity marks the errors of a damaged stream, a failed checksum or a
// wrong model with exit status 4.
func integrity(err error) error {
	var cl *coder.CostLimitError
	if errors.As(err, &cl) {
		return withCode(exitIntegrity, fmt.Errorf("%w; decode it with --max-calls %d (or 0 for no limit) if you trust it", err, cl.Calls))
	}
	if jobs.IsIntegrity(err) {
		return withCode(exitIntegrity, err)
	}
	return err
}
