package ardm

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// Budgets: choosing which positions to generate together.
//
// Generating k positions at once from step t costs about k * L_t bits,
// where L_t is the expected loss per position with t of n revealed. For a
// budget of K network calls in a stage, the policy is a set of step
// boundaries 0 = t_0 < t_1 < ... < t_K = n minimising
// sum_k (t_{k+1} - t_k) * L_{t_k}. As in the paper, L_t (interpolated from
// the model's L_t bins) is first sorted in descending order; the cost is
// then Monge and a monotone convex-hull-trick dynamic program finds the
// optimum in O(K n) time. The dynamic program runs on L_t quantised to
// 2^-16 bits in exact integer arithmetic, so the policy is the same on
// every machine (the coder depends on that).

// Allocation names how a total budget of network calls is split across
// the stages.
type Allocation int

const (
	// AllocEqual splits the budget equally (the paper); the first
	// budget mod S stages get one call more.
	AllocEqual Allocation = iota
	// AllocJoint picks the per-stage budgets that minimise the total
	// expected bits (exact dynamic program over the stages' cost curves).
	AllocJoint
)

// String names the allocation as the command-line flag spells it.
func (a Allocation) String() string {
	switch a {
	case AllocEqual:
		return "equal"
	case AllocJoint:
		return "joint"
	}
	return fmt.Sprintf("Allocation(%d)", int(a))
}

// ParseAllocation is the inverse of Allocation.String.
func ParseAllocation(s string) (Allocation, error) {
	switch s {
	case "equal":
		return AllocEqual, nil
	case "joint":
		return AllocJoint, nil
	}
	return 0, fmt.Errorf("ardm: unknown budget allocation %q (want equal or joint)", s)
}

// Policy is a schedule of network calls for coding or generating n
// positions per stage.
type Policy struct {
	N     int     // positions per stage
	Steps [][]int // Steps[s-1] = 0 = t_0 < t_1 < ... < t_K = N for stage s
	// StageBits[s-1] is the expected cost of stage s under the policy,
	// bits per sample, from the model's L_t curve.
	StageBits []float64
	// Bits is the sum of StageBits: the expected bits per sample.
	Bits float64
	// BoundBits[s-1] is the stage's cost with one call per position (the
	// mean of its L_t curve); their sum is the full bound.
	BoundBits []float64
}

// Calls is the number of network calls of the policy.
func (p *Policy) Calls() int {
	c := 0
	for _, s := range p.Steps {
		c += len(s) - 1
	}
	return c
}

// ltQuantum is the resolution of L_t in the dynamic program (bits).
const ltQuantum = 1 << 16

// LtCurve interpolates a stage's L_t bins (bits per position, bin j for
// t/n in [j/len, (j+1)/len)) linearly between bin centres to t = 0..n-1
// and sorts the result in descending order, as the paper did.
func LtCurve(bins []float64, n int) []float64 {
	B := len(bins)
	if B == 0 || n < 1 {
		panic("ardm: LtCurve: no bins or n < 1")
	}
	L := make([]float64, n)
	for t := range L {
		u := float64(t)*float64(B)/float64(n) - 0.5
		j := int(math.Floor(u))
		var v float64
		switch {
		case j < 0:
			v = bins[0]
		case j >= B-1:
			v = bins[B-1]
		default:
			fr := u - float64(j)
			v = bins[j] + float64(fr*(bins[j+1]-bins[j]))
		}
		L[t] = v
	}
	slices.SortFunc(L, func(a, b float64) int {
		switch {
		case a > b:
			return -1
		case a < b:
			return 1
		}
		return 0
	})
	return L
}

// quantizeCurve turns a descending curve into integers (2^-16 bits).
func quantizeCurve(L []float64) []int64 {
	q := make([]int64, len(L))
	for i, v := range L {
		q[i] = int64(math.Round(float64(v * ltQuantum)))
	}
	return q
}

// stepsCost is the cost sum (t_{k+1}-t_k) * L[t_k] of steps on curve L.
func stepsCost(L []float64, steps []int) float64 {
	c := 0.0
	for k := 0; k+1 < len(steps); k++ {
		c += float64(float64(steps[k+1]-steps[k]) * L[steps[k]])
	}
	return c
}

// hull is a monotone convex-hull-trick structure for minimum queries over
// lines y = m*x + c added in non-increasing slope order and queried at
// non-decreasing x. Integer and exact; the lines live in lines[head:tail].
type hull struct {
	lines      []line
	head, tail int
	wide       bool // products may overflow int64: compare in 128 bits
}

type line struct {
	m, c int64
	id   int32
}

func (h *hull) reset() { h.head, h.tail = 0, 0 }

// bad reports whether l2 (the middle line) is never the minimum given l1
// and l3 (slopes m1 >= m2 >= m3): the intersection of l1 and l3 is at or
// left of that of l1 and l2.
func (h *hull) bad(l1, l2, l3 *line) bool {
	if h.wide {
		return mulCmp(l3.c-l1.c, l1.m-l2.m, l2.c-l1.c, l1.m-l3.m) <= 0
	}
	return (l3.c-l1.c)*(l1.m-l2.m) <= (l2.c-l1.c)*(l1.m-l3.m)
}

