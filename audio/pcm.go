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
	_, _, differ := FirstDiff(p, q)
	return p.Format == q.Format && !differ
}

// FirstDiff finds the first sample at which the data of a and b differ,
// channel by channel: channel ch, frame i. A channel that only one of them
// has differs at frame 0, and a channel that is shorter in one of them
// differs at that length (so an index may be out of range for one side:
// check the lengths before reading the samples). Formats are not compared.
// differ is false when all the data is equal.
func FirstDiff(a, b *PCM) (ch, i int, differ bool) {
	for c := range max(len(a.Data), len(b.Data)) {
		if c >= len(a.Data) || c >= len(b.Data) {
			return c, 0, true
		}
		x, y := a.Data[c], b.Data[c]
		for i := range min(len(x), len(y)) {
			if x[i] != y[i] {
				return c, i, true
			}
		}
		if len(x) != len(y) {
			return c, min(len(x), len(y)), true
		}
	}
	return 0, 0, false
}
