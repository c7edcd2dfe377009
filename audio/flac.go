package audio

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"

	"github.com/mewkiz/flac/frame"
)

// flacMagic starts every FLAC stream.
const flacMagic = "fLaC"

// FLAC metadata block types this package looks at.
const (
	flacBlockStreamInfo = 0
	flacBlockInvalid    = 127
	flacStreamInfoSize  = 34
)

// flacHeader parses the metadata blocks of a FLAC stream: r is just after
// the 4-byte magic. It reads the STREAMINFO block and skips the others
// (seeking over them when sk is set), checking every block length against
// size, the number of bytes from the start of the file to the end (-1 when
// unknown). It leaves r at the first frame and returns the header and the
// STREAMINFO MD5.
func flacHeader(r io.Reader, sk io.Seeker, size int64, name string) (*Header, [16]byte, error) {
	var (
		h     = Header{Container: ContainerFLAC}
		sum   [16]byte
		pos   = int64(len(flacMagic))
		first = true
	)
	for {
		var bh [4]byte
		if _, err := io.ReadFull(r, bh[:]); err != nil {
			return nil, sum, flacReadErr(name, err, "metadata block header at byte %d", pos)
		}
		last := bh[0]&0x80 != 0
		typ := bh[0] & 0x7F
		length := int64(bh[1])<<16 | int64(bh[2])<<8 | int64(bh[3])
		body := pos + 4
		switch {
		case typ == flacBlockInvalid:
			return nil, sum, formatErr(name, ErrBadHeader, "invalid FLAC metadata block type 127 at byte %d", pos)
		case first && typ != flacBlockStreamInfo:
			return nil, sum, formatErr(name, ErrBadHeader, "first FLAC metadata block is type %d, not STREAMINFO", typ)
		case !first && typ == flacBlockStreamInfo:
			return nil, sum, formatErr(name, ErrBadHeader, "second STREAMINFO block at byte %d", pos)
		case size >= 0 && body+length > size:
			return nil, sum, formatErr(name, ErrTruncated, "FLAC metadata block at byte %d claims %d bytes but only %d remain", pos, length, size-body)
		}
		if typ == flacBlockStreamInfo {
			if length != flacStreamInfoSize {
				return nil, sum, formatErr(name, ErrBadHeader, "STREAMINFO block of %d bytes (want 34)", length)
			}
			var b [flacStreamInfoSize]byte
			if _, err := io.ReadFull(r, b[:]); err != nil {
				return nil, sum, flacReadErr(name, err, "STREAMINFO block")
			}
			if err := parseStreamInfo(name, b, &h); err != nil {
				return nil, sum, err
			}
			copy(sum[:], b[18:34])
		} else if err := skipBytes(r, sk, length); err != nil {
			return nil, sum, flacReadErr(name, err, "metadata block at byte %d (%d bytes)", pos, length)
		}
		first = false
		pos = body + length
		if last {
			h.DataOffset = pos
			return &h, sum, nil
		}
	}
}

// parseStreamInfo decodes the 34 bytes of a STREAMINFO block into h.
func parseStreamInfo(name string, b [flacStreamInfoSize]byte, h *Header) error {
	minBlock := int(binary.BigEndian.Uint16(b[0:]))
	maxBlock := int(binary.BigEndian.Uint16(b[2:]))
	v := binary.BigEndian.Uint64(b[10:]) // rate:20 channels-1:3 bps-1:5 samples:36
	rate := int(v >> 44)
	channels := int(v>>41&0x7) + 1
	bps := int(v>>36&0x1F) + 1
	total := int64(v & (1<<36 - 1))
	switch {
	case rate == 0:
		return formatErr(name, ErrBadHeader, "zero sample rate")
	case minBlock < 16 && minBlock != maxBlock:
		return formatErr(name, ErrBadHeader, "FLAC minimum block size %d (want >= 16)", minBlock)
	case maxBlock < minBlock:
		return formatErr(name, ErrBadHeader, "FLAC block sizes %d..%d", minBlock, maxBlock)
	case bps < 4:
		return formatErr(name, ErrBadHeader, "FLAC sample size %d bits (want 4..32)", bps)
	case bps > 24:
		return formatErr(name, ErrUnsupported, "unsupported FLAC sample size %d bits (want at most 24)", bps)
	}
	h.SampleRate = rate
	h.Channels = channels
	h.ValidBits = bps
	h.BitDepth = (bps + 7) / 8 * 8
	h.Frames = total
	if total == 0 {
		h.Frames = UnknownFrames // STREAMINFO: 0 means unknown
	}
	return nil
}

