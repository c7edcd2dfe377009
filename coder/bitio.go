package coder

import "math/bits"

// bitWriter packs bits most significant first.
type bitWriter struct {
	buf   []byte
	acc   uint64
	nbits uint
}

// write appends the low n bits of v (n <= 56).
func (w *bitWriter) write(v uint64, n uint) {
	w.acc = w.acc<<n | v&(1<<n-1)
	w.nbits += n
	for w.nbits >= 8 {
		w.nbits -= 8
		w.buf = append(w.buf, byte(w.acc>>w.nbits))
	}
}

// writeUnary appends q zero bits and a one bit.
func (w *bitWriter) writeUnary(q uint64) {
	for q >= 32 {
		w.write(0, 32)
		q -= 32
	}
	w.write(1, uint(q)+1)
}

// bytes pads the last byte with zero bits and returns the buffer.
func (w *bitWriter) bytes() []byte {
	if w.nbits > 0 {
		w.buf = append(w.buf, byte(w.acc<<(8-w.nbits)))
		w.nbits = 0
	}
	return w.buf
}

// bitReader reads what bitWriter wrote. Reading past the end sets bad and
// returns zeros.
type bitReader struct {
	buf   []byte
	pos   int
	acc   uint64
	nbits uint
	bad   bool
}

func (r *bitReader) fill() {
	for r.nbits <= 56 && r.pos < len(r.buf) {
		r.acc = r.acc<<8 | uint64(r.buf[r.pos])
		r.pos++
		r.nbits += 8
	}
}

// read returns the next n bits (n <= 56).
func (r *bitReader) read(n uint) uint64 {
	if n == 0 {
		return 0
	}
	if r.nbits < n {
		r.fill()
		if r.nbits < n {
			r.bad = true
			r.nbits = 0
			return 0
		}
	}
	r.nbits -= n
	return r.acc >> r.nbits & (1<<n - 1)
}

// readUnary counts zero bits up to the next one bit; it gives up (bad) past
// limit zeros or at the end of the input.
func (r *bitReader) readUnary(limit uint64) uint64 {
	var q uint64
	for {
		if r.nbits == 0 {
			r.fill()
			if r.nbits == 0 {
				r.bad = true
				return 0
			}
		}
		win := r.acc & (1<<r.nbits - 1)
		if win == 0 {
			q += uint64(r.nbits)
			r.nbits = 0
		} else {
			z := r.nbits - uint(bits.Len64(win))
			q += uint64(z)
			r.nbits -= z + 1
			if q > limit {
				r.bad = true
				return 0
			}
			return q
		}
		if q > limit {
			r.bad = true
			return 0
		}
	}
}

// clean reports whether only zero padding bits (< 8) remain.
func (r *bitReader) clean() bool {
	return !r.bad && r.pos == len(r.buf) && r.nbits < 8 && r.acc&(1<<r.nbits-1) == 0
}
