//go:build amd64 && !purego

#include "go_asm.h"
#include "textflag.h"

// Gate kernels (see gate.go and gate_amd64.go). Each float64 lane computes
// one channel's float32(tanhDet(x) * sigmoidDet(y)) by the operations of
// the scalar code, in its order: the clamp to [-expMax, expMax] (min, max),
// k = floor(float64(v*expLog2e) + 0.5), r = v - k*expLn2Hi - k*expLn2Lo,
// the Horner polynomial p = float64(p*r) + c from expC12 down to expC0,
// and e = p * 2^k. Every multiply, add, subtract and divide is a separate,
// correctly rounded IEEE instruction; no fused multiply-add is used.
//
// expDet scales by 2^h * 2^(k-h) with h = k/2; here p * 2^k is one
// multiply. Both are exact, so equal: |k| <= 1010 (the clamp) and p is
// within [0.70, 1.42] (|r| <= ln2/2 plus rounding), so p*2^h and p*2^k are
// normal floats and multiplying by a power of two loses nothing. 2^k is
// built from bits as pow2 does: k + (2^52 + 1023) holds k + 1023 in its
// low mantissa bits, which a left shift by 52 moves into the exponent.
//
// tanhDet computes t from a = |x| in one of three ways (a < tanhSmall:
// t = a; a > tanhBig: t = 1; else (e-1)/(e+1) with e = expDet(2a)) and
// restores the sign of x; the kernels compute all three, select per lane,
// then OR in x's sign bit, which equals negating before the rounding to
// float32 (round-to-nearest-even is symmetric; -0 gives a = +0, t = +0,
// then -0 as tanhDet does). sigmoidDet is 1/(1+expDet(-y)). The two
// float64 results are rounded to float32 (CVTPD2PS, round to nearest
// even as Go's float32 conversion) and multiplied in float32.
//
// NaN inputs are only detected (the result says so): the Go wrapper then
// recomputes with gateGo.
//
// gateAVX64 and gateSSE64 run the same loops and macros but store the
// float64 tanh64 and sigmoid64 values before the rounding to float32, so
// the tests can compare them bit for bit with the scalar code: a deviating
// operation changes far more float64 results than float32 ones.
//
// Registers of the gate kernels:
//	DI  dst row
//	SI  z row (tanh inputs)
//	CX  z row + C (sigmoid inputs)
//	AX  byte offset of the current channel in the row
//	BX  width in bytes
//	R8  gateTab
//	R9  rows left
//	R10 width in bytes - 16: bound of gateAVX's eight-channel loop
//	R11 C*4: dst row stride, offset of the sigmoid inputs
//	R12 2*C*4: z row stride

#define TAB(i) (32*(i))(R8)

#define LOADARGS \
	MOVQ dst+0(FP), DI        \
	MOVQ z+8(FP), SI          \
	MOVQ rows+16(FP), R9      \
	MOVQ width+24(FP), BX     \
	SHLQ $2, BX               \
	MOVQ C+32(FP), R11        \
	SHLQ $2, R11              \
	LEAQ (R11)(R11*1), R12    \
	MOVQ tab+40(FP), R8

// The AVX kernels run expDet in stages so that several independent chains
// (tanh and sigmoid arguments, of one or two groups of four channels) can
// interleave: AVXEXPPRE, then AVXHORNER for i = 1..11, then AVXEXPPOST.

