package datasets_test

import (
	"fmt"
	"slices"

	"github.com/ardm-dev/ardm/datasets"
)

// A training loop asks for batch number step; a run resumed at step 2
// gets the very batch an uninterrupted run got.
func ExampleBatcher() {
	clips := [][]int16{
		{1, 2, 3, 4, 5, 6},
		{10, 20, 30, 40, 50, 60},
		{7, 8}, // shorter than the crop: zero padded
	}
	const batch, crop = 2, 4
	dst := [][]int16{make([]int16, crop), make([]int16, crop)}

	run := datasets.NewBatcher(clips, batch, crop, 42)
	for step := range 3 {
		run.Batch(step, dst)
	}
	last := [][]int16{slices.Clone(dst[0]), slices.Clone(dst[1])}

	resumed := datasets.NewBatcher(clips, batch, crop, 42)
	resumed.Batch(2, dst)
	fmt.Println("same batch after resuming:", slices.Equal(dst[0], last[0]) && slices.Equal(dst[1], last[1]))
	fmt.Println("steps per epoch:", run.StepsPerEpoch())
	// Output:
	// same batch after resuming: true
	// steps per epoch: 2
}
