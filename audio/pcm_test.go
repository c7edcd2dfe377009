package audio

import "testing"

func TestFirstDiff(t *testing.T) {
	pcm := func(ch ...[]int32) *PCM {
		return &PCM{Format: Format{SampleRate: 8000, BitDepth: 16, Channels: len(ch)}, Data: ch}
	}
	tests := []struct {
		name   string
		a, b   *PCM
		ch, i  int
		differ bool
	}{
		{"equal", pcm([]int32{1, 2}, []int32{3, 4}), pcm([]int32{1, 2}, []int32{3, 4}), 0, 0, false},
		{"empty", pcm(), pcm(), 0, 0, false},
		{"sample", pcm([]int32{1, 2}, []int32{3, 4}), pcm([]int32{1, 2}, []int32{3, 5}), 1, 1, true},
		{"first of several", pcm([]int32{1, 9, 9}), pcm([]int32{1, 2, 3}), 0, 1, true},
		{"shorter", pcm([]int32{1, 2}), pcm([]int32{1, 2, 3}), 0, 2, true},
		{"extra channel", pcm([]int32{1}), pcm([]int32{1}, []int32{2}), 1, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, swap := range []bool{false, true} {
				a, b := tt.a, tt.b
				if swap {
					a, b = b, a
				}
				ch, i, differ := FirstDiff(a, b)
				if ch != tt.ch || i != tt.i || differ != tt.differ {
					t.Errorf("FirstDiff (swapped %v) = %d, %d, %v; want %d, %d, %v", swap, ch, i, differ, tt.ch, tt.i, tt.differ)
				}
				if a.Equal(b) == differ {
					t.Errorf("Equal (swapped %v) = %v with differ %v", swap, a.Equal(b), differ)
				}
			}
		})
	}
}
