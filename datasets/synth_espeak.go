package datasets

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/ardm-dev/ardm/audio"
)

// ErrEspeakNotFound is returned by Synthesize and SynthVoices when the
// espeak-ng executable cannot be found.
var ErrEspeakNotFound = errors.New("datasets: espeak-ng not found; apt-get install espeak-ng")

// SynthVoice is one voice synthetic speakers are drawn from.
type SynthVoice struct {
	// Name is the espeak-ng -v argument: "<language>+<variant>" for the
	// formant synthesiser, "mb-<db>" for an MBROLA voice.
	Name    string
	Engine  string // "espeak" or "mbrola"
	Lang    string // espeak-ng language, or the MBROLA voice name
	Variant string // espeak-ng variant; "" for MBROLA voices
}

// Language voices and variants synthetic speakers may use, when the
// installed espeak-ng has them. Novelty voices (robots, whisper, croak,
// "Demonic") are left out: they sound like no SC09 speaker.
var (
	synthLangs = []string{
		"en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan",
		"en-gb-x-gbcwmd", "en-029", "en-us-nyc",
	}
	synthVariants = []string{
		"m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8",
		"f1", "f2", "f3", "f4", "f5",
		"klatt", "klatt2", "klatt3", "klatt4", "klatt5", "klatt6",
		"adam", "Alex", "Alicia", "Andrea", "Andy", "Annie", "aunty",
		"belinda", "benjamin", "boris", "caleb", "david", "Denis", "ed",
		"edward", "edward2", "Gene", "Gene2", "grandma", "grandpa",
		"gustave", "iven", "iven2", "iven3", "iven4", "john", "linda",
		"Marco", "max", "Michael", "michel", "Mike", "norbert", "paul",
		"quincy", "rob", "robert", "shelby", "steph", "steph2", "steph3",
		"travis", "victor", "zac", "anika",
	}
	// MBROLA voices that speak English: native ones and English spoken
	// with another language's diphones (accented speakers).
	synthMbrola = []string{
		"mb-us1", "mb-us2", "mb-us3", "mb-en1",
		"mb-af1-en", "mb-de1-en", "mb-de2-en", "mb-de3-en", "mb-de4-en",
		"mb-de5-en", "mb-de6-en", "mb-fr1-en", "mb-fr4-en", "mb-gr2-en",
		"mb-hu1-en", "mb-nl2-en", "mb-pl1-en", "mb-ro1-en", "mb-sw1-en",
		"mb-sw2-en",
	}
)

// findEspeak returns the espeak-ng executable: path if set, otherwise the
// one in PATH.
func findEspeak(path string) (string, error) {
	if path == "" {
		path = "espeak-ng"
	}
	p, err := exec.LookPath(path)
	if err != nil {
		return "", ErrEspeakNotFound
	}
	return p, nil
}

// SynthVoices lists the voices Synthesize draws speakers from with the
// espeak-ng at path ("" looks it up in PATH): every combination of the
// installed English language voices and the chosen variants, then the
// MBROLA voices that actually synthesise (MBROLA and its voice database
// installed). The order is fixed, so the same installation gives the same
// speakers for a seed.
func SynthVoices(ctx context.Context, path string) ([]SynthVoice, error) {
	exe, err := findEspeak(path)
	if err != nil {
		return nil, err
	}
	enOut, err := exec.CommandContext(ctx, exe, "--voices=en").Output()
	if err != nil {
		return nil, fmt.Errorf("datasets: %s --voices=en: %w", exe, err)
	}
	varOut, err := exec.CommandContext(ctx, exe, "--voices=variant").Output()
	if err != nil {
		return nil, fmt.Errorf("datasets: %s --voices=variant: %w", exe, err)
	}
	langs := map[string]bool{}
	mbFiles := map[string]bool{}
	for _, f := range voiceTable(enOut) {
		langs[f[1]] = true
		if strings.HasPrefix(f[4], "mb/") {
			mbFiles[strings.TrimPrefix(f[4], "mb/")] = true
		}
	}
	variants := map[string]bool{}
	for _, f := range voiceTable(varOut) {
		if v, ok := strings.CutPrefix(f[4], "!v/"); ok {
			variants[v] = true
		}
	}
	var voices []SynthVoice
	for _, l := range synthLangs {
		if !langs[l] {
			continue
		}
		for _, v := range synthVariants {
			if variants[v] {
				voices = append(voices, SynthVoice{Name: l + "+" + v, Engine: "espeak", Lang: l, Variant: v})
			}
		}
	}
	if len(voices) == 0 {
		return nil, fmt.Errorf("datasets: %s has no English voice among %s", exe, strings.Join(synthLangs, ", "))
	}
	if _, err := exec.LookPath("mbrola"); err == nil {
		for _, m := range synthMbrola {
			if !mbFiles[m] {
				continue
			}
			// A voice is usable only if its diphone database is
			// installed; espeak-ng then produces samples.
			pcm, _, err := runEspeak(ctx, exe, m, 150, 50, "one")
			if err == nil && len(pcm) > 0 {
				voices = append(voices, SynthVoice{Name: m, Engine: "mbrola", Lang: m})
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return voices, nil
}

// voiceTable splits the rows of espeak-ng --voices output into fields
// (priority, language, age/gender, name, file, ...), skipping the header.
func voiceTable(out []byte) [][]string {
	var rows [][]string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 5 || f[0] == "Pty" {
			continue
		}
		if _, err := strconv.Atoi(f[0]); err != nil {
			continue
		}
		rows = append(rows, f)
	}
	return rows
}

// runEspeak synthesises text and returns its samples (scaled to -1..1)
// and sample rate.
func runEspeak(ctx context.Context, exe, voice string, wpm, pitch int, text string) ([]float64, int, error) {
	cmd := exec.CommandContext(ctx, exe, "-v", voice, "-s", strconv.Itoa(wpm), "-p", strconv.Itoa(pitch), "--stdout", "--", text)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		return nil, 0, fmt.Errorf("datasets: espeak-ng -v %s %q: %w: %s", voice, text, err, strings.TrimSpace(stderr.String()))
	}
	x, rate, err := parseEspeakWAV(out)
	if err != nil {
		return nil, 0, fmt.Errorf("datasets: espeak-ng -v %s %q: %w", voice, text, err)
	}
	return x, rate, nil
}

// parseEspeakWAV reads the 16-bit mono PCM WAV espeak-ng writes to stdout.
// Streamed output does not know its length, so the RIFF and data sizes are
// placeholders: the data chunk runs to the end of the bytes
// (audio.ReadLenient).
func parseEspeakWAV(b []byte) ([]float64, int, error) {
	p, err := audio.ReadLenient(bytes.NewReader(b), "espeak-ng output")
	if err != nil {
		return nil, 0, err
	}
	if p.Channels != 1 || p.BitDepth != 16 {
		return nil, 0, fmt.Errorf("unexpected format: %d channels, %d bits, %d Hz (want 16-bit mono PCM)", p.Channels, p.BitDepth, p.SampleRate)
	}
	x := make([]float64, p.Frames())
	for k, v := range p.Data[0] {
		x[k] = float64(v) / 32768
	}
	return x, p.SampleRate, nil
}
