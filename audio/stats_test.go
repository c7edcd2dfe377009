package audio

import (
	"math"
	"testing"
	"time"
)

func TestStats(t *testing.T) {
	const n = 16000
	sine := func(amp float64) []int32 {
		out := make([]int32, n)
		for i := range out {
			out[i] = int32(math.Round(amp * math.Sin(2*math.Pi*float64(i)*100/n)))
		}
		return out
	}
	square := make([]int32, n)
	for i := range square {
		square[i] = 32767
		if i%2 == 1 {
			square[i] = -32768
		}
	}
	dc := make([]int32, n)
	for i := range dc {
		dc[i] = 8192 + int32(i%2)*2 - 1 // 8191, 8193, ...
	}
	cases := []struct {
		name           string
		in             []int32
		peak, rms, off float64
		clipped        int
	}{
		{"full-scale square", square, 0, 20 * math.Log10(math.Sqrt((32767.0*32767+32768.0*32768)/2)/32768), -0.5 / 32768, n},
		{"half-scale sine", sine(16384), 20 * math.Log10(0.5), 20*math.Log10(0.5) - 10*math.Log10(2), 0, 0},
		{"dc quarter", dc, 20 * math.Log10(8193.0/32768), 20 * math.Log10(math.Sqrt((8191.0*8191+8193.0*8193)/2)/32768), 0.25, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := Stats(pcm1(16, c.in...))[0]
			for _, v := range []struct {
				what      string
				got, want float64
			}{{"peak", s.PeakDBFS, c.peak}, {"rms", s.RMSDBFS, c.rms}, {"dc", s.DCOffset, c.off}} {
				if math.Abs(v.got-v.want) > 1e-3 {
					t.Errorf("%s = %.6f, want %.6f", v.what, v.got, v.want)
				}
			}
			if s.Clipped != c.clipped {
				t.Errorf("clipped = %d, want %d", s.Clipped, c.clipped)
			}
		})
	}
	s := Stats(pcm1(16, 0, 0, 0))[0]
	if !math.IsInf(s.PeakDBFS, -1) || !math.IsInf(s.RMSDBFS, -1) || s.DCOffset != 0 {
		t.Errorf("silence: %+v", s)
	}
	// An 8-bit full-scale negative sample is 0 dBFS as well.
	if s := Stats(pcm1(8, -128, 0))[0]; s.PeakDBFS != 0 || s.Min != -128 || s.Max != 0 {
		t.Errorf("8-bit: %+v", s)
	}
}

func TestDuration(t *testing.T) {
	p := &PCM{Format: Format{SampleRate: 16000, BitDepth: 16, Channels: 2}, Data: [][]int32{make([]int32, 24000), make([]int32, 24000)}}
	if got := p.Duration(); got != 1500*time.Millisecond {
		t.Errorf("Duration = %v, want 1.5s", got)
	}
	if got := (&PCM{}).Duration(); got != 0 {
		t.Errorf("empty Duration = %v", got)
	}
}

func TestLevels(t *testing.T) {
	inf := math.Inf(-1)
	tests := []struct {
		name      string
		x         []int32
		depth     int
		peak, rms float64
	}{
		{"empty", nil, 16, inf, inf},
		{"silence", []int32{0, 0}, 16, inf, inf},
		{"full-scale square", []int32{-32768, 32768}, 16, 0, 0},
		{"half scale", []int32{64, -64}, 8, 20 * math.Log10(0.5), 20 * math.Log10(0.5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, r := Levels(tt.x, tt.depth)
			if math.Abs(p-tt.peak) > 1e-12 && p != tt.peak || math.Abs(r-tt.rms) > 1e-12 && r != tt.rms {
				t.Errorf("Levels = %v, %v; want %v, %v", p, r, tt.peak, tt.rms)
			}
			x16 := make([]int16, len(tt.x))
			for i, v := range tt.x {
				x16[i] = int16(max(min(v, 32767), -32768))
			}
			if tt.depth == 16 && tt.name != "full-scale square" {
				if p16, r16 := Levels(x16, 16); p16 != p || r16 != r {
					t.Errorf("int16: %v, %v; int32: %v, %v", p16, r16, p, r)
				}
			}
		})
	}
}
