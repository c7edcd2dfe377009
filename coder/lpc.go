package coder

import (
	"math"
	"math/bits"
)

// The lpc fallback coder: linear prediction with quantised coefficients
// per block (the frame split into 1, 2, 4, ... equal blocks) and the
// adaptive residual model of lpcmodel.go, all in one rANS stream. The
// payload format is in doc.go.
//
// Only the encoder uses floating point (windows, autocorrelation,
// Levinson-Durbin); it stores the integer coefficients, so the decoder is
// integer-only. The float code converts every product explicitly so no
// multiply-add is fused and the choices are the same on every machine.

const (
	maxLPCOrder     = 32
	maxLPCBlocksLog = 5   // up to 32 blocks per frame
	minLPCBlock     = 256 // the shortest block when a frame is split
	maxLPCPrec      = 16  // coefficient precision, bits with the sign
	lpcCostChunk    = 64  // residual cost estimate: mean |e| per chunk
)

// lpcBlock is the predictor of one block: order coefficients q of prec
// bits; the prediction of y[i] is sum_j q[j]*y[i-1-j] >> shift.
type lpcBlock struct {
	order, prec, shift int
	q                  [maxLPCOrder]int32
}

// lpcScratch holds one worker's buffers of the lpc coder.
type lpcScratch struct {
	y      []int32
	f, wv  []float64
	wins   map[int][][]float64 // windows by block length
	cand   [1 << maxLPCBlocksLog]lpcBlock
	blocks [1 << maxLPCBlocksLog]lpcBlock
	sink   symSink
	model  resModel
	enc    ransEncoder
	dec    ransDecoder
}

// wastedBits is the number of low bits that are zero in every sample (at
// most depth-1).
func wastedBits(x []int32, depth int) int {
	var or int32
	for _, v := range x {
		or |= v
	}
	w := 0
	if or != 0 {
		w = bits.TrailingZeros32(uint32(or))
	}
	return min(w, depth-1)
}

// lpcPredict is the clamped prediction of y[i] by blk (i >= blk.order;
// below the order it is y[i-1], or 0 at i = 0).
func lpcPredict(y []int32, i int, blk *lpcBlock, lo, hi int64) int64 {
	if i < blk.order || blk.order == 0 {
		if i == 0 || blk.order == 0 {
			return 0
		}
		return int64(y[i-1])
	}
	var s int64
	h := y[i-blk.order : i]
	q := blk.q[:blk.order]
	for j, c := range q {
		s += int64(c) * int64(h[len(h)-1-j])
	}
	p := s >> uint(blk.shift)
	return min(max(p, lo), hi)
}

// sampleRange is the range of a depth-bit sample shifted right by w.
func sampleRange(depth, w int) (lo, hi int64) {
	d := uint(depth - w)
	return -(1 << (d - 1)), 1<<(d-1) - 1
}

// headerBits is the cost of a block's parameters in the stream.
func (b *lpcBlock) headerBits() uint64 {
	if b.order == 0 {
		return 6
	}
	return 6 + 4 + 5 + uint64(b.order*b.prec)
}

// encodeLPC codes x (depth-bit samples) with the lpc coder and appends the
// payload to dst.
func encodeLPC(dst []byte, x []int32, depth int, sc *lpcScratch) []byte {
	n := len(x)
	w := wastedBits(x, depth)
	lo, hi := sampleRange(depth, w)
	if cap(sc.y) < n {
		sc.y = make([]int32, n)
		sc.f = make([]float64, n)
		sc.wv = make([]float64, n)
	}
	y, f := sc.y[:n], sc.f[:n]
	for i, v := range x {
		y[i] = v >> uint(w)
		f[i] = float64(y[i])
	}
	// Choose the split and every block's predictor by the estimated cost.
	bestLB, bestCost := 0, uint64(math.MaxUint64)
	for lb := 0; lb <= maxLPCBlocksLog; lb++ {
		B := 1 << lb
		if lb > 0 && n/B < minLPCBlock {
			break
		}
		total := uint64(8) << 8
		for j := 0; j < B; j++ {
			a, b := j*n/B, (j+1)*n/B
			cost := sc.analyse(y, f, a, b, lo, hi, &sc.cand[j])
			total += cost
		}
		if total < bestCost {
			bestLB, bestCost = lb, total
			copy(sc.blocks[:B], sc.cand[:B])
		}
	}
	return sc.encode(dst, y, w, bestLB, lo, hi)
}

