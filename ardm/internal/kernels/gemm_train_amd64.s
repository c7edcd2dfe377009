//go:build amd64 && !purego

#include "textflag.h"

// Block kernels of mm (see trainmm_amd64.go). Each vector lane is the
// accumulator of one output: it starts at 0 or at dst, and for
// p = 0..red-1 gets x[i*xi+p*xp]*w[p*ldw+j] rounded to float32 (a multiply
// instruction) added to it (a separate add instruction, accumulator as the
// first operand), as mmGo does. No fused multiply-add is used anywhere.
//
// Register use common to all kernels:
//	DI  dst, first row of the current row group
//	SI  x, first row of the current row group
//	DX  w
//	R8  rows left
//	R9  red (>= 1)
//	R10 ldd in bytes
//	R11 xi in bytes
//	R12 ldw in bytes
//	R13 3*xi in bytes
//	R14 xp in bytes
//	AX  x cursor (row 0 of the group, reduction index p)
//	CX  w cursor (row p)
//	BX  the p countdown; before the loop, the address of the group's row 3
// Rows go four at a time, then one at a time.

#define LOADARGS \
	MOVQ dst+0(FP), DI       \
	MOVQ x+8(FP), SI         \
	MOVQ w+16(FP), DX        \
	MOVQ rows+24(FP), R8     \
	MOVQ red+32(FP), R9      \
	MOVQ ldd+40(FP), R10     \
	SHLQ $2, R10             \
	MOVQ xi+48(FP), R11      \
	SHLQ $2, R11             \
	MOVQ xp+56(FP), R14      \
	SHLQ $2, R14             \
	MOVQ ldw+64(FP), R12     \
	SHLQ $2, R12             \
	LEAQ (R11)(R11*2), R13

// ROW3: BX = the address of dst's row 3 of the group.
#define ROW3 \
	LEAQ (DI)(R10*2), BX \
	ADDQ R10, BX

#define STARTLOOP \
	MOVQ SI, AX \
	MOVQ DX, CX \
	MOVQ R9, BX

#define NEXTP \
	ADDQ R14, AX \
	ADDQ R12, CX \
	DECQ BX

#define NEXT4ROWS \
	LEAQ (DI)(R10*4), DI \
	LEAQ (SI)(R11*4), SI \
	SUBQ $4, R8

#define NEXT1ROW \
	ADDQ R10, DI \
	ADDQ R11, SI \
	DECQ R8

// AVXROW2: a0 += x*Y8, a1 += x*Y9 for the x at xaddr.
#define AVXROW2(xaddr, a0, a1) \
	VBROADCASTSS xaddr, Y10   \
	VMULPS       Y8, Y10, Y11 \
	VMULPS       Y9, Y10, Y12 \
	VADDPS       Y11, a0, a0  \
	VADDPS       Y12, a1, a1

// AVXROW1: a0 += x*Y8 for the x at xaddr.
#define AVXROW1(xaddr, a0) \
	VBROADCASTSS xaddr, Y10   \
	VMULPS       Y8, Y10, Y11 \
	VADDPS       Y11, a0, a0

// SSEROW1: a0 += x*X8 for the x at xaddr.
#define SSEROW1(xaddr, a0) \
	MOVSS  xaddr, X10   \
	SHUFPS $0, X10, X10 \
	MULPS  X8, X10      \
	ADDPS  X10, a0

// func mmAVX16(dst, x, w *float32, rows, red, ldd, xi, xp, ldw, acc int)
TEXT ·mmAVX16(SB), NOSPLIT, $0-80
	LOADARGS

avx16_rows4:
	CMPQ    R8, $4
	JLT     avx16_rows1
	ROW3
	CMPQ    acc+72(FP), $0
	JEQ     avx16_zero4
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS (DI)(R10*1), Y2
	VMOVUPS 32(DI)(R10*1), Y3
	VMOVUPS (DI)(R10*2), Y4
	VMOVUPS 32(DI)(R10*2), Y5
	VMOVUPS (BX), Y6
	VMOVUPS 32(BX), Y7
	JMP     avx16_start4

avx16_zero4:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7

avx16_start4:
	STARTLOOP

avx16_loop4:
	VMOVUPS (CX), Y8
	VMOVUPS 32(CX), Y9
	AVXROW2((AX), Y0, Y1)
	AVXROW2((AX)(R11*1), Y2, Y3)
	AVXROW2((AX)(R11*2), Y4, Y5)
	AVXROW2((AX)(R13*1), Y6, Y7)
	NEXTP
	JNZ     avx16_loop4
	ROW3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, (DI)(R10*1)
	VMOVUPS Y3, 32(DI)(R10*1)
	VMOVUPS Y4, (DI)(R10*2)
	VMOVUPS Y5, 32(DI)(R10*2)
	VMOVUPS Y6, (BX)
	VMOVUPS Y7, 32(BX)
	NEXT4ROWS
	JMP     avx16_rows4

