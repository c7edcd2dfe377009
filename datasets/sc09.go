package datasets

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/ardm-dev/ardm/audio"
)

// SC09 constants.
const (
	// ClipLength is the length every SC09 clip is padded or trimmed to.
	ClipLength = 16000
	// SampleRate is the sample rate of Speech Commands.
	SampleRate = 16000
)

// Split names, as the dataset's which_set returns them.
const (
	Training   = "training"
	Validation = "validation"
	Testing    = "testing"
)

// Splits lists the split names in their usual order.
var Splits = []string{Training, Validation, Testing}

// Words are the ten digit words of SC09, in numeric order.
var Words = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

// ParseSplit returns the canonical name of a split, accepting the short
// forms "train", "val", "valid" and "test".
func ParseSplit(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "training", "train":
		return Training, nil
	case "validation", "valid", "val":
		return Validation, nil
	case "testing", "test":
		return Testing, nil
	}
	return "", fmt.Errorf("datasets: unknown split %q (want training, validation or testing)", s)
}

// Issue kinds: every entry of Clip.Issues and FileIssue.Issues starts with
// one of these, then ": " and a detail.
const (
	IssueShort      = "short"      // fewer samples than the clip length; zero padded
	IssueLong       = "long"       // more samples than the clip length; trimmed
	IssueDepth      = "depth"      // not 16-bit; converted (narrowing keeps the top bits)
	IssueChannels   = "channels"   // not mono; channels averaged
	IssueRate       = "rate"       // not 16 kHz; skipped
	IssueEmpty      = "empty"      // no samples; skipped
	IssueUnreadable = "unreadable" // not a readable PCM WAV; skipped
	IssueName       = "name"       // name without "_nohash_"; speaker is the whole base name
)

// IssueKind returns the kind of an issue string ("short: 15702 samples" has
// kind "short").
func IssueKind(issue string) string {
	k, _, _ := strings.Cut(issue, ":")
	return k
}

// Clip is one recording.
type Clip struct {
	Path    string   `json:"path"` // relative to the data directory, forward slashes: "eight/439c84f4_nohash_1.wav"
	Word    string   `json:"word"`
	Speaker string   `json:"speaker"` // the part of the base name before "_nohash_"
	Split   string   `json:"split"`
	Samples []int16  `json:"-"`      // padded or trimmed to the clip length
	Rate    int      `json:"rate"`   // sample rate of the source file
	Frames  int      `json:"frames"` // length of the source file (of the window, for a cropped utterance) in samples per channel
	Issues  []string `json:"issues,omitempty"`
	// Weight is how many times an epoch of training visits the clip (a
	// folder's weight in a mix, see Samples); 0 means 1.
	Weight int `json:"weight,omitempty"`
}

// Duration is the length of the source recording in seconds.
func (c *Clip) Duration() float64 {
	if c.Rate <= 0 {
		return 0
	}
	return float64(c.Frames) / float64(c.Rate)
}

// Original returns the samples of the source recording that the clip kept:
// Samples without the zero padding of a short clip.
func (c *Clip) Original() []int16 {
	if c.Frames < len(c.Samples) {
		return c.Samples[:c.Frames]
	}
	return c.Samples
}

// FileIssue names a file and what was wrong with it.
type FileIssue struct {
	Path   string   `json:"path"`
	Issues []string `json:"issues"`
}

// Report says how a load went.
type Report struct {
	Dir         string `json:"dir"`
	SplitSource string `json:"split_source"` // "lists" or "which_set"
	Files       int    `json:"files"`        // digit-word WAV files found
	Loaded      int    `json:"loaded"`       // clips returned
	// Skipped are the files that gave no clip, with the reasons.
	Skipped []FileIssue `json:"skipped,omitempty"`
	// Odd are the loaded clips that had issues (a copy of their Issues).
	Odd []FileIssue `json:"odd,omitempty"`
	// IssueCounts counts issues by kind over all files.
	IssueCounts map[string]int `json:"issue_counts,omitempty"`
	// OtherDirs are the top-level directories that are not digit words
	// (other Speech Commands words, _background_noise_); they are ignored.
	OtherDirs []string `json:"other_dirs,omitempty"`
	// ListedMissing are digit-word entries of the list files with no file.
	ListedMissing []string `json:"listed_missing,omitempty"`
	// ListDisagrees are the files whose split from the lists differs from
	// the which_set rule (informational; the lists win).
	ListDisagrees []string `json:"list_disagrees,omitempty"`
}

