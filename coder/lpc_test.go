package coder

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// lpcSignal builds a named test signal of n samples at the given depth.
func lpcSignal(name string, n, depth int, seed uint64) []int32 {
	rng := rand.New(rand.NewPCG(seed, uint64(depth)))
	hi := int64(1)<<(depth-1) - 1
	lo := -int64(1) << (depth - 1)
	clamp := func(v float64) int32 {
		return int32(max(float64(lo), min(float64(hi), math.Round(v))))
	}
	x := make([]int32, n)
	switch name {
	case "random":
		for i := range x {
			x[i] = int32(lo + rng.Int64N(hi-lo+1))
		}
	case "square-full-scale":
		for i := range x {
			x[i] = int32(hi)
			if (i/37)%2 == 1 {
				x[i] = int32(lo)
			}
		}
	case "alternating":
		for i := range x {
			x[i] = int32(hi)
			if i%2 == 1 {
				x[i] = int32(lo)
			}
		}
	case "speech-like": // resonant AR noise with a moving envelope
		var y1, y2 float64
		for i := range x {
			env := 0.5 + 0.5*math.Sin(float64(i)/700)
			e := rng.NormFloat64() * env * float64(hi) / 60
			y := 1.6*y1 - 0.8*y2 + e
			y2, y1 = y1, y
			x[i] = clamp(y)
		}
	case "wasted-bits":
		for i := range x {
			x[i] = clamp(float64(hi)*0.7*math.Sin(float64(i)/5)) &^ 0xf
		}
	case "clipped-sine":
		for i := range x {
			x[i] = clamp(3 * float64(hi) * math.Sin(float64(i)/40))
		}
	case "constant":
		for i := range x {
			x[i] = int32(lo)
		}
	default:
		panic("unknown signal " + name)
	}
	return x
}

var lpcSignals = []string{"random", "square-full-scale", "alternating", "speech-like", "wasted-bits", "clipped-sine", "constant"}

// TestLPCRoundTrip codes every signal at every depth and several lengths
// with the lpc coder directly and compares every sample; encoding twice
// gives the same bytes.
func TestLPCRoundTrip(t *testing.T) {
	var sc, sc2 lpcScratch
	for _, depth := range []int{8, 16, 24, 32} {
		for _, name := range lpcSignals {
			for _, n := range []int{1, 2, 3, 33, 700, 5000} {
				x := lpcSignal(name, n, depth, uint64(n))
				p := encodeLPC(nil, x, depth, &sc)
				again := encodeLPC(nil, x, depth, &sc2)
				if !bytes.Equal(p, again) {
					t.Fatalf("%s/%d/%d: two encodings differ", name, depth, n)
				}
				got := make([]int32, n)
				if !decodeLPC(p, depth, got, &sc2) {
					t.Fatalf("%s/%d/%d: decode failed", name, depth, n)
				}
				for i := range x {
					if got[i] != x[i] {
						t.Fatalf("%s/%d/%d: sample %d = %d, want %d", name, depth, n, i, got[i], x[i])
					}
				}
				// Random signals cost at most a little over their depth.
				if bound := n*depth/8 + n/8 + 64 + 8*n/minLPCBlock; len(p) > bound {
					t.Errorf("%s/%d/%d: %d bytes, bound %d", name, depth, n, len(p), bound)
				}
			}
		}
	}
}

// TestLPCExtremePredictor decodes hand-made streams whose coefficients
// are the largest allowed with the largest shift, so the prediction sums
// reach their extremes (no overflow, the clamp holds).
func TestLPCExtremePredictor(t *testing.T) {
	for _, depth := range []int{16, 32} {
		for _, name := range []string{"alternating", "square-full-scale", "random"} {
			x := lpcSignal(name, 3000, depth, 5)
			var sc lpcScratch
			lo, hi := sampleRange(depth, 0)
			for _, c := range []int32{1<<15 - 1, -(1 << 15)} {
				y := append([]int32(nil), x...)
				sc.blocks[0] = lpcBlock{order: maxLPCOrder, prec: maxLPCPrec, shift: 0}
				for k := range sc.blocks[0].q[:maxLPCOrder] {
					sc.blocks[0].q[k] = c
				}
				p := sc.encode(nil, y, 0, 0, lo, hi)
				got := make([]int32, len(x))
				if !decodeLPC(p, depth, got, &sc) {
					t.Fatalf("%s/%d/%d: decode failed", name, depth, c)
				}
				for i := range x {
					if got[i] != x[i] {
						t.Fatalf("%s/%d/%d: sample %d differs", name, depth, c, i)
					}
				}
			}
		}
	}
}

// TestLPCCorrupt: every truncation and every single-byte change of a
// payload is rejected or decodes to in-range samples without panicking;
// truncations are always rejected.
func TestLPCCorrupt(t *testing.T) {
	x := lpcSignal("speech-like", 2000, 16, 3)
	var sc lpcScratch
	p := encodeLPC(nil, x, 16, &sc)
	got := make([]int32, len(x))
	for cut := 0; cut < len(p); cut++ {
		if decodeLPC(p[:cut], 16, got, &sc) {
			t.Fatalf("truncation to %d bytes accepted", cut)
		}
	}
	rejected := 0
	for i := 0; i < len(p); i += 7 {
		q := append([]byte(nil), p...)
		q[i] ^= 0x5a
		if !decodeLPC(q, 16, got, &sc) {
			rejected++
		}
	}
	if rejected == 0 {
		t.Error("no corrupted payload rejected")
	}
}

