package coder

import (
	"fmt"
	"sync"

	"github.com/ardm-dev/ardm/stages"

	"github.com/ardm-dev/ardm/audio"
)

// frameCodec holds what encoding and decoding one channel of one frame
// needs; it is shared by all workers of a Writer or Reader.
type frameCodec struct {
	m       Predictor // nil: fallback coders only
	depth   int
	b, db   int
	S       int          // stages of the model
	coded   int          // stages actually coded: the rest are known zero (8-bit input)
	lowBits int          // bits below the top 16 (24- and 32-bit input)
	cdf     CDFPredictor // b = 65536: symbols coded through PredictCDF
	zero    uint         // cdf: low bits of the 16 known zero (8-bit input)
	budget  int
	seed    uint64
	version int // stream version: picks the coding order

	mu       sync.Mutex
	policies map[int][][]int
}

func newFrameCodec(m Predictor, version, depth, budget int, seed uint64) (*frameCodec, error) {
	c := &frameCodec{m: m, version: version, depth: depth, budget: budget, seed: seed, policies: map[int][][]int{}}
	if depth > 16 {
		c.lowBits = depth - 16
	}
	if m != nil {
		c.b = m.Branching()
		if !validBranching(c.b) {
			return nil, fmt.Errorf("coder: model branching factor %d not in {2, 4, 16, 256, 65536}", c.b)
		}
		c.db = stages.DigitBits(c.b)
		c.S = 16 / c.db
		c.coded = c.S
		switch {
		case c.b == cdfBranching:
			cm, ok := m.(CDFPredictor)
			if !ok {
				return nil, fmt.Errorf("coder: a model with branching factor %d must implement CDFPredictor", c.b)
			}
			c.cdf = cm
			if depth < 16 {
				c.zero = uint(16 - depth)
			}
		case depth < 16:
			c.coded = depth / c.db
		}
	}
	return c, nil
}

// policy returns the model's step boundaries for a frame of n samples,
// checked and cached.
func (c *frameCodec) policy(n int) ([][]int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.policies[n]; ok {
		return p, nil
	}
	p := c.m.Policy(c.budget, n)
	if len(p) != c.S {
		return nil, fmt.Errorf("coder: model policy has %d stages, want %d", len(p), c.S)
	}
	for s, bounds := range p {
		if len(bounds) < 2 || bounds[0] != 0 || bounds[len(bounds)-1] != n {
			return nil, fmt.Errorf("coder: model policy for stage %d does not run from 0 to %d", s+1, n)
		}
		for k := 1; k < len(bounds); k++ {
			if bounds[k] <= bounds[k-1] {
				return nil, fmt.Errorf("coder: model policy for stage %d is not increasing", s+1)
			}
		}
	}
	c.policies[n] = p
	return p, nil
}

// top16 is the unsigned 16-bit value the model codes for sample v.
func (c *frameCodec) top16(v int32) uint16 {
	switch {
	case c.depth < 16:
		v <<= uint(16 - c.depth)
	case c.depth > 16:
		v >>= uint(c.depth - 16)
	}
	return audio.ToUnsigned16(v)
}

// sample rebuilds a sample from its top 16 bits and its low bits.
func (c *frameCodec) sample(x uint16, low uint32) int32 {
	v := audio.FromUnsigned16(x)
	switch {
	case c.depth < 16:
		return v >> uint(16-c.depth)
	case c.depth > 16:
		return v<<uint(c.lowBits) | int32(low)
	}
	return v
}

// cdfBranching is the branching factor coded through CDFPredictor.PredictCDF
// instead of b-way tables.
const cdfBranching = 1 << 16

type symbol struct{ start, freq uint32 }

// scratch is one worker's buffers.
type scratch struct {
	values []uint16
	mask   []bool
	order  []int
	x16    []uint16
	low    []uint32
	probs  []float32
	cum    []uint32
	syms   []symbol
	enc    ransEncoder
	dec    ransDecoder
	rice   riceScratch
	trees  [2]bitTree
}

