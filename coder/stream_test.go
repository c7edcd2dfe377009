package coder

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ardm-dev/ardm/audio"
)

// FuzzReader decodes mutated streams with and without a model. The seeds
// are cheap (small fixtures, 64- and 100-sample frames, the test-only
// neighbour model at budget 8) so that minutes of fuzzing run hundreds of
// thousands of inputs (BENCHMARKS.md, "Stream fuzzer"):
//
//	go test ./coder -run XXX -fuzz '^FuzzReader$' -fuzztime 2m -fuzzminimizetime 5s
func FuzzReader(f *testing.F) {
	m := neighbourModel{64, 4, 2}
	for _, name := range []string{"sine", "stereo24-44k", "eight-bit", "silence", "one-sample"} {
		f.Add(encodeFixture(f, name, m, WithBudget(8)))
		f.Add(encodeFixture(f, name, nil, WithFrameLen(100)))
	}
	f.Add(encodeFixture(f, "noise", m, forceCoder(CoderModel), WithBudget(8)))
	oa := neighbourCDF{neighbourModel{64, cdfBranching, 2}}
	for _, name := range []string{"sine", "eight-bit"} {
		f.Add(encodeFixture(f, name, oa, forceCoder(CoderModel), WithBudget(8)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, model := range []Predictor{m, oa, nil} {
			r, err := NewReader(bytes.NewReader(data), model, WithWorkers(2))
			if err != nil {
				continue
			}
			h := r.Header()
			limit := int64(h.FrameLen) * int64(h.Format.Channels)
			for {
				p, err := r.Read()
				if err != nil {
					break
				}
				if int64(p.Frames())*int64(len(p.Data)) > limit {
					t.Fatalf("frame of %d samples beyond the stream's limit %d", p.Frames(), limit)
				}
			}
		}
		Inspect(bytes.NewReader(data))
	})
}

// TestEncodeTwiceSame: encoding is a pure function of input and options.
func TestEncodeTwiceSame(t *testing.T) {
	m := neighbourModel{300, 16, 2}
	a := encodeFixture(t, "stereo24-44k", m)
	b := encodeFixture(t, "stereo24-44k", m)
	if !bytes.Equal(a, b) {
		t.Fatal("two encodings differ")
	}
}

// readWAVDir reads every WAV under dir.
func readWAVDir(t testing.TB, dir string) []*audio.PCM {
	var out []*audio.PCM
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".wav") {
			return err
		}
		p, err := audio.ReadFile(path)
		if err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

const sc09Dev = "../../shared/data/sc09-real-dev"

// TestSC09RealDev round-trips every real dev clip with the neighbour model
// and without a model, and reports bits/sample (per file, headers
// included, like the flac -8 figure of 7.150 in DESIGN.md).
func TestSC09RealDev(t *testing.T) {
	if _, err := os.Stat(sc09Dev); err != nil {
		t.Skip("no", sc09Dev)
	}
	clips := readWAVDir(t, sc09Dev)
	if len(clips) < 70 {
		t.Fatalf("%d clips", len(clips))
	}
	m := neighbourModel{16000, 16, 2}
	cfgs := []struct {
		name string
		m    Predictor
		opts []Option
	}{
		{"fallback only", nil, nil},
		{"neighbour model, 400 calls", m, []Option{WithBudget(400)}},
	}
	if testing.Short() {
		cfgs = cfgs[:1]
	}
	for _, cfg := range cfgs {
		var bits, samples float64
		var coders [NumCoders]int64
		start := time.Now()
		for _, clip := range clips {
			var buf bytes.Buffer
			st, err := Encode(&buf, cfg.m, clip, cfg.opts...)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Decode(&buf, cfg.m)
			if err != nil {
				t.Fatal(err)
			}
			if ok, why := equalPCM(clip, out); !ok {
				t.Fatalf("%s: %s", cfg.name, why)
			}
			bits += 8 * float64(st.Bytes)
			samples += float64(clip.Frames())
			for k := range coders {
				coders[k] += st.Coders[k].Frames
			}
		}
		t.Logf("%s: %.3f bits/sample over %d clips, frames per coder %v, round trip %.1fx real time",
			cfg.name, bits/samples, len(clips), coders, samples/16000/time.Since(start).Seconds())
		if bits/samples > 16 {
			t.Errorf("%s: %.3f bits/sample", cfg.name, bits/samples)
		}
	}
}

// hourSignal generates sample i of a deterministic hour-long test signal:
// speech-like bursts (a sine with a slow envelope) over low noise, with
// stretches of digital silence.
func hourSignal(i int64, rng *rand.Rand) int32 {
	// 10 s of signal, then 50 s of digital silence (constant frames), so
	// that an hour streams in seconds: the test is about bounded memory
	// and exactness over a long stream, not coder speed.
	sec := i / 16000
	if sec%60 >= 10 {
		return 0
	}
	env := 0.5 + 0.5*math.Sin(float64(i)/9000)
	v := 3000*env*math.Sin(float64(i)*0.07) + rng.NormFloat64()*20
	return int32(math.Round(v))
}

// TestLongerThanAnHour streams 61 minutes of 16 kHz audio through a pipe
// into a Reader: memory stays bounded (only a batch of frames is held) and
// the output is bit-exact.
func TestLongerThanAnHour(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	const total = int64(61 * 60 * 16000)
	const chunk = 40000
	f := audio.Format{SampleRate: 16000, BitDepth: 16, Channels: 1}
	pr, pw := io.Pipe()
	start := time.Now()
	go func() {
		rng := rand.New(rand.NewPCG(9, 9))
		w, err := NewWriter(pw, nil, f, total)
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		buf := make([]int32, chunk)
		for i := int64(0); i < total; i += chunk {
			n := min(chunk, total-i)
			for k := range buf[:n] {
				buf[k] = hourSignal(i+int64(k), rng)
			}
			if err := w.Write(&audio.PCM{Format: f, Data: [][]int32{buf[:n]}}); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(w.Close())
	}()
	cr := &countingReader{r: pr}
	r, err := NewReader(cr, nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	var i int64
	for {
		p, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range p.Data[0] {
			if want := hourSignal(i, rng); v != want {
				t.Fatalf("sample %d = %d, want %d", i, v, want)
			}
			i++
		}
	}
	if i != total {
		t.Fatalf("%d samples, want %d", i, total)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("%d samples (%.1f min), %.2f bits/sample, %s, heap in use %d MiB", i, float64(i)/16000/60,
		8*float64(cr.off)/float64(i), time.Since(start).Round(time.Millisecond), ms.HeapInuse>>20)
	if ms.HeapInuse > 200<<20 {
		t.Errorf("heap in use %d MiB: memory is not bounded", ms.HeapInuse>>20)
	}
}

// goldenPCM is the signal of the cross-architecture test.
func goldenPCM() *audio.PCM {
	p := fixture("stereo24-44k")
	q := fixture("sine")
	p.Data[1] = append(p.Data[1][:0:0], p.Data[1]...)
	for i := range p.Data[1] {
		p.Data[1][i] += q.Data[0][i%len(q.Data[0])]
	}
	return p
}

func goldenModels() []Predictor {
	return []Predictor{neighbourModel{512, 16, 2}, neighbourModel{700, 256, 3}, neighbourModel{300, 2, 1},
		neighbourCDF{neighbourModel{400, cdfBranching, 2}}}
}

// goldenStreams are goldenPCM coded with each of goldenModels, then
// without a model by the cascade coder (its float64 arithmetic must be
// the same on every machine).
func goldenStreams(t testing.TB) [][]byte {
	var out [][]byte
	for _, m := range goldenModels() {
		var buf bytes.Buffer
		if _, err := Encode(&buf, m, goldenPCM(), forceCoder(CoderModel), WithBudget(60)); err != nil {
			t.Fatal(err)
		}
		out = append(out, buf.Bytes())
	}
	return append(out, cascadeGoldenStream(t))
}

var goldenEnv = "ARDM_CODER_GOLDEN"

// TestDecodeGolden decodes streams written by another build (another
// architecture) named by $ARDM_CODER_GOLDEN, checks them bit-exact, and
// checks that this build encodes the same bytes. It skips without the
// variable; TestCrossArch sets it.
func TestDecodeGolden(t *testing.T) {
	dir := os.Getenv(goldenEnv)
	if dir == "" {
		t.Skip(goldenEnv + " not set")
	}
	mine := goldenStreams(t)
	models := goldenModels()
	for k := range mine {
		var m Predictor // the last stream has no model
		if k < len(models) {
			m = models[k]
		}
		data, err := os.ReadFile(filepath.Join(dir, "golden"+string(rune('0'+k))+".ardm"))
		if err != nil {
			t.Fatal(err)
		}
		out, err := Decode(bytes.NewReader(data), m)
		if err != nil {
			t.Fatalf("model %d: %v", k, err)
		}
		if ok, why := equalPCM(goldenPCM(), out); !ok {
			t.Fatalf("model %d: %s", k, why)
		}
		if !bytes.Equal(data, mine[k]) {
			t.Errorf("model %d: this build (%s) encodes different bytes", k, runtime.GOARCH)
		}
	}
	t.Logf("%s decoded and re-encoded %d golden streams bit-exact", runtime.GOARCH, len(mine))
}

var crossArch = flag.String("crossarch", "arm64", "GOARCH of the cross-architecture test (run under qemu-user)")

// TestCrossArch builds this package's tests for another architecture
// (arm64, where Go fuses multiply-adds) and runs TestDecodeGolden there
// under qemu-user on streams encoded here.
func TestCrossArch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a test binary")
	}
	if runtime.GOARCH == *crossArch {
		t.Skip("already on", *crossArch)
	}
	qemu, err := exec.LookPath("qemu-" + map[string]string{"arm64": "aarch64"}[*crossArch])
	if err != nil {
		qemu, err = exec.LookPath("qemu-" + *crossArch)
	}
	if err != nil {
		t.Skip("qemu-user for", *crossArch, "not installed (Debian package qemu-user)")
	}
	dir := t.TempDir()
	for k, s := range goldenStreams(t) {
		if err := os.WriteFile(filepath.Join(dir, "golden"+string(rune('0'+k))+".ardm"), s, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "coder."+*crossArch+".test")
	build := exec.Command("go", "test", "-c", "-o", bin, ".")
	build.Env = append(os.Environ(), "GOARCH="+*crossArch, "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go test -c: %v\n%s", err, out)
	}
	run := exec.Command(qemu, bin, "-test.run", "^TestDecodeGolden$", "-test.v")
	run.Env = append(os.Environ(), goldenEnv+"="+dir)
	out, err := run.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("--- PASS: TestDecodeGolden")) {
		t.Fatalf("%s: %v\n%s", *crossArch, err, out)
	}
	t.Logf("%s", bytes.TrimSpace(out))
}

func TestMissingEndIsUnexpectedEOF(t *testing.T) {
	good := encodeFixture(t, "sine", nil)
	_, err := Decode(bytes.NewReader(good[:len(good)-endRecordSize]), nil)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("got %v", err)
	}
}

