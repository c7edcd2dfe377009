package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/go-audio/riff"

	"github.com/ardm-dev/ardm/internal/atomicfile"
)

// Containers a Reader reads (Header.Container).
const (
	ContainerWAV  = "wav"
	ContainerFLAC = "flac"
)

// WAVE format tags (the wFormatTag of the fmt chunk).
const (
	wavFormatPCM        = 0x0001
	wavFormatExtensible = 0xFFFE
)

// ksdataformatSubtypeTail is bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID
// of a WAVE_FORMAT_EXTENSIBLE fmt chunk; bytes 0..1 hold the format tag
// (1 for PCM, 3 for IEEE float).
var ksdataformatSubtypeTail = [14]byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}

// streamingDataSize is the data chunk size that streaming writers (ffmpeg,
// sox to a pipe) put in the header when they do not know the length; such a
// chunk runs to the end of the input.
const streamingDataSize = 0xFFFFFFFF

// Header is what the fmt and data chunks of a WAV file say, checked against
// the size of the input.
type Header struct {
	Format
	// Container is the file type: ContainerWAV or ContainerFLAC.
	Container string `json:"container"`
	// FormatTag is the fmt chunk's wFormatTag: 1 (PCM) or 0xFFFE (extensible).
	FormatTag uint16 `json:"format_tag"`
	// ValidBits is wValidBitsPerSample of an extensible header (the samples
	// are left-justified in BitDepth bits); it equals BitDepth otherwise.
	ValidBits int `json:"valid_bits"`
	// ChannelMask is dwChannelMask of an extensible header, else 0.
	ChannelMask uint32 `json:"channel_mask,omitempty"`
	// Frames is the number of samples per channel in the data chunk.
	Frames int64 `json:"frames"`
	// DataOffset is the byte offset of the data chunk's header ("data" and
	// its size); the samples start 8 bytes later.
	DataOffset int64 `json:"data_offset"`
}

// Extensible reports whether the file uses WAVE_FORMAT_EXTENSIBLE.
func (h *Header) Extensible() bool { return h.FormatTag == wavFormatExtensible }

// blockAlign is the size of one frame in bytes.
func (h *Header) blockAlign() int { return h.Channels * h.BitDepth / 8 }

// ReadFile reads an integer PCM WAV file.
func ReadFile(path string) (*PCM, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("audio: %w", err)
	}
	defer f.Close()
	return Read(f, path)
}

// ReadAll reads a whole WAV stream that may not seek (stdin, a pipe); name
// is used in error messages. Chunk sizes are checked as the bytes arrive
// (see NewReader).
func ReadAll(r io.Reader, name string) (*PCM, error) {
	rd, err := NewReader(r, name)
	if err != nil {
		return nil, err
	}
	return rd.readAll()
}

// Decode reads a WAV file held in memory; name is used in error messages.
func Decode(b []byte, name string) (*PCM, error) {
	return Read(bytes.NewReader(b), name)
}

// Read reads an integer PCM WAV (8, 16, 24 or 32 bits, any number of
// channels, plain or WAVE_FORMAT_EXTENSIBLE) from r, which must be at the
// start of the file; name is used in error messages. 8-bit samples are
// shifted to -128..127. Every problem with the data is a *FormatError; no
// allocation is larger than a small multiple of the input's size.
func Read(r io.ReadSeeker, name string) (*PCM, error) {
	rd, err := NewReader(r, name)
	if err != nil {
		return nil, err
	}
	return rd.readAll()
}

// maxPreallocFrames bounds what readAll allocates up front: 16 MiB a
// channel, more than 4 minutes at 48 kHz.
const maxPreallocFrames = 1 << 22

// ReadLenient reads a whole WAV stream like ReadAll, except that a data
// chunk whose size field claims more bytes than the input holds runs to the
// end of the input instead of being truncated: streaming writers that
// cannot seek back (espeak-ng --stdout writes 0x7ffff000) leave such
// placeholder sizes; a partial frame at the end is dropped. FLAC input is
// read as by ReadAll.
func ReadLenient(r io.Reader, name string) (*PCM, error) {
	rd, err := NewReader(struct{ io.Reader }{r}, name) // sizes as the bytes arrive
	if err != nil {
		return nil, err
	}
	rd.toEnd = true
	return rd.readAll()
}

