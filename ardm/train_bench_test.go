package ardm

import (
	"fmt"
	"testing"

	"github.com/ardm-dev/ardm/datasets"
)

// BenchmarkTrainStep measures one optimizer step (forward, gradients,
// Adam, EMA, L_t) of the default network at batch 8 x crop 2048.
func BenchmarkTrainStep(b *testing.B) {
	for _, bc := range []struct {
		batch, crop int
	}{{8, 2048}} {
		b.Run(fmt.Sprintf("b%dx%d", bc.batch, bc.crop), func(b *testing.B) {
			cfg := DefaultConfig()
			opts := DefaultTrainOptions()
			opts.Batch, opts.Crop, opts.Steps = bc.batch, bc.crop, 1<<30
			tr, err := NewTrainer(cfg, opts, datasets.NewBatcher(testClips(16, 16000, 1), opts.Batch, opts.Crop, 1))
			if err != nil {
				b.Fatal(err)
			}
			defer tr.Close()
			if _, err := tr.Step(); err != nil { // warm-up
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := tr.Step(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*bc.batch*bc.crop)/b.Elapsed().Seconds(), "samples/s")
		})
	}
}
