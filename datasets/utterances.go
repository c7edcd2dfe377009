package datasets

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ardm-dev/ardm/audio"
)

// IssueWindows marks a recording longer than one clip that LoadUtterances
// cut into windows.
const IssueWindows = "windows"

// LoadUtterances reads every WAV and FLAC file under dir (recursively;
// folders whose name starts with "_" are skipped) as whole utterances of
// any length and cuts each into clips of opts.Length samples: windows that
// start every opts.Hop samples and lie wholly inside the recording (the
// tail after the last whole window is dropped); a recording shorter than
// one window gives one clip, zero padded. Stereo is averaged to mono and
// other depths converted to 16 bits, as LoadSC09 does; files at another
// sample rate than 16 kHz, empty or unreadable are skipped and listed.
//
// The split follows the speaker, so that no speaker's windows are in two
// splits: the speaker column of a MANIFEST.tsv in dir (tab-separated, with
// a header row naming the columns "file" and "speaker") where it names one,
// else the file itself (each file its own group). The which_set hash of
// the speaker id then gives the split, as for Speech Commands. A clip's
// Path is the file's slash path relative to dir and "@" and the window's
// first sample ("librispeech/x.flac@32000"); its Word is the file's
// top-level folder.
func LoadUtterances(dir string, opts LoadOptions) (*Set, error) {
	if opts.Length == 0 {
		opts.Length = ClipLength
	}
	if opts.Hop == 0 {
		opts.Hop = opts.Length
	}
	if opts.Length < 0 || opts.Hop < 0 {
		return nil, fmt.Errorf("datasets: window %d and hop %d must be positive", opts.Length, opts.Hop)
	}
	keepSplit, err := opts.splits()
	if err != nil {
		return nil, err
	}
	var files []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), "_") {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && audio.IsAudioFile(p) {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("datasets: %s has no WAV or FLAC files", dir)
	}
	slices.Sort(files)
	speakers, err := readManifestSpeakers(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		return nil, err
	}

	type result struct {
		clips  []Clip
		issues []string
		ok     bool
	}
	results := make([]result, len(files))
	err = eachFile(opts, len(files), func(i int) {
		speaker := speakers[files[i]]
		if speaker == "" {
			speaker = files[i]
		}
		split := splitOfPercent(speakerPercent(speaker), opts.ValidationPercent, opts.TestingPercent)
		if len(keepSplit) > 0 && !keepSplit[split] {
			results[i] = result{ok: true}
			return
		}
		c, is, ok := loadWindows(dir, files[i], speaker, split, opts.Length, opts.Hop)
		results[i] = result{c, is, ok}
	})
	if err != nil {
		return nil, fmt.Errorf("datasets: loading %s: %w", dir, err)
	}
	set := &Set{Dir: dir, Length: opts.Length}
	rep := Report{Dir: dir, SplitSource: "speaker", Files: len(files), IssueCounts: make(map[string]int)}
	for i, r := range results {
		for _, is := range r.issues {
			rep.IssueCounts[IssueKind(is)]++
		}
		if !r.ok {
			rep.Skipped = append(rep.Skipped, FileIssue{Path: files[i], Issues: r.issues})
			continue
		}
		if len(r.issues) > 0 {
			rep.Odd = append(rep.Odd, FileIssue{Path: files[i], Issues: slices.Clone(r.issues)})
		}
		set.Clips = append(set.Clips, r.clips...)
	}
	rep.Loaded = len(set.Clips)
	set.Report = rep
	return set, nil
}

// loadWindows reads one recording and cuts it into clips (see
// LoadUtterances). ok is false when the file gives no clip; issues says
// why, or what was converted.
func loadWindows(dir, rel, speaker, split string, length, hop int) (clips []Clip, issues []string, ok bool) {
	pcm, err := audio.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil, []string{IssueUnreadable + ": " + err.Error()}, false
	}
	frames := pcm.Frames()
	switch {
	case frames == 0 || len(pcm.Data) == 0:
		return nil, []string{IssueEmpty + ": no samples"}, false
	case pcm.SampleRate != SampleRate:
		return nil, []string{fmt.Sprintf("%s: %d Hz, not %d Hz", IssueRate, pcm.SampleRate, SampleRate)}, false
	}
	if pcm.BitDepth != 16 {
		issues = append(issues, fmt.Sprintf("%s: %d-bit, converted to 16-bit", IssueDepth, pcm.BitDepth))
	}
	if pcm.Channels != 1 {
		issues = append(issues, fmt.Sprintf("%s: %d channels, averaged to mono", IssueChannels, pcm.Channels))
	}
	n := 1
	switch {
	case frames < length:
		issues = append(issues, fmt.Sprintf("%s: %d samples, zero padded to %d", IssueShort, frames, length))
	case frames > length:
		n = (frames-length)/hop + 1
		issues = append(issues, fmt.Sprintf("%s: %d samples, %d windows of %d every %d", IssueWindows, frames, n, length, hop))
	}
	top, _, _ := strings.Cut(rel, "/")
	for k := range n {
		start := k * hop
		c := Clip{
			Path: fmt.Sprintf("%s@%d", rel, start), Word: top, Speaker: speaker, Split: split,
			Samples: make([]int16, length), Rate: pcm.SampleRate, Frames: min(length, frames-start),
		}
		mono16(c.Samples, pcm, start)
		clips = append(clips, c)
	}
	return clips, issues, true
}

// readManifestSpeakers reads the file -> speaker column of a MANIFEST.tsv;
// a missing file, or one without both columns, gives no speakers.
func readManifestSpeakers(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	out := make(map[string]string)
	fileCol, spkCol := -1, -1
	for first := true; sc.Scan(); first = false {
		cols := strings.Split(sc.Text(), "\t")
		if first {
			fileCol, spkCol = slices.Index(cols, "file"), slices.Index(cols, "speaker")
			if fileCol < 0 || spkCol < 0 {
				return nil, nil
			}
			continue
		}
		if max(fileCol, spkCol) < len(cols) && cols[spkCol] != "" {
			// Qualified by the top folder: two sources may both have a
			// speaker "1".
			top, _, _ := strings.Cut(cols[fileCol], "/")
			out[cols[fileCol]] = top + "/" + cols[spkCol]
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("datasets: reading %s: %w", path, err)
	}
	return out, nil
}
