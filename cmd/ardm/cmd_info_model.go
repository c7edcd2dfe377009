package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/ardm-dev/ardm/ardm"
)

// modelInfoResult is the --json record of a model or training checkpoint.
type modelInfoResult struct {
	File       string         `json:"file"`
	Type       string         `json:"type"`
	Hash       string         `json:"hash"`
	Training   bool           `json:"training_state"` // a training checkpoint (resumable), not an exported model
	Config     ardm.Config    `json:"config"`
	Params     int            `json:"params"`
	Info       ardm.TrainInfo `json:"train_info"`
	BoundBits  []float64      `json:"lt_bound_bits"`  // per stage: the mean of the L_t curve
	BudgetBits float64        `json:"budget_bits"`    // expected bits/sample at the default budget
	Budget     int            `json:"default_budget"` // the budget of budget_bits
}

// modelInfo describes a model file: its network, how it was trained and
// what its L_t table expects it to cost.
func modelInfo(r io.Reader, name string) (any, string, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", name, err)
	}
	m, st, err := ardm.UnmarshalCheckpoint(b)
	if err != nil {
		return nil, "", modelIntegrity(fmt.Errorf("%s: %w", name, err))
	}
	cfg := m.Config()
	h := m.Hash()
	res := &modelInfoResult{File: name, Type: "model", Hash: fmt.Sprintf("%x", h[:]), Training: st != nil,
		Config: cfg, Params: ardm.NumParams(cfg), Info: m.Info, Budget: cfg.DefaultBudget()}
	pol, err := m.Policy(res.Budget, cfg.FrameLen, ardm.AllocEqual)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", name, err)
	}
	res.BoundBits, res.BudgetBits = pol.BoundBits, pol.Bits

	var sb strings.Builder
	kind := "model"
	if st != nil {
		kind = "training checkpoint (resumable with ardm train --resume)"
	}
	fmt.Fprintf(&sb, "%s: ardm %s, hash %x\n", name, kind, h[:8])
	head := cfg.Head
	if cfg.Head == ardm.HeadMixture {
		head = fmt.Sprintf("%s (%d components)", head, cfg.Mixtures)
	}
	fmt.Fprintf(&sb, "  network: branching %d (%d stages), %s head, %d channels x %d layers, dilation cycle %d, kernel %d, feature set %d, %d parameters\n",
		cfg.Branching, cfg.Stages(), head, cfg.Channels, cfg.Layers, cfg.DilationCycle, cfg.Kernel, cfg.Features, res.Params)
	fmt.Fprintf(&sb, "  frame: %d samples\n", cfg.FrameLen)
	in := m.Info
	fmt.Fprintf(&sb, "  training: %d steps, seed %d", in.Steps, in.Seed)
	if in.Batch > 0 {
		fmt.Fprintf(&sb, ", batch %d x crop %d, lr %g, gain aug %g dB", in.Batch, in.Crop, in.LR, in.GainAugDB)
	}
	if in.Clips > 0 {
		fmt.Fprintf(&sb, ", %d clips", in.Clips)
	}
	if in.Data != "" {
		fmt.Fprintf(&sb, " from %s", in.Data)
	}
	if in.Init != "" {
		fmt.Fprintf(&sb, ", fine-tuned from model %.16s", in.Init)
	}
	if in.WallSeconds > 0 {
		fmt.Fprintf(&sb, ", %.0f min", in.WallSeconds/60)
	}
	sb.WriteString("\n")
	total := 0.0
	parts := make([]string, len(pol.BoundBits))
	for i, v := range pol.BoundBits {
		total += v
		parts[i] = fmt.Sprintf("s%d %.3f", i+1, v)
	}
	fmt.Fprintf(&sb, "  L_t (training crops): bound %.3f bits/sample (%s); %.3f at the default budget of %d calls\n",
		total, strings.Join(parts, ", "), pol.Bits, res.Budget)
	return res, sb.String(), nil
}
