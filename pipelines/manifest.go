package pipelines

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

// ManifestFile is the name of the manifest under a job's output root.
const ManifestFile = "manifest.jsonl"

// Entry is one line of a manifest: one input file and what became of it.
type Entry struct {
	Path          string           `json:"path"`             // input, relative to the input root
	Output        string           `json:"output,omitempty"` // output, relative to the output root
	Samples       int64            `json:"samples"`          // per channel
	Channels      int              `json:"channels,omitempty"`
	BitDepth      int              `json:"bit_depth,omitempty"`
	Bytes         int64            `json:"bytes"` // output bytes
	BitsPerSample float64          `json:"bits_per_sample,omitempty"`
	Coders        map[string]int64 `json:"coders,omitempty"` // channel-frames per coder
	MD5           string           `json:"md5,omitempty"`    // of the PCM, as the stream records it
	Verified      bool             `json:"verified,omitempty"`
	Error         string           `json:"error,omitempty"`
	// Integrity marks an error of the data: a damaged stream, a wrong
	// model, a decoded stream that differs from its input.
	Integrity bool `json:"integrity,omitempty"`
}

// Manifest is a job's manifest, sorted by path.
type Manifest []Entry

// Failed counts the entries with an error, and those of them that are
// integrity failures.
func (m Manifest) Failed() (failed, integrity int) {
	for _, e := range m {
		if e.Error != "" {
			failed++
			if e.Integrity {
				integrity++
			}
		}
	}
	return failed, integrity
}

// ReadManifest reads the manifest under a job's output root.
func ReadManifest(ctx context.Context, root string) (Manifest, error) {
	b, err := readFile(ctx, join(root, ManifestFile))
	if err != nil {
		return nil, err
	}
	var m Manifest
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("pipelines: %s: %w", ManifestFile, err)
		}
		m = append(m, e)
	}
	return m, sc.Err()
}

func init() {
	register.DoFn3x1[context.Context, int, func(*[]byte) bool, error](&writeManifestFn{})
	register.Iter1[[]byte]()
}

// writeManifest gathers the JSON entries into the manifest file.
func writeManifest(s beam.Scope, root string, entries beam.PCollection) {
	s = s.Scope("manifest")
	grouped := beam.GroupByKey(s, beam.AddFixedKey(s, entries))
	beam.ParDo0(s, &writeManifestFn{Root: root}, grouped)
}

// writeManifestFn writes the entries of the single group, sorted by path,
// one JSON object per line.
type writeManifestFn struct {
	Root string
}

func (f *writeManifestFn) ProcessElement(ctx context.Context, _ int, entries func(*[]byte) bool) error {
	var all []Entry
	var js []byte
	for entries(&js) {
		var e Entry
		if err := json.Unmarshal(js, &e); err != nil {
			return err
		}
		all = append(all, e)
	}
	slices.SortFunc(all, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	return writeWith(ctx, join(f.Root, ManifestFile), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		for i := range all {
			if err := enc.Encode(&all[i]); err != nil {
				return err
			}
		}
		return nil
	})
}
