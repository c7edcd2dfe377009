package audio

import (
	"math"
	"time"
)

// Duration is the length of p in time.
func (p *PCM) Duration() time.Duration {
	if p.SampleRate <= 0 {
		return 0
	}
	return time.Duration(float64(p.Frames()) / float64(p.SampleRate) * float64(time.Second))
}

// ChannelStats are level measurements of one channel. Levels are relative
// to full scale 2^(depth-1): a full-scale square wave has peak and RMS of
// 0 dBFS, a full-scale sine an RMS of -3.01 dBFS. Silence gives -Inf dB.
type ChannelStats struct {
	Min, Max int32
	// PeakDBFS is 20 log10(max |sample| / full scale).
	PeakDBFS float64
	// RMSDBFS is 20 log10(root mean square / full scale).
	RMSDBFS float64
	// DCOffset is the mean sample as a fraction of full scale.
	DCOffset float64
	// Clipped counts samples at the most negative or most positive value.
	Clipped int
}

// Stats measures each channel of p.
func Stats(p *PCM) []ChannelStats {
	lo, hi := sampleRange(p.BitDepth)
	fs := float64(int64(1) << uint(max(p.BitDepth, 1)-1))
	out := make([]ChannelStats, len(p.Data))
	for c, ch := range p.Data {
		s := &out[c]
		if len(ch) == 0 {
			s.PeakDBFS, s.RMSDBFS = math.Inf(-1), math.Inf(-1)
			continue
		}
		s.Min, s.Max = ch[0], ch[0]
		var sum float64
		for _, v := range ch {
			s.Min = min(s.Min, v)
			s.Max = max(s.Max, v)
			sum += float64(v)
			if v == lo || v == hi {
				s.Clipped++
			}
		}
		s.PeakDBFS, s.RMSDBFS = Levels(ch, p.BitDepth)
		s.DCOffset = sum / float64(len(ch)) / fs
	}
	return out
}

// Levels returns the peak and RMS level of the samples x, signed at bit
// depth depth, in dBFS: relative to full scale 2^(depth-1), so that a
// full-scale square wave is 0 dBFS for both and a full-scale sine has an
// RMS of -3.01 dBFS. Silence (or no samples) gives -Inf for both.
func Levels[S int16 | int32](x []S, depth int) (peakDBFS, rmsDBFS float64) {
	if len(x) == 0 {
		return math.Inf(-1), math.Inf(-1)
	}
	fs := float64(int64(1) << uint(max(depth, 1)-1))
	var peak, sq float64
	for _, v := range x {
		f := float64(v)
		peak = max(peak, math.Abs(f))
		sq += f * f
	}
	return dB(peak / fs), dB(math.Sqrt(sq/float64(len(x))) / fs)
}

// dB is 20 log10(x), -Inf for 0.
func dB(x float64) float64 {
	if x <= 0 {
		return math.Inf(-1)
	}
	return 20 * math.Log10(x)
}
