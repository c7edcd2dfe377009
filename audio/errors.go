package audio

import (
	"errors"
	"fmt"
)

// Sentinel errors for WAV and FLAC input. Every error returned by the readers is a
// *FormatError that wraps one of these, so callers can test the class with
// errors.Is and still print a message that names the file and the problem.
var (
	// ErrEmpty: the input has no bytes at all.
	ErrEmpty = errors.New("empty file")
	// ErrNotRIFF: the input starts with neither a RIFF/WAVE header nor the
	// FLAC magic.
	ErrNotRIFF = errors.New("not a RIFF/WAVE file")
	// ErrUnsupported: a valid WAV whose encoding ardm does not read (float,
	// compressed, unusual bit depths, RIFX/RF64 containers).
	ErrUnsupported = errors.New("unsupported WAV encoding")
	// ErrBadHeader: a header field is impossible (zero channels, zero sample
	// rate, block align that does not match the format, missing chunks).
	ErrBadHeader = errors.New("invalid WAV header")
	// ErrTruncated: the file ends before the data its header announces, or
	// the data is not a whole number of frames.
	ErrTruncated = errors.New("truncated WAV data")
	// ErrCorrupt: coded data that fails its own checks (a FLAC frame with a
	// bad CRC or impossible fields, an MD5 that does not match the samples).
	ErrCorrupt = errors.New("corrupt audio data")
)

// FormatError reports a problem with one input: Name is the file name given
// to the reader, Err the sentinel class, Detail what exactly is wrong.
type FormatError struct {
	Name   string
	Err    error
	Detail string
}

func (e *FormatError) Error() string {
	name := e.Name
	if name == "" {
		name = "<input>"
	}
	return fmt.Sprintf("audio: %s: %s", name, e.Detail)
}

// Unwrap returns the sentinel class of the error.
func (e *FormatError) Unwrap() error { return e.Err }

func formatErr(name string, class error, format string, a ...any) error {
	return &FormatError{Name: name, Err: class, Detail: fmt.Sprintf(format, a...)}
}

// formatTagName names the WAVE format tags one meets in practice, for error
// messages.
func formatTagName(tag uint16) string {
	switch tag {
	case 0x0001:
		return "PCM"
	case 0x0002:
		return "MS ADPCM"
	case 0x0003:
		return "IEEE float"
	case 0x0006:
		return "A-law"
	case 0x0007:
		return "mu-law"
	case 0x0011:
		return "IMA ADPCM"
	case 0x0031:
		return "GSM 6.10"
	case 0x0050:
		return "MPEG"
	case 0x0055:
		return "MPEG layer 3"
	case 0x00FF:
		return "AAC"
	case 0x0161, 0x0162, 0x0163:
		return "Windows Media Audio"
	case 0xF1AC:
		return "FLAC"
	case 0xFFFE:
		return "extensible"
	}
	return "unknown"
}
