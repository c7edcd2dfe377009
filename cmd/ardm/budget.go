package main

import (
	"github.com/spf13/cobra"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/internal/cliflag"
)

// modelBudget is what a --budget flag holds until it is given: the
// model's default budget (cliflag.ModelBudget).
const modelBudget = cliflag.ModelBudget

// budgetHelp ends the usage of every --budget flag.
const budgetHelp = "default: the model's (12 calls per stage; 192 for the built-in model)"

// budgetFlag registers --budget on cmd into p, which starts as modelBudget.
func budgetFlag(cmd *cobra.Command, p *int, usage string) {
	*p = modelBudget
	cmd.Flags().Var((*cliflag.Budget)(p), "budget", usage+"; "+budgetHelp)
}

// resolveBudget returns budget, or for modelBudget the default budget of
// m. Without a model (nil: --no-model) it is the built-in model's, which
// is what a model-free stream has always recorded in its header.
func resolveBudget(budget int, m *ardm.Model) (int, error) {
	if budget != modelBudget {
		return budget, nil
	}
	if m == nil {
		var err error
		if m, err = loadDefaultModel(); err != nil {
			return 0, err
		}
	}
	return m.Config().DefaultBudget(), nil
}
