package datasets

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/ardm-dev/ardm/audio"
)

// SynthOptions configures Synthesize.
type SynthOptions struct {
	Out      string   // output directory (created if missing)
	Speakers int      // number of synthetic speakers (> 0)
	Seed     uint64   // every random choice derives from it
	Jobs     int      // speakers rendered in parallel; 0 means GOMAXPROCS
	Words    []string // words each speaker says; nil means Words
	Takes    int      // clips per speaker and word; 0 means 1
	Espeak   string   // espeak-ng executable; "" looks it up in PATH
	// Voices speakers are drawn from; nil means SynthVoices(Espeak).
	Voices []SynthVoice
	// Force allows writing into a non-empty directory (files of the same
	// names are replaced; others are left alone).
	Force bool
}

// Ranges synthetic speakers and clips are drawn from (uniformly unless
// noted). Levels are dBFS: 0 dBFS is a full-scale peak (|x| = 32768);
// noise levels are RMS.
const (
	synthWPMMin, synthWPMMax     = 110, 210 // espeak-ng -s, per speaker
	synthWPMJitter               = 0.12     // relative, per clip
	synthPitchMin, synthPitchMax = 15, 85   // espeak-ng -p, per speaker
	synthPitchJitter             = 8        // absolute, per clip
	synthMbrolaShare             = 0.3      // share of speakers on MBROLA voices, when installed

	synthPeakMin, synthPeakMax = -23.0, -5.0 // speaker base peak level
	synthPeakJitter            = 2.0         // per clip, dB either way

	synthWhiteMin, synthWhiteMax         = -90.0, -58.0 // white noise floor, per speaker
	synthNoiseJitter                     = 2.0          // per clip, dB either way
	synthColourAboveMax                  = 24.0         // coloured noise: 0..24 dB above the white floor
	synthColourHzMin                     = 80.0
	synthColourHzMax                     = 1200.0
	synthHumShare                        = 0.3 // share of speakers with mains hum
	synthHumMin, synthHumMax             = -84.0, -56.0
	synthHumHarmonics                    = 7
	synthAmbientShare                    = 0.3 // share of speakers with broadband background noise
	synthAmbientMin, synthAmbientMax     = -68.0, -46.0
	synthAmbientHzMin, synthAmbientHzMax = 300.0, 4000.0
	synthRoomShare                       = 0.7         // share of speakers recorded with audible room reflections
	synthRT60Min, synthRT60Max           = 0.1, 0.6    // seconds
	synthWetMin, synthWetMax             = -22.0, -8.0 // reflections relative to the direct sound, dB
	synthDCMax                           = 8.0         // |DC| in LSB for most speakers
	synthDCBigShare                      = 0.1         // share of speakers with a larger DC offset
	synthDCBigMax                        = 60.0        // |DC| in LSB for those

	synthHPMin, synthHPMax         = 40.0, 250.0    // high-pass corner, Hz
	synthLPShare                   = 0.7            // share of speakers with a low-pass
	synthLPMin, synthLPMax         = 3400.0, 7600.0 // low-pass corner, Hz
	synthTiltHzMin, synthTiltHzMax = 800.0, 4000.0
	synthTiltDBMin, synthTiltDBMax = -9.0, 4.0

	synthTrimDB     = -50.0 // silence threshold relative to the word's peak
	synthMarginSec  = 0.010 // kept around the word
	synthFadeSec    = 0.004
	synthMaxWordSec = 0.97 // longer words are re-spoken faster, then cut
	synthSplitShare = 0.1  // share of speakers in validation and in testing
)

// synthPunct are the endings a word is spoken with (they change espeak-ng's
// intonation), with their weights.
var synthPunct = []struct {
	s string
	w float64
}{{".", 0.5}, {"!", 0.2}, {",", 0.2}, {"?", 0.1}}

// speakerPlan is everything drawn once per synthetic speaker.
type speakerPlan struct {
	index   int
	id      string
	split   string
	voice   SynthVoice
	wpm     float64
	pitch   float64
	peak    float64 // base peak level, dBFS
	hp, lp  float64 // filter corners, Hz; lp 0 means none
	tiltHz  float64
	tiltDB  float64
	white   float64 // dBFS RMS
	colour  float64 // dBFS RMS; -inf means none
	colHz   float64
	ambient float64 // dBFS RMS; -inf means none
	ambHz   float64
	rt60    float64 // 0 means no room
	wet     float64 // dB
	humHz   float64 // 0 means no hum
	hum     float64 // dBFS peak of the fundamental
	humRel  []float64
	dc      float64 // LSB
}

