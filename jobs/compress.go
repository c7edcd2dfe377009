package jobs

import (
	"context"
	"errors"
	"io"

	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/coder"
)

// CompressOptions configure Compress. The zero value codes at budget 0
// (one network call per position) with order seed 0: callers pass the
// budget and seed their command resolved.
type CompressOptions struct {
	Budget    int    // network calls per frame and channel over all stages
	OrderSeed uint64 // seed of the reveal order, stored in the stream
	ModelOnly bool   // code every frame with the model
	Workers   int    // frames and channels coded at once (0: GOMAXPROCS)
	Progress  Progress
}

// Compressed describes a stream that Compress wrote.
type Compressed struct {
	Format audio.Format
	Stats  coder.Stats
	Header coder.Header
}

// BitsPerSample is the stream size in bits per sample and channel.
func (c *Compressed) BitsPerSample() float64 { return c.Stats.BitsPerSample(c.Format.Channels) }

// Ratio is the PCM size (at the input's byte width) over the stream size.
func (c *Compressed) Ratio() float64 {
	if c.Stats.Bytes == 0 {
		return 0
	}
	return float64(c.Stats.Samples*int64(c.Format.Channels)*int64((c.Format.BitDepth+7)/8)) / float64(c.Stats.Bytes)
}

// Compress reads a WAV stream from src (name is used in errors) and writes
// its .ardm coding with predictor m (nil: the classic coders only) to dst.
// The input is read one model frame at a time, so memory does not depend on
// its length. dst is not closed; a caller that buffers it flushes it.
func Compress(ctx context.Context, m coder.Predictor, src io.Reader, name string, dst io.Writer, o CompressOptions) (*Compressed, error) {
	ar, err := audio.NewReader(src, name)
	if err != nil {
		return nil, err
	}
	f := ar.Format()
	total := ar.Header().Frames
	if total == audio.UnknownFrames {
		total = coder.UnknownLength
	}
	copts := []coder.Option{coder.WithBudget(o.Budget), coder.WithOrderSeed(o.OrderSeed)}
	if o.ModelOnly {
		copts = append(copts, coder.WithModelOnly())
	}
	if o.Workers > 0 {
		copts = append(copts, coder.WithWorkers(o.Workers))
	}
	w, err := coder.NewWriter(dst, m, f, total, copts...)
	if err != nil {
		return nil, err
	}
	// One model frame at a time: the coder buffers a batch of frames, so
	// memory does not depend on the length of the input.
	if err := streamFrames(ctx, ar, w.Header().FrameLen, max(total, 0), o.Progress, w.Write); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return &Compressed{Format: f, Stats: w.Stats(), Header: w.Header()}, nil
}

// streamFrames reads ar in chunks of n frames into sink until the end.
func streamFrames(ctx context.Context, ar *audio.Reader, n int, total int64, prog Progress, sink func(*audio.PCM) error) error {
	var chunk audio.PCM
	var done int64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		k, err := ar.ReadFrames(&chunk, n)
		if k > 0 {
			if err := sink(&chunk); err != nil {
				return err
			}
			done += int64(k)
			prog.report(done, total)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
