package datasets

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Layouts LoadFolder tells apart.
const (
	LayoutSpeechCommands = "speech-commands"
	LayoutUtterances     = "utterances"
)

// DetectLayout returns LayoutSpeechCommands when a top-level folder of dir
// holds a file named like Speech Commands' <speaker>_nohash_<n>.wav (or
// .flac), else LayoutUtterances.
func DetectLayout(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("datasets: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), "_") {
			continue
		}
		sub, err := os.ReadDir(filepath.Join(dir, e.Name()))
		if err != nil {
			return "", fmt.Errorf("datasets: %w", err)
		}
		for _, f := range sub {
			if _, ok := SpeakerOf(f.Name()); ok && f.Type().IsRegular() {
				return LayoutSpeechCommands, nil
			}
		}
	}
	return LayoutUtterances, nil
}

// WordFolders lists the top-level folders of a Speech Commands directory
// (every word, not only the digits), without those starting with "_".
func WordFolders(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	var words []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), "_") {
			words = append(words, e.Name())
		}
	}
	return words, nil
}

// Mix joins sets loaded from several folders into one, in the order given.
// Each clip's Path gets its set's label and "/" in front (labels must
// differ), and its Weight is its set's weight (at least 1): an epoch of
// training visits it that many times (Samples). With a single set of
// weight 1, Mix returns it unchanged, so a one-folder prepare writes what
// it always did. All sets must have the same clip length.
func Mix(sets []*Set, labels []string, weights []int) (*Set, error) {
	if len(sets) == 0 || len(labels) != len(sets) || len(weights) != len(sets) {
		return nil, fmt.Errorf("datasets: Mix: %d sets, %d labels, %d weights", len(sets), len(labels), len(weights))
	}
	if len(sets) == 1 && weights[0] <= 1 {
		return sets[0], nil
	}
	out := &Set{Length: sets[0].Length, Report: Report{IssueCounts: make(map[string]int)}}
	var dirs, sources []string
	seen := make(map[string]bool)
	for i, s := range sets {
		if s.Length != out.Length {
			return nil, fmt.Errorf("datasets: Mix: clip lengths %d and %d", out.Length, s.Length)
		}
		if seen[labels[i]] {
			return nil, fmt.Errorf("datasets: Mix: two folders are both called %q", labels[i])
		}
		seen[labels[i]] = true
		if weights[i] < 1 {
			return nil, fmt.Errorf("datasets: Mix: weight %d of %s must be at least 1", weights[i], labels[i])
		}
		dirs = append(dirs, s.Dir)
		sources = append(sources, s.Report.SplitSource)
		for _, c := range s.Clips {
			c.Path = labels[i] + "/" + c.Path
			c.Weight = weights[i]
			out.Clips = append(out.Clips, c)
		}
		r := &out.Report
		r.Files += s.Report.Files
		r.Loaded += s.Report.Loaded
		for _, f := range s.Report.Skipped {
			r.Skipped = append(r.Skipped, FileIssue{Path: labels[i] + "/" + f.Path, Issues: f.Issues})
		}
		for _, f := range s.Report.Odd {
			r.Odd = append(r.Odd, FileIssue{Path: labels[i] + "/" + f.Path, Issues: f.Issues})
		}
		for k, v := range s.Report.IssueCounts {
			r.IssueCounts[k] += v
		}
	}
	out.Dir = strings.Join(dirs, ",")
	out.Report.Dir = out.Dir
	out.Report.SplitSource = strings.Join(sources, ",")
	return out, nil
}

// LoadFolder loads dir in the given layout ("" or "auto": DetectLayout):
// LoadSC09 for Speech Commands, LoadUtterances for anything else.
func LoadFolder(dir, layout string, opts LoadOptions) (*Set, error) {
	if layout == "" || layout == "auto" {
		var err error
		if layout, err = DetectLayout(dir); err != nil {
			return nil, err
		}
	}
	switch layout {
	case LayoutSpeechCommands:
		return LoadSC09(dir, opts)
	case LayoutUtterances:
		return LoadUtterances(dir, opts)
	}
	return nil, fmt.Errorf("datasets: unknown layout %q (want auto, %s or %s)", layout, LayoutSpeechCommands, LayoutUtterances)
}
