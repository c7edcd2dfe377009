package coder

import "encoding/binary"

// The fallback coders need no model. Every payload format is described in
// doc.go.

// isConstant reports whether every sample of x equals x[0].
func isConstant(x []int32) bool {
	for _, v := range x[1:] {
		if v != x[0] {
			return false
		}
	}
	return true
}

func zigzag(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

func encodeConstant(dst []byte, v int32) []byte {
	return binary.AppendUvarint(dst, zigzag(int64(v)))
}

func decodeConstant(p []byte, depth int, dst []int32) bool {
	u, n := binary.Uvarint(p)
	if n <= 0 || n != len(p) {
		return false
	}
	v := unzigzag(u)
	if !inRange(v, depth) {
		return false
	}
	for i := range dst {
		dst[i] = int32(v)
	}
	return true
}

func inRange(v int64, depth int) bool {
	return v >= -(1<<(depth-1)) && v < 1<<(depth-1)
}

func bytesPerSample(depth int) int { return (depth + 7) / 8 }

// encodeVerbatim stores each sample in bytesPerSample little-endian bytes
// (two's complement).
func encodeVerbatim(dst []byte, x []int32, depth int) []byte {
	bps := bytesPerSample(depth)
	for _, v := range x {
		for k := 0; k < bps; k++ {
			dst = append(dst, byte(v>>(8*k)))
		}
	}
	return dst
}

func decodeVerbatim(p []byte, depth int, dst []int32) bool {
	bps := bytesPerSample(depth)
	if len(p) != bps*len(dst) {
		return false
	}
	shift := 32 - 8*bps
	for i := range dst {
		var v uint32
		for k := bps - 1; k >= 0; k-- {
			v = v<<8 | uint32(p[i*bps+k])
		}
		dst[i] = int32(v<<shift) >> shift // sign-extend
	}
	return true
}

const (
	maxFixedOrder     = 4
	maxPartitionOrder = 8
)

// fixedResidual is the residual of the order-o fixed polynomial predictor
// at i >= o.
func fixedResidual(x []int32, i, o int) int64 {
	switch o {
	case 0:
		return int64(x[i])
	case 1:
		return int64(x[i]) - int64(x[i-1])
	case 2:
		return int64(x[i]) - 2*int64(x[i-1]) + int64(x[i-2])
	case 3:
		return int64(x[i]) - 3*int64(x[i-1]) + 3*int64(x[i-2]) - int64(x[i-3])
	default:
		return int64(x[i]) - 4*int64(x[i-1]) + 6*int64(x[i-2]) - 4*int64(x[i-3]) + int64(x[i-4])
	}
}

// fixedPredict is the order-o prediction of x[i] from x[i-o..i-1].
func fixedPredict(x []int32, i, o int) int64 {
	switch o {
	case 0:
		return 0
	case 1:
		return int64(x[i-1])
	case 2:
		return 2*int64(x[i-1]) - int64(x[i-2])
	case 3:
		return 3*int64(x[i-1]) - 3*int64(x[i-2]) + int64(x[i-3])
	default:
		return 4*int64(x[i-1]) - 6*int64(x[i-2]) + 4*int64(x[i-3]) - int64(x[i-4])
	}
}

// riceScratch holds one worker's buffers of the fallback coders.
type riceScratch struct {
	u   []uint64
	sum []uint64
	bw  bitWriter
	lpc lpcScratch
	csc cascadeScratch
}

// encodeFixedRice codes x with the best fixed polynomial predictor (order
// 0..4, chosen by the sum of absolute residuals as FLAC does) and
// partitioned Rice codes. It appends the payload to dst.
func encodeFixedRice(dst []byte, x []int32, depth int, sc *riceScratch) []byte {
	n := len(x)
	wasted := wastedBits(x, depth)
	// Choose the order.
	maxO := min(maxFixedOrder, n-1)
	var cost [maxFixedOrder + 1]uint64
	for i := maxO; i < n; i++ {
		for o := 0; o <= maxO; o++ {
			e := fixedResidual(x, i, o) >> wasted
			if e < 0 {
				e = -e
			}
			cost[o] += uint64(e)
		}
	}
	order := 0
	for o := 1; o <= maxO; o++ {
		if cost[o] < cost[order] {
			order = o
		}
	}
	m := n - order
	if cap(sc.u) < m {
		sc.u = make([]uint64, m)
	}
	u := sc.u[:m]
	for i := order; i < n; i++ {
		u[i-order] = zigzag(fixedResidual(x, i, order) >> wasted)
	}
	// Partition sums at the finest order, then coarser by pairs.
	maxK := uint(depth + 5)
	pmax := 0
	for pmax < maxPartitionOrder && (m>>(pmax+1)) >= 16 {
		pmax++
	}
	P := 1 << pmax
	if cap(sc.sum) < P {
		sc.sum = make([]uint64, P)
	}
	sum := sc.sum[:P]
	for j := 0; j < P; j++ {
		lo, hi := j*m/P, (j+1)*m/P
		var s uint64
		for _, v := range u[lo:hi] {
			s += v
		}
		sum[j] = s
	}
	bestP, bestBits := 0, uint64(1<<63)
	for p := pmax; p >= 0; p-- {
		Pp := 1 << p
		var total uint64
		for j := 0; j < Pp; j++ {
			cnt := uint64((j+1)*m/Pp - j*m/Pp)
			_, b := riceParam(sumRange(sum, j, Pp), cnt, maxK)
			total += b + 6
		}
		if total < bestBits {
			bestP, bestBits = p, total
		}
	}
	bw := &sc.bw
	bw.buf, bw.acc, bw.nbits = dst, 0, 0
	bw.write(uint64(order), 3)
	bw.write(uint64(wasted), 5)
	w := uint(depth - wasted)
	for i := 0; i < order; i++ {
		bw.write(uint64(int64(x[i])>>wasted), w)
	}
	bw.write(uint64(bestP), 4)
	Pp := 1 << bestP
	for j := 0; j < Pp; j++ {
		lo, hi := j*m/Pp, (j+1)*m/Pp
		k, _ := riceParam(sumRange(sum, j, Pp), uint64(hi-lo), maxK)
		bw.write(uint64(k), 6)
		for _, v := range u[lo:hi] {
			bw.writeUnary(v >> k)
			bw.write(v, k)
		}
	}
	return bw.bytes()
}

// sumRange is the sum of partition j of Pp partitions, from the finest sums.
func sumRange(finest []uint64, j, Pp int) uint64 {
	step := len(finest) / Pp
	var s uint64
	for _, v := range finest[j*step : (j+1)*step] {
		s += v
	}
	return s
}

// riceParam picks the Rice parameter for cnt values summing to s, by the
// usual estimate of the code length cnt*(k+1) + s>>k, and returns it with
// that estimate.
func riceParam(s, cnt uint64, maxK uint) (uint, uint64) {
	bestK, best := uint(0), cnt+s
	for k := uint(1); k <= maxK; k++ {
		b := cnt*uint64(k+1) + s>>k
		if b < best {
			bestK, best = k, b
		}
	}
	return bestK, best
}

// decodeFixedRice decodes a payload of encodeFixedRice into dst.
func decodeFixedRice(p []byte, depth int, dst []int32) bool {
	r := bitReader{buf: p}
	n := len(dst)
	order := int(r.read(3))
	wasted := int(r.read(5))
	if order > maxFixedOrder || order > max(n-1, 0) || wasted >= depth {
		return false
	}
	w := uint(depth - wasted)
	shift := 64 - w
	for i := 0; i < order; i++ {
		v := int64(r.read(w)<<shift) >> shift
		dst[i] = int32(v << wasted)
	}
	pOrder := int(r.read(4))
	if pOrder > maxPartitionOrder {
		return false
	}
	m := n - order
	Pp := 1 << pOrder
	maxK := uint(depth + 5)
	limitU := uint64(1) << (depth + 6)
	i := order
	for j := 0; j < Pp; j++ {
		cnt := (j+1)*m/Pp - j*m/Pp
		k := uint(r.read(6))
		if k > maxK {
			return false
		}
		for c := 0; c < cnt; c++ {
			q := r.readUnary(limitU >> k)
			u := q<<k | r.read(k)
			if r.bad {
				return false
			}
			v := (unzigzag(u) << wasted) + fixedPredict(dst, i, order)
			if !inRange(v, depth) {
				return false
			}
			dst[i] = int32(v)
			i++
		}
	}
	return r.clean()
}
