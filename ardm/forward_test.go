package ardm

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ardm-dev/ardm/ardm/internal/fixture"
	"github.com/ardm-dev/ardm/ardm/internal/kernels"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// randomWeights returns weights for cfg with every parameter (biases and
// the output layer included) drawn from seed, so that no layer is trivial.
func randomWeights(cfg Config, seed uint64) *Weights {
	w := NewWeights(cfg, seed)
	fixture.FillParams(w.Params(), cfg.Channels, seed)
	return w
}

// randomInput returns a stage input: smooth-ish audio, its stage value
// and a random mask with t positions revealed.
func randomInput(cfg Config, stage, n int, seed uint64) (values []uint16, mask []bool, t int) {
	return fixture.StageInput(cfg.DigitBits(), stage, n, seed)
}

// referenceForward is a literal float64 transcription of the network in
// doc.go, used to check the kernels.
func referenceForward(w *Weights, stage, t int, values []uint16, mask []bool) []float64 {
	cfg := w.Config
	n, C, K, O, E := len(values), cfg.Channels, cfg.Kernel, cfg.Outputs(), cfg.EmbedDim
	feat := make([]float32, n*cfg.NumFeatures())
	Features(cfg, stage, values, mask, feat)
	emb := make([]float32, E)
	Embedding(cfg, t, n, emb)
	e := make([]float64, C)
	for o := range e {
		s := float64(w.EmbB[o])
		for j := 0; j < E; j++ {
			s += float64(emb[j]) * float64(w.EmbW[j*C+o])
		}
		e[o] = math.Tanh(s)
	}
	h := make([]float64, n*C)
	for i := 0; i < n; i++ {
		for o := 0; o < C; o++ {
			s := float64(w.InB[o])
			for j := 0; j < cfg.NumFeatures(); j++ {
				s += float64(feat[i*cfg.NumFeatures()+j]) * float64(w.InW[j*C+o])
			}
			h[i*C+o] = s
		}
	}
	skip := make([]float64, n*C)
	for l, b := range w.Blocks {
		d := cfg.Dilation(l)
		y := make([]float64, n*C)
		for o := 0; o < C; o++ {
			c := 0.0
			for j := 0; j < C; j++ {
				c += e[j] * float64(b.CondW[j*C+o])
			}
			for i := 0; i < n; i++ {
				y[i*C+o] = h[i*C+o] + c
			}
		}
		hn := make([]float64, n*C)
		for i := 0; i < n; i++ {
			z := make([]float64, 2*C)
			for o := range z {
				z[o] = float64(b.ConvB[o])
			}
			for k := 0; k < K; k++ {
				src := i + (k-(K-1)/2)*d
				if src < 0 || src >= n {
					continue
				}
				for j := 0; j < C; j++ {
					for o := range z {
						z[o] += y[src*C+j] * float64(b.ConvW[(k*C+j)*2*C+o])
					}
				}
			}
			g := make([]float64, C)
			for j := range g {
				g[j] = math.Tanh(z[j]) / (1 + math.Exp(-z[C+j]))
			}
			for o := 0; o < C; o++ {
				r, s := float64(b.ResB[o]), float64(b.SkipB[o])
				for j := 0; j < C; j++ {
					r += g[j] * float64(b.ResW[j*C+o])
					s += g[j] * float64(b.SkipW[j*C+o])
				}
				hn[i*C+o] = (h[i*C+o] + r) / math.Sqrt2
				skip[i*C+o] += s
			}
		}
		h = hn
	}
	out := make([]float64, n*O)
	for i := 0; i < n; i++ {
		o1 := make([]float64, C)
		for j := range o1 {
			o1[j] = math.Max(0, skip[i*C+j]/math.Sqrt(float64(cfg.Layers)))
		}
		o2 := make([]float64, C)
		for o := range o2 {
			s := float64(w.Out1B[o])
			for j := 0; j < C; j++ {
				s += o1[j] * float64(w.Out1W[j*C+o])
			}
			o2[o] = math.Max(0, s)
		}
		for o := 0; o < O; o++ {
			s := float64(w.OutB[o])
			for j := 0; j < C; j++ {
				s += o2[j] * float64(w.OutW[j*O+o])
			}
			out[i*O+o] = s
		}
	}
	return out
}

