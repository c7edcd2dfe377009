package ardm

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ardm-dev/ardm/stages"

	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/coder"
)

var (
	_ coder.CDFPredictor = (*Predictor)(nil)
	_ coder.CDFPredictor = (*PredictorPool)(nil)
)

// TestPredictCDF checks PredictCDF against Predict's tables (b <= 256,
// both heads) and against TargetBits (OA), and that the OA mixture's CDF
// is non-decreasing over all 65537 points at every position.
func TestPredictCDF(t *testing.T) {
	soft := smallConfig(16, 4, 2, 3)
	tests := []struct {
		name string
		cfg  Config
	}{
		{"softmax-16", soft},
		{"mixture-16", mixConfig(16, 3)},
		{"mixture-256", mixConfig(256, 5)},
		{"mixture-oa", mixConfig(OABranching, 4)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.FrameLen = 200
			b := cfg.Branching
			p := NewPredictor(NewModel(randomWeights(cfg, 11)))
			stage := cfg.Stages()
			rng := rand.New(rand.NewPCG(5, 6))
			n := 200
			x := make([]uint16, n) // the true values
			values, mask, rev := make([]uint16, n), make([]bool, n), 0
			for i := range x {
				x[i] = uint16(32768 + 9000*math.Sin(0.05*float64(i)) + 300*rng.NormFloat64())
				if rng.IntN(3) == 0 {
					mask[i] = true
					rev++
				}
				if mask[i] {
					values[i] = stages.KeepTopBits(x[i], stage*cfg.DigitBits())
				} else {
					values[i] = stages.KeepTopBits(x[i], (stage-1)*cfg.DigitBits())
				}
			}
			var pos []int
			for i := range mask {
				if !mask[i] && len(pos) < 12 {
					pos = append(pos, i)
				}
			}
			F := p.PredictCDF(stage, rev, values, mask, pos)
			if b <= 256 {
				probs := make([]float32, len(pos)*b)
				p.Predict(stage, rev, values, mask, pos, probs)
				for j := range pos {
					for v := 0; v < b; v++ {
						got, want := F(j, v+1)-F(j, v), float64(probs[j*b+v])
						if math.Abs(got-want) > 1e-6*want+1e-12 {
							t.Fatalf("position %d digit %d: CDF step %v, Predict %v", pos[j], v, got, want)
						}
					}
				}
				return
			}
			for j, i := range pos {
				if F(j, 0) != 0 || F(j, b) != 1 {
					t.Fatalf("position %d: F(0) = %v, F(b) = %v", i, F(j, 0), F(j, b))
				}
				prev, worst := 0.0, 0.0
				for v := 1; v <= b; v++ {
					c := F(j, v)
					worst = math.Max(worst, prev-c)
					prev = c
				}
				if worst > 1e-12 {
					t.Fatalf("position %d: CDF decreases by %g", i, worst)
				}
				// The step at the true value is TargetBits' probability.
				want := math.Exp2(-p.TargetBits(stage, rev, values, mask, []int{i}, x))
				got := F(j, int(x[i])+1) - F(j, int(x[i]))
				if math.Abs(got-want) > 1e-6*want {
					t.Fatalf("position %d value %d: CDF step %v, TargetBits %v", i, x[i], got, want)
				}
			}
		})
	}
}

// oaTestModel is a tiny OA-ARDM mixture model whose distributions are
// narrow bumps at three levels (so the model, not a fallback coder, wins
// every frame) that move a little with the network's input (OutW small
// and random, so encoder and decoder must agree on every input bit).
func oaTestModel(frameLen int, seed uint64) *Model {
	cfg := mixConfig(OABranching, 3)
	cfg.FrameLen = frameLen
	w := NewWeights(cfg, seed)
	rng := rand.New(rand.NewPCG(seed, 17))
	for i := range w.OutW {
		w.OutW[i] = float32(rng.NormFloat64() * 2e-3)
	}
	copy(w.OutB, []float32{0, 0.3, -0.2, -0.3, 0, 0.35, -6.5, -6, -7})
	return NewModel(w)
}

// oaClip generates n samples per channel from m (16-bit), or their top
// 8 bits (8-bit), seeded.
func oaClip(t testing.TB, m *Model, channels, n, depth int, seed uint64) *audio.PCM {
	p := NewPredictor(m)
	pcm := &audio.PCM{Format: audio.Format{SampleRate: 16000, BitDepth: depth, Channels: channels}}
	for c := 0; c < channels; c++ {
		x := make([]uint16, n)
		if err := p.Generate(context.Background(), x, GenerateOptions{Budget: 16, Seed: seed<<8 | uint64(c)}); err != nil {
			t.Fatal(err)
		}
		d := make([]int32, n)
		for i, v := range x {
			d[i] = audio.FromUnsigned16(v) >> uint(16-depth)
		}
		pcm.Data = append(pcm.Data, d)
	}
	return pcm
}

