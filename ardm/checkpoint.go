package ardm

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"

	"github.com/ardm-dev/ardm/internal/atomicfile"
)

// Checkpoint file format (all integers little-endian):
//
//	magic    [8]byte  "ARDMCKPT"
//	version  uint32   CheckpointVersion
//	flags    uint32   bit 0: a training state follows the weights
//	config   uint64 length + JSON of Config
//	info     uint64 length + JSON of TrainInfo
//	L_t      uint32 stages, uint32 bins, stages*bins float64
//	weights  uint64 count + count float32: the inference (EMA) weights in
//	         Weights.Params order
//	[state]  uint64 length + JSON of the scalar training state, then the raw
//	         weights, Adam first and second moments (each count float32,
//	         Params order) and the L_t sample counts (stages*bins float64)
//	checksum [32]byte SHA-256 of every byte before it
//
// A model file for inference is the same file without the training state.

// CheckpointVersion is the checkpoint format version this package writes.
const CheckpointVersion = 1

var checkpointMagic = [8]byte{'A', 'R', 'D', 'M', 'C', 'K', 'P', 'T'}

// IsCheckpoint reports whether b starts with the checkpoint magic (b holds
// the first bytes of a file; at least 8 are needed). It does not check the
// rest of the file.
func IsCheckpoint(b []byte) bool { return bytes.HasPrefix(b, checkpointMagic[:]) }

const flagTrainState = 1

// ErrNotCheckpoint means the file does not start with the checkpoint magic.
var ErrNotCheckpoint = errors.New("ardm: not an ardm model file (bad magic)")

// ErrCorruptCheckpoint means the file's checksum or structure is wrong.
var ErrCorruptCheckpoint = errors.New("ardm: corrupt model file")

// UnsupportedVersionError is returned for a checkpoint written by a newer
// (or unknown) format version.
type UnsupportedVersionError struct{ Version uint32 }

func (e UnsupportedVersionError) Error() string {
	return fmt.Sprintf("ardm: unsupported model file version %d (this build reads %d)", e.Version, CheckpointVersion)
}

// TrainState is what training needs beyond the Model to resume exactly.
type TrainState struct {
	Step    int          `json:"step"`    // optimizer steps done
	Options TrainOptions `json:"options"` // the run's options
	// Moving average of the batch bound estimates (bits per sample)
	// over AvgCount steps so far.
	BPDAvg   float64 `json:"bpd_avg"`
	AvgCount int     `json:"avg_count"`

	Raw     *Weights    `json:"-"` // the optimizer's (non-averaged) weights
	M, V    [][]float32 `json:"-"` // Adam moments, shaped like Raw.Params()
	LtCount [][]float64 `json:"-"` // samples seen per L_t bin
}

// Save writes m (without training state) to path atomically.
func (m *Model) Save(path string) error { return SaveCheckpoint(path, m, nil) }

// Load reads a model (or training checkpoint) from path, verifying its
// checksum. The training state, if any, is dropped.
func Load(path string) (*Model, error) {
	m, _, err := LoadCheckpoint(path)
	return m, err
}

// SaveCheckpoint writes m and, if st is not nil, the training state to path
// atomically: the bytes go to a temporary file in the same directory, which
// is synced and then renamed over path.
func SaveCheckpoint(path string, m *Model, st *TrainState) error {
	b, err := MarshalCheckpoint(m, st)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, b); err != nil {
		return fmt.Errorf("ardm: %w", err)
	}
	return nil
}

// LoadCheckpoint reads a checkpoint; st is nil for a model file without
// training state.
func LoadCheckpoint(path string) (*Model, *TrainState, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("ardm: %w", err)
	}
	m, st, err := UnmarshalCheckpoint(b)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (%s)", err, path)
	}
	return m, st, nil
}