// AVXEXPPRE starts x = expDet(x) for two chains (x1, k1, p1) and (x2, k2,
// p2), four lanes each: the clamp, k = floor(x*log2e + 0.5), the reduced
// argument r (in x), 2^k (in k; k1x, k2x, p1x, p2x are XMM names) and
// p = expC12*r.
#define AVXEXPPRE(x1, k1, k1x, p1, p1x, x2, k2, k2x, p2, p2x) \
	VMINPD       TAB(const_gateMax), x1, x1   \
	VMINPD       TAB(const_gateMax), x2, x2   \
	VMAXPD       TAB(const_gateMin), x1, x1   \
	VMAXPD       TAB(const_gateMin), x2, x2   \
	VMULPD       TAB(const_gateLog2e), x1, k1 \
	VMULPD       TAB(const_gateLog2e), x2, k2 \
	VADDPD       TAB(const_gateHalf), k1, k1  \
	VADDPD       TAB(const_gateHalf), k2, k2  \
	VROUNDPD     $9, k1, k1                   /* floor */ \
	VROUNDPD     $9, k2, k2                   \
	VMULPD       TAB(const_gateLn2Hi), k1, p1 \
	VMULPD       TAB(const_gateLn2Hi), k2, p2 \
	VSUBPD       p1, x1, x1                   \
	VSUBPD       p2, x2, x2                   \
	VMULPD       TAB(const_gateLn2Lo), k1, p1 \
	VMULPD       TAB(const_gateLn2Lo), k2, p2 \
	VSUBPD       p1, x1, x1                   /* r */ \
	VSUBPD       p2, x2, x2                   \
	VADDPD       TAB(const_gatePow2), k1, k1  /* 2^k */ \
	VADDPD       TAB(const_gatePow2), k2, k2  \
	VEXTRACTF128 $1, k1, p1x                  \
	VEXTRACTF128 $1, k2, p2x                  \
	VPSLLQ       $52, k1x, k1x                \
	VPSLLQ       $52, k2x, k2x                \
	VPSLLQ       $52, p1x, p1x                \
	VPSLLQ       $52, p2x, p2x                \
	VINSERTF128  $1, p1x, k1, k1              \
	VINSERTF128  $1, p2x, k2, k2              \
	VMULPD       TAB(const_gateC12), x1, p1   /* Horner */ \
	VMULPD       TAB(const_gateC12), x2, p2

// AVXHORNER: p = p + c[i] (expC12 is c[0], expC0 c[12]), then p = p*r,
// for two chains.
#define AVXHORNER(i, r1, p1, r2, p2) \
	VADDPD TAB(const_gateC12+i), p1, p1 \
	VADDPD TAB(const_gateC12+i), p2, p2 \
	VMULPD r1, p1, p1                   \
	VMULPD r2, p2, p2

// AVXEXPPOST ends two chains: p = p + expC0, x = p * 2^k.
#define AVXEXPPOST(x1, k1, p1, x2, k2, p2) \
	VADDPD TAB(const_gateC12+12), p1, p1 \
	VADDPD TAB(const_gateC12+12), p2, p2 \
	VMULPD k1, p1, x1                    \
	VMULPD k2, p2, x2

// AVXARGS loads four tanh inputs x (at xaddr) into t and four sigmoid
// inputs y (at yaddr) into s as float64, ORs the lanes where x or y is a
// NaN into Y15 (u is a temporary), and sets t = 2|x|, s = -y: the
// arguments of expDet.
#define AVXARGS(xaddr, yaddr, t, s, u) \
	VCVTPS2PD xaddr, t                \
	VCVTPS2PD yaddr, s                \
	VCMPPD    $3, s, t, u             /* unordered: x or y is NaN */ \
	VORPD     u, Y15, Y15             \
	VANDPD    TAB(const_gateAbs), t, t \
	VADDPD    t, t, t                 \
	VXORPD    TAB(const_gateSign), s, s

