package audio

import (
	"fmt"
	"math/bits"
)

// validDepth panics unless d is a bit depth PCM supports.
func validDepth(d int, what string) {
	switch d {
	case 8, 16, 24, 32:
		return
	}
	panic(fmt.Sprintf("audio: %s: bit depth %d not in {8, 16, 24, 32}", what, d))
}

// clone returns a deep copy of p with its sample slices allocated.
func (p *PCM) clone() *PCM {
	q := &PCM{Format: p.Format, Data: make([][]int32, len(p.Data))}
	for c, ch := range p.Data {
		q.Data[c] = append([]int32(nil), ch...)
	}
	return q
}

// ConvertDepth returns a copy of p at bit depth to (8, 16, 24 or 32) with
// every sample converted by ConvertDepth: widening is exact, narrowing keeps
// the top bits (rounding toward minus infinity). It panics on any other
// depth.
func (p *PCM) ConvertDepth(to int) *PCM {
	validDepth(p.BitDepth, "ConvertDepth source")
	validDepth(to, "ConvertDepth target")
	q := p.clone()
	q.BitDepth = to
	for _, ch := range q.Data {
		for i, v := range ch {
			ch[i] = ConvertDepth(v, p.BitDepth, to)
		}
	}
	return q
}

// Coarsen returns a copy of p that keeps only the top keepBits bits of each
// sample at p's depth, with the lower bits zeroed in the unsigned domain
// (as KeepTopBits does for 16 bits: the signed value rounds toward minus
// infinity to a multiple of 2^(depth-keepBits)). keepBits <= 0 maps every
// sample to the most negative value; keepBits >= depth copies p.
func Coarsen(p *PCM, keepBits int) *PCM {
	validDepth(p.BitDepth, "Coarsen")
	q := p.clone()
	d := p.BitDepth
	if keepBits >= d {
		return q
	}
	keepBits = max(keepBits, 0)
	off := int64(1) << uint(d-1)
	mask := int64(1)<<uint(d-keepBits) - 1
	for _, ch := range q.Data {
		for i, v := range ch {
			ch[i] = int32((int64(v)+off)&^mask - off)
		}
	}
	return q
}

// EffectiveBits is the number of bits of p's depth that carry information
// at the bottom end: the depth minus the number of low bits that are zero
// in every sample. 16-bit data made from 8-bit data gives 8; all-zero data
// gives 0. (The count is the same in the signed and the unsigned domain:
// the offset 2^(depth-1) has no low bits set.)
func EffectiveBits(p *PCM) int {
	var acc uint32
	for _, ch := range p.Data {
		for _, v := range ch {
			acc |= uint32(v)
		}
	}
	if acc == 0 {
		return 0
	}
	return max(p.BitDepth-bits.TrailingZeros32(acc), 0)
}
