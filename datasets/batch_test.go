package datasets

import (
	"fmt"
	"slices"
	"testing"
)

// rampClips returns n clips where clip c has length lens[c%len(lens)] and
// sample k of clip c is c*1000 + k (mod int16), so a crop identifies its
// clip and offset.
func rampClips(n int, lens ...int) [][]int16 {
	clips := make([][]int16, n)
	for c := range clips {
		l := lens[c%len(lens)]
		clips[c] = make([]int16, l)
		for k := range clips[c] {
			clips[c][k] = int16(c*1000 + k + 1)
		}
	}
	return clips
}

func newDst(batch, crop int) [][]int16 {
	dst := make([][]int16, batch)
	for i := range dst {
		dst[i] = make([]int16, crop)
	}
	return dst
}

func TestBatcherDeterministic(t *testing.T) {
	clips := rampClips(37, 500, 300, 64)
	const batch, crop = 8, 100
	a := NewBatcher(clips, batch, crop, 42)
	b := NewBatcher(clips, batch, crop, 42)
	other := NewBatcher(clips, batch, crop, 43)
	// b visits the steps in another order: the result must not depend on it.
	steps := []int{0, 1, 2, 3, 4, 5, 17, 100, 1000}
	want := make(map[int][][]int16)
	for _, s := range steps {
		d := newDst(batch, crop)
		a.Batch(s, d)
		want[s] = d
	}
	differs := 0
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		d := newDst(batch, crop)
		b.Batch(s, d)
		for r := range d {
			if !slices.Equal(d[r], want[s][r]) {
				t.Fatalf("step %d row %d differs between two batchers with the same seed", s, r)
			}
		}
		o := newDst(batch, crop)
		other.Batch(s, o)
		for r := range o {
			if !slices.Equal(o[r], d[r]) {
				differs++
			}
		}
		// Calling again (cache hit) gives the same batch.
		again := newDst(batch, crop)
		b.Batch(s, again)
		for r := range again {
			if !slices.Equal(again[r], d[r]) {
				t.Fatalf("step %d row %d changed on a second call", s, r)
			}
		}
	}
	if differs < len(steps)*batch/2 {
		t.Errorf("seed 43 repeated %d of %d rows of seed 42", len(steps)*batch-differs, len(steps)*batch)
	}
}

func TestBatcherEpochVisitsEveryClipOnce(t *testing.T) {
	for _, tc := range []struct{ n, batch int }{
		{10, 3},   // batches straddle epochs
		{12, 4},   // exact fit
		{7, 16},   // batch larger than an epoch
		{101, 10}, // several epochs
	} {
		t.Run(fmt.Sprintf("n%d_b%d", tc.n, tc.batch), func(t *testing.T) {
			b := NewBatcher(rampClips(tc.n, 50), tc.batch, 10, 7)
			const epochs = 4
			seen := make([][]int, epochs)
			idx := make([]int, tc.batch)
			for step := 0; step*tc.batch < epochs*tc.n; step++ {
				b.Indices(step, idx)
				for j, c := range idx {
					i := step*tc.batch + j
					if e := i / tc.n; e < epochs {
						seen[e] = append(seen[e], c)
					}
				}
			}
			var orders [][]int
			for e, s := range seen {
				if len(s) != tc.n {
					t.Fatalf("epoch %d has %d examples, want %d", e, len(s), tc.n)
				}
				orders = append(orders, slices.Clone(s))
				slices.Sort(s)
				for k, c := range s {
					if c != k {
						t.Fatalf("epoch %d does not visit every clip once: sorted %v", e, s)
					}
				}
			}
			if tc.n >= 10 && slices.Equal(orders[0], orders[1]) && slices.Equal(orders[1], orders[2]) {
				t.Errorf("epochs 0..2 have the same order %v: not reshuffled", orders[0])
			}
		})
	}
}

func TestBatcherCrops(t *testing.T) {
	lens := []int{100, 40, 250}
	clips := rampClips(30, lens...)
	const batch, crop = 6, 64
	b := NewBatcher(clips, batch, crop, 3)
	dst := newDst(batch, crop)
	idx := make([]int, batch)
	offsets := make(map[int]bool)
	for step := range 50 {
		b.Batch(step, dst)
		b.Indices(step, idx)
		for j, row := range dst {
			c := idx[j]
			clip := clips[c]
			if len(clip) < crop {
				if !slices.Equal(row[:len(clip)], clip) {
					t.Fatalf("step %d row %d: short clip %d not copied whole", step, j, c)
				}
				for _, v := range row[len(clip):] {
					if v != 0 {
						t.Fatalf("step %d row %d: short clip %d not zero padded", step, j, c)
					}
				}
				continue
			}
			off := int(row[0]) - (c*1000 + 1)
			if off < 0 || off > len(clip)-crop {
				t.Fatalf("step %d row %d: offset %d out of 0..%d", step, j, off, len(clip)-crop)
			}
			if !slices.Equal(row, clip[off:off+crop]) {
				t.Fatalf("step %d row %d: not a contiguous crop of clip %d", step, j, c)
			}
			if len(clip) == 250 {
				offsets[off] = true
			}
		}
	}
	// 250-64+1 = 187 possible offsets; 100 draws must spread over many.
	if len(offsets) < 40 {
		t.Errorf("only %d distinct crop offsets for the long clips", len(offsets))
	}
}

func TestBatcherPanics(t *testing.T) {
	clips := rampClips(3, 10)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"no clips", func() { NewBatcher(nil, 1, 1, 0) }},
		{"zero batch", func() { NewBatcher(clips, 0, 1, 0) }},
		{"zero crop", func() { NewBatcher(clips, 1, 0, 0) }},
		{"dst rows", func() { NewBatcher(clips, 2, 4, 0).Batch(0, newDst(3, 4)) }},
		{"dst cols", func() { NewBatcher(clips, 2, 4, 0).Batch(0, newDst(2, 5)) }},
		{"negative step", func() { NewBatcher(clips, 2, 4, 0).Batch(-1, newDst(2, 4)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic")
				}
			}()
			tc.f()
		})
	}
}

func BenchmarkBatcher(b *testing.B) {
	clips := rampClips(2000, 16000)
	for _, crop := range []int{4000, 16000} {
		b.Run(fmt.Sprintf("crop%d", crop), func(b *testing.B) {
			bt := NewBatcher(clips, 16, crop, 1)
			dst := newDst(16, crop)
			b.ReportAllocs()
			b.SetBytes(int64(16 * crop * 2))
			for i := 0; b.Loop(); i++ {
				bt.Batch(i, dst)
			}
		})
	}
}