// AVXTANHSIG turns et = expDet(2|x|) into tanh64(x) in u and es =
// expDet(-y) into sigmoid64(y) in es, reloading x from xaddr; a, sg and v
// are temporaries. tanh64 computes all three branches, selects per lane
// and ORs in the sign of x.
#define AVXTANHSIG(et, es, xaddr, a, sg, u, v) \
	VCVTPS2PD xaddr, sg                  \
	VANDPD    TAB(const_gateAbs), sg, a  /* a = |x| */ \
	VANDPD    TAB(const_gateSign), sg, sg \
	VSUBPD    Y14, et, u                 /* (e-1)/(e+1) */ \
	VADDPD    Y14, et, v                 \
	VDIVPD    v, u, u                    \
	VCMPPD    $0x1e, TAB(const_gateBig), a, v /* a > tanhBig (GT_OQ): 1 */ \
	VBLENDVPD v, Y14, u, u               \
	VCMPPD    $0x01, TAB(const_gateSmall), a, v /* a < tanhSmall (LT_OS): a */ \
	VBLENDVPD v, a, u, u                 \
	VORPD     sg, u, u                   /* sign of x */ \
	VADDPD    Y14, es, es                /* 1/(1+e) */ \
	VDIVPD    es, Y14, es

// AVXGATE4 computes tanh64 of the four x at xaddr into Y4 and sigmoid64
// of the four y at yaddr into Y1 (using Y0..Y5).
#define AVXGATE4(xaddr, yaddr) \
	AVXARGS(xaddr, yaddr, Y0, Y1, Y2)                 \
	AVXEXPPRE(Y0, Y2, X2, Y3, X3, Y1, Y4, X4, Y5, X5) \
	AVXHORNER(1, Y0, Y3, Y1, Y5)                      \
	AVXHORNER(2, Y0, Y3, Y1, Y5)                      \
	AVXHORNER(3, Y0, Y3, Y1, Y5)                      \
	AVXHORNER(4, Y0, Y3, Y1, Y5)                      \
	AVXHORNER(5, Y0, Y3, Y1, Y5)                      \
	AVXHORNER(6, Y0, Y3, Y1, Y5)                      \
	AVXHORNER(7, Y0, Y3, Y1, Y5)                      \
	AVXHORNER(8, Y0, Y3, Y1, Y5)                      \
	AVXHORNER(9, Y0, Y3, Y1, Y5)                      \
	AVXHORNER(10, Y0, Y3, Y1, Y5)                     \
	AVXHORNER(11, Y0, Y3, Y1, Y5)                     \
	AVXEXPPOST(Y0, Y2, Y3, Y1, Y4, Y5)                \
	AVXTANHSIG(Y0, Y1, xaddr, Y2, Y3, Y4, Y5)

// AVXHORNER4: AVXHORNER step i of both groups of AVXGATE8.
#define AVXHORNER4(i) \
	AVXHORNER(i, Y0, Y3, Y1, Y5) \
	AVXHORNER(i, Y6, Y9, Y7, Y11)

// AVXGATE8 computes tanh64 of the eight x at xaddr into Y4 (first four)
// and Y10, and sigmoid64 of the eight y at yaddr into Y1 and Y7 (using
// Y0..Y11): two groups of four whose four expDet chains interleave.
#define AVXGATE8(xaddr, yaddr, xaddr16, yaddr16) \
	AVXARGS(xaddr, yaddr, Y0, Y1, Y2)                      \
	AVXARGS(xaddr16, yaddr16, Y6, Y7, Y8)                  \
	AVXEXPPRE(Y0, Y2, X2, Y3, X3, Y1, Y4, X4, Y5, X5)      \
	AVXEXPPRE(Y6, Y8, X8, Y9, X9, Y7, Y10, X10, Y11, X11)  \
	AVXHORNER4(1)                                          \
	AVXHORNER4(2)                                          \
	AVXHORNER4(3)                                          \
	AVXHORNER4(4)                                          \
	AVXHORNER4(5)                                          \
	AVXHORNER4(6)                                          \
	AVXHORNER4(7)                                          \
	AVXHORNER4(8)                                          \
	AVXHORNER4(9)                                          \
	AVXHORNER4(10)                                         \
	AVXHORNER4(11)                                         \
	AVXEXPPOST(Y0, Y2, Y3, Y1, Y4, Y5)                     \
	AVXEXPPOST(Y6, Y8, Y9, Y7, Y10, Y11)                   \
	AVXTANHSIG(Y0, Y1, xaddr, Y2, Y3, Y4, Y5)              \
	AVXTANHSIG(Y6, Y7, xaddr16, Y8, Y9, Y10, Y11)

