package datasets

import (
	"fmt"
	"math/rand/v2"
	"sync"
)

// Stream tags keep the random streams of the batcher apart from each other
// and from any other user of the same seed.
const (
	streamOrder uint64 = 0x6f72646572000001 // "order"
	streamCrop  uint64 = 0x63726f7000000002 // "crop"
)

// Batcher yields deterministic batches of random crops from a fixed list of
// clips. It holds no position: batch number step is a pure function of
// (seed, step), so a training run resumed at step k sees exactly the batches
// it would have seen had it never stopped.
//
// Example j of batch step is example i = step*batch + j of an endless
// stream. The stream is cut into epochs of len(clips) examples; epoch
// e = i / len(clips) visits every clip exactly once, in the order of a
// Fisher-Yates shuffle drawn from a PCG seeded by (seed, e). A batch may
// straddle two epochs. The crop offset of each row is drawn, row by row,
// from a PCG seeded by (seed, step): uniform over 0..len(clip)-crop. A clip
// shorter than crop is copied whole and zero padded on the right.
//
// A Batcher caches the last two epoch orders; it is safe for concurrent use.
type Batcher struct {
	clips [][]int16
	batch int
	crop  int
	seed  uint64

	mu    sync.Mutex
	cache [2]epochOrder
	next  int // slot of cache to overwrite next
}

type epochOrder struct {
	epoch int
	perm  []int // nil when the slot is empty
}

// NewBatcher returns a batcher over clips (not copied; the caller must not
// change them) yielding batch rows of crop samples each, for seed. It panics
// if clips is empty or batch or crop is not positive.
func NewBatcher(clips [][]int16, batch, crop int, seed uint64) *Batcher {
	if len(clips) == 0 {
		panic("datasets: NewBatcher: no clips")
	}
	if batch <= 0 || crop <= 0 {
		panic(fmt.Sprintf("datasets: NewBatcher: batch %d and crop %d must be positive", batch, crop))
	}
	return &Batcher{clips: clips, batch: batch, crop: crop, seed: seed}
}

// Len is the number of clips; one epoch is Len examples.
func (b *Batcher) Len() int { return len(b.clips) }

// StepsPerEpoch is the number of batches that cover one epoch, rounded up.
func (b *Batcher) StepsPerEpoch() int { return (len(b.clips) + b.batch - 1) / b.batch }

// Epoch is the epoch of the first example of batch step.
func (b *Batcher) Epoch(step int) int { return step * b.batch / len(b.clips) }

// Indices writes to dst (len batch) the clip index of each row of batch
// step; Batch(step, ...) crops exactly these clips in this order.
func (b *Batcher) Indices(step int, dst []int) {
	if step < 0 {
		panic(fmt.Sprintf("datasets: Batcher: negative step %d", step))
	}
	if len(dst) != b.batch {
		panic(fmt.Sprintf("datasets: Batcher.Indices: dst has %d rows, want %d", len(dst), b.batch))
	}
	n := len(b.clips)
	first := step * b.batch
	var perm []int
	epoch := -1
	for j := range dst {
		i := first + j
		if e := i / n; e != epoch {
			epoch = e
			perm = b.order(e)
		}
		dst[j] = perm[i%n]
	}
}

// Batch fills dst (batch rows of crop samples) with batch number step.
// It panics if dst has the wrong shape or step is negative.
func (b *Batcher) Batch(step int, dst [][]int16) {
	if len(dst) != b.batch {
		panic(fmt.Sprintf("datasets: Batcher.Batch: dst has %d rows, want %d", len(dst), b.batch))
	}
	for j, row := range dst {
		if len(row) != b.crop {
			panic(fmt.Sprintf("datasets: Batcher.Batch: row %d has length %d, want %d", j, len(row), b.crop))
		}
	}
	idx := make([]int, b.batch)
	b.Indices(step, idx)
	rng := rand.New(rand.NewPCG(b.seed^streamCrop, uint64(step)))
	for j, row := range dst {
		clip := b.clips[idx[j]]
		// One draw per row whatever the clip length keeps row j's offset
		// independent of the other rows' lengths.
		u := rng.Uint64()
		if len(clip) <= b.crop {
			n := copy(row, clip)
			clear(row[n:])
			continue
		}
		span := uint64(len(clip) - b.crop + 1)
		off := int(u % span) // span << 2^64: the modulo bias is negligible
		copy(row, clip[off:off+b.crop])
	}
}

// order returns the shuffled clip order of an epoch, from the cache when it
// is there.
func (b *Batcher) order(epoch int) []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.cache {
		if c.perm != nil && c.epoch == epoch {
			return c.perm
		}
	}
	perm := make([]int, len(b.clips))
	for i := range perm {
		perm[i] = i
	}
	rng := rand.New(rand.NewPCG(b.seed^streamOrder, uint64(epoch)))
	rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	b.cache[b.next] = epochOrder{epoch: epoch, perm: perm}
	b.next = 1 - b.next
	return perm
}
