//go:build amd64 && !purego

#include "textflag.h"

// Block kernels of gemm (see gemm_amd64.go). Each vector lane is the
// accumulator of one output: it starts at the bias, and for j = 0..in-1
// gets x[r][j]*w[j][o] rounded to float32 (a multiply instruction) added
// to it (a separate add instruction, accumulator as the first operand), as
// dot does. No fused multiply-add is used anywhere.
//
// Register use common to all kernels:
//	DI  dst, first row of the current row group
//	SI  x, first row of the current row group
//	DX  w
//	R8  rows left
//	R9  in (>= 1)
//	R10 ldd in bytes
//	R11 ldx in bytes
//	R12 ldw in bytes
//	R13 3*ldx in bytes
//	AX  x cursor (row 0 of the group, column j)
//	CX  w cursor (row j)
//	BX  bias pointer, then the j countdown
// Rows go four at a time, then one at a time.

#define LOADARGS \
	MOVQ dst+0(FP), DI       \
	MOVQ x+8(FP), SI         \
	MOVQ w+16(FP), DX        \
	MOVQ rows+32(FP), R8     \
	MOVQ in+40(FP), R9       \
	MOVQ ldd+48(FP), R10     \
	SHLQ $2, R10             \
	MOVQ ldx+56(FP), R11     \
	SHLQ $2, R11             \
	MOVQ ldw+64(FP), R12     \
	SHLQ $2, R12             \
	LEAQ (R11)(R11*2), R13

#define STARTLOOP \
	MOVQ SI, AX \
	MOVQ DX, CX \
	MOVQ R9, BX

#define NEXTJ \
	ADDQ $4, AX  \
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

// SSEROW2: a0 += x*X8, a1 += x*X9 for the x at xaddr.
#define SSEROW2(xaddr, a0, a1) \
	MOVSS  xaddr, X10    \
	SHUFPS $0, X10, X10  \
	MOVAPS X10, X11      \
	MULPS  X8, X11       \
	MOVAPS X10, X12      \
	MULPS  X9, X12       \
	ADDPS  X11, a0       \
	ADDPS  X12, a1

// SSEROW1: a0 += x*X8 for the x at xaddr.
#define SSEROW1(xaddr, a0) \
	MOVSS  xaddr, X10    \
	SHUFPS $0, X10, X10  \
	MULPS  X8, X10       \
	ADDPS  X10, a0

// func gemmAVX16(dst, x, w, bias *float32, rows, in, ldd, ldx, ldw int)
TEXT ·gemmAVX16(SB), NOSPLIT, $0-72
	LOADARGS

avx16_rows4:
	CMPQ    R8, $4
	JLT     avx16_rows1
	MOVQ    bias+24(FP), BX
	VMOVUPS (BX), Y0
	VMOVUPS 32(BX), Y1
	VMOVUPS Y0, Y2
	VMOVUPS Y1, Y3
	VMOVUPS Y0, Y4
	VMOVUPS Y1, Y5
	VMOVUPS Y0, Y6
	VMOVUPS Y1, Y7
	STARTLOOP

avx16_loop4:
	VMOVUPS (CX), Y8
	VMOVUPS 32(CX), Y9
	AVXROW2((AX), Y0, Y1)
	AVXROW2((AX)(R11*1), Y2, Y3)
	AVXROW2((AX)(R11*2), Y4, Y5)
	AVXROW2((AX)(R13*1), Y6, Y7)
	NEXTJ
	JNZ     avx16_loop4
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, (DI)(R10*1)
	VMOVUPS Y3, 32(DI)(R10*1)
	VMOVUPS Y4, (DI)(R10*2)
	VMOVUPS Y5, 32(DI)(R10*2)
	LEAQ    (DI)(R10*2), AX
	ADDQ    R10, AX
	VMOVUPS Y6, (AX)
	VMOVUPS Y7, 32(AX)
	NEXT4ROWS
	JMP     avx16_rows4

avx16_rows1:
	TESTQ   R8, R8
	JZ      avx16_done
	MOVQ    bias+24(FP), BX
	VMOVUPS (BX), Y0
	VMOVUPS 32(BX), Y1
	STARTLOOP

avx16_loop1:
	VMOVUPS (CX), Y8
	VMOVUPS 32(CX), Y9
	AVXROW2((AX), Y0, Y1)
	NEXTJ
	JNZ     avx16_loop1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	NEXT1ROW
	JMP     avx16_rows1

avx16_done:
	VZEROUPPER
	RET

// func gemmAVX8(dst, x, w, bias *float32, rows, in, ldd, ldx, ldw int)
TEXT ·gemmAVX8(SB), NOSPLIT, $0-72
	LOADARGS

avx8_rows4:
	CMPQ    R8, $4
	JLT     avx8_rows1
	MOVQ    bias+24(FP), BX
	VMOVUPS (BX), Y0
	VMOVUPS Y0, Y1
	VMOVUPS Y0, Y2
	VMOVUPS Y0, Y3
	STARTLOOP

