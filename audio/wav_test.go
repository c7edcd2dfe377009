package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// samePCM reports the first difference between two PCMs, comparing the
// format and every sample.
func samePCM(got *PCM, wantFmt Format, want [][]int32) error {
	if got.Format != wantFmt {
		return fmt.Errorf("format %+v, want %+v", got.Format, wantFmt)
	}
	if len(got.Data) != len(want) {
		return fmt.Errorf("%d channels, want %d", len(got.Data), len(want))
	}
	for c := range want {
		if len(got.Data[c]) != len(want[c]) {
			return fmt.Errorf("channel %d: %d samples, want %d", c, len(got.Data[c]), len(want[c]))
		}
		for i := range want[c] {
			if got.Data[c][i] != want[c][i] {
				return fmt.Errorf("channel %d sample %d: %d, want %d", c, i, got.Data[c][i], want[c][i])
			}
		}
	}
	return nil
}

func TestReadValidFixtures(t *testing.T) {
	for _, f := range validFixtures {
		t.Run(f.name, func(t *testing.T) {
			b, want := f.spec.build()
			wf := Format{SampleRate: f.spec.rate, BitDepth: f.spec.bits, Channels: f.spec.channels}
			fromFile, err := ReadFile(filepath.Join("testdata", f.name+".wav"))
			if err != nil {
				t.Fatal(err)
			}
			if err := samePCM(fromFile, wf, want); err != nil {
				t.Fatalf("ReadFile: %v", err)
			}
			fromBytes, err := ReadAll(bytes.NewReader(b), f.name)
			if err != nil {
				t.Fatal(err)
			}
			if err := samePCM(fromBytes, wf, want); err != nil {
				t.Fatalf("ReadAll: %v", err)
			}
			h, err := ReadHeader(bytes.NewReader(b), f.name)
			if err != nil {
				t.Fatal(err)
			}
			if h.Frames != int64(f.spec.frames) || h.Extensible() != f.spec.extensible {
				t.Errorf("header %+v, want %d frames, extensible %v", h, f.spec.frames, f.spec.extensible)
			}
			if f.spec.validBits != 0 && h.ValidBits != f.spec.validBits {
				t.Errorf("valid bits %d, want %d", h.ValidBits, f.spec.validBits)
			}
		})
	}
}

// TestReadWriteRead writes every valid fixture with Write and reads it back:
// every sample must survive, and writing twice must give the same bytes.
func TestReadWriteRead(t *testing.T) {
	dir := t.TempDir()
	for _, f := range validFixtures {
		t.Run(f.name, func(t *testing.T) {
			p, err := ReadFile(filepath.Join("testdata", f.name+".wav"))
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, f.name+".wav")
			if err := WriteFile(out, p); err != nil {
				t.Fatal(err)
			}
			q, err := ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if err := samePCM(q, p.Format, p.Data); err != nil {
				t.Fatal(err)
			}
			disk, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			enc, err := Encode(p)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(disk, enc) {
				t.Fatal("WriteFile and Encode give different bytes")
			}
			// RIFF layout: even total size, RIFF size = file size - 8,
			// data size = frames * block align.
			if len(enc)%2 != 0 {
				t.Errorf("file size %d is odd (missing pad byte)", len(enc))
			}
			if got := binary.LittleEndian.Uint32(enc[4:]); int(got) != len(enc)-8 {
				t.Errorf("RIFF size %d, want %d", got, len(enc)-8)
			}
			if got, want := binary.LittleEndian.Uint32(enc[40:]), p.Frames()*p.Channels*p.BitDepth/8; int(got) != want {
				t.Errorf("data size %d, want %d", got, want)
			}
		})
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != len(validFixtures) {
		t.Errorf("%d files in the output directory, want %d (temporary files left behind?)", len(ents), len(validFixtures))
	}
}

func TestReadBrokenFixtures(t *testing.T) {
	for _, f := range brokenFixtures {
		t.Run(f.name, func(t *testing.T) {
			path := filepath.Join("testdata", "bad-"+f.name+".wav")
			_, err := ReadFile(path)
			if err == nil {
				t.Fatal("no error")
			}
			var fe *FormatError
			if !errors.As(err, &fe) || !errors.Is(err, f.class) {
				t.Fatalf("error %q (%T) is not a FormatError of class %v", err, err, f.class)
			}
			if !strings.Contains(err.Error(), f.want) || !strings.HasPrefix(err.Error(), "audio: "+path+": ") {
				t.Fatalf("error %q, want \"audio: %s: ...%s...\"", err, path, f.want)
			}
		})
	}
}