func benchmarkCodec(b *testing.B, m Predictor, opts ...Option) {
	clip := fixture("sine")
	long := &audio.PCM{Format: clip.Format, Data: [][]int32{make([]int32, 0, 32000)}}
	for len(long.Data[0]) < 32000 {
		long.Data[0] = append(long.Data[0], clip.Data[0]...)
	}
	long.Data[0] = long.Data[0][:32000]
	var buf bytes.Buffer
	if _, err := Encode(&buf, m, long, opts...); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(2 * long.Frames()))
		for b.Loop() {
			if _, err := Encode(io.Discard, m, long, opts...); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(long.Frames())/16000*float64(b.N)/b.Elapsed().Seconds(), "x-realtime")
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(2 * long.Frames()))
		for b.Loop() {
			if _, err := Decode(bytes.NewReader(data), m); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(long.Frames())/16000*float64(b.N)/b.Elapsed().Seconds(), "x-realtime")
	})
}

func BenchmarkFallback(b *testing.B) { benchmarkCodec(b, nil) }
func BenchmarkNeighbour16(b *testing.B) {
	benchmarkCodec(b, neighbourModel{16000, 16, 2}, forceCoder(CoderModel))
}
func BenchmarkNeighbour256(b *testing.B) {
	benchmarkCodec(b, neighbourModel{16000, 256, 2}, forceCoder(CoderModel))
}

