package mixture

import (
	"math"
	"testing"
)

// TestMixtureTails checks the stable mass in the far tails against the
// asymptotic form sigma(zh) - sigma(zl) ~ e^-zl - e^-zh.
func TestMixtureTails(t *testing.T) {
	c := Comp{Pi: 1, Mu: 0, Inv: 1}
	for _, zl := range []float64{40, 100, 300} {
		m := c.Mass(zl, zl+0.01, 0.01)
		want := math.Exp(-zl) * -math.Expm1(-0.01)
		if math.Abs(m.D-want) > 1e-12*want {
			t.Fatalf("mass at %v: %v, want %v", zl, m.D, want)
		}
		m = c.Mass(-zl-0.01, -zl, 0.01)
		if math.Abs(m.D-want) > 1e-12*want {
			t.Fatalf("mass at %v: %v, want %v", -zl, m.D, want)
		}
	}
	if x := oneMinusExpNeg(1e-12); math.Abs(x-1e-12) > 1e-24 {
		t.Fatalf("1-e^-x at 1e-12: %v", x)
	}
}
