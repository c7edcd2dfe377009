package coder

import "math/bits"

// The adaptive residual model of the lpc coder (doc.go, "lpc"). Every
// quantity is an integer, so the encoder and decoder agree on every
// machine.
//
// A residual e is coded as its magnitude class c = bits.Len64(|e|)
// (0..lpcMaxClass), the bits of |e| below its leading one, and its sign.
// The class goes through a 6-level binary tree whose probabilities depend
// on a context: the octave of a running mean of |e| (lpcMeanShift
// fraction bits, moved 1/2^lpcMeanShift of the way to every |e|). The two
// mantissa bits right below the leading one are modelled per class (a
// 3-node tree); the rest and the sign are coded with probability 1/2.
// The full description is in doc.go.

const (
	lpcMaxClass  = 33 // |e| < 2^33: samples and predictions are 32-bit
	lpcClassBits = 6  // tree levels of the class
	lpcContexts  = lpcMaxClass + 6
	lpcMantBits  = 2 // modelled mantissa bits
	lpcRate      = 4 // fast adaptation: p moves 1/2^lpcRate of the way
	lpcRateSlow  = 7 // slow adaptation
	lpcRateStart = 0 // the first update moves 1/2^(1+lpcRateStart)
	lpcMeanShift = 3 // the running mean moves 1/2^lpcMeanShift of the way
	lpcProbBits  = 16
	lpcProbHalf  = 1 << (lpcProbBits - 1)
)

// prob2 is an adaptive binary model: the probability of a zero bit in
// 2^-16 units as the mean of a fast and a slow estimate.
type prob2 struct {
	fast, slow uint16
	n          uint8 // updates so far, up to lpcRateSlow
}

func (p *prob2) p0() uint32 { return (uint32(p.fast) + uint32(p.slow) + 1) >> 1 }

func (p *prob2) update(bit uint32) {
	// The rates start fast (a new model learns quickly) and slow down to
	// lpcRate and lpcRateSlow.
	if p.n < lpcRateSlow {
		p.n++
	}
	rf, rs := min(p.n, lpcRate)+lpcRateStart, min(p.n, lpcRateSlow)+lpcRateStart
	rf, rs = min(rf, lpcRate), min(rs, lpcRateSlow)
	if bit == 0 {
		p.fast += (1<<lpcProbBits - 1 - p.fast) >> rf
		p.slow += (1<<lpcProbBits - 1 - p.slow) >> rs
	} else {
		p.fast -= p.fast >> rf
		p.slow -= p.slow >> rs
	}
}

// resModel is the state of the residual model of one frame.
type resModel struct {
	mean  uint64 // running mean of |e|, 4 fraction bits
	shift uint   // octaves of the mean merged into a context: 2^shift
	class [lpcContexts][1 << lpcClassBits]prob2
	mant  [lpcMaxClass + 1][1 << lpcMantBits]prob2
}

// reset starts the model afresh with contexts of 2^shift octaves of the
// mean each (0: the lpc coder's one octave per context).
func (m *resModel) reset(shift uint) {
	m.mean, m.shift = 0, shift
	half := prob2{lpcProbHalf, lpcProbHalf, 0}
	for c := range m.class {
		for i := range m.class[c] {
			m.class[c][i] = half
		}
	}
	for c := range m.mant {
		for i := range m.mant[c] {
			m.mant[c][i] = half
		}
	}
}

// context is the class context of the next residual.
func (m *resModel) context() int {
	if m.mean == 0 {
		return 0
	}
	l := bits.Len64(m.mean)
	return min(l, lpcContexts-1) >> m.shift
}

func (m *resModel) adapt(mag uint64) {
	m.mean += mag - m.mean>>lpcMeanShift // mag < 2^33, so mean < 2^37
}

// symSink collects the rANS symbols of one payload, or only their cost.
type symSink struct {
	syms     []symbol
	cost     uint64 // in 2^-8 bits, when costOnly
	costOnly bool
}

func (s *symSink) reset(costOnly bool) {
	s.syms = s.syms[:0]
	s.cost = 0
	s.costOnly = costOnly
}

// appendTo rANS-codes the collected symbols with e (symbols go in in
// reverse, so the decoder reads them in order) and appends the payload to
// dst.
func (s *symSink) appendTo(dst []byte, e *ransEncoder) []byte {
	e.reset()
	for i := len(s.syms) - 1; i >= 0; i-- {
		e.put(s.syms[i].start, s.syms[i].freq)
	}
	return e.appendTo(dst)
}