// LoadOptions configure LoadSC09. The zero value loads all ten digit words
// of all splits at 16000 samples with GOMAXPROCS readers.
type LoadOptions struct {
	Words  []string // default Words
	Splits []string // splits to keep (canonical names); default all
	Length int      // clip length; default ClipLength
	// Hop is the distance between the starts of the windows LoadUtterances
	// cuts a long recording into; default Length (no overlap).
	Hop  int
	Jobs int // files read in parallel; default GOMAXPROCS
	// ValidationPercent and TestingPercent drive the which_set rule when
	// the directory has no list files; default 10 and 10.
	ValidationPercent, TestingPercent float64
	// Progress, when set, is called after each file with the number of
	// files done and the total. Calls come from several goroutines, one at
	// a time.
	Progress func(done, total int)
	// Context, when set, stops the load early: LoadSC09 then returns its
	// error.
	Context context.Context
}

// Set is a loaded SC09 directory.
type Set struct {
	Dir    string
	Length int
	Clips  []Clip // sorted by Path
	Report Report
}

// Split returns the clips of one split (canonical name), in Path order.
func (s *Set) Split(name string) []Clip {
	var out []Clip
	for _, c := range s.Clips {
		if c.Split == name {
			out = append(out, c)
		}
	}
	return out
}

// Samples returns the sample slices of clips, as NewBatcher takes them: a
// clip of Weight w appears w times (the same slice, not a copy), so that an
// epoch visits it w times.
func Samples(clips []Clip) [][]int16 {
	out := make([][]int16, 0, len(clips))
	for i := range clips {
		for range max(clips[i].Weight, 1) {
			out = append(out, clips[i].Samples)
		}
	}
	return out
}

// whichSetMax is MAX_NUM_WAVS_PER_CLASS of the Speech Commands README.
const whichSetMax = 1<<27 - 1

// SpeakerOf returns the part of a file name that the dataset hashes: the
// base name with everything from "_nohash_" on removed. ok is false when
// the name has no "_nohash_" (the whole base name is then returned, as the
// README's regular expression leaves it).
func SpeakerOf(name string) (speaker string, ok bool) {
	base := path.Base(filepath.ToSlash(name))
	s, _, ok := strings.Cut(base, "_nohash_")
	return s, ok
}

// WhichSetPercent is the README's percentage_hash of a file name:
// (int(sha1(speaker).hexdigest(), 16) % (2^27)) * (100 / (2^27 - 1)).
func WhichSetPercent(name string) float64 {
	speaker, _ := SpeakerOf(name)
	return speakerPercent(speaker)
}

// speakerPercent is the percentage hash of a speaker id.
func speakerPercent(speaker string) float64 {
	sum := sha1.Sum([]byte(speaker))
	// The digest modulo 2^27 is its lowest 27 bits: the tail, big-endian.
	low := binary.BigEndian.Uint32(sum[len(sum)-4:]) & (1<<27 - 1)
	scale := 100.0 / float64(whichSetMax) // divided in float64, as Python does
	return float64(low) * scale
}

// WhichSet is the Speech Commands README's which_set: the split of a file
// from the SHA-1 of its speaker part, so that all clips of a speaker share a
// split and a split never changes as files are added.
func WhichSet(name string, validationPercent, testingPercent float64) string {
	return splitOfPercent(WhichSetPercent(name), validationPercent, testingPercent)
}

func splitOfPercent(p, validationPercent, testingPercent float64) string {
	switch {
	case p < validationPercent:
		return Validation
	case p < testingPercent+validationPercent:
		return Testing
	}
	return Training
}

// readSplitList reads a Speech Commands list file into a set of slash paths. A
// missing file gives (nil, false, nil).
func readSplitList(file string) (map[string]bool, bool, error) {
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	set := make(map[string]bool)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[path.Clean(filepath.ToSlash(line))] = true
	}
	if err := sc.Err(); err != nil {
		return nil, false, fmt.Errorf("datasets: reading %s: %w", file, err)
	}
	return set, true, nil
}

// LoadSC09 reads the digit words of a Speech Commands directory. It fails
// only when the directory itself cannot be read or holds no digit-word
// files; problems with single files go to the Report. It is PlanSC09, then
// LoadClip on every planned file (opts.Jobs at once), then Plan.Set.
func LoadSC09(dir string, opts LoadOptions) (*Set, error) {
	plan, err := PlanSC09(dir, opts)
	if err != nil {
		return nil, err
	}
	todo := plan.Files
	clips := make([]Clip, len(todo))
	ok := make([]bool, len(todo))
	err = eachFile(opts, len(todo), func(i int) {
		clips[i], ok[i] = loadClip(dir, todo[i].Path, todo[i].Split, plan.Length)
	})
	if err != nil {
		return nil, fmt.Errorf("datasets: loading %s: %w", dir, err)
	}
	return plan.Set(clips, ok), nil
}