// skipBytes moves r forward by n bytes.
func skipBytes(r io.Reader, sk io.Seeker, n int64) error {
	if sk != nil {
		_, err := sk.Seek(n, io.SeekCurrent)
		return err
	}
	m, err := io.CopyN(io.Discard, r, n)
	if err == io.EOF && m < n {
		return io.ErrUnexpectedEOF
	}
	return err
}

// flacReadErr classes an error met while reading the FLAC header: the end
// of the input is truncation, anything else an I/O error.
func flacReadErr(name string, err error, what string, a ...any) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return formatErr(name, errTruncatedEOF, "FLAC input ends inside the %s", fmt.Sprintf(what, a...))
	}
	return fmt.Errorf("audio: %s: reading %s: %w", name, fmt.Sprintf(what, a...), err)
}

// flacFrames decodes the audio frames of a FLAC stream one at a time with
// mewkiz/flac's frame decoder, checking each frame against STREAMINFO and
// the MD5 of all samples at the end.
type flacFrames struct {
	br      *bufio.Reader
	md5     [16]byte // from STREAMINFO; all zero when not computed
	sum     hash.Hash
	hashBuf []byte
	shift   uint  // container bits - sample bits
	frame   int64 // frames decoded (the next frame's number)
	pending [][]int32
	off     int // samples of pending already handed out
}

func newFLACFrames(r io.Reader, h *Header, sum [16]byte) *flacFrames {
	f := &flacFrames{br: bufio.NewReaderSize(r, ioChunk), md5: sum, shift: uint(h.BitDepth - h.ValidBits)}
	if sum != ([16]byte{}) {
		f.sum = md5.New()
	}
	return f
}

// appendFLAC is appendFrames for a FLAC stream.
func (r *Reader) appendFLAC(data [][]int32, n int) (int, error) {
	f := r.fl
	got := 0
	for got < n {
		if len(f.pending) == 0 || f.off == len(f.pending[0]) {
			if err := r.nextFLACFrame(); err != nil {
				r.err = err
				break
			}
			continue
		}
		k := min(n-got, len(f.pending[0])-f.off)
		base := len(data[0])
		for c := range data {
			data[c] = slices.Grow(data[c], k)[:base+k]
			src := f.pending[c][f.off : f.off+k]
			dst := data[c][base:]
			for i, v := range src {
				dst[i] = v << f.shift
			}
		}
		f.off += k
		got += k
		r.done += int64(k)
	}
	if got > 0 && r.err == io.EOF {
		return got, nil
	}
	return got, r.err
}

