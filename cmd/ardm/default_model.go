package main

import (
	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/internal/builtin"
)

// loadDefaultModel decodes the built-in model (package internal/builtin,
// shared with the Beam pipelines).
func loadDefaultModel() (*ardm.Model, error) { return builtin.Load() }