// readAll reads every remaining frame into one PCM. The channels are
// allocated once for the frames the header announces, up to
// maxPreallocFrames: a size read from a pipe (or a placeholder) has not
// been checked against the input, so beyond that they grow with the data.
func (r *Reader) readAll() (*PCM, error) {
	p := &PCM{Format: r.h.Format, Data: make([][]int32, r.h.Channels)}
	if r.h.Frames > 0 {
		for c := range p.Data {
			p.Data[c] = make([]int32, 0, min(r.h.Frames-r.done, maxPreallocFrames))
		}
	}
	for {
		_, err := r.appendFrames(p.Data, ioChunk)
		if err == io.EOF {
			return p, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// ReadHeader parses and checks the RIFF structure up to the data chunk
// without reading any samples. r must be at the start of the file and is
// left at the first sample.
func ReadHeader(r io.ReadSeeker, name string) (*Header, error) {
	rd, err := NewReader(r, name)
	if err != nil {
		return nil, err
	}
	h := rd.Header()
	return &h, nil
}

// walkHeader reads r from the start of a WAV file up to the first sample
// and checks what the chunks say. size is the number of bytes from the
// start to the end of the input and sk seeks over skipped chunks; for an
// input that cannot seek (a pipe), size is -1 and sk nil: skipped chunks are
// read and discarded, and a size that runs past the end is found when the
// input ends.
//
// go-audio/wav's own header parser is not used here: it allocates the fmt
// chunk's claimed size, ignores the format tag (a float file decodes as
// integers), drops the extensible sub-format and swallows read errors. The
// chunk walk below reads at most 40 bytes of any chunk and checks every
// claimed size against the real size of the input.
func walkHeader(r io.Reader, sk io.Seeker, size int64, name string) (*Header, error) {
	known := size >= 0
	if size == 0 {
		return nil, formatErr(name, ErrEmpty, "empty file")
	}
	var head [12]byte
	n, err := io.ReadFull(r, head[:])
	switch {
	case n == 0 && errors.Is(err, io.EOF):
		return nil, formatErr(name, ErrEmpty, "empty file")
	case err != nil && !errors.Is(err, io.ErrUnexpectedEOF):
		return nil, fmt.Errorf("audio: %s: %w", name, err)
	}
	id := head[:min(n, 4)]
	switch {
	case bytes.Equal(id, []byte("RIFX")):
		return nil, formatErr(name, ErrUnsupported, "big-endian RIFX files are not supported")
	case bytes.Equal(id, []byte("RF64")):
		return nil, formatErr(name, ErrUnsupported, "RF64 files are not supported")
	case !bytes.Equal(id, riff.RiffID[:]):
		return nil, formatErr(name, ErrNotRIFF, "not a WAV or FLAC file (starts with %q)", head[:min(n, 4)])
	case n < 12:
		return nil, formatErr(name, ErrTruncated, "RIFF header cut short after %d bytes", n)
	case !bytes.Equal(head[8:12], riff.WavFormatID[:]):
		return nil, formatErr(name, ErrNotRIFF, "RIFF form %q is not WAVE", head[8:12])
	}

	var (
		h      = Header{Container: ContainerWAV}
		gotFmt bool
		pos    = int64(12) // offset of the next chunk
		at     = int64(12) // offset of r
	)
	// skipTo moves r forward to offset to.
	skipTo := func(to int64) error {
		if to == at {
			return nil
		}
		if sk != nil {
			if _, err := sk.Seek(to-at, io.SeekCurrent); err != nil {
				return fmt.Errorf("audio: %s: %w", name, err)
			}
			at = to
			return nil
		}
		m, err := io.CopyN(io.Discard, r, to-at)
		at += m
		return err
	}
	noChunk := func() error {
		if !gotFmt {
			return formatErr(name, ErrBadHeader, "no fmt chunk")
		}
		return formatErr(name, ErrBadHeader, "no data chunk")
	}
	for {
		if known && pos+8 > size {
			return nil, noChunk()
		}
		if err := skipTo(pos); err != nil {
			if errors.Is(err, io.EOF) {
				return nil, noChunk() // the input ends in the pad byte
			}
			return nil, err
		}
		var ch [8]byte
		m, err := io.ReadFull(r, ch[:])
		at += int64(m)
		if err != nil {
			if !known && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)) {
				return nil, noChunk()
			}
			return nil, fmt.Errorf("audio: %s: reading chunk header at byte %d: %w", name, pos, err)
		}
		cid := [4]byte(ch[:4])
		csize := int64(binary.LittleEndian.Uint32(ch[4:]))
		body := pos + 8
		remain := size - body // meaningless when !known
		switch cid {
		case riff.FmtID:
			if gotFmt {
				return nil, formatErr(name, ErrBadHeader, "second fmt chunk at byte %d", pos)
			}
			if known && csize > remain {
				return nil, formatErr(name, ErrTruncated, "fmt chunk claims %d bytes but only %d remain", csize, remain)
			}
			read, err := parseFmt(r, name, csize, &h)
			at += read
			if err != nil {
				return nil, err
			}
			gotFmt = true
		case riff.DataFormatID:
			if !gotFmt {
				return nil, formatErr(name, ErrBadHeader, "data chunk before fmt chunk")
			}
			ba := int64(h.blockAlign())
			h.DataOffset = pos
			if !known {
				h.Frames = UnknownFrames
				if csize != streamingDataSize {
					if csize%ba != 0 {
						return nil, formatErr(name, ErrTruncated, "data chunk of %d bytes is not a whole number of %d-byte frames", csize, ba)
					}
					h.Frames = csize / ba
				}
				return &h, nil
			}
			dataSize := csize
			if csize == streamingDataSize && remain < csize {
				dataSize = remain
			}
			if dataSize > remain {
				return nil, formatErr(name, ErrTruncated, "data chunk claims %d bytes but only %d remain", dataSize, remain)
			}
			if dataSize%ba != 0 {
				return nil, formatErr(name, ErrTruncated, "data chunk of %d bytes is not a whole number of %d-byte frames", dataSize, ba)
			}
			h.Frames = dataSize / ba
			return &h, nil
		default:
			if known && csize > remain {
				return nil, formatErr(name, ErrTruncated, "chunk %q claims %d bytes but only %d remain", cid[:], csize, remain)
			}
		}
		pos = body + csize + csize&1 // chunks are padded to even sizes
		if !known && csize > 0 {
			// The chunk's body must be there; only its pad byte may be
			// missing at the very end.
			if err := skipTo(body + csize); err != nil {
				if errors.Is(err, io.EOF) {
					return nil, formatErr(name, errTruncatedEOF, "chunk %q claims %d bytes but the input ends after %d", cid[:], csize, at-body)
				}
				return nil, err
			}
		}
	}
}

// parseFmt reads a fmt chunk body of csize bytes (r is at its start) and
// checks that it describes integer PCM ardm can read. It returns how many
// bytes it read.
func parseFmt(r io.Reader, name string, csize int64, h *Header) (int64, error) {
	if csize < 16 {
		return 0, formatErr(name, ErrBadHeader, "fmt chunk too short (%d bytes)", csize)
	}
	var b [40]byte
	n := min(csize, int64(len(b)))
	if m, err := io.ReadFull(r, b[:n]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return int64(m), formatErr(name, errTruncatedEOF, "fmt chunk claims %d bytes but the input ends after %d", csize, m)
		}
		return int64(m), fmt.Errorf("audio: %s: reading fmt chunk: %w", name, err)
	}
	return n, checkFmt(name, b[:n], csize, h)
}

