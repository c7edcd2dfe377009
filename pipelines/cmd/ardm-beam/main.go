// Command ardm-beam runs ardm's corpus jobs (prepare, synth, compress,
// decompress) as Apache Beam pipelines: in-process on Prism by default, or
// on Flink, Spark, a Prism job server or Dataflow.
package main

import (
	"flag"
	"os"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
)

func main() {
	// A runner that starts this binary as a Beam worker passes Beam's own
	// flags (--worker, --id, the endpoints): Beam's init hook then runs the
	// worker harness and exits.
	for _, a := range os.Args[1:] {
		if a == "--worker" || strings.HasPrefix(a, "--worker=") {
			flag.Parse()
			beam.Init()
			return
		}
	}
	os.Exit(run(os.Args[1:]))
}