// TestDecodeVersion2 decodes streams written by the version 2 writer
// (random coding order; testdata/v2-golden*.ardm are goldenStreams of the
// last build that wrote version 2) bit-exact: old files must keep decoding.
func TestDecodeVersion2(t *testing.T) {
	models := goldenModels()
	for _, k := range []int{0, 3} {
		data, err := os.ReadFile(filepath.Join("testdata", "v2-golden"+string(rune('0'+k))+".ardm"))
		if err != nil {
			t.Fatal(err)
		}
		if data[4] != 2 {
			t.Fatalf("fixture %d has version %d", k, data[4])
		}
		out, err := Decode(bytes.NewReader(data), models[k])
		if err != nil {
			t.Fatalf("model %d: %v", k, err)
		}
		if ok, why := equalPCM(goldenPCM(), out); !ok {
			t.Fatalf("model %d: %s", k, why)
		}
		// The same audio written today is version 3 with another order.
		var buf bytes.Buffer
		if _, err := Encode(&buf, models[k], goldenPCM(), forceCoder(CoderModel), WithBudget(60)); err != nil {
			t.Fatal(err)
		}
		if v := buf.Bytes()[4]; v != Version || bytes.Equal(buf.Bytes()[73:], data[73:]) {
			t.Errorf("model %d: new stream has version %d or the old payload", k, v)
		}
	}
}

// TestDecodeVersion3 decodes a stream of the version 3 writer
// (testdata/v3-fallback.ardm: goldenPCM without a model, frames of 3000,
// written by the last build before the cascade coder) bit-exact, and
// refuses a version 3 stream holding a cascade frame, which no version 3
// writer could make.
func TestDecodeVersion3(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "v3-fallback.ardm"))
	if err != nil {
		t.Fatal(err)
	}
	if data[4] != 3 {
		t.Fatalf("fixture has version %d", data[4])
	}
	out, err := Decode(bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ok, why := equalPCM(goldenPCM(), out); !ok {
		t.Fatal(why)
	}
	s := cascadeGoldenStream(t)
	s[4] = 3
	binary.LittleEndian.PutUint32(s[69:], crc32.Checksum(s[:69], crc32.MakeTable(crc32.Castagnoli)))
	var ce *CorruptInputError
	if _, err := Decode(bytes.NewReader(s), nil); !errors.As(err, &ce) || !strings.Contains(err.Error(), "unknown coder 5 in a version 3 stream") {
		t.Errorf("cascade frame in a version 3 stream: %v", err)
	}
}
