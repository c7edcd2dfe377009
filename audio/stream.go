package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
)

// UnknownFrames is the Header.Frames of a data chunk that runs to the end
// of an input that cannot seek (size 0xFFFFFFFF, written by streaming
// encoders), and the frame count to give NewWriter when it is not known.
const UnknownFrames = -1

// ioChunk is the number of bytes the Reader and Writer move per read or
// write of the underlying stream; it bounds their buffers.
const ioChunk = 1 << 16

// maxDataBytes bounds the data chunk a Writer produces: the RIFF size field
// (32 bits) must hold it plus the header.
const maxDataBytes = 0xFFFFFFFF - 64

// errTruncatedEOF classes data that ends early: it matches both
// ErrTruncated and io.ErrUnexpectedEOF.
var errTruncatedEOF = fmt.Errorf("%w: %w", ErrTruncated, io.ErrUnexpectedEOF)

// Reader reads the samples of a WAV or FLAC stream a few frames at a time,
// so that a file of any length is read in bounded memory.
type Reader struct {
	r    io.Reader
	name string
	h    Header
	left int64 // data bytes not read yet; -1: up to the end of the input
	done int64 // frames read
	buf  []byte
	err  error       // sticky: io.EOF after the last frame, or the failure
	fl   *flacFrames // a FLAC stream's frame decoder; nil for WAV
	// toEnd: a data chunk that ends before its size field says ends the
	// data (ReadLenient).
	toEnd bool
}

// NewReader parses the WAV header of r (at the start of the file) with the
// same checks as ReadHeader and leaves r at the first sample; name is used
// in error messages. When r is an io.Seeker that can seek (a file), every
// chunk size is checked against the size of the input up front; otherwise
// (a pipe) the checks happen as the bytes arrive, a data size of 0xFFFFFFFF
// means "to the end of the input" and Header().Frames is UnknownFrames.
func NewReader(r io.Reader, name string) (*Reader, error) {
	var (
		sk    io.Seeker
		size  int64 = -1
		start int64
	)
	if s, ok := r.(io.Seeker); ok {
		if at, err := s.Seek(0, io.SeekCurrent); err == nil {
			end, err := s.Seek(0, io.SeekEnd)
			if err != nil {
				return nil, fmt.Errorf("audio: %s: %w", name, err)
			}
			if _, err := s.Seek(at, io.SeekStart); err != nil {
				return nil, fmt.Errorf("audio: %s: %w", name, err)
			}
			sk, size, start = s, end-at, at
		}
	}
	// The first four bytes say the container: "fLaC" or (for walkHeader
	// to check) "RIFF".
	var magic [4]byte
	n, err := io.ReadFull(r, magic[:])
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("audio: %s: %w", name, err)
	}
	if n == len(magic) && isFLAC(magic[:]) {
		h, sum, err := flacHeader(r, sk, size, name)
		if err != nil {
			return nil, err
		}
		return &Reader{r: r, name: name, h: *h, left: -1, fl: newFLACFrames(errReader{r, name}, h, sum)}, nil
	}
	if sk != nil {
		if _, err := sk.Seek(start, io.SeekStart); err != nil {
			return nil, fmt.Errorf("audio: %s: %w", name, err)
		}
	} else {
		r = io.MultiReader(bytes.NewReader(magic[:n]), r)
	}
	h, err := walkHeader(r, sk, size, name)
	if err != nil {
		return nil, err
	}
	rd := &Reader{r: r, name: name, h: *h, left: -1}
	if h.Frames != UnknownFrames {
		rd.left = h.Frames * int64(h.blockAlign())
	}
	return rd, nil
}

// Header is what the stream's header says (Frames is UnknownFrames for a
// data chunk that runs to the end of a pipe).
func (r *Reader) Header() Header { return r.h }

// Format is the format of the samples.
func (r *Reader) Format() Format { return r.h.Format }

// ReadFrames reads up to n frames into dst, replacing its contents (the
// channel slices are reused when they have room) and setting its Format.
// It returns fewer than n frames only at the end of the data. After the
// last frame it returns 0, io.EOF. Data that ends before the header's size,
// or inside a frame, gives a *FormatError matching both ErrTruncated and
// io.ErrUnexpectedEOF, together with the whole frames before it.
func (r *Reader) ReadFrames(dst *PCM, n int) (int, error) {
	C := r.h.Channels
	dst.Format = r.h.Format
	if len(dst.Data) != C {
		dst.Data = make([][]int32, C)
	}
	for c := range dst.Data {
		dst.Data[c] = dst.Data[c][:0]
	}
	return r.appendFrames(dst.Data, n)
}