// nextFLACFrame decodes the next frame into r.fl.pending. At the clean end
// of the stream it checks the frame count and the MD5 and returns io.EOF.
func (r *Reader) nextFLACFrame() (err error) {
	f := r.fl
	defer func() {
		// mewkiz/flac indexes slices with values from the stream; a
		// corrupt frame must be an error, not a crash.
		if p := recover(); p != nil {
			err = formatErr(r.name, ErrCorrupt, "corrupt FLAC frame %d: %v", f.frame, p)
		}
	}()
	fr, err := frame.New(f.br)
	if err == io.EOF {
		return r.endFLAC()
	}
	if err != nil {
		return r.flacFrameErr(err)
	}
	switch {
	case fr.Channels.Count() != r.h.Channels:
		return formatErr(r.name, ErrCorrupt, "FLAC frame %d has %d channels, STREAMINFO %d", f.frame, fr.Channels.Count(), r.h.Channels)
	case fr.BitsPerSample == 0:
		fr.BitsPerSample = uint8(r.h.ValidBits) // "get from STREAMINFO"
	case int(fr.BitsPerSample) != r.h.ValidBits:
		return formatErr(r.name, ErrCorrupt, "FLAC frame %d has %d-bit samples, STREAMINFO %d", f.frame, fr.BitsPerSample, r.h.ValidBits)
	}
	want := uint64(f.frame)
	if !fr.HasFixedBlockSize {
		want = uint64(r.done) // variable block size streams number samples
	}
	if fr.Num != want {
		return formatErr(r.name, ErrCorrupt, "FLAC frame %d is numbered %d (a frame is missing or corrupt)", f.frame, fr.Num)
	}
	if r.h.Frames != UnknownFrames && r.done+int64(fr.BlockSize) > r.h.Frames {
		return formatErr(r.name, ErrCorrupt, "FLAC frame %d runs past the %d samples STREAMINFO announces", f.frame, r.h.Frames)
	}
	if err := fr.Parse(); err != nil {
		return r.flacFrameErr(err)
	}
	f.pending = f.pending[:0]
	for _, sf := range fr.Subframes {
		if len(sf.Samples) != int(fr.BlockSize) {
			return formatErr(r.name, ErrCorrupt, "FLAC frame %d: subframe of %d samples in a block of %d", f.frame, len(sf.Samples), fr.BlockSize)
		}
		f.pending = append(f.pending, sf.Samples)
	}
	if f.sum != nil {
		f.hashFrame(int(fr.BitsPerSample))
	}
	f.off = 0
	f.frame++
	return nil
}

// flacFrameErr classes an error from the frame decoder.
func (r *Reader) flacFrameErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return formatErr(r.name, errTruncatedEOF, "FLAC data ends inside frame %d (after %d samples)", r.fl.frame, r.done)
	}
	var pe *ioError
	if errors.As(err, &pe) {
		return pe.err
	}
	return formatErr(r.name, ErrCorrupt, "corrupt FLAC frame %d at sample %d: %v", r.fl.frame, r.done, err)
}

// endFLAC checks the totals at the clean end of a FLAC stream.
func (r *Reader) endFLAC() error {
	f := r.fl
	if r.h.Frames != UnknownFrames && r.done != r.h.Frames {
		return formatErr(r.name, errTruncatedEOF, "FLAC data ended after %d of %d samples", r.done, r.h.Frames)
	}
	if f.sum != nil {
		var got [16]byte
		f.sum.Sum(got[:0])
		if got != f.md5 {
			return formatErr(r.name, ErrCorrupt, "FLAC MD5 mismatch: STREAMINFO has %x, the decoded samples %x", f.md5, got)
		}
	}
	return io.EOF
}

// hashFrame adds the pending frame to the running MD5: samples
// interleaved, signed little-endian in (bps+7)/8 bytes, as FLAC defines it.
func (f *flacFrames) hashFrame(bps int) {
	w := (bps + 7) / 8
	n := len(f.pending[0])
	b := f.hashBuf[:0]
	for i := range n {
		for _, ch := range f.pending {
			v := uint32(ch[i])
			switch w {
			case 1:
				b = append(b, byte(v))
			case 2:
				b = append(b, byte(v), byte(v>>8))
			default:
				b = append(b, byte(v), byte(v>>8), byte(v>>16))
			}
		}
	}
	f.sum.Write(b)
	f.hashBuf = b
}

// ioError marks a read error of the underlying input (not of the data) as
// it passes through the frame decoder.
type ioError struct{ err error }

func (e *ioError) Error() string { return e.err.Error() }

// errReader wraps the input of the frame decoder so that a failing read
// (a disk error, not the end) keeps its identity.
type errReader struct {
	r    io.Reader
	name string
}

func (e errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		err = &ioError{fmt.Errorf("audio: %s: reading FLAC frames: %w", e.name, err)}
	}
	return n, err
}

// isFLAC reports whether b starts with the FLAC magic.
func isFLAC(b []byte) bool { return bytes.HasPrefix(b, []byte(flacMagic)) }
