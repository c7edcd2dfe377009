package train

import (
	"fmt"
	"testing"

	"github.com/ardm-dev/ardm/ardm"

	"github.com/ardm-dev/ardm/datasets"
)

// BenchmarkTrainStep measures one optimizer step (forward, gradients,
// Adam, EMA, L_t) at batch 8 x crop 2048, for the default network (32
// channels x 10 layers) and for the shipped one (b=2, 16 channels x 10
// layers, dilation cycle 10, feature set 3: the recipe of cmd/ardm train).
func BenchmarkTrainStep(b *testing.B) {
	shipped := ardm.DefaultConfig()
	shipped.Branching, shipped.Channels, shipped.Layers, shipped.DilationCycle, shipped.Features = 2, 16, 10, 10, ardm.FeaturesFine
	for _, bc := range []struct {
		name        string
		cfg         ardm.Config
		batch, crop int
	}{
		{"default", ardm.DefaultConfig(), 8, 2048},
		{"shipped", shipped, 8, 2048},
	} {
		b.Run(fmt.Sprintf("%s/b%dx%d", bc.name, bc.batch, bc.crop), func(b *testing.B) {
			opts := ardm.DefaultTrainOptions()
			opts.Batch, opts.Crop, opts.Steps = bc.batch, bc.crop, 1<<30
			tr, err := New(bc.cfg, opts, datasets.NewBatcher(testClips(16, 16000, 1), opts.Batch, opts.Crop, 1))
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
