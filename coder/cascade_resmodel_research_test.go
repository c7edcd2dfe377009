package coder

import (
	"math/bits"
	"os"
	"testing"
)

// Residual-model candidates for the cascade coder, priced on the residuals
// of its predictor (variant 0) over ARDM_CASCADE_RESEARCH's files:
//
//	ARDM_CASCADE_RESEARCH=$PWD/../shared/data/sc09-real-dev go test -run CascadeResModelResearch -v ./coder
//
// ctx 0 is the lpc model as coded (the check that the copy is faithful);
// 1 splits each octave of the running mean in two; 2 adds to the octave
// whether a slower mean (1/64) is an octave or more above or below; 3 is
// 1 and 2 together; 4 codes the class relative to the mean's octave
// (class - octave + 32) in one tree, 5 likewise with a tree per four
// octaves, 7 with trees for octaves 0, 1, 2 and the rest; 6 is the
// absolute class with a tree per two octaves (9: pairs shifted by one),
// 8 per four, 10 per three, 11 per eight, 12 one tree; mant is the number of modelled mantissa bits.

type researchResModel struct {
	ctx, mant  int
	fast, slow uint64
	class      [4 * lpcContexts][1 << lpcClassBits]prob2
	m          [lpcMaxClass + 1][1 << 4]prob2
}

func (m *researchResModel) reset() {
	m.fast, m.slow = 0, 0
	half := prob2{lpcProbHalf, lpcProbHalf, 0}
	for c := range m.class {
		for i := range m.class[c] {
			m.class[c][i] = half
		}
	}
	for c := range m.m {
		for i := range m.m[c] {
			m.m[c][i] = half
		}
	}
}

func (m *researchResModel) context() int {
	l := min(bits.Len64(m.fast), lpcContexts-1)
	switch m.ctx {
	case 4:
		return 0
	case 5:
		return l >> 2
	case 6:
		return l >> 1
	case 7:
		return min(l, 3)
	case 8:
		return l >> 2
	case 9:
		return (l + 1) >> 1
	case 10:
		return l / 3
	case 11:
		return l >> 3
	case 12:
		return 0
	}
	c := l
	if m.ctx&1 != 0 {
		c = 2 * l
		if l >= 2 {
			c += int(m.fast>>(l-2)) & 1
		}
	}
	if m.ctx&2 != 0 {
		ls := bits.Len64(m.slow) - 3 // slow has 6 fraction bits, fast 3
		d := 1
		if ls > l {
			d = 2
		} else if ls < l-1 {
			d = 0
		}
		c = 3*c + d
	}
	return c
}

func (s *symSink) researchResidual(m *researchResModel, e int64) {
	mag := uint64(e)
	if e < 0 {
		mag = uint64(-e)
	}
	cls := uint32(bits.Len64(mag))
	t := &m.class[m.context()]
	node := uint32(1)
	sym := cls
	if m.ctx == 4 || m.ctx == 5 || m.ctx == 7 {
		// The class relative to the mean's octave.
		sym = uint32(int(cls) - bits.Len64(m.fast) + 32)
	}
	for l := lpcClassBits - 1; l >= 0; l-- {
		b := sym >> uint(l) & 1
		s.bit(&t[node], b)
		node = node<<1 | b
	}
	if cls >= 2 {
		nb := min(uint32(m.mant), cls-1)
		rest := cls - 1 - nb
		top := uint32(mag>>rest) & (1<<nb - 1)
		mt := &m.m[cls]
		node := uint32(1)
		for l := int(nb) - 1; l >= 0; l-- {
			b := top >> uint(l) & 1
			s.bit(&mt[node], b)
			node = node<<1 | b
		}
		s.raw(mag, uint(rest))
	}
	if cls > 0 {
		s.raw(uint64(e)>>63, 1)
	}
	m.fast += mag - m.fast>>lpcMeanShift
	m.slow += mag - m.slow>>6
}

func TestCascadeResModelResearch(t *testing.T) {
	dir := os.Getenv("ARDM_CASCADE_RESEARCH")
	if dir == "" {
		t.Skip("ARDM_CASCADE_RESEARCH not set")
	}
	clips := researchClips(t, dir)
	var res [][]int64
	var samples int
	for _, x := range clips {
		var c cascade
		c.init(&cascadeVariants[0])
		lo, hi := sampleRange(16, 0)
		r := make([]int64, len(x))
		for i, v := range x {
			p := c.predict(lo, hi)
			r[i] = int64(v) - p
			c.update(int64(v))
		}
		res = append(res, r)
		samples += len(x)
	}
	var base float64
	for ctx := 0; ctx <= 12; ctx++ {
		for _, mant := range []int{2, 3} {
			if mant == 3 && ctx != 0 {
				continue
			}
			var bits float64
			var s symSink
			m := &researchResModel{ctx: ctx, mant: mant}
			for _, r := range res {
				s.reset(true)
				m.reset()
				for _, e := range r {
					s.researchResidual(m, e)
				}
				bits += float64(s.cost) / 256
			}
			if ctx == 0 && mant == 2 {
				base = bits
			}
			t.Logf("ctx %d mant %d: %.4f bits/sample (%+.4f)", ctx, mant, bits/float64(samples), (bits-base)/float64(samples))
		}
	}
}
