package audio

import (
	"fmt"
	"testing"
)

func TestUnsigned16RoundTrip(t *testing.T) {
	for v := int32(-32768); v <= 32767; v++ {
		x := ToUnsigned16(v)
		if int32(x) != v+32768 || FromUnsigned16(x) != v {
			t.Fatalf("v=%d: ToUnsigned16=%d, back %d", v, x, FromUnsigned16(x))
		}
	}
}

func TestConvertDepthTable(t *testing.T) {
	cases := []struct {
		v        int32
		from, to int
		want     int32
	}{
		{0, 8, 16, 0},
		{1, 8, 16, 256},
		{-128, 8, 16, -32768},
		{127, 8, 16, 32512},
		{-32768, 16, 8, -128},
		{32767, 16, 8, 127},
		{255, 16, 8, 0},
		{256, 16, 8, 1},
		{-1, 16, 8, -1}, // rounds toward minus infinity
		{-256, 16, 8, -1},
		{-257, 16, 8, -2},
		{1, 16, 24, 256},
		{-32768, 16, 24, -8388608},
		{8388607, 24, 16, 32767},
		{-8388608, 24, 16, -32768},
		{-8388608, 24, 8, -128},
		{127, 8, 24, 127 << 16},
		{32767, 16, 32, 32767 << 16},
		{-2147483648, 32, 16, -32768},
		{2147483647, 32, 24, 8388607},
		{12345, 16, 16, 12345},
	}
	for _, c := range cases {
		if got := ConvertDepth(c.v, c.from, c.to); got != c.want {
			t.Errorf("ConvertDepth(%d, %d, %d) = %d, want %d", c.v, c.from, c.to, got, c.want)
		}
	}
}

func TestKeepTopBitsTable(t *testing.T) {
	cases := []struct {
		x    uint16
		k    int
		want uint16
	}{
		{0xFFFF, 0, 0},
		{0xFFFF, -3, 0},
		{0xFFFF, 1, 0x8000},
		{0x7FFF, 1, 0},
		{0xABCD, 4, 0xA000},
		{0xABCD, 8, 0xAB00},
		{0xABCD, 12, 0xABC0},
		{0xABCD, 15, 0xABCC},
		{0xABCD, 16, 0xABCD},
		{0xABCD, 20, 0xABCD},
		{0x1234, 3, 0x0000},
		{0x1234, 4, 0x1000},
	}
	for _, c := range cases {
		if got := KeepTopBits(c.x, c.k); got != c.want {
			t.Errorf("KeepTopBits(%#04x, %d) = %#04x, want %#04x", c.x, c.k, got, c.want)
		}
	}
}

func TestDigitTable(t *testing.T) {
	cases := []struct {
		x      uint16
		b      int
		digits []int
	}{
		{0xABCD, 256, []int{0xAB, 0xCD}},
		{0xABCD, 16, []int{0xA, 0xB, 0xC, 0xD}},
		{0xABCD, 4, []int{2, 2, 2, 3, 3, 0, 3, 1}},
		{0xABCD, 2, []int{1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1}},
		{0x0000, 16, []int{0, 0, 0, 0}},
		{0xFFFF, 4, []int{3, 3, 3, 3, 3, 3, 3, 3}},
		{0x8001, 256, []int{0x80, 0x01}},
		{0xABCD, 65536, []int{0xABCD}},
		{0x0000, 65536, []int{0}},
		{0xFFFF, 65536, []int{0xFFFF}},
	}
	for _, c := range cases {
		if got := Stages(c.b); got != len(c.digits) {
			t.Errorf("Stages(%d) = %d, want %d", c.b, got, len(c.digits))
		}
		dst := make([]int, Stages(c.b))
		SplitDigits(c.x, c.b, dst)
		for s := 1; s <= len(c.digits); s++ {
			if got := Digit(c.x, c.b, s); got != c.digits[s-1] || dst[s-1] != got {
				t.Errorf("Digit(%#04x, b=%d, s=%d) = %d, SplitDigits %d, want %d", c.x, c.b, s, got, dst[s-1], c.digits[s-1])
			}
		}
		if got := MergeDigits(c.digits, c.b); got != c.x {
			t.Errorf("MergeDigits(%v, %d) = %#04x, want %#04x", c.digits, c.b, got, c.x)
		}
	}
}

// TestDigitsAllValues splits every 16-bit value for every branching factor,
// checks each digit against the positional definition x / b^(S-s) mod b,
// and merges back.
func TestDigitsAllValues(t *testing.T) {
	for _, b := range []int{2, 4, 16, 256, 65536} {
		t.Run(fmt.Sprint("b=", b), func(t *testing.T) {
			S := Stages(b)
			if S*DigitBits(b) != 16 || 1<<uint(DigitBits(b)) != b {
				t.Fatalf("DigitBits(%d)=%d, Stages=%d", b, DigitBits(b), S)
			}
			dst := make([]int, S)
			for v := 0; v < 65536; v++ {
				x := uint16(v)
				SplitDigits(x, b, dst)
				place := 65536
				for s := 1; s <= S; s++ {
					place /= b
					if want := v / place % b; dst[s-1] != want {
						t.Fatalf("x=%d stage %d: digit %d, want %d", v, s, dst[s-1], want)
					}
				}
				if got := MergeDigits(dst, b); got != x {
					t.Fatalf("x=%d: merge gives %d", v, got)
				}
			}
		})
	}
}