// bit codes one bit with the model p and updates it.
func (s *symSink) bit(p *prob2, b uint32) {
	p0 := p.p0()
	if s.costOnly {
		if b == 0 {
			s.cost += uint64(log2Cost[p0>>lpcCostShift])
		} else {
			s.cost += uint64(log2Cost[(1<<lpcProbBits-p0)>>lpcCostShift])
		}
	} else {
		f0 := p0 << (ProbBits - lpcProbBits)
		if b == 0 {
			s.syms = append(s.syms, symbol{0, f0})
		} else {
			s.syms = append(s.syms, symbol{f0, probScale - f0})
		}
	}
	p.update(b)
}

// raw codes the low k bits of v (k <= 56) with probability 1/2 each, in
// chunks of at most 16 bits, most significant first.
func (s *symSink) raw(v uint64, k uint) {
	if s.costOnly {
		s.cost += uint64(k) << 8
		return
	}
	for k > 0 {
		c := min(k, 16)
		k -= c
		u := uint32(v>>k) & (1<<c - 1)
		s.syms = append(s.syms, symbol{u << (ProbBits - c), 1 << (ProbBits - c)})
	}
}

// residual codes e with the model m.
func (s *symSink) residual(m *resModel, e int64) {
	mag := uint64(e)
	if e < 0 {
		mag = uint64(-e)
	}
	cls := uint32(bits.Len64(mag))
	t := &m.class[m.context()]
	node := uint32(1)
	for l := lpcClassBits - 1; l >= 0; l-- {
		b := cls >> uint(l) & 1
		s.bit(&t[node], b)
		node = node<<1 | b
	}
	if cls >= 2 {
		nb := min(uint32(lpcMantBits), cls-1)
		rest := cls - 1 - nb
		top := uint32(mag>>rest) & (1<<nb - 1)
		mt := &m.mant[cls]
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
	m.adapt(mag)
}

// decBit decodes one bit with the model p and updates it.
func decBit(d *ransDecoder, p *prob2) uint32 {
	f0 := p.p0() << (ProbBits - lpcProbBits)
	var b uint32
	if d.slot() < f0 {
		d.advance(0, f0)
	} else {
		b = 1
		d.advance(f0, probScale-f0)
	}
	p.update(b)
	return b
}

// decRaw decodes k raw bits written by symSink.raw.
func decRaw(d *ransDecoder, k uint) uint64 {
	var v uint64
	for k > 0 {
		c := min(k, 16)
		k -= c
		u := d.slot() >> (ProbBits - c)
		d.advance(u<<(ProbBits-c), 1<<(ProbBits-c))
		v = v<<c | uint64(u)
	}
	return v
}

// decResidual decodes a residual of at most maxClass magnitude bits; false
// if the class is larger.
func decResidual(d *ransDecoder, m *resModel, maxClass int) (int64, bool) {
	t := &m.class[m.context()]
	node := uint32(1)
	for l := 0; l < lpcClassBits; l++ {
		node = node<<1 | decBit(d, &t[node])
	}
	cls := node & (1<<lpcClassBits - 1)
	if int(cls) > maxClass {
		return 0, false
	}
	var mag uint64
	if cls >= 1 {
		mag = 1
	}
	if cls >= 2 {
		nb := min(uint32(lpcMantBits), cls-1)
		rest := cls - 1 - nb
		mt := &m.mant[cls]
		node := uint32(1)
		for l := uint32(0); l < nb; l++ {
			node = node<<1 | decBit(d, &mt[node])
		}
		mag = (uint64(node)<<rest | decRaw(d, uint(rest)))
	}
	e := int64(mag)
	if cls > 0 && decRaw(d, 1) == 1 {
		e = -e
	}
	m.adapt(mag)
	return e, true
}

// log2Cost[i] is -log2((i+0.5)/2^12) in 2^-8 bits, i < 2^12: the cost of
// a bit of probability i/2^12.
const lpcCostShift = lpcProbBits - 12

var log2Cost = func() (t [1 << 12]uint16) {
	for i := range t {
		// -log2((2i+1)/2^13) = 13 - log2(2i+1)
		t[i] = uint16(13<<8 - log2Fix(uint64(2*i+1))>>8)
	}
	return
}()

// log2Fix is log2(v) in 2^-16 units for v >= 1, by integer squaring: the
// same on every machine.
func log2Fix(v uint64) uint32 {
	l := bits.Len64(v) - 1
	// mantissa m in [2^16, 2^17) as Q16 of [1, 2)
	var m uint64
	if l >= 16 {
		m = v >> uint(l-16)
	} else {
		m = v << uint(16-l)
	}
	r := uint32(l) << 16
	for i := 15; i >= 0; i-- {
		m = m * m >> 16
		if m >= 1<<17 {
			m >>= 1
			r |= 1 << uint(i)
		}
	}
	return r
}
