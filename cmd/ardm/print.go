package main

import (
	"encoding/json"
	"fmt"
	"os"
)

// logf prints a message to stderr unless --quiet (as JSON with --json).
func (gopts globalOptions) logf(format string, a ...any) {
	if gopts.Quiet {
		return
	}
	msg := fmt.Sprintf(format, a...)
	if gopts.JSON {
		b, _ := json.Marshal(map[string]string{"log": msg})
		fmt.Fprintln(os.Stderr, string(b))
		return
	}
	fmt.Fprintln(os.Stderr, msg)
}

// printResult writes a result to stdout: v as one JSON line with --json,
// otherwise the text.
func (gopts globalOptions) printResult(v any, text string) {
	if gopts.JSON {
		b, _ := json.Marshal(v)
		fmt.Println(string(b))
		return
	}
	fmt.Print(text)
}

// codecResult prints the result of one file like printResult, but on
// stderr when standard output carries the output stream (output "-").
func (gopts globalOptions) codecResult(v any, output, text string) {
	if output != "-" {
		gopts.printResult(v, text)
		return
	}
	if gopts.JSON {
		b, _ := json.Marshal(v)
		fmt.Fprintln(os.Stderr, string(b))
		return
	}
	if !gopts.Quiet {
		fmt.Fprint(os.Stderr, text)
	}
}