// PlanFile is a file that a Plan loads: its slash path under the
// directory and its split.
type PlanFile struct {
	Path  string `json:"path"`
	Split string `json:"split"`
}

// Plan is what LoadSC09 decides before it reads a file: which files to
// load, their splits, and the report so far. A distributed job loads
// Files[i] with LoadClip anywhere and gives the results, in the order of
// Files, to Set.
type Plan struct {
	Dir    string
	Length int
	Files  []PlanFile // sorted by Path
	Report Report     // so far: the listing and splits, no file read yet
}

// PlanSC09 lists the digit-word files of a Speech Commands directory and
// assigns their splits, as LoadSC09 does (opts.Jobs, Progress and Context
// are not used).
func PlanSC09(dir string, opts LoadOptions) (*Plan, error) {
	if opts.Words == nil {
		opts.Words = Words
	}
	if opts.Length == 0 {
		opts.Length = ClipLength
	}
	if opts.Length < 0 {
		return nil, fmt.Errorf("datasets: clip length %d is negative", opts.Length)
	}
	keepSplit, err := opts.splits()
	if err != nil {
		return nil, err
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	rep := Report{Dir: dir, IssueCounts: make(map[string]int)}
	isWord := make(map[string]bool)
	for _, w := range opts.Words {
		isWord[w] = true
	}
	var files []string // slash paths relative to dir
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if !isWord[e.Name()] {
			rep.OtherDirs = append(rep.OtherDirs, e.Name())
			continue
		}
		sub, err := os.ReadDir(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("datasets: %w", err)
		}
		for _, f := range sub {
			if f.Type().IsRegular() && audio.IsAudioFile(f.Name()) {
				files = append(files, e.Name()+"/"+f.Name())
			}
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("datasets: %s has no WAV or FLAC files under %s", dir, strings.Join(opts.Words, ", "))
	}
	slices.Sort(files)
	rep.Files = len(files)

	val, haveVal, err := readSplitList(filepath.Join(dir, "validation_list.txt"))
	if err != nil {
		return nil, err
	}
	test, haveTest, err := readSplitList(filepath.Join(dir, "testing_list.txt"))
	if err != nil {
		return nil, err
	}
	useLists := haveVal || haveTest
	rep.SplitSource = "which_set"
	if useLists {
		rep.SplitSource = "lists"
		have := make(map[string]bool, len(files))
		for _, f := range files {
			have[f] = true
		}
		for _, l := range []map[string]bool{val, test} {
			for p := range l {
				w, _, _ := strings.Cut(p, "/")
				if isWord[w] && !have[p] {
					rep.ListedMissing = append(rep.ListedMissing, p)
				}
			}
		}
		slices.Sort(rep.ListedMissing)
	}

	splitOf := func(p string) string {
		hashed := WhichSet(p, opts.ValidationPercent, opts.TestingPercent)
		if !useLists {
			return hashed
		}
		s := Training
		switch {
		case val[p] && test[p]:
			// Listed twice: a broken list; testing wins so that no test
			// clip is trained on.
			s = Testing
		case val[p]:
			s = Validation
		case test[p]:
			s = Testing
		}
		if s != hashed {
			rep.ListDisagrees = append(rep.ListDisagrees, p)
		}
		return s
	}
	plan := &Plan{Dir: dir, Length: opts.Length}
	for _, f := range files {
		s := splitOf(f)
		if len(keepSplit) > 0 && !keepSplit[s] {
			continue
		}
		plan.Files = append(plan.Files, PlanFile{f, s})
	}
	plan.Report = rep // after splitOf has added its disagreements
	return plan, nil
}

// Set assembles the loaded set from the results of LoadClip on every file
// of the plan, in the order of Files.
func (p *Plan) Set(clips []Clip, ok []bool) *Set {
	if len(clips) != len(p.Files) || len(ok) != len(p.Files) {
		panic(fmt.Sprintf("datasets: Plan.Set: %d clips and %d flags for %d files", len(clips), len(ok), len(p.Files)))
	}
	rep := p.Report
	rep.IssueCounts = make(map[string]int)
	rep.Skipped, rep.Odd = nil, nil
	set := &Set{Dir: p.Dir, Length: p.Length}
	for i, c := range clips {
		for _, is := range c.Issues {
			rep.IssueCounts[IssueKind(is)]++
		}
		if !ok[i] {
			rep.Skipped = append(rep.Skipped, FileIssue{Path: c.Path, Issues: c.Issues})
			continue
		}
		if len(c.Issues) > 0 {
			rep.Odd = append(rep.Odd, FileIssue{Path: c.Path, Issues: slices.Clone(c.Issues)})
		}
		set.Clips = append(set.Clips, c)
	}
	rep.Loaded = len(set.Clips)
	set.Report = rep
	return set
}

// loadClip reads one file. ok is false when the file gives no clip; the
// reasons are in the returned clip's Issues either way.
func loadClip(dir, rel, split string, length int) (c Clip, ok bool) {
	pcm, err := audio.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	return LoadClip(pcm, err, rel, split, length)
}

// LoadClip makes the clip of the file rel (a slash path under the
// directory, word/speaker_nohash_n.wav) of a split from its decoded PCM,
// or from the error reading it gave: converted to 16-bit mono, padded or
// trimmed to length samples, with its issues recorded. ok is false when
// the file gives no clip; the reasons are in the clip's Issues either way.
func LoadClip(pcm *audio.PCM, err error, rel, split string, length int) (c Clip, ok bool) {
	word, _, _ := strings.Cut(rel, "/")
	speaker, named := SpeakerOf(rel)
	c = Clip{Path: rel, Word: word, Speaker: speaker, Split: split}
	if !named {
		c.Issues = append(c.Issues, IssueName+": no _nohash_ in the file name")
	}
	if err != nil {
		c.Issues = append(c.Issues, IssueUnreadable+": "+err.Error())
		return c, false
	}
	c.Rate = pcm.SampleRate
	c.Frames = pcm.Frames()
	if c.Frames == 0 || len(pcm.Data) == 0 {
		c.Issues = append(c.Issues, IssueEmpty+": no samples")
		return c, false
	}
	if pcm.SampleRate != SampleRate {
		c.Issues = append(c.Issues, fmt.Sprintf("%s: %d Hz, not %d Hz", IssueRate, pcm.SampleRate, SampleRate))
		return c, false
	}
	if pcm.BitDepth != 16 {
		c.Issues = append(c.Issues, fmt.Sprintf("%s: %d-bit, converted to 16-bit", IssueDepth, pcm.BitDepth))
	}
	if pcm.Channels != 1 {
		c.Issues = append(c.Issues, fmt.Sprintf("%s: %d channels, averaged to mono", IssueChannels, pcm.Channels))
	}
	switch {
	case c.Frames < length:
		c.Issues = append(c.Issues, fmt.Sprintf("%s: %d samples, zero padded to %d", IssueShort, c.Frames, length))
	case c.Frames > length:
		c.Issues = append(c.Issues, fmt.Sprintf("%s: %d samples, trimmed to %d", IssueLong, c.Frames, length))
	}
	c.Samples = make([]int16, length)
	mono16(c.Samples, pcm, 0)
	return c, true
}

// mono16 fills dst with the samples of p from frame start on (as many as
// both hold), converted to 16 bits and averaged over the channels.
func mono16(dst []int16, p *audio.PCM, start int) {
	n := min(len(dst), p.Frames()-start)
	nch := int64(len(p.Data))
	for i := range n {
		var sum int64
		for _, ch := range p.Data {
			sum += int64(audio.ConvertDepth(ch[start+i], p.BitDepth, 16))
		}
		// Floor division keeps a mono file exact and rounds a downmix
		// toward minus infinity, like ConvertDepth does.
		m := sum / nch
		if sum%nch != 0 && sum < 0 {
			m--
		}
		dst[i] = int16(m)
	}
}

// splits fills in the default split percentages and returns the splits to
// keep (canonical names; empty: all).
func (opts *LoadOptions) splits() (map[string]bool, error) {
	if opts.ValidationPercent == 0 && opts.TestingPercent == 0 {
		opts.ValidationPercent, opts.TestingPercent = 10, 10
	}
	keep := make(map[string]bool)
	for _, s := range opts.Splits {
		c, err := ParseSplit(s)
		if err != nil {
			return nil, err
		}
		keep[c] = true
	}
	return keep, nil
}

// eachFile runs load(i) for i in 0..n-1 on opts.Jobs goroutines
// (GOMAXPROCS by default), reporting each to opts.Progress, and returns
// opts.Context's error if it ends the work early.
func eachFile(opts LoadOptions, n int, load func(i int)) error {
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		done int
	)
	for range min(jobs, n) {
		wg.Go(func() {
			for i := range next {
				if ctx.Err() != nil {
					continue // drain
				}
				load(i)
				if opts.Progress != nil {
					mu.Lock()
					done++
					opts.Progress(done, n)
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return ctx.Err()
}
