package coder

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/ardm-dev/ardm/audio"
)

// countingReader tracks the stream offset for error messages.
type countingReader struct {
	r   io.Reader
	off int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.off += int64(n)
	return n, err
}

// rawFrame is a frame record read from the stream, not yet decoded.
type rawFrame struct {
	index    int64
	off      int64 // offset of the record
	head     frameHead
	payloads [][]byte
	offs     []int64
}

// recordScanner reads the records after the header.
type recordScanner struct {
	r     *countingReader
	h     *Header
	frame int64
	n     int64 // samples per channel so far
	end   bool
	// trailing: bytes after the end record are allowed (left unread).
	trailing bool
	md5      [16]byte
	buf      []byte
}

func (s *recordScanner) corrupt(off int64, reason string, err error) error {
	return &CorruptInputError{Offset: off, Reason: reason, Err: err}
}

// next reads the next frame record, or returns (nil, nil) after the end
// record (whose sample count it checks).
func (s *recordScanner) next() (*rawFrame, error) {
	off := s.r.off
	var mark [1]byte
	if _, err := io.ReadFull(s.r, mark[:]); err != nil {
		return nil, s.corrupt(off, "missing end record", unexpected(err))
	}
	switch mark[0] {
	case markEnd:
		var b [endRecordSize]byte
		b[0] = markEnd
		if _, err := io.ReadFull(s.r, b[1:]); err != nil {
			return nil, s.corrupt(off, "truncated end record", unexpected(err))
		}
		if crcOf(b[:endRecordSize-4]) != binary.LittleEndian.Uint32(b[endRecordSize-4:]) {
			return nil, s.corrupt(off, "end record CRC mismatch", nil)
		}
		total := int64(binary.LittleEndian.Uint64(b[1:]))
		if total != s.n || (s.h.Samples >= 0 && total != s.h.Samples) {
			return nil, s.corrupt(off, fmt.Sprintf("stream holds %d samples per channel, end record says %d, header %d", s.n, total, s.h.Samples), nil)
		}
		copy(s.md5[:], b[9:25])
		s.end = true
		if !s.trailing {
			var extra [1]byte
			if n, _ := io.ReadFull(s.r, extra[:]); n > 0 {
				return nil, s.corrupt(off+endRecordSize, "bytes after the end record (the stream was appended to, or is not one stream)", nil)
			}
		}
		return nil, nil
	case markFrame:
	default:
		return nil, s.corrupt(off, fmt.Sprintf("unknown record 0x%02x", mark[0]), nil)
	}
	ch := s.h.Format.Channels
	size := frameRecordSize(ch)
	if cap(s.buf) < size {
		s.buf = make([]byte, size)
	}
	b := s.buf[:size]
	b[0] = markFrame
	if _, err := io.ReadFull(s.r, b[1:]); err != nil {
		return nil, s.corrupt(off, "truncated frame record", unexpected(err))
	}
	rf := &rawFrame{index: s.frame, off: off}
	if msg := parseFrameHead(b, s.h, &rf.head); msg != "" {
		return nil, s.corrupt(off, fmt.Sprintf("frame %d: %s", s.frame, msg), nil)
	}
	if s.h.Samples >= 0 && s.n+int64(rf.head.n) > s.h.Samples {
		return nil, s.corrupt(off, fmt.Sprintf("frame %d goes past the %d samples of the header", s.frame, s.h.Samples), nil)
	}
	for c := 0; c < ch; c++ {
		p := make([]byte, rf.head.sizes[c])
		rf.offs = append(rf.offs, s.r.off)
		if _, err := io.ReadFull(s.r, p); err != nil {
			return nil, s.corrupt(s.r.off, fmt.Sprintf("frame %d channel %d: truncated payload", s.frame, c), unexpected(err))
		}
		rf.payloads = append(rf.payloads, p)
	}
	s.frame++
	s.n += int64(rf.head.n)
	return rf, nil
}

// Reader decodes an .ardm stream. Frames are decoded in batches of Workers
// frames, every channel of every frame on its own goroutine.
type Reader struct {
	sc    recordScanner
	h     *Header
	o     options
	codec *frameCodec
	scr   []*scratch
	md5   hash.Hash
	ready []*audio.PCM
	err   error
	buf   []byte
}