func TestWriteRejects(t *testing.T) {
	ok := func() *PCM {
		return &PCM{Format: Format{SampleRate: 16000, BitDepth: 16, Channels: 2}, Data: [][]int32{{1, 2}, {3, 4}}}
	}
	cases := []struct {
		name   string
		modify func(p *PCM)
		want   string
	}{
		{"depth", func(p *PCM) { p.BitDepth = 12 }, "cannot write bit depth 12"},
		{"channels", func(p *PCM) { p.Channels = 0 }, "cannot write 0 channels"},
		{"slices", func(p *PCM) { p.Data = p.Data[:1] }, "1 channel slices for 2 channels"},
		{"ragged", func(p *PCM) { p.Data[1] = p.Data[1][:1] }, "channel 1 has 1 samples"},
		{"rate", func(p *PCM) { p.SampleRate = 0 }, "cannot write sample rate 0"},
		{"range16", func(p *PCM) { p.Data[1][1] = 32768 }, "channel 1 sample 1 is 32768, outside the 16-bit range -32768..32767"},
		{"range8", func(p *PCM) { p.BitDepth = 8; p.Data[0][0] = -129 }, "outside the 8-bit range -128..127"},
		{"range24", func(p *PCM) { p.BitDepth = 24; p.Data[0][0] = 1 << 23 }, "outside the 24-bit range"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := ok()
			c.modify(p)
			_, err := Encode(p)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
			out := filepath.Join(t.TempDir(), "x.wav")
			if err := WriteFile(out, p); err == nil {
				t.Fatal("WriteFile accepted it")
			}
			if ents, _ := os.ReadDir(filepath.Dir(out)); len(ents) != 0 {
				t.Fatalf("WriteFile left %d files behind", len(ents))
			}
		})
	}
	if _, err := Encode(ok()); err != nil {
		t.Fatalf("valid PCM refused: %v", err)
	}
}

// TestWriteFileReplaces checks that WriteFile replaces an existing file.
func TestWriteFileReplaces(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.wav")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &PCM{Format: Format{SampleRate: 8000, BitDepth: 8, Channels: 1}, Data: [][]int32{{-128, 0, 127}}}
	if err := WriteFile(out, p); err != nil {
		t.Fatal(err)
	}
	q, err := ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := samePCM(q, p.Format, p.Data); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(out)
	if got := raw[44:47]; !bytes.Equal(got, []byte{0, 128, 255}) {
		t.Fatalf("8-bit samples on disk % x, want 00 80 ff (unsigned)", got)
	}
}

// TestAgainstSox reads files written by sox (which uses
// WAVE_FORMAT_EXTENSIBLE for 24-bit and multichannel audio) and compares
// every sample with sox's own raw decoding. Skipped without sox.
func TestAgainstSox(t *testing.T) {
	sox, err := exec.LookPath("sox")
	if err != nil {
		t.Skip("sox not installed")
	}
	dir := t.TempDir()
	for _, v := range []struct{ bits, channels, rate int }{
		{8, 1, 8000}, {8, 2, 11025}, {16, 1, 16000}, {16, 2, 44100}, {24, 1, 44100}, {24, 3, 48000}, {32, 1, 22050}, {32, 4, 44100},
	} {
		name := fmt.Sprintf("b%d-c%d-r%d", v.bits, v.channels, v.rate)
		t.Run(name, func(t *testing.T) {
			wavPath := filepath.Join(dir, name+".wav")
			rawPath := filepath.Join(dir, name+".raw")
			gen := exec.Command(sox, "-R", "-n", "-r", fmt.Sprint(v.rate), "-b", fmt.Sprint(v.bits), "-c", fmt.Sprint(v.channels),
				wavPath, "synth", "0.0123", "sine", "440", "gain", "-1")
			if out, err := gen.CombinedOutput(); err != nil {
				t.Fatalf("sox: %v\n%s", err, out)
			}
			dec := exec.Command(sox, "-R", wavPath, "-t", "raw", "-e", "signed-integer", "-L", rawPath)
			if out, err := dec.CombinedOutput(); err != nil {
				t.Fatalf("sox: %v\n%s", err, out)
			}
			raw, err := os.ReadFile(rawPath)
			if err != nil {
				t.Fatal(err)
			}
			p, err := ReadFile(wavPath)
			if err != nil {
				t.Fatal(err)
			}
			bps := v.bits / 8
			frames := len(raw) / (bps * v.channels)
			want := make([][]int32, v.channels)
			for i := range frames * v.channels {
				var b [4]byte
				copy(b[4-bps:], raw[i*bps:(i+1)*bps])
				want[i%v.channels] = append(want[i%v.channels], int32(binary.LittleEndian.Uint32(b[:]))>>uint(32-v.bits))
			}
			if err := samePCM(p, Format{SampleRate: v.rate, BitDepth: v.bits, Channels: v.channels}, want); err != nil {
				t.Fatal(err)
			}
			if Stats(p)[0].PeakDBFS > -0.9 || Stats(p)[0].PeakDBFS < -1.1 {
				t.Errorf("peak %.3f dBFS, sox generated -1 dBFS", Stats(p)[0].PeakDBFS)
			}
			// sox must read what Write produces, sample for sample.
			back := filepath.Join(dir, name+"-back.wav")
			if err := WriteFile(back, p); err != nil {
				t.Fatal(err)
			}
			raw2 := filepath.Join(dir, name+"-back.raw")
			if out, err := exec.Command(sox, "-R", back, "-t", "raw", "-e", "signed-integer", "-L", raw2).CombinedOutput(); err != nil {
				t.Fatalf("sox rejects our file: %v\n%s", err, out)
			}
			got2, _ := os.ReadFile(raw2)
			if !bytes.Equal(got2, raw) {
				t.Fatal("sox decodes our file differently from the original")
			}
		})
	}
}
