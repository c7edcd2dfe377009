package datasets

import (
	"fmt"
	"math"
)

// Resampler converts a signal between two sample rates with a polyphase
// windowed-sinc filter (Kaiser window). The cutoff sits below the Nyquist
// frequency of the lower of the two rates, so downsampling does not alias
// and upsampling does not image: the passband is flat to ResamplePassband
// of that Nyquist frequency and everything at or above it is attenuated by
// at least ResampleStopbandDB.
//
// Output sample k is the band-limited interpolation of the input at time
// k*from/to input samples (no delay); samples outside the input count as
// zero. A Resampler is safe for concurrent use.
type Resampler struct {
	from, to int
	up, down int         // to/from reduced: up/down
	half     int         // taps on each side of the interpolation point
	coef     [][]float64 // coef[p] for fractional position p/up, 2*half taps
}

// Filter design constants of NewResampler.
const (
	ResamplePassband   = 0.9 // passband edge, fraction of the lower Nyquist frequency
	ResampleStopbandDB = 90  // minimum stopband attenuation in dB
)

// NewResampler designs a resampler from one positive integer rate to
// another.
func NewResampler(from, to int) (*Resampler, error) {
	if from <= 0 || to <= 0 {
		return nil, fmt.Errorf("datasets: resample %d Hz to %d Hz: rates must be positive", from, to)
	}
	g := gcd(from, to)
	r := &Resampler{from: from, to: to, up: to / g, down: from / g}
	if r.up == r.down {
		return r, nil
	}
	if r.up > 1<<16 {
		return nil, fmt.Errorf("datasets: resample %d Hz to %d Hz: rate ratio %d/%d needs too many filter phases", from, to, r.up, r.down)
	}
	// Everything in units of the input rate (cycles per input sample).
	nyq := 0.5 * float64(min(from, to)) / float64(from)
	pass := ResamplePassband * nyq
	width := nyq - pass
	cut := 0.5 * (pass + nyq)
	a := float64(ResampleStopbandDB)
	beta := 0.1102 * (a - 8.7)
	// Kaiser's estimate of the filter length for this attenuation and
	// transition width, in input samples.
	n := (a - 7.95) / (2.285 * 2 * math.Pi * width)
	r.half = int(math.Ceil(n/2)) + 1
	i0b := besselI0(beta)
	r.coef = make([][]float64, r.up)
	for p := range r.up {
		frac := float64(p) / float64(r.up)
		c := make([]float64, 2*r.half)
		sum := 0.0
		for j := range c {
			// Tap j multiplies input sample n0 + j - half + 1, at distance
			// tau = frac - (j - half + 1) from the interpolation point.
			tau := frac - float64(j-r.half+1)
			u := tau / float64(r.half)
			if u <= -1 || u >= 1 {
				continue
			}
			w := besselI0(beta*math.Sqrt(1-u*u)) / i0b
			c[j] = 2 * cut * sinc(2*cut*tau) * w
			sum += c[j]
		}
		// Unit gain at DC for every phase removes phase-dependent ripple.
		for j := range c {
			c[j] /= sum
		}
		r.coef[p] = c
	}
	return r, nil
}

// OutLen is the number of output samples for n input samples:
// ceil(n*to/from).
func (r *Resampler) OutLen(n int) int {
	return int((int64(n)*int64(r.up) + int64(r.down) - 1) / int64(r.down))
}

// Resample returns x converted to the output rate (OutLen(len(x)) samples).
func (r *Resampler) Resample(x []float64) []float64 {
	out := make([]float64, r.OutLen(len(x)))
	if r.up == r.down {
		copy(out, x)
		return out
	}
	for k := range out {
		pos := int64(k) * int64(r.down)
		n0 := int(pos / int64(r.up))
		c := r.coef[pos%int64(r.up)]
		start := n0 - r.half + 1
		lo, hi := 0, len(c)
		if start < 0 {
			lo = -start
		}
		if start+hi > len(x) {
			hi = len(x) - start
		}
		s := 0.0
		for j := lo; j < hi; j++ {
			s += c[j] * x[start+j]
		}
		out[k] = s
	}
	return out
}

// Resample converts x from one sample rate to another with a Resampler.
func Resample(x []float64, from, to int) ([]float64, error) {
	r, err := NewResampler(from, to)
	if err != nil {
		return nil, err
	}
	return r.Resample(x), nil
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// besselI0 is the modified Bessel function of the first kind, order 0, by
// its power series (converges quickly for the arguments a Kaiser window
// uses).
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	q := x * x / 4
	for k := 1; k < 500; k++ {
		term *= q / float64(k*k)
		sum += term
		if term < sum*1e-17 {
			break
		}
	}
	return sum
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
