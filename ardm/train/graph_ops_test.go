package train

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/ardm-dev/ardm/ardm"

	"github.com/ardm-dev/ardm/datasets"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestFillRows checks that fillRows sets every row, for row counts around
// the powers of two its doubling copies pass and past its block size.
func TestFillRows(t *testing.T) {
	for _, tc := range []struct{ rows, width int }{{0, 3}, {1, 1}, {1, 5}, {2, 3}, {3, 16}, {7, 2}, {8, 4}, {9, 32}, {1000, 3}, {3000, 16}, {100, 1025}} {
		row := make([]float32, tc.width)
		for j := range row {
			row[j] = float32(j) + 0.5
		}
		dst := make([]float32, tc.rows*tc.width+1)
		dst[len(dst)-1] = -1 // canary
		fillRows(dst[:tc.rows*tc.width], row)
		for i, v := range dst[:tc.rows*tc.width] {
			if v != row[i%tc.width] {
				t.Fatalf("%d rows of %d: element %d is %v, want %v", tc.rows, tc.width, i, v, row[i%tc.width])
			}
		}
		if dst[len(dst)-1] != -1 {
			t.Fatalf("%d rows of %d: wrote past the rows", tc.rows, tc.width)
		}
	}
}

// TestNLLGradOp checks the softmax loss gradient against the float64
// formula w * (softmax - onehot) on the row's stage (0 elsewhere), on the
// recomputing path (no forward run) and on the cached one, which must give
// the same bits.
func TestNLLGradOp(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	for _, tc := range []struct {
		name            string
		B, T, b, stages int
		scale           float64
	}{
		{"b16", 3, 50, 16, 4, 3},
		{"b2 one row", 1, 1, 2, 16, 1},
		{"b256 large logits", 2, 20, 256, 1, 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			N, O := tc.B*tc.T, tc.b*tc.stages
			sp := &lossSpec{b: tc.b, T: tc.T, stage: make([]int, tc.B), target: make([]int32, N),
				weight: make([]float32, N), nll: make([]float64, N)}
			for i := range sp.stage {
				sp.stage[i] = 1 + rng.IntN(tc.stages)
			}
			for r := range N {
				sp.target[r] = int32(rng.IntN(tc.b))
				if rng.IntN(4) != 0 {
					sp.weight[r] = float32(rng.Float64())
				}
			}
			xd := make([]float32, N*O)
			for i := range xd {
				xd[i] = float32(rng.NormFloat64() * tc.scale)
			}
			x := tensor.New(tensor.WithShape(N, O), tensor.WithBacking(xd))
			fwd := newNLL(sp)
			gradOp := nllGradOp{mkBase("ardmStageNLLGrad", 2), sp, fwd.cache}
			dl := G.NewF32(1.5)
			fresh, err := gradOp.Do(x, dl)
			if err != nil {
				t.Fatal(err)
			}
			got := append([]float32(nil), f32s(fresh)...)
			for r := range N {
				s := sp.stage[r/tc.T]
				m := math.Inf(-1)
				for _, v := range xd[r*O+(s-1)*tc.b : r*O+s*tc.b] {
					m = math.Max(m, float64(v))
				}
				var sum float64
				for _, v := range xd[r*O+(s-1)*tc.b : r*O+s*tc.b] {
					sum += math.Exp(float64(v) - m)
				}
				for k := range O {
					var want float64
					if j := k - (s-1)*tc.b; sp.weight[r] != 0 && j >= 0 && j < tc.b {
						want = math.Exp(float64(xd[r*O+k])-m) / sum
						if int32(j) == sp.target[r] {
							want--
						}
						want *= 1.5 * float64(sp.weight[r])
					}
					if d := math.Abs(float64(got[r*O+k]) - want); d > 1e-6*(math.Abs(want)+1e-3) {
						t.Fatalf("row %d output %d: %v, float64 %v", r, k, got[r*O+k], want)
					}
				}
			}
			if _, err := fwd.Do(x); err != nil {
				t.Fatal(err)
			}
			cached, err := gradOp.Do(x, dl)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range f32s(cached) {
				if math.Float32bits(v) != math.Float32bits(got[i]) {
					t.Fatalf("element %d: cached %v, recomputed %v", i, v, got[i])
				}
			}
		})
	}
}

// TestTrainStepsAcrossGOMAXPROCS runs a few training steps over batches of
// several row chunks (rowChunk) with 1, 2 and 3 threads: the weights must
// come out bit-identical.
func TestTrainStepsAcrossGOMAXPROCS(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  ardm.Config
		crop int
	}{
		{"tiny", tinyConfig(), 1024},
		{"16 channels, partial chunk", ardm.Config{Branching: 16, Channels: 16, Layers: 3, DilationCycle: 3, Kernel: 3, EmbedDim: 8, FrameLen: 2000, Head: ardm.HeadSoftmax}, 700},
		{"odd channels", ardm.Config{Branching: 4, Channels: 7, Layers: 2, DilationCycle: 2, Kernel: 5, EmbedDim: 4, FrameLen: 2000, Head: ardm.HeadSoftmax}, 900},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var first *ardm.Weights
			for _, procs := range []int{1, 2, 3} {
				opts := tinyTrainOptions(3)
				opts.Crop = tc.crop
				tr, err := New(tc.cfg, opts, datasets.NewBatcher(testClips(6, 3000, 3), opts.Batch, opts.Crop, opts.Seed))
				if err != nil {
					t.Fatal(err)
				}
				old := runtime.GOMAXPROCS(procs)
				err = tr.Run(context.Background(), "", 0, nil)
				runtime.GOMAXPROCS(old)
				tr.Close()
				if err != nil {
					t.Fatal(err)
				}
				if first == nil {
					first = tr.RawWeights()
				} else if !weightsEqual(first, tr.RawWeights()) {
					t.Fatalf("GOMAXPROCS=%d: weights differ from GOMAXPROCS=1", procs)
				}
			}
		})
	}
}

// TestGateGradOpWithoutCache runs gateGradOp on a z the forward op has not
// seen (the recomputing path) and on the one it has (the cached path):
// both must give the same bits.
func TestGateGradOpWithoutCache(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for _, tc := range []struct{ N, C int }{{1, 1}, {3000, 16}, {70, 5}} {
		t.Run(fmt.Sprintf("%dx%d", tc.N, tc.C), func(t *testing.T) {
			N, C := tc.N, tc.C
			zd, dgd := make([]float32, N*2*C), make([]float32, N*C)
			for i := range zd {
				zd[i] = float32(rng.NormFloat64() * 2)
			}
			for i := range dgd {
				dgd[i] = float32(rng.NormFloat64())
			}
			z := tensor.New(tensor.WithShape(N, 2*C), tensor.WithBacking(zd))
			dg := tensor.New(tensor.WithShape(N, C), tensor.WithBacking(dgd))
			fwd := newGate()
			gradOp := gateGradOp{mkBase("ardmGateGrad", 2), fwd.cache, &gateRedo{}}
			fresh, err := gradOp.Do(z, dg)
			if err != nil {
				t.Fatal(err)
			}
			want := append([]float32(nil), f32s(fresh)...)
			if _, err := fwd.Do(z); err != nil {
				t.Fatal(err)
			}
			cached, err := gradOp.Do(z, dg)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range f32s(cached) {
				if math.Float32bits(v) != math.Float32bits(want[i]) {
					t.Fatalf("element %d: cached %v, recomputed %v", i, v, want[i])
				}
			}
		})
	}
}
