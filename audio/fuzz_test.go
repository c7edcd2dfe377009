package audio

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// FuzzRead feeds arbitrary bytes to the reader: it must return an error or
// a consistent PCM, never panic, never hold more samples than the input has
// bytes, and a PCM it returns must survive Encode and Decode exactly.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.wav"))
	flacs, _ := filepath.Glob(filepath.Join("testdata", "*.flac"))
	for _, name := range append(files, flacs...) {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Decode(b, "fuzz.wav")
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a *FormatError", err, err)
			}
			return
		}
		if len(p.Data) != p.Channels || p.Channels < 1 {
			t.Fatalf("%d slices for %d channels", len(p.Data), p.Channels)
		}
		// A WAV holds its samples raw; FLAC compresses (a constant
		// subframe codes thousands of samples in a few bytes).
		if SniffContainer(b) == ContainerWAV && p.Frames()*p.Channels*p.BitDepth/8 > len(b) {
			t.Fatalf("%d frames x %d channels from %d bytes", p.Frames(), p.Channels, len(b))
		}
		lo, hi := sampleRange(p.BitDepth)
		for c, ch := range p.Data {
			if len(ch) != p.Frames() {
				t.Fatalf("channel %d has %d samples, want %d", c, len(ch), p.Frames())
			}
			for _, v := range ch {
				if v < lo || v > hi {
					t.Fatalf("sample %d outside %d-bit range", v, p.BitDepth)
				}
			}
		}
		enc, err := Encode(p)
		if err != nil {
			t.Fatalf("Encode of a decoded file: %v", err)
		}
		q, err := Decode(enc, "re-encoded")
		if err != nil {
			t.Fatalf("Decode of re-encoded file: %v", err)
		}
		if err := samePCM(q, p.Format, p.Data); err != nil {
			t.Fatal(err)
		}
	})
}

// TestBoundedAllocation reads headers that claim huge sizes: the memory
// allocated must stay near the size of the input, not the claims.
func TestBoundedAllocation(t *testing.T) {
	cases := map[string][]byte{}
	for _, name := range []string{"bad-lying-header.wav", "bad-huge-fmt.wav", "bad-truncated.wav"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		cases[name] = b
	}
	// A streaming-size data chunk of 65535 1-byte channels, with one frame.
	stream, _ := wavSpec{channels: 1, rate: 8000, bits: 8, frames: 4, dataSize: 0xFFFFFFFF}.build()
	cases["streaming"] = stream
	// A LIST chunk claiming 4 GB before the data.
	list, _ := wavSpec{channels: 1, rate: 8000, bits: 16, frames: 4}.build()
	list = append(list[:36:36], append([]byte("LIST\xff\xff\xff\xff"), list[36:]...)...)
	cases["huge-list"] = list
	for name, b := range cases {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := Decode(b, name)
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
			t.Errorf("%s: allocated %d bytes for a %d-byte input (err %v)", name, grew, len(b), err)
		}
	}
	if _, err := Decode(cases["huge-list"], "huge-list"); !errors.Is(err, ErrTruncated) {
		t.Errorf("huge LIST chunk: %v, want ErrTruncated", err)
	}
	if p, err := Decode(stream, "streaming"); err != nil || p.Frames() != 4 {
		t.Errorf("streaming-size data chunk: %v", err)
	}
	if _, err := Decode(bytes.Repeat([]byte{0}, 100), "zeros"); !errors.Is(err, ErrNotRIFF) {
		t.Errorf("zeros: %v, want ErrNotRIFF", err)
	}
}
