package eval

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/coder"
)

// CodeFile really codes pcm with the model at a budget of network calls
// per frame and channel (0: one per position) and order seed, or with the
// classic coders alone when m is nil (budget and seed then do not matter),
// into memory:
// it measures the stream's size and the encode time, decodes the stream
// again, times that, and checks that every sample comes back. A stream
// that does not decode to the input is reported with Exact false and an
// error.
func CodeFile(ctx context.Context, m coder.Predictor, pcm *audio.PCM, budget int, seed uint64) (*Coded, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if pcm.Frames() == 0 || len(pcm.Data) == 0 {
		return nil, fmt.Errorf("eval: nothing to code")
	}
	var buf bytes.Buffer
	start := time.Now()
	st, err := coder.Encode(&buf, m, pcm, coder.WithBudget(budget), coder.WithOrderSeed(seed))
	if err != nil {
		return nil, fmt.Errorf("eval: encoding: %w", err)
	}
	c := &Coded{
		Bytes:         int64(buf.Len()),
		BitsPerSample: float64(buf.Len()) * 8 / float64(pcm.Frames()*len(pcm.Data)),
		EncodeSeconds: time.Since(start).Seconds(),
		Coders:        map[string]int64{},
	}
	for k, cs := range st.Coders {
		if cs.Frames > 0 {
			c.Coders[coder.Kind(k).String()] = cs.Frames
		}
	}
	if st.Bytes != c.Bytes {
		return c, fmt.Errorf("eval: coder reports %d bytes, wrote %d", st.Bytes, c.Bytes)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	start = time.Now()
	out, err := coder.Decode(bytes.NewReader(buf.Bytes()), m)
	c.DecodeSeconds = time.Since(start).Seconds()
	if err != nil {
		return c, fmt.Errorf("eval: decoding: %w", err)
	}
	if err := samePCM(pcm, out); err != nil {
		return c, err
	}
	c.Exact = true
	return c, nil
}

// samePCM compares format and every sample.
func samePCM(want, got *audio.PCM) error {
	if got.Format != want.Format {
		return fmt.Errorf("eval: round trip changed the format: %+v, want %+v", got.Format, want.Format)
	}
	c, i, differ := audio.FirstDiff(want, got)
	switch {
	case !differ:
		return nil
	case len(got.Data) != len(want.Data):
		return fmt.Errorf("eval: round trip gave %d channels, want %d", len(got.Data), len(want.Data))
	case len(got.Data[c]) != len(want.Data[c]):
		return fmt.Errorf("eval: round trip gave %d samples in channel %d, want %d", len(got.Data[c]), c, len(want.Data[c]))
	}
	return fmt.Errorf("eval: round trip is not bit-exact: channel %d sample %d is %d, want %d", c, i, got.Data[c][i], want.Data[c][i])
}
