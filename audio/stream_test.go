package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// pipe hides every method but Read, as standard input from a pipe does.
type pipe struct{ r io.Reader }

func (p pipe) Read(b []byte) (int, error) { return p.r.Read(b) }

// outPipe hides every method but Write, as standard output to a pipe does.
type outPipe struct{ w io.Writer }

func (p outPipe) Write(b []byte) (int, error) { return p.w.Write(b) }

// sources opens the same bytes as the inputs NewReader meets: a file that
// seeks, a pipe, and a pipe that returns one byte per Read.
func sources(b []byte) map[string]func() io.Reader {
	return map[string]func() io.Reader{
		"seekable": func() io.Reader { return bytes.NewReader(b) },
		"pipe":     func() io.Reader { return pipe{bytes.NewReader(b)} },
		"one-byte": func() io.Reader { return pipe{iotest.OneByteReader(bytes.NewReader(b))} },
	}
}

// streamAll reads r with ReadFrames in chunks of n frames and concatenates
// them; it checks that only the last chunk is short and that io.EOF stays.
func streamAll(r io.Reader, name string, n int) (*PCM, *Header, error) {
	rd, err := NewReader(r, name)
	if err != nil {
		return nil, nil, err
	}
	h := rd.Header()
	all := &PCM{Format: rd.Format(), Data: make([][]int32, rd.Format().Channels)}
	var chunk PCM
	short := false
	for {
		k, err := rd.ReadFrames(&chunk, n)
		if k > 0 {
			if short {
				return nil, nil, fmt.Errorf("a chunk of %d frames after a short one", k)
			}
			if chunk.Frames() != k || chunk.Format != rd.Format() {
				return nil, nil, fmt.Errorf("chunk of %d frames, format %+v for k=%d", chunk.Frames(), chunk.Format, k)
			}
			short = k < n
			for c := range all.Data {
				all.Data[c] = append(all.Data[c], chunk.Data[c]...)
			}
		}
		if err == io.EOF {
			if k != 0 {
				return nil, nil, fmt.Errorf("io.EOF with %d frames", k)
			}
			if k2, err2 := rd.ReadFrames(&chunk, n); k2 != 0 || err2 != io.EOF {
				return nil, nil, fmt.Errorf("after io.EOF: %d, %v", k2, err2)
			}
			return all, &h, nil
		}
		if err != nil {
			return all, &h, err
		}
		if k == 0 {
			return nil, nil, errors.New("0 frames and no error")
		}
	}
}

// TestStreamReadMatchesReadFile reads every fixture in testdata with the
// streaming reader, from a file, a pipe and a one-byte pipe, in chunks of
// 1 frame up to more than the file: the samples equal ReadFile's, and a
// file ReadFile refuses is refused with the same error class.
func TestStreamReadMatchesReadFile(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.wav"))
	if err != nil || len(files) < len(validFixtures)+len(brokenFixtures) {
		t.Fatalf("%d fixtures (%v)", len(files), err)
	}
	classes := map[string]error{}
	for _, f := range brokenFixtures {
		classes["bad-"+f.name+".wav"] = f.class
	}
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want, wantErr := ReadFile(path)
		class := classes[filepath.Base(path)]
		if (wantErr == nil) != (class == nil) || (class != nil && !errors.Is(wantErr, class)) {
			t.Fatalf("%s: ReadFile error %v, fixture class %v", path, wantErr, class)
		}
		for src, open := range sources(b) {
			for _, n := range []int{1, 2, 7, 64, 1 << 20} {
				t.Run(fmt.Sprintf("%s/%s/%d", filepath.Base(path), src, n), func(t *testing.T) {
					got, h, err := streamAll(open(), path, n)
					if class != nil {
						var fe *FormatError
						if !errors.Is(err, class) || !errors.As(err, &fe) {
							t.Fatalf("error %v, want a *FormatError of class %v", err, class)
						}
						return
					}
					if err != nil {
						t.Fatal(err)
					}
					if err := samePCM(got, want.Format, want.Data); err != nil {
						t.Fatal(err)
					}
					wantFrames := int64(want.Frames())
					if src != "seekable" && strings.Contains(path, "streaming-size") {
						wantFrames = UnknownFrames
					}
					if h.Frames != wantFrames {
						t.Errorf("header says %d frames, want %d", h.Frames, wantFrames)
					}
				})
			}
		}
	}
}

