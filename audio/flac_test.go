package audio

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// flacEncode codes a WAV file with the reference encoder (installed by
// scripts/deps.sh) and returns the FLAC bytes.
func flacEncode(t testing.TB, wav []byte, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("flac"); err != nil {
		t.Skip("flac not installed (scripts/deps.sh installs it)")
	}
	cmd := exec.Command("flac", append([]string{"-s", "-c", "--no-padding", "--no-seektable"}, append(args, "-")...)...)
	cmd.Stdin = bytes.NewReader(wav)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("flac %v: %v: %s", args, err, errb.String())
	}
	return out.Bytes()
}

// flacSpecs are the formats the FLAC tests code: every container depth,
// a 12- and a 20-bit stream (left-justified in 16 and 24 bits, as a WAV
// with valid bits would be), one to six channels.
var flacSpecs = []wavSpec{
	{channels: 1, rate: 16000, bits: 16, frames: 3000, seed: 1},
	{channels: 2, rate: 8000, bits: 8, frames: 2500, seed: 2},
	{channels: 6, rate: 48000, bits: 24, frames: 1200, seed: 3, extensible: true},
	{channels: 1, rate: 16000, bits: 16, validBits: 12, frames: 2000, seed: 4, extensible: true},
	{channels: 2, rate: 44100, bits: 24, validBits: 20, frames: 1500, seed: 5, extensible: true},
}

// TestFLACMatchesWAV codes WAV files with the reference encoder (small
// blocks, so that a file has many frames) and reads the FLAC from a file,
// a pipe and a one-byte pipe in chunks of several sizes: the samples and
// format equal the WAV's.
func TestFLACMatchesWAV(t *testing.T) {
	for _, s := range flacSpecs {
		name := fmt.Sprintf("%dch-%dbit-valid%d", s.channels, s.bits, s.validBits)
		t.Run(name, func(t *testing.T) {
			wav, _ := s.build()
			want, err := Decode(wav, "x.wav")
			if err != nil {
				t.Fatal(err)
			}
			fl := flacEncode(t, wav, "--blocksize=576", "-5")
			for src, open := range sources(fl) {
				for _, n := range []int{1, 577, 1 << 20} {
					if src == "one-byte" && n == 1 {
						continue // slow, and covered by the other two
					}
					got, h, err := streamAll(open(), "x.flac", n)
					if err != nil {
						t.Fatalf("%s, chunks of %d: %v", src, n, err)
					}
					if !got.Equal(want) {
						ch, i, _ := FirstDiff(got, want)
						t.Fatalf("%s, chunks of %d: samples differ at channel %d, sample %d", src, n, ch, i)
					}
					valid := s.validBits
					if valid == 0 {
						valid = s.bits
					}
					if h.Container != ContainerFLAC || h.ValidBits != valid || h.Frames != int64(s.frames) {
						t.Fatalf("%s: header %+v", src, h)
					}
				}
			}
			h, err := ReadHeader(bytes.NewReader(fl), "x.flac")
			if err != nil || h.Format != want.Format || h.Frames != int64(s.frames) {
				t.Fatalf("ReadHeader: %+v, %v", h, err)
			}
		})
	}
}

// TestFLACRealFiles reads real Speech Commands FLAC files and compares
// them with the reference decoder's output.
func TestFLACRealFiles(t *testing.T) {
	files, _ := filepath.Glob("../../shared/data/sc-train/*/*.flac")
	if len(files) == 0 {
		t.Skip("../shared/data/sc-train not present")
	}
	if _, err := exec.LookPath("flac"); err != nil {
		t.Skip("flac not installed")
	}
	for i := 0; i < len(files) && i < 40; i += 7 {
		ref, err := exec.Command("flac", "-s", "-d", "-c", files[i]).Output()
		if err != nil {
			t.Fatal(err)
		}
		want, err := Decode(ref, "ref.wav")
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadFile(files[i])
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(want) {
			t.Fatalf("%s differs from flac -d", files[i])
		}
	}
}

// TestFLACBroken: a truncated FLAC file is ErrTruncated (with the whole
// frames before the cut), a damaged byte in the frames or a wrong MD5 is
// an error (ErrCorrupt unless it reads as a truncation), never a panic or
// wrong samples.
func TestFLACBroken(t *testing.T) {
	s := flacSpecs[0]
	wav, _ := s.build()
	fl := flacEncode(t, wav, "--blocksize=576", "-5")
	h, err := ReadHeader(bytes.NewReader(fl), "x.flac")
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int64{5, 20, h.DataOffset + 3, h.DataOffset + 700, int64(len(fl)) - 1} {
		for src, open := range sources(fl[:cut]) {
			if src == "one-byte" {
				continue
			}
			_, _, err := streamAll(open(), "x.flac", 1000)
			if !errors.Is(err, ErrTruncated) {
				t.Errorf("cut at %d (%s): %v, want ErrTruncated", cut, src, err)
			}
		}
	}
	for pos := h.DataOffset; pos < int64(len(fl)); pos += 37 {
		b := bytes.Clone(fl)
		b[pos] ^= 0x5a
		_, err := Decode(b, "x.flac")
		if err == nil {
			t.Fatalf("flipped byte %d decodes without error", pos)
		}
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("flipped byte %d: %v is not a *FormatError", pos, err)
		}
	}
	// The MD5 is the last 16 bytes of STREAMINFO (bytes 8+18..8+34).
	b := bytes.Clone(fl)
	b[8+30] ^= 1
	if _, err := Decode(b, "x.flac"); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("wrong MD5: %v, want ErrCorrupt", err)
	}
}

// TestFLACReadFile reads a FLAC file from disk by content, whatever its
// extension.
func TestFLACReadFile(t *testing.T) {
	wav, _ := flacSpecs[1].build()
	fl := flacEncode(t, wav)
	path := filepath.Join(t.TempDir(), "clip.wav") // a misnamed FLAC file
	if err := os.WriteFile(path, fl, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Decode(wav, "x.wav")
	if !got.Equal(want) {
		t.Fatal("samples differ")
	}
}
