package coder

import (
	"math"
	"math/rand/v2"

	"github.com/ardm-dev/ardm/audio"
)

// fixture builds a named test signal in code.
func fixture(name string) *audio.PCM {
	rng := rand.New(rand.NewPCG(7, uint64(len(name))))
	mk := func(rate, depth, ch, n int) *audio.PCM {
		p := &audio.PCM{Format: audio.Format{SampleRate: rate, BitDepth: depth, Channels: ch}, Data: make([][]int32, ch)}
		for c := range p.Data {
			p.Data[c] = make([]int32, n)
		}
		return p
	}
	clampTo := func(v float64, depth int) int32 {
		hi := float64(int64(1)<<(depth-1) - 1)
		lo := -float64(int64(1) << (depth - 1))
		return int32(math.Max(lo, math.Min(hi, math.Round(v))))
	}
	switch name {
	case "silence":
		return mk(16000, 16, 1, 2500)
	case "dc":
		p := mk(16000, 16, 1, 1300)
		for i := range p.Data[0] {
			p.Data[0][i] = -77
		}
		return p
	case "one-sample":
		p := mk(16000, 16, 1, 1)
		p.Data[0][0] = 12345
		return p
	case "square-full-scale":
		p := mk(16000, 16, 1, 3000)
		for i := range p.Data[0] {
			if (i/40)%2 == 0 {
				p.Data[0][i] = 32767
			} else {
				p.Data[0][i] = -32768
			}
		}
		return p
	case "noise":
		p := mk(16000, 16, 1, 2100)
		for i := range p.Data[0] {
			p.Data[0][i] = int32(rng.IntN(65536) - 32768)
		}
		return p
	case "sine":
		p := mk(16000, 16, 1, 2600)
		for i := range p.Data[0] {
			p.Data[0][i] = clampTo(9000*math.Sin(2*math.Pi*440*float64(i)/16000)+rng.NormFloat64()*30, 16)
		}
		return p
	case "stereo24-44k":
		p := mk(44100, 24, 2, 2300)
		for i := 0; i < 2300; i++ {
			s := math.Sin(2 * math.Pi * 1000 * float64(i) / 44100)
			p.Data[0][i] = clampTo(3e6*s+rng.NormFloat64()*400, 24)
			p.Data[1][i] = clampTo(-2e6*s+rng.NormFloat64()*4000, 24)
		}
		return p
	case "eight-bit":
		p := mk(8000, 8, 1, 1900)
		for i := range p.Data[0] {
			p.Data[0][i] = clampTo(90*math.Sin(2*math.Pi*300*float64(i)/8000)+rng.NormFloat64()*3, 8)
		}
		return p
	case "thirty-two":
		p := mk(48000, 32, 1, 700)
		for i := range p.Data[0] {
			p.Data[0][i] = clampTo(1e9*math.Sin(float64(i)/9)+rng.NormFloat64()*1e5, 32)
		}
		return p
	case "stereo16-extremes":
		p := mk(22050, 16, 2, 1500)
		for i := 0; i < 1500; i++ {
			p.Data[0][i] = int32(rng.IntN(3)-1) * 32767
			p.Data[1][i] = clampTo(20000*math.Sin(float64(i)/3), 16)
		}
		p.Data[1][0] = -32768
		return p
	}
	panic("unknown fixture " + name)
}

var fixtureNames = []string{"silence", "dc", "one-sample", "square-full-scale", "noise", "sine",
	"stereo24-44k", "eight-bit", "thirty-two", "stereo16-extremes"}

func equalPCM(a, b *audio.PCM) (bool, string) {
	if a.Format != b.Format || len(a.Data) != len(b.Data) {
		return false, "format"
	}
	for c := range a.Data {
		if len(a.Data[c]) != len(b.Data[c]) {
			return false, "length"
		}
		for i := range a.Data[c] {
			if a.Data[c][i] != b.Data[c][i] {
				return false, "sample"
			}
		}
	}
	return true, ""
}