// NewReader reads the stream header from r. m must be the model the stream
// was written with (its hash is in the header), or nil for a stream
// written without one; otherwise the error is a *WrongModelError.
func NewReader(r io.Reader, m Predictor, opts ...Option) (*Reader, error) {
	o, err := buildOptions(opts)
	if err != nil {
		return nil, err
	}
	cr := &countingReader{r: r}
	h, err := ReadHeader(cr)
	if err != nil {
		return nil, err
	}
	if c := h.Calls(); o.maxCalls > 0 && c > int64(o.maxCalls) {
		return nil, &CostLimitError{Calls: c, Limit: int64(o.maxCalls), Budget: h.Budget}
	}
	if h.HasModel() {
		if m == nil {
			return nil, &WrongModelError{Need: h.ModelHash, HaveNone: true}
		}
		if m.Hash() != h.ModelHash {
			return nil, &WrongModelError{Need: h.ModelHash, Have: m.Hash()}
		}
		if m.FrameLen() != h.FrameLen || m.Branching() != h.Branching {
			return nil, &CorruptInputError{Offset: 51, Reason: fmt.Sprintf("header frame length %d, branching %d; the model has %d, %d", h.FrameLen, h.Branching, m.FrameLen(), m.Branching())}
		}
	} else {
		m = nil
	}
	codec, err := newFrameCodec(m, h.Version, h.Format.BitDepth, h.Budget, h.OrderSeed)
	if err != nil {
		return nil, err
	}
	rd := &Reader{sc: recordScanner{r: cr, h: h, trailing: o.trailing}, h: h, o: o, codec: codec, md5: md5.New()}
	for range o.workers {
		rd.scr = append(rd.scr, &scratch{})
	}
	return rd, nil
}

// Header is the stream header.
func (r *Reader) Header() Header { return *r.h }

// Format is the format of the decoded PCM.
func (r *Reader) Format() audio.Format { return r.h.Format }

// Read returns the next frame of PCM (every channel). After the last frame
// it checks the sample count and the MD5 of the whole stream and returns
// io.EOF. A truncated stream gives an error matching io.ErrUnexpectedEOF, a
// damaged one a *CorruptInputError or a *ChecksumError.
func (r *Reader) Read() (*audio.PCM, error) {
	if len(r.ready) == 0 && r.err == nil {
		r.err = r.fill()
	}
	if len(r.ready) > 0 {
		p := r.ready[0]
		r.ready = r.ready[1:]
		return p, nil
	}
	return nil, r.err
}

func (r *Reader) fill() error {
	if r.sc.end {
		return io.EOF
	}
	var raws []*rawFrame
	for len(raws) < r.o.workers {
		rf, err := r.sc.next()
		if err != nil {
			return err
		}
		if rf == nil {
			break
		}
		raws = append(raws, rf)
	}
	ch := r.h.Format.Channels
	out := make([]*audio.PCM, len(raws))
	for f, rf := range raws {
		p := &audio.PCM{Format: r.h.Format, Data: make([][]int32, ch)}
		for c := range p.Data {
			p.Data[c] = make([]int32, rf.head.n)
		}
		out[f] = p
	}
	errs := make([]error, len(raws)*ch)
	parallel(len(raws)*ch, r.o.workers, func(i, wk int) {
		f, c := i/ch, i%ch
		rf := raws[f]
		ok, err := r.codec.decodeChannel(rf.head.kinds[c], rf.payloads[c], rf.index, c, out[f].Data[c], r.scr[wk])
		if err == nil && !ok {
			err = &CorruptInputError{Offset: rf.offs[c], Reason: fmt.Sprintf("frame %d channel %d: %s payload does not decode", rf.index, c, rf.head.kinds[c])}
		}
		errs[i] = err
	})
	for f, rf := range raws {
		for _, err := range errs[f*ch : (f+1)*ch] {
			if err != nil {
				return err
			}
		}
		r.buf = pcmBytes(r.buf[:0], out[f].Data, 0, rf.head.n, r.h.Format.BitDepth)
		if got := crcOf(r.buf); got != rf.head.pcmCRC {
			return &ChecksumError{Frame: rf.index, Want: be32(rf.head.pcmCRC), Got: be32(got)}
		}
		r.md5.Write(r.buf)
		r.ready = append(r.ready, out[f])
	}
	if r.sc.end {
		if got := r.md5.Sum(nil); !bytes.Equal(got, r.sc.md5[:]) {
			r.ready = nil
			return &ChecksumError{Frame: -1, Want: r.sc.md5[:], Got: got}
		}
		if len(r.ready) == 0 {
			return io.EOF
		}
	}
	return nil
}

func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// ReadAll decodes the rest of the stream into one PCM.
func (r *Reader) ReadAll() (*audio.PCM, error) {
	all := &audio.PCM{Format: r.h.Format, Data: make([][]int32, r.h.Format.Channels)}
	for {
		p, err := r.Read()
		if errors.Is(err, io.EOF) {
			return all, nil
		}
		if err != nil {
			return nil, err
		}
		for c := range all.Data {
			all.Data[c] = append(all.Data[c], p.Data[c]...)
		}
	}
}
