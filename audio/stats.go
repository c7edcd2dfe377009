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
		var sum, sq float64
		for _, v := range ch {
			s.Min = min(s.Min, v)
			s.Max = max(s.Max, v)
			f := float64(v)
			sum += f
			sq += f * f
			if v == lo || v == hi {
				s.Clipped++
			}
		}
		n := float64(len(ch))
		peak := math.Max(math.Abs(float64(s.Min)), math.Abs(float64(s.Max)))
		s.PeakDBFS = dB(peak / fs)
		s.RMSDBFS = dB(math.Sqrt(sq/n) / fs)
		s.DCOffset = sum / n / fs
	}
	return out
}

// dB is 20 log10(x), -Inf for 0.
func dB(x float64) float64 {
	if x <= 0 {
		return math.Inf(-1)
	}
	return 20 * math.Log10(x)
}
