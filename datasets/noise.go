package datasets

import (
	"math"
	"math/rand/v2"
)

// addWhiteNoise adds Gaussian white noise of RMS level rms to x.
func addWhiteNoise(x []float64, rng *rand.Rand, rms float64) {
	for i := range x {
		x[i] += rms * rng.NormFloat64()
	}
}

// addColouredNoise adds low-frequency noise of RMS level rms to x: white
// noise through two one-pole low-pass filters at fc Hz (a -12 dB/octave
// rumble above fc, like room and handling noise), scaled to rms over x.
func addColouredNoise(x []float64, rng *rand.Rand, rms, fc, rate float64) {
	if len(x) == 0 || rms == 0 {
		return
	}
	a := math.Exp(-2 * math.Pi * fc / rate)
	// Run the filters for a few time constants first so the noise starts
	// in its steady state.
	warm := int(8 * rate / (2 * math.Pi * fc))
	n := make([]float64, len(x))
	var s1, s2 float64
	for i := -warm; i < len(x); i++ {
		s1 = a*s1 + (1-a)*rng.NormFloat64()
		s2 = a*s2 + (1-a)*s1
		if i >= 0 {
			n[i] = s2
		}
	}
	// Remove the mean so the coloured noise adds no DC of its own.
	mean := 0.0
	for _, v := range n {
		mean += v
	}
	mean /= float64(len(n))
	e := 0.0
	for i := range n {
		n[i] -= mean
		e += n[i] * n[i]
	}
	if e == 0 {
		return
	}
	g := rms / math.Sqrt(e/float64(len(n)))
	for i := range x {
		x[i] += g * n[i]
	}
}

// addHum adds mains hum: harmonics h = 1..len(amps) of f0 Hz with peak
// amplitudes amps[h-1] and phases phases[h-1] (radians).
func addHum(x []float64, f0, rate float64, amps, phases []float64) {
	if len(amps) != len(phases) {
		panic("datasets: addHum: amps and phases differ in length")
	}
	for h, amp := range amps {
		if amp == 0 {
			continue
		}
		w := 2 * math.Pi * f0 * float64(h+1) / rate
		for i := range x {
			x[i] += amp * math.Sin(w*float64(i)+phases[h])
		}
	}
}

// quantize16 rounds x (full scale 1.0 = 32768) to 16-bit samples, clipping
// to -32768..32767 without dither. It returns the samples and how many
// were clipped.
func quantize16(x []float64) ([]int32, int) {
	out := make([]int32, len(x))
	clipped := 0
	for i, v := range x {
		r := math.Round(v * 32768)
		switch {
		case r > 32767:
			r = 32767
			clipped++
		case r < -32768:
			r = -32768
			clipped++
		}
		out[i] = int32(r)
	}
	return out, clipped
}

// addAmbientNoise adds broadband background noise (fans, traffic, a room)
// of RMS level rms: white noise through a low-pass at fc Hz and a gentle
// high-pass at 100 Hz, scaled to rms over x.
func addAmbientNoise(x []float64, rng *rand.Rand, rms, fc, rate float64) {
	if len(x) == 0 || rms == 0 {
		return
	}
	n := make([]float64, len(x))
	for i := range n {
		n[i] = rng.NormFloat64()
	}
	lowPass(rate, fc, 0.6).apply(n)
	highPass(rate, 100, 0.6).apply(n)
	e := 0.0
	for _, v := range n {
		e += v * v
	}
	g := rms / math.Sqrt(e/float64(len(n)))
	for i := range x {
		x[i] += g * n[i]
	}
}
