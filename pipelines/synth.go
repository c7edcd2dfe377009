package pipelines

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/ardm-dev/ardm/datasets"
)

func init() {
	register.DoFn3x1[context.Context, int, func([]byte), error](&renderSpeakerFn{})
	register.DoFn3x1[context.Context, int, func(*[]byte) bool, error](&writeSynthIndexFn{})
}

// Synth builds the pipeline that renders every speaker of job (from
// datasets.PlanSynth) on the workers, writing the clips under out, and
// then the manifest and split lists: the files ardm dataset synth writes
// for the same options and seed, given the same espeak-ng and voices on
// every worker.
func Synth(s beam.Scope, job *datasets.SynthJob, out string) {
	s = s.Scope("synth")
	speakers := make([]int, job.Speakers)
	for i := range speakers {
		speakers[i] = i
	}
	j := encode(job)
	clips := beam.ParDo(s, &renderSpeakerFn{Job: j, Out: out}, beam.CreateList(s, speakers))
	grouped := beam.GroupByKey(s, beam.AddFixedKey(s, clips))
	beam.ParDo0(s, &writeSynthIndexFn{Out: out}, grouped)
}

type renderSpeakerFn struct {
	Job []byte // gob of *datasets.SynthJob
	Out string
	job datasets.SynthJob
}

func (f *renderSpeakerFn) Setup() error { return decode(f.Job, &f.job) }

func (f *renderSpeakerFn) ProcessElement(ctx context.Context, i int, emit func([]byte)) error {
	clips, err := f.job.RenderSpeaker(ctx, i, func(rel string, wav []byte) error {
		return writeFile(ctx, join(f.Out, rel), wav)
	})
	if err != nil {
		return err
	}
	for _, c := range clips {
		emit(encode(&c))
	}
	return nil
}

type writeSynthIndexFn struct {
	Out string
}

func (f *writeSynthIndexFn) ProcessElement(ctx context.Context, _ int, clips func(*[]byte) bool) error {
	var all []datasets.SynthClip
	var b []byte
	for clips(&b) {
		var c datasets.SynthClip
		if err := decode(b, &c); err != nil {
			return err
		}
		all = append(all, c)
	}
	slices.SortFunc(all, func(a, b datasets.SynthClip) int { return strings.Compare(a.File, b.File) })
	files := datasets.SynthIndexFiles(all)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := writeFile(ctx, join(f.Out, name), files[name]); err != nil {
			return err
		}
	}
	return nil
}
