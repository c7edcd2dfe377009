package ardm

// initHeadBias sets the initial output biases of the mixture head: equal
// weights, log scales 0 (scale one unit, min(g, W)) and locations spread
// evenly over [-1/2, 1/2] units so that the components start apart (with
// equal locations their gradients would be equal and they would never
// separate). The softmax head keeps zero biases.
func initHeadBias(w *Weights) {
	cfg := w.Config
	if cfg.Head != HeadMixture || cfg.Mixtures < 2 {
		return
	}
	K := cfg.Mixtures
	for k := 0; k < K; k++ {
		w.OutB[K+k] = float32(float64(k)/float64(K-1) - 0.5)
	}
}
