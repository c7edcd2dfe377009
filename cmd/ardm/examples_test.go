package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// repoRoot is where the examples run: a fresh clone, with ../shared next
// to it.
const repoRoot = "../.."

// example is one command line of a help text or of README.md.
type example struct {
	where string
	line  string
}

// helpExamples collects the lines of every "Example:" block of the command
// tree, in the order help lists the commands, with "\" continuations joined.
func helpExamples(cmd *cobra.Command) []example {
	var out []example
	if _, block, ok := strings.Cut(cmd.Long, "Example:\n"); ok {
		block, _, _ = strings.Cut(block, "\n\n")
		for _, l := range joinContinuations(strings.Split(block, "\n")) {
			out = append(out, example{cmd.CommandPath() + " --help", strings.TrimSpace(l)})
		}
	}
	for _, c := range cmd.Commands() {
		out = append(out, helpExamples(c)...)
	}
	return out
}

// readmeExamples collects the "ardm ..." and "bin/ardm ..." lines of README.md's sh blocks.
func readmeExamples(t *testing.T) []example {
	b, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var out []example
	var block []string
	in := false
	for _, l := range strings.Split(string(b), "\n") {
		switch {
		case !in && strings.HasPrefix(l, "```sh"):
			in, block = true, nil
		case in && strings.HasPrefix(l, "```"):
			in = false
			for _, j := range joinContinuations(block) {
				j = strings.TrimPrefix(strings.TrimSpace(j), "bin/")
				if strings.HasPrefix(j, "ardm ") {
					out = append(out, example{"README.md", j})
				}
			}
		case in:
			block = append(block, l)
		}
	}
	return out
}

func joinContinuations(lines []string) []string {
	var out []string
	cur := ""
	for _, l := range lines {
		if strings.HasSuffix(l, "\\") {
			cur += strings.TrimSuffix(l, "\\")
			continue
		}
		out = append(out, cur+l)
		cur = ""
	}
	return out
}

// outputFlags name what an example makes.
var outputFlags = map[string]bool{"output": true, "out": true, "out-dir": true, "report": true, "export": true}

var fileLike = regexp.MustCompile(`(/|\.(wav|flac|ardm|ardmm|ckpt|onnx|json|jsonl)$)`)

