package pipelines

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"path"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/coder"
	"github.com/ardm-dev/ardm/jobs"
)

// CompressOptions configure Compress; the fields mirror ardm compress's
// flags.
type CompressOptions struct {
	In, Out   string // input root (WAV files, recursively) and output root
	Model     string // checkpoint; "" the built-in model
	NoModel   bool
	ModelOnly bool
	Budget    int // resolved (see ResolveBudget)
	Seed      uint64
	Verify    bool
	Workers   int
}

func init() {
	register.DoFn3x1[context.Context, string, func([]byte), error](&compressFn{})
	register.DoFn3x1[context.Context, string, func([]byte), error](&decompressFn{})
	register.Emitter1[[]byte]()
}

// Compress builds the pipeline that codes every WAV or FLAC file under o.In (the
// slash paths rels, from ListAudio) into o.Out, mirroring the tree with
// .ardm for the extension, and writes the manifest. A file that fails is
// in the manifest with its error; the others are not affected.
func Compress(s beam.Scope, o CompressOptions, rels []string) {
	s = s.Scope("compress")
	files := beam.CreateList(s, rels)
	entries := beam.ParDo(s, &compressFn{O: o}, files)
	writeManifest(s, o.Out, entries)
}

// ListAudio lists the WAV and FLAC files under root, as slash paths
// relative to it.
func ListAudio(ctx context.Context, root string) ([]string, error) {
	return listTree(ctx, root, audio.Extensions...)
}

// ListStreams lists the .ardm files under root.
func ListStreams(ctx context.Context, root string) ([]string, error) {
	return listTree(ctx, root, ".ardm")
}

// withExt replaces the extension of a slash path.
func withExt(rel, ext string) string { return strings.TrimSuffix(rel, path.Ext(rel)) + ext }

type compressFn struct {
	O CompressOptions
	m coder.Predictor
}

func (f *compressFn) Setup(ctx context.Context) error {
	var err error
	f.m, err = predictor(ctx, f.O.Model, f.O.NoModel)
	return err
}

func (f *compressFn) ProcessElement(ctx context.Context, rel string, emit func([]byte)) error {
	e := Entry{Path: rel, Output: withExt(rel, ".ardm")}
	if err := f.compress(ctx, &e); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		e.Error = err.Error()
		var ie *jobs.IntegrityError
		e.Integrity = errors.As(err, &ie)
	}
	js, err := json.Marshal(&e)
	if err != nil {
		return err
	}
	emit(js)
	return nil
}

// compress codes one file with jobs.Compress (what ardm compress runs),
// verifies it with jobs.Verify, and fills e.
func (f *compressFn) compress(ctx context.Context, e *Entry) error {
	in, err := readFile(ctx, join(f.O.In, e.Path))
	if err != nil {
		return err
	}
	var stream bytes.Buffer
	c, err := jobs.Compress(ctx, f.m, bytes.NewReader(in), e.Path, &stream, jobs.CompressOptions{
		Budget: f.O.Budget, OrderSeed: f.O.Seed, ModelOnly: f.O.ModelOnly, Workers: f.O.Workers,
	})
	if err != nil {
		return err
	}
	if f.O.Verify {
		if err := jobs.Verify(ctx, f.m, bytes.NewReader(stream.Bytes()), bytes.NewReader(in), e.Path, f.O.Workers, nil); err != nil {
			return err
		}
		e.Verified = true
	}
	info, err := coder.Inspect(bytes.NewReader(stream.Bytes()))
	if err != nil {
		return &jobs.IntegrityError{Err: err}
	}
	e.Samples, e.Channels, e.BitDepth = c.Stats.Samples, c.Format.Channels, c.Format.BitDepth
	e.Bytes, e.BitsPerSample = c.Stats.Bytes, c.BitsPerSample()
	e.MD5 = hex.EncodeToString(info.MD5[:])
	e.Coders = map[string]int64{}
	for k, st := range c.Stats.Coders {
		if st.Frames > 0 {
			e.Coders[coder.Kind(k).String()] = st.Frames
		}
	}
	return writeFile(ctx, join(f.O.Out, e.Output), stream.Bytes())
}

// DecompressOptions configure Decompress.
type DecompressOptions struct {
	In, Out string // input root (.ardm files, recursively) and output root
	Model   string // checkpoint the streams were made with; "" the built-in model
	Workers int
}

// Decompress builds the pipeline that decodes every stream under o.In
// (the slash paths rels, from ListStreams) to WAV files under o.Out,
// mirroring the tree, and writes the manifest.
func Decompress(s beam.Scope, o DecompressOptions, rels []string) {
	s = s.Scope("decompress")
	files := beam.CreateList(s, rels)
	entries := beam.ParDo(s, &decompressFn{O: o}, files)
	writeManifest(s, o.Out, entries)
}

type decompressFn struct {
	O DecompressOptions
	m coder.Predictor // loaded at the first stream that names a model
}

func (f *decompressFn) ProcessElement(ctx context.Context, rel string, emit func([]byte)) error {
	e := Entry{Path: rel, Output: withExt(rel, ".wav")}
	if err := f.decompress(ctx, &e); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		e.Error = err.Error()
		var ie *jobs.IntegrityError
		e.Integrity = errors.As(err, &ie)
	}
	js, err := json.Marshal(&e)
	if err != nil {
		return err
	}
	emit(js)
	return nil
}

// decompress decodes one stream with jobs.Decompress (what ardm
// decompress runs) and fills e.
func (f *decompressFn) decompress(ctx context.Context, e *Entry) error {
	in, err := readFile(ctx, join(f.O.In, e.Path))
	if err != nil {
		return err
	}
	model := func([32]byte) (coder.Predictor, error) {
		if f.m == nil {
			m, err := predictor(ctx, f.O.Model, false)
			if err != nil {
				return nil, err
			}
			f.m = m
		}
		return f.m, nil
	}
	var wav bytes.Buffer
	bw := bufio.NewWriter(&wav)
	var dopts []coder.Option
	if f.O.Workers > 0 {
		dopts = append(dopts, coder.WithWorkers(f.O.Workers))
	}
	d, err := jobs.Decompress(ctx, bytes.NewReader(in), e.Path, bw, model, nil, dopts...)
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	info, err := coder.Inspect(bytes.NewReader(in))
	if err != nil {
		return &jobs.IntegrityError{Err: err}
	}
	e.Samples, e.Channels, e.BitDepth = d.Samples, d.Format.Channels, d.Format.BitDepth
	e.Bytes, e.MD5, e.Verified = int64(wav.Len()), hex.EncodeToString(info.MD5[:]), true
	return writeWith(ctx, join(f.O.Out, e.Output), func(w io.Writer) error {
		_, err := w.Write(wav.Bytes())
		return err
	})
}
