package datasets

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// randomClips makes n clips of length samples with random content, cycling
// through the splits, words and some issues.
func randomClips(n, length int, seed uint64) []Clip {
	rng := rand.New(rand.NewPCG(seed, 0))
	clips := make([]Clip, n)
	for i := range clips {
		s := make([]int16, length)
		for k := range s {
			s[k] = int16(rng.Uint32())
		}
		s[0], s[length-1] = -32768, 32767
		c := Clip{
			Path:    fmt.Sprintf("%s/spk%03d_nohash_%d.wav", Words[i%10], i/10, i%3),
			Word:    Words[i%10],
			Speaker: fmt.Sprintf("spk%03d", i/10),
			Split:   Splits[i%3],
			Samples: s,
			Rate:    SampleRate,
			Frames:  length - i%5,
		}
		if i%4 == 0 {
			c.Issues = []string{IssueShort + ": test"}
		}
		clips[i] = c
	}
	return clips
}

func TestShardRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name      string
		n, length int
	}{
		{"one clip", 1, 16000},
		{"small", 31, 100},
		{"several shards per split", 3*ShardClips + 7, 3}, // training gets 2 shards
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "shards")
			clips := randomClips(tc.n, tc.length, 5)
			if err := WriteShards(dir, clips); err != nil {
				t.Fatal(err)
			}
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				if strings.HasSuffix(e.Name(), ".tmp") {
					t.Errorf("temporary file %s left behind", e.Name())
				}
			}
			for _, split := range []string{"", "train", Validation, Testing} {
				got, err := ReadShards(dir, split)
				if err != nil {
					t.Fatal(err)
				}
				want := clips
				if split != "" {
					canon, _ := ParseSplit(split)
					want = nil
					for _, c := range clips {
						if c.Split == canon {
							want = append(want, c)
						}
					}
				}
				if len(got) != len(want) {
					t.Fatalf("split %q: %d clips, want %d", split, len(got), len(want))
				}
				// Within a split the order is kept; across splits clips are
				// grouped, so compare by path.
				byPath := make(map[string]Clip)
				for _, c := range want {
					byPath[c.Path] = c
				}
				for _, g := range got {
					w, ok := byPath[g.Path]
					if !ok {
						t.Fatalf("unexpected clip %s", g.Path)
					}
					if !slices.Equal(g.Samples, w.Samples) || g.Word != w.Word || g.Speaker != w.Speaker ||
						g.Split != w.Split || g.Rate != w.Rate || g.Frames != w.Frames || !slices.Equal(g.Issues, w.Issues) {
						t.Fatalf("clip %s differs after the round trip", g.Path)
					}
				}
			}
			idx, err := ReadShardIndex(dir)
			if err != nil {
				t.Fatal(err)
			}
			if idx.Version != ShardVersion || idx.Length != tc.length || len(idx.Clips) != tc.n {
				t.Errorf("index version %d length %d clips %d", idx.Version, idx.Length, len(idx.Clips))
			}
		})
	}
}

func TestShardRewriteRemovesStale(t *testing.T) {
	dir := t.TempDir()
	if err := WriteShards(dir, randomClips(30, 10, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "testing-0000.pcm")); err != nil {
		t.Fatal(err)
	}
	// Only training clips now: the old validation and testing shards go.
	clips := randomClips(3, 10, 2)
	for i := range clips {
		clips[i].Split = Training
	}
	if err := WriteShards(dir, clips); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if want := []string{IndexFile, "training-0000.pcm"}; !slices.Equal(names, want) {
		t.Errorf("files %v, want %v", names, want)
	}
	got, err := ReadShards(dir, "")
	if err != nil || len(got) != 3 {
		t.Fatalf("%d clips, %v", len(got), err)
	}
}