// examplePaths splits an "ardm ..." line into the paths it reads and the
// paths it makes, using the flags of the command it names.
func examplePaths(root *cobra.Command, line string) (cmd *cobra.Command, reads, makes []string) {
	line, redirect, _ := strings.Cut(line, ">")
	line, _, _ = strings.Cut(line, "|")
	if f := strings.Fields(redirect); len(f) > 0 {
		makes = append(makes, f[0])
	}
	words := strings.Fields(line)[1:]
	cmd, rest, err := root.Find(words)
	if err != nil {
		return nil, nil, nil
	}
	for i := 0; i < len(rest); i++ {
		w := rest[i]
		if !strings.HasPrefix(w, "-") || w == "-" {
			if fileLike.MatchString(w) {
				reads = append(reads, w)
			}
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
		fl := cmd.Flags().Lookup(name)
		if fl == nil && len(name) == 1 {
			fl = cmd.Flags().ShorthandLookup(name)
		}
		if fl == nil || fl.Value.Type() == "bool" {
			continue
		}
		if !hasValue && i+1 < len(rest) {
			i++
			value = rest[i]
		}
		switch {
		case outputFlags[fl.Name]:
			makes = append(makes, value)
		case fileLike.MatchString(value):
			value, _, _ = strings.Cut(value, ":") // --in DIR:WEIGHT
			reads = append(reads, value)
		}
	}
	return cmd, reads, makes
}

// TestExamplesNameRealFiles: every path an example reads exists in a fresh
// clone (or ../shared) or is made by an earlier example of the same list
// (the help texts in the order of the command tree, or README.md).
func TestExamplesNameRealFiles(t *testing.T) {
	root, _ := newRootCmd()
	lists := map[string][]example{"help": helpExamples(root), "README.md": readmeExamples(t)}
	if len(lists["help"]) < 20 || len(lists["README.md"]) < 5 {
		t.Fatalf("found %d help and %d README examples", len(lists["help"]), len(lists["README.md"]))
	}
	for name, list := range lists {
		var made []string
		for _, ex := range list {
			cmd, reads, makes := examplePaths(root, ex.line)
			if cmd == nil {
				t.Errorf("%s: %q names no ardm command", ex.where, ex.line)
				continue
			}
			for _, p := range reads {
				if !exampleFileExists(p, made) {
					t.Errorf("%s (%s): %q reads %s, which neither the repository nor an earlier example makes", ex.where, name, ex.line, p)
				}
			}
			// Compress and decompress without -o write next to the input.
			made = append(made, makes...)
			for _, p := range reads {
				made = append(made, strings.TrimSuffix(p, filepath.Ext(p))+".ardm", strings.TrimSuffix(p, filepath.Ext(p))+".wav")
			}
		}
	}
}

func exampleFileExists(p string, made []string) bool {
	clean := filepath.Clean(p)
	for _, m := range made {
		m = filepath.Clean(m)
		if clean == m || strings.HasPrefix(clean, m+"/") {
			return true
		}
	}
	matches, _ := filepath.Glob(filepath.Join(repoRoot, p))
	return len(matches) > 0
}

// cheapExamples are the commands whose examples TestExamplesRun runs as
// written; the others (training, dataset jobs over whole folders, long
// evals, sampling) are only checked by TestExamplesNameRealFiles.
var cheapExamples = map[string]bool{"ardm compress": true, "ardm decompress": true, "ardm info": true, "ardm export": true, "ardm policy": true, "ardm upscale": true}

// TestExamplesRun runs the cheap help and README examples in order in a
// temporary copy of a clone (internal/builtin and ../shared linked in), so
// an example that needs a file no earlier one made, or whose output an
// earlier one already wrote, fails here.
func TestExamplesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the examples")
	}
	shared, err := filepath.Abs(filepath.Join(repoRoot, "..", "shared"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(shared, "data", "sc09-real-dev")); err != nil {
		t.Skip("no ../shared data")
	}
	model, err := filepath.Abs(filepath.Join(repoRoot, "internal", "builtin", "default.ardmm"))
	if err != nil {
		t.Fatal(err)
	}
	root, _ := newRootCmd()
	for name, list := range map[string][]example{"help": helpExamples(root), "README.md": readmeExamples(t)} {
		t.Run(name, func(t *testing.T) {
			top := t.TempDir()
			clone := filepath.Join(top, "clone")
			if err := os.MkdirAll(filepath.Join(clone, "internal", "builtin"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(model, filepath.Join(clone, "internal", "builtin", "default.ardmm")); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(shared, filepath.Join(top, "shared")); err != nil {
				t.Fatal(err)
			}
			t.Chdir(clone)
			ran := 0
			var skipped []string // what the examples not run would have made
			for _, ex := range list {
				cmd, reads, makes := examplePaths(root, ex.line)
				if cmd == nil || !cheapExamples[cmd.CommandPath()] || strings.Contains(ex.line, "|") ||
					readsAny(reads, skipped) ||
					// a whole folder through the model takes minutes here
					(strings.Contains(ex.line, "*") && !strings.Contains(ex.line, "--no-model") && cmd.Name() == "compress") {
					skipped = append(skipped, makes...)
					continue
				}
				line, redirect, _ := strings.Cut(ex.line, ">")
				code, stdout, stderr := runCapture(t, expandGlobs(t, strings.Fields(line)[1:])...)
				if code != 0 {
					t.Errorf("%s: %q: exit %d: %s", ex.where, ex.line, code, stderr)
					continue
				}
				if f := strings.Fields(redirect); len(f) > 0 {
					if err := os.WriteFile(f[0], []byte(stdout), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				ran++
			}
			if ran < 3 {
				t.Errorf("ran only %d examples", ran)
			}
		})
	}
}

// readsAny reports whether one of reads is, or is under, one of made.
func readsAny(reads, made []string) bool {
	for _, r := range reads {
		if _, err := os.Stat(r); err != nil && exampleFileExists(r, made) {
			return true
		}
	}
	return false
}

// expandGlobs does what the shell does to the examples' data/*/*.wav.
func expandGlobs(t *testing.T, args []string) []string {
	var out []string
	for _, a := range args {
		if !strings.ContainsAny(a, "*?[") {
			out = append(out, a)
			continue
		}
		m, err := filepath.Glob(a)
		if err != nil || len(m) == 0 {
			t.Fatalf("%s matches nothing", a)
		}
		out = append(out, m...)
	}
	return out
}
