package coder

// The cascade fallback coder: the backward-adaptive predictor of
// cascade.go with its residuals coded by the lpc coder's adaptive model
// (lpcmodel.go; its contexts as the variant says), in one rANS stream. The payload is the wasted bits, the
// index of the predictor's settings in cascadeVariants and the residuals;
// the format is in doc.go.

// cascadeVariants are the predictor settings a stream can name (3 bits).
// Appending is compatible; changing an entry changes how old streams
// decode, so never edit one.
var cascadeVariants = []cascadeParams{
	// 0: OLS of order 32, forgetting factor 0.994 (a memory of about 170
	// samples), solved every 8 samples, residual contexts of 8 octaves:
	// the best single setting on the dev speech (EXPERIMENTS.md).
	{olsOrder: 32, olsLambda: 0.994, olsReg: 1e-7, olsEvery: 8, resShift: 3},
}

const cascadeVariantBits = 3

// cascadeScratch holds one worker's buffers of the cascade coder.
type cascadeScratch struct {
	pred  cascade
	sink  symSink
	model resModel
	enc   ransEncoder
	dec   ransDecoder
}

// encodeCascade codes x (depth-bit samples) with the cascade coder and
// settings variant and appends the payload to dst.
func encodeCascade(dst []byte, x []int32, depth, variant int, sc *cascadeScratch) []byte {
	w := wastedBits(x, depth)
	lo, hi := sampleRange(depth, w)
	s := &sc.sink
	s.reset(false)
	s.raw(uint64(w), 5)
	s.raw(uint64(variant), cascadeVariantBits)
	c, m := &sc.pred, &sc.model
	c.init(&cascadeVariants[variant])
	m.reset(c.p.resShift)
	for _, v := range x {
		y := int64(v >> uint(w))
		p := c.predict(lo, hi)
		s.residual(m, y-p)
		c.update(y)
	}
	return s.appendTo(dst, &sc.enc)
}

// decodeCascade decodes a payload of encodeCascade into dst; false means
// corrupt.
func decodeCascade(p []byte, depth int, dst []int32, sc *cascadeScratch) bool {
	d := &sc.dec
	if !d.init(p) {
		return false
	}
	w := int(decRaw(d, 5))
	variant := int(decRaw(d, cascadeVariantBits))
	if d.bad || w >= depth || variant >= len(cascadeVariants) {
		return false
	}
	lo, hi := sampleRange(depth, w)
	maxClass := depth - w
	c, m := &sc.pred, &sc.model
	c.init(&cascadeVariants[variant])
	m.reset(c.p.resShift)
	for i := range dst {
		p := c.predict(lo, hi)
		e, ok := decResidual(d, m, maxClass)
		y := p + e
		if !ok || y < lo || y > hi {
			return false
		}
		c.update(y)
		dst[i] = int32(y << uint(w))
		if d.bad {
			return false
		}
	}
	return d.done()
}