// encode codes y with the blocks chosen and appends the rANS payload.
func (sc *lpcScratch) encode(dst []byte, y []int32, w, lb int, lo, hi int64) []byte {
	n := len(y)
	s := &sc.sink
	s.reset(false)
	s.raw(uint64(w), 5)
	s.raw(uint64(lb), 3)
	B := 1 << lb
	for j := 0; j < B; j++ {
		blk := &sc.blocks[j]
		s.raw(uint64(blk.order), 6)
		if blk.order == 0 {
			continue
		}
		s.raw(uint64(blk.prec-1), 4)
		s.raw(uint64(blk.shift), 5)
		for _, c := range blk.q[:blk.order] {
			s.raw(uint64(c), uint(blk.prec))
		}
	}
	m := &sc.model
	m.reset(0)
	for j := 0; j < B; j++ {
		blk := &sc.blocks[j]
		for i := j * n / B; i < (j+1)*n/B; i++ {
			s.residual(m, int64(y[i])-lpcPredict(y, i, blk, lo, hi))
		}
	}
	return s.appendTo(dst, &sc.enc)
}

// decodeLPC decodes a payload of encodeLPC into dst; false means corrupt.
func decodeLPC(p []byte, depth int, dst []int32, sc *lpcScratch) bool {
	n := len(dst)
	d := &sc.dec
	if !d.init(p) {
		return false
	}
	w := int(decRaw(d, 5))
	lb := int(decRaw(d, 3))
	if w >= depth || lb > maxLPCBlocksLog || 1<<lb > n {
		return false
	}
	B := 1 << lb
	for j := 0; j < B; j++ {
		blk := &sc.blocks[j]
		blk.order = int(decRaw(d, 6))
		if blk.order > maxLPCOrder {
			return false
		}
		if blk.order == 0 {
			continue
		}
		blk.prec = int(decRaw(d, 4)) + 1
		blk.shift = int(decRaw(d, 5))
		sh := uint(64 - blk.prec)
		for k := range blk.q[:blk.order] {
			blk.q[k] = int32(int64(decRaw(d, uint(blk.prec))<<sh) >> sh)
		}
	}
	if d.bad {
		return false
	}
	if cap(sc.y) < n {
		sc.y = make([]int32, n)
	}
	y := sc.y[:n]
	lo, hi := sampleRange(depth, w)
	maxClass := depth - w
	m := &sc.model
	m.reset(0)
	for j := 0; j < B; j++ {
		blk := &sc.blocks[j]
		for i := j * n / B; i < (j+1)*n/B; i++ {
			e, ok := decResidual(d, m, maxClass)
			v := lpcPredict(y, i, blk, lo, hi) + e
			if !ok || v < lo || v > hi {
				return false
			}
			y[i] = int32(v)
			dst[i] = int32(v << uint(w))
		}
		if d.bad {
			return false
		}
	}
	return d.done()
}

// analyse picks the predictor of block [a, b) of y (f is y as float64)
// and returns its estimated cost in 2^-8 bits.
func (sc *lpcScratch) analyse(y []int32, f []float64, a, b int, lo, hi int64, out *lpcBlock) uint64 {
	L := b - a
	maxOrd := min(maxLPCOrder, L-1)
	out.order = 0
	best := blockCost(y, a, b, out, lo, hi) + out.headerBits()<<8
	if maxOrd < 1 {
		return best
	}
	var r [maxLPCOrder + 1]float64
	var lpc [maxLPCOrder][maxLPCOrder]float64
	var errs [maxLPCOrder + 1]float64
	var cand lpcBlock
	for _, win := range sc.windows(L) {
		wv := sc.wv[:L]
		for k := range wv {
			wv[k] = float64(f[a+k] * win[k])
		}
		autocorr(wv, r[:maxOrd+1])
		if !(r[0] > 0) {
			continue
		}
		top := levinson(r[:maxOrd+1], &lpc, errs[:])
		if top == 0 {
			continue
		}
		// The order by the estimate of FLAC's -e-less mode: L/2*log2(err)
		// + order*precision bits.
		const prec = 15
		ord, bestEst := 1, math.Inf(1)
		for o := 1; o <= top; o++ {
			est := float64(0.5*float64(L)*math.Log2(math.Max(errs[o], 1e-30))) + float64(o*prec)
			if est < bestEst {
				ord, bestEst = o, est
			}
		}
		cand.order, cand.prec = ord, prec
		cand.shift = quantizeLPC(lpc[ord-1][:ord], prec, cand.q[:ord])
		if c := blockCost(y, a, b, &cand, lo, hi) + cand.headerBits()<<8; c < best {
			best, *out = c, cand
		}
	}
	// Precision.
	if out.order > 0 {
		for _, prec := range [...]int{8, 11} {
			cand = *out
			cand.prec = prec
			// Round the chosen integer coefficients to fewer bits.
			reducePrecision(&cand, prec)
			if c := blockCost(y, a, b, &cand, lo, hi) + cand.headerBits()<<8; c < best {
				best, *out = c, cand
			}
		}
	}
	return best
}

