package main

import (
	"path/filepath"
	"strings"
)

// outputPath is where a codec command writes the result for input in:
// explicit -o, else in outDir (or next to the input) with the extension
// replaced by ext. "-" means standard output.
func outputPath(in, out, outDir, ext string) string {
	if out != "" {
		return out
	}
	if in == "-" && outDir == "" {
		return "-"
	}
	base := filepath.Base(in)
	if in == "-" {
		base = "stdin"
	}
	base = strings.TrimSuffix(base, filepath.Ext(base)) + ext
	if outDir != "" {
		return filepath.Join(outDir, base)
	}
	return filepath.Join(filepath.Dir(in), base)
}

// checkOutputs validates where a codec command writes: -o takes one input,
// several inputs need --out-dir, and no two inputs may share an output.
func checkOutputs(args []string, out, outDir, ext string) error {
	if len(args) > 1 && out != "" {
		return usageErr("-o takes one input; use --out-dir for several")
	}
	if len(args) > 1 && outDir == "" {
		return usageErr("several inputs need --out-dir")
	}
	return distinctOutputs(args, out, outDir, ext)
}

// distinctOutputs fails when two inputs would be written to the same output
// file (inputs with the same base name from different folders, with
// --out-dir), instead of letting one overwrite the other.
func distinctOutputs(args []string, out, outDir, ext string) error {
	if out != "" || outDir == "" {
		return nil
	}
	seen := make(map[string]string, len(args))
	for _, in := range args {
		p := outputPath(in, out, outDir, ext)
		if prev, ok := seen[p]; ok {
			return usageErr("inputs %s and %s would both be written to %s; use separate --out-dir runs or -o", prev, in, p)
		}
		seen[p] = in
	}
	return nil
}