// MarshalCheckpoint encodes m and the optional training state.
func MarshalCheckpoint(m *Model, st *TrainState) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	cfg := m.Weights.Config
	var buf bytes.Buffer
	buf.Write(checkpointMagic[:])
	var flags uint32
	if st != nil {
		flags |= flagTrainState
	}
	put32(&buf, CheckpointVersion)
	put32(&buf, flags)
	cj, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("ardm: %w", err)
	}
	putBytes(&buf, cj)
	ij, err := json.Marshal(m.Info)
	if err != nil {
		return nil, fmt.Errorf("ardm: %w", err)
	}
	putBytes(&buf, ij)
	put32(&buf, uint32(len(m.Lt)))
	put32(&buf, LtBins)
	for _, row := range m.Lt {
		putF64s(&buf, row)
	}
	count := NumParams(cfg)
	put64(&buf, uint64(count))
	putWeights(&buf, m.Weights)
	if st != nil {
		if err := st.Check(cfg); err != nil {
			return nil, err
		}
		sj, err := json.Marshal(st)
		if err != nil {
			return nil, fmt.Errorf("ardm: %w", err)
		}
		putBytes(&buf, sj)
		putWeights(&buf, st.Raw)
		for _, p := range st.M {
			putF32s(&buf, p)
		}
		for _, p := range st.V {
			putF32s(&buf, p)
		}
		for _, row := range st.LtCount {
			putF64s(&buf, row)
		}
	}
	sum := sha256.Sum256(buf.Bytes())
	buf.Write(sum[:])
	return buf.Bytes(), nil
}

// Check verifies that the state's tensors are shaped for cfg.
func (st *TrainState) Check(cfg Config) error {
	if st.Raw == nil {
		return fmt.Errorf("ardm: training state has no raw weights")
	}
	if st.Raw.Config != cfg {
		return fmt.Errorf("ardm: training state config differs from the model's")
	}
	if err := st.Raw.CheckShapes(); err != nil {
		return err
	}
	sizes := paramSizes(cfg)
	for _, mv := range [][][]float32{st.M, st.V} {
		if len(mv) != len(sizes) {
			return fmt.Errorf("ardm: optimizer state has %d tensors, want %d", len(mv), len(sizes))
		}
		for i := range mv {
			if len(mv[i]) != sizes[i] {
				return fmt.Errorf("ardm: optimizer tensor %d has %d values, want %d", i, len(mv[i]), sizes[i])
			}
		}
	}
	if len(st.LtCount) != cfg.Stages() {
		return fmt.Errorf("ardm: L_t counts have %d stages, want %d", len(st.LtCount), cfg.Stages())
	}
	for _, row := range st.LtCount {
		if len(row) != LtBins {
			return fmt.Errorf("ardm: L_t counts have %d bins, want %d", len(row), LtBins)
		}
	}
	return nil
}