func (sc *scratch) size(n, b, maxStep int) {
	if cap(sc.values) < n {
		sc.values = make([]uint16, n)
		sc.mask = make([]bool, n)
		sc.order = make([]int, n)
		sc.x16 = make([]uint16, n)
		sc.low = make([]uint32, n)
	}
	sc.values, sc.mask, sc.order = sc.values[:n], sc.mask[:n], sc.order[:n]
	sc.x16, sc.low = sc.x16[:n], sc.low[:n]
	if b > maxTableBranching {
		return // coded through CDFPredictor: no tables
	}
	if cap(sc.probs) < maxStep*b {
		sc.probs = make([]float32, maxStep*b)
	}
	if len(sc.cum) != b+1 {
		sc.cum = make([]uint32, b+1)
	}
}

// maxTableBranching is the largest branching factor coded with b-way
// tables from Predictor.Predict.
const maxTableBranching = 256

func maxStep(policy [][]int) int {
	m := 0
	for _, bounds := range policy {
		for k := 1; k < len(bounds); k++ {
			m = max(m, bounds[k]-bounds[k-1])
		}
	}
	return m
}

// bitTree is an adaptive binary model of an 8-bit chunk: node i (1..255)
// of the bit tree holds the probability of a zero bit in units of 2^-16.
type bitTree [256]uint32

func (t *bitTree) reset() {
	for i := range t {
		t[i] = 1 << 15
	}
}

// bitSymbol returns the rANS range of bit given probability p0 of zero
// (2^-16 units) and the updated probability.
func bitSymbol(p0 uint32, bit uint32) (symbol, uint32) {
	f0 := p0 << (ProbBits - 16)
	if bit == 0 {
		return symbol{0, f0}, p0 + (1<<16-p0)>>5
	}
	return symbol{f0, probScale - f0}, p0 - p0>>5
}

// lowChunks is the number of 8-bit chunks of the low bits (0, 1 or 2).
func (c *frameCodec) lowChunks() int { return c.lowBits / 8 }

// encodeModel codes x with the model (top 16 bits) and the adaptive bit
// trees (low bits) and appends the rANS stream to dst.
func (c *frameCodec) encodeModel(dst []byte, x []int32, frame int64, ch int, sc *scratch) ([]byte, error) {
	n := len(x)
	pol, err := c.policy(n)
	if err != nil {
		return nil, err
	}
	b := c.b
	sc.size(n, b, maxStep(pol))
	for i, v := range x {
		sc.x16[i] = c.top16(v)
		sc.low[i] = uint32(v) & (1<<uint(c.lowBits) - 1)
		sc.values[i] = 0
	}
	syms := sc.syms[:0]
	for s := 1; s <= c.coded; s++ {
		codingOrder(c.version, c.seed, frame, ch, s, sc.order)
		clear(sc.mask)
		bounds := pol[s-1]
		shift := uint((c.S - s) * c.db)
		for k := 0; k+1 < len(bounds); k++ {
			pos := sc.order[bounds[k]:bounds[k+1]]
			if c.cdf != nil {
				nb := b >> c.zero
				F := c.cdf.PredictCDF(s, bounds[k], sc.values, sc.mask, pos)
				for j, p := range pos {
					v := int(sc.x16[p] >> c.zero)
					lo, hi := cdfCum(F, j, v, nb, c.zero), cdfCum(F, j, v+1, nb, c.zero)
					if hi <= lo {
						return nil, fmt.Errorf("coder: model distribution function decreases at value %d", v<<c.zero)
					}
					syms = append(syms, symbol{lo, hi - lo})
				}
			} else {
				probs := sc.probs[:len(pos)*b]
				c.m.Predict(s, bounds[k], sc.values, sc.mask, pos, probs)
				for j, p := range pos {
					quantizeCum(probs[j*b:(j+1)*b], sc.cum)
					d := int(sc.x16[p]>>shift) & (b - 1)
					syms = append(syms, symbol{sc.cum[d], sc.cum[d+1] - sc.cum[d]})
				}
			}
			for _, p := range pos {
				sc.values[p] = stages.Value(sc.x16[p], b, s)
				sc.mask[p] = true
			}
		}
	}
	chunks := c.lowChunks()
	for k := 0; k < chunks; k++ {
		sc.trees[k].reset()
	}
	for i := 0; i < n; i++ {
		for k := 0; k < chunks; k++ {
			v := sc.low[i] >> uint(8*(chunks-1-k)) & 0xff
			t := &sc.trees[k]
			node := uint32(1)
			for bit := 7; bit >= 0; bit-- {
				bv := v >> uint(bit) & 1
				var sym symbol
				sym, t[node] = bitSymbol(t[node], bv)
				syms = append(syms, sym)
				node = node<<1 | bv
			}
		}
	}
	sc.syms = syms
	e := &sc.enc
	e.reset()
	for i := len(syms) - 1; i >= 0; i-- {
		e.put(syms[i].start, syms[i].freq)
	}
	return e.appendTo(dst), nil
}

