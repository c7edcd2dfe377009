package audio

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