func (h *hull) add(m, c int64, id int32) {
	if h.tail > h.head && h.lines[h.tail-1].m == m {
		if h.lines[h.tail-1].c <= c {
			return
		}
		h.tail--
	}
	nl := line{m, c, id}
	for h.tail-h.head >= 2 && h.bad(&h.lines[h.tail-2], &h.lines[h.tail-1], &nl) {
		h.tail--
	}
	h.lines[h.tail] = nl
	h.tail++
}

// query returns the minimum value at x and the id of its line (the
// earliest-added line among ties).
func (h *hull) query(x int64) (int64, int32) {
	for h.tail-h.head >= 2 && h.lines[h.head+1].m*x+h.lines[h.head+1].c < h.lines[h.head].m*x+h.lines[h.head].c {
		h.head++
	}
	l := &h.lines[h.head]
	return l.m*x + l.c, l.id
}

// mulCmp compares a*b with c*d exactly (128-bit products): -1, 0 or 1.
func mulCmp(a, b, c, d int64) int {
	hi1, lo1 := mul128(a, b)
	hi2, lo2 := mul128(c, d)
	switch {
	case hi1 < hi2 || hi1 == hi2 && lo1 < lo2:
		return -1
	case hi1 == hi2 && lo1 == lo2:
		return 0
	}
	return 1
}

// mul128 returns the signed 128-bit product of a and b as (high, low).
func mul128(a, b int64) (int64, uint64) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	// Signed correction of the unsigned high word.
	if a < 0 {
		hi -= uint64(b)
	}
	if b < 0 {
		hi -= uint64(a)
	}
	return int64(hi), lo
}

const infCost = math.MaxInt64 / 4

// dpLayers runs the step dynamic program on the quantised descending curve
// q for up to K steps. F_k(b) = min_{a<b} F_{k-1}(a) + (b-a) q[a], F_0(0)=0.
// It returns curve[k-1] = F_k(n) for k = 1..K and, when keepParents, the
// argmin table par[(k-1)*(n+1) + b].
func dpLayers(q []int64, K int, keepParents bool) (curve []int64, par []int32) {
	n := len(q)
	prev := make([]int64, n+1)
	cur := make([]int64, n+1)
	for b := range prev {
		prev[b] = infCost
	}
	prev[0] = 0
	// Intercepts are F(a) - a*q[a], |.| <= 2 n q0; the hull multiplies
	// differences of intercepts (<= 4 n q0) by differences of slopes (<= q0).
	q0 := uint64(max(q[0], 1))
	hiB, _ := bits.Mul64(4*uint64(n+1)*q0, q0)
	h := hull{lines: make([]line, n+1), wide: hiB != 0 || 4*uint64(n+1)*q0*q0 >= 1<<62}
	curve = make([]int64, K)
	if keepParents {
		par = make([]int32, K*(n+1))
	}
	for k := 1; k <= K; k++ {
		h.reset()
		// F_k(b) is finite only for b >= k; the line of split a is added
		// once F_{k-1}(a) is known, before querying b = a+1.
		for b := range cur[:k] {
			cur[b] = infCost
		}
		var p []int32
		if keepParents {
			p = par[(k-1)*(n+1) : k*(n+1)]
		}
		// Only b <= n-(K-k) can lead to a K-step solution (the last layer
		// needs b = n); costs beyond are not needed but for the curve.
		last := n
		if keepParents {
			last = n - (K - k)
		}
		lines := h.lines
		head, tail := 0, 0
		for b := k; b <= last; b++ {
			a := b - 1
			if pa := prev[a]; pa < infCost {
				m, c := q[a], pa-int64(a)*q[a]
				if tail > head && lines[tail-1].m == m && lines[tail-1].c <= c {
					goto query
				}
				if tail > head && lines[tail-1].m == m {
					tail--
				}
				for tail-head >= 2 {
					l1, l2 := &lines[tail-2], &lines[tail-1]
					var isBad bool
					if h.wide {
						isBad = mulCmp(c-l1.c, l1.m-l2.m, l2.c-l1.c, l1.m-m) <= 0
					} else {
						isBad = (c-l1.c)*(l1.m-l2.m) <= (l2.c-l1.c)*(l1.m-m)
					}
					if !isBad {
						break
					}
					tail--
				}
				lines[tail] = line{m, c, int32(a)}
				tail++
			}
		query:
			x := int64(b)
			for tail-head >= 2 && lines[head+1].m*x+lines[head+1].c < lines[head].m*x+lines[head].c {
				head++
			}
			cur[b] = lines[head].m*x + lines[head].c
			if keepParents {
				p[b] = lines[head].id
			}
		}
		for b := last + 1; b <= n; b++ {
			cur[b] = infCost
		}
		curve[k-1] = cur[n]
		prev, cur = cur, prev
	}
	return curve, par
}

