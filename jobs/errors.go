package jobs

import (
	"errors"
	"fmt"
	"io"

	"github.com/ardm-dev/ardm/coder"
)

// IntegrityError marks a failure of the data itself: a corrupt or
// truncated stream, a checksum mismatch, a stream made with another model,
// or a decoded stream that differs from its input. Errors of reading the
// input or writing the output are not IntegrityErrors.
type IntegrityError struct {
	Err error
}

func (e *IntegrityError) Error() string { return e.Err.Error() }
func (e *IntegrityError) Unwrap() error { return e.Err }

func integrityf(format string, a ...any) error {
	return &IntegrityError{fmt.Errorf(format, a...)}
}

// streamError wraps an error of the coder's Reader in *IntegrityError
// when it says the stream is damaged, fails a checksum, needs another
// model or is of an unknown version; other errors (reading failed) are
// returned as they are.
// IsIntegrity reports whether err is an integrity failure: an
// *IntegrityError, or a coder error that Decompress would report as one (a
// damaged or truncated stream, a failed checksum, a wrong model, a stream
// asking for more than the decode-cost limit).
func IsIntegrity(err error) bool {
	var ie *IntegrityError
	return errors.As(streamError(err), &ie)
}

func streamError(err error) error {
	var (
		ce *coder.CorruptInputError
		ck *coder.ChecksumError
		wm *coder.WrongModelError
		uv coder.UnsupportedVersionError
		cl *coder.CostLimitError
	)
	if errors.Is(err, coder.ErrMagic) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ce) ||
		errors.As(err, &ck) || errors.As(err, &wm) || errors.As(err, &uv) || errors.As(err, &cl) {
		return &IntegrityError{err}
	}
	return err
}
