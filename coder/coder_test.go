package coder

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/ardm-dev/ardm/audio"
)

type codecConfig struct {
	name string
	m    Predictor
	opts []Option
}

func configs() []codecConfig {
	return []codecConfig{
		{"no-model", nil, []Option{WithFrameLen(1000)}},
		{"auto-neighbour16", neighbourModel{700, 16, 2}, nil},
		{"model-uniform4", uniformModel{1024, 4}, []Option{forceCoder(CoderModel), WithBudget(40)}},
		{"model-neighbour2", neighbourModel{600, 2, 2}, []Option{forceCoder(CoderModel), WithBudget(64)}},
		{"model-neighbour16", neighbourModel{900, 16, 2}, []Option{forceCoder(CoderModel)}},
		{"model-neighbour256", neighbourModel{1100, 256, 2}, []Option{forceCoder(CoderModel), WithBudget(10), WithOrderSeed(99)}},
		{"model-neighbour65536", neighbourCDF{neighbourModel{800, cdfBranching, 2}}, []Option{forceCoder(CoderModel), WithBudget(24)}},
		{"auto-neighbour65536", neighbourCDF{neighbourModel{500, cdfBranching, 1}}, nil},
		{"rice", nil, []Option{forceCoder(CoderFixedRice), WithFrameLen(333)}},
		{"verbatim", nil, []Option{forceCoder(CoderVerbatim), WithFrameLen(512)}},
		{"cascade", nil, []Option{forceCoder(CoderCascade), WithFrameLen(700)}},
	}
}

func TestRoundTrip(t *testing.T) {
	for _, cfg := range configs() {
		for _, name := range fixtureNames {
			t.Run(cfg.name+"/"+name, func(t *testing.T) {
				in := fixture(name)
				var buf bytes.Buffer
				st, err := Encode(&buf, cfg.m, in, cfg.opts...)
				if err != nil {
					t.Fatal(err)
				}
				if st.Bytes != int64(buf.Len()) || st.Samples != int64(in.Frames()) {
					t.Fatalf("stats %+v for %d bytes, %d samples", st, buf.Len(), in.Frames())
				}
				out, err := Decode(bytes.NewReader(buf.Bytes()), cfg.m)
				if err != nil {
					t.Fatal(err)
				}
				if ok, why := equalPCM(in, out); !ok {
					t.Fatalf("round trip differs: %s", why)
				}
				info, err := Inspect(bytes.NewReader(buf.Bytes()))
				if err != nil {
					t.Fatal(err)
				}
				if info.Samples != int64(in.Frames()) || info.Size != int64(buf.Len()) {
					t.Fatalf("inspect: %d samples %d bytes", info.Samples, info.Size)
				}
				var o options
				for _, f := range cfg.opts {
					f(&o)
				}
				if o.force > 0 {
					for _, fi := range info.Frames {
						for _, k := range fi.Coders {
							if int(k) != o.force {
								t.Fatalf("frame %d used %s, forced %s", fi.Index, k, Kind(o.force))
							}
						}
					}
				}
			})
		}
	}
}

// TestNoGrowth: whatever the input, the automatic choice never costs more
// than verbatim PCM plus the header and a few bytes per frame.
func TestNoGrowth(t *testing.T) {
	for _, name := range fixtureNames {
		for _, m := range []Predictor{nil, uniformModel{500, 16}, neighbourModel{500, 4, 2}} {
			in := fixture(name)
			var buf bytes.Buffer
			st, err := Encode(&buf, m, in)
			if err != nil {
				t.Fatal(err)
			}
			ch := in.Channels
			limit := headerSize + endRecordSize + int(st.Frames)*frameRecordSize(ch) + in.Frames()*ch*bytesPerSample(in.BitDepth)
			if buf.Len() > limit {
				t.Errorf("%s: %d bytes, verbatim bound %d", name, buf.Len(), limit)
			}
			if name == "silence" && buf.Len() > 200 {
				t.Errorf("silence: %d bytes", buf.Len())
			}
		}
	}
}

