package main

import (
	"os"
	"path/filepath"
	"strings"
)

// outputPath is where a codec command writes the result for input in:
// explicit -o, else next to the input or under outDir with the extension
// replaced by ext. Under outDir the input's folder relative to root (the
// inputs' common folder, from inputRoot) is kept, so that data/one/a.wav
// and data/two/a.wav become DIR/one/a.ardm and DIR/two/a.ardm. "-" means
// standard output.
func outputPath(in, root, out, outDir, ext string) string {
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
	if outDir == "" {
		return filepath.Join(filepath.Dir(in), base)
	}
	if in != "-" && root != "" {
		if dir, err := filepath.Abs(filepath.Dir(in)); err == nil {
			if rel, err := filepath.Rel(root, dir); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return filepath.Join(outDir, rel, base)
			}
		}
	}
	return filepath.Join(outDir, base)
}

// inputRoot is the deepest folder that holds every input in args (as an
// absolute path; "-" does not count), the root that --out-dir mirrors.
// It is "" when no input is a file.
func inputRoot(args []string) string {
	var root []string
	have := false
	for _, in := range args {
		if in == "-" {
			continue
		}
		dir, err := filepath.Abs(filepath.Dir(in))
		if err != nil {
			continue
		}
		parts := strings.Split(dir, string(filepath.Separator))
		if !have {
			root, have = parts, true
			continue
		}
		n := 0
		for n < len(root) && n < len(parts) && root[n] == parts[n] {
			n++
		}
		root = root[:n]
	}
	if !have {
		return ""
	}
	if len(root) == 1 && root[0] == "" {
		return string(filepath.Separator)
	}
	return strings.Join(root, string(filepath.Separator))
}

// makeOutputDir creates the folder of out when it lies under outDir (the
// mirrored input folders); other folders must exist already.
func makeOutputDir(out, outDir string) error {
	if outDir == "" || out == "-" {
		return nil
	}
	return os.MkdirAll(filepath.Dir(out), 0o755)
}

// checkOutputs validates where a codec command writes: -o takes one input,
// and no two inputs may share an output.
func checkOutputs(args []string, root, out, outDir, ext string) error {
	if len(args) > 1 && out != "" {
		return usageErr("-o takes one input; use --out-dir for several")
	}
	return distinctOutputs(args, root, out, outDir, ext)
}

// distinctOutputs fails when two inputs would be written to the same output
// file (a.wav and a.flac in one folder, or one input given twice), instead
// of letting one overwrite the other.
func distinctOutputs(args []string, root, out, outDir, ext string) error {
	if out != "" {
		return nil
	}
	seen := make(map[string]string, len(args))
	for _, in := range args {
		p := outputPath(in, root, out, outDir, ext)
		if prev, ok := seen[p]; ok {
			return usageErr("inputs %s and %s would both be written to %s; use separate runs or -o", prev, in, p)
		}
		seen[p] = in
	}
	return nil
}
