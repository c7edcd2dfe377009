package coder

// rANS with a 64-bit state and 32-bit renormalisation (the rans64 layout of
// Fabian Giesen's ryg_rans): the state lives in [ransL, ransL<<32), every
// symbol has an integer frequency out of 1<<ProbBits, and the encoder emits
// 32-bit words. Symbols are encoded in reverse and decoded forward.

// ProbBits is the precision of the integer frequencies: every distribution
// is quantised to frequencies that sum to 1<<ProbBits.
const ProbBits = 31

const (
	probScale = 1 << ProbBits
	probMask  = probScale - 1
	ransL     = 1 << 31
)

// ransEncoder accumulates the words of one rANS stream. Symbols must be
// put in the reverse of the order the decoder reads them.
type ransEncoder struct {
	x     uint64
	words []uint32
}

func (e *ransEncoder) reset() {
	e.x = ransL
	e.words = e.words[:0]
}

// put encodes a symbol occupying [start, start+freq) of 1<<ProbBits.
func (e *ransEncoder) put(start, freq uint32) {
	x := e.x
	if x >= uint64(freq)<<32 { // ((ransL >> ProbBits) << 32) * freq
		e.words = append(e.words, uint32(x))
		x >>= 32
	}
	f := uint64(freq)
	e.x = (x/f)<<ProbBits + x%f + uint64(start)
}

// appendTo appends the finished stream to dst: the final state (8 bytes,
// little-endian) followed by the emitted words in reverse order (4 bytes
// each, little-endian), which is the order the decoder reads them.
func (e *ransEncoder) appendTo(dst []byte) []byte {
	x := e.x
	for i := 0; i < 8; i++ {
		dst = append(dst, byte(x>>(8*i)))
	}
	for i := len(e.words) - 1; i >= 0; i-- {
		w := e.words[i]
		dst = append(dst, byte(w), byte(w>>8), byte(w>>16), byte(w>>24))
	}
	return dst
}

// ransDecoder reads a stream written by ransEncoder.appendTo.
type ransDecoder struct {
	x   uint64
	buf []byte
	pos int
	bad bool // read past the end or an impossible state
}

func (d *ransDecoder) init(buf []byte) bool {
	d.buf, d.pos, d.bad = buf, 8, false
	if len(buf) < 8 || (len(buf)-8)%4 != 0 {
		d.bad = true
		return false
	}
	var x uint64
	for i := 7; i >= 0; i-- {
		x = x<<8 | uint64(buf[i])
	}
	d.x = x
	if x < ransL || x >= ransL<<32 {
		d.bad = true
	}
	return !d.bad
}

// slot is the position of the next symbol within 1<<ProbBits.
func (d *ransDecoder) slot() uint32 { return uint32(d.x & probMask) }

// advance consumes the symbol [start, start+freq) that slot fell in.
func (d *ransDecoder) advance(start, freq uint32) {
	d.x = uint64(freq)*(d.x>>ProbBits) + d.x&probMask - uint64(start)
	if d.x < ransL {
		if d.pos+4 > len(d.buf) {
			d.bad = true
			d.x = ransL // keep decoding deterministic garbage; the caller checks bad
			return
		}
		b := d.buf[d.pos:]
		d.x = d.x<<32 | uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24
		d.pos += 4
	}
}

// done reports whether the stream ended exactly where it should: every
// word consumed and the state back at its initial value.
func (d *ransDecoder) done() bool {
	return !d.bad && d.pos == len(d.buf) && d.x == ransL
}
