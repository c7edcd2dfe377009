package ardm

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

func tinyConfig() Config {
	return Config{Branching: 16, Channels: 4, Layers: 2, DilationCycle: 2, Kernel: 3, EmbedDim: 4, FrameLen: 256, Head: HeadSoftmax}
}

func testModel(seed uint64) *Model {
	m := NewModel(NewWeights(tinyConfig(), seed))
	for s := range m.Lt {
		for j := range m.Lt[s] {
			m.Lt[s][j] = float64(s) + float64(j)/100
		}
	}
	for i := range m.Weights.OutW {
		m.Weights.OutW[i] = float32(i) * 1e-3
	}
	m.Info = TrainInfo{Steps: 7, Seed: seed, Data: "x", TrainBPD: 3.5}
	return m
}

func testState(m *Model) *TrainState {
	cfg := m.Weights.Config
	st := &TrainState{Step: 7, Options: DefaultTrainOptions(), Raw: NewWeights(cfg, 99), BPDAvg: 4.25, AvgCount: 3}
	for _, p := range st.Raw.Params() {
		mp, vp := make([]float32, len(p)), make([]float32, len(p))
		for i := range mp {
			mp[i], vp[i] = float32(i)*0.5, float32(i)*0.25
		}
		st.M, st.V = append(st.M, mp), append(st.V, vp)
	}
	for range cfg.Stages() {
		row := make([]float64, LtBins)
		for j := range row {
			row[j] = float64(j)
		}
		st.LtCount = append(st.LtCount, row)
	}
	return st
}

func TestCheckpointRoundTrip(t *testing.T) {
	dir := t.TempDir()
	m := testModel(3)
	tests := []struct {
		name string
		st   *TrainState
	}{
		{"model", nil},
		{"training", testState(m)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".ardm")
			if err := SaveCheckpoint(path, m, tc.st); err != nil {
				t.Fatal(err)
			}
			m2, st2, err := LoadCheckpoint(path)
			if err != nil {
				t.Fatal(err)
			}
			if m2.Hash() != m.Hash() {
				t.Fatalf("hash changed on round trip")
			}
			if m2.Info.Steps != 7 || m2.Info.TrainBPD != 3.5 {
				t.Fatalf("info not kept: %+v", m2.Info)
			}
			if (st2 == nil) != (tc.st == nil) {
				t.Fatalf("state presence: got %v", st2 != nil)
			}
			if tc.st != nil {
				b1, _ := MarshalCheckpoint(m, tc.st)
				b2, _ := MarshalCheckpoint(m2, st2)
				if !bytes.Equal(b1, b2) {
					t.Fatalf("re-encoded checkpoint differs")
				}
				if NewModel(st2.Raw).Hash() != NewModel(tc.st.Raw).Hash() {
					t.Fatalf("raw weights differ")
				}
			}
			m3, err := Load(path)
			if err != nil || m3.Hash() != m.Hash() {
				t.Fatalf("Load: %v", err)
			}
		})
	}
}

func TestHashSensitive(t *testing.T) {
	a, b := testModel(3), testModel(3)
	if a.Hash() != b.Hash() {
		t.Fatal("equal models hash differently")
	}
	b.Info.Steps++
	if a.Hash() != b.Hash() {
		t.Fatal("Info changed the hash")
	}
	b.Weights.Blocks[1].ConvW[5] += 1e-6
	if a.Hash() == b.Hash() {
		t.Fatal("weight change did not change the hash")
	}
	c := testModel(3)
	c.Lt[1][3] += 0.5
	if a.Hash() == c.Hash() {
		t.Fatal("L_t change did not change the hash")
	}
}

func TestCheckpointCorrupt(t *testing.T) {
	m := testModel(5)
	good, err := MarshalCheckpoint(m, testState(m))
	if err != nil {
		t.Fatal(err)
	}
	flip := func(off int) []byte {
		b := bytes.Clone(good)
		b[off] ^= 0x40
		return b
	}
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrNotCheckpoint},
		{"magic", flip(0), ErrNotCheckpoint},
		{"weights bit", flip(len(good) / 2), ErrCorruptCheckpoint},
		{"checksum bit", flip(len(good) - 1), ErrCorruptCheckpoint},
		{"truncated", good[:len(good)-100], ErrCorruptCheckpoint},
		{"header only", good[:20], ErrCorruptCheckpoint},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := UnmarshalCheckpoint(tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("checksum message", func(t *testing.T) {
		// A flipped last byte: the two printed sums must differ.
		_, _, err := UnmarshalCheckpoint(flip(len(good) - 1))
		sums := regexp.MustCompile(`[0-9a-f]{64}`).FindAllString(err.Error(), -1)
		if len(sums) != 2 || sums[0] == sums[1] {
			t.Fatalf("message %q does not show two different SHA-256 sums", err)
		}
	})
	t.Run("version", func(t *testing.T) {
		b := bytes.Clone(good)
		b[8] = 9
		_, _, err := UnmarshalCheckpoint(b)
		var ve UnsupportedVersionError
		if !errors.As(err, &ve) || ve.Version != 9 {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "bad.ardm")
		if err := os.WriteFile(path, flip(len(good)/3), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(path); !errors.Is(err, ErrCorruptCheckpoint) {
			t.Fatalf("got %v", err)
		}
	})
}