// TestStreamReadTruncated cuts a file inside its data: a file (which
// seeks) is refused by NewReader; a pipe gives every whole frame before the
// cut, then an error that is both ErrTruncated and io.ErrUnexpectedEOF, and
// keeps returning it.
func TestStreamReadTruncated(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec wavSpec
		cut  int // bytes of data kept
	}{
		{"16bit-stereo-mid-frame", wavSpec{channels: 2, rate: 8000, bits: 16, frames: 50, seed: 1}, 4*20 + 3},
		{"16bit-stereo-frame-edge", wavSpec{channels: 2, rate: 8000, bits: 16, frames: 50, seed: 1}, 4 * 20},
		{"24bit-mono-no-data", wavSpec{channels: 1, rate: 8000, bits: 24, frames: 9, seed: 2}, 0},
		{"8bit-3ch", wavSpec{channels: 3, rate: 8000, bits: 8, frames: 30, seed: 3}, 3*29 + 1},
		{"streaming-size-partial-frame", wavSpec{channels: 2, rate: 8000, bits: 24, frames: 5, seed: 4, dataSize: 0xFFFFFFFF}, 6*3 + 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			full, want := tc.spec.build()
			b := full[:44+tc.cut]
			ba := tc.spec.channels * tc.spec.bits / 8
			if _, err := NewReader(bytes.NewReader(b), "cut.wav"); !errors.Is(err, ErrTruncated) {
				t.Errorf("seekable: NewReader error %v, want ErrTruncated", err)
			}
			for _, n := range []int{1, 3, 1000} {
				got, _, err := streamAll(pipe{bytes.NewReader(b)}, "cut.wav", n)
				var fe *FormatError
				if !errors.Is(err, ErrTruncated) || !errors.Is(err, io.ErrUnexpectedEOF) || !errors.As(err, &fe) || fe.Name != "cut.wav" {
					t.Fatalf("chunks of %d: error %v, want a *FormatError matching ErrTruncated and io.ErrUnexpectedEOF", n, err)
				}
				whole := tc.cut / ba
				trunc := make([][]int32, len(want))
				for c := range want {
					trunc[c] = want[c][:whole]
				}
				if err := samePCM(got, got.Format, trunc); err != nil {
					t.Fatalf("chunks of %d: frames before the cut: %v", n, err)
				}
			}
		})
	}
}

// TestStreamReadBoundedAllocation reads from a pipe files whose headers
// claim gigabytes: the reader must allocate about what arrives, not what
// is claimed, even when asked for a billion frames at once.
func TestStreamReadBoundedAllocation(t *testing.T) {
	lying, _ := wavSpec{channels: 1, rate: 16000, bits: 16, frames: 16, dataSize: 0x7FFFFFF0}.build()
	stream, _ := wavSpec{channels: 2, rate: 8000, bits: 32, frames: 4, dataSize: 0xFFFFFFFF}.build()
	list, _ := wavSpec{channels: 1, rate: 8000, bits: 16, frames: 4}.build()
	list = append(list[:36:36], append([]byte("LIST\xf0\xff\xff\x7f"), list[36:]...)...)
	for name, b := range map[string][]byte{"lying": lying, "streaming": stream, "huge-list": list} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rd, err := NewReader(pipe{bytes.NewReader(b)}, name)
		if err == nil {
			var p PCM
			_, err = rd.ReadFrames(&p, 1<<30)
		}
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
			t.Errorf("%s: allocated %d bytes for a %d-byte input (err %v)", name, grew, len(b), err)
		}
		if name != "streaming" && !errors.Is(err, ErrTruncated) {
			t.Errorf("%s: error %v, want ErrTruncated", name, err)
		}
	}
}