#define AVXSETUP \
	VXORPD  Y15, Y15, Y15 \
	VMOVUPD TAB(const_gateOne), Y14

// SSEFLOOR sets k = floor(k) (|k| < 2^31) using t and m: truncate, then
// subtract 1 where that is above k. Exact, like math.Floor.
#define SSEFLOOR(k, t, m) \
	CVTTPD2PL k, t     \
	CVTPL2PD  t, t     \
	MOVAPD    k, m     \
	CMPPD     t, m, $1 \
	ANDPD     X14, m   \
	SUBPD     m, t     \
	MOVAPD    t, k

// SSEHORNER: p = p + c[i] (expC12 is c[0], expC0 c[12]), then p = p*r,
// for two chains.
#define SSEHORNER(i, r1, p1, r2, p2) \
	MOVUPD TAB(const_gateC12+i), X10 \
	ADDPD  X10, p1                   \
	ADDPD  X10, p2                   \
	MULPD  r1, p1                    \
	MULPD  r2, p2

// SSEEXP2 sets x1 = expDet(x1) and x2 = expDet(x2) (two lanes each),
// using k1, p1, k2, p2 and X0, X1, X10, X11. The constants are loaded
// with MOVUPD (gateTab need not be 16-byte aligned).
#define SSEEXP2(x1, k1, p1, x2, k2, p2) \
	MOVUPD TAB(const_gateMax), X10   \
	MINPD  X10, x1                   \
	MINPD  X10, x2                   \
	MOVUPD TAB(const_gateMin), X10   \
	MAXPD  X10, x1                   \
	MAXPD  X10, x2                   \
	MOVUPD TAB(const_gateLog2e), X10 \
	MOVAPD x1, k1                    \
	MULPD  X10, k1                   \
	MOVAPD x2, k2                    \
	MULPD  X10, k2                   \
	MOVUPD TAB(const_gateHalf), X10  \
	ADDPD  X10, k1                   \
	ADDPD  X10, k2                   \
	SSEFLOOR(k1, X0, X1)             \
	SSEFLOOR(k2, X10, X11)           \
	MOVUPD TAB(const_gateLn2Hi), X10 \
	MOVAPD k1, p1                    \
	MULPD  X10, p1                   \
	SUBPD  p1, x1                    \
	MOVAPD k2, p2                    \
	MULPD  X10, p2                   \
	SUBPD  p2, x2                    \
	MOVUPD TAB(const_gateLn2Lo), X10 \
	MOVAPD k1, p1                    \
	MULPD  X10, p1                   \
	SUBPD  p1, x1                    \
	MOVAPD k2, p2                    \
	MULPD  X10, p2                   \
	SUBPD  p2, x2                    \
	MOVUPD TAB(const_gatePow2), X10  \
	ADDPD  X10, k1                   \
	ADDPD  X10, k2                   \
	PSLLQ  $52, k1                   \
	PSLLQ  $52, k2                   \
	MOVUPD TAB(const_gateC12), p1    \
	MULPD  x1, p1                    \
	MOVUPD TAB(const_gateC12), p2    \
	MULPD  x2, p2                    \
	SSEHORNER(1, x1, p1, x2, p2)     \
	SSEHORNER(2, x1, p1, x2, p2)     \
	SSEHORNER(3, x1, p1, x2, p2)     \
	SSEHORNER(4, x1, p1, x2, p2)     \
	SSEHORNER(5, x1, p1, x2, p2)     \
	SSEHORNER(6, x1, p1, x2, p2)     \
	SSEHORNER(7, x1, p1, x2, p2)     \
	SSEHORNER(8, x1, p1, x2, p2)     \
	SSEHORNER(9, x1, p1, x2, p2)     \
	SSEHORNER(10, x1, p1, x2, p2)    \
	SSEHORNER(11, x1, p1, x2, p2)    \
	MOVUPD TAB(const_gateC12+12), X10 \
	ADDPD  X10, p1                   \
	ADDPD  X10, p2                   \
	MULPD  k1, p1                    \
	MULPD  k2, p2                    \
	MOVAPD p1, x1                    \
	MOVAPD p2, x2

