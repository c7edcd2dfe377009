package upscale

import (
	"context"
	"testing"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/stages"
)

// A model with a uniform head expects the middle of every bin, in every
// stage layout (whole and partial stages).
func TestExpectOfUniformModelIsMidBin(t *testing.T) {
	for _, b := range []int{2, 16} {
		cfg := ardm.DefaultConfig()
		cfg.Branching, cfg.Channels, cfg.Layers, cfg.EmbedDim, cfg.FrameLen = b, 4, 1, 2, 50
		m := ardm.NewModel(ardm.NewWeights(cfg, 1)) // zero head
		in := testPCM(1, 120)
		for _, from := range []int{1, 6, 8, 12, 15} {
			out, err := UpscalePCM(context.Background(), m, in, from, Options{Budget: 12, Seed: 5, Draws: 2})
			if err != nil {
				t.Fatal(err)
			}
			mid := Baseline(in, from, MidFill)
			for i, v := range out.Data[0] {
				if v != mid.Data[0][i] {
					t.Fatalf("b=%d from %d: sample %d is %d, mid-bin %d", b, from, i, v, mid.Data[0][i])
				}
			}
		}
	}
}

// When the reference is itself a draw from the model, the expect fill is
// the minimum-error estimate: it must beat the middle of the bin and a
// single sample, and more draws must not hurt.
func TestExpectBeatsMidBinOnModelData(t *testing.T) {
	m := testModel(2, 64)
	ctx := context.Background()
	const from, n = 8, 400
	coarse := make([]uint16, n)
	for i := range coarse {
		coarse[i] = stages.KeepTopBits(uint16(32768+int(12000*float64(i%40-20)/20)), from)
	}
	var errMid, errSample, errExpect1, errExpect8 float64
	sq := func(a uint16, b float64) float64 { d := float64(a) - b; return d * d }
	for trial := uint64(0); trial < 6; trial++ {
		ref, err := Upscale(ctx, m, coarse, from, Options{Budget: 40, Seed: 1000 + trial, Fill: Sample})
		if err != nil {
			t.Fatal(err)
		}
		s, _ := Upscale(ctx, m, coarse, from, Options{Budget: 40, Seed: trial, Fill: Sample})
		e1, _ := Upscale(ctx, m, coarse, from, Options{Budget: 40, Seed: trial, Draws: 1})
		e8, _ := Upscale(ctx, m, coarse, from, Options{Budget: 40, Seed: trial, Draws: 8})
		for i, r := range ref {
			mid := float64(coarse[i] | 1<<(15-from))
			errMid += sq(r, mid)
			errSample += sq(r, float64(s[i]))
			errExpect1 += sq(r, float64(e1[i]))
			errExpect8 += sq(r, float64(e8[i]))
		}
	}
	t.Logf("squared error: mid %.0f, sample %.0f, expect x1 %.0f, expect x8 %.0f", errMid, errSample, errExpect1, errExpect8)
	if !(errExpect8 < errMid && errExpect8 < errSample && errExpect1 < errSample && errExpect8 <= errExpect1) {
		t.Fatalf("expect fill is not the best: mid %.0f, sample %.0f, expect x1 %.0f, x8 %.0f", errMid, errSample, errExpect1, errExpect8)
	}
}

func TestUpscaleDeterministicAnd24Bit(t *testing.T) {
	m := testModel(4, 60)
	in := testPCM(2, 150)
	ctx := context.Background()
	const from = 7
	o := Options{Budget: 15, Seed: 9, Draws: 3}
	a, err := UpscalePCM(ctx, m, in, from, o)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := UpscalePCM(ctx, m, in, from, o)
	o.ToBits = 24
	c, err := UpscalePCM(ctx, m, in, from, o)
	if err != nil {
		t.Fatal(err)
	}
	if c.BitDepth != 24 {
		t.Fatalf("depth %d", c.BitDepth)
	}
	fractions := false
	for ch := range in.Data {
		for i, v := range in.Data[ch] {
			if a.Data[ch][i] != b.Data[ch][i] {
				t.Fatalf("channel %d sample %d: same seed, %d then %d", ch, i, a.Data[ch][i], b.Data[ch][i])
			}
			top := stages.KeepTopBits(audio.ToUnsigned16(v), from)
			w := c.Data[ch][i] + 32768<<8
			if uint16(w>>8)&^(1<<(16-from)-1) != top {
				t.Fatalf("channel %d sample %d: 24-bit %d leaves the bin of %04x", ch, i, c.Data[ch][i], top)
			}
			if d := c.Data[ch][i] - a.Data[ch][i]<<8; d < -128 || d > 128 {
				t.Fatalf("channel %d sample %d: 24-bit %d and 16-bit %d differ by more than half a step", ch, i, c.Data[ch][i], a.Data[ch][i])
			}
			fractions = fractions || c.Data[ch][i]&0xff != 0
		}
	}
	if !fractions {
		t.Fatal("24-bit output kept no fraction bits")
	}
	if _, err := UpscalePCM(ctx, m, in, from, Options{ToBits: 20}); err == nil {
		t.Fatal("to-bits 20 accepted")
	}
	if _, err := ParseMethod("mean"); err == nil {
		t.Fatal("unknown fill accepted")
	}
}

func TestUpscaleProgressCountsEveryDraw(t *testing.T) {
	m := testModel(2, 50)
	coarse := make([]uint16, 120)
	last, total := 0, 0
	_, err := Upscale(context.Background(), m, coarse, 10, Options{Budget: 12, Draws: 3, Progress: func(d, n int) {
		if d != last+1 {
			t.Fatalf("progress %d after %d", d, last)
		}
		last, total = d, n
	}})
	if err != nil {
		t.Fatal(err)
	}
	if last == 0 || last != total {
		t.Fatalf("progress ended at %d of %d", last, total)
	}
}
