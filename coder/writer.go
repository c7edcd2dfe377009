package coder

import (
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"hash"
	"io"

	"github.com/ardm-dev/ardm/audio"
)

// CoderStat counts the channel-frames one coder stored.
type CoderStat struct {
	Frames  int64 `json:"frames"`  // channel-frames
	Samples int64 `json:"samples"` // samples in them
	Bytes   int64 `json:"bytes"`   // payload bytes
}

// Stats describes what a Writer wrote.
type Stats struct {
	Frames  int64                `json:"frames"`  // frames (each holds every channel)
	Samples int64                `json:"samples"` // samples per channel
	Bytes   int64                `json:"bytes"`   // stream bytes, header and records included
	Coders  [NumCoders]CoderStat `json:"coders"`  // indexed by Kind
	// ModelSkipped says why the Writer, given a model, did not try it
	// (the model gate of doc.go); empty when it did or had no model.
	ModelSkipped string `json:"model_skipped,omitempty"`
}

// BitsPerSample is the stream size in bits per sample and channel.
func (s *Stats) BitsPerSample(channels int) float64 {
	if s.Samples == 0 || channels == 0 {
		return 0
	}
	return 8 * float64(s.Bytes) / float64(s.Samples*int64(channels))
}

// Writer codes PCM into an .ardm stream. Frames are coded in batches of
// Workers frames, each channel of each frame on its own goroutine; the
// output does not depend on the number of workers. Memory is bounded by the
// batch, whatever the length of the input.
type Writer struct {
	w      io.Writer
	h      Header
	o      options
	codec  *frameCodec
	pend   [][]int32 // per channel, samples not yet coded
	frame  int64
	md5    hash.Hash
	scr    []*scratch
	stats  Stats
	err    error
	closed bool
	buf    []byte
}

// NewWriter writes the stream header for PCM of format f to w. m may be nil
// to use only the model-free coders. total is the number of samples per
// channel that will be written, or UnknownLength.
func NewWriter(w io.Writer, m Predictor, f audio.Format, total int64, opts ...Option) (*Writer, error) {
	o, err := buildOptions(opts)
	if err != nil {
		return nil, err
	}
	h := Header{Version: Version, Format: f, Samples: total, FrameLen: o.frameLen, OrderSeed: o.seed, Budget: o.budget}
	if m == nil && o.force == int(CoderModel) {
		return nil, fmt.Errorf("coder: model-only coding without a model")
	}
	var skipped string
	if m != nil && o.force < 0 {
		// A model that cannot win is not tried at all: the stream is then
		// an ordinary model-free one, which decodes without the model.
		if skipped = modelGate(m, f); skipped != "" {
			m = nil
		}
	}
	if m != nil {
		h.ModelHash = m.Hash()
		if !h.HasModel() {
			return nil, fmt.Errorf("coder: model has an all-zero hash")
		}
		h.FrameLen = m.FrameLen()
		h.Branching = m.Branching()
	}
	if err := h.check(); err != nil {
		return nil, fmt.Errorf("coder: %v", err)
	}
	codec, err := newFrameCodec(m, Version, f.BitDepth, o.budget, o.seed)
	if err != nil {
		return nil, err
	}
	wr := &Writer{w: w, h: h, o: o, codec: codec, pend: make([][]int32, f.Channels), md5: md5.New()}
	for range o.workers {
		wr.scr = append(wr.scr, &scratch{})
	}
	hb := h.marshal()
	if _, err := w.Write(hb); err != nil {
		return nil, err
	}
	wr.stats.Bytes = int64(len(hb))
	wr.stats.ModelSkipped = skipped
	return wr, nil
}

// Header is the stream header the Writer wrote.
func (w *Writer) Header() Header { return w.h }

// Stats reports what has been written so far (all of it after Close).
func (w *Writer) Stats() Stats { return w.stats }

