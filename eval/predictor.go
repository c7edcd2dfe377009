package eval

import (
	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/coder"
)

// NewCoderModel returns the coder.Predictor of m that ardm compress and
// decompress use: an ardm.PredictorPool (equal split of a budget over the
// stages), safe for the concurrent Predict calls of the coder, which codes
// frames and channels on several goroutines. Every Predictor of the pool
// computes the same bits, so the streams do not depend on the scheduling.
func NewCoderModel(m *ardm.Model) coder.Predictor {
	return ardm.NewPredictorPool(m, 0)
}
