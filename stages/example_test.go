package stages_test

import (
	"fmt"

	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/stages"
)

// A 16-bit sample becomes the unsigned value the models see, split into
// base-16 digits (most significant first); x^(s) keeps the first s digits.
func Example_digits() {
	v := int32(-12345)
	x := audio.ToUnsigned16(v)
	digits := make([]int, stages.Count(16))
	stages.Split(x, 16, digits)
	fmt.Printf("v=%d x=%d=%#04x digits=%v\n", v, x, x, digits)
	for s := 0; s <= stages.Count(16); s++ {
		fmt.Printf("x^(%d)=%#04x\n", s, stages.Value(x, 16, s))
	}
	fmt.Println(stages.Merge(digits, 16) == x)
	// Output:
	// v=-12345 x=20423=0x4fc7 digits=[4 15 12 7]
	// x^(0)=0x0000
	// x^(1)=0x4000
	// x^(2)=0x4f00
	// x^(3)=0x4fc0
	// x^(4)=0x4fc7
	// true
}
