package main

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/ardm-dev/ardm/coder"
)

// isArdmStream reports whether a file starting with magic is an .ardm
// stream (the dispatch of `ardm info`).
func isArdmStream(magic []byte) bool { return bytes.HasPrefix(magic, []byte(coder.Magic)) }

// ardmInfoResult is the --json record of an .ardm stream.
type ardmInfoResult struct {
	File          string                  `json:"file"`
	Type          string                  `json:"type"`
	Header        coder.Header            `json:"header"`
	ModelHash     string                  `json:"model_hash"` // empty: no model
	DurationS     float64                 `json:"duration_s"`
	Bytes         int64                   `json:"bytes,omitempty"`
	BitsPerSample float64                 `json:"bits_per_sample,omitempty"`
	Ratio         float64                 `json:"ratio,omitempty"`
	Coders        map[string]coderSummary `json:"coders,omitempty"`
	Frames        []coder.FrameInfo       `json:"frames,omitempty"`
}

type coderSummary struct {
	Frames        int64   `json:"frames"` // channel-frames
	Bytes         int64   `json:"bytes"`
	BitsPerSample float64 `json:"bits_per_sample"`
}

// ardmInfo describes an .ardm stream: the header, and unless --header-only
// the frames (coder and size per channel, checked against their record
// CRCs; no model is needed and nothing is decoded).
func ardmInfo(r io.Reader, name string, opts infoOptions, gopts globalOptions) (any, string, error) {
	res := &ardmInfoResult{File: name, Type: "ardm"}
	var info *coder.StreamInfo
	if opts.HeaderOnly {
		h, err := coder.ReadHeader(r)
		if err != nil {
			return nil, "", integrity(fmt.Errorf("%s: %w", name, err))
		}
		res.Header = *h
	} else {
		var err error
		info, err = coder.Inspect(r)
		if err != nil {
			return nil, "", integrity(fmt.Errorf("%s: %w", name, err))
		}
		res.Header = info.Header
	}
	h := &res.Header
	if h.HasModel() {
		res.ModelHash = hex.EncodeToString(h.ModelHash[:])
	}
	samples := h.Samples
	if info != nil {
		samples = info.Samples
	}
	res.DurationS = float64(samples) / float64(h.Format.SampleRate)
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ardm stream v%d, %d Hz, %d-bit, %d channel%s\n", name, h.Version, h.Format.SampleRate, h.Format.BitDepth, h.Format.Channels, plural(h.Format.Channels))
	if samples >= 0 {
		fmt.Fprintf(&b, "  samples:    %d per channel (%.3f s)\n", samples, res.DurationS)
	} else {
		fmt.Fprintf(&b, "  samples:    not in the header (written as a stream)\n")
	}
	if h.HasModel() {
		fmt.Fprintf(&b, "  model:      %s\n  coding:     branching %d, budget %d calls per frame, order seed %d\n", res.ModelHash, h.Branching, h.Budget, h.OrderSeed)
	} else {
		fmt.Fprintf(&b, "  model:      none (model-free coders only)\n")
	}
	fmt.Fprintf(&b, "  frame len:  %d samples\n", h.FrameLen)
	if info == nil {
		return res, b.String(), nil
	}
	res.Frames = info.Frames
	res.Bytes = info.Size
	ch := int64(h.Format.Channels)
	if info.Samples > 0 {
		res.BitsPerSample = 8 * float64(info.Size) / float64(info.Samples*ch)
		res.Ratio = float64(info.Samples*ch*int64((h.Format.BitDepth+7)/8)) / float64(info.Size)
	}
	var cs [coder.NumCoders]coderSummary
	var smp [coder.NumCoders]int64
	for _, fi := range info.Frames {
		for c, k := range fi.Coders {
			cs[k].Frames++
			cs[k].Bytes += int64(fi.Bytes[c])
			smp[k] += int64(fi.Samples)
		}
	}
	res.Coders = map[string]coderSummary{}
	fmt.Fprintf(&b, "  frames:     %d, %d bytes, %.3f bits/sample, ratio %.3f\n", len(info.Frames), info.Size, res.BitsPerSample, res.Ratio)
	for k := range cs {
		if cs[k].Frames == 0 {
			continue
		}
		cs[k].BitsPerSample = 8 * float64(cs[k].Bytes) / float64(smp[k])
		res.Coders[coder.Kind(k).String()] = cs[k]
		fmt.Fprintf(&b, "  %-11s %d channel-frames, %.3f bits/sample (payload)\n", coder.Kind(k).String()+":", cs[k].Frames, cs[k].BitsPerSample)
	}
	if gopts.Verbose {
		for _, fi := range info.Frames {
			fmt.Fprintf(&b, "  frame %d @%d: %d samples", fi.Index, fi.Offset, fi.Samples)
			for c, k := range fi.Coders {
				fmt.Fprintf(&b, "  ch%d %s %d B", c, k, fi.Bytes[c])
			}
			b.WriteString("\n")
		}
	}
	return res, b.String(), nil
}
