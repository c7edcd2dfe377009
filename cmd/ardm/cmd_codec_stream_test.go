package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/coder"
)

// runWithStdin runs the CLI like runCapture with data arriving on standard
// input through a pipe (which cannot seek, as in a shell pipeline).
func runWithStdin(t *testing.T, data []byte, args ...string) (int, string, string) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		w.Write(data)
		w.Close()
	}()
	old := os.Stdin
	os.Stdin = r
	defer func() {
		os.Stdin = old
		r.Close()
	}()
	return runCapture(t, args...)
}

// TestCodecStdinStdout pipes WAV into compress and the stream into
// decompress, with --verify (which must keep a copy of standard input to
// read it twice): the WAV that comes out is byte for byte the one that
// went in, and the result lines go to stderr, not into the data. A pipe
// WAV of unknown length (data size 0xFFFFFFFF) gives a stream of unknown
// length that decodes to the same samples, to a file (sizes patched) and
// to a pipe (streaming size).
func TestCodecStdinStdout(t *testing.T) {
	_, _, pcms := codecTestFiles(t)
	for k, p := range pcms {
		t.Run(fmt.Sprintf("%dbit-%dch", p.BitDepth, p.Channels), func(t *testing.T) {
			wav, err := audio.Encode(p)
			if err != nil {
				t.Fatal(err)
			}
			code, stream, stderr := runWithStdin(t, wav, "--json", "--quiet", "compress", "--no-model", "--verify", "-", "-o", "-")
			if code != 0 {
				t.Fatalf("compress exit %d: %s", code, stderr)
			}
			var res compressResult
			if err := json.Unmarshal([]byte(strings.TrimSpace(stderr)), &res); err != nil || !res.Verified || res.Bytes != int64(len(stream)) {
				t.Fatalf("result on stderr %q (%v), stream of %d bytes", stderr, err, len(stream))
			}
			if ents, _ := filepath.Glob(filepath.Join(os.TempDir(), "ardm-std*")); len(ents) > 0 {
				t.Errorf("temporary files left: %v", ents)
			}
			code, back, stderr := runWithStdin(t, []byte(stream), "decompress", "-", "-o", "-")
			if code != 0 {
				t.Fatalf("decompress exit %d: %s", code, stderr)
			}
			if !bytes.Equal([]byte(back), wav) {
				t.Fatalf("decompressed WAV (%d bytes) differs from the input (%d bytes)", len(back), len(wav))
			}

			// Unknown length: a streaming-size header from a pipe.
			unk := append([]byte(nil), wav[:44+p.Frames()*p.Channels*p.BitDepth/8]...)
			binary.LittleEndian.PutUint32(unk[4:], 0xFFFFFFFF)
			binary.LittleEndian.PutUint32(unk[40:], 0xFFFFFFFF)
			code, stream, stderr = runWithStdin(t, unk, "compress", "--no-model", "--verify", "-", "-o", "-")
			if code != 0 {
				t.Fatalf("compress of unknown length: exit %d: %s", code, stderr)
			}
			h, err := coder.ReadHeader(strings.NewReader(stream))
			if err != nil || h.Samples != coder.UnknownLength {
				t.Fatalf("stream header %+v, %v; want unknown length", h, err)
			}
			out := filepath.Join(t.TempDir(), fmt.Sprintf("u%d.wav", k))
			if code, _, stderr := runWithStdin(t, []byte(stream), "decompress", "-", "-o", out); code != 0 {
				t.Fatalf("decompress of unknown length: exit %d: %s", code, stderr)
			}
			if disk, _ := os.ReadFile(out); !bytes.Equal(disk, wav) {
				t.Fatal("unknown length decoded to a file: sizes not patched to the input's bytes")
			}
			code, back, stderr = runWithStdin(t, []byte(stream), "decompress", "-", "-o", "-")
			if code != 0 {
				t.Fatalf("decompress of unknown length to stdout: exit %d: %s", code, stderr)
			}
			if !bytes.Equal([]byte(back), unk) {
				t.Fatal("unknown length decoded to a pipe: not the streaming-size input")
			}
		})
	}
}

// TestVerifyCatchesMismatch checks that --verify compares with the input:
// a stream of different samples must not pass (the check compares a
// second read of the input, not the stream with itself).
func TestVerifyCatchesMismatch(t *testing.T) {
	dir, files, pcms := codecTestFiles(t)
	stream := filepath.Join(dir, "a.ardm")
	if code, _, stderr := runCapture(t, "compress", "--no-model", files[0], "-o", stream); code != 0 {
		t.Fatalf("compress: %s", stderr)
	}
	other := *pcms[0]
	other.Data = [][]int32{append([]int32(nil), pcms[0].Data[0]...)}
	other.Data[0][12345]++
	changed := filepath.Join(dir, "changed.wav")
	if err := audio.WriteFile(changed, &other); err != nil {
		t.Fatal(err)
	}
	err := verifyStream(t.Context(), globalOptions{Quiet: true}, stream, changed, "changed.wav", nil, 0)
	if err == nil || !strings.Contains(err.Error(), "channel 0 sample 12345 decodes to") || exitCode(err) != exitIntegrity {
		t.Fatalf("verify against changed input: %v (exit %d)", err, exitCode(err))
	}
	if err := verifyStream(t.Context(), globalOptions{Quiet: true}, stream, files[0], "a.wav", nil, 0); err != nil {
		t.Fatalf("verify against the input: %v", err)
	}
}