// TestChoiceIsSmallest: per frame and channel, the writer keeps the
// smaller of the model's coding and the best fallback.
func TestChoiceIsSmallest(t *testing.T) {
	for _, name := range []string{"sine", "stereo24-44k", "eight-bit", "noise"} {
		in := fixture(name)
		m := neighbourModel{400, 16, 2}
		sizes := func(opts ...Option) *StreamInfo {
			var buf bytes.Buffer
			if _, err := Encode(&buf, m, in, opts...); err != nil {
				t.Fatal(err)
			}
			info, err := Inspect(&buf)
			if err != nil {
				t.Fatal(err)
			}
			return info
		}
		auto, model := sizes(), sizes(forceCoder(CoderModel))
		var fb bytes.Buffer
		if _, err := Encode(&fb, nil, in, WithFrameLen(400)); err != nil {
			t.Fatal(err)
		}
		fallback, err := Inspect(&fb)
		if err != nil {
			t.Fatal(err)
		}
		models := 0
		for f, fi := range auto.Frames {
			for c := range fi.Coders {
				want := min(model.Frames[f].Bytes[c], fallback.Frames[f].Bytes[c])
				if fi.Bytes[c] != want {
					t.Errorf("%s frame %d channel %d: %s %d bytes; model %d, fallback %d", name, f, c, fi.Coders[c], fi.Bytes[c], model.Frames[f].Bytes[c], fallback.Frames[f].Bytes[c])
				}
				if fi.Coders[c] == CoderModel {
					models++
				}
			}
		}
		t.Logf("%s: %d model frames; %d bytes auto, %d model, %d fallback", name, models, auto.Size, model.Size, fallback.Size)
	}
}

func TestDeterministicWorkers(t *testing.T) {
	in := fixture("stereo24-44k")
	m := neighbourModel{500, 16, 2}
	var ref []byte
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		for _, workers := range []int{0, 1, 2, 3} {
			opts := []Option{forceCoder(CoderModel), WithBudget(30)}
			if workers > 0 {
				opts = append(opts, WithWorkers(workers))
			}
			var buf bytes.Buffer
			if _, err := Encode(&buf, m, in, opts...); err != nil {
				t.Fatal(err)
			}
			if ref == nil {
				ref = buf.Bytes()
			} else if !bytes.Equal(ref, buf.Bytes()) {
				t.Errorf("GOMAXPROCS=%d workers=%d: different bytes", procs, workers)
			}
			out, err := Decode(bytes.NewReader(buf.Bytes()), m, WithWorkers(max(1, workers)))
			if err != nil {
				t.Fatal(err)
			}
			if ok, why := equalPCM(in, out); !ok {
				t.Fatal(why)
			}
		}
		runtime.GOMAXPROCS(old)
	}
}

func TestStreamingUnknownLength(t *testing.T) {
	in := fixture("stereo16-extremes")
	m := neighbourModel{256, 4, 2}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, m, in.Format, UnknownLength, WithWorkers(3))
	if err != nil {
		t.Fatal(err)
	}
	for lo, step := 0, 1; lo < in.Frames(); lo, step = lo+step, step*2+1 {
		hi := min(lo+step, in.Frames())
		chunk := &audio.PCM{Format: in.Format, Data: [][]int32{in.Data[0][lo:hi], in.Data[1][lo:hi]}}
		if err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	h, err := ReadHeader(bytes.NewReader(buf.Bytes()))
	if err != nil || h.Samples != UnknownLength {
		t.Fatalf("header %+v, %v", h, err)
	}
	r, err := NewReader(bytes.NewReader(buf.Bytes()), m, WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	frames := 0
	all := &audio.PCM{Format: in.Format, Data: make([][]int32, 2)}
	for {
		p, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		frames++
		for c := range p.Data {
			all.Data[c] = append(all.Data[c], p.Data[c]...)
		}
	}
	if want := (in.Frames() + 255) / 256; frames != want {
		t.Errorf("%d frames, want %d", frames, want)
	}
	if ok, why := equalPCM(in, all); !ok {
		t.Fatal(why)
	}
	if _, err := r.Read(); err != io.EOF {
		t.Errorf("read after end: %v", err)
	}
}

func TestWriterErrors(t *testing.T) {
	in := fixture("sine")
	tests := []struct {
		name string
		run  func() error
	}{
		{"too many samples", func() error {
			w, _ := NewWriter(io.Discard, nil, in.Format, 10)
			return w.Write(in)
		}},
		{"too few samples", func() error {
			w, _ := NewWriter(io.Discard, nil, in.Format, 1e6)
			w.Write(in)
			return w.Close()
		}},
		{"sample out of range", func() error {
			w, _ := NewWriter(io.Discard, nil, audio.Format{SampleRate: 8000, BitDepth: 8, Channels: 1}, UnknownLength)
			return w.Write(&audio.PCM{Format: audio.Format{SampleRate: 8000, BitDepth: 8, Channels: 1}, Data: [][]int32{{0, 128}}})
		}},
		{"format mismatch", func() error {
			w, _ := NewWriter(io.Discard, nil, audio.Format{SampleRate: 8000, BitDepth: 16, Channels: 1}, UnknownLength)
			return w.Write(in)
		}},
		{"bad depth", func() error {
			_, err := NewWriter(io.Discard, nil, audio.Format{SampleRate: 8000, BitDepth: 12, Channels: 1}, UnknownLength)
			return err
		}},
		{"too many channels", func() error {
			_, err := NewWriter(io.Discard, nil, audio.Format{SampleRate: 8000, BitDepth: 16, Channels: 9}, UnknownLength)
			return err
		}},
		{"bad workers", func() error {
			_, err := NewWriter(io.Discard, nil, in.Format, UnknownLength, WithWorkers(0))
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); err == nil {
				t.Error("no error")
			}
		})
	}
}

