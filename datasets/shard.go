package datasets

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ardm-dev/ardm/internal/atomicfile"
)

// Shard format constants.
const (
	// ShardVersion is the version of the shard format WriteShards writes.
	ShardVersion = 1
	// IndexFile is the name of the index in a shard directory.
	IndexFile = "index.json"
	// ShardClips is the most clips a shard file holds (at 16000 samples,
	// 125 MiB).
	ShardClips = 4096

	shardMagic      = "ARDMSH"
	maxClipLength   = 1 << 30
	shardHeaderSize = 16
	indexFormat     = "ardm-shards"
)

// Errors of ReadShards.
var (
	// ErrNotShards: the directory has no shard index.
	ErrNotShards = errors.New("datasets: not a shard directory (no " + IndexFile + ")")
)

// UnsupportedVersionError is returned for a shard index or file of a format
// version this code does not read.
type UnsupportedVersionError struct {
	File    string
	Version int
}

func (e *UnsupportedVersionError) Error() string {
	return fmt.Sprintf("datasets: %s: unsupported shard format version %d (this build reads %d)", e.File, e.Version, ShardVersion)
}

// ChecksumError is returned when a shard's content does not match the
// SHA-256 of the index.
type ChecksumError struct {
	File      string
	Want, Got string // hex
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("datasets: %s: checksum mismatch: index says sha256 %s, file has %s", e.File, e.Want, e.Got)
}

// CorruptShardError is returned when a shard file or the index is
// malformed (bad magic, wrong size, inconsistent entries).
type CorruptShardError struct {
	File   string
	Detail string
}

func (e *CorruptShardError) Error() string {
	return fmt.Sprintf("datasets: %s: corrupt shard data: %s", e.File, e.Detail)
}

// ShardIndex is the content of index.json.
type ShardIndex struct {
	Format  string `json:"format"` // "ardm-shards"
	Version int    `json:"version"`
	Length  int    `json:"length"` // samples per clip
	Rate    int    `json:"rate"`   // sample rate of every clip
	// Source is the directory the clips were loaded from, when known.
	Source string      `json:"source,omitempty"`
	Shards []ShardInfo `json:"shards"`
	Clips  []ShardClip `json:"clips"`
	// Skipped are the source files the loader could not use, when known.
	Skipped []FileIssue `json:"skipped,omitempty"`
}

// ShardInfo describes one shard file.
type ShardInfo struct {
	File   string `json:"file"` // base name in the shard directory
	Split  string `json:"split"`
	Clips  int    `json:"clips"`
	Bytes  int64  `json:"bytes"`  // file size, header included
	SHA256 string `json:"sha256"` // hex, of the whole file
}

// ShardClip is the index entry of one clip: Clip without its samples, and
// where they are.
type ShardClip struct {
	Clip
	Shard int `json:"shard"` // index into ShardIndex.Shards
	Slot  int `json:"slot"`  // position of the clip in its shard
}

// WriteShards writes clips to dir (created if needed) as shards and an
// index. All clips must have the same number of samples. Clips are grouped
// by split in the order of Splits (then any other split names, sorted) and
// keep their order within a split. Each file is written under a temporary
// name and renamed; the index goes last, so a directory with an index is
// complete. Shard files of an earlier index that the new one does not name
// are removed.
func WriteShards(dir string, clips []Clip) error {
	return writeShards(dir, clips, "", nil)
}

// WriteSetShards is WriteShards for a loaded set; the index also records
// the source directory and the files the loader skipped.
func WriteSetShards(dir string, set *Set) error {
	return writeShards(dir, set.Clips, set.Dir, set.Report.Skipped)
}

func writeShards(dir string, clips []Clip, source string, skipped []FileIssue) error {
	if err := checkShardClips(clips); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	old, _ := readIndex(dir) // a missing or broken old index leaves nothing to clean up
	idx, err := encodeShards(clips, source, skipped, func(name string, data []byte) error {
		return atomicfile.WriteFile(filepath.Join(dir, name), data)
	})
	if err != nil {
		return err
	}
	if old != nil {
		keep := make(map[string]bool)
		for _, s := range idx.Shards {
			keep[s.File] = true
		}
		for _, s := range old.Shards {
			if !keep[s.File] && s.File == filepath.Base(s.File) {
				os.Remove(filepath.Join(dir, s.File)) // best effort: a stale file is harmless
			}
		}
	}
	return nil
}