// OptimalSteps returns the step boundaries 0 = t_0 < ... < t_K = n
// minimising sum_k (t_{k+1}-t_k) * L[t_k] for the descending curve L
// (len n) and K = min(k, n) steps (k < 1 is taken as 1).
func OptimalSteps(L []float64, k int) []int {
	n := len(L)
	if n == 0 {
		return []int{0}
	}
	k = max(1, min(k, n))
	if k == n {
		s := make([]int, n+1)
		for i := range s {
			s[i] = i
		}
		return s
	}
	_, par := dpLayers(quantizeCurve(L), k, true)
	steps := make([]int, k+1)
	steps[k] = n
	b := n
	for j := k; j >= 1; j-- {
		b = int(par[(j-1)*(n+1)+b])
		steps[j-1] = b
	}
	return steps
}

// SplitBudget returns the per-stage budgets of an equal split of budget
// calls over S stages (each at least 1, at most n).
func SplitBudget(budget, S, n int) []int {
	ks := make([]int, S)
	for s := range ks {
		k := budget / S
		if s < budget%S {
			k++
		}
		ks[s] = max(1, min(k, n))
	}
	return ks
}

// NewPolicy computes the policy for coding n positions per stage under a
// total budget of network calls (budget <= 0: one call per position),
// from the L_t bins of every stage (lt[s-1], bits per position).
func NewPolicy(lt [][]float64, budget, n int, alloc Allocation) (*Policy, error) {
	S := len(lt)
	if S == 0 || n < 1 {
		return nil, fmt.Errorf("ardm: policy needs at least one stage and n >= 1")
	}
	for s, row := range lt {
		if len(row) == 0 {
			return nil, fmt.Errorf("ardm: L_t of stage %d is empty", s+1)
		}
		for _, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 64 {
				return nil, fmt.Errorf("ardm: L_t of stage %d has invalid value %v", s+1, v)
			}
		}
	}
	curves := make([][]float64, S)
	for s := range curves {
		curves[s] = LtCurve(lt[s], n)
	}
	var ks []int
	switch {
	case budget <= 0 || budget >= S*n:
		ks = make([]int, S)
		for s := range ks {
			ks[s] = n
		}
	case alloc == AllocEqual:
		ks = SplitBudget(budget, S, n)
	case alloc == AllocJoint:
		ks = jointBudgets(curves, budget, n)
	default:
		return nil, fmt.Errorf("ardm: unknown allocation %d", alloc)
	}
	p := &Policy{N: n, Steps: make([][]int, S), StageBits: make([]float64, S), BoundBits: make([]float64, S)}
	for s := range curves {
		p.Steps[s] = OptimalSteps(curves[s], ks[s])
		p.StageBits[s] = stepsCost(curves[s], p.Steps[s]) / float64(n)
		p.Bits += p.StageBits[s]
		sum := 0.0
		for _, v := range curves[s] {
			sum += v
		}
		p.BoundBits[s] = sum / float64(n)
	}
	return p, nil
}

// jointBudgets splits budget calls over the stages to minimise the total
// (quantised) expected cost: each stage's cost curve F_s(k) comes from the
// step dynamic program, then an exact allocation DP over stages.
func jointBudgets(curves [][]float64, budget, n int) []int {
	S := len(curves)
	kmax := min(n, budget-(S-1))
	if kmax < 1 {
		return SplitBudget(budget, S, n)
	}
	costs := make([][]int64, S)
	for s, L := range curves {
		costs[s], _ = dpLayers(quantizeCurve(L), kmax, false)
	}
	budget = min(budget, S*kmax)
	// A[s][j]: least cost of stages 0..s-1 with j calls; choice[s][j].
	A := make([]int64, budget+1)
	for j := range A {
		A[j] = infCost
	}
	A[0] = 0
	choice := make([][]int32, S)
	for s := 0; s < S; s++ {
		next := make([]int64, budget+1)
		choice[s] = make([]int32, budget+1)
		for j := range next {
			next[j] = infCost
			for k := 1; k <= kmax && k <= j; k++ {
				if A[j-k] >= infCost {
					continue
				}
				if v := A[j-k] + costs[s][k-1]; v < next[j] {
					next[j], choice[s][j] = v, int32(k)
				}
			}
		}
		A = next
	}
	// Use the whole budget if it is reachable (more calls never cost
	// more); otherwise the largest reachable total.
	j := budget
	for j > 0 && A[j] >= infCost {
		j--
	}
	ks := make([]int, S)
	for s := S - 1; s >= 0; s-- {
		ks[s] = int(choice[s][j])
		j -= ks[s]
	}
	return ks
}

// Policy returns the policy of m for n positions per stage under a total
// budget of network calls, from the model's L_t table.
func (m *Model) Policy(budget, n int, alloc Allocation) (*Policy, error) {
	return NewPolicy(m.Lt, budget, n, alloc)
}
