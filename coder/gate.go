package coder

import (
	"fmt"

	"github.com/ardm-dev/ardm/audio"
)

// RatedPredictor is a Predictor that names the sample rate of the audio it
// was trained on. The Writer tries such a model only on input at that rate
// (see "Model gating" in doc.go); a Predictor without the method is tried
// on every input.
type RatedPredictor interface {
	Predictor
	// SampleRate is the rate in Hz of the model's training audio, 0 if
	// unknown.
	SampleRate() int
}

// modelGate decides, before any network call, whether the model can win
// on PCM of format f. It returns "" when the model is to be tried, and
// otherwise why not. The rule depends only on the model and the format,
// so every frame of the stream gets the same answer.
func modelGate(m Predictor, f audio.Format) string {
	if rm, ok := m.(RatedPredictor); ok {
		if r := rm.SampleRate(); r > 0 && r != f.SampleRate {
			return fmt.Sprintf("model trained on %d Hz audio, input is %d Hz", r, f.SampleRate)
		}
	}
	return ""
}