// func gateAVX(dst, z *float32, rows, width, C int, tab *[gateTabLen][4]uint64) (nan bool)
//
// Per row: eight channels at a time, then four. Y14 1.0, Y15 NaN lanes.
TEXT ·gateAVX(SB), NOSPLIT, $0-49
	LOADARGS
	AVXSETUP
	LEAQ -16(BX), R10 // end of the eight-channel blocks

avx_row:
	LEAQ (SI)(R11*1), CX
	XORQ AX, AX

avx_loop8:
	CMPQ       AX, R10
	JGE        avx_tail
	AVXGATE8((SI)(AX*1), (CX)(AX*1), 16(SI)(AX*1), 16(CX)(AX*1))
	VCVTPD2PSY Y4, X4
	VCVTPD2PSY Y1, X1
	VMULPS     X1, X4, X4
	VMOVUPS    X4, (DI)(AX*1)
	VCVTPD2PSY Y10, X10
	VCVTPD2PSY Y7, X7
	VMULPS     X7, X10, X10
	VMOVUPS    X10, 16(DI)(AX*1)
	ADDQ       $32, AX
	JMP        avx_loop8

avx_tail:
	CMPQ       AX, BX
	JGE        avx_next
	AVXGATE4((SI)(AX*1), (CX)(AX*1))
	VCVTPD2PSY Y4, X4
	VCVTPD2PSY Y1, X1
	VMULPS     X1, X4, X4
	VMOVUPS    X4, (DI)(AX*1)
	ADDQ       $16, AX

avx_next:
	ADDQ R11, DI
	ADDQ R12, SI
	DECQ R9
	JNZ  avx_row

	VMOVMSKPD Y15, AX
	TESTQ     AX, AX
	SETNE     nan+48(FP)
	VZEROUPPER
	RET

// func gateAVX64(t, s *float64, x, y *float32, n int, tab *[gateTabLen][4]uint64)
//
// The loops of gateAVX over one row of n channels, storing the float64
// values.
TEXT ·gateAVX64(SB), NOSPLIT, $0-48
	MOVQ t+0(FP), DI
	MOVQ s+8(FP), DX
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), CX
	MOVQ n+32(FP), BX
	SHLQ $2, BX
	MOVQ tab+40(FP), R8
	AVXSETUP
	LEAQ -16(BX), R10
	XORQ AX, AX

avx64_loop8:
	CMPQ    AX, R10
	JGE     avx64_tail
	AVXGATE8((SI)(AX*1), (CX)(AX*1), 16(SI)(AX*1), 16(CX)(AX*1))
	VMOVUPD Y4, (DI)(AX*2)
	VMOVUPD Y10, 32(DI)(AX*2)
	VMOVUPD Y1, (DX)(AX*2)
	VMOVUPD Y7, 32(DX)(AX*2)
	ADDQ    $32, AX
	JMP     avx64_loop8

avx64_tail:
	CMPQ    AX, BX
	JGE     avx64_done
	AVXGATE4((SI)(AX*1), (CX)(AX*1))
	VMOVUPD Y4, (DI)(AX*2)
	VMOVUPD Y1, (DX)(AX*2)
	ADDQ    $16, AX
	JMP     avx64_tail

avx64_done:
	VZEROUPPER
	RET