// decodeModel decodes a payload of encodeModel into dst. It returns false
// if the payload is not a valid rANS stream of exactly these symbols.
func (c *frameCodec) decodeModel(p []byte, frame int64, ch int, dst []int32, sc *scratch) (bool, error) {
	n := len(dst)
	pol, err := c.policy(n)
	if err != nil {
		return false, err
	}
	b := c.b
	sc.size(n, b, maxStep(pol))
	d := &sc.dec
	if !d.init(p) {
		return false, nil
	}
	clear(sc.values)
	for s := 1; s <= c.coded; s++ {
		codingOrder(c.version, c.seed, frame, ch, s, sc.order)
		clear(sc.mask)
		bounds := pol[s-1]
		shift := uint((c.S - s) * c.db)
		for k := 0; k+1 < len(bounds); k++ {
			pos := sc.order[bounds[k]:bounds[k+1]]
			if c.cdf != nil {
				nb := b >> c.zero
				F := c.cdf.PredictCDF(s, bounds[k], sc.values, sc.mask, pos)
				for j, p := range pos {
					v, start, freq := cdfLookup(F, j, nb, c.zero, d.slot())
					d.advance(start, freq)
					sc.values[p] = uint16(v << c.zero)
				}
			} else {
				probs := sc.probs[:len(pos)*b]
				c.m.Predict(s, bounds[k], sc.values, sc.mask, pos, probs)
				for j, p := range pos {
					quantizeCum(probs[j*b:(j+1)*b], sc.cum)
					sym := lookup(sc.cum, d.slot())
					d.advance(sc.cum[sym], sc.cum[sym+1]-sc.cum[sym])
					sc.values[p] |= uint16(sym) << shift
				}
			}
			if d.bad {
				return false, nil
			}
			for _, p := range pos {
				sc.mask[p] = true
			}
		}
	}
	chunks := c.lowChunks()
	for k := 0; k < chunks; k++ {
		sc.trees[k].reset()
	}
	for i := 0; i < n; i++ {
		var low uint32
		for k := 0; k < chunks; k++ {
			t := &sc.trees[k]
			node := uint32(1)
			for bit := 0; bit < 8; bit++ {
				f0 := t[node] << (ProbBits - 16)
				bv := uint32(0)
				if d.slot() >= f0 {
					bv = 1
				}
				var sym symbol
				sym, t[node] = bitSymbol(t[node], bv)
				d.advance(sym.start, sym.freq)
				node = node<<1 | bv
			}
			low = low<<8 | node&0xff
		}
		dst[i] = c.sample(sc.values[i], low)
	}
	return d.done(), nil
}