func smallConfig(b, channels, layers, kernel int) Config {
	cfg := DefaultConfig()
	cfg.Branching, cfg.Channels, cfg.Layers, cfg.Kernel = b, channels, layers, kernel
	cfg.DilationCycle = 4
	cfg.EmbedDim = 8
	return cfg
}

func TestForwardMatchesReference(t *testing.T) {
	tests := []struct {
		name                  string
		b, ch, layers, kernel int
		stage, n              int
		features              int
	}{
		{"b16", 16, 8, 3, 3, 2, 200, FeaturesBase},
		{"b2-odd-channels", 2, 7, 5, 3, 9, 150, FeaturesBase},
		{"b4-kernel5", 4, 10, 4, 5, 1, 97, FeaturesBase},
		{"b256-kernel1", 256, 5, 2, 1, 2, 40, FeaturesBase},
		{"tiny-n", 16, 6, 6, 3, 4, 3, FeaturesBase},
		{"b16-interp", 16, 8, 3, 3, 3, 200, FeaturesInterp},
		{"b4-interp-tiny-n", 4, 6, 2, 3, 5, 2, FeaturesInterp},
		{"b16-lpc", 16, 8, 3, 3, 4, 1300, FeaturesLPC},
		{"b16-lpc-tiny-n", 16, 5, 2, 3, 2, 1, FeaturesLPC},
		{"b16-fine", 16, 8, 3, 3, 3, 900, FeaturesFine},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := smallConfig(tc.b, tc.ch, tc.layers, tc.kernel)
			cfg.Features = tc.features
			w := randomWeights(cfg, 5)
			values, mask, rev := randomInput(cfg, tc.stage, tc.n, 11)
			got := make([]float32, tc.n*cfg.Outputs())
			w.Forward(tc.stage, rev, values, mask, got)
			want := referenceForward(w, tc.stage, rev, values, mask)
			if e := fixture.MaxRelErr(got, want); e > 1e-5 || math.IsNaN(e) {
				t.Fatalf("max relative error %.3g > 1e-5", e)
			}
		})
	}
}

func TestForwardDeterministicAcrossWorkers(t *testing.T) {
	cfg := smallConfig(16, 12, 4, 3)
	w := randomWeights(cfg, 3)
	n := 2000
	values, mask, rev := randomInput(cfg, 2, n, 4)
	want := make([]float32, n*cfg.Outputs())
	f := NewForwarder(w)
	f.SetWorkers(1)
	f.Forward(2, rev, values, mask, want)
	for _, workers := range []int{2, 3, 7, 0} {
		got := make([]float32, len(want))
		g := NewForwarder(w)
		g.SetWorkers(workers)
		g.Forward(2, rev, values, mask, got)
		if i := firstBitDiff(got, want); i >= 0 {
			t.Fatalf("workers=%d: logit %d differs: %v vs %v", workers, i, got[i], want[i])
		}
	}
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	got := make([]float32, len(want))
	w.Forward(2, rev, values, mask, got)
	if i := firstBitDiff(got, want); i >= 0 {
		t.Fatalf("GOMAXPROCS=2: logit %d differs", i)
	}
	// Reusing a Forwarder gives the same bytes.
	f.Forward(2, rev, values, mask, got)
	if i := firstBitDiff(got, want); i >= 0 {
		t.Fatalf("second call: logit %d differs", i)
	}
}

func firstBitDiff(a, b []float32) int {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i
		}
	}
	return -1
}

// TestForwardAtMatchesForward checks that the logits at a subset of
// positions, for which ForwardAt runs each block only where the head needs
// it (rowsNeeded), are bit-identical to a full forward's, for scattered,
// evenly spaced (as the coder reveals them), edge and dense position sets,
// on one Forwarder whose stale rows from earlier calls must not leak in.
func TestForwardAtMatchesForward(t *testing.T) {
	for _, tc := range []struct {
		cfg Config
		n   int
	}{
		{smallConfig(4, 9, 3, 3), 500},
		{smallConfig(16, 8, 6, 3), 1003},
		{smallConfig(16, 8, 7, 5), 640},
	} {
		cfg, n, O := tc.cfg, tc.n, tc.cfg.Outputs()
		w := randomWeights(cfg, 8)
		values, mask, rev := randomInput(cfg, 3, n, 2)
		all := make([]float32, n*O)
		f := NewForwarder(w)
		f.Forward(3, rev, values, mask, all)
		rng := rand.New(rand.NewPCG(uint64(n), 3))
		sets := [][]int{{n - 1, 0, 17, 17, n / 2, 3}, {0}, {n - 1}}
		for _, stride := range []int{16, 8, 64} {
			var s []int
			for p := 5; p < n; p += stride {
				s = append(s, p)
			}
			sets = append(sets, s)
		}
		var dense []int
		for p := 0; p < n; p++ {
			if rng.IntN(4) != 0 {
				dense = append(dense, p)
			}
		}
		sets = append(sets, dense, []int{rng.IntN(n), rng.IntN(n), rng.IntN(n)})
		for si, pos := range sets {
			got := make([]float32, len(pos)*O)
			f.ForwardAt(3, rev, values, mask, pos, got)
			for j, p := range pos {
				if i := firstBitDiff(got[j*O:(j+1)*O], all[p*O:(p+1)*O]); i >= 0 {
					t.Fatalf("n %d, set %d: position %d output %d differs", n, si, p, i)
				}
			}
		}
	}
}

