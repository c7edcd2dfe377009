package coder

import (
	"bytes"
	"sync/atomic"
	"testing"

	"github.com/ardm-dev/ardm/audio"
)

// ratedModel is neighbourModel trained at a given rate; it counts its
// network calls.
type ratedModel struct {
	neighbourModel
	rate  int
	calls *atomic.Int64
}

func (m ratedModel) SampleRate() int { return m.rate }
func (m ratedModel) Predict(stage, t int, values []uint16, mask []bool, pos []int, dst []float32) {
	m.calls.Add(1)
	m.neighbourModel.Predict(stage, t, values, mask, pos, dst)
}

func TestModelGate(t *testing.T) {
	speech := fixture("sine")
	for _, c := range []struct {
		name      string
		modelRate int
		inputRate int
		opts      []Option
		wantCalls bool
		wantSkip  bool
	}{
		{"same rate: tried", 16000, 16000, nil, true, false},
		{"unknown rate: tried", 0, 44100, nil, true, false},
		{"other rate: skipped", 16000, 44100, nil, false, true},
		{"other rate, model-only: forced", 16000, 44100, []Option{WithModelOnly()}, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			pcm := &audio.PCM{Format: speech.Format, Data: speech.Data}
			pcm.Format.SampleRate = c.inputRate
			m := ratedModel{neighbourModel{frameLen: 1000, b: 16}, c.modelRate, new(atomic.Int64)}
			var buf bytes.Buffer
			st, err := Encode(&buf, m, pcm, append([]Option{WithBudget(40)}, c.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.calls.Load() > 0; got != c.wantCalls {
				t.Errorf("network called: %v, want %v", got, c.wantCalls)
			}
			if got := st.ModelSkipped != ""; got != c.wantSkip {
				t.Errorf("ModelSkipped = %q, want skipped %v", st.ModelSkipped, c.wantSkip)
			}
			rd, err := NewReader(bytes.NewReader(buf.Bytes()), nil)
			if c.wantSkip {
				// A gated stream is model-free: it decodes without the model.
				if err != nil {
					t.Fatalf("gated stream needs a model: %v", err)
				}
				out, err := rd.ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				if ok, why := equalPCM(pcm, out); !ok {
					t.Fatal(why)
				}
				return
			}
			out, err := Decode(bytes.NewReader(buf.Bytes()), m)
			if err != nil {
				t.Fatal(err)
			}
			if ok, why := equalPCM(pcm, out); !ok {
				t.Fatal(why)
			}
		})
	}
}
