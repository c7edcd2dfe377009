package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/go-audio/audio"
	"github.com/go-audio/riff"
	"github.com/go-audio/wav"
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

// ReadAll reads a whole WAV stream that cannot seek (stdin, a pipe) by
// buffering it; name is used in error messages.
func ReadAll(r io.Reader, name string) (*PCM, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("audio: %s: %w", name, err)
	}
	return Decode(b, name)
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
	h, err := ReadHeader(r, name)
	if err != nil {
		return nil, err
	}
	return readSamples(r, name, h)
}

// ReadHeader parses and checks the RIFF structure up to the data chunk
// without reading any samples. r must be at the start of the file.
//
// go-audio/wav's own header parser is not used here: it allocates the fmt
// chunk's claimed size, ignores the format tag (a float file decodes as
// integers), drops the extensible sub-format and swallows read errors. The
// chunk walk below reads at most 40 bytes of any chunk and checks every
// claimed size against the real size of the input.
func ReadHeader(r io.ReadSeeker, name string) (*Header, error) {
	start, err := r.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, fmt.Errorf("audio: %s: %w", name, err)
	}
	end, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, fmt.Errorf("audio: %s: %w", name, err)
	}
	if _, err := r.Seek(start, io.SeekStart); err != nil {
		return nil, fmt.Errorf("audio: %s: %w", name, err)
	}
	size := end - start
	if size <= 0 {
		return nil, formatErr(name, ErrEmpty, "empty file")
	}
	var head [12]byte
	n, err := io.ReadFull(r, head[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("audio: %s: %w", name, err)
	}
	id := head[:min(n, 4)]
	switch {
	case bytes.Equal(id, []byte("RIFX")):
		return nil, formatErr(name, ErrUnsupported, "big-endian RIFX files are not supported")
	case bytes.Equal(id, []byte("RF64")):
		return nil, formatErr(name, ErrUnsupported, "RF64 files are not supported")
	case !bytes.Equal(id, riff.RiffID[:]):
		return nil, formatErr(name, ErrNotRIFF, "not a RIFF/WAVE file (starts with %q)", head[:min(n, 4)])
	case n < 12:
		return nil, formatErr(name, ErrTruncated, "RIFF header cut short after %d bytes", n)
	case !bytes.Equal(head[8:12], riff.WavFormatID[:]):
		return nil, formatErr(name, ErrNotRIFF, "RIFF form %q is not WAVE", head[8:12])
	}

	var (
		h      Header
		gotFmt bool
		pos    = int64(12)
	)
	for {
		if pos+8 > size {
			if !gotFmt {
				return nil, formatErr(name, ErrBadHeader, "no fmt chunk")
			}
			return nil, formatErr(name, ErrBadHeader, "no data chunk")
		}
		if _, err := r.Seek(start+pos, io.SeekStart); err != nil {
			return nil, fmt.Errorf("audio: %s: %w", name, err)
		}
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			return nil, fmt.Errorf("audio: %s: reading chunk header at byte %d: %w", name, pos, err)
		}
		cid := [4]byte(ch[:4])
		csize := int64(binary.LittleEndian.Uint32(ch[4:]))
		body := pos + 8
		remain := size - body
		switch cid {
		case riff.FmtID:
			if gotFmt {
				return nil, formatErr(name, ErrBadHeader, "second fmt chunk at byte %d", pos)
			}
			if csize > remain {
				return nil, formatErr(name, ErrTruncated, "fmt chunk claims %d bytes but only %d remain", csize, remain)
			}
			if err := parseFmt(r, name, csize, &h); err != nil {
				return nil, err
			}
			gotFmt = true
		case riff.DataFormatID:
			if !gotFmt {
				return nil, formatErr(name, ErrBadHeader, "data chunk before fmt chunk")
			}
			dataSize := csize
			if csize == streamingDataSize && remain < csize {
				dataSize = remain
			}
			if dataSize > remain {
				return nil, formatErr(name, ErrTruncated, "data chunk claims %d bytes but only %d remain", dataSize, remain)
			}
			ba := int64(h.blockAlign())
			if dataSize%ba != 0 {
				return nil, formatErr(name, ErrTruncated, "data chunk of %d bytes is not a whole number of %d-byte frames", dataSize, ba)
			}
			h.Frames = dataSize / ba
			h.DataOffset = pos
			if _, err := r.Seek(start+body, io.SeekStart); err != nil {
				return nil, fmt.Errorf("audio: %s: %w", name, err)
			}
			return &h, nil
		default:
			if csize > remain {
				return nil, formatErr(name, ErrTruncated, "chunk %q claims %d bytes but only %d remain", cid[:], csize, remain)
			}
		}
		pos = body + csize + csize&1 // chunks are padded to even sizes
	}
}