// TestOACodecRoundTrip codes clips with a tiny OA-ARDM model through the
// coder (PredictCDF), bit-exact, with the same bytes on any GOMAXPROCS.
func TestOACodecRoundTrip(t *testing.T) {
	m := oaTestModel(256, 3)
	tests := []struct {
		name               string
		channels, n, depth int
		budget             int
	}{
		{"mono16", 1, 256*3 + 37, 16, 12},
		{"stereo16-per-position", 2, 300, 16, 0},
		{"mono8", 1, 600, 8, 20},
		{"one-sample", 1, 1, 16, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := oaClip(t, m, tc.channels, tc.n, tc.depth, 1)
			var ref []byte
			for _, procs := range []int{1, 2} {
				old := runtime.GOMAXPROCS(procs)
				var buf bytes.Buffer
				st, err := coder.Encode(&buf, NewPredictorPool(m, 0), in, coder.WithBudget(tc.budget))
				runtime.GOMAXPROCS(old)
				if err != nil {
					t.Fatal(err)
				}
				if ref == nil {
					ref = buf.Bytes()
					frames := int64(tc.channels) * st.Frames
					if tc.n > 1 && st.Coders[coder.CoderModel].Frames != frames {
						t.Errorf("model coded %d of %d channel-frames", st.Coders[coder.CoderModel].Frames, frames)
					}
					t.Logf("%.2f bits/sample", st.BitsPerSample(tc.channels))
				} else if !bytes.Equal(ref, buf.Bytes()) {
					t.Fatalf("GOMAXPROCS=%d: different bytes", procs)
				}
				out, err := coder.Decode(bytes.NewReader(buf.Bytes()), NewPredictorPool(m, 0))
				if err != nil {
					t.Fatal(err)
				}
				if !in.Equal(out) {
					t.Fatalf("GOMAXPROCS=%d: round trip differs", procs)
				}
			}
		})
	}
}

// bitsModel is a PredictorPool that adds up, for every PredictCDF call
// of the coder, the model's own bits for the true values (TargetBits).
type bitsModel struct {
	*PredictorPool
	x    []uint16
	bits float64
}

func (m *bitsModel) PredictCDF(stage, t int, values []uint16, mask []bool, pos []int) func(j, v int) float64 {
	m.bits += m.PredictorPool.TargetBits(stage, t, values, mask, pos, m.x)
	return m.PredictorPool.PredictCDF(stage, t, values, mask, pos)
}

// TestOAQuantizationOverhead compares the coded size of a clip with the
// model's own bits for it. One frame of 16000 samples keeps the rANS
// flush (64 bits per frame, about 32 of them information) below 0.02%.
func TestOAQuantizationOverhead(t *testing.T) {
	const n = 16000
	for _, seed := range []uint64{3, 4} {
		m := oaTestModel(n, seed)
		in := oaClip(t, m, 1, n, 16, seed)
		bm := &bitsModel{PredictorPool: NewPredictorPool(m, 0), x: make([]uint16, n)}
		for i, v := range in.Data[0] {
			bm.x[i] = audio.ToUnsigned16(v)
		}
		var buf bytes.Buffer
		st, err := coder.Encode(&buf, bm, in, coder.WithBudget(30), coder.WithWorkers(1))
		if err != nil {
			t.Fatal(err)
		}
		ms := st.Coders[coder.CoderModel]
		if ms.Frames != 1 {
			t.Fatalf("model coded %d frames", ms.Frames)
		}
		coded := float64(8*ms.Bytes - 64)
		over := (coded - bm.bits) / bm.bits
		t.Logf("seed %d: %.0f bits coded, model's own %.0f (%.3f bits/sample): overhead %+.4f%%", seed, coded, bm.bits, bm.bits/n, 100*over)
		if math.Abs(over) > 0.001 {
			t.Errorf("seed %d: overhead %.4f%% beyond 0.1%%", seed, 100*over)
		}
	}
}

// timedModel is a PredictorPool that times its PredictCDF calls (the
// network and the mixture parameters); the rest of coding is the
// quantisation, the search and rANS.
type timedModel struct {
	*PredictorPool
	mu  sync.Mutex
	net time.Duration
}