func TestShardCorruption(t *testing.T) {
	write := func(t *testing.T) string {
		dir := t.TempDir()
		if err := WriteShards(dir, randomClips(12, 50, 3)); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	shard := func(dir string) string { return filepath.Join(dir, "training-0000.pcm") }
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, dir string)
		check  func(err error) bool
	}{
		{"flipped byte", func(t *testing.T, dir string) {
			b, _ := os.ReadFile(shard(dir))
			b[len(b)/2] ^= 1
			os.WriteFile(shard(dir), b, 0o644)
		}, func(err error) bool { var e *ChecksumError; return errors.As(err, &e) }},
		{"truncated", func(t *testing.T, dir string) {
			b, _ := os.ReadFile(shard(dir))
			os.WriteFile(shard(dir), b[:len(b)-2], 0o644)
		}, func(err error) bool { var e *CorruptShardError; return errors.As(err, &e) }},
		{"missing shard", func(t *testing.T, dir string) {
			os.Remove(shard(dir))
		}, func(err error) bool { return errors.Is(err, os.ErrNotExist) }},
		{"no index", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, IndexFile))
		}, func(err error) bool { return errors.Is(err, ErrNotShards) }},
		{"future version", func(t *testing.T, dir string) {
			b, _ := os.ReadFile(filepath.Join(dir, IndexFile))
			b = []byte(strings.Replace(string(b), `"version": 1`, `"version": 99`, 1))
			os.WriteFile(filepath.Join(dir, IndexFile), b, 0o644)
		}, func(err error) bool { var e *UnsupportedVersionError; return errors.As(err, &e) && e.Version == 99 }},
		{"garbage index", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, IndexFile), []byte("{not json"), 0o644)
		}, func(err error) bool { var e *CorruptShardError; return errors.As(err, &e) }},
		{"slot out of range", func(t *testing.T, dir string) {
			b, _ := os.ReadFile(filepath.Join(dir, IndexFile))
			b = []byte(strings.Replace(string(b), `"slot": 1`, `"slot": 1000`, 1))
			os.WriteFile(filepath.Join(dir, IndexFile), b, 0o644)
		}, func(err error) bool { var e *CorruptShardError; return errors.As(err, &e) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := write(t)
			tc.damage(t, dir)
			_, err := ReadShards(dir, "training")
			if err == nil || !tc.check(err) || !strings.HasPrefix(err.Error(), "datasets: ") {
				t.Errorf("error %v (%T)", err, err)
			}
		})
	}
	// Damage to another split's shard does not stop reading this split.
	dir := write(t)
	os.Remove(filepath.Join(dir, "testing-0000.pcm"))
	if got, err := ReadShards(dir, "validation"); err != nil || len(got) != 4 {
		t.Errorf("validation after removing the testing shard: %d clips, %v", len(got), err)
	}
}

func TestWriteShardsRejects(t *testing.T) {
	mixed := randomClips(3, 10, 1)
	mixed[1].Samples = mixed[1].Samples[:9]
	rate := randomClips(3, 10, 1)
	rate[2].Rate = 8000
	badSplit := randomClips(3, 10, 1)
	badSplit[0].Split = "../x"
	for _, tc := range []struct {
		name  string
		clips []Clip
	}{
		{"none", nil},
		{"mixed lengths", mixed},
		{"mixed rates", rate},
		{"bad split", badSplit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := WriteShards(t.TempDir(), tc.clips); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestWriteSetShardsFromFixture(t *testing.T) {
	set, err := LoadSC09(filepath.Join("testdata", "sc09tiny"), LoadOptions{Length: fixtureLength})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteSetShards(dir, set); err != nil {
		t.Fatal(err)
	}
	idx, err := ReadShardIndex(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(idx.Skipped) != len(set.Report.Skipped) || idx.Source != set.Dir {
		t.Errorf("index skipped %d source %q, want %d %q", len(idx.Skipped), idx.Source, len(set.Report.Skipped), set.Dir)
	}
	got, err := ReadShards(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(set.Clips) {
		t.Fatalf("%d clips, want %d", len(got), len(set.Clips))
	}
}

func BenchmarkReadShards(b *testing.B) {
	dir := b.TempDir()
	clips := randomClips(500, ClipLength, 1)
	if err := WriteShards(dir, clips); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(clips) * ClipLength * 2))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadShards(dir, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzReadShards feeds arbitrary index files next to a valid shard:
// ReadShards must return clips or an error, never panic.
func FuzzReadShards(f *testing.F) {
	seedDir := f.TempDir()
	if err := WriteShards(seedDir, randomClips(6, 8, 1)); err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join(seedDir, IndexFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"format":"ardm-shards","version":1,"length":8,"shards":[{"file":"training-0000.pcm","split":"training","clips":1000000000000,"bytes":16}],"clips":[]}`))
	f.Add([]byte(`{"format":"ardm-shards","version":1,"length":4611686018427387904,"shards":[],"clips":[]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, index []byte) {
		dir := t.TempDir()
		for _, e := range []string{"training-0000.pcm", "validation-0000.pcm", "testing-0000.pcm"} {
			b, err := os.ReadFile(filepath.Join(seedDir, e))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, e), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, IndexFile), index, 0o644); err != nil {
			t.Fatal(err)
		}
		clips, err := ReadShards(dir, "")
		if err != nil {
			return
		}
		for _, c := range clips {
			if len(c.Samples) != 8 {
				t.Fatalf("clip %s has %d samples", c.Path, len(c.Samples))
			}
		}
	})
}