// UnmarshalCheckpoint decodes a checkpoint produced by MarshalCheckpoint.
func UnmarshalCheckpoint(b []byte) (*Model, *TrainState, error) {
	if len(b) < len(checkpointMagic) || !bytes.Equal(b[:len(checkpointMagic)], checkpointMagic[:]) {
		return nil, nil, ErrNotCheckpoint
	}
	if len(b) < len(checkpointMagic)+8+sha256.Size {
		return nil, nil, fmt.Errorf("%w: truncated (%d bytes)", ErrCorruptCheckpoint, len(b))
	}
	body, tail := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	r := &reader{b: body, off: len(checkpointMagic)}
	version := r.u32()
	if version != CheckpointVersion {
		return nil, nil, UnsupportedVersionError{version}
	}
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], tail) {
		return nil, nil, fmt.Errorf("%w: SHA-256 mismatch (stored %x, computed %x)", ErrCorruptCheckpoint, tail, sum[:])
	}
	flags := r.u32()
	var cfg Config
	if err := json.Unmarshal(r.bytes(), &cfg); err != nil && r.err == nil {
		r.err = fmt.Errorf("config: %v", err)
	}
	if r.err == nil {
		if err := cfg.Validate(); err != nil {
			return nil, nil, fmt.Errorf("%w: %v", ErrCorruptCheckpoint, err)
		}
	}
	m := &Model{}
	if err := json.Unmarshal(r.bytes(), &m.Info); err != nil && r.err == nil {
		r.err = fmt.Errorf("info: %v", err)
	}
	if r.err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrCorruptCheckpoint, r.err)
	}
	S := cfg.Stages()
	if s, bins := r.u32(), r.u32(); r.err == nil && (int(s) != S || bins != LtBins) {
		r.err = fmt.Errorf("L_t table is %dx%d, want %dx%d", s, bins, S, LtBins)
	}
	m.Lt = make([][]float64, S)
	for s := range m.Lt {
		m.Lt[s] = r.f64s(LtBins)
	}
	if count := r.u64(); r.err == nil && count != uint64(NumParams(cfg)) {
		r.err = fmt.Errorf("%d parameters, config needs %d", count, NumParams(cfg))
	}
	m.Weights = r.weights(cfg)
	var st *TrainState
	if flags&flagTrainState != 0 {
		st = &TrainState{}
		if err := json.Unmarshal(r.bytes(), st); err != nil && r.err == nil {
			r.err = fmt.Errorf("training state: %v", err)
		}
		st.Raw = r.weights(cfg)
		sizes := paramSizes(cfg)
		st.M = make([][]float32, len(sizes))
		for i, n := range sizes {
			st.M[i] = r.f32s(n)
		}
		st.V = make([][]float32, len(sizes))
		for i, n := range sizes {
			st.V[i] = r.f32s(n)
		}
		st.LtCount = make([][]float64, S)
		for s := range st.LtCount {
			st.LtCount[s] = r.f64s(LtBins)
		}
	}
	if r.err == nil && r.off != len(body) {
		r.err = fmt.Errorf("%d unexpected trailing bytes", len(body)-r.off)
	}
	if r.err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrCorruptCheckpoint, r.err)
	}
	if err := m.Validate(); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrCorruptCheckpoint, err)
	}
	return m, st, nil
}

// reader decodes the checkpoint body, remembering the first error.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.err = fmt.Errorf("truncated at byte %d (need %d more)", r.off, n)
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *reader) u32() uint32 {
	if p := r.take(4); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

func (r *reader) u64() uint64 {
	if p := r.take(8); p != nil {
		return binary.LittleEndian.Uint64(p)
	}
	return 0
}

func (r *reader) bytes() []byte {
	n := r.u64()
	if r.err == nil && n > uint64(len(r.b)-r.off) {
		r.err = fmt.Errorf("length %d at byte %d beyond end", n, r.off)
		return nil
	}
	return r.take(int(n))
}

func (r *reader) f32s(n int) []float32 {
	out := make([]float32, n)
	if p := r.take(4 * n); p != nil {
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(p[4*i:]))
		}
	}
	return out
}

func (r *reader) f64s(n int) []float64 {
	out := make([]float64, n)
	if p := r.take(8 * n); p != nil {
		for i := range out {
			out[i] = math.Float64frombits(binary.LittleEndian.Uint64(p[8*i:]))
		}
	}
	return out
}

func (r *reader) weights(cfg Config) *Weights {
	w := emptyWeights(cfg)
	for _, p := range w.Params() {
		copy(p, r.f32s(len(p)))
	}
	return w
}

func put32(buf *bytes.Buffer, v uint32) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	buf.Write(b[:])
}

func put64(buf *bytes.Buffer, v uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	buf.Write(b[:])
}

func putBytes(buf *bytes.Buffer, p []byte) {
	put64(buf, uint64(len(p)))
	buf.Write(p)
}

func putF32s(buf *bytes.Buffer, p []float32) {
	for _, v := range p {
		put32(buf, math.Float32bits(v))
	}
}

func putF64s(buf *bytes.Buffer, p []float64) {
	for _, v := range p {
		put64(buf, math.Float64bits(v))
	}
}

func putWeights(buf *bytes.Buffer, w *Weights) {
	for _, p := range w.Params() {
		putF32s(buf, p)
	}
}