// appendFrames appends up to n frames to data[c] (len(data) is the channel
// count). The slices grow with the bytes actually read, never with what a
// header claims.
func (r *Reader) appendFrames(data [][]int32, n int) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.fl != nil {
		return r.appendFLAC(data, n)
	}
	ba := r.h.blockAlign()
	got := 0
	for got < n {
		want := min(n-got, max(1, ioChunk/ba))
		if r.left >= 0 {
			want = int(min(int64(want), r.left/int64(ba)))
		}
		if want == 0 {
			r.err = io.EOF
			break
		}
		if cap(r.buf) < want*ba {
			r.buf = make([]byte, want*ba)
		}
		b := r.buf[:want*ba]
		m, err := io.ReadFull(r.r, b)
		whole := m / ba
		if whole > 0 {
			base := len(data[0])
			for c := range data {
				data[c] = slices.Grow(data[c], whole)[:base+whole]
			}
			unpack(data, base, b[:whole*ba], r.h.BitDepth)
		}
		got += whole
		r.done += int64(whole)
		if r.left >= 0 {
			r.left -= int64(m)
		}
		if err == nil {
			continue
		}
		switch {
		case !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF):
			r.err = fmt.Errorf("audio: %s: reading samples: %w", r.name, err)
		case r.left >= 0 && !r.toEnd:
			r.err = formatErr(r.name, errTruncatedEOF, "data ended after %d of %d frames", r.done, r.h.Frames)
		case m%ba != 0 && !r.toEnd:
			r.err = formatErr(r.name, errTruncatedEOF, "data ends inside frame %d (%d of its %d bytes)", r.done, m%ba, ba)
		default:
			r.err = io.EOF
		}
		break
	}
	if got > 0 && r.err == io.EOF {
		return got, nil
	}
	return got, r.err
}

// Writer writes a PCM WAV file (format tag 1, 44-byte header) frame by
// frame, so that a file of any length is written in bounded memory.
type Writer struct {
	w       io.Writer
	f       Format
	frames  int64     // announced, or UnknownFrames
	written int64     // frames written
	sk      io.Seeker // non-nil: sizes are patched at Close
	start   int64     // offset of the header in w when patching
	buf     []byte
	err     error
	closed  bool
}

// NewWriter writes the header of a WAV file of format f holding frames
// frames to w. With a known frame count the header holds the exact sizes
// and w is only written forward (standard output works). With
// UnknownFrames, a w that can seek (a file, not in append mode) gets the
// sizes patched by Close; any other w gets the streaming size 0xFFFFFFFF,
// which readers (this package, sox, ffmpeg) take as "to the end".
func NewWriter(w io.Writer, f Format, frames int64) (*Writer, error) {
	if err := checkFormat(f); err != nil {
		return nil, err
	}
	ba := int64(f.Channels * f.BitDepth / 8)
	switch {
	case frames < UnknownFrames:
		return nil, fmt.Errorf("audio: NewWriter: %d frames", frames)
	case frames > maxDataBytes/ba:
		return nil, fmt.Errorf("audio: %d frames do not fit in a WAV file", frames)
	}
	wr := &Writer{w: w, f: f, frames: frames}
	dataSize, riffSize := int64(streamingDataSize), int64(streamingDataSize)
	if frames != UnknownFrames {
		dataSize = frames * ba
		riffSize = 36 + dataSize + dataSize&1
	} else if s, ok := w.(io.Seeker); ok {
		if start, err := s.Seek(0, io.SeekCurrent); err == nil {
			wr.sk, wr.start = s, start
			dataSize, riffSize = 0, 36
		}
	}
	hb := wavHeader(f, riffSize, dataSize)
	if _, err := w.Write(hb[:]); err != nil {
		return nil, fmt.Errorf("audio: writing WAV header: %w", err)
	}
	return wr, nil
}

// wavHeader is the canonical 44-byte header: RIFF, a 16-byte PCM fmt
// chunk and the data chunk's header.
func wavHeader(f Format, riffSize, dataSize int64) [44]byte {
	var b [44]byte
	ba := f.Channels * f.BitDepth / 8
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(riffSize))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], wavFormatPCM)
	binary.LittleEndian.PutUint16(b[22:], uint16(f.Channels))
	binary.LittleEndian.PutUint32(b[24:], uint32(f.SampleRate))
	binary.LittleEndian.PutUint32(b[28:], uint32(f.SampleRate*ba))
	binary.LittleEndian.PutUint16(b[32:], uint16(ba))
	binary.LittleEndian.PutUint16(b[34:], uint16(f.BitDepth))
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(dataSize))
	return b
}

// checkFormat reports why f cannot be written as a WAV file.
func checkFormat(f Format) error {
	switch f.BitDepth {
	case 8, 16, 24, 32:
	default:
		return fmt.Errorf("audio: cannot write bit depth %d (want 8, 16, 24 or 32)", f.BitDepth)
	}
	if f.Channels < 1 || f.Channels*f.BitDepth/8 > 0xFFFF {
		return fmt.Errorf("audio: cannot write %d channels of %d bits", f.Channels, f.BitDepth)
	}
	if f.SampleRate < 1 || f.SampleRate > maxSampleRate {
		return fmt.Errorf("audio: cannot write sample rate %d", f.SampleRate)
	}
	return nil
}