func encodeFixture(t testing.TB, name string, m Predictor, opts ...Option) []byte {
	var buf bytes.Buffer
	if _, err := Encode(&buf, m, fixture(name), opts...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReaderErrors(t *testing.T) {
	m := neighbourModel{400, 16, 2}
	good := encodeFixture(t, "sine", m)
	t.Run("magic", func(t *testing.T) {
		bad := append([]byte("RIFF"), good[4:]...)
		if _, err := Decode(bytes.NewReader(bad), m); !errors.Is(err, ErrMagic) {
			t.Errorf("got %v", err)
		}
		if _, err := Decode(bytes.NewReader(nil), m); !errors.Is(err, ErrMagic) {
			t.Errorf("empty: got %v", err)
		}
	})
	t.Run("version", func(t *testing.T) {
		bad := bytes.Clone(good)
		bad[4] = 9
		var ve UnsupportedVersionError
		if _, err := Decode(bytes.NewReader(bad), m); !errors.As(err, &ve) || int(ve) != 9 {
			t.Errorf("got %v", err)
		}
	})
	t.Run("wrong model", func(t *testing.T) {
		other := neighbourModel{400, 16, 3}
		var we *WrongModelError
		_, err := Decode(bytes.NewReader(good), other)
		if !errors.As(err, &we) || we.Need != m.Hash() || we.Have != other.Hash() {
			t.Fatalf("got %v", err)
		}
		if !bytes.Contains([]byte(err.Error()), fmt.Appendf(nil, "%x", m.Hash())) {
			t.Errorf("error does not name the hash needed: %v", err)
		}
		if _, err := Decode(bytes.NewReader(good), nil); !errors.As(err, &we) || !we.HaveNone {
			t.Errorf("nil model: got %v", err)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		for n := 0; n < len(good); n += 1 + n/40 {
			_, err := Decode(bytes.NewReader(good[:n]), m)
			switch {
			case n < len(Magic) && errors.Is(err, ErrMagic):
			case n == 0 && errors.Is(err, ErrMagic):
			case errors.Is(err, io.ErrUnexpectedEOF):
			default:
				t.Fatalf("prefix of %d bytes: %v", n, err)
			}
		}
	})
	t.Run("bit flips", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		in := fixture("sine")
		detected := 0
		const trials = 300
		for range trials {
			bad := bytes.Clone(good)
			i := rng.IntN(len(bad))
			bad[i] ^= 1 << rng.IntN(8)
			out, err := Decode(bytes.NewReader(bad), m)
			if err != nil {
				var ce *CorruptInputError
				var we *WrongModelError
				var ve UnsupportedVersionError
				if !errors.Is(err, ErrChecksum) && !errors.As(err, &ce) && !errors.Is(err, ErrMagic) && !errors.As(err, &we) && !errors.As(err, &ve) {
					t.Fatalf("flip at %d: unexpected error type %T: %v", i, err, err)
				}
				detected++
				continue
			}
			if ok, _ := equalPCM(in, out); !ok {
				t.Fatalf("flip at byte %d decoded to wrong PCM without an error", i)
			}
		}
		if detected < trials*9/10 {
			t.Errorf("only %d of %d flips detected", detected, trials)
		}
	})
	t.Run("branching field", func(t *testing.T) {
		// Offset 55 holds log2 of the branching factor: 16 is OA-ARDM.
		oa := neighbourCDF{neighbourModel{400, cdfBranching, 2}}
		h, err := ReadHeader(bytes.NewReader(encodeFixture(t, "sine", oa)))
		if err != nil || h.Branching != cdfBranching {
			t.Fatalf("OA stream: branching %v, %v", h, err)
		}
		for _, db := range []uint16{0, 3, 5, 17, 0xffff} {
			bad := bytes.Clone(good)
			bad[55], bad[56] = byte(db), byte(db>>8)
			copy(bad[headerSize-4:headerSize], le32(crcOf(bad[:headerSize-4])))
			var ce *CorruptInputError
			if _, err := Decode(bytes.NewReader(bad), m); !errors.As(err, &ce) {
				t.Errorf("digit bits %d: got %v", db, err)
			}
		}
	})
	t.Run("checksum", func(t *testing.T) {
		// Rewrite a frame's PCM CRC with a valid record CRC: only the
		// decoded-PCM check can catch it.
		bad := bytes.Clone(good)
		rec := bad[headerSize : headerSize+frameRecordSize(1)]
		rec[len(rec)-5] ^= 0x10
		copy(rec[len(rec)-4:], le32(crcOf(rec[:len(rec)-4])))
		_, err := Decode(bytes.NewReader(bad), m)
		var ce *ChecksumError
		if !errors.Is(err, ErrChecksum) || !errors.As(err, &ce) || ce.Frame != 0 {
			t.Errorf("got %v", err)
		}
	})
}

func le32(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }

func TestQuantize(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	tests := []struct {
		name string
		p    []float32
	}{
		{"one", []float32{1}},
		{"uniform", []float32{.25, .25, .25, .25}},
		{"one-hot", []float32{0, 0, 1, 0}},
		{"all zero", []float32{0, 0, 0}},
		{"nan and inf", []float32{nan, .5, inf, -1}},
		{"tiny", []float32{1e-38, 1e-30, 1e-45}},
		{"unnormalised", []float32{3, 5, 7}},
		{"huge", []float32{3e38, 3e38, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			freq := make([]uint32, len(tc.p))
			Quantize(tc.p, freq)
			var sum uint64
			for i, f := range freq {
				if f == 0 {
					t.Errorf("symbol %d has frequency 0", i)
				}
				sum += uint64(f)
			}
			if sum != probScale {
				t.Errorf("sum %d", sum)
			}
		})
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		b := 1 + rng.IntN(300)
		p := make([]float32, b)
		for i := range p {
			p[i] = float32(math.Exp(rng.NormFloat64() * 8))
		}
		freq := make([]uint32, b)
		Quantize(p, freq)
		var sum uint64
		for _, f := range freq {
			if f == 0 {
				t.Fatal("zero frequency")
			}
			sum += uint64(f)
		}
		if sum != probScale {
			t.Fatalf("sum %d", sum)
		}
	}
}

// TestQuantizationOverhead codes symbols drawn from random distributions
// and compares the measured code length with -sum log2 p.
func TestQuantizationOverhead(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	worst := math.Inf(-1)
	defer func() { t.Logf("largest overhead %.4f%%", 100*worst) }()
	for _, b := range []int{2, 3, 4, 7, 16, 33, 100, 256} {
		for _, spread := range []float64{0.5, 3, 6} {
			const N = 20000
			const D = 8 // distinct distributions cycled through
			ps := make([][]float32, D)
			freqs := make([][]uint32, D)
			for k := range ps {
				ps[k] = make([]float32, b)
				var sum float64
				for i := range ps[k] {
					v := math.Exp(rng.NormFloat64() * spread)
					ps[k][i] = float32(v)
					sum += v
				}
				for i := range ps[k] {
					ps[k][i] /= float32(sum)
				}
				freqs[k] = make([]uint32, b)
				Quantize(ps[k], freqs[k])
			}
			syms := make([]int, N)
			var ideal float64
			for j := range syms {
				p := ps[j%D]
				u := rng.Float64()
				s := 0
				for acc := float64(p[0]); acc < u && s < b-1; {
					s++
					acc += float64(p[s])
				}
				syms[j] = s
				ideal -= math.Log2(float64(p[s]))
			}
			var e ransEncoder
			e.reset()
			for j := N - 1; j >= 0; j-- {
				f := freqs[j%D]
				var start uint32
				for _, v := range f[:syms[j]] {
					start += v
				}
				e.put(start, f[syms[j]])
			}
			out := e.appendTo(nil)
			// Decode to be sure.
			var d ransDecoder
			d.init(out)
			cum := make([]uint32, b+1)
			for j := 0; j < N; j++ {
				for i, f := range freqs[j%D] {
					cum[i+1] = cum[i] + f
				}
				s := lookup(cum, d.slot())
				if s != syms[j] {
					t.Fatalf("b=%d: symbol %d decoded as %d", b, j, s)
				}
				d.advance(cum[s], freqs[j%D][s])
			}
			if !d.done() {
				t.Fatalf("b=%d: stream not finished cleanly", b)
			}
			measured := float64(8*len(out) - 64) // the final state costs 8 bytes once per stream
			over := (measured - ideal) / ideal
			worst = max(worst, over)
			if over > 0.001 {
				t.Errorf("b=%d spread=%g: %.0f bits coded, %.0f ideal: overhead %.4f%%", b, spread, measured, ideal, 100*over)
			}
		}
	}
}

func TestOrder(t *testing.T) {
	for _, version := range []int{2, 3} {
		a := make([]int, 1000)
		b := make([]int, 1000)
		codingOrder(version, 1, 2, 0, 1, a)
		codingOrder(version, 1, 2, 0, 1, b)
		seen := make([]bool, len(a))
		for i, v := range a {
			if v != b[i] {
				t.Fatalf("version %d: order not deterministic", version)
			}
			if seen[v] {
				t.Fatalf("version %d: not a permutation", version)
			}
			seen[v] = true
		}
		codingOrder(version, 1, 2, 0, 2, b)
		same := 0
		for i := range a {
			if a[i] == b[i] {
				same++
			}
		}
		if same > 20 {
			t.Errorf("version %d: stages 1 and 2 share %d of 1000 positions", version, same)
		}
	}
	// Pinned: a version's order must never change between releases, or
	// its streams would no longer decode.
	for _, tc := range []struct {
		version int
		want    string
	}{
		{2, "[5 3 1 0 4 6 7 2]"},
		{3, "[2 6 4 0 3 7 5 1]"},
	} {
		c := make([]int, 8)
		codingOrder(tc.version, 42, 3, 1, 2, c)
		if got := fmt.Sprint(c); got != tc.want {
			t.Errorf("version %d: order(42,3,1,2) = %s, pinned %s", tc.version, got, tc.want)
		}
	}
}

func TestCoderKindJSON(t *testing.T) {
	b, err := json.Marshal(FrameInfo{Coders: []Kind{CoderModel, CoderLPC, CoderConstant}})
	if err != nil || !strings.Contains(string(b), `"coders":["model","lpc","constant"]`) {
		t.Fatalf("%s, %v", b, err)
	}
	var f FrameInfo
	if err := json.Unmarshal(b, &f); err != nil || len(f.Coders) != 3 || f.Coders[1] != CoderLPC {
		t.Fatalf("round trip: %v %+v", err, f)
	}
	var k Kind
	if err := k.UnmarshalText([]byte("zip")); err == nil {
		t.Error("unknown coder name accepted")
	}
}

// TestModelOnly: WithModelOnly stores every frame, digital silence
// included, with the model; without a model it is refused.
func TestModelOnly(t *testing.T) {
	pcm := fixture("sine")
	silent := &audio.PCM{Format: pcm.Format, Data: [][]int32{make([]int32, len(pcm.Data[0]))}}
	m := neighbourModel{512, 16, 2}
	for _, p := range []*audio.PCM{pcm, silent} {
		var buf bytes.Buffer
		if _, err := Encode(&buf, m, p, WithModelOnly(), WithBudget(30)); err != nil {
			t.Fatal(err)
		}
		info, err := Inspect(bytes.NewReader(buf.Bytes()))
		if err != nil || len(info.Frames) == 0 {
			t.Fatalf("inspect: %v, %d frames", err, len(info.Frames))
		}
		for _, f := range info.Frames {
			for _, k := range f.Coders {
				if k != CoderModel {
					t.Fatalf("frame %d stored with %v", f.Index, k)
				}
			}
		}
		out, err := Decode(bytes.NewReader(buf.Bytes()), m)
		if err != nil {
			t.Fatal(err)
		}
		if ok, why := equalPCM(p, out); !ok {
			t.Fatal(why)
		}
	}
	if _, err := Encode(io.Discard, nil, pcm, WithModelOnly()); err == nil {
		t.Error("model-only coding without a model accepted")
	}
}

// TestTrailingData: bytes after the end record are corruption, unless the
// reader is told to leave them; Inspect refuses them too.
func TestTrailingData(t *testing.T) {
	good := encodeFixture(t, "sine", nil)
	want, err := Decode(bytes.NewReader(good), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, extra := range [][]byte{{0}, []byte("appended garbage"), good} {
		bad := append(bytes.Clone(good), extra...)
		var ce *CorruptInputError
		if _, err := Decode(bytes.NewReader(bad), nil); !errors.As(err, &ce) || ce.Offset != int64(len(good)) {
			t.Fatalf("%d trailing bytes: %v, want a *CorruptInputError at %d", len(extra), err, len(good))
		}
		if _, err := Inspect(bytes.NewReader(bad)); !errors.As(err, &ce) {
			t.Fatalf("Inspect with %d trailing bytes: %v", len(extra), err)
		}
		got, err := Decode(bytes.NewReader(bad), nil, WithTrailingData())
		if err != nil || !got.Equal(want) {
			t.Fatalf("WithTrailingData: %v", err)
		}
	}
}

// TestMaxCalls: a stream whose header was changed to budget 0 (CRC
// recomputed, as an attacker would) is refused from the header alone when
// it asks for more calls than the limit; the honest stream passes.
func TestMaxCalls(t *testing.T) {
	m := neighbourModel{400, 16, 2}
	good := encodeFixture(t, "sine", m, WithBudget(8))
	h, err := ReadHeader(bytes.NewReader(good))
	if err != nil || h.Calls() != 8 {
		t.Fatalf("header %+v, %v", h, err)
	}
	bad := bytes.Clone(good)
	// The budget is the int32 at bytes 57..60, the header CRC-32C the
	// last 4 of the 73 header bytes.
	binary.LittleEndian.PutUint32(bad[57:], 0)
	binary.LittleEndian.PutUint32(bad[headerSize-4:], crc32.Checksum(bad[:headerSize-4], castagnoli))
	bh, err := ReadHeader(bytes.NewReader(bad))
	if err != nil || bh.Budget != 0 || bh.Calls() != 400*4 {
		t.Fatalf("crafted header %+v, %v", bh, err)
	}
	var ce *CostLimitError
	if _, err := Decode(bytes.NewReader(bad), m, WithMaxCalls(100)); !errors.As(err, &ce) || ce.Calls != 1600 || ce.Limit != 100 {
		t.Fatalf("got %v, want a *CostLimitError", err)
	}
	// A reader that is given nothing of the stream after the header still
	// refuses: the check needs no frame.
	if _, err := NewReader(bytes.NewReader(bad[:headerSize]), m, WithMaxCalls(100)); !errors.As(err, &ce) {
		t.Fatalf("header only: %v", err)
	}
	if _, err := Decode(bytes.NewReader(good), m, WithMaxCalls(100)); err != nil {
		t.Fatalf("honest stream: %v", err)
	}
	if nm := encodeFixture(t, "sine", nil); true {
		if _, err := Decode(bytes.NewReader(nm), nil, WithMaxCalls(1)); err != nil {
			t.Fatalf("a stream without a model costs no calls: %v", err)
		}
	}
}
