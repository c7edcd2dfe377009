package audio

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/go-audio/wav"
)

// TestGoAudioInterop checks that what Encode writes is read back by
// github.com/go-audio/wav with the same format and samples, so files made
// here work with the go-audio stack (the package's own codec replaced
// go-audio/wav's for streaming and bounded allocation, see doc.go).
func TestGoAudioInterop(t *testing.T) {
	// pcm8-mono.wav is left out: its data chunk has an odd size, and
	// go-audio/wav reads RIFF's pad byte as one more sample.
	for _, name := range []string{"pcm8-stereo.wav", "pcm16-mono-16k.wav", "pcm16-stereo-44k.wav", "pcm24-stereo-44k.wav", "pcm32-stereo.wav"} {
		t.Run(name, func(t *testing.T) {
			p, err := ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			b, err := Encode(p)
			if err != nil {
				t.Fatal(err)
			}
			d := wav.NewDecoder(bytes.NewReader(b))
			buf, err := d.FullPCMBuffer()
			if err != nil {
				t.Fatalf("go-audio/wav: %v", err)
			}
			if int(d.SampleRate) != p.SampleRate || int(d.BitDepth) != p.BitDepth || int(d.NumChans) != p.Channels {
				t.Fatalf("go-audio/wav format %d Hz %d bit %d ch, want %+v", d.SampleRate, d.BitDepth, d.NumChans, p.Format)
			}
			if len(buf.Data) != p.Frames()*p.Channels {
				t.Fatalf("go-audio/wav read %d samples, want %d", len(buf.Data), p.Frames()*p.Channels)
			}
			for i, v := range buf.Data {
				want := p.Data[i%p.Channels][i/p.Channels]
				if p.BitDepth == 8 {
					want += 128 // go-audio/wav leaves 8-bit data unsigned
				}
				if int32(v) != want {
					t.Fatalf("sample %d: go-audio/wav %d, want %d", i, v, want)
				}
			}
		})
	}
}
