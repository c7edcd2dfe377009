package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/s3" // s3:// paths (local and gs:// come with beamx)
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
)

var initOnce sync.Once

// runPipeline builds a pipeline with build and runs it on the runner the
// flags name, waiting for it to end.
func runPipeline(ctx context.Context, gopts globalOptions, name string, build func(s beam.Scope)) error {
	if err := gopts.beamFlags(); err != nil {
		return err
	}
	initOnce.Do(beam.Init)
	if !gopts.Verbose {
		// The SDK and Prism log every job's states at INFO.
		slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	}
	p, s := beam.NewPipelineWithRoot()
	build(s.Scope(name))
	if gopts.Verbose {
		gopts.logf("%s: running on %s", name, gopts.Runner)
	}
	if err := beamx.Run(ctx, p); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%s: pipeline failed: %w", name, err)
	}
	return nil
}
