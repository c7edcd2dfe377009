package main

import (
	"errors"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/ardm-dev/ardm/ardm"
)

// modelBudget, as the value of a --budget option, stands for the model's
// default budget (ardm.Config.DefaultBudget), known once the model is
// loaded; it is what a --budget flag holds until it is given.
const modelBudget = -1

// budgetHelp ends the usage of every --budget flag.
const budgetHelp = "default: the model's (12 calls per stage; 192 for the built-in model)"

// budgetValue is a --budget flag: a number of network calls >= 0, or
// modelBudget while it is not given (printed as nothing, so that the help
// shows no "(default -1)").
type budgetValue int

func (b *budgetValue) String() string {
	if *b == modelBudget {
		return ""
	}
	return strconv.Itoa(int(*b))
}

func (b *budgetValue) Set(s string) error {
	n, err := strconv.ParseInt(s, 0, strconv.IntSize)
	if err != nil {
		return errors.New("not a number")
	}
	if n < 0 {
		return errors.New("must be >= 0")
	}
	*b = budgetValue(n)
	return nil
}

func (b *budgetValue) Type() string { return "int" }

// budgetFlag registers --budget on cmd into p, which starts as modelBudget.
func budgetFlag(cmd *cobra.Command, p *int, usage string) {
	*p = modelBudget
	cmd.Flags().Var((*budgetValue)(p), "budget", usage+"; "+budgetHelp)
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
