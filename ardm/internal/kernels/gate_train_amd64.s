//go:build amd64 && !purego

#include "textflag.h"

// func gateGradAVX(dz, ts, dg *float32, rows, width, C int)
//
// For r < rows and j < width (a positive multiple of 4, at most C), with
// d = dg[r*C+j], t = ts[r*2*C+j], s = ts[r*2*C+C+j]:
//	dz[r*2*C+j]   = (d*s) * (1 - t*t)
//	dz[r*2*C+C+j] = ((d*s) * t) * (1 - s)
// each operation a separately rounded float32 one, in gateTrainGrad's
// order: the same bits. Eight channels at a time (YMM), then four (XMM).
//
// Registers: DI dz row, SI ts row, DX dg row, R8 C*4 (dg row stride,
// offset of the second half of a dz or ts row), R9 2*C*4, BX width in
// bytes, R10 width in bytes - 16 (bound of the eight-channel loop; AX and
// BX are multiples of 16), CX rows left, AX byte offset of the current
// channel, R11 and R12 the second halves of the ts and dz rows, Y15 1.0.
TEXT ·gateGradAVX(SB), NOSPLIT, $0-48
	MOVQ         dz+0(FP), DI
	MOVQ         ts+8(FP), SI
	MOVQ         dg+16(FP), DX
	MOVQ         rows+24(FP), CX
	MOVQ         width+32(FP), BX
	SHLQ         $2, BX
	MOVQ         C+40(FP), R8
	SHLQ         $2, R8
	LEAQ         (R8)(R8*1), R9
	LEAQ         -16(BX), R10
	MOVL         $0x3f800000, AX  // 1.0
	MOVL         AX, X15
	VBROADCASTSS X15, Y15

gg_row:
	LEAQ (SI)(R8*1), R11 // s
	LEAQ (DI)(R8*1), R12 // dz of the sigmoid inputs
	XORQ AX, AX

gg_loop8:
	CMPQ    AX, R10
	JGE     gg_tail
	VMOVUPS (SI)(AX*1), Y0  // t
	VMOVUPS (R11)(AX*1), Y1 // s
	VMOVUPS (DX)(AX*1), Y2  // d
	VMULPS  Y1, Y2, Y2      // ds = d*s
	VMULPS  Y0, Y0, Y3      // t*t
	VSUBPS  Y3, Y15, Y3     // 1 - t*t
	VMULPS  Y3, Y2, Y3      // ds*(1-t*t)
	VMOVUPS Y3, (DI)(AX*1)
	VMULPS  Y0, Y2, Y4      // ds*t
	VSUBPS  Y1, Y15, Y5     // 1 - s
	VMULPS  Y5, Y4, Y4      // ds*t*(1-s)
	VMOVUPS Y4, (R12)(AX*1)
	ADDQ    $32, AX
	JMP     gg_loop8

gg_tail:
	CMPQ    AX, BX
	JGE     gg_next
	VMOVUPS (SI)(AX*1), X0
	VMOVUPS (R11)(AX*1), X1
	VMOVUPS (DX)(AX*1), X2
	VMULPS  X1, X2, X2
	VMULPS  X0, X0, X3
	VSUBPS  X3, X15, X3
	VMULPS  X3, X2, X3
	VMOVUPS X3, (DI)(AX*1)
	VMULPS  X0, X2, X4
	VSUBPS  X1, X15, X5
	VMULPS  X5, X4, X4
	VMOVUPS X4, (R12)(AX*1)

gg_next:
	ADDQ R9, DI
	ADDQ R9, SI
	ADDQ R8, DX
	DECQ CX
	JNZ  gg_row
	VZEROUPPER
	RET
