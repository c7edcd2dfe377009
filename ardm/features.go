package ardm

import "math"

// NumFeatures is the number of input channels per position.
const NumFeatures = 6

// LevelHalfWindow is the half width, in samples, of the window over which
// the local level g is measured from the coarse signal.
const LevelHalfWindow = 320

// Features writes the network input for one frame (or training crop) at
// stage s (1-based) into dst[i*NumFeatures : (i+1)*NumFeatures].
//
// values[i] is the unsigned 16-bit value the decoder knows at position i:
// x^(s) where mask[i] (revealed in this stage), x^(s-1) elsewhere. Only
// exact integer arithmetic, IEEE division and math.Sqrt are used, so the
// result is bit-identical on every machine; training and inference both call
// this one function.
//
// With k_i the number of known top bits at i (s*log2 b where revealed,
// (s-1)*log2 b elsewhere), W_i = 2^(16-k_i) and a_i = values[i] + W_i/2 -
// 32768 (the middle of the known bin, centred), and g_i the RMS over
// [i-LevelHalfWindow, i+LevelHalfWindow] of the stage's coarse signal
// (x^(s-1) mid-bin, centred; mask independent) floored at W_(s-1)/2:
//
//	f0 = a_i / g_i, clipped to [-32, 32]   amplitude-normalised value
//	f1 = mask[i]                           revealed in this stage
//	f2 = log2(W_i) / 16                    unknown bits left at i
//	f3 = (g_i / 32768)^(1/4)               local level
//	f4 = sqrt(W_i / (2 g_i))               unknown range relative to level
//	f5 = sign(a_i) sqrt(|a_i| / 32768)     companded absolute value
func Features(cfg Config, stage int, values []uint16, mask []bool, dst []float32) {
	n := len(values)
	if len(mask) != n || len(dst) != n*NumFeatures {
		panic("ardm: Features: length mismatch")
	}
	g, a := make([]float64, n), make([]float64, n)
	wFine, wCoarse := Levels(cfg, stage, values, mask, g, a)
	for i := range values {
		w, m := wCoarse, float32(0)
		if mask[i] {
			w, m = wFine, 1
		}
		f0 := a[i] / g[i]
		if f0 > 32 {
			f0 = 32
		} else if f0 < -32 {
			f0 = -32
		}
		f5 := math.Sqrt(math.Abs(a[i]) / 32768)
		if a[i] < 0 {
			f5 = -f5
		}
		d := dst[i*NumFeatures : (i+1)*NumFeatures]
		d[0] = float32(f0)
		d[1] = m
		d[2] = float32(float64(log2(w)) / 16)
		d[3] = float32(math.Sqrt(math.Sqrt(g[i] / 32768)))
		d[4] = float32(math.Sqrt(float64(w) / (2 * g[i])))
		d[5] = float32(f5)
	}
}

func log2(w int64) int {
	k := 0
	for w > 1 {
		w >>= 1
		k++
	}
	return k
}

// Embedding writes the revealed-fraction embedding for t of n positions
// revealed into dst (len cfg.EmbedDim). It uses triangle waves instead of
// sines so that it is exact on every machine: with f = t/n,
// dst[2j] = tri(f*2^j), dst[2j+1] = tri(f*2^j + 1/4), tri(x) = 4|frac(x)-1/2|-1.
func Embedding(cfg Config, t, n int, dst []float32) {
	if len(dst) != cfg.EmbedDim {
		panic("ardm: Embedding: length mismatch")
	}
	f := float64(t) / float64(n)
	scale := 1.0
	for j := 0; j < cfg.EmbedDim/2; j++ {
		x := f * scale
		dst[2*j] = float32(tri(x))
		dst[2*j+1] = float32(tri(x + 0.25))
		scale *= 2
	}
}

func tri(x float64) float64 {
	fr := x - math.Floor(x)
	return 4*math.Abs(fr-0.5) - 1
}
