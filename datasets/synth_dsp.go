package datasets

import (
	"math"
	"math/rand/v2"
)

// biquad is a second-order IIR section (Direct Form I), with coefficients
// from R. Bristow-Johnson's "Audio EQ cookbook", normalised so a0 = 1.
type biquad struct {
	b0, b1, b2, a1, a2 float64
}

func newBiquad(b0, b1, b2, a0, a1, a2 float64) biquad {
	return biquad{b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0}
}

// lowPass is a cookbook low-pass at f0 Hz with quality q.
func lowPass(rate, f0, q float64) biquad {
	w := 2 * math.Pi * f0 / rate
	cw, alpha := math.Cos(w), math.Sin(w)/(2*q)
	return newBiquad((1-cw)/2, 1-cw, (1-cw)/2, 1+alpha, -2*cw, 1-alpha)
}

// highPass is a cookbook high-pass at f0 Hz with quality q.
func highPass(rate, f0, q float64) biquad {
	w := 2 * math.Pi * f0 / rate
	cw, alpha := math.Cos(w), math.Sin(w)/(2*q)
	return newBiquad((1+cw)/2, -(1 + cw), (1+cw)/2, 1+alpha, -2*cw, 1-alpha)
}

// highShelf is a cookbook high shelf at f0 Hz with gain dB above it
// (shelf slope 1).
func highShelf(rate, f0, gainDB float64) biquad {
	a := math.Pow(10, gainDB/40)
	w := 2 * math.Pi * f0 / rate
	cw := math.Cos(w)
	alpha := math.Sin(w) / 2 * math.Sqrt2 // S = 1
	sa := 2 * math.Sqrt(a) * alpha
	return newBiquad(
		a*((a+1)+(a-1)*cw+sa),
		-2*a*((a-1)+(a+1)*cw),
		a*((a+1)+(a-1)*cw-sa),
		(a+1)-(a-1)*cw+sa,
		2*((a-1)-(a+1)*cw),
		(a+1)-(a-1)*cw-sa,
	)
}

// apply filters x in place from a zero state.
func (f biquad) apply(x []float64) {
	var x1, x2, y1, y2 float64
	for i, v := range x {
		y := f.b0*v + f.b1*x1 + f.b2*x2 - f.a1*y1 - f.a2*y2
		x2, x1 = x1, v
		y2, y1 = y1, y
		x[i] = y
	}
}

// response is the filter's magnitude response in dB at f Hz.
func (f biquad) response(rate, freq float64) float64 {
	w := 2 * math.Pi * freq / rate
	// H(e^jw) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2)
	c1, s1 := math.Cos(w), math.Sin(w)
	c2, s2 := math.Cos(2*w), math.Sin(2*w)
	nr, ni := f.b0+f.b1*c1+f.b2*c2, -f.b1*s1-f.b2*s2
	dr, di := 1+f.a1*c1+f.a2*c2, -f.a1*s1-f.a2*s2
	return 10 * math.Log10((nr*nr+ni*ni)/(dr*dr+di*di))
}

// trimSilence returns the part of x between the first and last sample
// louder than thresholdDB relative to its peak, widened by margin samples
// on each side and faded in and out over fade samples (raised cosine).
// A silent x gives an empty slice.
func trimSilence(x []float64, thresholdDB float64, margin, fade int) []float64 {
	peak := 0.0
	for _, v := range x {
		peak = max(peak, math.Abs(v))
	}
	if peak == 0 {
		return nil
	}
	thr := peak * math.Pow(10, thresholdDB/20)
	first, last := -1, -1
	for i, v := range x {
		if math.Abs(v) >= thr {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	lo, hi := max(0, first-margin), min(len(x), last+1+margin)
	y := append([]float64(nil), x[lo:hi]...)
	fadeEdges(y, fade)
	return y
}

// fadeEdges applies a raised-cosine fade-in and fade-out of n samples.
func fadeEdges(y []float64, n int) {
	n = min(n, len(y)/2)
	for i := range n {
		g := 0.5 - 0.5*math.Cos(math.Pi*(float64(i)+0.5)/float64(n))
		y[i] *= g
		y[len(y)-1-i] *= g
	}
}

// peakAbs is the largest magnitude in x.
func peakAbs(x []float64) float64 {
	p := 0.0
	for _, v := range x {
		p = max(p, math.Abs(v))
	}
	return p
}

// dbfs converts a level relative to full scale (1.0) to dBFS.
func dbfs(v float64) float64 { return 20 * math.Log10(v) }

// fromDBFS converts dBFS to a level relative to full scale.
func fromDBFS(db float64) float64 { return math.Pow(10, db/20) }

// room is a sparse room response: early reflections and a decaying
// diffuse tail, as delays (samples) and gains relative to the direct
// sound (gain 1 at delay 0, not stored).
type room struct {
	delay []int
	gain  []float64
}

// newRoom draws a room with reverberation time rt60 seconds and a wet
// level wetDB (energy of the reflections relative to the direct sound).
func newRoom(r *rand.Rand, rate, rt60, wetDB float64) room {
	const early, tail = 8, 160
	var rm room
	// Early reflections: 2-30 ms.
	for range early {
		rm.delay = append(rm.delay, int((0.002+0.028*r.Float64())*rate))
		rm.gain = append(rm.gain, r.NormFloat64())
	}
	// Diffuse tail: random taps up to rt60, amplitude decaying 60 dB over rt60.
	for range tail {
		t := 0.01 + (rt60-0.01)*r.Float64()
		rm.delay = append(rm.delay, int(t*rate))
		rm.gain = append(rm.gain, r.NormFloat64()*math.Pow(10, -3*t/rt60))
	}
	e := 0.0
	for _, g := range rm.gain {
		e += g * g
	}
	s := math.Sqrt(math.Pow(10, wetDB/10) / e)
	for i := range rm.gain {
		rm.gain[i] *= s
	}
	return rm
}

// apply returns x convolved with the room response, truncated to len(x).
func (rm room) apply(x []float64) []float64 {
	y := append([]float64(nil), x...)
	for k, d := range rm.delay {
		g := rm.gain[k]
		for i := d; i < len(y); i++ {
			y[i] += g * x[i-d]
		}
	}
	return y
}
