package pipelines

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/datasets"
)

func init() {
	register.DoFn3x1[context.Context, int, func([]byte), error](&loadClipFn{})
	register.DoFn3x1[context.Context, int, func(*[]byte) bool, error](&writeShardsFn{})
	register.Emitter1[int]()
}

// loadedClip is one file's result, as it moves between the steps.
type loadedClip struct {
	Index int
	Clip  datasets.Clip
	OK    bool
}

// Prepare builds the pipeline that loads the files of plan (from
// datasets.PlanSC09 on the input folder, as ardm dataset prepare makes it)
// on the workers and writes the shards and index under out: the files
// ardm dataset prepare writes for the same input. The shard writer holds
// the whole set in memory, as ardm does.
func Prepare(s beam.Scope, plan *datasets.Plan, out string) {
	s = s.Scope("prepare")
	idx := make([]int, len(plan.Files))
	for i := range idx {
		idx[i] = i
	}
	p := encode(plan)
	clips := beam.ParDo(s, &loadClipFn{Plan: p}, beam.CreateList(s, idx))
	grouped := beam.GroupByKey(s, beam.AddFixedKey(s, clips))
	beam.ParDo0(s, &writeShardsFn{Plan: p, Out: out}, grouped)
}

// loadClipFn reads file i of the plan and makes its clip with
// datasets.LoadClip.
type loadClipFn struct {
	Plan []byte // gob of *datasets.Plan
	plan datasets.Plan
}

func (f *loadClipFn) Setup() error { return decode(f.Plan, &f.plan) }

func (f *loadClipFn) ProcessElement(ctx context.Context, i int, emit func([]byte)) error {
	pf := f.plan.Files[i]
	b, err := readFile(ctx, join(f.plan.Dir, pf.Path))
	var pcm *audio.PCM
	if err == nil {
		pcm, err = audio.Decode(b, join(f.plan.Dir, pf.Path))
	} else {
		err = fmt.Errorf("audio: %w", err)
	}
	c, ok := datasets.LoadClip(pcm, err, pf.Path, pf.Split, f.plan.Length)
	emit(encode(&loadedClip{Index: i, Clip: c, OK: ok}))
	return nil
}

// writeShardsFn assembles the set in plan order and writes its shards.
type writeShardsFn struct {
	Plan []byte
	Out  string
}

func (f *writeShardsFn) ProcessElement(ctx context.Context, _ int, loaded func(*[]byte) bool) error {
	var plan datasets.Plan
	if err := decode(f.Plan, &plan); err != nil {
		return err
	}
	clips := make([]datasets.Clip, len(plan.Files))
	ok := make([]bool, len(plan.Files))
	var b []byte
	for loaded(&b) {
		var lc loadedClip
		if err := decode(b, &lc); err != nil {
			return err
		}
		clips[lc.Index], ok[lc.Index] = lc.Clip, lc.OK
	}
	set := plan.Set(clips, ok)
	if len(set.Clips) == 0 {
		return fmt.Errorf("prepare: no usable clips in %s (%d files skipped)", plan.Dir, len(set.Report.Skipped))
	}
	return datasets.ShardFiles(set, func(name string, data []byte) error {
		return writeFile(ctx, join(f.Out, name), data)
	})
}

// ReadShardIndex reads the index.json a Prepare job wrote under out.
func ReadShardIndex(ctx context.Context, out string) (*datasets.ShardIndex, error) {
	b, err := readFile(ctx, join(out, datasets.IndexFile))
	if err != nil {
		return nil, err
	}
	var idx datasets.ShardIndex
	if err := json.Unmarshal(b, &idx); err != nil {
		return nil, fmt.Errorf("pipelines: %s: %w", datasets.IndexFile, err)
	}
	return &idx, nil
}
