package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"
)

// Exit statuses, as ardm's.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitPartial     = 3 // some inputs of a batch failed
	exitIntegrity   = 4 // checksum mismatch, corrupt stream, wrong model
	exitInterrupted = 130
)

const exitStatusHelp = `Exit status: 0 ok, 1 error, 2 usage, 3 some inputs of a batch failed,
4 integrity failure (checksum, corrupt stream, wrong model), 130 interrupted.`

// globalOptions are the flags every command shares: ardm's (--seed,
// --json, -q, -v) and the runner's.
type globalOptions struct {
	Seed    uint64
	JSON    bool
	Quiet   bool
	Verbose bool

	Runner            string
	Endpoint          string
	EnvironmentType   string
	EnvironmentConfig string
	Beam              []string
}

func (o *globalOptions) AddFlags(cmd *cobra.Command) {
	pf := cmd.PersistentFlags()
	pf.Uint64Var(&o.Seed, "seed", 1, "seed for every random choice (same seed, same result)")
	pf.BoolVar(&o.JSON, "json", false, "print results and messages as JSON, one object per line")
	pf.BoolVarP(&o.Quiet, "quiet", "q", false, "no messages on stderr")
	pf.BoolVarP(&o.Verbose, "verbose", "v", false, "more detail on stderr")
	pf.StringVar(&o.Runner, "runner", "prism", `Beam runner: prism (in-process), universal (any job server: --endpoint), flink, spark, dataflow`)
	pf.StringVar(&o.Endpoint, "endpoint", "", "job server HOST:PORT for universal, flink and spark (a Prism job server, Flink's or Spark's job service)")
	pf.StringVar(&o.EnvironmentType, "environment-type", "", `where the runner runs the workers: LOOPBACK (this process; the default for prism and a local job server), DOCKER, PROCESS or EXTERNAL`)
	pf.StringVar(&o.EnvironmentConfig, "environment-config", "", "the environment's setting: a container image (DOCKER), a command (PROCESS), a worker pool address (EXTERNAL)")
	pf.StringArrayVar(&o.Beam, "beam", nil, "any other Beam pipeline option, NAME=VALUE (repeatable; e.g. project=P, region=R, temp_location=gs://B/tmp for Dataflow)")
}

// exitErr carries an exit status with an error.
type exitErr struct {
	code int
	err  error
}

func (e *exitErr) Error() string { return e.err.Error() }
func (e *exitErr) Unwrap() error { return e.err }

func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitErr{code, err}
}

func usageErr(format string, a ...any) error { return withCode(exitUsage, fmt.Errorf(format, a...)) }

// beamFlags hands the runner options to the Beam SDK, which reads them
// from Go's flag set.
func (o *globalOptions) beamFlags() error {
	set := func(name, value string) error {
		if flag.Lookup(name) == nil {
			return usageErr("--beam %s: not a Beam pipeline option of this build", name)
		}
		if err := flag.Set(name, value); err != nil {
			return usageErr("--beam %s=%s: %v", name, value, err)
		}
		return nil
	}
	if err := set("runner", o.Runner); err != nil {
		return err
	}
	if o.Endpoint != "" {
		if err := set("endpoint", o.Endpoint); err != nil {
			return err
		}
	}
	env := o.EnvironmentType
	if env == "" && (o.Runner == "universal" || o.Runner == "prism") {
		env = "LOOPBACK"
	}
	if env != "" {
		if err := set("environment_type", env); err != nil {
			return err
		}
	}
	if o.EnvironmentConfig != "" {
		if err := set("environment_config", o.EnvironmentConfig); err != nil {
			return err
		}
	}
	for _, kv := range o.Beam {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return usageErr("--beam %q: want NAME=VALUE", kv)
		}
		if err := set(strings.TrimLeft(k, "-"), v); err != nil {
			return err
		}
	}
	return nil
}

func (o *globalOptions) validate() error {
	switch o.Runner {
	case "prism", "direct":
	case "universal", "flink", "spark":
		if o.Endpoint == "" {
			return usageErr("--runner %s needs --endpoint HOST:PORT (the job server)", o.Runner)
		}
	case "dataflow":
	default:
		return usageErr("--runner %q: want prism, universal, flink, spark or dataflow", o.Runner)
	}
	for _, kv := range o.Beam {
		k, _, ok := strings.Cut(kv, "=")
		if !ok {
			return usageErr("--beam %q: want NAME=VALUE", kv)
		}
		if flag.Lookup(strings.TrimLeft(k, "-")) == nil {
			return usageErr("--beam %s: not a Beam pipeline option of this build", k)
		}
	}
	return nil
}

// logf prints a message to stderr unless --quiet (as JSON with --json).
func (o globalOptions) logf(format string, a ...any) {
	if o.Quiet {
		return
	}
	msg := fmt.Sprintf(format, a...)
	if o.JSON {
		b, _ := json.Marshal(map[string]string{"log": msg})
		fmt.Fprintln(os.Stderr, string(b))
		return
	}
	fmt.Fprintln(os.Stderr, msg)
}

// printResult writes a result to stdout: v as one JSON line with --json,
// otherwise the text.
func (o globalOptions) printResult(v any, text string) {
	if o.JSON {
		b, _ := json.Marshal(v)
		fmt.Println(string(b))
		return
	}
	fmt.Print(text)
}

func newRootCmd() (*cobra.Command, *globalOptions) {
	gopts := &globalOptions{}
	root := &cobra.Command{
		Use:   "ardm-beam",
		Short: "ardm's corpus jobs as Apache Beam pipelines: prepare, synth, compress, decompress",
		Long: `ardm-beam runs ardm's corpus jobs on Apache Beam, with the same flags,
results and exit statuses as the ardm commands, and the same output bytes:
each pipeline step calls the function the ardm command calls.

Runners: Prism in-process by default (nothing to install); --runner
universal --endpoint HOST:PORT for any portable job server (a Prism job
server, Flink's or Spark's job service); --runner flink or spark likewise;
--runner dataflow with --beam project=P --beam region=R
--beam temp_location=gs://BUCKET/tmp. Paths may be local or gs:// and
s3:// URLs. The loopback worker this process starts listens on localhost.

Example:
  ardm-beam prepare --in ../shared/data/sc09-real-dev --out data/dev-shards
  ardm-beam compress --no-model --in ../shared/data/sc09-real-dev --out out/dev-ardm --verify
  ardm-beam compress --runner flink --endpoint localhost:8099 \
      --environment-type DOCKER --in gs://b/wavs --out gs://b/ardm

` + exitStatusHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return gopts.validate()
		},
	}
	gopts.AddFlags(root)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return withCode(exitUsage, err) })
	for _, add := range commands {
		root.AddCommand(add(gopts))
	}
	return root, gopts
}

var commands []func(*globalOptions) *cobra.Command

func register(f func(*globalOptions) *cobra.Command) { commands = append(commands, f) }

func run(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	root, gopts := newRootCmd()
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code := exitError
	var ee *exitErr
	switch {
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		code = exitInterrupted
	case errors.As(err, &ee):
		code = ee.code
	case isUsage(err):
		code = exitUsage
	}
	if gopts.JSON {
		fmt.Fprintf(os.Stderr, "{\"error\":%q,\"exit\":%d}\n", err.Error(), code)
	} else {
		fmt.Fprintln(os.Stderr, "ardm-beam:", err)
	}
	return code
}

func isUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "requires at most", "invalid argument"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}