func TestStageValueTable(t *testing.T) {
	cases := []struct {
		x    uint16
		b, s int
		want uint16
	}{
		{0xABCD, 16, 0, 0x0000},
		{0xABCD, 16, 1, 0xA000},
		{0xABCD, 16, 2, 0xAB00},
		{0xABCD, 16, 3, 0xABC0},
		{0xABCD, 16, 4, 0xABCD},
		{0xABCD, 256, 1, 0xAB00},
		{0xABCD, 256, 2, 0xABCD},
		{0xABCD, 4, 3, 0xA800},
		{0xABCD, 2, 1, 0x8000},
		{0xABCD, 2, 15, 0xABCC},
		{0xFFFF, 2, 16, 0xFFFF},
		{0xABCD, 65536, 0, 0x0000},
		{0xABCD, 65536, 1, 0xABCD},
	}
	for _, c := range cases {
		if got := StageValue(c.x, c.b, c.s); got != c.want {
			t.Errorf("StageValue(%#04x, b=%d, s=%d) = %#04x, want %#04x", c.x, c.b, c.s, got, c.want)
		}
	}
}

// TestStageValueDigits checks x^(s) against its definition for every value
// and stage: digits 1..s of x, the rest zero.
func TestStageValueDigits(t *testing.T) {
	for _, b := range []int{2, 4, 16, 256, 65536} {
		S := Stages(b)
		d := make([]int, S)
		for v := 0; v < 65536; v++ {
			x := uint16(v)
			for s := 0; s <= S; s++ {
				SplitDigits(x, b, d)
				for j := s; j < S; j++ {
					d[j] = 0
				}
				if got, want := StageValue(x, b, s), MergeDigits(d, b); got != want {
					t.Fatalf("b=%d x=%d s=%d: StageValue %d, want %d", b, v, s, got, want)
				}
			}
		}
	}
}

func TestSetDigitTable(t *testing.T) {
	cases := []struct {
		x       uint16
		b, s, d int
		want    uint16
	}{
		{0xABCD, 16, 1, 0x0, 0x0BCD},
		{0xABCD, 16, 4, 0xF, 0xABCF},
		{0xABCD, 256, 2, 0x12, 0xAB12},
		{0xABCD, 4, 8, 0, 0xABCC},
		{0x0000, 2, 1, 1, 0x8000},
		{0xFFFF, 2, 16, 0, 0xFFFE},
		{0xABCD, 65536, 1, 0x1234, 0x1234},
	}
	for _, c := range cases {
		if got := SetDigit(c.x, c.b, c.s, c.d); got != c.want {
			t.Errorf("SetDigit(%#04x, b=%d, s=%d, d=%d) = %#04x, want %#04x", c.x, c.b, c.s, c.d, got, c.want)
		}
	}
}

// TestSetDigitOnlyTouchesItsDigit sets every digit value at every stage on
// a spread of values and checks that exactly that digit changes.
func TestSetDigitOnlyTouchesItsDigit(t *testing.T) {
	for _, b := range []int{2, 4, 16, 256} {
		S := Stages(b)
		before, after := make([]int, S), make([]int, S)
		for v := 0; v < 65536; v += 251 {
			x := uint16(v)
			SplitDigits(x, b, before)
			for s := 1; s <= S; s++ {
				for d := 0; d < b; d++ {
					SplitDigits(SetDigit(x, b, s, d), b, after)
					for j := range S {
						want := before[j]
						if j == s-1 {
							want = d
						}
						if after[j] != want {
							t.Fatalf("b=%d x=%d SetDigit(s=%d, d=%d): digit %d is %d, want %d", b, v, s, d, j+1, after[j], want)
						}
					}
				}
			}
		}
	}
}

func TestDigitPanics(t *testing.T) {
	cases := []struct {
		name string
		f    func()
	}{
		{"DigitBits(3)", func() { DigitBits(3) }},
		{"DigitBits(8)", func() { DigitBits(8) }},
		{"DigitBits(512)", func() { DigitBits(512) }},
		{"Digit b=65536 stage 2", func() { Digit(1, 65536, 2) }},
		{"Digit stage 0", func() { Digit(1, 16, 0) }},
		{"Digit stage 5", func() { Digit(1, 16, 5) }},
		{"SetDigit d=b", func() { SetDigit(1, 4, 1, 4) }},
		{"SetDigit d<0", func() { SetDigit(1, 4, 1, -1) }},
		{"SplitDigits short dst", func() { SplitDigits(1, 16, make([]int, 3)) }},
		{"MergeDigits long", func() { MergeDigits(make([]int, 5), 16) }},
		{"MergeDigits digit range", func() { MergeDigits([]int{0, 16, 0, 0}, 16) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil {
					t.Fatal("no panic")
				} else if s, ok := r.(string); !ok || len(s) < 7 || s[:7] != "audio: " {
					t.Fatalf("panic %v does not start with \"audio: \"", r)
				}
			}()
			c.f()
		})
	}
}
