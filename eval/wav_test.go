package eval

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// writeTestWAV writes 16-bit PCM (interleaved frames) as a canonical WAV.
// The tests write their own files so that they need nothing from package
// audio.
func writeTestWAV(t *testing.T, path string, rate, channels int, samples []int16) {
	t.Helper()
	data := make([]byte, 2*len(samples))
	for i, v := range samples {
		binary.LittleEndian.PutUint16(data[2*i:], uint16(v))
	}
	h := make([]byte, 44)
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], uint32(36+len(data)))
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1)
	binary.LittleEndian.PutUint16(h[22:], uint16(channels))
	binary.LittleEndian.PutUint32(h[24:], uint32(rate))
	binary.LittleEndian.PutUint32(h[28:], uint32(rate*channels*2))
	binary.LittleEndian.PutUint16(h[32:], uint16(channels*2))
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], uint32(len(data)))
	if err := os.WriteFile(path, append(h, data...), 0o644); err != nil {
		t.Fatal(err)
	}
}

// testSignal is a seeded speech-like test signal: a few decaying partials
// plus noise of the given amplitude.
func testSignal(n int, seed uint64, noise float64) []int16 {
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([]int16, n)
	f0 := 100 + 100*rng.Float64()
	for i := range out {
		x := 0.0
		for k := 1; k <= 4; k++ {
			x += 3000 / float64(k) * math.Sin(2*math.Pi*f0*float64(k)*float64(i)/16000)
		}
		x *= math.Exp(-float64(i) / float64(n))
		x += noise * rng.NormFloat64()
		out[i] = int16(math.Max(-32768, math.Min(32767, math.Round(x))))
	}
	return out
}

// writeTestSet writes count mono 16 kHz clips of n samples into a new
// directory and returns their paths.
func writeTestSet(t *testing.T, count, n int) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i := 0; i < count; i++ {
		p := filepath.Join(dir, "clip"+string(rune('a'+i))+".wav")
		writeTestWAV(t, p, 16000, 1, testSignal(n, uint64(i+1), 30))
		paths = append(paths, p)
	}
	return paths
}