// clipRow is one line of MANIFEST.tsv.
type clipRow struct {
	file, speaker, split, voice, engine, variant string
	text                                         string
	wpm, pitch                                   int
	peak                                         float64
	hp, lp, tiltHz, tiltDB                       float64
	white, colour, colHz                         float64
	ambient, ambHz, rt60, wet                    float64
	humHz, hum, dc                               float64
	offset, length                               int
	clipped                                      int
}

// Stream domains of the PCG generators: each random choice has its own
// stream, so no choice depends on how many were made before it.
const (
	streamSpeaker = 1 + iota
	streamSplit
	streamClip
	streamNoise
	streamRoom
	streamID
)

// newStream returns a PCG generator for the seed and a stream named by
// domain and up to three indices.
func newStream(seed uint64, domain uint64, a, b, c int) *rand.Rand {
	h := splitmix(domain)
	for _, v := range []int{a, b, c} {
		h = splitmix(h ^ uint64(v))
	}
	return rand.New(rand.NewPCG(seed, h))
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// Synthesize writes an SC09-style data set of synthetic speech to
// opts.Out in the Speech Commands layout: <word>/<speaker>_nohash_<n>.wav
// (16 kHz mono 16-bit, exactly 16000 samples), validation_list.txt and
// testing_list.txt with speaker-disjoint splits of about 10% of the
// speakers each, and MANIFEST.tsv describing how each clip was made.
//
// Each speaker gets an espeak-ng voice and variant (or an MBROLA voice when
// installed), a speed and pitch with per-word jitter, a gentle channel
// filter (high-pass, optional low-pass, spectral tilt), a peak level
// between about -26 and -4 dBFS, and a noise floor: white noise, low-
// frequency coloured noise, sometimes mains hum with harmonics, and a DC
// offset. The word is trimmed of silence and placed at a random offset.
// The output is a function of the options (other than Jobs) and of the
// installed espeak-ng and voices: speakers are rendered in parallel, but
// every random choice comes from its own seeded stream.
//
// progress, if not nil, is called from one goroutine after each clip with
// the clips done and the total.
func Synthesize(ctx context.Context, opts SynthOptions, progress func(done, total int)) error {
	if opts.Out == "" {
		return errors.New("datasets: synthesize: no output directory")
	}
	job, err := PlanSynth(ctx, opts)
	if err != nil {
		return err
	}
	if err := prepareOut(opts.Out, opts.Force); err != nil {
		return err
	}
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	plans, words, takes := job.plans(), job.Words, job.Takes
	for _, w := range words {
		if err := os.MkdirAll(filepath.Join(opts.Out, w), 0o755); err != nil {
			return fmt.Errorf("datasets: synthesize: %w", err)
		}
	}
	write := func(rel string, pcm *audio.PCM) error {
		return audio.WriteFile(filepath.Join(opts.Out, filepath.FromSlash(rel)), pcm)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		row clipRow
		err error
	}
	work := make(chan int)
	results := make(chan result)
	var wg sync.WaitGroup
	for range min(jobs, len(plans)) {
		wg.Go(func() {
			r := &renderer{exe: job.exe, resamplers: map[int]*Resampler{}}
			for si := range work {
				p := &plans[si]
				for wi, w := range words {
					for take := range takes {
						row, err := r.clip(ctx, job.Seed, write, p, wi, w, take)
						select {
						case results <- result{row, err}:
						case <-ctx.Done():
							return
						}
						if err != nil {
							return
						}
					}
				}
			}
		})
	}
	go func() {
		defer close(work)
		for i := range plans {
			select {
			case work <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()

	total := len(plans) * len(words) * takes
	rows := make([]clipRow, 0, total)
	var firstErr error
	for res := range results {
		if res.err != nil {
			if firstErr == nil {
				firstErr = res.err
				cancel()
			}
			continue
		}
		rows = append(rows, res.row)
		if progress != nil {
			progress(len(rows), total)
		}
	}
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(rows) != total {
		return fmt.Errorf("datasets: synthesize: %d of %d clips made", len(rows), total)
	}
	slices.SortFunc(rows, func(a, b clipRow) int { return strings.Compare(a.file, b.file) })
	return writeSynthIndex(opts.Out, rows)
}

// SynthJob is a synthesis with its options checked and its voices found:
// what Synthesize does before it renders a clip. A job that spreads the
// speakers over machines renders each with RenderSpeaker and writes the
// index with SynthIndexFiles; the files are those Synthesize writes.
// Every field is exported so that a job can be shipped to its workers.
type SynthJob struct {
	Speakers int
	Seed     uint64
	Words    []string
	Takes    int
	Espeak   string       // as given; each worker looks it up in its PATH
	Voices   []SynthVoice // the voices speakers are drawn from
	exe      string
	cache    []speakerPlan // the plans, drawn at the first RenderSpeaker
}

// PlanSynth checks opts (Out, Jobs and Force are not used) and lists the
// voices when opts.Voices is nil.
func PlanSynth(ctx context.Context, opts SynthOptions) (*SynthJob, error) {
	if opts.Speakers <= 0 {
		return nil, fmt.Errorf("datasets: synthesize: %d speakers, want at least 1", opts.Speakers)
	}
	words := opts.Words
	if words == nil {
		words = Words
	}
	if len(words) == 0 {
		return nil, errors.New("datasets: synthesize: no words")
	}
	seen := map[string]bool{}
	for _, w := range words {
		if w == "" || strings.ContainsAny(w, `/\ `) || w == "." || w == ".." || strings.HasPrefix(w, "_") {
			return nil, fmt.Errorf("datasets: synthesize: word %q cannot be a directory name", w)
		}
		if seen[w] {
			return nil, fmt.Errorf("datasets: synthesize: word %q given twice", w)
		}
		seen[w] = true
	}
	takes := max(opts.Takes, 1)
	exe, err := findEspeak(opts.Espeak)
	if err != nil {
		return nil, err
	}
	voices := opts.Voices
	if voices == nil {
		if voices, err = SynthVoices(ctx, exe); err != nil {
			return nil, err
		}
	}
	if !slices.ContainsFunc(voices, func(v SynthVoice) bool { return v.Engine != "mbrola" }) {
		return nil, errors.New("datasets: synthesize: no espeak-ng (non-MBROLA) voice given")
	}
	return &SynthJob{Speakers: opts.Speakers, Seed: opts.Seed, Words: words, Takes: takes, Espeak: opts.Espeak, Voices: voices, exe: exe}, nil
}

// plans draws every speaker's plan.
func (j *SynthJob) plans() []speakerPlan { return planSpeakers(j.Seed, j.Speakers, j.Voices) }

// SynthClip is one clip a SynthJob made: its slash path in the output
// (word/speaker_nohash_n.wav), its split and its MANIFEST.tsv line.
type SynthClip struct {
	File  string `json:"file"`
	Split string `json:"split"`
	Line  string `json:"line"`
}

// RenderSpeaker renders every word and take of speaker i (0 <= i <
// Speakers) and hands each clip's slash path and WAV bytes to write, in
// the order Synthesize renders them. The job may be a copy shipped to
// another machine: espeak-ng is looked up there. Not for concurrent use
// (each worker of a job has its own copy).
func (j *SynthJob) RenderSpeaker(ctx context.Context, i int, write func(rel string, wav []byte) error) ([]SynthClip, error) {
	if j.exe == "" {
		exe, err := findEspeak(j.Espeak)
		if err != nil {
			return nil, err
		}
		j.exe = exe
	}
	if i < 0 || i >= j.Speakers {
		panic(fmt.Sprintf("datasets: RenderSpeaker: speaker %d of %d", i, j.Speakers))
	}
	if j.cache == nil {
		j.cache = j.plans()
	}
	p := j.cache[i]
	r := &renderer{exe: j.exe, resamplers: map[int]*Resampler{}}
	emit := func(rel string, pcm *audio.PCM) error {
		b, err := audio.Encode(pcm)
		if err != nil {
			return err
		}
		return write(rel, b)
	}
	var out []SynthClip
	for wi, w := range j.Words {
		for take := range j.Takes {
			row, err := r.clip(ctx, j.Seed, emit, &p, wi, w, take)
			if err != nil {
				return nil, err
			}
			out = append(out, SynthClip{File: row.file, Split: row.split, Line: row.line()})
		}
	}
	return out, nil
}

// prepareOut creates dir, refusing a non-empty one unless force.
func prepareOut(dir string, force bool) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("datasets: synthesize: %w", err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("datasets: synthesize: %w", err)
	case len(entries) > 0 && !force:
		return fmt.Errorf("datasets: synthesize: output directory %s is not empty (Force, or --force, writes into it)", dir)
	}
	return nil
}

// planSpeakers draws every speaker's voice, prosody, channel and noise,
// and the speaker-disjoint splits. Speaker i's draws depend only on the
// seed, i and the voice list.
func planSpeakers(seed uint64, n int, voices []SynthVoice) []speakerPlan {
	var espeak, mbrola []SynthVoice
	for _, v := range voices {
		if v.Engine == "mbrola" {
			mbrola = append(mbrola, v)
		} else {
			espeak = append(espeak, v)
		}
	}
	plans := make([]speakerPlan, n)
	for i := range plans {
		r := newStream(seed, streamSpeaker, i, 0, 0)
		p := speakerPlan{index: i}
		if len(mbrola) > 0 && r.Float64() < synthMbrolaShare {
			p.voice = mbrola[r.IntN(len(mbrola))]
		} else {
			p.voice = espeak[r.IntN(len(espeak))]
		}
		p.wpm = uniform(r, synthWPMMin, synthWPMMax)
		p.pitch = uniform(r, synthPitchMin, synthPitchMax)
		p.peak = uniform(r, synthPeakMin, synthPeakMax)
		// Log-uniform corners: as many speakers per octave.
		p.hp = math.Exp(uniform(r, math.Log(synthHPMin), math.Log(synthHPMax)))
		if r.Float64() < synthLPShare {
			p.lp = math.Exp(uniform(r, math.Log(synthLPMin), math.Log(synthLPMax)))
		}
		p.tiltHz = math.Exp(uniform(r, math.Log(synthTiltHzMin), math.Log(synthTiltHzMax)))
		p.tiltDB = uniform(r, synthTiltDBMin, synthTiltDBMax)
		p.white = uniform(r, synthWhiteMin, synthWhiteMax)
		p.colour = p.white + uniform(r, 0, synthColourAboveMax)
		p.colHz = math.Exp(uniform(r, math.Log(synthColourHzMin), math.Log(synthColourHzMax)))
		p.ambient = math.Inf(-1)
		if r.Float64() < synthAmbientShare {
			p.ambient = uniform(r, synthAmbientMin, synthAmbientMax)
			p.ambHz = math.Exp(uniform(r, math.Log(synthAmbientHzMin), math.Log(synthAmbientHzMax)))
		}
		if r.Float64() < synthRoomShare {
			p.rt60 = uniform(r, synthRT60Min, synthRT60Max)
			p.wet = uniform(r, synthWetMin, synthWetMax)
		}
		if r.Float64() < synthHumShare {
			p.humHz = 50
			if r.IntN(2) == 1 {
				p.humHz = 60
			}
			p.hum = uniform(r, synthHumMin, synthHumMax)
			p.humRel = make([]float64, synthHumHarmonics)
			p.humRel[0] = 1
			for h := 1; h < synthHumHarmonics; h++ {
				// Odd harmonics dominate in rectified or saturated hum.
				lo, hi := -40.0, -12.0
				if h%2 == 0 {
					lo, hi = -30.0, -3.0
				}
				p.humRel[h] = fromDBFS(uniform(r, lo, hi))
			}
		}
		dcMax := synthDCMax
		if r.Float64() < synthDCBigShare {
			dcMax = synthDCBigMax
		}
		p.dc = uniform(r, -dcMax, dcMax)
		plans[i] = p
	}
	// Speaker-disjoint splits: a seeded shuffle of the speakers, the first
	// tenth validation, the next tenth testing (at least one each from
	// three speakers up). Speaker ids are then drawn until the dataset's
	// which_set rule gives the same split, so the lists and the rule agree.
	r := newStream(seed, streamSplit, n, 0, 0)
	order := r.Perm(n)
	nv := int(math.Round(synthSplitShare * float64(n)))
	if n >= 3 {
		nv = max(nv, 1)
	}
	for k, i := range order {
		switch {
		case k < nv:
			plans[i].split = Validation
		case k < 2*nv:
			plans[i].split = Testing
		default:
			plans[i].split = Training
		}
	}
	ids := map[string]bool{}
	for i := range plans {
		r := newStream(seed, streamID, i, 0, 0)
		for {
			id := fmt.Sprintf("%08x", r.Uint32())
			if !ids[id] && WhichSet(id+"_nohash_0.wav", 100*synthSplitShare, 100*synthSplitShare) == plans[i].split {
				ids[id] = true
				plans[i].id = id
				break
			}
		}
	}
	return plans
}

// renderer makes clips; one per worker goroutine.
type renderer struct {
	exe        string
	resamplers map[int]*Resampler
}

func (rd *renderer) resampler(rate int) (*Resampler, error) {
	if r, ok := rd.resamplers[rate]; ok {
		return r, nil
	}
	r, err := NewResampler(rate, SampleRate)
	if err != nil {
		return nil, err
	}
	rd.resamplers[rate] = r
	return r, nil
}

// clip synthesises, shapes and writes (with write) take number take of word wi by p.
func (rd *renderer) clip(ctx context.Context, seed uint64, write func(rel string, pcm *audio.PCM) error, p *speakerPlan, wi int, word string, take int) (clipRow, error) {
	r := newStream(seed, streamClip, p.index, wi, take)
	wpm := int(math.Round(p.wpm * (1 + uniform(r, -synthWPMJitter, synthWPMJitter))))
	pitch := int(math.Round(p.pitch + uniform(r, -synthPitchJitter, synthPitchJitter)))
	pitch = min(max(pitch, 0), 99)
	u, punct := r.Float64(), synthPunct[len(synthPunct)-1].s
	for _, e := range synthPunct {
		if u < e.w {
			punct = e.s
			break
		}
		u -= e.w
	}
	text := word + punct
	peak := p.peak + uniform(r, -synthPeakJitter, synthPeakJitter)
	noiseJit := uniform(r, -synthNoiseJitter, synthNoiseJitter)
	offsetU := r.Float64()

	// Speak the word; re-speak faster if it does not fit.
	maxLen := int(synthMaxWordSec * SampleRate)
	var word16 []float64
	for try := 0; ; try++ {
		x, rate, err := runEspeak(ctx, rd.exe, p.voice.Name, wpm, pitch, text)
		if err != nil {
			return clipRow{}, err
		}
		rs, err := rd.resampler(rate)
		if err != nil {
			return clipRow{}, err
		}
		word16 = trimSilence(rs.Resample(x), synthTrimDB, int(synthMarginSec*SampleRate), int(synthFadeSec*SampleRate))
		if len(word16) == 0 {
			return clipRow{}, fmt.Errorf("datasets: espeak-ng -v %s %q produced silence", p.voice.Name, text)
		}
		if len(word16) <= maxLen {
			break
		}
		if try == 2 {
			word16 = word16[:maxLen]
			fadeEdges(word16, int(synthFadeSec*SampleRate))
			break
		}
		wpm = int(math.Ceil(float64(wpm) * float64(len(word16)) / float64(maxLen) * 1.05))
	}

	// Place it in one second and pass it through the speaker's channel.
	x := make([]float64, ClipLength)
	offset := int(offsetU * float64(ClipLength-len(word16)+1))
	copy(x[offset:], word16)
	if p.rt60 > 0 {
		// The same room for every clip of the speaker.
		x = newRoom(newStream(seed, streamRoom, p.index, 0, 0), SampleRate, p.rt60, p.wet).apply(x)
	}
	highPass(SampleRate, p.hp, 1/math.Sqrt2).apply(x)
	if p.lp > 0 {
		lowPass(SampleRate, p.lp, 1/math.Sqrt2).apply(x)
	}
	highShelf(SampleRate, p.tiltHz, p.tiltDB).apply(x)
	g := fromDBFS(peak) / peakAbs(x)
	for i := range x {
		x[i] *= g
	}

	// Noise floor: its own stream, so the speech draws above stay put if
	// the noise model changes.
	nr := newStream(seed, streamNoise, p.index, wi, take)
	white := p.white + noiseJit
	colour := p.colour + noiseJit
	addWhiteNoise(x, nr, fromDBFS(white))
	addColouredNoise(x, nr, fromDBFS(colour), p.colHz, SampleRate)
	ambient := math.Inf(-1)
	if !math.IsInf(p.ambient, -1) {
		ambient = p.ambient + noiseJit
		addAmbientNoise(x, nr, fromDBFS(ambient), p.ambHz, SampleRate)
	}
	hum := math.Inf(-1)
	if p.humHz > 0 {
		hum = p.hum + noiseJit
		amps := make([]float64, len(p.humRel))
		phases := make([]float64, len(p.humRel))
		for h := range amps {
			amps[h] = fromDBFS(hum) * p.humRel[h]
			phases[h] = 2 * math.Pi * nr.Float64()
		}
		addHum(x, p.humHz, SampleRate, amps, phases)
	}
	dc := p.dc / 32768
	for i := range x {
		x[i] += dc
	}
	samples, clipped := quantize16(x)

	rel := word + "/" + p.id + "_nohash_" + fmt.Sprint(take) + ".wav"
	pcm := &audio.PCM{Format: audio.Format{SampleRate: SampleRate, BitDepth: 16, Channels: 1}, Data: [][]int32{samples}}
	if err := write(rel, pcm); err != nil {
		return clipRow{}, fmt.Errorf("datasets: synthesize: %w", err)
	}
	return clipRow{
		file: rel, speaker: p.id, split: p.split,
		voice: p.voice.Name, engine: p.voice.Engine, variant: p.voice.Variant, text: text,
		wpm: wpm, pitch: pitch, peak: peak,
		hp: p.hp, lp: p.lp, tiltHz: p.tiltHz, tiltDB: p.tiltDB,
		white: white, colour: colour, colHz: p.colHz,
		ambient: ambient, ambHz: p.ambHz, rt60: p.rt60, wet: p.wet,
		humHz: p.humHz, hum: hum, dc: p.dc,
		offset: offset, length: len(word16), clipped: clipped,
	}, nil
}

// synthManifestHeader names the columns of MANIFEST.tsv.
var synthManifestHeader = []string{
	"file", "speaker", "split", "voice", "engine", "variant", "text", "wpm", "pitch",
	"peak_dbfs", "highpass_hz", "lowpass_hz", "tilt_hz", "tilt_db",
	"white_dbfs", "colour_dbfs", "colour_hz", "ambient_dbfs", "ambient_hz",
	"rt60_s", "wet_db", "hum_hz", "hum_dbfs", "dc_lsb",
	"offset", "word_samples", "clipped",
}

// writeSynthIndex writes MANIFEST.tsv and the split lists.
func writeSynthIndex(dir string, rows []clipRow) error {
	clips := make([]SynthClip, len(rows))
	for i, r := range rows {
		clips[i] = SynthClip{File: r.file, Split: r.split, Line: r.line()}
	}
	for name, b := range SynthIndexFiles(clips) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return fmt.Errorf("datasets: synthesize: %w", err)
		}
	}
	return nil
}

// SynthIndexFiles returns the contents of MANIFEST.tsv and the split lists
// for the clips of a synthesis, by file name; clips must be sorted by File.
func SynthIndexFiles(clips []SynthClip) map[string][]byte {
	var man, val, test strings.Builder
	man.WriteString(strings.Join(synthManifestHeader, "\t") + "\n")
	for _, c := range clips {
		man.WriteString(c.Line)
		switch c.Split {
		case Validation:
			val.WriteString(c.File + "\n")
		case Testing:
			test.WriteString(c.File + "\n")
		}
	}
	return map[string][]byte{"MANIFEST.tsv": []byte(man.String()), "validation_list.txt": []byte(val.String()), "testing_list.txt": []byte(test.String())}
}

// line is the row's line of MANIFEST.tsv, newline included.
func (r *clipRow) line() string {
	f2 := func(v float64) string {
		if math.IsInf(v, -1) {
			return "-"
		}
		return fmt.Sprintf("%.2f", v)
	}
	lp := "-"
	if r.lp > 0 {
		lp = f2(r.lp)
	}
	ambHz, rt60, wet := "-", "-", "-"
	if !math.IsInf(r.ambient, -1) {
		ambHz = f2(r.ambHz)
	}
	if r.rt60 > 0 {
		rt60, wet = f2(r.rt60), f2(r.wet)
	}
	humHz := "-"
	if r.humHz > 0 {
		humHz = f2(r.humHz)
	}
	variant := r.variant
	if variant == "" {
		variant = "-"
	}
	return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\n",
		r.file, r.speaker, r.split, r.voice, r.engine, variant, r.text, r.wpm, r.pitch,
		f2(r.peak), f2(r.hp), lp, f2(r.tiltHz), f2(r.tiltDB),
		f2(r.white), f2(r.colour), f2(r.colHz), f2(r.ambient), ambHz, rt60, wet, humHz, f2(r.hum), f2(r.dc),
		r.offset, r.length, r.clipped)
}
