//go:build amd64 && !purego

package kernels

import "math"

// The amd64 gate kernels (gate_amd64.s) take the channels of a row eight
// then four (AVX, float64 lanes of YMM registers) or two (SSE2, of an XMM
// register) at a time; the channels left over (C mod 4 or C mod 2) use
// gateGo's code. A NaN input makes gate fall back to gateGo for the whole
// call, so NaN results (whose bits depend on operand order) are exactly
// gateGo's too.

// Rows of gateTab, the constants of the SIMD kernels, each repeated in four
// lanes (the assembly addresses row i at byte offset 32*i).
const (
	gateLog2e  = 0  // expLog2e
	gateHalf   = 1  // 0.5, Exp's rounding offset
	gateLn2Hi  = 2  // expLn2Hi
	gateLn2Lo  = 3  // expLn2Lo
	gateC12    = 4  // expC12; expC11 .. expC0 follow in rows 5..16
	gateMax    = 17 // expMax
	gateMin    = 18 // -expMax
	gateOne    = 19 // 1
	gateSmall  = 20 // tanhSmall
	gateBig    = 21 // tanhBig
	gateAbs    = 22 // all bits but the sign
	gateSign   = 23 // the sign bit
	gatePow2   = 24 // 2^52 + 1023: k + gatePow2 holds k+1023 in its low mantissa bits
	gateTabLen = 25
)

// gateTab holds the float64 bit patterns of the kernels' constants, taken
// from the very constants Exp and Tanh use.
var gateTab = func() (t [gateTabLen][4]uint64) {
	vals := [gateTabLen]float64{
		gateLog2e: expLog2e,
		gateHalf:  0.5,
		gateLn2Hi: expLn2Hi,
		gateLn2Lo: expLn2Lo,
		gateMax:   expMax,
		gateMin:   -expMax,
		gateOne:   1,
		gateSmall: tanhSmall,
		gateBig:   tanhBig,
		gatePow2:  1<<52 + 1023,
	}
	for i, c := range [13]float64{expC12, expC11, expC10, expC9, expC8, expC7, expC6, expC5, expC4, expC3, expC2, expC1, expC0} {
		vals[gateC12+i] = c
	}
	for i, v := range vals {
		bits := math.Float64bits(v)
		switch i {
		case gateAbs:
			bits = 1<<63 - 1
		case gateSign:
			bits = 1 << 63
		}
		t[i] = [4]uint64{bits, bits, bits, bits}
	}
	return t
}()

// gateAVX and gateSSE compute, for r < rows and j < width (a positive
// multiple of 4, respectively 2, at most C),
// dst[r*C+j] = float32(Tanh(z[r*2*C+j]) * Sigmoid(z[r*2*C+C+j]))
// with the constants in tab (gateTab). They return whether any of those
// inputs was a NaN, in which case dst holds unspecified values.

//go:noescape
func gateAVX(dst, z *float32, rows, width, C int, tab *[gateTabLen][4]uint64) (nan bool)

//go:noescape
func gateSSE(dst, z *float32, rows, width, C int, tab *[gateTabLen][4]uint64) (nan bool)

// gateAVX64 and gateSSE64 set t[i] = tanh64(x[i]) and s[i] = sigmoid64(y[i])
// for i < n (a positive multiple of 4, respectively 2) with the code of
// gateAVX and gateSSE: the float64 values those round to float32, which
// the tests compare bit for bit with the scalar ones. NaN inputs give
// unspecified values.

//go:noescape
func gateAVX64(t, s *float64, x, y *float32, n int, tab *[gateTabLen][4]uint64)

//go:noescape
func gateSSE64(t, s *float64, x, y *float32, n int, tab *[gateTabLen][4]uint64)

// Gate computes dst[r*C+j] = float32(Tanh(z[r*2*C+j]) * Sigmoid(z[r*2*C+C+j]))
// for rows r and channels j < C, with the kernel gemmLevel selects.
func Gate(dst, z []float32, rows, C int) {
	level := gemmLevel
	lanes := 2
	if level >= gemmLevelAVX {
		lanes = 4
	}
	width := C - C%lanes
	if level == gemmLevelGo || rows <= 0 || width <= 0 {
		gateGo(dst, z, rows, C)
		return
	}
	if len(dst) < rows*C || len(z) < rows*2*C {
		panic("kernels: gate: buffer too small")
	}
	var nan bool
	if lanes == 4 {
		nan = gateAVX(&dst[0], &z[0], rows, width, C, &gateTab)
	} else {
		nan = gateSSE(&dst[0], &z[0], rows, width, C, &gateTab)
	}
	if nan {
		gateGo(dst, z, rows, C)
		return
	}
	for r := 0; r < rows && width < C; r++ {
		zr := z[r*2*C : (r+1)*2*C]
		gr := dst[r*C : (r+1)*C]
		for j := width; j < C; j++ {
			gr[j] = float32(Tanh(zr[j]) * Sigmoid(zr[C+j]))
		}
	}
}