// exitCode is the exit status an error of a command maps to (1 unless
// marked with withCode).
func exitCode(err error) int {
	var e *exitErr
	if errors.As(err, &e) {
		return e.code
	}
	return 1
}

// heapPeak samples the Go heap until stop is called and returns the
// largest HeapInuse seen.
func heapPeak() (stop func() uint64) {
	var (
		peak uint64
		mu   sync.Mutex
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		mu.Lock()
		peak = max(peak, ms.HeapInuse)
		mu.Unlock()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		tk := time.NewTicker(20 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-done:
				return
			case <-tk.C:
				sample()
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		sample()
		return peak
	}
}

// TestCodecHourBoundedMemory compresses (with --verify) and decompresses a
// WAV longer than an hour: the round trip is bit-exact, and the Go heap
// stays far below the size of the samples as int32, which is what holding
// the whole file in memory would take.
func TestCodecHourBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("an hour of audio: skipped with -short")
	}
	const (
		rate    = 8000
		minutes = 61
		frames  = minutes * 60 * rate
	)
	dir := t.TempDir()
	in := filepath.Join(dir, "hour.wav")
	f := audio.Format{SampleRate: rate, BitDepth: 16, Channels: 1}
	writeHour(t, in, f, frames)
	asInt32 := uint64(frames * f.Channels * 4)
	// The limit is a fraction of the samples as int32: a command that held
	// the file (or its stream, or the decoded output) in memory would pass it.
	limit := asInt32 / 4

	t0 := time.Now()
	runtime.GC()
	stop := heapPeak()
	stream := filepath.Join(dir, "hour.ardm")
	code, _, stderr := runCapture(t, "--json", "compress", "--no-model", "--verify", in, "-o", stream)
	peakC := stop()
	if code != 0 {
		t.Fatalf("compress exit %d: %s", code, stderr)
	}
	t1 := time.Now()
	runtime.GC()
	stop = heapPeak()
	back := filepath.Join(dir, "back.wav")
	code, _, stderr = runCapture(t, "decompress", stream, "-o", back)
	peakD := stop()
	if code != 0 {
		t.Fatalf("decompress exit %d: %s", code, stderr)
	}
	t.Logf("compress %.1fs decompress %.1fs", t1.Sub(t0).Seconds(), time.Since(t1).Seconds())
	fi, _ := os.Stat(in)
	si, _ := os.Stat(stream)
	t.Logf("%d min, %d frames: WAV %d MB, stream %d MB, samples as int32 %d MB; peak heap in use: compress+verify %.1f MB, decompress %.1f MB (limit %d MB)",
		minutes, frames, fi.Size()>>20, si.Size()>>20, asInt32>>20, float64(peakC)/(1<<20), float64(peakD)/(1<<20), limit>>20)
	if peakC > limit || peakD > limit {
		t.Errorf("peak heap %d (compress), %d (decompress) bytes, limit %d", peakC, peakD, limit)
	}
	sameFiles(t, in, back)
}

// writeHour writes frames of bursts of a tone with noise, 2 s on and 2 s of
// digital silence, to path with the streaming writer, a second at a time.
// The silent half codes almost for free (the constant coder), which keeps
// the test near half a minute on a loaded machine.
func writeHour(t *testing.T, path string, f audio.Format, frames int) {
	t.Helper()
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	w, err := audio.NewWriter(fh, f, int64(frames))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(61, 60))
	chunk := &audio.PCM{Format: f, Data: [][]int32{make([]int32, f.SampleRate)}}
	step := 2 * math.Pi * 440 / float64(f.SampleRate)
	for lo := 0; lo < frames; lo += f.SampleRate {
		x := chunk.Data[0][:min(f.SampleRate, frames-lo)]
		for i := range x {
			x[i] = 0
			if (lo+i)/(2*f.SampleRate)%2 == 0 {
				x[i] = int32(6000*math.Sin(step*float64(lo+i))) + rng.Int32N(801) - 400
			}
		}
		chunk.Data[0] = x
		if err := w.WriteFrames(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// sameFiles compares two files chunk by chunk.
func sameFiles(t *testing.T, a, b string) {
	t.Helper()
	fa, err := os.Open(a)
	if err != nil {
		t.Fatal(err)
	}
	defer fa.Close()
	fb, err := os.Open(b)
	if err != nil {
		t.Fatal(err)
	}
	defer fb.Close()
	ba, bb := make([]byte, 1<<20), make([]byte, 1<<20)
	for off := int64(0); ; {
		na, ea := io.ReadFull(fa, ba)
		nb, eb := io.ReadFull(fb, bb)
		if na != nb || !bytes.Equal(ba[:na], bb[:nb]) {
			t.Fatalf("%s and %s differ in the MB at byte %d", a, b, off)
		}
		if ea != nil || eb != nil {
			return
		}
		off += int64(na)
	}
}
