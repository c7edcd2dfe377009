package audio

import (
	"fmt"
	"testing"

	"github.com/ardm-dev/ardm/stages"
)

func pcm1(depth int, samples ...int32) *PCM {
	return &PCM{Format: Format{SampleRate: 16000, BitDepth: depth, Channels: 1}, Data: [][]int32{samples}}
}

func TestPCMConvertDepthTable(t *testing.T) {
	cases := []struct {
		from, to int
		in, want []int32
	}{
		{8, 16, []int32{-128, -1, 0, 1, 127}, []int32{-32768, -256, 0, 256, 32512}},
		{16, 8, []int32{-32768, -257, -256, -1, 0, 255, 256, 32767}, []int32{-128, -2, -1, -1, 0, 0, 1, 127}},
		{16, 24, []int32{-32768, -1, 1, 32767}, []int32{-8388608, -256, 256, 8388352}},
		{24, 16, []int32{-8388608, -129, -1, 255, 256, 8388607}, []int32{-32768, -1, -1, 0, 1, 32767}},
		{24, 8, []int32{-8388608, 8388607}, []int32{-128, 127}},
		{8, 24, []int32{-128, 127}, []int32{-8388608, 127 << 16}},
		{16, 32, []int32{-32768, 32767}, []int32{-1 << 31, 32767 << 16}},
		{32, 16, []int32{-1 << 31, 1<<31 - 1}, []int32{-32768, 32767}},
		{16, 16, []int32{-5, 5}, []int32{-5, 5}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d-to-%d", c.from, c.to), func(t *testing.T) {
			p := pcm1(c.from, c.in...)
			q := p.ConvertDepth(c.to)
			if err := samePCM(q, Format{16000, c.to, 1}, [][]int32{c.want}); err != nil {
				t.Fatal(err)
			}
			if err := samePCM(p, Format{16000, c.from, 1}, [][]int32{c.in}); err != nil {
				t.Fatalf("source changed: %v", err)
			}
		})
	}
}

// TestConvertDepthRoundTrip: widening then narrowing back is the identity
// for every 8-bit and every 16-bit value.
func TestConvertDepthRoundTrip(t *testing.T) {
	for _, c := range []struct{ from, to int }{{8, 16}, {8, 24}, {8, 32}, {16, 24}, {16, 32}} {
		lo, hi := sampleRange(c.from)
		var all []int32
		for v := lo; v <= hi; v++ {
			all = append(all, v)
		}
		p := pcm1(c.from, all...)
		back := p.ConvertDepth(c.to).ConvertDepth(c.from)
		if err := samePCM(back, p.Format, p.Data); err != nil {
			t.Errorf("%d->%d->%d: %v", c.from, c.to, c.from, err)
		}
	}
}

func TestCoarsenTable(t *testing.T) {
	cases := []struct {
		depth, k int
		in, want []int32
	}{
		{16, 8, []int32{-32768, -1, 0, 1, 255, 256, 32767}, []int32{-32768, -256, 0, 0, 0, 256, 32512}},
		{16, 1, []int32{-32768, -1, 0, 32767}, []int32{-32768, -32768, 0, 0}},
		{16, 0, []int32{-32768, 0, 32767}, []int32{-32768, -32768, -32768}},
		{16, 16, []int32{-7, 7}, []int32{-7, 7}},
		{16, 20, []int32{-7, 7}, []int32{-7, 7}},
		{8, 4, []int32{-128, -1, 15, 16, 127}, []int32{-128, -16, 0, 16, 112}},
		{24, 16, []int32{-8388608, -1, 255, 256, 8388607}, []int32{-8388608, -256, 0, 256, 8388352}},
		{32, 16, []int32{-1 << 31, -1, 65535, 1<<31 - 1}, []int32{-1 << 31, -65536, 0, 32767 << 16}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d-keep-%d", c.depth, c.k), func(t *testing.T) {
			q := Coarsen(pcm1(c.depth, c.in...), c.k)
			if err := samePCM(q, Format{16000, c.depth, 1}, [][]int32{c.want}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestCoarsenMatchesKeepTopBits: on 16-bit data, Coarsen is KeepTopBits in
// the unsigned domain for every value and every k.
func TestCoarsenMatchesKeepTopBits(t *testing.T) {
	all := make([]int32, 0, 65536)
	for v := int32(-32768); v <= 32767; v++ {
		all = append(all, v)
	}
	p := pcm1(16, all...)
	for k := 0; k <= 16; k++ {
		q := Coarsen(p, k)
		for i, v := range all {
			if want := FromUnsigned16(stages.KeepTopBits(ToUnsigned16(v), k)); q.Data[0][i] != want {
				t.Fatalf("k=%d v=%d: %d, want %d", k, v, q.Data[0][i], want)
			}
		}
		if k > 0 && EffectiveBits(q) != k {
			t.Errorf("EffectiveBits(Coarsen(all 16-bit values, %d)) = %d", k, EffectiveBits(q))
		}
	}
}

func TestEffectiveBits(t *testing.T) {
	cases := []struct {
		name  string
		depth int
		in    []int32
		want  int
	}{
		{"silence", 16, []int32{0, 0, 0}, 0},
		{"empty", 16, nil, 0},
		{"full", 16, []int32{1, -2}, 16},
		{"from 8-bit", 16, []int32{256, -256, 512, -32768}, 8},
		{"odd sample", 16, []int32{256, 3}, 16},
		{"12 of 16", 16, []int32{16, -16, 32}, 12},
		{"min only", 16, []int32{-32768}, 1},
		{"24 from 16", 24, []int32{256, -512}, 16},
		{"8-bit", 8, []int32{-128, 2}, 7},
		{"32-bit", 32, []int32{1 << 16}, 16},
	}
	for _, c := range cases {
		if got := EffectiveBits(pcm1(c.depth, c.in...)); got != c.want {
			t.Errorf("%s: EffectiveBits = %d, want %d", c.name, got, c.want)
		}
	}
	// 8-bit data converted to 16 bits keeps 8 effective bits.
	p := pcm1(8, -128, -77, 3, 127)
	if got := EffectiveBits(p.ConvertDepth(16)); got != 8 {
		t.Errorf("8->16: EffectiveBits = %d, want 8", got)
	}
}

func TestDepthPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"ConvertDepth to 12":   func() { pcm1(16, 1).ConvertDepth(12) },
		"ConvertDepth from 20": func() { pcm1(20, 1).ConvertDepth(16) },
		"Coarsen depth 0":      func() { Coarsen(pcm1(0, 1), 4) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			f()
		})
	}
}
