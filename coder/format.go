package coder

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/ardm-dev/ardm/stages"

	"github.com/ardm-dev/ardm/audio"
)

// Version is the stream version this package writes. It reads it and
// every version from MinVersion up: version 2 differs from 3 in the coding
// order (see codingOrder), version 3 from 4 only in lacking the cascade
// coder (Kind 5).
const Version = 4

// MinVersion is the oldest stream version this package reads.
const MinVersion = 2

// Magic starts every .ardm stream.
const Magic = "ARDM"

// Limits every reader enforces before allocating anything.
const (
	MaxChannels = 8
	MaxFrameLen = 1 << 20
)

// UnknownLength is the Header.Samples of a stream whose writer did not know
// the length in advance; the end record always has the exact count.
const UnknownLength = -1

const headerSize = 73

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Kind names how one channel of one frame is stored.
type Kind uint8

// The coders a frame can use.
const (
	CoderConstant  Kind = 0 // every sample equal (digital silence)
	CoderVerbatim  Kind = 1 // raw PCM
	CoderFixedRice Kind = 2 // fixed polynomial predictor + Rice codes
	CoderModel     Kind = 3 // the model's probabilities + rANS
	CoderLPC       Kind = 4 // linear prediction + adaptive rANS residuals
	CoderCascade   Kind = 5 // backward-adaptive OLS/LMS cascade + adaptive rANS residuals (version 4)
	NumCoders           = 6
)

func (k Kind) String() string {
	switch k {
	case CoderConstant:
		return "constant"
	case CoderVerbatim:
		return "verbatim"
	case CoderFixedRice:
		return "fixed-rice"
	case CoderModel:
		return "model"
	case CoderLPC:
		return "lpc"
	case CoderCascade:
		return "cascade"
	}
	return fmt.Sprintf("coder(%d)", uint8(k))
}

// MarshalText gives the coder's name, so that JSON shows "lpc", not a
// number (or, for a []Kind, base64).
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a name written by MarshalText.
func (k *Kind) UnmarshalText(b []byte) error {
	for c := Kind(0); c < NumCoders; c++ {
		if c.String() == string(b) {
			*k = c
			return nil
		}
	}
	return fmt.Errorf("coder: unknown coder %q", b)
}

// Header is the fixed part at the start of a stream.
type Header struct {
	Version   int          `json:"version"`
	ModelHash [32]byte     `json:"-"`       // zero: no model, fallback coders only
	Format    audio.Format `json:"format"`  // rate, original bit depth, channels
	Samples   int64        `json:"samples"` // per channel, or UnknownLength
	FrameLen  int          `json:"frame_len"`
	Branching int          `json:"branching"` // 0 without a model
	Budget    int          `json:"budget"`    // network calls per frame; 0 = one per position
	OrderSeed uint64       `json:"order_seed"`
}

// Calls is the number of network calls decoding one frame of one channel
// costs: the budget, or one call per position and stage for budget 0
// (FrameLen times the stages), 0 for a stream without a model. Decoding
// time grows with it (and, for budget 0, with the square of FrameLen).
func (h *Header) Calls() int64 {
	if !h.HasModel() || h.Branching == 0 {
		return 0
	}
	all := int64(h.FrameLen) * int64(stages.Count(h.Branching))
	if h.Budget <= 0 || int64(h.Budget) > all {
		return all
	}
	return int64(h.Budget)
}

// HasModel reports whether the stream was written with a model.
func (h *Header) HasModel() bool { return h.ModelHash != [32]byte{} }

func validDepth(d int) bool { return d == 8 || d == 16 || d == 24 || d == 32 }

func validBranching(b int) bool {
	return b == 2 || b == 4 || b == 16 || b == 256 || b == cdfBranching
}