func FuzzLPCDecode(f *testing.F) {
	var sc lpcScratch
	for _, name := range lpcSignals {
		f.Add(encodeLPC(nil, lpcSignal(name, 300, 16, 1), 16, &sc), uint16(300), uint8(16))
	}
	f.Add(encodeLPC(nil, lpcSignal("speech-like", 1000, 24, 1), 24, &sc), uint16(1000), uint8(24))
	f.Fuzz(func(t *testing.T, p []byte, n uint16, d uint8) {
		depth := []int{8, 16, 24, 32}[d%4]
		dst := make([]int32, int(n)%4000+1)
		var sc lpcScratch
		if decodeLPC(p, depth, dst, &sc) {
			lo, hi := sampleRange(depth, 0)
			for _, v := range dst {
				if int64(v) < lo || int64(v) > hi {
					t.Fatalf("sample %d out of %d-bit range", v, depth)
				}
			}
			// A payload that decodes re-encodes to a valid payload of the
			// same samples.
			q := encodeLPC(nil, dst, depth, &sc)
			back := make([]int32, len(dst))
			if !decodeLPC(q, depth, back, &sc) {
				t.Fatal("re-encoding does not decode")
			}
		}
	})
}

// TestLPCStream: every fixture (multi-channel and every depth included)
// round-trips through the stream format with the lpc coder forced, and
// with the cascade coder forced.
func TestLPCStream(t *testing.T) {
	for _, k := range []Kind{CoderLPC, CoderCascade} {
		for _, name := range fixtureNames {
			in := fixture(name)
			var buf bytes.Buffer
			if _, err := Encode(&buf, nil, in, forceCoder(k), WithFrameLen(900)); err != nil {
				t.Fatal(err)
			}
			out, err := Decode(bytes.NewReader(buf.Bytes()), nil)
			if err != nil {
				t.Fatalf("%s %s: %v", k, name, err)
			}
			if ok, why := equalPCM(in, out); !ok {
				t.Fatalf("%s %s: %s", k, name, why)
			}
		}
	}
}

// TestLPCSC09 reports the bits/sample of the lpc and cascade coders alone
// and of the automatic fallback choice on the real dev clips, and checks
// that lpc beats the fixed predictors there, the cascade lpc, and the
// choice both.
func TestLPCSC09(t *testing.T) {
	clips := readWAVDir(t, sc09Dev)
	if len(clips) == 0 {
		t.Skip("no", sc09Dev)
	}
	res := map[string]float64{}
	for _, cfg := range []struct {
		name string
		opts []Option
	}{{"fixed-rice", []Option{forceCoder(CoderFixedRice)}}, {"lpc", []Option{forceCoder(CoderLPC)}},
		{"cascade", []Option{forceCoder(CoderCascade)}}, {"auto", nil}} {
		var bits, samples float64
		start := time.Now()
		for _, clip := range clips {
			var buf bytes.Buffer
			st, err := Encode(&buf, nil, clip, cfg.opts...)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Decode(&buf, nil)
			if err != nil {
				t.Fatal(err)
			}
			if ok, why := equalPCM(clip, out); !ok {
				t.Fatalf("%s: %s", cfg.name, why)
			}
			bits += 8 * float64(st.Bytes)
			samples += float64(clip.Frames())
		}
		res[cfg.name] = bits / samples
		t.Logf("%s: %.4f bits/sample, round trip %.0fx real time", cfg.name, bits/samples, samples/16000/time.Since(start).Seconds())
	}
	if res["lpc"] >= res["fixed-rice"] || res["cascade"] >= res["lpc"] || res["auto"] > res["cascade"] {
		t.Errorf("lpc %.4f, fixed-rice %.4f, cascade %.4f, auto %.4f", res["lpc"], res["fixed-rice"], res["cascade"], res["auto"])
	}
}

func BenchmarkLPC(b *testing.B) {
	for _, n := range []int{4000, 16000} {
		x := lpcSignal("speech-like", n, 16, 1)
		var sc lpcScratch
		p := encodeLPC(nil, x, 16, &sc)
		b.Run("encode/"+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(2 * n))
			var dst []byte
			for b.Loop() {
				dst = encodeLPC(dst[:0], x, 16, &sc)
			}
			b.ReportMetric(float64(n)/16000*float64(b.N)/b.Elapsed().Seconds(), "x-realtime")
		})
		b.Run("decode/"+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(2 * n))
			dst := make([]int32, n)
			for b.Loop() {
				if !decodeLPC(p, 16, dst, &sc) {
					b.Fatal("decode failed")
				}
			}
			b.ReportMetric(float64(n)/16000*float64(b.N)/b.Elapsed().Seconds(), "x-realtime")
		})
	}
}
