package audio

import "testing"

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
