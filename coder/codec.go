package coder

import (
	"io"

	"github.com/ardm-dev/ardm/audio"
)

// Encode writes pcm as a whole stream to w.
func Encode(w io.Writer, m Predictor, pcm *audio.PCM, opts ...Option) (Stats, error) {
	wr, err := NewWriter(w, m, pcm.Format, int64(pcm.Frames()), opts...)
	if err != nil {
		return Stats{}, err
	}
	if err := wr.Write(pcm); err != nil {
		return wr.Stats(), err
	}
	err = wr.Close()
	return wr.Stats(), err
}

// Decode reads a whole stream from r.
func Decode(r io.Reader, m Predictor, opts ...Option) (*audio.PCM, error) {
	rd, err := NewReader(r, m, opts...)
	if err != nil {
		return nil, err
	}
	return rd.ReadAll()
}
