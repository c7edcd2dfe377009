package audio_test

import (
	"fmt"

	"github.com/ardm-dev/ardm/audio"
)

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
