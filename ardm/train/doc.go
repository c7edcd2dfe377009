// Package train trains package ardm's networks with gorgonia: the network
// of ardm's doc.go as a gorgonia graph (graph.go), its custom operations
// grouped by family (graph_ops_*.go: dense layers, conditioning,
// convolution, gate, elementwise, the softmax loss; graph_mixture.go, the
// mixture head's loss), and the Trainer: the objective of ardm's doc.go,
// Adam with an EMA of the weights, L_t tracking, and checkpoints that
// resume a run bit for bit (ardm.SaveCheckpoint with an ardm.TrainState).
//
// Inference never imports this package: package ardm runs the same network
// with its own deterministic forward, and the tests here check that the
// graph and that forward agree (to about 1e-5) and that the graph's
// gradients match finite differences. The graph's products, gate and sums
// run on ardm/internal/kernels (the same functions as inference where they
// exist), so a seeded run is bit-identical on every run of the same build.
//
// All randomness comes from TrainOptions.Seed through separate PCG streams
// (initialisation, data order, masks); gorgonia's initialisers, which seed
// from the clock, are never used.
package train
