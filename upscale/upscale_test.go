package upscale

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ardm-dev/ardm/stages"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/audio"
)

func testModel(b, frame int) *ardm.Model {
	cfg := ardm.DefaultConfig()
	cfg.Branching, cfg.Channels, cfg.Layers, cfg.DilationCycle, cfg.EmbedDim, cfg.FrameLen = b, 6, 2, 2, 4, frame
	w := ardm.NewWeights(cfg, 1)
	rng := rand.New(rand.NewPCG(2, 3))
	for i := range w.OutW { // a non-uniform head
		w.OutW[i] = float32(rng.NormFloat64())
	}
	return ardm.NewModel(w)
}

func testPCM(channels, frames int) *audio.PCM {
	p := &audio.PCM{Format: audio.Format{SampleRate: 16000, BitDepth: 16, Channels: channels}}
	for c := 0; c < channels; c++ {
		ch := make([]int32, frames)
		for i := range ch {
			ch[i] = int32(12000 * math.Sin(float64(i)*0.05*float64(c+1)+float64(c)))
		}
		p.Data = append(p.Data, ch)
	}
	return p
}

func TestUpscaleKeepsCoarseBits(t *testing.T) {
	tests := []struct {
		name                  string
		b, frame, ch, n, bits int
	}{
		{"mono-b16-8bits", 16, 100, 1, 250, 8},
		{"stereo-b4-7bits", 4, 64, 2, 130, 7},
		{"mono-b256-3bits", 256, 50, 1, 60, 3},
		{"stereo-b2-16bits", 2, 40, 2, 50, 16},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := testModel(tc.b, tc.frame)
			in := testPCM(tc.ch, tc.n)
			calls := 0
			out, err := UpscalePCM(context.Background(), m, in, tc.bits, Options{Budget: 20, Seed: 3, Progress: func(d, total int) { calls = d }})
			if err != nil {
				t.Fatal(err)
			}
			if out.BitDepth != 16 || len(out.Data) != tc.ch || out.Frames() != tc.n {
				t.Fatalf("output shape %d-bit %dx%d", out.BitDepth, len(out.Data), out.Frames())
			}
			lowDiffers := false
			for c := range in.Data {
				for i, v := range in.Data[c] {
					x, y := audio.ToUnsigned16(v), audio.ToUnsigned16(out.Data[c][i])
					if stages.KeepTopBits(x, tc.bits) != stages.KeepTopBits(y, tc.bits) {
						t.Fatalf("channel %d sample %d: top %d bits %04x -> %04x", c, i, tc.bits, x, y)
					}
					if y != stages.KeepTopBits(x, tc.bits) {
						lowDiffers = true
					}
				}
			}
			if tc.bits < 16 && !lowDiffers {
				t.Fatal("no low bits generated")
			}
			if tc.bits < 16 && calls == 0 {
				t.Fatal("no progress reported")
			}
		})
	}
}

func TestUpscaleSliceMatchesPCM(t *testing.T) {
	m := testModel(16, 80)
	in := testPCM(1, 200)
	x := toUnsigned16(in, 0)
	for i := range x {
		x[i] = stages.KeepTopBits(x[i], 8)
	}
	y, err := Upscale(context.Background(), m, x, 8, Options{Budget: 10, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	p, err := UpscalePCM(context.Background(), m, in, 8, Options{Budget: 10, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	for i := range y {
		if audio.FromUnsigned16(y[i]) != p.Data[0][i] {
			t.Fatalf("sample %d differs", i)
		}
	}
}

func TestStageBits(t *testing.T) {
	cfg := ardm.DefaultConfig()
	cfg.Channels, cfg.Layers, cfg.EmbedDim, cfg.FrameLen = 4, 1, 2, 70
	m := ardm.NewModel(ardm.NewWeights(cfg, 1)) // zero head: uniform over 16 digits
	in := testPCM(2, 150)
	for _, from := range []int{0, 6, 8, 15, 16} {
		bits, err := StageBitsPCM(context.Background(), m, in, from, Options{Budget: 9, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		total := 0.0
		for _, b := range bits {
			total += b
		}
		if math.Abs(total-float64(16-from)) > 1e-4 {
			t.Fatalf("from %d: uniform model costs %v bits (%v), want %d", from, total, bits, 16-from)
		}
	}
}

func TestBaselinesAndSNR(t *testing.T) {
	ref := &audio.PCM{Format: audio.Format{SampleRate: 16000, BitDepth: 16, Channels: 1}, Data: [][]int32{{1000, -1000, 300, -5}}}
	// 8 known bits: bins of 256 in the unsigned domain.
	zero := Baseline(ref, 8, ZeroFill)
	mid := Baseline(ref, 8, MidFill)
	wantZero := []int32{768, -1024, 256, -256}
	wantMid := []int32{896, -896, 384, -128}
	for i := range wantZero {
		if zero.Data[0][i] != wantZero[i] || mid.Data[0][i] != wantMid[i] {
			t.Fatalf("baselines %v %v, want %v %v", zero.Data[0], mid.Data[0], wantZero, wantMid)
		}
	}
	snr, err := SNR(ref, mid)
	if err != nil {
		t.Fatal(err)
	}
	sig := 1000.0*1000 + 1000*1000 + 300*300 + 25
	noise := 104.0*104 + 104*104 + 84*84 + 123*123
	if want := 10 * math.Log10(sig/noise); math.Abs(snr-want) > 1e-9 {
		t.Fatalf("SNR %v, want %v", snr, want)
	}
	if s, _ := SNR(ref, ref); !math.IsInf(s, 1) {
		t.Fatalf("SNR of identical signals %v", s)
	}
	if _, err := SNR(ref, testPCM(2, 4)); err == nil {
		t.Fatal("shape mismatch accepted")
	}
}

func TestKnownBits(t *testing.T) {
	p16 := testPCM(1, 100)
	p8 := p16.ConvertDepth(8)
	tests := []struct {
		name string
		p    *audio.PCM
		want int
	}{
		{"16-bit", p16, 16},
		{"8-bit", p8, 8},
		{"8-bit widened", p8.ConvertDepth(16), 8},
		{"coarsened to 5", audio.Coarsen(p16, 5), 5},
	}
	for _, tc := range tests {
		if got := KnownBits(tc.p); got != tc.want {
			t.Errorf("%s: %d known bits, want %d", tc.name, got, tc.want)
		}
	}
}