// reducePrecision rounds blk's coefficients to prec bits by lowering the
// shift.
func reducePrecision(blk *lpcBlock, prec int) {
	var m int32
	for _, c := range blk.q[:blk.order] {
		m = max(m, c, -c-1)
	}
	need := bits.Len32(uint32(m)) + 1 // bits with the sign
	drop := max(need-prec, 0)
	drop = min(drop, blk.shift)
	for k, c := range blk.q[:blk.order] {
		if drop > 0 {
			c = (c + 1<<(drop-1)) >> uint(drop)
		}
		blk.q[k] = min(max(c, -(1<<(prec-1))), 1<<(prec-1)-1)
	}
	blk.shift -= drop
	blk.prec = prec
}

// blockCost estimates the bits (2^-8 units) of the residuals of y[a:b]
// under blk: per chunk of lpcCostChunk samples, log2(1 + mean |e|) each.
func blockCost(y []int32, a, b int, blk *lpcBlock, lo, hi int64) uint64 {
	var cost uint64
	for c := a; c < b; c += lpcCostChunk {
		end := min(c+lpcCostChunk, b)
		var s uint64
		for i := c; i < end; i++ {
			e := int64(y[i]) - lpcPredict(y, i, blk, lo, hi)
			if e < 0 {
				e = -e
			}
			s += uint64(e)
		}
		cnt := uint64(end - c)
		cost += cnt * uint64(log2Fix(s+cnt)-log2Fix(cnt)) >> 8
	}
	return cost
}

// windows returns the analysis windows of a block of L samples (cached):
// tukey(0.5) over the whole block.
func (sc *lpcScratch) windows(L int) [][]float64 {
	if w, ok := sc.wins[L]; ok {
		return w
	}
	if sc.wins == nil {
		sc.wins = make(map[int][][]float64)
	}
	ws := [][]float64{tukey(L, 0, L, 0.5)}
	sc.wins[L] = ws
	return ws
}

// tukey is a window of L samples that is zero outside [a, b) and a Tukey
// window with taper fraction p inside.
func tukey(L, a, b int, p float64) []float64 {
	w := make([]float64, L)
	n := b - a
	t := int(p / 2 * float64(n))
	for i := a; i < b; i++ {
		k := i - a
		switch {
		case t > 0 && k < t:
			w[i] = 0.5 - 0.5*math.Cos(math.Pi*float64(k)/float64(t))
		case t > 0 && k >= n-t:
			w[i] = 0.5 - 0.5*math.Cos(math.Pi*float64(n-1-k)/float64(t))
		default:
			w[i] = 1
		}
	}
	return w
}

// autocorr fills r[0..len(r)-1] with the autocorrelation of x.
func autocorr(x []float64, r []float64) {
	for lag := range r {
		var s float64
		for i := lag; i < len(x); i++ {
			s += float64(x[i] * x[i-lag])
		}
		r[lag] = s
	}
}

// levinson runs the Levinson-Durbin recursion on r: lpc[o-1][:o] is the
// predictor of order o (x[i] ~ sum_j lpc[o-1][j]*x[i-1-j]) and errs[o]
// its prediction error. It returns the highest order reached before the
// recursion became unstable.
func levinson(r []float64, lpc *[maxLPCOrder][maxLPCOrder]float64, errs []float64) int {
	p := len(r) - 1
	err := float64(r[0] * (1 + 1e-10))
	errs[0] = err
	var a [maxLPCOrder]float64
	for i := 0; i < p; i++ {
		acc := r[i+1]
		for j := 0; j < i; j++ {
			acc -= float64(a[j] * r[i-j])
		}
		k := acc / err
		if !(k > -1 && k < 1) {
			return i
		}
		var next [maxLPCOrder]float64
		for j := 0; j < i; j++ {
			next[j] = a[j] - float64(k*a[i-1-j])
		}
		next[i] = k
		a = next
		err = float64(err * float64(1-float64(k*k)))
		if !(err > 0) {
			return i
		}
		copy(lpc[i][:i+1], a[:i+1])
		errs[i+1] = err
	}
	return p
}

// quantizeLPC rounds the predictor c to prec-bit integers q (with error
// feedback, as FLAC does) and returns the shift: c[j] ~ q[j] / 2^shift.
func quantizeLPC(c []float64, prec int, q []int32) int {
	var cmax float64
	for _, v := range c {
		cmax = math.Max(cmax, math.Abs(v))
	}
	if !(cmax > 0) || math.IsInf(cmax, 0) {
		clear(q)
		return 0
	}
	_, exp := math.Frexp(cmax) // cmax < 2^exp
	shift := min(max(prec-1-exp, 0), 31)
	qmax := float64(int64(1)<<(prec-1) - 1)
	qmin := -float64(int64(1) << (prec - 1))
	scale := math.Ldexp(1, shift)
	var carry float64
	for j, v := range c {
		t := float64(v*scale) + carry
		r := math.Max(qmin, math.Min(qmax, math.RoundToEven(t)))
		carry = t - r
		q[j] = int32(r)
	}
	return shift
}