// SSETANHSIG sets X8 = tanh64(x) and X6 = sigmoid64(y) (two lanes) for
// x, y converted to float64 in X0, X1, and ORs the lanes where x or y is a
// NaN into X15. Needs X12 abs mask, X13 sign mask, X14 1.0; uses X0..X11.
// The selections are AND/ANDN/OR (SSE2 has no blend).
#define SSETANHSIG \
	MOVAPD X0, X2                   \
	CMPPD  X1, X2, $3               /* unordered: x or y is NaN */ \
	ORPD   X2, X15                  \
	MOVAPD X0, X2                   \
	ANDPD  X12, X2                  /* a = |x| */ \
	MOVAPD X0, X3                   \
	ANDPD  X13, X3                  /* sign of x */ \
	MOVAPD X2, X4                   \
	ADDPD  X2, X4                   /* 2a */ \
	MOVAPD X1, X5                   \
	XORPD  X13, X5                  /* -y */ \
	SSEEXP2(X4, X6, X7, X5, X8, X9) \
	MOVAPD X4, X6                   /* (e-1)/(e+1) */ \
	SUBPD  X14, X6                  \
	ADDPD  X14, X4                  \
	DIVPD  X4, X6                   \
	MOVUPD TAB(const_gateBig), X7   /* tanhBig < a: 1 */ \
	CMPPD  X2, X7, $1               \
	MOVAPD X7, X8                   \
	ANDPD  X14, X8                  \
	ANDNPD X6, X7                   \
	ORPD   X8, X7                   \
	MOVAPD X2, X8                   /* a < tanhSmall: a */ \
	MOVUPD TAB(const_gateSmall), X9 \
	CMPPD  X9, X8, $1               \
	MOVAPD X8, X9                   \
	ANDPD  X2, X9                   \
	ANDNPD X7, X8                   \
	ORPD   X9, X8                   \
	ORPD   X3, X8                   /* sign of x */ \
	ADDPD  X14, X5                  /* 1/(1+e) */ \
	MOVAPD X14, X6                  \
	DIVPD  X5, X6

#define SSESETUP \
	XORPD  X15, X15                  \
	MOVUPD TAB(const_gateAbs), X12   \
	MOVUPD TAB(const_gateSign), X13  \
	MOVUPD TAB(const_gateOne), X14

// func gateSSE(dst, z *float32, rows, width, C int, tab *[gateTabLen][4]uint64) (nan bool)
//
// Two channels at a time. X12 abs mask, X13 sign mask, X14 1.0, X15 NaN
// lanes.
TEXT ·gateSSE(SB), NOSPLIT, $0-49
	LOADARGS
	SSESETUP

sse_row:
	LEAQ (SI)(R11*1), CX
	XORQ AX, AX

sse_loop:
	CVTPS2PD (SI)(AX*1), X0 // x
	CVTPS2PD (CX)(AX*1), X1 // y
	SSETANHSIG
	CVTPD2PS X8, X8
	CVTPD2PS X6, X6
	MULPS    X6, X8
	MOVSD    X8, (DI)(AX*1)
	ADDQ     $8, AX
	CMPQ     AX, BX
	JLT      sse_loop

	ADDQ R11, DI
	ADDQ R12, SI
	DECQ R9
	JNZ  sse_row

	MOVMSKPD X15, AX
	TESTQ    AX, AX
	SETNE    nan+48(FP)
	RET

// func gateSSE64(t, s *float64, x, y *float32, n int, tab *[gateTabLen][4]uint64)
//
// The loop of gateSSE over one row of n channels, storing the float64
// values.
TEXT ·gateSSE64(SB), NOSPLIT, $0-48
	MOVQ t+0(FP), DI
	MOVQ s+8(FP), DX
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), CX
	MOVQ n+32(FP), BX
	SHLQ $2, BX
	MOVQ tab+40(FP), R8
	SSESETUP
	XORQ AX, AX

