package eval

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func needBaseline(t *testing.T, b Baseline) {
	t.Helper()
	if err := b.Available(); err != nil {
		t.Skipf("%v (CI installs it with scripts/deps.sh)", err)
	}
}

func TestRunBaseline(t *testing.T) {
	dir := t.TempDir()
	const n = 8000
	files := map[string][]int16{
		"silence": make([]int16, n),
		"quiet":   testSignal(n, 1, 3),
		"noisy":   testSignal(n, 2, 3000),
	}
	stereo := testSignal(2*n, 3, 30) // interleaved: n frames of 2 channels
	for name, s := range files {
		writeTestWAV(t, filepath.Join(dir, name+".wav"), 16000, 1, s)
	}
	writeTestWAV(t, filepath.Join(dir, "stereo.wav"), 16000, 2, stereo)
	for _, b := range KnownBaselines {
		t.Run(b.Name, func(t *testing.T) {
			needBaseline(t, b)
			work := t.TempDir()
			bps := map[string]float64{}
			for _, name := range []string{"silence", "quiet", "noisy", "stereo"} {
				in := filepath.Join(dir, name+".wav")
				r, err := RunBaseline(context.Background(), b, in, work, true)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !r.Verified {
					t.Errorf("%s: not verified", name)
				}
				wantSamples := n
				if name == "stereo" {
					wantSamples = 2 * n
				}
				if r.Samples != wantSamples {
					t.Errorf("%s: samples %d, want %d", name, r.Samples, wantSamples)
				}
				if r.Bytes <= 0 || r.BitsPerSample != float64(r.Bytes)*8/float64(r.Samples) {
					t.Errorf("%s: bytes %d, bits/sample %v inconsistent", name, r.Bytes, r.BitsPerSample)
				}
				if r.Codec != b.Name || !strings.HasPrefix(r.Setting, b.Encoder+" ") {
					t.Errorf("%s: codec %q setting %q", name, r.Codec, r.Setting)
				}
				bps[name] = r.BitsPerSample
				// The same input gives the same size.
				r2, err := RunBaseline(context.Background(), b, in, work, false)
				if err != nil || r2.Bytes != r.Bytes {
					t.Errorf("%s: second run %d bytes (%v), first %d", name, r2.Bytes, err, r.Bytes)
				}
			}
			if !(bps["silence"] < bps["quiet"] && bps["quiet"] < bps["noisy"]) {
				t.Errorf("bits/sample not ordered silence < quiet < noisy: %v", bps)
			}
			// Noise of sd 3000 needs about log2(3000*sqrt(2 pi e)) = 13.6 bits.
			if bps["noisy"] < 12 || bps["noisy"] > 16 {
				t.Errorf("noisy clip at %.3f bits/sample, want 12..16", bps["noisy"])
			}
			left, _ := os.ReadDir(work)
			if len(left) != 0 {
				t.Errorf("work dir not cleaned: %d entries left", len(left))
			}
		})
	}
}

func TestRunBaselineErrors(t *testing.T) {
	dir := t.TempDir()
	notWAV := filepath.Join(dir, "x.wav")
	if err := os.WriteFile(notWAV, []byte("hello, not a wav file at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := Baseline{Name: "nope", Encoder: "ardm-no-such-codec", Decoder: "ardm-no-such-codec",
		encodeArgs: func(in, out string) []string { return nil }}
	if err := missing.Available(); err == nil || !strings.Contains(err.Error(), "ardm-no-such-codec") {
		t.Errorf("Available of a missing program: %v", err)
	}
	good := filepath.Join(dir, "good.wav")
	writeTestWAV(t, good, 16000, 1, testSignal(100, 1, 10))
	if _, err := RunBaseline(context.Background(), missing, good, dir, false); err == nil {
		t.Error("RunBaseline with a missing program: no error")
	}
	needBaseline(t, Flac)
	if _, err := RunBaseline(context.Background(), Flac, notWAV, dir, false); err == nil {
		t.Error("RunBaseline on a non-WAV file: no error")
	}
}

func TestResolveBaselines(t *testing.T) {
	tests := []struct {
		names   []string
		wantErr bool
	}{
		{[]string{"flac", "wavpack"}, false},
		{nil, false},
		{[]string{"flac", "mp3"}, true},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.names, ","), func(t *testing.T) {
			avail, missing, err := ResolveBaselines(tc.names)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err == nil && len(avail)+len(missing) != len(tc.names) {
				t.Errorf("%d available + %d missing for %d names", len(avail), len(missing), len(tc.names))
			}
		})
	}
}

// TestBaselineInputs runs a baseline on the inputs it meets: PCM WAV, a
// streamed WAV whose data chunk claims more than the file holds, FLAC (given
// to the codec as a WAV copy) and files it must refuse.
func TestBaselineInputs(t *testing.T) {
	needBaseline(t, Flac)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.wav")
	writeTestWAV(t, good, 8000, 2, testSignal(20, 1, 10))
	raw, _ := os.ReadFile(good)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	float := append([]byte(nil), raw...)
	float[20] = 3
	badExt := append([]byte(nil), raw...) // extensible tag with a 16-byte fmt chunk
	badExt[20], badExt[21] = 0xfe, 0xff
	flacFile := filepath.Join(dir, "good.flac")
	if err := exec.Command("flac", "-s", "-o", flacFile, good).Run(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		samples int
		wantErr bool
	}{
		{"pcm", good, 20, false},
		{"flac", flacFile, 20, false},
		{"truncated data", write("trunc.wav", raw[:len(raw)-8]), 16, false},
		{"bad extensible", write("ext.wav", badExt), 0, true},
		{"float", write("float.wav", float), 0, true},
		{"no header", write("junk.wav", []byte("RIFX0000WAVE")), 0, true},
		{"header only", write("short.wav", raw[:36]), 0, true},
		{"missing file", filepath.Join(dir, "none.wav"), 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := RunBaseline(context.Background(), Flac, tc.path, t.TempDir(), true)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil {
				if !strings.HasPrefix(err.Error(), "eval: ") {
					t.Errorf("error %q lacks the package prefix", err)
				}
				return
			}
			if r.Samples != tc.samples || !r.Verified {
				t.Errorf("got %d samples (verified %v), want %d", r.Samples, r.Verified, tc.samples)
			}
		})
	}
}
