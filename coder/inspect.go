package coder

import "io"

// FrameInfo describes one frame record.
type FrameInfo struct {
	Index   int64  `json:"index"`
	Offset  int64  `json:"offset"`
	Samples int    `json:"samples"` // per channel
	Coders  []Kind `json:"coders"`  // per channel
	Bytes   []int  `json:"bytes"`   // payload bytes per channel
}

// StreamInfo is what Inspect finds.
type StreamInfo struct {
	Header  Header      `json:"header"`
	Frames  []FrameInfo `json:"frames"`
	Samples int64       `json:"samples"` // per channel, from the end record
	Size    int64       `json:"size"`    // stream bytes
	MD5     [16]byte    `json:"-"`
}

// Inspect walks a stream's records without decoding them (no model needed)
// and checks their CRCs and lengths.
func Inspect(r io.Reader) (*StreamInfo, error) {
	cr := &countingReader{r: r}
	h, err := ReadHeader(cr)
	if err != nil {
		return nil, err
	}
	sc := recordScanner{r: cr, h: h}
	info := &StreamInfo{Header: *h}
	for {
		rf, err := sc.next()
		if err != nil {
			return info, err
		}
		if rf == nil {
			break
		}
		info.Frames = append(info.Frames, FrameInfo{Index: rf.index, Offset: rf.off, Samples: rf.head.n,
			Coders: append([]Kind(nil), rf.head.kinds...), Bytes: append([]int(nil), rf.head.sizes...)})
	}
	info.Samples, info.Size, info.MD5 = sc.n, cr.off, sc.md5
	return info, nil
}
