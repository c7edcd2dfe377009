package ardm

import (
	"math/rand/v2"
	"sync"
	"testing"
)

// TestPredictorPoolConcurrent checks that concurrent Predict calls give
// the same bits as one Predictor called in turn (run with -race too).
func TestPredictorPoolConcurrent(t *testing.T) {
	cfg := Config{Branching: 16, Channels: 4, Layers: 2, DilationCycle: 2, Kernel: 3, EmbedDim: 4, FrameLen: 64, Head: HeadSoftmax}
	w := NewWeights(cfg, 3)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range w.OutW {
		w.OutW[i] = float32(rng.NormFloat64() * 0.3)
	}
	m := NewModel(w)
	const jobs = 8
	values := make([][]uint16, jobs)
	masks := make([][]bool, jobs)
	pos := []int{0, 5, 17, 63}
	want := make([][]float32, jobs)
	seq := NewPredictor(m)
	for j := range jobs {
		values[j] = make([]uint16, 64)
		masks[j] = make([]bool, 64)
		for i := range values[j] {
			values[j][i] = uint16(rng.IntN(65536)) &^ 0x0fff
			masks[j][i] = rng.IntN(2) == 0
		}
		want[j] = make([]float32, len(pos)*16)
		seq.Predict(2, j, values[j], masks[j], pos, want[j])
	}
	pool := NewPredictorPool(m, 1)
	got := make([][]float32, jobs)
	var wg sync.WaitGroup
	for j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[j] = make([]float32, len(pos)*16)
			pool.Predict(2, j, values[j], masks[j], pos, got[j])
		}()
	}
	wg.Wait()
	for j := range jobs {
		for i := range want[j] {
			if got[j][i] != want[j][i] {
				t.Fatalf("job %d value %d: pool %v, sequential %v", j, i, got[j][i], want[j][i])
			}
		}
	}
	if pool.Hash() != seq.Hash() || pool.FrameLen() != 64 || pool.Branching() != 16 {
		t.Error("pool does not describe the model")
	}
}