func (h *Header) marshal() []byte {
	b := make([]byte, 0, headerSize)
	b = append(b, Magic...)
	b = append(b, byte(h.Version))
	b = append(b, h.ModelHash[:]...)
	b = binary.LittleEndian.AppendUint32(b, uint32(h.Format.SampleRate))
	b = append(b, byte(h.Format.Channels), byte(h.Format.BitDepth))
	b = binary.LittleEndian.AppendUint64(b, uint64(h.Samples))
	b = binary.LittleEndian.AppendUint32(b, uint32(h.FrameLen))
	var digitBits uint16 // log2 of the branching factor; 0 without a model
	if h.Branching > 0 {
		digitBits = uint16(stages.DigitBits(h.Branching))
	}
	b = binary.LittleEndian.AppendUint16(b, digitBits)
	b = binary.LittleEndian.AppendUint32(b, uint32(int32(h.Budget)))
	b = binary.LittleEndian.AppendUint64(b, h.OrderSeed)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// ReadHeader reads and checks the header at the start of a stream.
func ReadHeader(r io.Reader) (*Header, error) {
	var b [headerSize]byte
	if n, err := io.ReadFull(r, b[:5]); err != nil {
		if err == io.EOF || (n < len(Magic) && err == io.ErrUnexpectedEOF) {
			if string(b[:n]) == Magic[:n] && n > 0 {
				return nil, &CorruptInputError{Offset: int64(n), Reason: "truncated header", Err: io.ErrUnexpectedEOF}
			}
			return nil, ErrMagic
		}
		return nil, &CorruptInputError{Offset: int64(n), Reason: "reading header", Err: err}
	}
	if string(b[:4]) != Magic {
		return nil, ErrMagic
	}
	if b[4] < MinVersion || b[4] > Version {
		return nil, UnsupportedVersionError(b[4])
	}
	if n, err := io.ReadFull(r, b[5:]); err != nil {
		return nil, &CorruptInputError{Offset: int64(5 + n), Reason: "truncated header", Err: unexpected(err)}
	}
	if crc32.Checksum(b[:headerSize-4], castagnoli) != binary.LittleEndian.Uint32(b[headerSize-4:]) {
		return nil, &CorruptInputError{Offset: headerSize - 4, Reason: "header CRC mismatch"}
	}
	h := &Header{Version: int(b[4])}
	copy(h.ModelHash[:], b[5:37])
	le := binary.LittleEndian
	h.Format.SampleRate = int(le.Uint32(b[37:]))
	h.Format.Channels = int(b[41])
	h.Format.BitDepth = int(b[42])
	h.Samples = int64(le.Uint64(b[43:]))
	h.FrameLen = int(le.Uint32(b[51:]))
	switch db := le.Uint16(b[55:]); {
	case db > 16:
		h.Branching = -int(db) // invalid: check rejects it
	case db > 0:
		h.Branching = 1 << db
	}
	h.Budget = int(int32(le.Uint32(b[57:])))
	h.OrderSeed = le.Uint64(b[61:])
	if err := h.check(); err != nil {
		return nil, &CorruptInputError{Offset: 37, Reason: err.Error()}
	}
	return h, nil
}

// check validates the header fields (shared by writer and reader).
func (h *Header) check() error {
	f := h.Format
	switch {
	case f.SampleRate < 1 || f.SampleRate > 1<<30:
		return fmt.Errorf("sample rate %d out of range", f.SampleRate)
	case f.Channels < 1 || f.Channels > MaxChannels:
		return fmt.Errorf("%d channels (1..%d supported)", f.Channels, MaxChannels)
	case !validDepth(f.BitDepth):
		return fmt.Errorf("bit depth %d (8, 16, 24 or 32 supported)", f.BitDepth)
	case h.Samples < UnknownLength || h.Samples > 1<<50:
		return fmt.Errorf("sample count %d out of range", h.Samples)
	case h.FrameLen < 1 || h.FrameLen > MaxFrameLen:
		return fmt.Errorf("frame length %d out of range 1..%d", h.FrameLen, MaxFrameLen)
	case h.HasModel() && !validBranching(h.Branching):
		return fmt.Errorf("branching factor %d not in {2, 4, 16, 256, 65536}", h.Branching)
	case !h.HasModel() && h.Branching != 0:
		return fmt.Errorf("branching factor %d without a model", h.Branching)
	case h.Budget < 0:
		return fmt.Errorf("negative budget %d", h.Budget)
	}
	return nil
}

// unexpected turns io.EOF into io.ErrUnexpectedEOF: inside a stream, any
// end is premature.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// Record markers.
const (
	markFrame = 'F'
	markEnd   = 'E'
)

// frameRecordSize is the size of a frame record's head for ch channels.
func frameRecordSize(ch int) int { return 1 + 4 + 5*ch + 4 + 4 }

const endRecordSize = 1 + 8 + 16 + 4

// maxPayload bounds the payload of one channel of a frame of n samples.
func maxPayload(n, depth int) int {
	v := n * bytesPerSample(depth)
	return 2*v + 64
}

// frameHead is a parsed frame record head.
type frameHead struct {
	n      int
	kinds  []Kind
	sizes  []int
	pcmCRC uint32
}

func (fh *frameHead) marshal(dst []byte) []byte {
	start := len(dst)
	dst = append(dst, markFrame)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(fh.n))
	for c := range fh.kinds {
		dst = append(dst, byte(fh.kinds[c]))
		dst = binary.LittleEndian.AppendUint32(dst, uint32(fh.sizes[c]))
	}
	dst = binary.LittleEndian.AppendUint32(dst, fh.pcmCRC)
	return binary.LittleEndian.AppendUint32(dst, crc32.Checksum(dst[start:], castagnoli))
}

// parseFrameHead parses a frame record head (b holds frameRecordSize bytes,
// starting with the marker) and checks it against the header's limits.
func parseFrameHead(b []byte, h *Header, fh *frameHead) string {
	le := binary.LittleEndian
	ch := h.Format.Channels
	if crc32.Checksum(b[:len(b)-4], castagnoli) != le.Uint32(b[len(b)-4:]) {
		return "frame record CRC mismatch"
	}
	fh.n = int(le.Uint32(b[1:]))
	if fh.n < 1 || fh.n > h.FrameLen {
		return fmt.Sprintf("frame of %d samples (frame length %d)", fh.n, h.FrameLen)
	}
	fh.kinds = fh.kinds[:0]
	fh.sizes = fh.sizes[:0]
	for c := 0; c < ch; c++ {
		k := Kind(b[5+5*c])
		size := int(le.Uint32(b[6+5*c:]))
		if k >= NumCoders || (k == CoderCascade && h.Version < 4) {
			return fmt.Sprintf("unknown coder %d in a version %d stream", k, h.Version)
		}
		if size > maxPayload(fh.n, h.Format.BitDepth) {
			return fmt.Sprintf("payload of %d bytes for %d samples", size, fh.n)
		}
		fh.kinds = append(fh.kinds, k)
		fh.sizes = append(fh.sizes, size)
	}
	fh.pcmCRC = le.Uint32(b[5+5*ch:])
	return ""
}
