package audio

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// benchPCM is a deterministic stereo PCM of the given depth and length.
func benchPCM(depth, frames int) *PCM {
	s := wavSpec{channels: 2, rate: 44100, bits: depth, frames: frames, seed: 99}
	return &PCM{Format: Format{SampleRate: s.rate, BitDepth: depth, Channels: 2}, Data: s.samples()}
}

func benchmarkWAV(b *testing.B, read bool) {
	for _, depth := range []int{8, 16, 24, 32} {
		for _, frames := range []int{16000, 441000} {
			p := benchPCM(depth, frames)
			enc, err := Encode(p)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%dbit-%dframes", depth, frames), func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(enc)))
				for b.Loop() {
					if read {
						_, err = Decode(enc, "bench")
					} else {
						_, err = Encode(p)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkRead(b *testing.B)  { benchmarkWAV(b, true) }
func BenchmarkWrite(b *testing.B) { benchmarkWAV(b, false) }

// BenchmarkReadFLAC decodes a real Speech Commands clip (1 s, 16 kHz) coded
// by the reference encoder; samples/s is the figure in BENCHMARKS.md.
func BenchmarkReadFLAC(b *testing.B) {
	files, _ := filepath.Glob("../../shared/data/sc-train/eight/*.flac")
	if len(files) == 0 {
		b.Skip("../shared/data/sc-train not present")
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	var frames int
	for b.Loop() {
		p, err := Decode(raw, "bench.flac")
		if err != nil {
			b.Fatal(err)
		}
		frames = p.Frames()
	}
	b.ReportMetric(float64(frames)*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}
