package ardm

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/ardm-dev/ardm/ardm/internal/mixture"
	"github.com/ardm-dev/ardm/stages"
)

func mixConfig(b, K int) Config {
	return Config{Branching: b, Channels: 4, Layers: 2, DilationCycle: 2, Kernel: 3, EmbedDim: 4, FrameLen: 256, Head: HeadMixture, Mixtures: K}
}

func TestMixtureConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		ok      bool
		stages  int
		outputs int
	}{
		{"b16 K6", mixConfig(16, 6), true, 4, 18},
		{"b2 K1", mixConfig(2, 1), true, 16, 3},
		{"OA K10", mixConfig(OABranching, 10), true, 1, 30},
		{"OA softmax", Config{Branching: OABranching, Channels: 4, Layers: 2, DilationCycle: 2, Kernel: 3, EmbedDim: 4, FrameLen: 256, Head: HeadSoftmax}, false, 0, 0},
		{"mixture K0", mixConfig(16, 0), false, 0, 0},
		{"mixture K too big", mixConfig(16, MaxMixtures+1), false, 0, 0},
		{"softmax with K", Config{Branching: 16, Channels: 4, Layers: 2, DilationCycle: 2, Kernel: 3, EmbedDim: 4, FrameLen: 256, Head: HeadSoftmax, Mixtures: 3}, false, 0, 0},
		{"b512", mixConfig(512, 4), false, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if (err == nil) != tc.ok {
				t.Fatalf("Validate = %v, want ok %v", err, tc.ok)
			}
			if !tc.ok {
				return
			}
			if tc.cfg.Stages() != tc.stages || tc.cfg.Outputs() != tc.outputs {
				t.Fatalf("stages %d outputs %d, want %d %d", tc.cfg.Stages(), tc.cfg.Outputs(), tc.stages, tc.outputs)
			}
		})
	}
}

func TestLevelsMatchFeatures(t *testing.T) {
	cfg := smallConfig(16, 4, 1, 1)
	for stage := 1; stage <= 4; stage++ {
		values, mask, _ := randomInput(cfg, stage, 900, uint64(stage))
		n := len(values)
		g, c := make([]float64, n), make([]float64, n)
		wFine, wCoarse := Levels(cfg, stage, values, mask, g, c)
		if wCoarse != 1<<(16-4*(stage-1)) || wFine != wCoarse/16 {
			t.Fatalf("stage %d: widths %d %d", stage, wFine, wCoarse)
		}
		feat := make([]float32, n*cfg.NumFeatures())
		Features(cfg, stage, values, mask, feat)
		for i := range values {
			w := wCoarse
			if mask[i] {
				w = wFine
			}
			if want := float64(int64(values[i]) + w/2 - 32768); c[i] != want {
				t.Fatalf("stage %d pos %d: c = %v, want %v", stage, i, c[i], want)
			}
			if g[i] < float64(wCoarse)/2 {
				t.Fatalf("stage %d pos %d: g = %v below the floor", stage, i, g[i])
			}
			if f3 := float32(math.Sqrt(math.Sqrt(g[i] / 32768))); f3 != feat[i*cfg.NumFeatures()+3] {
				t.Fatalf("stage %d pos %d: level feature %v, Levels gives %v", stage, i, feat[i*cfg.NumFeatures()+3], f3)
			}
		}
	}
}

// TestMixtureProbs checks the b-way tables: positive, summing to 1, equal
// bit for bit to the per-digit probability, and sampled in proportion.
func TestMixtureProbs(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, b := range []int{2, 4, 16, 256} {
		cfg := mixConfig(b, 5)
		for trial := 0; trial < 20; trial++ {
			out := make([]float32, 15)
			for k := range out {
				out[k] = float32(rng.NormFloat64() * 3)
			}
			comps := make([]mixture.Comp, 5)
			mixture.Comps(out, comps)
			stage := 1 + rng.IntN(cfg.Stages())
			bg := mixture.NewGeom(cfg.Branching, stage, []float64{3, 300, 32768}[trial%3])
			probs := make([]float32, b)
			mixture.Probs(comps, bg, make([]float64, b), probs)
			var sum float64
			for j, p := range probs {
				if !(p > 0) {
					t.Fatalf("b=%d: p[%d] = %v", b, j, p)
				}
				if q := float32(mixture.Prob(comps, bg, j)); q != p {
					t.Fatalf("b=%d digit %d: table %v, single %v", b, j, p, q)
				}
				sum += float64(p)
				if c := mixture.CDF(comps, bg, j); math.Abs(c-sum) > 1e-6 {
					t.Fatalf("b=%d: CDF(%d) = %v, running sum %v", b, j, c, sum)
				}
			}
			if math.Abs(sum-1) > 1e-5 {
				t.Fatalf("b=%d: probabilities sum to %v", b, sum)
			}
		}
	}
	// Sampling by CDF inversion follows the table.
	cfg := mixConfig(16, 3)
	comps := make([]mixture.Comp, 3)
	mixture.Comps([]float32{0, 1, -1, -0.5, 0.2, 1.4, -1, 0, -2}, comps)
	bg := mixture.NewGeom(cfg.Branching, 2, 1500)
	probs := make([]float32, 16)
	mixture.Probs(comps, bg, make([]float64, 16), probs)
	counts := make([]int, 16)
	const draws = 40000
	for i := 0; i < draws; i++ {
		counts[sampleMixture(comps, bg, 0, 15, rng.Float64())]++
	}
	for j, c := range counts {
		want := float64(probs[j]) * draws
		if math.Abs(float64(c)-want) > 5*math.Sqrt(want)+2 {
			t.Fatalf("digit %d drawn %d times, expected %.1f", j, c, want)
		}
	}
	if d := sampleMixture(comps, bg, 5, 7, 0.999); d < 5 || d > 7 {
		t.Fatalf("restricted sample %d outside 5..7", d)
	}
}