// goldenLogitsHash runs a fixed forward with the given feature set and
// hashes the logits' bits.
func goldenLogitsHash(features int) string {
	cfg := smallConfig(16, 16, 6, 3)
	cfg.Features = features
	w := randomWeights(cfg, 42)
	n := 1500
	values, mask, rev := randomInput(cfg, 3, n, 43)
	logits := make([]float32, n*cfg.Outputs())
	w.Forward(3, rev, values, mask, logits)
	h := sha256.New()
	var buf [4]byte
	for _, v := range logits {
		binary.LittleEndian.PutUint32(buf[:], math.Float32bits(v))
		h.Write(buf[:])
	}
	probs := make([]float32, cfg.Branching)
	for i := 0; i < n; i++ {
		kernels.Softmax(logits[i*cfg.Outputs()+2*cfg.Branching:i*cfg.Outputs()+3*cfg.Branching], probs)
		for _, p := range probs {
			binary.LittleEndian.PutUint32(buf[:], math.Float32bits(p))
			h.Write(buf[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// goldenFiles holds the pinned hash of each feature set's forward.
var goldenFiles = map[int]string{
	FeaturesBase:   "testdata/forward_golden.txt",
	FeaturesInterp: "testdata/forward_golden_interp.txt",
	FeaturesLPC:    "testdata/forward_golden_lpc.txt",
	FeaturesFine:   "testdata/forward_golden_fine.txt",
}

// TestForwardGolden pins the exact bits of a forward pass (and softmax)
// for every feature set; the same test binary run under qemu-aarch64
// (TestForwardCrossArch) must give the same hashes.
func TestForwardGolden(t *testing.T) {
	for features, file := range goldenFiles {
		got := goldenLogitsHash(features)
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte(got+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (run go test -run TestForwardGolden -update)", err)
		}
		if got != strings.TrimSpace(string(want)) {
			t.Fatalf("feature set %d: logits hash %s, golden %s (GOARCH=%s)", features, got, strings.TrimSpace(string(want)), runtime.GOARCH)
		}
	}
}

// TestForwardCrossArch builds this package's tests for arm64 and runs
// TestForwardGolden under qemu-aarch64, where the compiler fuses
// multiply-adds unless told not to.
func TestForwardCrossArch(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-arch check skipped in -short mode")
	}
	if runtime.GOARCH == "arm64" || os.Getenv("ARDM_IN_QEMU") != "" {
		t.Skip("already on arm64")
	}
	qemu, err := exec.LookPath("qemu-aarch64")
	if err != nil {
		if qemu, err = exec.LookPath("qemu-aarch64-static"); err != nil {
			t.Skip("qemu-aarch64 not installed (Debian package qemu-user)")
		}
	}
	bin := filepath.Join(t.TempDir(), "ardm.test")
	build := exec.Command("go", "test", "-c", "-o", bin, ".")
	build.Env = append(os.Environ(), "GOARCH=arm64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building arm64 test binary: %v\n%s", err, out)
	}
	run := exec.Command(qemu, bin, "-test.run", "^(TestForwardGolden|TestStreamGolden)$", "-test.v")
	run.Env = append(os.Environ(), "ARDM_IN_QEMU=1")
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("arm64 forward differs from the golden hash: %v\n%s", err, out)
	}
	for _, name := range []string{"TestForwardGolden", "TestStreamGolden"} {
		if !strings.Contains(string(out), "--- PASS: "+name) {
			t.Fatalf("arm64 run did not pass %s:\n%s", name, out)
		}
	}
}

func BenchmarkForward(b *testing.B) { benchmarkForward(b, DefaultConfig(), 1) }

// BenchmarkForwardShipped is the shape of the built-in model
// (internal/builtin/default.ardmm: b=2, 16 channels x 10 layers, dilation cycle 10,
// feature set 3) and of the one before it (b=16, 16 x 8, cycle 8): a full
// forward, and a forward at every 8th position, as a coder step of 8 in a
// stage asks for (ForwardAt runs the upper blocks only there).
func BenchmarkForwardShipped(b *testing.B) {
	shipped := DefaultConfig()
	shipped.Branching, shipped.Channels, shipped.Layers, shipped.DilationCycle, shipped.Features = 2, 16, 10, 10, FeaturesFine
	before := DefaultConfig()
	before.Channels, before.Layers, before.DilationCycle, before.Features = 16, 8, 8, FeaturesFine
	for _, c := range []struct {
		name string
		cfg  Config
	}{{"b2-16x10", shipped}, {"b16-16x8", before}} {
		b.Run(c.name, func(b *testing.B) { benchmarkForward(b, c.cfg, 1) })
		b.Run(c.name+"/at8", func(b *testing.B) { benchmarkForward(b, c.cfg, 8) })
	}
}

// benchmarkForward times the logits at every stride-th position of a
// 16,000-sample frame: the full forward (with its throughput) for stride
// 1, ForwardAt's subset otherwise.
func benchmarkForward(b *testing.B, cfg Config, stride int) {
	w := randomWeights(cfg, 1)
	n := 16000
	values, mask, rev := randomInput(cfg, 2, n, 1)
	var pos []int // nil: all positions
	for p := 5; stride > 1 && p < n; p += stride {
		pos = append(pos, p)
	}
	rows := n
	if pos != nil {
		rows = len(pos)
	}
	logits := make([]float32, rows*cfg.Outputs())
	f := NewForwarder(w)
	f.ForwardAt(2, rev, values, mask, pos, logits)
	b.ReportAllocs()
	if pos == nil {
		b.SetBytes(int64(2 * n))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f.ForwardAt(2, rev, values, mask, pos, logits)
	}
	if pos == nil {
		b.ReportMetric(forwardFLOPs(cfg, n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	}
}

// forwardFLOPs counts the multiply-adds of one forward (2 FLOPs each).
func forwardFLOPs(cfg Config, n int) float64 {
	C, K, O := cfg.Channels, cfg.Kernel, cfg.Outputs()
	perPos := cfg.NumFeatures()*C + cfg.Layers*(K*C*2*C+2*C*C) + C*C + C*O
	return 2 * float64(perPos) * float64(n)
}

// TestForwardGoldenEveryKernel runs the pinned forward of TestForwardGolden
// with each kernel.
func TestForwardGoldenEveryKernel(t *testing.T) {
	kernels.EachLevel(func(level string) {
		t.Run(level, func(t *testing.T) {
			for features, file := range goldenFiles {
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				if got := goldenLogitsHash(features); got != strings.TrimSpace(string(want)) {
					t.Fatalf("feature set %d: logits hash %s, golden %s", features, got, strings.TrimSpace(string(want)))
				}
			}
		})
	})
}

// TestRowsNeededShrinks pins the saving ForwardAt exists for: with the
// shipped shape's power-of-two dilations, positions spaced 16 apart (one
// step of 16 in a stage) need the upper blocks only at those positions.
func TestRowsNeededShrinks(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Channels, cfg.Layers, cfg.DilationCycle = 8, 10, 10
	n := 16000
	f := NewForwarder(randomWeights(cfg, 1))
	values, mask, rev := randomInput(cfg, 2, n, 1)
	var pos []int
	for p := 3; p < n; p += 16 {
		pos = append(pos, p)
	}
	f.ForwardAt(2, rev, values, mask, pos, make([]float32, len(pos)*cfg.Outputs()))
	sets := f.rowsNeeded(pos)
	want := []int{8000, 4000, 2000} // blocks 0..2 (dilations 1, 2, 4 below them)
	for l, rl := range sets {
		w := len(pos)
		if l < len(want) {
			w = want[l]
		}
		if len(rl) != w {
			t.Errorf("block %d runs at %d positions, want %d", l, len(rl), w)
		}
	}
}
