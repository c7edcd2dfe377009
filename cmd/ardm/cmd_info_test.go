package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/audio"
)

// infoTestFile writes a 1 s, 16 kHz mono square wave at half scale whose
// samples are multiples of 256 and two are ±256 (8 effective bits), and returns its path.
func infoTestFile(t *testing.T) string {
	t.Helper()
	p := &audio.PCM{Format: audio.Format{SampleRate: 16000, BitDepth: 16, Channels: 1}, Data: [][]int32{make([]int32, 16000)}}
	for i := range p.Data[0] {
		p.Data[0][i] = 16384
		if i/8%2 == 1 {
			p.Data[0][i] = -16384
		}
	}
	p.Data[0][0], p.Data[0][8] = 256, -256 // low 8 bits still zero everywhere
	path := filepath.Join(t.TempDir(), "square.wav")
	if err := audio.WriteFile(path, p); err != nil {
		t.Fatal(err)
	}
	return path
}

const infoFixtures = "../../audio/testdata/"

func TestInfoText(t *testing.T) {
	path := infoTestFile(t)
	code, out, errOut := runCapture(t, "info", path)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{
		path + ": WAV PCM, 1 channel, 16000 Hz, 16-bit, 16000 frames, 1.000 s\n",
		"effective bits 8 of 16\n",
		"ch 1: peak -6.02 dBFS, RMS -6.02 dBFS, DC +0.000000, min -16384, max 16384, clipped 0, effective bits 8\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestInfoJSON(t *testing.T) {
	path := infoTestFile(t)
	code, out, errOut := runCapture(t, "info", "--json", path, infoFixtures+"ext32-6ch.wav")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want one per file:\n%s", len(lines), out)
	}
	var recs [2]wavInfoResult
	for i, l := range lines {
		if err := json.Unmarshal([]byte(l), &recs[i]); err != nil {
			t.Fatalf("line %d: %v: %s", i, err, l)
		}
	}
	sq := recs[0]
	if sq.File != path || sq.Type != "wav" || sq.Channels != 1 || sq.SampleRate != 16000 || sq.BitDepth != 16 ||
		sq.Frames != 16000 || sq.DurationS != 1 || sq.EffectiveBits == nil || *sq.EffectiveBits != 8 || len(sq.ChannelStats) != 1 {
		t.Errorf("square record: %+v", sq)
	}
	if c := sq.ChannelStats[0]; c.PeakDBFS == nil || math.Abs(*c.PeakDBFS-20*math.Log10(0.5)) > 1e-9 || c.DCOffset != 0 {
		t.Errorf("square channel: %+v", c)
	}
	ext := recs[1]
	if ext.Format != "PCM (extensible)" || ext.FormatTag != 0xFFFE || ext.Channels != 6 || ext.BitDepth != 32 || len(ext.ChannelStats) != 6 {
		t.Errorf("extensible record: %+v", ext)
	}
}

func TestInfoBatchAndErrors(t *testing.T) {
	good := infoTestFile(t)
	cases := []struct {
		name    string
		args    []string
		code    int
		stdout  []string
		stderr  []string
		nostats bool
	}{
		{"batch with a float file", []string{"info", good, infoFixtures + "bad-float32.wav"}, exitPartial,
			[]string{"square.wav: WAV PCM"}, []string{"unsupported format 3 (IEEE float)", "1 of 2 files failed"}, false},
		{"batch json", []string{"info", "--json", infoFixtures + "bad-truncated.wav", good}, exitPartial,
			[]string{`{"error":"audio: ` + infoFixtures + `bad-truncated.wav: data chunk claims 256 bytes but only 156 remain","file":"` + infoFixtures + `bad-truncated.wav"}`, `"frames":16000`}, nil, false},
		{"single broken file", []string{"info", infoFixtures + "bad-zero-channels.wav"}, exitError,
			nil, []string{"zero channels"}, false},
		{"missing file", []string{"info", filepath.Join(t.TempDir(), "nope.wav")}, exitError,
			nil, []string{"no such file"}, false},
		{"unknown type", []string{"info", infoFixtures + "bad-not-riff.wav"}, exitError,
			nil, []string{`unknown file type (starts with "ID3\x04")`}, false},
		{"empty", []string{"info", infoFixtures + "bad-empty.wav"}, exitError, nil, []string{"empty file"}, false},
		{"no arguments", []string{"info"}, exitUsage, nil, []string{"requires at least 1 arg"}, false},
		{"header only", []string{"info", "--header-only", "--json", good}, exitOK, []string{`"frames":16000`}, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCapture(t, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, c.code, out, errOut)
			}
			for _, w := range c.stdout {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range c.stderr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if c.nostats && strings.Contains(out, "channel_stats") {
				t.Errorf("--header-only printed statistics: %s", out)
			}
		})
	}
}