// TestStreamWriteMatchesWrite writes every valid fixture frame by frame
// (chunks of 1, 3 and all frames): the bytes equal Write's. With an
// unknown length a file gets its sizes patched (same bytes again) and a
// pipe gets the streaming size 0xFFFFFFFF, which reads back exactly.
func TestStreamWriteMatchesWrite(t *testing.T) {
	dir := t.TempDir()
	for _, f := range validFixtures {
		p, err := ReadFile(filepath.Join("testdata", f.name+".wav"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, per := range []int{1, 3, max(1, p.Frames())} {
			t.Run(fmt.Sprintf("%s/%d", f.name, per), func(t *testing.T) {
				write := func(w io.Writer, frames int64) {
					t.Helper()
					wr, err := NewWriter(w, p.Format, frames)
					if err != nil {
						t.Fatal(err)
					}
					for lo := 0; lo < p.Frames(); lo += per {
						chunk := &PCM{Format: p.Format, Data: make([][]int32, p.Channels)}
						for c := range chunk.Data {
							chunk.Data[c] = p.Data[c][lo:min(lo+per, p.Frames())]
						}
						if err := wr.WriteFrames(chunk); err != nil {
							t.Fatal(err)
						}
					}
					if err := wr.Close(); err != nil {
						t.Fatal(err)
					}
				}
				var known bytes.Buffer
				write(outPipe{&known}, int64(p.Frames()))
				if !bytes.Equal(known.Bytes(), want) {
					t.Fatal("streaming write differs from Write")
				}
				fh, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%d.wav", f.name, per)))
				if err != nil {
					t.Fatal(err)
				}
				defer fh.Close()
				write(fh, UnknownFrames)
				if disk, _ := os.ReadFile(fh.Name()); !bytes.Equal(disk, want) {
					t.Fatal("unknown length to a file: sizes not patched to Write's bytes")
				}
				var piped bytes.Buffer
				write(outPipe{&piped}, UnknownFrames)
				pb := piped.Bytes()
				if binary.LittleEndian.Uint32(pb[4:]) != streamingDataSize || binary.LittleEndian.Uint32(pb[40:]) != streamingDataSize {
					t.Fatalf("unknown length to a pipe: sizes % x, want ff ff ff ff", pb[4:8])
				}
				data := p.Frames() * p.Channels * p.BitDepth / 8
				if !bytes.Equal(pb[44:], want[44:44+data]) {
					t.Fatal("unknown length to a pipe: samples differ from Write's")
				}
				q, err := ReadAll(pipe{bytes.NewReader(pb)}, "piped")
				if err != nil {
					t.Fatal(err)
				}
				if err := samePCM(q, p.Format, p.Data); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// TestWriteCanonical checks the 44-byte header against the independent
// fixture builder: every plain PCM fixture without extra chunks is written
// back byte for byte.
func TestWriteCanonical(t *testing.T) {
	n := 0
	for _, f := range validFixtures {
		s := f.spec
		if s.extensible || s.junkFirst || s.listBefore || s.trailer || s.dataSize != 0 {
			continue
		}
		n++
		b := s.file()
		p, err := Decode(b, f.name)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, b) {
			t.Errorf("%s: written header % x, fixture % x", f.name, got[:44], b[:44])
		}
	}
	if n < 8 {
		t.Fatalf("only %d canonical fixtures", n)
	}
}

func TestStreamWriterErrors(t *testing.T) {
	f := Format{SampleRate: 8000, BitDepth: 16, Channels: 2}
	pcm := func(n int, v int32) *PCM {
		p := &PCM{Format: f, Data: [][]int32{make([]int32, n), make([]int32, n)}}
		for i := range n {
			p.Data[1][i] = v
		}
		return p
	}
	cases := []struct {
		name   string
		frames int64
		run    func(w *Writer) error
		want   string
	}{
		{"too-many", 3, func(w *Writer) error { return w.WriteFrames(pcm(4, 0)) }, "4 frames is more than the 3 announced"},
		{"too-few", 3, func(w *Writer) error {
			if err := w.WriteFrames(pcm(2, 0)); err != nil {
				return err
			}
			return w.Close()
		}, "2 frames written, 3 announced"},
		{"range-index", 10, func(w *Writer) error {
			if err := w.WriteFrames(pcm(4, 0)); err != nil {
				return err
			}
			return w.WriteFrames(pcm(2, 40000))
		}, "channel 1 sample 4 is 40000, outside the 16-bit range"},
		{"format", 10, func(w *Writer) error {
			p := pcm(1, 0)
			p.SampleRate = 16000
			return w.WriteFrames(p)
		}, "PCM format"},
		{"after-close", 0, func(w *Writer) error {
			if err := w.Close(); err != nil {
				return err
			}
			return w.WriteFrames(pcm(0, 0))
		}, "WriteFrames after Close"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, err := NewWriter(io.Discard, f, c.frames)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.run(w); err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "audio: ") {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
	for _, bad := range []struct {
		f      Format
		frames int64
		want   string
	}{
		{Format{SampleRate: 8000, BitDepth: 12, Channels: 1}, 0, "bit depth 12"},
		{f, -2, "-2 frames"},
		{f, 1 << 31, "do not fit in a WAV file"},
	} {
		if _, err := NewWriter(io.Discard, bad.f, bad.frames); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("NewWriter(%+v, %d): %v, want %q", bad.f, bad.frames, err, bad.want)
		}
	}
}

// FuzzStreamRead feeds arbitrary bytes to the streaming reader through a
// pipe, in chunks whose size comes from the fuzzer: no panic, no more
// samples than bytes, and exactly the result of Decode (which seeks and
// checks sizes up front): both accept with the same samples or both fail
// with a *FormatError.
func FuzzStreamRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.wav"))
	for i, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint16(i%5+1))
	}
	f.Fuzz(func(t *testing.T, b []byte, n uint16) {
		got, _, err := streamAll(pipe{bytes.NewReader(b)}, "fuzz.wav", int(n%300)+1)
		want, wantErr := Decode(b, "fuzz.wav")
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a *FormatError", err, err)
			}
			if wantErr == nil {
				t.Fatalf("streaming read fails (%v), Decode reads %d frames", err, want.Frames())
			}
			return
		}
		if got.Frames()*got.Channels*got.BitDepth/8 > len(b) {
			t.Fatalf("%d frames x %d channels from %d bytes", got.Frames(), got.Channels, len(b))
		}
		if wantErr != nil {
			// Only a streaming-size data chunk followed by other chunks
			// differs: a pipe cannot know where the samples stop.
			if errors.Is(wantErr, ErrTruncated) && bytes.Contains(b, []byte("data\xff\xff\xff\xff")) {
				return
			}
			t.Fatalf("streaming read gives %d frames, Decode fails: %v", got.Frames(), wantErr)
		}
		if err := samePCM(got, want.Format, want.Data); err != nil {
			t.Fatal(err)
		}
	})
}