// checkShardClips checks that clips can go into one shard directory: one
// length, one rate, splits usable in file names.
func checkShardClips(clips []Clip) error {
	if len(clips) == 0 {
		return errors.New("datasets: no clips to write")
	}
	length := len(clips[0].Samples)
	rate := clips[0].Rate
	if length == 0 {
		return fmt.Errorf("datasets: clip %s has no samples", clips[0].Path)
	}
	for _, c := range clips {
		if len(c.Samples) != length {
			return fmt.Errorf("datasets: clip %s has %d samples, clip %s has %d: shards need one length", c.Path, len(c.Samples), clips[0].Path, length)
		}
		if c.Rate != rate {
			return fmt.Errorf("datasets: clip %s is at %d Hz, clip %s at %d Hz: shards need one rate", c.Path, c.Rate, clips[0].Path, rate)
		}
		if c.Split == "" || strings.ContainsAny(c.Split, `/\`) || strings.HasPrefix(c.Split, ".") {
			return fmt.Errorf("datasets: clip %s has split %q, not usable in a file name", c.Path, c.Split)
		}
	}
	return nil
}

// ShardFiles encodes a loaded set's shards and index as WriteSetShards
// writes them, handing each file's name and bytes to emit (the shards in
// order, the index last) instead of writing them to a local directory.
// data is reused after emit returns: emit writes it out or copies it.
func ShardFiles(set *Set, emit func(name string, data []byte) error) error {
	if err := checkShardClips(set.Clips); err != nil {
		return err
	}
	_, err := encodeShards(set.Clips, set.Dir, set.Report.Skipped, emit)
	return err
}

// encodeShards builds the shard files and the index of clips (checked by
// checkShardClips) and hands them to emit, the index last.
func encodeShards(clips []Clip, source string, skipped []FileIssue, emit func(name string, data []byte) error) (*ShardIndex, error) {
	length := len(clips[0].Samples)
	rate := clips[0].Rate
	bySplit := make(map[string][]int)
	for i, c := range clips {
		bySplit[c.Split] = append(bySplit[c.Split], i)
	}
	var order []string
	for _, s := range Splits {
		if _, ok := bySplit[s]; ok {
			order = append(order, s)
		}
	}
	var others []string
	for s := range bySplit {
		if !slices.Contains(Splits, s) {
			others = append(others, s)
		}
	}
	slices.Sort(others)
	order = append(order, others...)

	idx := ShardIndex{Format: indexFormat, Version: ShardVersion, Length: length, Rate: rate, Source: source, Skipped: skipped}
	buf := make([]byte, 0, shardHeaderSize+min(ShardClips, len(clips))*length*2)
	for _, split := range order {
		members := bySplit[split]
		for n, start := 0, 0; start < len(members); n, start = n+1, start+ShardClips {
			part := members[start:min(start+ShardClips, len(members))]
			buf = buf[:shardHeaderSize]
			copy(buf, shardMagic)
			binary.LittleEndian.PutUint16(buf[6:], ShardVersion)
			binary.LittleEndian.PutUint32(buf[8:], uint32(length))
			binary.LittleEndian.PutUint32(buf[12:], uint32(len(part)))
			for slot, ci := range part {
				for _, v := range clips[ci].Samples {
					buf = binary.LittleEndian.AppendUint16(buf, uint16(v))
				}
				sc := ShardClip{Clip: clips[ci], Shard: len(idx.Shards), Slot: slot}
				sc.Samples = nil
				idx.Clips = append(idx.Clips, sc)
			}
			name := fmt.Sprintf("%s-%04d.pcm", split, n)
			if err := emit(name, buf); err != nil {
				return nil, fmt.Errorf("datasets: %w", err)
			}
			sum := sha256.Sum256(buf)
			idx.Shards = append(idx.Shards, ShardInfo{File: name, Split: split, Clips: len(part), Bytes: int64(len(buf)), SHA256: hex.EncodeToString(sum[:])})
		}
	}
	js, err := json.MarshalIndent(&idx, "", " ")
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	if err := emit(IndexFile, append(js, '\n')); err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	return &idx, nil
}

// IsShardDir reports whether dir holds a shard index.
func IsShardDir(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, IndexFile))
	return err == nil
}

// ReadShardIndex reads and checks the index of a shard directory without
// reading the samples.
func ReadShardIndex(dir string) (*ShardIndex, error) {
	idx, err := readIndex(dir)
	if err != nil {
		return nil, err
	}
	if err := idx.check(); err != nil {
		return nil, err
	}
	return idx, nil
}

func readIndex(dir string) (*ShardIndex, error) {
	name := filepath.Join(dir, IndexFile)
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotShards, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	var idx ShardIndex
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&idx); err != nil {
		return nil, &CorruptShardError{File: name, Detail: err.Error()}
	}
	if idx.Format != indexFormat {
		return nil, &CorruptShardError{File: name, Detail: fmt.Sprintf("format %q, want %q", idx.Format, indexFormat)}
	}
	if idx.Version != ShardVersion {
		return nil, &UnsupportedVersionError{File: name, Version: idx.Version}
	}
	return &idx, nil
}

// check validates the index's internal consistency.
func (idx *ShardIndex) check() error {
	bad := func(format string, a ...any) error {
		return &CorruptShardError{File: IndexFile, Detail: fmt.Sprintf(format, a...)}
	}
	if idx.Length <= 0 || idx.Length > maxClipLength {
		return bad("clip length %d", idx.Length)
	}
	// The slot tables below are as large as the index's clip list, never
	// larger, whatever the shard entries claim.
	total := 0
	for _, s := range idx.Shards {
		if s.Clips < 0 || s.Clips > len(idx.Clips) {
			return bad("shard %s: %d clips, the index lists %d", s.File, s.Clips, len(idx.Clips))
		}
		total += s.Clips
	}
	if total != len(idx.Clips) {
		return bad("shards hold %d clips, the index lists %d", total, len(idx.Clips))
	}
	used := make([][]bool, len(idx.Shards))
	for i, s := range idx.Shards {
		if s.File != filepath.Base(s.File) || s.File == "." || s.File == ".." || s.File == IndexFile {
			return bad("shard file name %q", s.File)
		}
		if s.Bytes != int64(shardHeaderSize)+int64(s.Clips)*int64(idx.Length)*2 {
			return bad("shard %s: %d bytes for %d clips of %d samples", s.File, s.Bytes, s.Clips, idx.Length)
		}
		used[i] = make([]bool, s.Clips)
	}
	for _, c := range idx.Clips {
		if c.Shard < 0 || c.Shard >= len(idx.Shards) || c.Slot < 0 || c.Slot >= idx.Shards[c.Shard].Clips {
			return bad("clip %s: shard %d slot %d out of range", c.Path, c.Shard, c.Slot)
		}
		if used[c.Shard][c.Slot] {
			return bad("clip %s: shard %d slot %d used twice", c.Path, c.Shard, c.Slot)
		}
		used[c.Shard][c.Slot] = true
		if c.Split != idx.Shards[c.Shard].Split {
			return bad("clip %s: split %s in a %s shard", c.Path, c.Split, idx.Shards[c.Shard].Split)
		}
	}
	return nil
}

// ReadShards reads the clips of one split (canonical or short name; "" for
// all) from a shard directory, in index order. Each shard read is checked
// against its SHA-256; a mismatch is a *ChecksumError. The clips of one
// shard share one backing array.
func ReadShards(dir string, split string) ([]Clip, error) {
	if split != "" {
		s, err := ParseSplit(split)
		if err != nil {
			return nil, err
		}
		split = s
	}
	idx, err := ReadShardIndex(dir)
	if err != nil {
		return nil, err
	}
	samples := make([][]int16, len(idx.Shards))
	for i, s := range idx.Shards {
		if split != "" && s.Split != split {
			continue
		}
		if samples[i], err = readShard(filepath.Join(dir, s.File), s, idx.Length); err != nil {
			return nil, err
		}
	}
	var out []Clip
	for _, sc := range idx.Clips {
		if samples[sc.Shard] == nil {
			continue
		}
		c := sc.Clip
		c.Samples = samples[sc.Shard][sc.Slot*idx.Length : (sc.Slot+1)*idx.Length : (sc.Slot+1)*idx.Length]
		out = append(out, c)
	}
	return out, nil
}

// readShard reads and checks one shard file.
func readShard(name string, info ShardInfo, length int) ([]int16, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	if st.Size() != info.Bytes {
		return nil, &CorruptShardError{File: name, Detail: fmt.Sprintf("%d bytes, index says %d", st.Size(), info.Bytes)}
	}
	b := make([]byte, info.Bytes) // bounded by the file's real size
	if _, err := f.ReadAt(b, 0); err != nil {
		return nil, fmt.Errorf("datasets: %s: %w", name, err)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != info.SHA256 {
		return nil, &ChecksumError{File: name, Want: info.SHA256, Got: got}
	}
	if string(b[:6]) != shardMagic {
		return nil, &CorruptShardError{File: name, Detail: fmt.Sprintf("magic %q, want %q", b[:6], shardMagic)}
	}
	if v := int(binary.LittleEndian.Uint16(b[6:])); v != ShardVersion {
		return nil, &UnsupportedVersionError{File: name, Version: v}
	}
	if l, n := int(binary.LittleEndian.Uint32(b[8:])), int(binary.LittleEndian.Uint32(b[12:])); l != length || n != info.Clips {
		return nil, &CorruptShardError{File: name, Detail: fmt.Sprintf("header says %d clips of %d samples, index %d of %d", n, l, info.Clips, length)}
	}
	data := b[shardHeaderSize:]
	out := make([]int16, len(data)/2)
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
	}
	return out, nil
}