func TestInfoModel(t *testing.T) {
	path := tinyModelFile(t)
	m, err := loadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	h := m.Hash()
	code, out, errOut := runCapture(t, "info", path)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	cfg := m.Config()
	for _, want := range []string{
		fmt.Sprintf("%s: ardm model, hash %x\n", path, h[:8]),
		fmt.Sprintf("branching %d (%d stages), %s head, %d channels x %d layers", cfg.Branching, cfg.Stages(), cfg.Head, cfg.Channels, cfg.Layers),
		fmt.Sprintf("%d parameters", ardm.NumParams(cfg)),
		fmt.Sprintf("at the default budget of %d calls", cfg.DefaultBudget()),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = runCapture(t, "info", "--json", path)
	if code != exitOK {
		t.Fatalf("json: exit %d, stderr %q", code, errOut)
	}
	var rec modelInfoResult
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	pol, err := m.Policy(cfg.DefaultBudget(), cfg.FrameLen, ardm.AllocEqual)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Type != "model" || rec.Hash != fmt.Sprintf("%x", h[:]) || rec.Training || rec.Config != cfg ||
		rec.BudgetBits != pol.Bits || len(rec.BoundBits) != cfg.Stages() {
		t.Errorf("record %+v", rec)
	}
	// A corrupt model is an integrity failure, not an unknown file.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	bad := filepath.Join(t.TempDir(), "bad.ardmm")
	if err := os.WriteFile(bad, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCapture(t, "info", bad); code != exitIntegrity || !strings.Contains(errOut, "bad.ardmm") {
		t.Errorf("corrupt model: exit %d, stderr %q", code, errOut)
	}
}

// TestFLACInput: info describes a FLAC file like the WAV it came from, and
// compress codes it to the same stream as that WAV.
func TestFLACInput(t *testing.T) {
	if _, err := exec.LookPath("flac"); err != nil {
		t.Skip("flac not installed (scripts/deps.sh installs it)")
	}
	wav := infoTestFile(t)
	fl := strings.TrimSuffix(wav, ".wav") + "-coded.flac"
	if out, err := exec.Command("flac", "-s", "-o", fl, wav).CombinedOutput(); err != nil {
		t.Fatalf("flac: %v: %s", err, out)
	}
	code, out, errOut := runCapture(t, "info", fl)
	if code != exitOK || !strings.Contains(out, fl+": FLAC lossless, 1 channel, 16000 Hz, 16-bit, 16000 frames, 1.000 s\n") ||
		!strings.Contains(out, "effective bits 8 of 16\n") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	for _, in := range []string{wav, fl} {
		if code, _, errOut := runCapture(t, "compress", "--no-model", "-o", in+".ardm", in); code != exitOK {
			t.Fatalf("compress %s: exit %d: %s", in, code, errOut)
		}
	}
	a, _ := os.ReadFile(wav + ".ardm")
	b, _ := os.ReadFile(fl + ".ardm")
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("the FLAC file codes to %d bytes, its WAV to %d: streams differ", len(b), len(a))
	}
}