// checkFmt decodes the first n = min(csize, 40) bytes of a fmt chunk.
func checkFmt(name string, b []byte, csize int64, h *Header) error {
	n := int64(len(b))
	tag := binary.LittleEndian.Uint16(b[0:])
	channels := int(binary.LittleEndian.Uint16(b[2:]))
	rate := int64(binary.LittleEndian.Uint32(b[4:]))
	blockAlign := int(binary.LittleEndian.Uint16(b[12:]))
	bitsPer := int(binary.LittleEndian.Uint16(b[14:]))
	h.FormatTag = tag
	h.ValidBits = bitsPer
	switch tag {
	case wavFormatPCM:
	case wavFormatExtensible:
		if n < 40 {
			return formatErr(name, ErrBadHeader, "extensible fmt chunk too short (%d bytes, want 40)", csize)
		}
		sub := binary.LittleEndian.Uint16(b[24:])
		if [14]byte(b[26:40]) != ksdataformatSubtypeTail {
			return formatErr(name, ErrUnsupported, "unsupported extensible sub-format GUID % x", b[24:40])
		}
		if sub != wavFormatPCM {
			return formatErr(name, ErrUnsupported, "unsupported format %d (%s) in WAVE_FORMAT_EXTENSIBLE", sub, formatTagName(sub))
		}
		h.ValidBits = int(binary.LittleEndian.Uint16(b[18:]))
		h.ChannelMask = binary.LittleEndian.Uint32(b[20:])
		if h.ValidBits == 0 {
			h.ValidBits = bitsPer
		}
		if h.ValidBits > bitsPer {
			return formatErr(name, ErrBadHeader, "%d valid bits in a %d-bit container", h.ValidBits, bitsPer)
		}
	default:
		return formatErr(name, ErrUnsupported, "unsupported format %d (%s)", tag, formatTagName(tag))
	}
	switch {
	case channels == 0:
		return formatErr(name, ErrBadHeader, "zero channels")
	case rate == 0:
		return formatErr(name, ErrBadHeader, "zero sample rate")
	case rate > maxSampleRate:
		return formatErr(name, ErrBadHeader, "sample rate %d Hz is implausible", rate)
	}
	switch bitsPer {
	case 8, 16, 24, 32:
	default:
		return formatErr(name, ErrUnsupported, "unsupported bit depth %d (want 8, 16, 24 or 32)", bitsPer)
	}
	if want := channels * bitsPer / 8; blockAlign != want {
		return formatErr(name, ErrBadHeader, "block align %d does not match %d channels x %d bits", blockAlign, channels, bitsPer)
	}
	h.SampleRate = int(rate)
	h.Channels = channels
	h.BitDepth = bitsPer
	return nil
}

