package audio_test

import (
	"fmt"

	"github.com/ardm-dev/ardm/audio"
)

// A 16-bit sample becomes the unsigned value the models see, split into
// base-16 digits (most significant first); x^(s) keeps the first s digits.
func Example_digits() {
	v := int32(-12345)
	x := audio.ToUnsigned16(v)
	digits := make([]int, audio.Stages(16))
	audio.SplitDigits(x, 16, digits)
	fmt.Printf("v=%d x=%d=%#04x digits=%v\n", v, x, x, digits)
	for s := 0; s <= audio.Stages(16); s++ {
		fmt.Printf("x^(%d)=%#04x\n", s, audio.StageValue(x, 16, s))
	}
	fmt.Println(audio.MergeDigits(digits, 16) == x)
	// Output:
	// v=-12345 x=20423=0x4fc7 digits=[4 15 12 7]
	// x^(0)=0x0000
	// x^(1)=0x4000
	// x^(2)=0x4f00
	// x^(3)=0x4fc0
	// x^(4)=0x4fc7
	// true
}

// Writing and reading a WAV file in memory: 8-bit samples are signed in
// memory and survive the round trip exactly.
func ExampleDecode() {
	p := &audio.PCM{
		Format: audio.Format{SampleRate: 8000, BitDepth: 8, Channels: 2},
		Data:   [][]int32{{-128, 0, 127}, {5, -5, 0}},
	}
	b, err := audio.Encode(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	q, err := audio.Decode(b, "memory.wav")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(b), "bytes;", q.Channels, "channels,", q.Frames(), "frames:", q.Data)
	fmt.Println(audio.EffectiveBits(q.ConvertDepth(16)), "effective bits after 8->16")
	_, err = audio.Decode(b[:20], "short.wav")
	fmt.Println(err)
	// Output:
	// 50 bytes; 2 channels, 3 frames: [[-128 0 127] [5 -5 0]]
	// 8 effective bits after 8->16
	// audio: short.wav: fmt chunk claims 16 bytes but only 0 remain
}