func (m *timedModel) PredictCDF(stage, t int, values []uint16, mask []bool, pos []int) func(j, v int) float64 {
	start := time.Now()
	F := m.PredictorPool.PredictCDF(stage, t, values, mask, pos)
	d := time.Since(start)
	m.mu.Lock()
	m.net += d
	m.mu.Unlock()
	return F
}

// BenchmarkOACodec encodes and decodes one second of 16 kHz audio with
// the tiny OA-ARDM model (4 channels, 2 layers, 3 mixtures, frames of
// 256) on one worker and reports real-time factors and the share of the
// time spent outside the network call (the CDF evaluations, binary search
// and rANS).
func BenchmarkOACodec(b *testing.B) {
	for _, budget := range []int{0, 16} {
		b.Run(map[int]string{0: "per-position", 16: "budget16"}[budget], func(b *testing.B) {
			m := oaTestModel(256, 3)
			in := oaClip(b, m, 1, 16000, 16, 1)
			opts := []coder.Option{coder.WithBudget(budget), coder.WithWorkers(1)}
			var stream []byte
			var encT, decT, encNet, decNet time.Duration
			b.ReportAllocs()
			b.SetBytes(2 * 16000)
			for b.Loop() {
				tm := &timedModel{PredictorPool: NewPredictorPool(m, 1)}
				var buf bytes.Buffer
				start := time.Now()
				if _, err := coder.Encode(&buf, tm, in, opts...); err != nil {
					b.Fatal(err)
				}
				encT += time.Since(start)
				encNet += tm.net
				stream = buf.Bytes()
				tm = &timedModel{PredictorPool: NewPredictorPool(m, 1)}
				start = time.Now()
				out, err := coder.Decode(bytes.NewReader(stream), tm, coder.WithWorkers(1))
				if err != nil {
					b.Fatal(err)
				}
				decT += time.Since(start)
				decNet += tm.net
				if !in.Equal(out) {
					b.Fatal("round trip differs")
				}
			}
			// The cost of one evaluation of a position's CDF: the
			// decoder's binary search makes 16 per sample, the encoder 2.
			n := in.Frames()
			x := make([]uint16, n)
			all := make([]int, n)
			for i := range all {
				all[i] = i
			}
			F := NewPredictor(m).PredictCDF(1, 0, x, make([]bool, n), all)
			start := time.Now()
			var sink float64
			for j := range all {
				for v := 1; v <= 16; v++ {
					sink += F(j, v*4093)
				}
			}
			if sink < 0 {
				b.Fatal("negative CDF")
			}
			b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(16*n), "ns/cdf-eval")
			N := float64(b.N)
			b.ReportMetric(N/encT.Seconds(), "enc-x-realtime")
			b.ReportMetric(N/decT.Seconds(), "dec-x-realtime")
			b.ReportMetric(1-encNet.Seconds()/encT.Seconds(), "enc-non-net-share")
			b.ReportMetric(1-decNet.Seconds()/decT.Seconds(), "dec-non-net-share")
			b.ReportMetric(8*float64(len(stream))/16000, "bits/sample")
		})
	}
}

const streamGoldenFile = "testdata/stream_golden.txt"

// TestStreamGolden encodes a clip generated by a tiny OA-ARDM model with
// that model (every frame stored by the model) and compares the stream's
// SHA-256 with a golden value; TestForwardCrossArch runs it under
// qemu-aarch64 too, so sampling, the network, the CDFs and the coder all
// give the same bytes on arm64. -update rewrites the golden value.
func TestStreamGolden(t *testing.T) {
	m := oaTestModel(256, 3)
	in := oaClip(t, m, 1, 256*3+37, 16, 1)
	var buf bytes.Buffer
	st, err := coder.Encode(&buf, NewPredictorPool(m, 0), in, coder.WithBudget(12))
	if err != nil {
		t.Fatal(err)
	}
	if st.Coders[coder.CoderModel].Frames != st.Frames {
		t.Fatalf("model stored %d of %d frames", st.Coders[coder.CoderModel].Frames, st.Frames)
	}
	out, err := coder.Decode(bytes.NewReader(buf.Bytes()), NewPredictorPool(m, 0))
	if err != nil || !in.Equal(out) {
		t.Fatalf("round trip: %v", err)
	}
	sum := sha256.Sum256(buf.Bytes())
	got := hex.EncodeToString(sum[:])
	if *update {
		if err := os.WriteFile(streamGoldenFile, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(streamGoldenFile)
	if err != nil {
		t.Fatalf("%v (run go test -run TestStreamGolden -update)", err)
	}
	if got != strings.TrimSpace(string(want)) {
		t.Fatalf("stream hash %s, golden %s (GOARCH=%s)", got, strings.TrimSpace(string(want)), runtime.GOARCH)
	}
}
