package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestExpDetAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	xs := []float64{0, 1, -1, 0.5, -0.34657359, 0.34657359, 88, -88, 700, -700, 1e-12, -745}
	for i := 0; i < 20000; i++ {
		xs = append(xs, (rng.Float64()*2-1)*200)
	}
	for _, x := range xs {
		want := math.Exp(math.Max(-expMax, math.Min(expMax, x)))
		got := Exp(x)
		if rel := math.Abs(got-want) / want; rel > 1e-14 {
			t.Fatalf("Exp(%v) = %v, want %v (rel err %.3g)", x, got, want, rel)
		}
	}
}

func TestTanhSigmoidAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	xs := []float32{0, 1e-30, -1e-30, 1e-5, 1e-4, 2e-4, 0.5, -3, 20, 21, -25, 100, -100, float32(math.Inf(1)), float32(math.Inf(-1))}
	for i := 0; i < 20000; i++ {
		xs = append(xs, float32(rng.NormFloat64()*4))
	}
	const ulp = 1.2e-7 // 2^-23
	for _, x := range xs {
		tests := []struct {
			name string
			got  float32
			want float64
		}{
			{"tanh", Tanh(x), math.Tanh(float64(x))},
			{"sigmoid", Sigmoid(x), 1 / (1 + math.Exp(-float64(x)))},
		}
		for _, tc := range tests {
			err := math.Abs(float64(tc.got) - tc.want)
			if err > ulp*math.Abs(tc.want) && err > 1e-40 {
				t.Fatalf("%s(%v) = %v, want %v (err %.3g)", tc.name, x, tc.got, tc.want, err)
			}
		}
		if Tanh(-x) != -Tanh(x) {
			t.Fatalf("tanh not odd at %v", x)
		}
	}
}

func TestSoftmaxDet(t *testing.T) {
	tests := []struct {
		name   string
		logits []float32
	}{
		{"uniform", []float32{0, 0, 0, 0}},
		{"peaked", []float32{100, -100, 0, 3}},
		{"huge", []float32{1e30, -1e30}},
		{"one", []float32{5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := make([]float32, len(tc.logits))
			Softmax(tc.logits, p)
			m := math.Inf(-1)
			for _, v := range tc.logits {
				m = math.Max(m, float64(v))
			}
			sum, z := 0.0, 0.0
			for _, v := range tc.logits {
				z += math.Exp(float64(v) - m)
			}
			for i, v := range p {
				if !(v > 0) {
					t.Fatalf("p[%d] = %v not positive", i, v)
				}
				want := math.Exp(float64(tc.logits[i])-m) / z
				if math.Abs(float64(v)-want) > 1e-7*want+1e-44 {
					t.Fatalf("p[%d] = %v, want %v", i, v, want)
				}
				sum += float64(v)
			}
			if math.Abs(sum-1) > 1e-6 {
				t.Fatalf("sum %v", sum)
			}
		})
	}
}