avx16_rows1:
	TESTQ   R8, R8
	JZ      avx16_done
	CMPQ    acc+72(FP), $0
	JEQ     avx16_zero1
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	JMP     avx16_start1

avx16_zero1:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1

avx16_start1:
	STARTLOOP

avx16_loop1:
	VMOVUPS (CX), Y8
	VMOVUPS 32(CX), Y9
	AVXROW2((AX), Y0, Y1)
	NEXTP
	JNZ     avx16_loop1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	NEXT1ROW
	JMP     avx16_rows1

avx16_done:
	VZEROUPPER
	RET

// func mmAVX8(dst, x, w *float32, rows, red, ldd, xi, xp, ldw, acc int)
TEXT ·mmAVX8(SB), NOSPLIT, $0-80
	LOADARGS

avx8_rows4:
	CMPQ    R8, $4
	JLT     avx8_rows1
	ROW3
	CMPQ    acc+72(FP), $0
	JEQ     avx8_zero4
	VMOVUPS (DI), Y0
	VMOVUPS (DI)(R10*1), Y1
	VMOVUPS (DI)(R10*2), Y2
	VMOVUPS (BX), Y3
	JMP     avx8_start4

avx8_zero4:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3

avx8_start4:
	STARTLOOP

avx8_loop4:
	VMOVUPS (CX), Y8
	AVXROW1((AX), Y0)
	AVXROW1((AX)(R11*1), Y1)
	AVXROW1((AX)(R11*2), Y2)
	AVXROW1((AX)(R13*1), Y3)
	NEXTP
	JNZ     avx8_loop4
	ROW3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, (DI)(R10*1)
	VMOVUPS Y2, (DI)(R10*2)
	VMOVUPS Y3, (BX)
	NEXT4ROWS
	JMP     avx8_rows4

avx8_rows1:
	TESTQ   R8, R8
	JZ      avx8_done
	CMPQ    acc+72(FP), $0
	JEQ     avx8_zero1
	VMOVUPS (DI), Y0
	JMP     avx8_start1

avx8_zero1:
	VXORPS Y0, Y0, Y0

avx8_start1:
	STARTLOOP

avx8_loop1:
	VMOVUPS (CX), Y8
	AVXROW1((AX), Y0)
	NEXTP
	JNZ     avx8_loop1
	VMOVUPS Y0, (DI)
	NEXT1ROW
	JMP     avx8_rows1

avx8_done:
	VZEROUPPER
	RET

// func mmSSE4(dst, x, w *float32, rows, red, ldd, xi, xp, ldw, acc int)
TEXT ·mmSSE4(SB), NOSPLIT, $0-80
	LOADARGS

sse4_rows4:
	CMPQ   R8, $4
	JLT    sse4_rows1
	ROW3
	CMPQ   acc+72(FP), $0
	JEQ    sse4_zero4
	MOVUPS (DI), X0
	MOVUPS (DI)(R10*1), X1
	MOVUPS (DI)(R10*2), X2
	MOVUPS (BX), X3
	JMP    sse4_start4

sse4_zero4:
	XORPS X0, X0
	XORPS X1, X1
	XORPS X2, X2
	XORPS X3, X3

sse4_start4:
	STARTLOOP

sse4_loop4:
	MOVUPS (CX), X8
	SSEROW1((AX), X0)
	SSEROW1((AX)(R11*1), X1)
	SSEROW1((AX)(R11*2), X2)
	SSEROW1((AX)(R13*1), X3)
	NEXTP
	JNZ    sse4_loop4
	ROW3
	MOVUPS X0, (DI)
	MOVUPS X1, (DI)(R10*1)
	MOVUPS X2, (DI)(R10*2)
	MOVUPS X3, (BX)
	NEXT4ROWS
	JMP    sse4_rows4

sse4_rows1:
	TESTQ  R8, R8
	JZ     sse4_done
	CMPQ   acc+72(FP), $0
	JEQ    sse4_zero1
	MOVUPS (DI), X0
	JMP    sse4_start1

sse4_zero1:
	XORPS X0, X0

sse4_start1:
	STARTLOOP

sse4_loop1:
	MOVUPS (CX), X8
	SSEROW1((AX), X0)
	NEXTP
	JNZ    sse4_loop1
	MOVUPS X0, (DI)
	NEXT1ROW
	JMP    sse4_rows1

sse4_done:
	RET
