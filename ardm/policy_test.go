package ardm

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomCurve returns a descending curve of n values in [0, top].
func randomCurve(rng *rand.Rand, n int, top float64) []float64 {
	L := make([]float64, n)
	for i := range L {
		L[i] = rng.Float64() * top
	}
	slices.Sort(L)
	slices.Reverse(L)
	return L
}

// bruteSteps tries every set of k-1 interior boundaries (integer costs).
func bruteSteps(q []int64, k int) int64 {
	n := len(q)
	best := int64(math.MaxInt64)
	steps := make([]int, k+1)
	steps[k] = n
	var rec func(j, from int)
	rec = func(j, from int) {
		if j == k {
			c := int64(0)
			for i := 0; i < k; i++ {
				c += int64(steps[i+1]-steps[i]) * q[steps[i]]
			}
			best = min(best, c)
			return
		}
		for t := from; t <= n-(k-j); t++ {
			steps[j] = t
			rec(j+1, t+1)
		}
	}
	steps[0] = 0
	rec(1, 1)
	return best
}

func intCost(q []int64, steps []int) int64 {
	c := int64(0)
	for i := 0; i+1 < len(steps); i++ {
		c += int64(steps[i+1]-steps[i]) * q[steps[i]]
	}
	return c
}

func TestOptimalStepsMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 300; trial++ {
		n := 1 + rng.IntN(12)
		k := 1 + rng.IntN(n)
		L := randomCurve(rng, n, 8)
		if trial%5 == 0 { // plateaus exercise equal slopes
			for i := range L {
				L[i] = math.Round(L[i])
			}
			slices.Sort(L)
			slices.Reverse(L)
		}
		q := quantizeCurve(L)
		steps := OptimalSteps(L, k)
		if len(steps) != k+1 || steps[0] != 0 || steps[k] != n {
			t.Fatalf("n=%d k=%d: bad steps %v", n, k, steps)
		}
		for i := 1; i < len(steps); i++ {
			if steps[i] <= steps[i-1] {
				t.Fatalf("steps not increasing: %v", steps)
			}
		}
		if got, want := intCost(q, steps), bruteSteps(q, k); got != want {
			t.Fatalf("n=%d k=%d L=%v: DP cost %d, brute force %d (steps %v)", n, k, L, got, want, steps)
		}
	}
}

func TestOptimalStepsNotWorseThanEven(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	tests := []struct{ n, k int }{{100, 1}, {100, 7}, {1000, 10}, {16000, 50}, {16000, 250}}
	for _, tc := range tests {
		L := randomCurve(rng, tc.n, 8)
		// A realistic shape: steep at the start.
		for i := range L {
			L[i] = 1 + 7*math.Exp(-float64(i)/float64(tc.n)*8) + L[i]*0.01
		}
		q := quantizeCurve(L)
		even := make([]int, tc.k+1)
		for i := range even {
			even[i] = i * tc.n / tc.k
		}
		opt := OptimalSteps(L, tc.k)
		if a, b := intCost(q, opt), intCost(q, even); a > b {
			t.Fatalf("n=%d k=%d: optimal cost %d > evenly spaced %d", tc.n, tc.k, a, b)
		}
	}
}

func TestMulCmp(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 10000; i++ {
		v := [4]int64{}
		for j := range v {
			v[j] = rng.Int64() >> uint(rng.IntN(63))
			if rng.IntN(2) == 0 {
				v[j] = -v[j]
			}
		}
		x := new(big.Int).Mul(big.NewInt(v[0]), big.NewInt(v[1]))
		y := new(big.Int).Mul(big.NewInt(v[2]), big.NewInt(v[3]))
		if got, want := mulCmp(v[0], v[1], v[2], v[3]), x.Cmp(y); got != want {
			t.Fatalf("mulCmp(%v) = %d, want %d", v, got, want)
		}
	}
}

func TestLtCurve(t *testing.T) {
	bins := []float64{4, 3, 2, 1}
	L := LtCurve(bins, 8)
	// u = t*4/8 - 0.5 = -0.5, 0, 0.5, ..., 3: clamped at both ends.
	want := []float64{4, 4, 3.5, 3, 2.5, 2, 1.5, 1}
	for i := range want {
		if math.Abs(L[i]-want[i]) > 1e-12 {
			t.Fatalf("LtCurve = %v, want %v", L, want)
		}
	}
	// Increasing bins come back sorted descending.
	L = LtCurve([]float64{1, 2, 3}, 10)
	if !slices.IsSortedFunc(L, func(a, b float64) int { return int(math.Copysign(1, b-a)) * int(math.Ceil(math.Abs(b-a))) }) {
		t.Fatalf("not descending: %v", L)
	}
}

func TestNewPolicy(t *testing.T) {
	lt := make([][]float64, 4)
	for s := range lt {
		lt[s] = make([]float64, LtBins)
		for j := range lt[s] {
			// Stage s: steeper for the coarse stages, flat noise for the last.
			lt[s][j] = 0.5 + float64(3-s)*2*math.Exp(-float64(j)/8)
			if s == 3 {
				lt[s][j] = 4
			}
		}
	}
	n := 16000
	tests := []struct {
		budget int
		alloc  Allocation
		calls  int
	}{
		{0, AllocEqual, 4 * n},
		{100, AllocEqual, 100},
		{101, AllocEqual, 101},
		{100, AllocJoint, 100},
		{2, AllocJoint, 4}, // at least one call per stage
	}
	for _, tc := range tests {
		p, err := NewPolicy(lt, tc.budget, n, tc.alloc)
		if err != nil {
			t.Fatal(err)
		}
		if p.Calls() != tc.calls {
			t.Errorf("budget %d %v: %d calls, want %d", tc.budget, tc.alloc, p.Calls(), tc.calls)
		}
		bound := 0.0
		for _, b := range p.BoundBits {
			bound += b
		}
		if p.Bits < bound-1e-9 {
			t.Errorf("budget %d: expected %v below the full bound %v", tc.budget, p.Bits, bound)
		}
		if tc.budget == 0 && math.Abs(p.Bits-bound) > 1e-9 {
			t.Errorf("one call per position: %v != bound %v", p.Bits, bound)
		}
	}
	eq, _ := NewPolicy(lt, 40, n, AllocEqual)
	jt, _ := NewPolicy(lt, 40, n, AllocJoint)
	if jt.Bits > eq.Bits+1e-6 {
		t.Fatalf("joint allocation %v worse than equal %v", jt.Bits, eq.Bits)
	}
	// The flat last stage needs one call under joint allocation.
	if k := len(jt.Steps[3]) - 1; k != 1 {
		t.Errorf("joint: flat stage got %d calls, want 1", k)
	}
	if _, err := NewPolicy([][]float64{{math.NaN()}}, 5, 10, AllocEqual); err == nil {
		t.Error("NaN L_t accepted")
	}
}

func BenchmarkOptimalSteps(b *testing.B) {
	L := randomCurve(rand.New(rand.NewPCG(1, 1)), 16000, 8)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		OptimalSteps(L, 1000)
	}
}
