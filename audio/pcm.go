package audio

// Format describes integer PCM.
type Format struct {
	SampleRate int `json:"sample_rate"`
	BitDepth   int `json:"bit_depth"` // 8, 16, 24 or 32
	Channels   int `json:"channels"`
}

// PCM is integer audio held per channel. Samples are signed at their
// BitDepth (8-bit WAV data, unsigned on disk, is shifted to -128..127 when
// read and back when written). Data[c][i] is sample i of channel c; every
// channel has the same length.
type PCM struct {
	Format
	Data [][]int32
}

// Frames is the number of samples per channel.
func (p *PCM) Frames() int {
	if len(p.Data) == 0 {
		return 0
	}
	return len(p.Data[0])
}

// Equal reports whether p and q have the same format and every sample equal.
func (p *PCM) Equal(q *PCM) bool {
	if p.Format != q.Format || len(p.Data) != len(q.Data) {
		return false
	}
	for c := range p.Data {
		if len(p.Data[c]) != len(q.Data[c]) {
			return false
		}
		for i, v := range p.Data[c] {
			if v != q.Data[c][i] {
				return false
			}
		}
	}
	return true
}