// WriteFrames appends the frames of p, which must have the Writer's
// format. A sample outside the range of the bit depth is an error, not
// silently wrapped, and nothing of p is written then.
func (w *Writer) WriteFrames(p *PCM) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errors.New("audio: WriteFrames after Close")
	}
	if p.Format != w.f {
		return fmt.Errorf("audio: WriteFrames: PCM format %+v, file format %+v", p.Format, w.f)
	}
	if len(p.Data) != w.f.Channels {
		return fmt.Errorf("audio: PCM has %d channel slices for %d channels", len(p.Data), w.f.Channels)
	}
	n := p.Frames()
	lo, hi := sampleRange(w.f.BitDepth)
	for c, ch := range p.Data {
		if len(ch) != n {
			return fmt.Errorf("audio: channel %d has %d samples, channel 0 has %d", c, len(ch), n)
		}
		for i, v := range ch {
			if v < lo || v > hi {
				return fmt.Errorf("audio: channel %d sample %d is %d, outside the %d-bit range %d..%d", c, w.written+int64(i), v, w.f.BitDepth, lo, hi)
			}
		}
	}
	ba := w.f.Channels * w.f.BitDepth / 8
	total := w.written + int64(n)
	if w.frames != UnknownFrames && total > w.frames {
		return fmt.Errorf("audio: WriteFrames: %d frames is more than the %d announced", total, w.frames)
	}
	if total > maxDataBytes/int64(ba) {
		return fmt.Errorf("audio: %d frames do not fit in a WAV file", total)
	}
	per := max(1, ioChunk/ba)
	for i := 0; i < n; i += per {
		j := min(i+per, n)
		w.buf = pack(w.buf[:0], p.Data, i, j, w.f.BitDepth)
		if _, err := w.w.Write(w.buf); err != nil {
			w.err = fmt.Errorf("audio: writing WAV: %w", err)
			return w.err
		}
		w.written += int64(j - i)
	}
	return nil
}

// Close checks that the announced number of frames was written, adds the
// pad byte RIFF needs after an odd-sized data chunk (not after a
// streaming-size one, which ends the file) and, for a seekable writer of
// unknown length, patches the sizes. It does not close the
// underlying writer.
func (w *Writer) Close() error {
	if w.err != nil || w.closed {
		return w.err
	}
	w.closed = true
	if w.frames != UnknownFrames && w.written != w.frames {
		w.err = fmt.Errorf("audio: Close: %d frames written, %d announced", w.written, w.frames)
		return w.err
	}
	dataSize := w.written * int64(w.f.Channels*w.f.BitDepth/8)
	streaming := w.frames == UnknownFrames && w.sk == nil
	// A streaming-size chunk runs to the end of the file: a pad byte would
	// be read as a sample.
	if dataSize%2 == 1 && !streaming {
		if _, err := w.w.Write([]byte{0}); err != nil {
			w.err = fmt.Errorf("audio: writing WAV: %w", err)
			return w.err
		}
	}
	if w.sk != nil {
		w.err = w.patch(dataSize)
	}
	return w.err
}

// patch writes the final sizes into the header and returns to the end.
func (w *Writer) patch(dataSize int64) error {
	hb := wavHeader(w.f, 36+dataSize+dataSize&1, dataSize)
	for _, at := range []int64{4, 40} {
		if _, err := w.sk.Seek(w.start+at, io.SeekStart); err != nil {
			return fmt.Errorf("audio: writing WAV sizes: %w", err)
		}
		if _, err := w.w.Write(hb[at : at+4]); err != nil {
			return fmt.Errorf("audio: writing WAV sizes: %w", err)
		}
	}
	if _, err := w.sk.Seek(w.start+44+dataSize+dataSize&1, io.SeekStart); err != nil {
		return fmt.Errorf("audio: writing WAV sizes: %w", err)
	}
	return nil
}

// unpack decodes the interleaved little-endian frames of src into
// dst[c][off:] (8-bit data is unsigned on disk and becomes -128..127).
// It is the package's only sample decoder.
func unpack(dst [][]int32, off int, src []byte, depth int) {
	C := len(dst)
	bps := depth / 8
	frames := len(src) / (C * bps)
	k := 0
	for i := off; i < off+frames; i++ {
		for c := range C {
			var v int32
			switch depth {
			case 8:
				v = int32(src[k]) - 128
			case 16:
				v = int32(int16(binary.LittleEndian.Uint16(src[k:])))
			case 24:
				v = int32(uint32(src[k])<<8|uint32(src[k+1])<<16|uint32(src[k+2])<<24) >> 8
			case 32:
				v = int32(binary.LittleEndian.Uint32(src[k:]))
			}
			dst[c][i] = v
			k += bps
		}
	}
}

// pack appends frames lo..hi-1 of src, interleaved little-endian, to dst
// (8-bit samples are written unsigned). It is the package's only sample
// encoder; the samples must be in range.
func pack(dst []byte, src [][]int32, lo, hi, depth int) []byte {
	for i := lo; i < hi; i++ {
		for _, ch := range src {
			v := ch[i]
			switch depth {
			case 8:
				dst = append(dst, byte(v+128))
			case 16:
				dst = binary.LittleEndian.AppendUint16(dst, uint16(v))
			case 24:
				dst = append(dst, byte(v), byte(v>>8), byte(v>>16))
			case 32:
				dst = binary.LittleEndian.AppendUint32(dst, uint32(v))
			}
		}
	}
	return dst
}