// maxSampleRate bounds the sample rate a header may claim (64 MHz covers
// every audio use; larger values are corrupt headers).
const maxSampleRate = 1 << 26

// WriteFile writes p as a PCM WAV file atomically: it writes a temporary
// file in the same directory and renames it over path (mode 0644).
func WriteFile(path string, p *PCM) error {
	if p == nil {
		return errors.New("audio: nil PCM")
	}
	if err := checkFormat(p.Format); err != nil {
		return fmt.Errorf("audio: %s: %w", path, err)
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("audio: %w", err)
	}
	defer f.Abort()
	if err := Write(f, p); err != nil {
		return fmt.Errorf("audio: %s: %w", path, err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("audio: %w", err)
	}
	return nil
}

// Encode returns p as the bytes of a PCM WAV file.
func Encode(p *PCM) ([]byte, error) {
	var b bytes.Buffer
	if err := Write(&b, p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Write writes p as a PCM WAV file (format tag 1, 16-byte fmt chunk, the
// 44-byte canonical header) to w with a Writer. 8-bit samples (-128..127 in
// memory) are written unsigned. A sample outside the range of p.BitDepth is
// an error, not silently wrapped.
func Write(w io.Writer, p *PCM) error {
	if p == nil {
		return errors.New("audio: nil PCM")
	}
	wr, err := NewWriter(w, p.Format, int64(p.Frames()))
	if err != nil {
		return err
	}
	if err := wr.WriteFrames(p); err != nil {
		return err
	}
	return wr.Close()
}

// sampleRange is the range of a signed sample of the given depth.
func sampleRange(depth int) (lo, hi int32) {
	if depth >= 32 {
		return -1 << 31, 1<<31 - 1
	}
	return -1 << uint(depth-1), 1<<uint(depth-1) - 1
}
