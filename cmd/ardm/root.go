package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit statuses (documented in every command's help via rootLong).
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitPartial     = 3   // some inputs of a batch failed
	exitIntegrity   = 4   // checksum mismatch, corrupt stream, wrong model
	exitInterrupted = 130 // SIGINT (Ctrl-C); SIGTERM gives 143, SIGHUP 129
)

const exitStatusHelp = `Exit status: 0 ok, 1 error, 2 usage, 3 some inputs of a batch failed,
4 integrity failure (checksum, corrupt stream, wrong model), 128+N killed by
signal N after cleaning up (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP).`

// globalOptions are the persistent flags every command shares. The root
// command fills them; each command's RunE passes a copy to its run
// function, and the printing helpers (print.go, progress.go) are its
// methods.
type globalOptions struct {
	Seed    uint64
	JSON    bool
	Quiet   bool
	Verbose bool
}

func (o *globalOptions) AddFlags(cmd *cobra.Command) {
	pf := cmd.PersistentFlags()
	pf.Uint64Var(&o.Seed, "seed", 1, "seed for every random choice (same seed, same result)")
	pf.BoolVar(&o.JSON, "json", false, "print results and progress as JSON, one object per line")
	pf.BoolVarP(&o.Quiet, "quiet", "q", false, "no progress output")
	pf.BoolVarP(&o.Verbose, "verbose", "v", false, "more detail on stderr")
}

// exitErr carries an exit status with an error.
type exitErr struct {
	code int
	err  error
}

func (e *exitErr) Error() string { return e.err.Error() }
func (e *exitErr) Unwrap() error { return e.err }

// withCode wraps err so that the process exits with code.
func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitErr{code, err}
}

// usageErr marks err as a usage error (exit 2).
func usageErr(format string, a ...any) error {
	return withCode(exitUsage, fmt.Errorf(format, a...))
}

func init() { cobra.AddTemplateFunc("ardmVersion", versionText) }

// newRootCmd builds the command tree; the global options it returns are
// filled when the command line is parsed.
func newRootCmd() (*cobra.Command, *globalOptions) {
	gopts := &globalOptions{}
	root := &cobra.Command{
		Use:   "ardm",
		Short: "Upscale ARDMs for audio: bit-depth upscaling, learned lossless compression, bpd reports",
		Long: `ardm trains and applies Upscale ARDMs (Autoregressive Diffusion Models,
Hoogeboom et al., ICLR 2022) to 16-bit audio.

Results go to stdout; progress goes to stderr (off when stderr is not a
terminal, or with --quiet). With --json both are one JSON object per line.

` + exitStatusHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.SetVersionTemplate("{{ardmVersion}}")
	gopts.AddFlags(root)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return withCode(exitUsage, err)
	})
	for _, add := range commands {
		root.AddCommand(add(gopts))
	}
	return root, gopts
}

// commands holds the constructors of the subcommands; each command file
// registers its own in an init function.
var commands []func(*globalOptions) *cobra.Command

func register(f func(*globalOptions) *cobra.Command) { commands = append(commands, f) }

// stopSignals end a command the way Ctrl-C does: the context is
// cancelled, temporary files are removed, and the exit status is 128 plus
// the signal's number (SIGTERM is what kill, systemd and batch schedulers
// send).
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// signalContext is cancelled by the first of stopSignals; caught reports
// which one (nil before any).
func signalContext() (ctx context.Context, caught func() os.Signal, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, stopSignals...)
	var (
		mu  sync.Mutex
		got os.Signal
	)
	go func() {
		select {
		case s := <-ch:
			mu.Lock()
			got = s
			mu.Unlock()
			cancel()
		case <-ctx.Done():
		}
	}()
	caught = func() os.Signal {
		mu.Lock()
		defer mu.Unlock()
		return got
	}
	return ctx, caught, func() { signal.Stop(ch); cancel() }
}

// signalExit is the exit status for a command stopped by s.
func signalExit(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return exitInterrupted
}

func run(args []string) int {
	ctx, caught, stop := signalContext()
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
	case caught() != nil:
		code = signalExit(caught())
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		code = exitInterrupted
	case errors.As(err, &ee):
		code = ee.code
	case isUsage(err):
		code = exitUsage
	}
	if gopts.JSON {
		fmt.Fprintf(os.Stderr, "{\"error\":%q,\"exit\":%d}\n", errorText(err), code)
	} else {
		fmt.Fprintln(os.Stderr, "ardm:", errorText(err))
	}
	return code
}

// errorText is err's message without the "ardm: " prefix of the ardm
// package's errors, which the command adds itself (never "ardm: ardm: ").
func errorText(err error) string {
	return strings.TrimPrefix(err.Error(), "ardm: ")
}

// isUsage recognises cobra's own argument errors.
func isUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "requires at most", "invalid argument"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}
