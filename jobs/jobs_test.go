package jobs

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/coder"
)

// wavBytes encodes a test tone with a little deterministic noise.
func wavBytes(t *testing.T, frames int, bump int) []byte {
	t.Helper()
	p := &audio.PCM{Format: audio.Format{SampleRate: 16000, BitDepth: 16, Channels: 2}, Data: make([][]int32, 2)}
	x := uint32(7)
	for c := range p.Data {
		p.Data[c] = make([]int32, frames)
		for i := range p.Data[c] {
			x = x*1664525 + 1013904223
			p.Data[c][i] = int32(3000*math.Sin(float64(i)*0.03*float64(c+1))) + int32(x>>28)
		}
	}
	if bump >= 0 {
		p.Data[1][bump]++
	}
	var b bytes.Buffer
	w, err := audio.NewWriter(&b, p.Format, int64(frames))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFrames(p); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func noModel([32]byte) (coder.Predictor, error) { return nil, errors.New("no model expected") }

func TestRoundTrip(t *testing.T) {
	in := wavBytes(t, 10000, -1)
	var stream bytes.Buffer
	var last int64
	c, err := Compress(t.Context(), nil, bytes.NewReader(in), "a.wav", &stream, CompressOptions{OrderSeed: 1, Progress: func(done, total int64) { last = done }})
	if err != nil {
		t.Fatal(err)
	}
	if c.Stats.Samples != 10000 || c.Stats.Bytes != int64(stream.Len()) || last != 10000 {
		t.Fatalf("stats %+v for %d stream bytes, progress %d", c.Stats, stream.Len(), last)
	}
	if r := c.Ratio(); r <= 1 {
		t.Fatalf("ratio %.3f: the tone should compress", r)
	}
	if err := Verify(t.Context(), nil, bytes.NewReader(stream.Bytes()), bytes.NewReader(in), "a.wav", 0, nil); err != nil {
		t.Fatalf("verify: %v", err)
	}
	var back bytes.Buffer
	d, err := Decompress(t.Context(), bytes.NewReader(stream.Bytes()), "a.ardm", &back, noModel, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.Samples != 10000 || !bytes.Equal(back.Bytes(), in) {
		t.Fatalf("decoded %d samples, WAV equal %v", d.Samples, bytes.Equal(back.Bytes(), in))
	}
}

func TestIntegrityErrors(t *testing.T) {
	in := wavBytes(t, 5000, -1)
	var stream bytes.Buffer
	if _, err := Compress(t.Context(), nil, bytes.NewReader(in), "a.wav", &stream, CompressOptions{}); err != nil {
		t.Fatal(err)
	}
	var ie *IntegrityError
	err := Verify(t.Context(), nil, bytes.NewReader(stream.Bytes()), bytes.NewReader(wavBytes(t, 5000, 4321)), "a.wav", 0, nil)
	if !errors.As(err, &ie) || !bytes.Contains([]byte(err.Error()), []byte("channel 1 sample 4321")) {
		t.Fatalf("verify against a changed input: %v", err)
	}
	bad := bytes.Clone(stream.Bytes())
	bad[len(bad)/2] ^= 0x40
	if _, err := Decompress(t.Context(), bytes.NewReader(bad), "a.ardm", new(bytes.Buffer), noModel, nil); !errors.As(err, &ie) {
		t.Fatalf("decompress of a damaged stream: %v, want an IntegrityError", err)
	}
	if _, err := Decompress(t.Context(), bytes.NewReader(stream.Bytes()[:len(stream.Bytes())-10]), "a.ardm", new(bytes.Buffer), noModel, nil); !errors.As(err, &ie) {
		t.Fatalf("decompress of a truncated stream: %v, want an IntegrityError", err)
	}
	if _, err := Compress(t.Context(), nil, bytes.NewReader([]byte("not a wav file at all, no")), "x.wav", new(bytes.Buffer), CompressOptions{}); err == nil || errors.As(err, &ie) {
		t.Fatalf("compress of a non-WAV: %v, want a plain error", err)
	}
}
