package coder

import (
	"math/bits"
	"math/rand/v2"

	"github.com/ardm-dev/ardm/stages"
)

// codingOrder writes to dst (len n) the positions 0..n-1 in the order they
// are revealed in one stage of one frame of one channel of a stream of the
// given version: dst[t] is the position revealed t-th (sigma^-1(t) in the
// paper's notation). Both orders are driven by PCG-DXSM seeded with the
// stream's order seed and (frame<<16 | channel<<8 | stage); the bounded
// draw is Lemire's multiply-shift with rejection, written out here so the
// order depends only on the PCG algorithm, never on a library's helper.
//
// Version 2: a uniformly random permutation (Fisher-Yates shuffle).
// Version 3 on: the stratified order of StratifiedOrder, rotated by one
// bounded draw in [0, n).
func codingOrder(version int, seed uint64, frame int64, channel, stage int, dst []int) {
	src := rand.NewPCG(seed, uint64(frame)<<16|uint64(channel&0xff)<<8|uint64(stage&0xff))
	if version >= 3 {
		if len(dst) > 0 {
			stages.StratifiedOrder(int(boundedRand(src, uint64(len(dst)))), dst)
		}
		return
	}
	for i := range dst {
		dst[i] = i
	}
	for i := len(dst) - 1; i > 0; i-- {
		j := boundedRand(src, uint64(i+1))
		dst[i], dst[j] = dst[j], dst[i]
	}
}

// boundedRand returns a uniform value in [0, n).
func boundedRand(src *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}
