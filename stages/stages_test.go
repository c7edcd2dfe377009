package stages

import (
	"fmt"
	"strings"
	"testing"
)

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
		if got := Count(c.b); got != len(c.digits) {
			t.Errorf("Count(%d) = %d, want %d", c.b, got, len(c.digits))
		}
		dst := make([]int, Count(c.b))
		Split(c.x, c.b, dst)
		for s := 1; s <= len(c.digits); s++ {
			if got := Digit(c.x, c.b, s); got != c.digits[s-1] || dst[s-1] != got {
				t.Errorf("Digit(%#04x, b=%d, s=%d) = %d, Split %d, want %d", c.x, c.b, s, got, dst[s-1], c.digits[s-1])
			}
		}
		if got := Merge(c.digits, c.b); got != c.x {
			t.Errorf("Merge(%v, %d) = %#04x, want %#04x", c.digits, c.b, got, c.x)
		}
	}
}

// TestDigitsAllValues splits every 16-bit value for every branching factor,
// checks each digit against the positional definition x / b^(S-s) mod b,
// and merges back.
func TestDigitsAllValues(t *testing.T) {
	for _, b := range []int{2, 4, 16, 256, 65536} {
		t.Run(fmt.Sprint("b=", b), func(t *testing.T) {
			S := Count(b)
			if S*DigitBits(b) != 16 || 1<<uint(DigitBits(b)) != b {
				t.Fatalf("DigitBits(%d)=%d, Stages=%d", b, DigitBits(b), S)
			}
			dst := make([]int, S)
			for v := 0; v < 65536; v++ {
				x := uint16(v)
				Split(x, b, dst)
				place := 65536
				for s := 1; s <= S; s++ {
					place /= b
					if want := v / place % b; dst[s-1] != want {
						t.Fatalf("x=%d stage %d: digit %d, want %d", v, s, dst[s-1], want)
					}
				}
				if got := Merge(dst, b); got != x {
					t.Fatalf("x=%d: merge gives %d", v, got)
				}
			}
		})
	}
}

func TestValueTable(t *testing.T) {
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
		if got := Value(c.x, c.b, c.s); got != c.want {
			t.Errorf("Value(%#04x, b=%d, s=%d) = %#04x, want %#04x", c.x, c.b, c.s, got, c.want)
		}
	}
}

// TestValueDigits checks x^(s) against its definition for every value
// and stage: digits 1..s of x, the rest zero.
func TestValueDigits(t *testing.T) {
	for _, b := range []int{2, 4, 16, 256, 65536} {
		S := Count(b)
		d := make([]int, S)
		for v := 0; v < 65536; v++ {
			x := uint16(v)
			for s := 0; s <= S; s++ {
				Split(x, b, d)
				for j := s; j < S; j++ {
					d[j] = 0
				}
				if got, want := Value(x, b, s), Merge(d, b); got != want {
					t.Fatalf("b=%d x=%d s=%d: Value %d, want %d", b, v, s, got, want)
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
		S := Count(b)
		before, after := make([]int, S), make([]int, S)
		for v := 0; v < 65536; v += 251 {
			x := uint16(v)
			Split(x, b, before)
			for s := 1; s <= S; s++ {
				for d := 0; d < b; d++ {
					Split(SetDigit(x, b, s, d), b, after)
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
		{"Split short dst", func() { Split(1, 16, make([]int, 3)) }},
		{"Merge long", func() { Merge(make([]int, 5), 16) }},
		{"Merge digit range", func() { Merge([]int{0, 16, 0, 0}, 16) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil {
					t.Fatal("no panic")
				} else if s, ok := r.(string); !ok || !strings.HasPrefix(s, "stages: ") {
					t.Fatalf("panic %v does not start with \"stages: \"", r)
				}
			}()
			c.f()
		})
	}
}

func TestStratifiedOrder(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 8, 100, 1000, 16000} {
		for _, off := range []int{0, n / 3, n - 1} {
			d := make([]int, n)
			StratifiedOrder(off, d)
			seen := make([]bool, n)
			for _, v := range d {
				if v < 0 || v >= n || seen[v] {
					t.Fatalf("n=%d off=%d: not a permutation: %v", n, off, d[:min(n, 20)])
				}
				seen[v] = true
			}
			if d[0] != off {
				t.Errorf("n=%d off=%d: first position %d", n, off, d[0])
			}
			// Every prefix of t positions leaves no circular gap longer
			// than 2n/t + 1.
			for _, tt := range []int{2, 5, 16, 100, n / 2} {
				if tt < 2 || tt > n {
					continue
				}
				in := make([]bool, n)
				for _, v := range d[:tt] {
					in[v] = true
				}
				gap, run := 0, 0
				for i := 0; i < 2*n; i++ {
					if in[i%n] {
						run = 0
					} else {
						run++
						gap = max(gap, run)
					}
				}
				if limit := 2*n/tt + 1; gap > limit {
					t.Errorf("n=%d off=%d: the first %d positions leave a gap of %d > %d", n, off, tt, gap, limit)
				}
			}
		}
	}
}