// parseFmt reads a fmt chunk body of csize bytes (r is at its start) and
// checks that it describes integer PCM ardm can read.
func parseFmt(r io.Reader, name string, csize int64, h *Header) error {
	if csize < 16 {
		return formatErr(name, ErrBadHeader, "fmt chunk too short (%d bytes)", csize)
	}
	var b [40]byte
	n := min(csize, int64(len(b)))
	if _, err := io.ReadFull(r, b[:n]); err != nil {
		return fmt.Errorf("audio: %s: reading fmt chunk: %w", name, err)
	}
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

// chunkSamples is how many interleaved samples readSamples and Write
// convert per go-audio call.
const chunkSamples = 1 << 16

// readSamples decodes the data chunk that ReadHeader found, with
// go-audio/wav's sample decoder. r is at the first sample.
func readSamples(r io.ReadSeeker, name string, h *Header) (*PCM, error) {
	// Position go-audio's decoder on the data chunk header: with NumChans
	// set it skips its own header parsing and FwdToPCM takes the next chunk,
	// which is "data".
	if _, err := r.Seek(-8, io.SeekCurrent); err != nil {
		return nil, fmt.Errorf("audio: %s: %w", name, err)
	}
	d := wav.NewDecoder(r)
	d.NumChans = uint16(h.Channels)
	d.BitDepth = uint16(h.BitDepth)
	d.SampleRate = uint32(h.SampleRate)
	d.WavAudioFormat = h.FormatTag
	if err := d.FwdToPCM(); err != nil {
		return nil, fmt.Errorf("audio: %s: locating data chunk: %w", name, err)
	}
	if d.PCMChunk == nil || d.PCMChunk.ID != riff.DataFormatID {
		return nil, formatErr(name, ErrBadHeader, "data chunk not found where the header walk left it")
	}
	// go-audio limits the chunk reader to the header's size rounded up to
	// even (so a pad byte of an odd-sized chunk would decode as a sample) and
	// decodes each read of the chunk on its own (so a short read would lose
	// bytes). Read exactly the checked number of bytes, in full reads.
	nbytes := h.Frames * int64(h.blockAlign())
	d.PCMChunk.R = fullReader{io.LimitReader(r, nbytes)}

	C := h.Channels
	frames := int(h.Frames)
	p := &PCM{Format: h.Format, Data: make([][]int32, C)}
	for c := range p.Data {
		p.Data[c] = make([]int32, frames)
	}
	total := frames * C
	per := max(1, chunkSamples/C) * C
	buf := &audio.IntBuffer{Data: make([]int, min(per, max(total, 1)))}
	var offset int32
	if h.BitDepth == 8 {
		offset = -128 // 8-bit WAV is unsigned on disk
	}
	k := 0
	for k < total {
		n, err := d.PCMBuffer(buf)
		if err != nil {
			return nil, fmt.Errorf("audio: %s: reading samples: %w", name, err)
		}
		if n == 0 {
			break
		}
		n = min(n, total-k)
		for _, v := range buf.Data[:n] {
			p.Data[k%C][k/C] = int32(v) + offset
			k++
		}
	}
	if k < total {
		return nil, formatErr(name, ErrTruncated, "data ended after %d of %d samples", k, total)
	}
	return p, nil
}

// fullReader makes every Read fill its buffer unless the input ends.
type fullReader struct{ r io.Reader }

func (f fullReader) Read(p []byte) (int, error) {
	n, err := io.ReadFull(f.r, p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = nil
	}
	return n, err
}

// WriteFile writes p as a PCM WAV file atomically: it writes a temporary
// file in the same directory and renames it over path.
func WriteFile(path string, p *PCM) (err error) {
	if err := checkPCM(p); err != nil {
		return fmt.Errorf("audio: %s: %w", path, err)
	}
	dir, base := splitPath(path)
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("audio: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = Write(f, p); err != nil {
		return fmt.Errorf("audio: %s: %w", path, err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("audio: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("audio: %w", err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("audio: %w", err)
	}
	return nil
}

func splitPath(path string) (dir, base string) {
	for i := len(path) - 1; i >= 0; i-- {
		if os.IsPathSeparator(path[i]) {
			return path[:i+1], path[i+1:]
		}
	}
	return ".", path
}

// Encode returns p as the bytes of a PCM WAV file.
func Encode(p *PCM) ([]byte, error) {
	var b seekBuffer
	if err := Write(&b, p); err != nil {
		return nil, err
	}
	return b.buf, nil
}

// Write writes p as a PCM WAV file (format tag 1, 16-byte fmt chunk) to w,
// which must be at offset 0 (the header sizes are patched at the end).
// 8-bit samples (-128..127 in memory) are written unsigned. A sample outside
// the range of p.BitDepth is an error, not silently wrapped.
func Write(w io.WriteSeeker, p *PCM) error {
	if err := checkPCM(p); err != nil {
		return err
	}
	if pos, err := w.Seek(0, io.SeekCurrent); err != nil {
		return fmt.Errorf("audio: %w", err)
	} else if pos != 0 {
		return fmt.Errorf("audio: Write needs a writer at offset 0, not %d", pos)
	}
	C, depth := p.Channels, p.BitDepth
	// go-audio's NewEncoder pre-allocates a minute of audio at the given
	// sample rate (hundreds of MB for multichannel high-rate audio); create
	// it with a rate of 1 and set the real rate before the header goes out.
	enc := wav.NewEncoder(w, 1, depth, C, wavFormatPCM)
	enc.SampleRate = p.SampleRate
	var offset int
	if depth == 8 {
		offset = 128
	}
	frames := p.Frames()
	per := max(1, chunkSamples/C)
	buf := &audio.IntBuffer{
		Format:         &audio.Format{NumChannels: C, SampleRate: p.SampleRate},
		Data:           make([]int, 0, min(per, max(frames, 1))*C),
		SourceBitDepth: depth,
	}
	for i := 0; i == 0 || i < frames; i += per {
		buf.Data = buf.Data[:0]
		for j := i; j < min(i+per, frames); j++ {
			for c := range C {
				buf.Data = append(buf.Data, int(p.Data[c][j])+offset)
			}
		}
		if err := enc.Write(buf); err != nil {
			return fmt.Errorf("audio: writing WAV: %w", err)
		}
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("audio: writing WAV: %w", err)
	}
	// RIFF chunks are padded to an even size; go-audio does not write the
	// pad byte of an odd-sized data chunk, so add it and fix the RIFF size.
	dataBytes := int64(frames) * int64(C*depth/8)
	if dataBytes%2 == 1 {
		if _, err := w.Write([]byte{0}); err != nil {
			return fmt.Errorf("audio: writing WAV: %w", err)
		}
		if _, err := w.Seek(4, io.SeekStart); err != nil {
			return fmt.Errorf("audio: writing WAV: %w", err)
		}
		var sz [4]byte
		binary.LittleEndian.PutUint32(sz[:], uint32(36+dataBytes+1))
		if _, err := w.Write(sz[:]); err != nil {
			return fmt.Errorf("audio: writing WAV: %w", err)
		}
		if _, err := w.Seek(0, io.SeekEnd); err != nil {
			return fmt.Errorf("audio: writing WAV: %w", err)
		}
	}
	return nil
}

// checkPCM reports why p cannot be written as a WAV file.
func checkPCM(p *PCM) error {
	if p == nil {
		return errors.New("audio: nil PCM")
	}
	switch p.BitDepth {
	case 8, 16, 24, 32:
	default:
		return fmt.Errorf("audio: cannot write bit depth %d (want 8, 16, 24 or 32)", p.BitDepth)
	}
	if p.Channels < 1 || p.Channels*p.BitDepth/8 > 0xFFFF {
		return fmt.Errorf("audio: cannot write %d channels of %d bits", p.Channels, p.BitDepth)
	}
	if len(p.Data) != p.Channels {
		return fmt.Errorf("audio: PCM has %d channel slices for %d channels", len(p.Data), p.Channels)
	}
	if p.SampleRate < 1 || p.SampleRate > maxSampleRate {
		return fmt.Errorf("audio: cannot write sample rate %d", p.SampleRate)
	}
	frames := p.Frames()
	if int64(frames)*int64(p.Channels*p.BitDepth/8) > 0xFFFFFFFF-64 {
		return fmt.Errorf("audio: %d frames do not fit in a WAV file", frames)
	}
	lo, hi := sampleRange(p.BitDepth)
	for c, ch := range p.Data {
		if len(ch) != frames {
			return fmt.Errorf("audio: channel %d has %d samples, channel 0 has %d", c, len(ch), frames)
		}
		for i, v := range ch {
			if v < lo || v > hi {
				return fmt.Errorf("audio: channel %d sample %d is %d, outside the %d-bit range %d..%d", c, i, v, p.BitDepth, lo, hi)
			}
		}
	}
	return nil
}

// sampleRange is the range of a signed sample of the given depth.
func sampleRange(depth int) (lo, hi int32) {
	if depth >= 32 {
		return -1 << 31, 1<<31 - 1
	}
	return -1 << uint(depth-1), 1<<uint(depth-1) - 1
}

// seekBuffer is an in-memory io.WriteSeeker.
type seekBuffer struct {
	buf []byte
	pos int
}

func (b *seekBuffer) Write(p []byte) (int, error) {
	if need := b.pos + len(p); need > len(b.buf) {
		b.buf = append(b.buf, make([]byte, need-len(b.buf))...)
	}
	copy(b.buf[b.pos:], p)
	b.pos += len(p)
	return len(p), nil
}

func (b *seekBuffer) Seek(offset int64, whence int) (int64, error) {
	var base int64
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		base = int64(b.pos)
	case io.SeekEnd:
		base = int64(len(b.buf))
	default:
		return 0, errors.New("audio: bad whence")
	}
	n := base + offset
	if n < 0 {
		return 0, errors.New("audio: negative seek")
	}
	b.pos = int(n)
	return n, nil
}
