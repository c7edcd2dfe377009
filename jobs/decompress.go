package jobs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/coder"
)

// ModelFunc returns the predictor for a stream whose header names the
// model hash; Decompress calls it only for streams made with a model.
type ModelFunc func(hash [32]byte) (coder.Predictor, error)

// Decompressed describes a stream that Decompress decoded.
type Decompressed struct {
	Format  audio.Format
	Header  coder.Header
	Samples int64 // per channel
}

// Decompress decodes the .ardm stream read from src (name is used in
// errors) to a WAV stream on dst, frame by frame as it is decoded, in
// bounded memory for any length. Every frame's CRC and the MD5 of the PCM
// are checked; a damaged stream or a wrong model is an *IntegrityError.
// When the stream's length is unknown, dst must be an io.WriteSeeker for
// the WAV sizes to be filled in at the end. dst is not closed. opts are the
// reader's (workers, a decode-cost limit, trailing data).
func Decompress(ctx context.Context, src io.Reader, name string, dst io.Writer, model ModelFunc, prog Progress, opts ...coder.Option) (*Decompressed, error) {
	br := bufio.NewReaderSize(src, 1<<16)
	// The model is needed only if the header names one; a damaged header
	// is reported by NewReader.
	var m coder.Predictor
	if head, _ := br.Peek(37); len(head) == 37 && string(head[:4]) == coder.Magic && head[4] == coder.Version {
		var hash [32]byte
		copy(hash[:], head[5:37])
		if hash != ([32]byte{}) {
			var err error
			if m, err = model(hash); err != nil {
				return nil, err
			}
		}
	}
	r, err := coder.NewReader(br, m, opts...)
	if err != nil {
		return nil, streamError(fmt.Errorf("%s: %w", name, err))
	}
	h := r.Header()
	frames := h.Samples
	if frames == coder.UnknownLength {
		frames = audio.UnknownFrames
	}
	// The WAV header gets the exact sizes from the stream header, so the
	// samples go out frame by frame as they are decoded (to a file that
	// seeks, a stream of unknown length gets its sizes at the end).
	aw, err := audio.NewWriter(dst, r.Format(), frames)
	if err != nil {
		return nil, err
	}
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, streamError(fmt.Errorf("%s: %w", name, err))
		}
		if err := aw.WriteFrames(p); err != nil {
			return nil, err
		}
		n += int64(p.Frames())
		prog.report(n, max(h.Samples, 0))
	}
	if err := aw.Close(); err != nil {
		return nil, err
	}
	return &Decompressed{Format: r.Format(), Header: h, Samples: n}, nil
}
