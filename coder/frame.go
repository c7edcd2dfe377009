package coder

import (
	"encoding/binary"
	"hash/crc32"
	"sync"
	"sync/atomic"
)

// encodeChannel picks the smallest coding of one channel of one frame and
// appends it to dst.
func (c *frameCodec) encodeChannel(dst []byte, x []int32, frame int64, ch int, force int, sc *scratch) (Kind, []byte, error) {
	base := len(dst)
	if isConstant(x) && force < 0 {
		if dst = encodeConstant(dst, x[0]); len(dst)-base <= len(x)*bytesPerSample(c.depth) {
			return CoderConstant, dst, nil
		}
		return CoderVerbatim, encodeVerbatim(dst[:base], x, c.depth), nil
	}
	if force == int(CoderModel) {
		p, err := c.encodeModel(dst, x, frame, ch, sc)
		return CoderModel, p, err
	}
	if force == int(CoderVerbatim) {
		return CoderVerbatim, encodeVerbatim(dst, x, c.depth), nil
	}
	if force == int(CoderCascade) {
		return CoderCascade, encodeCascade(dst, x, c.depth, 0, &sc.rice.csc), nil
	}
	kind := CoderFixedRice
	if force != int(CoderLPC) {
		dst = encodeFixedRice(dst, x, c.depth, &sc.rice)
	}
	if force < 0 || force == int(CoderLPC) {
		// The lpc coding goes behind the fixed-rice one; the smaller stays.
		fr := len(dst) - base
		lp := encodeLPC(dst, x, c.depth, &sc.rice.lpc)
		if force == int(CoderLPC) || len(lp)-len(dst) < fr {
			kind, dst = CoderLPC, append(lp[:base], lp[len(dst):]...)
		} else {
			dst = lp[:len(dst)]
		}
	}
	if force < 0 {
		// Likewise the cascade coding.
		prev := len(dst) - base
		cp := encodeCascade(dst, x, c.depth, 0, &sc.rice.csc)
		if len(cp)-len(dst) < prev {
			kind, dst = CoderCascade, append(cp[:base], cp[len(dst):]...)
		} else {
			dst = cp[:len(dst)]
		}
	}
	if verb := len(x) * bytesPerSample(c.depth); len(dst)-base >= verb && force < 0 {
		kind = CoderVerbatim
		dst = encodeVerbatim(dst[:base], x, c.depth)
	}
	if c.m == nil || force >= 0 {
		return kind, dst, nil
	}
	// Try the model after the fallback, in the space behind it.
	fb := len(dst) - base
	mp, err := c.encodeModel(dst, x, frame, ch, sc)
	if err != nil {
		return 0, nil, err
	}
	if len(mp)-len(dst) < fb {
		return CoderModel, append(mp[:base], mp[len(dst):]...), nil
	}
	return kind, mp[:len(dst)], nil
}

// decodeChannel decodes one channel payload into dst; false means corrupt.
func (c *frameCodec) decodeChannel(kind Kind, p []byte, frame int64, ch int, dst []int32, sc *scratch) (bool, error) {
	switch kind {
	case CoderConstant:
		return decodeConstant(p, c.depth, dst), nil
	case CoderVerbatim:
		return decodeVerbatim(p, c.depth, dst), nil
	case CoderFixedRice:
		return decodeFixedRice(p, c.depth, dst), nil
	case CoderLPC:
		return decodeLPC(p, c.depth, dst, &sc.rice.lpc), nil
	case CoderCascade:
		return decodeCascade(p, c.depth, dst, &sc.rice.csc), nil
	case CoderModel:
		if c.m == nil {
			return false, nil // a stream without a model has no model frames
		}
		return c.decodeModel(p, frame, ch, dst, sc)
	}
	return false, nil
}

// parallel runs job(i, worker) for i in 0..n-1 on up to workers goroutines;
// each worker index has its own scratch.
func parallel(n, workers int, job func(i, w int)) {
	workers = min(workers, n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			job(i, 0)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				job(i, w)
			}
		}()
	}
	wg.Wait()
}

// pcmBytes appends samples lo..hi-1 of every channel, interleaved, each in
// bytesPerSample little-endian bytes: the bytes the checksums cover.
func pcmBytes(dst []byte, chans [][]int32, lo, hi, depth int) []byte {
	bps := bytesPerSample(depth)
	for i := lo; i < hi; i++ {
		for _, x := range chans {
			v := uint32(x[i])
			switch bps {
			case 1:
				dst = append(dst, byte(v))
			case 2:
				dst = binary.LittleEndian.AppendUint16(dst, uint16(v))
			case 3:
				dst = append(dst, byte(v), byte(v>>8), byte(v>>16))
			default:
				dst = binary.LittleEndian.AppendUint32(dst, v)
			}
		}
	}
	return dst
}

func crcOf(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }
