// Package cliflag holds the flag types that the ardm and ardm-beam
// commands share.
package cliflag

import (
	"errors"
	"strconv"
)

// ModelBudget, as the value of a --budget flag, stands for the model's
// default budget (ardm.Config.DefaultBudget), known once the model is
// loaded; it is what a Budget flag holds until it is given.
const ModelBudget = -1

// Budget is a --budget flag (a pflag.Value over an int): a number of
// network calls >= 0, or ModelBudget while it is not given, printed as
// nothing so that the help shows no "(default -1)".
type Budget int

func (b *Budget) String() string {
	if *b == ModelBudget {
		return ""
	}
	return strconv.Itoa(int(*b))
}

// Set parses a budget; negative numbers are refused.
func (b *Budget) Set(s string) error {
	n, err := strconv.ParseInt(s, 0, strconv.IntSize)
	if err != nil {
		return errors.New("not a number")
	}
	if n < 0 {
		return errors.New("must be >= 0")
	}
	*b = Budget(n)
	return nil
}

// Type is the type name the help shows.
func (b *Budget) Type() string { return "int" }
