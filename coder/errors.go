package coder

import (
	"encoding/hex"
	"errors"
	"fmt"
)

// ErrMagic means the input does not start with the .ardm magic bytes.
var ErrMagic = errors.New("coder: not an .ardm stream (bad magic)")

// ErrChecksum is matched (errors.Is) by every ChecksumError.
var ErrChecksum = errors.New("coder: checksum mismatch")

// UnsupportedVersionError is a stream version this package cannot read.
type UnsupportedVersionError int

func (e UnsupportedVersionError) Error() string {
	return fmt.Sprintf("coder: unsupported stream version %d (this build reads versions %d to %d)", int(e), MinVersion, Version)
}

// CostLimitError means a stream's header asks for more network calls per
// frame and channel than the reader allows (WithMaxCalls).
type CostLimitError struct {
	Calls, Limit int64
	Budget       int
}

func (e *CostLimitError) Error() string {
	why := fmt.Sprintf("budget %d", e.Budget)
	if e.Budget == 0 {
		why = "budget 0: one call per position"
	}
	return fmt.Sprintf("coder: the stream asks for %d network calls per frame and channel (%s), more than the limit of %d", e.Calls, why, e.Limit)
}

// WrongModelError means the stream was coded with another model than the
// one given (or none was given). Need is the hash of the model it needs.
type WrongModelError struct {
	Need, Have [32]byte
	HaveNone   bool
}

func (e *WrongModelError) Error() string {
	if e.HaveNone {
		return fmt.Sprintf("coder: stream needs model %s, but no model was given", hex.EncodeToString(e.Need[:]))
	}
	return fmt.Sprintf("coder: stream needs model %s, got model %s", hex.EncodeToString(e.Need[:]), hex.EncodeToString(e.Have[:]))
}

// CorruptInputError reports a damaged stream at a byte offset. Err, if
// set, is the underlying cause (io.ErrUnexpectedEOF for a truncated
// stream), reachable with errors.Is.
type CorruptInputError struct {
	Offset int64
	Reason string
	Err    error
}

func (e *CorruptInputError) Error() string {
	msg := fmt.Sprintf("coder: corrupt input at byte %d: %s", e.Offset, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *CorruptInputError) Unwrap() error { return e.Err }

// ChecksumError is a decoded frame (Frame >= 0) or the whole stream
// (Frame = -1) whose checksum differs from the one stored.
type ChecksumError struct {
	Frame     int64
	Want, Got []byte
}

func (e *ChecksumError) Error() string {
	what := "stream MD5"
	if e.Frame >= 0 {
		what = fmt.Sprintf("frame %d CRC-32C", e.Frame)
	}
	return fmt.Sprintf("coder: %s mismatch: stored %x, decoded %x", what, e.Want, e.Got)
}

func (e *ChecksumError) Is(target error) bool { return target == ErrChecksum }