// Write codes p, which must have the Writer's format. Samples are buffered
// until a batch of frames is complete.
func (w *Writer) Write(p *audio.PCM) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return fmt.Errorf("coder: Write after Close")
	}
	if p.Format != w.h.Format || len(p.Data) != w.h.Format.Channels {
		return fmt.Errorf("coder: Write: PCM format %+v, stream format %+v", p.Format, w.h.Format)
	}
	n := p.Frames()
	lo, hi := int32(-1)<<(w.h.Format.BitDepth-1), int32(1<<(w.h.Format.BitDepth-1)-1)
	for c, x := range p.Data {
		if len(x) != n {
			return fmt.Errorf("coder: Write: channel %d has %d samples, channel 0 has %d", c, len(x), n)
		}
		for i, v := range x {
			if v < lo || v > hi {
				return fmt.Errorf("coder: Write: channel %d sample %d = %d out of range for %d bits", c, i, v, w.h.Format.BitDepth)
			}
		}
	}
	if w.h.Samples >= 0 && w.stats.Samples+int64(len(w.pend[0]))+int64(n) > w.h.Samples {
		return fmt.Errorf("coder: Write: more than the %d samples announced", w.h.Samples)
	}
	for c, x := range p.Data {
		w.pend[c] = append(w.pend[c], x...)
	}
	batch := w.h.FrameLen * w.o.workers
	for len(w.pend[0]) >= batch {
		if w.err = w.flush(w.o.workers, w.h.FrameLen); w.err != nil {
			return w.err
		}
	}
	return nil
}

// Close codes what is buffered (the last frame may be short) and writes the
// end record with the sample count and the MD5 of the PCM. It does not
// close the underlying writer.
func (w *Writer) Close() error {
	if w.err != nil || w.closed {
		return w.err
	}
	w.closed = true
	if w.h.Samples >= 0 && w.stats.Samples+int64(len(w.pend[0])) != w.h.Samples {
		w.err = fmt.Errorf("coder: Close: %d samples written, %d announced", w.stats.Samples+int64(len(w.pend[0])), w.h.Samples)
		return w.err
	}
	for len(w.pend[0]) > 0 {
		nf := min((len(w.pend[0])+w.h.FrameLen-1)/w.h.FrameLen, w.o.workers)
		if w.err = w.flush(nf, w.h.FrameLen); w.err != nil {
			return w.err
		}
	}
	b := []byte{markEnd}
	b = binary.LittleEndian.AppendUint64(b, uint64(w.stats.Samples))
	b = w.md5.Sum(b)
	b = binary.LittleEndian.AppendUint32(b, crcOf(b))
	if _, w.err = w.w.Write(b); w.err != nil {
		return w.err
	}
	w.stats.Bytes += int64(len(b))
	return nil
}

type encoded struct {
	kind    Kind
	payload []byte
	err     error
}

// flush codes up to nf frames of frameLen samples from the front of pend
// (the last may be shorter) and writes their records.
func (w *Writer) flush(nf, frameLen int) error {
	avail := len(w.pend[0])
	nf = min(nf, (avail+frameLen-1)/frameLen)
	ch := w.h.Format.Channels
	res := make([]encoded, nf*ch)
	parallel(nf*ch, w.o.workers, func(i, wk int) {
		f, c := i/ch, i%ch
		lo, hi := f*frameLen, min((f+1)*frameLen, avail)
		r := &res[i]
		r.kind, r.payload, r.err = w.codec.encodeChannel(nil, w.pend[c][lo:hi], w.frame+int64(f), c, w.o.force, w.scr[wk])
	})
	fh := frameHead{kinds: make([]Kind, ch), sizes: make([]int, ch)}
	end := 0
	for f := 0; f < nf; f++ {
		lo, hi := f*frameLen, min((f+1)*frameLen, avail)
		end = hi
		w.buf = pcmBytes(w.buf[:0], w.pend, lo, hi, w.h.Format.BitDepth)
		w.md5.Write(w.buf)
		fh.n = hi - lo
		fh.pcmCRC = crcOf(w.buf)
		for c := 0; c < ch; c++ {
			r := res[f*ch+c]
			if r.err != nil {
				return r.err
			}
			fh.kinds[c], fh.sizes[c] = r.kind, len(r.payload)
			st := &w.stats.Coders[r.kind]
			st.Frames++
			st.Samples += int64(fh.n)
			st.Bytes += int64(len(r.payload))
		}
		rec := fh.marshal(w.buf[:0])
		for c := 0; c < ch; c++ {
			rec = append(rec, res[f*ch+c].payload...)
		}
		w.buf = rec
		if _, err := w.w.Write(rec); err != nil {
			return err
		}
		w.stats.Bytes += int64(len(rec))
		w.stats.Frames++
		w.stats.Samples += int64(fh.n)
	}
	w.frame += int64(nf)
	for c := range w.pend {
		k := copy(w.pend[c], w.pend[c][end:])
		w.pend[c] = w.pend[c][:k]
	}
	return nil
}
