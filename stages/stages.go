package stages

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
)

// KeepTopBits zeroes all but the top k bits of a 16-bit unsigned value.
func KeepTopBits(x uint16, k int) uint16 {
	if k <= 0 {
		return 0
	}
	if k >= 16 {
		return x
	}
	return x &^ (1<<uint(16-k) - 1)
}

// DigitBits is log2 of a branching factor b in {2, 4, 16, 256, 65536}; it
// panics for any other b. b = 65536 is the one-stage case (OA-ARDM): the
// single digit is the whole value.
func DigitBits(b int) int {
	switch b {
	case 2, 4, 16, 256, 65536:
		return bits.TrailingZeros(uint(b))
	}
	panic(fmt.Sprintf("stages: branching factor %d not in {2, 4, 16, 256, 65536}", b))
}

// Count is the number of base-b digits of a 16-bit value: 16 / log2(b).
func Count(b int) int { return 16 / DigitBits(b) }

// Digit returns digit s (1-based, most significant first) of x in base b.
func Digit(x uint16, b, s int) int {
	db := DigitBits(b)
	S := 16 / db
	if s < 1 || s > S {
		panic(fmt.Sprintf("stages: stage %d out of range 1..%d", s, S))
	}
	return int(x>>uint((S-s)*db)) & (b - 1)
}

// SetDigit returns x with digit s (1-based) in base b replaced by d.
func SetDigit(x uint16, b, s, d int) uint16 {
	db := DigitBits(b)
	S := 16 / db
	if s < 1 || s > S || d < 0 || d >= b {
		panic(fmt.Sprintf("stages: SetDigit(stage %d, digit %d) out of range for b=%d", s, d, b))
	}
	shift := uint((S - s) * db)
	return x&^(uint16(b-1)<<shift) | uint16(d)<<shift
}

// Split writes the S base-b digits of x, most significant first, to
// dst (len Count(b)).
func Split(x uint16, b int, dst []int) {
	S := Count(b)
	if len(dst) != S {
		panic("stages: Split: dst length is not Count(b)")
	}
	for s := 1; s <= S; s++ {
		dst[s-1] = Digit(x, b, s)
	}
}

// Merge is the inverse of Split.
func Merge(digits []int, b int) uint16 {
	db := DigitBits(b)
	if len(digits) != 16/db {
		panic("stages: Merge: wrong number of digits")
	}
	var x uint16
	for _, d := range digits {
		if d < 0 || d >= b {
			panic(fmt.Sprintf("stages: Merge: digit %d out of range for b=%d", d, b))
		}
		x = x<<uint(db) | uint16(d)
	}
	return x
}

// Value is x^(s) of DESIGN.md: x with its lowest S-s base-b digits
// zeroed. x^(0) = 0 and x^(S) = x.
func Value(x uint16, b, s int) uint16 { return KeepTopBits(x, s*DigitBits(b)) }

// StratifiedOrder writes to dst (len n) the positions 0..n-1 in
// bit-reversed order, rotated by offset (0 <= offset < n): with m the
// smallest power of two >= n, the indices i = 0..m-1 are taken in turn,
// r = i with its log2(m) bits reversed, those with r >= n skipped, and
// (r + offset) mod n is the next position. Every prefix of the order is
// spread almost evenly over the frame (the first t positions leave gaps of
// at most about 2n/t), so each step of a coding policy reveals positions
// whose neighbours on both sides are already known, at the shortest
// distances a set of that size allows; a uniformly random order leaves
// some gaps several times longer. The model is order agnostic, so any
// order is valid; this one costs fewer bits at a small budget.
func StratifiedOrder(offset int, dst []int) {
	n := len(dst)
	if n == 0 {
		return
	}
	if offset < 0 || offset >= n {
		panic("stages: StratifiedOrder: offset out of range")
	}
	k := uint(bits.Len(uint(n - 1)))
	t := 0
	for i := 0; i < 1<<k; i++ {
		r := int(bits.Reverse64(uint64(i)) >> (64 - k))
		if k == 0 {
			r = 0
		}
		if r < n {
			r += offset
			if r >= n {
				r -= n
			}
			dst[t] = r
			t++
		}
	}
}

// DrawOrder writes to dst the stratified order with a rotation drawn
// uniformly from rng: the masks the coder shows the model (stream version
// 3 codes in this order, with its own seeded draw of the rotation), as
// training, sampling and the policy bound draw them.
func DrawOrder(rng *rand.Rand, dst []int) {
	if len(dst) > 0 {
		StratifiedOrder(rng.IntN(len(dst)), dst)
	}
}
