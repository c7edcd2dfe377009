package coder

import (
	"fmt"
	"runtime"
)

// Option configures a Writer or Reader.
type Option func(*options) error

type options struct {
	budget   int
	seed     uint64
	workers  int
	frameLen int
	trailing bool // a Reader leaves bytes after the end record unread
	maxCalls int  // a Reader refuses streams needing more calls per frame and channel; 0: no limit
	force    int  // internal (tests): -1, or a Kind every non-constant frame must use
}

// DefaultFrameLen is the frame length of streams written without a model.
const DefaultFrameLen = 16000

func defaultOptions() options {
	return options{budget: 0, seed: 1, workers: runtime.GOMAXPROCS(0), frameLen: DefaultFrameLen, force: -1}
}

// WithTrailingData makes a Reader stop at the end record and leave any
// bytes after it unread. By default bytes after the end record are
// corruption: a *CorruptInputError, as a stream that was appended to or
// overwritten in place must not decode as if it were whole.
func WithTrailingData() Option {
	return func(o *options) error { o.trailing = true; return nil }
}

// WithMaxCalls makes a Reader refuse, before decoding anything, a stream
// whose header asks for more than n network calls per frame and channel
// (Header.Calls): the header sets the decoder's work, and a stream from
// elsewhere can ask for hours of it. The error is a *CostLimitError. 0,
// the default, means no limit.
func WithMaxCalls(n int) Option {
	return func(o *options) error {
		if n < 0 {
			return fmt.Errorf("coder: max calls %d", n)
		}
		o.maxCalls = n
		return nil
	}
}

// WithBudget sets the number of network calls per frame and channel, over
// all stages (Predictor.Policy's budget). 0, the default, means one call per
// position: the best compression and the slowest.
func WithBudget(n int) Option {
	return func(o *options) error {
		if n < 0 || n > 1<<30 {
			return fmt.Errorf("coder: budget %d out of range", n)
		}
		o.budget = n
		return nil
	}
}

// WithOrderSeed sets the seed of the coding order stored in the stream
// (default 1).
func WithOrderSeed(seed uint64) Option {
	return func(o *options) error { o.seed = seed; return nil }
}

// WithWorkers sets how many frames and channels are coded at once (default
// GOMAXPROCS). The output does not depend on it.
func WithWorkers(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("coder: %d workers", n)
		}
		o.workers = n
		return nil
	}
}

// WithFrameLen sets the frame length of a stream written without a model
// (with a model the frame length is the model's).
func WithFrameLen(n int) Option {
	return func(o *options) error {
		if n < 1 || n > MaxFrameLen {
			return fmt.Errorf("coder: frame length %d out of range 1..%d", n, MaxFrameLen)
		}
		o.frameLen = n
		return nil
	}
}

// WithModelOnly codes every frame with the model, even where a fallback
// coder would be smaller: for timing the model's worst case (decoding then
// always runs the network) and for measuring what the model alone costs.
// Without a model it is an error.
func WithModelOnly() Option { return forceCoder(CoderModel) }

func forceCoder(k Kind) Option {
	return func(o *options) error { o.force = int(k); return nil }
}

func buildOptions(opts []Option) (options, error) {
	o := defaultOptions()
	for _, f := range opts {
		if err := f(&o); err != nil {
			return o, err
		}
	}
	return o, nil
}
