package audio

import (
	"fmt"
	"math/bits"
)

// ToUnsigned16 shifts a signed 16-bit sample (-32768..32767) to 0..65535.
func ToUnsigned16(v int32) uint16 { return uint16(v + 32768) }

// FromUnsigned16 is the inverse of ToUnsigned16.
func FromUnsigned16(x uint16) int32 { return int32(x) - 32768 }

// ConvertDepth converts a signed sample from one bit depth to another:
// widening shifts left (exact), narrowing shifts right arithmetically
// (keeps the top bits, rounding toward minus infinity).
func ConvertDepth(v int32, from, to int) int32 {
	if to >= from {
		return v << uint(to-from)
	}
	return v >> uint(from-to)
}

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
	panic(fmt.Sprintf("audio: branching factor %d not in {2, 4, 16, 256, 65536}", b))
}

// Stages is the number of base-b digits of a 16-bit value: 16 / log2(b).
func Stages(b int) int { return 16 / DigitBits(b) }

// Digit returns digit s (1-based, most significant first) of x in base b.
func Digit(x uint16, b, s int) int {
	db := DigitBits(b)
	S := 16 / db
	if s < 1 || s > S {
		panic(fmt.Sprintf("audio: stage %d out of range 1..%d", s, S))
	}
	return int(x>>uint((S-s)*db)) & (b - 1)
}

// SetDigit returns x with digit s (1-based) in base b replaced by d.
func SetDigit(x uint16, b, s, d int) uint16 {
	db := DigitBits(b)
	S := 16 / db
	if s < 1 || s > S || d < 0 || d >= b {
		panic(fmt.Sprintf("audio: SetDigit(stage %d, digit %d) out of range for b=%d", s, d, b))
	}
	shift := uint((S - s) * db)
	return x&^(uint16(b-1)<<shift) | uint16(d)<<shift
}

// SplitDigits writes the S base-b digits of x, most significant first, to
// dst (len Stages(b)).
func SplitDigits(x uint16, b int, dst []int) {
	S := Stages(b)
	if len(dst) != S {
		panic("audio: SplitDigits: dst length is not Stages(b)")
	}
	for s := 1; s <= S; s++ {
		dst[s-1] = Digit(x, b, s)
	}
}

// MergeDigits is the inverse of SplitDigits.
func MergeDigits(digits []int, b int) uint16 {
	db := DigitBits(b)
	if len(digits) != 16/db {
		panic("audio: MergeDigits: wrong number of digits")
	}
	var x uint16
	for _, d := range digits {
		if d < 0 || d >= b {
			panic(fmt.Sprintf("audio: MergeDigits: digit %d out of range for b=%d", d, b))
		}
		x = x<<uint(db) | uint16(d)
	}
	return x
}

// StageValue is x^(s) of DESIGN.md: x with its lowest S-s base-b digits
// zeroed. x^(0) = 0 and x^(S) = x.
func StageValue(x uint16, b, s int) uint16 { return KeepTopBits(x, s*DigitBits(b)) }