avx8_loop4:
	VMOVUPS (CX), Y8
	AVXROW1((AX), Y0)
	AVXROW1((AX)(R11*1), Y1)
	AVXROW1((AX)(R11*2), Y2)
	AVXROW1((AX)(R13*1), Y3)
	NEXTJ
	JNZ     avx8_loop4
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, (DI)(R10*1)
	VMOVUPS Y2, (DI)(R10*2)
	LEAQ    (DI)(R10*2), AX
	ADDQ    R10, AX
	VMOVUPS Y3, (AX)
	NEXT4ROWS
	JMP     avx8_rows4

avx8_rows1:
	TESTQ   R8, R8
	JZ      avx8_done
	MOVQ    bias+24(FP), BX
	VMOVUPS (BX), Y0
	STARTLOOP

avx8_loop1:
	VMOVUPS (CX), Y8
	AVXROW1((AX), Y0)
	NEXTJ
	JNZ     avx8_loop1
	VMOVUPS Y0, (DI)
	NEXT1ROW
	JMP     avx8_rows1

avx8_done:
	VZEROUPPER
	RET

// func gemmSSE8(dst, x, w, bias *float32, rows, in, ldd, ldx, ldw int)
TEXT ·gemmSSE8(SB), NOSPLIT, $0-72
	LOADARGS

sse8_rows4:
	CMPQ   R8, $4
	JLT    sse8_rows1
	MOVQ   bias+24(FP), BX
	MOVUPS (BX), X0
	MOVUPS 16(BX), X1
	MOVAPS X0, X2
	MOVAPS X1, X3
	MOVAPS X0, X4
	MOVAPS X1, X5
	MOVAPS X0, X6
	MOVAPS X1, X7
	STARTLOOP

sse8_loop4:
	MOVUPS (CX), X8
	MOVUPS 16(CX), X9
	SSEROW2((AX), X0, X1)
	SSEROW2((AX)(R11*1), X2, X3)
	SSEROW2((AX)(R11*2), X4, X5)
	SSEROW2((AX)(R13*1), X6, X7)
	NEXTJ
	JNZ    sse8_loop4
	MOVUPS X0, (DI)
	MOVUPS X1, 16(DI)
	MOVUPS X2, (DI)(R10*1)
	MOVUPS X3, 16(DI)(R10*1)
	MOVUPS X4, (DI)(R10*2)
	MOVUPS X5, 16(DI)(R10*2)
	LEAQ   (DI)(R10*2), AX
	ADDQ   R10, AX
	MOVUPS X6, (AX)
	MOVUPS X7, 16(AX)
	NEXT4ROWS
	JMP    sse8_rows4

sse8_rows1:
	TESTQ  R8, R8
	JZ     sse8_done
	MOVQ   bias+24(FP), BX
	MOVUPS (BX), X0
	MOVUPS 16(BX), X1
	STARTLOOP

sse8_loop1:
	MOVUPS (CX), X8
	MOVUPS 16(CX), X9
	SSEROW2((AX), X0, X1)
	NEXTJ
	JNZ    sse8_loop1
	MOVUPS X0, (DI)
	MOVUPS X1, 16(DI)
	NEXT1ROW
	JMP    sse8_rows1

sse8_done:
	RET

// func gemmSSE4(dst, x, w, bias *float32, rows, in, ldd, ldx, ldw int)
TEXT ·gemmSSE4(SB), NOSPLIT, $0-72
	LOADARGS

sse4_rows4:
	CMPQ   R8, $4
	JLT    sse4_rows1
	MOVQ   bias+24(FP), BX
	MOVUPS (BX), X0
	MOVAPS X0, X1
	MOVAPS X0, X2
	MOVAPS X0, X3
	STARTLOOP

sse4_loop4:
	MOVUPS (CX), X8
	SSEROW1((AX), X0)
	SSEROW1((AX)(R11*1), X1)
	SSEROW1((AX)(R11*2), X2)
	SSEROW1((AX)(R13*1), X3)
	NEXTJ
	JNZ    sse4_loop4
	MOVUPS X0, (DI)
	MOVUPS X1, (DI)(R10*1)
	MOVUPS X2, (DI)(R10*2)
	LEAQ   (DI)(R10*2), AX
	ADDQ   R10, AX
	MOVUPS X3, (AX)
	NEXT4ROWS
	JMP    sse4_rows4

sse4_rows1:
	TESTQ  R8, R8
	JZ     sse4_done
	MOVQ   bias+24(FP), BX
	MOVUPS (BX), X0
	STARTLOOP

sse4_loop1:
	MOVUPS (CX), X8
	SSEROW1((AX), X0)
	NEXTJ
	JNZ    sse4_loop1
	MOVUPS X0, (DI)
	NEXT1ROW
	JMP    sse4_rows1

sse4_done:
	RET

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET
