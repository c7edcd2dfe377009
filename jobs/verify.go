package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/coder"
)

// Verify decodes the .ardm stream read from stream with predictor m and
// compares it, frame by frame, with a second read of the WAV input read
// from wav; memory does not depend on the length. A damaged stream or a
// difference is an *IntegrityError naming the first differing sample;
// errors reading wav are returned as they are. workers sets the frames and
// channels decoded at once (0: GOMAXPROCS); prog is told the samples
// compared.
func Verify(ctx context.Context, m coder.Predictor, stream, wav io.Reader, name string, workers int, prog Progress) error {
	var dopts []coder.Option
	if workers > 0 {
		dopts = append(dopts, coder.WithWorkers(workers))
	}
	cr, err := coder.NewReader(stream, m, dopts...)
	if err != nil {
		return streamError(fmt.Errorf("%s: verify: %w", name, err))
	}
	ar, err := audio.NewReader(wav, name)
	if err != nil {
		return fmt.Errorf("%s: verify: rereading the input: %w", name, err)
	}
	if cr.Format() != ar.Format() {
		return integrityf("%s: verify: stream format %+v, input %+v", name, cr.Format(), ar.Format())
	}
	total := max(cr.Header().Samples, 0)
	var ref audio.PCM
	var pos int64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return streamError(fmt.Errorf("%s: verify: %w", name, err))
		}
		k, err := ar.ReadFrames(&ref, p.Frames())
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: verify: rereading the input: %w", name, err)
		}
		if k != p.Frames() {
			return integrityf("%s: verify: the stream holds more than the input's %d frames", name, pos+int64(k))
		}
		if c, i, differ := audio.FirstDiff(p, &ref); differ {
			return integrityf("%s: verify: channel %d sample %d decodes to %d, not %d", name, c, pos+int64(i), p.Data[c][i], ref.Data[c][i])
		}
		pos += int64(k)
		prog.report(pos, total)
	}
	if k, err := ar.ReadFrames(&ref, 1); k != 0 || !errors.Is(err, io.EOF) {
		return integrityf("%s: verify: the stream ends after %d frames, the input has more", name, pos)
	}
	return nil
}
