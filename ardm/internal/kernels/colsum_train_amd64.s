//go:build amd64 && !purego

#include "textflag.h"

// func colSumAVX(dst *float64, src *float32, rows, cols, ld int)
//
// dst[j] += float64(src[r*ld+j]) for r = 0 .. rows-1 in order, j < cols
// (a positive multiple of 4; rows >= 1). Columns go 16 at a time (four
// YMM accumulators of four float64 lanes), then 4 at a time; each VADDPD
// is the scalar code's correctly rounded float64 add.
//
// Registers: DI dst block, SI src block (row 0), BX columns left, DX ld in
// bytes, CX rows, R8 src row, R9 rows left.
TEXT ·colSumAVX(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ rows+16(FP), CX
	MOVQ cols+24(FP), BX
	MOVQ ld+32(FP), DX
	SHLQ $2, DX

cs_block16:
	CMPQ    BX, $16
	JLT     cs_block4
	VMOVUPD (DI), Y0
	VMOVUPD 32(DI), Y1
	VMOVUPD 64(DI), Y2
	VMOVUPD 96(DI), Y3
	MOVQ    SI, R8
	MOVQ    CX, R9

cs_row16:
	VCVTPS2PD (R8), Y4
	VCVTPS2PD 16(R8), Y5
	VCVTPS2PD 32(R8), Y6
	VCVTPS2PD 48(R8), Y7
	VADDPD    Y4, Y0, Y0
	VADDPD    Y5, Y1, Y1
	VADDPD    Y6, Y2, Y2
	VADDPD    Y7, Y3, Y3
	ADDQ      DX, R8
	DECQ      R9
	JNZ       cs_row16

	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	ADDQ    $128, DI
	ADDQ    $64, SI
	SUBQ    $16, BX
	JMP     cs_block16

cs_block4:
	CMPQ    BX, $4
	JLT     cs_done
	VMOVUPD (DI), Y0
	MOVQ    SI, R8
	MOVQ    CX, R9

cs_row4:
	VCVTPS2PD (R8), Y4
	VADDPD    Y4, Y0, Y0
	ADDQ      DX, R8
	DECQ      R9
	JNZ       cs_row4

	VMOVUPD Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $16, SI
	SUBQ    $4, BX
	JMP     cs_block4

cs_done:
	VZEROUPPER
	RET