func TestMixturePredictAcrossGOMAXPROCS(t *testing.T) {
	cfg := mixConfig(256, 6)
	cfg.FrameLen = 1000
	w := randomWeights(cfg, 5)
	values, mask, rev := randomInput(cfg, 2, 1000, 2)
	pos := make([]int, 0, 1000)
	for i := range mask {
		if !mask[i] {
			pos = append(pos, i)
		}
	}
	run := func(procs int) []float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		dst := make([]float32, len(pos)*256)
		NewPredictor(NewModel(w)).Predict(2, rev, values, mask, pos, dst)
		return dst
	}
	a, b := run(1), run(4)
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			t.Fatalf("entry %d: %v with 1 proc, %v with 4", i, a[i], b[i])
		}
	}
}

// TestOAWalk checks OA-ARDM's generation and scoring: known bits kept,
// seeded, and StageBits with one call equals TargetBits at t = 0.
func TestOAWalk(t *testing.T) {
	cfg := mixConfig(OABranching, 4)
	cfg.FrameLen = 120
	p := NewPredictor(NewModel(randomWeights(cfg, 3)))
	ctx := context.Background()
	x, _, _ := randomInput(cfg, 1, 120, 9)

	bits, err := p.StageBits(ctx, x, GenerateOptions{Budget: 1, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	all := make([]int, len(x))
	for i := range all {
		all[i] = i
	}
	want := p.TargetBits(1, 0, make([]uint16, len(x)), make([]bool, len(x)), all, x) / float64(len(x))
	if len(bits) != 1 || math.Abs(bits[0]-want) > 1e-9*want {
		t.Fatalf("StageBits %v, TargetBits at t=0 %v", bits, want)
	}
	full, err := p.StageBits(ctx, x, GenerateOptions{Budget: 10, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	known, err := p.StageBits(ctx, x, GenerateOptions{Budget: 10, Seed: 2, KnownBits: 6})
	if err != nil {
		t.Fatal(err)
	}
	if !(known[0] < full[0]) || !(known[0] > 0) {
		t.Fatalf("with 6 known bits %v, with none %v", known, full)
	}

	for _, kb := range []int{0, 5, 8} {
		a := append([]uint16(nil), x...)
		b := append([]uint16(nil), x...)
		if err := p.Generate(ctx, a, GenerateOptions{Budget: 7, Seed: 4, KnownBits: kb}); err != nil {
			t.Fatal(err)
		}
		if err := p.Generate(ctx, b, GenerateOptions{Budget: 7, Seed: 4, KnownBits: kb}); err != nil {
			t.Fatal(err)
		}
		changed := 0
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("known %d: generation not reproducible at %d", kb, i)
			}
			if stages.KeepTopBits(a[i], kb) != stages.KeepTopBits(x[i], kb) {
				t.Fatalf("known %d: top bits changed at %d: %#x -> %#x", kb, i, x[i], a[i])
			}
			if a[i] != x[i] {
				changed++
			}
		}
		if changed == 0 {
			t.Fatalf("known %d: nothing generated", kb)
		}
	}
}

// TestBinGeomUnit checks the unit of the mixture head's u axis, min(g, W)
// with W the stage's known-bin width: the level g where the bin is wider
// than it (coarse stages, OA-ARDM), the bin itself where it is narrower
// (fine stages), so that a fine stage's bin spans about one unit however
// loud the signal is.
func TestBinGeomUnit(t *testing.T) {
	tests := []struct {
		name         string
		b, stage     int
		g            float64
		unit         float64
		edge1, width float64 // edge(1) and width() in u units
	}{
		{"b16 stage 1, g < W", 16, 1, 3000, 3000, (4096 - 32768 - 0.5) / 3000.0, 4096 / 3000.0},
		{"b16 stage 3, g < W", 16, 3, 200, 200, (16 - 128 - 0.5) / 200.0, 16 / 200.0},
		{"b16 stage 3, g > W", 16, 3, 5000, 256, (16 - 128 - 0.5) / 256.0, 16 / 256.0},
		{"b16 stage 4, g > W", 16, 4, 3000, 16, -0.46875, 0.0625},
		{"b4 stage 8, g = W/2", 4, 8, 2, 2, -0.75, 0.5},
		{"b4 stage 8, g > W", 4, 8, 700, 4, -0.375, 0.25},
		{"OA, g = W/2", OABranching, 1, 32768, 32768, (1 - 32768 - 0.5) / 32768.0, 1 / 32768.0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bg := mixture.NewGeom(tc.b, tc.stage, tc.g)
			if bg.Unit != tc.unit {
				t.Fatalf("unit %v, want %v", bg.Unit, tc.unit)
			}
			if e := bg.Edge(1); math.Abs(e-tc.edge1) > 1e-12*math.Abs(tc.edge1) {
				t.Fatalf("edge(1) %v, want %v", e, tc.edge1)
			}
			if w := bg.Width(); math.Abs(w-tc.width) > 1e-12*tc.width {
				t.Fatalf("width %v, want %v", w, tc.width)
			}
		})
	}
}