sse64_loop:
	CVTPS2PD (SI)(AX*1), X0
	CVTPS2PD (CX)(AX*1), X1
	SSETANHSIG
	MOVUPD   X8, (DI)(AX*2)
	MOVUPD   X6, (DX)(AX*2)
	ADDQ     $8, AX
	CMPQ     AX, BX
	JLT      sse64_loop
	RET

// func gateTrainAVX(dst, z *float32, rows, width, C int, tab *[gateTabLen][4]uint64, ts *float32) (nan bool)
//
// gateAVX for training (traingate.go): besides dst it stores the float32
// tanhDet and sigmoidDet values in ts, which has z's layout. DX is the ts
// row, R13 the ts row + C.
TEXT ·gateTrainAVX(SB), NOSPLIT, $0-57
	LOADARGS
	MOVQ ts+48(FP), DX
	AVXSETUP
	LEAQ -16(BX), R10

avxt_row:
	LEAQ (SI)(R11*1), CX
	LEAQ (DX)(R11*1), R13
	XORQ AX, AX

avxt_loop8:
	CMPQ       AX, R10
	JGE        avxt_tail
	AVXGATE8((SI)(AX*1), (CX)(AX*1), 16(SI)(AX*1), 16(CX)(AX*1))
	VCVTPD2PSY Y4, X4
	VCVTPD2PSY Y1, X1
	VMOVUPS    X4, (DX)(AX*1)
	VMOVUPS    X1, (R13)(AX*1)
	VMULPS     X1, X4, X4
	VMOVUPS    X4, (DI)(AX*1)
	VCVTPD2PSY Y10, X10
	VCVTPD2PSY Y7, X7
	VMOVUPS    X10, 16(DX)(AX*1)
	VMOVUPS    X7, 16(R13)(AX*1)
	VMULPS     X7, X10, X10
	VMOVUPS    X10, 16(DI)(AX*1)
	ADDQ       $32, AX
	JMP        avxt_loop8

avxt_tail:
	CMPQ       AX, BX
	JGE        avxt_next
	AVXGATE4((SI)(AX*1), (CX)(AX*1))
	VCVTPD2PSY Y4, X4
	VCVTPD2PSY Y1, X1
	VMOVUPS    X4, (DX)(AX*1)
	VMOVUPS    X1, (R13)(AX*1)
	VMULPS     X1, X4, X4
	VMOVUPS    X4, (DI)(AX*1)
	ADDQ       $16, AX

avxt_next:
	ADDQ R11, DI
	ADDQ R12, SI
	ADDQ R12, DX
	DECQ R9
	JNZ  avxt_row

	VMOVMSKPD Y15, AX
	TESTQ     AX, AX
	SETNE     nan+56(FP)
	VZEROUPPER
	RET

// func gateTrainSSE(dst, z *float32, rows, width, C int, tab *[gateTabLen][4]uint64, ts *float32) (nan bool)
//
// gateSSE for training, storing ts as gateTrainAVX does.
TEXT ·gateTrainSSE(SB), NOSPLIT, $0-57
	LOADARGS
	MOVQ ts+48(FP), DX
	SSESETUP

sset_row:
	LEAQ (SI)(R11*1), CX
	LEAQ (DX)(R11*1), R13
	XORQ AX, AX

sset_loop:
	CVTPS2PD (SI)(AX*1), X0 // x
	CVTPS2PD (CX)(AX*1), X1 // y
	SSETANHSIG
	CVTPD2PS X8, X8
	CVTPD2PS X6, X6
	MOVSD    X8, (DX)(AX*1)
	MOVSD    X6, (R13)(AX*1)
	MULPS    X6, X8
	MOVSD    X8, (DI)(AX*1)
	ADDQ     $8, AX
	CMPQ     AX, BX
	JLT      sset_loop

	ADDQ R11, DI
	ADDQ R12, SI
	ADDQ R12, DX
	DECQ R9
	JNZ  sset_row

	MOVMSKPD X15, AX
	TESTQ    AX, AX
	SETNE    nan+56(FP)
	RET
