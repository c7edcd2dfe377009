package eval

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"sort"

	"github.com/ardm-dev/ardm/ardm"
	"github.com/ardm-dev/ardm/audio"
	"github.com/ardm-dev/ardm/upscale"
)

// UpscaleFills are the fills an upscale report compares, in its order:
// the model's and the baselines (zero: low bits zero; mid: middle of the
// bin; smooth: the mid-bin signal low-passed at 6 kHz, clamped to the bin).
var UpscaleFills = []string{"model", "zero", "mid", "smooth"}

// UpscaleOptions configure RunUpscale.
type UpscaleOptions struct {
	Model    *ardm.Model
	FromBits int
	Upscale  upscale.Options
	// Progress, if set, is called before each file with its index.
	Progress func(i int, path string)
}

// UpscaleClip is one file's result: per fill, the noise energy (at 16
// bits, over all channels) and the SNR in dB.
type UpscaleClip struct {
	Path   string             `json:"path"`
	Signal float64            `json:"signal_energy"`
	Noise  map[string]float64 `json:"noise_energy"`
	SNR    map[string]float64 `json:"snr_db"`
}

// UpscaleReport is the SNR of every fill on a folder: per clip, pooled
// (energies summed over clips) and the per-clip median, with the model's
// wins and losses against the middle of the bin.
type UpscaleReport struct {
	FromBits int                `json:"from_bits"`
	Budget   int                `json:"budget"`
	Fill     string             `json:"fill"`
	Draws    int                `json:"draws"`
	Clips    []UpscaleClip      `json:"clips"`
	Pooled   map[string]float64 `json:"pooled_snr_db"`
	Median   map[string]float64 `json:"median_snr_db"`
	Wins     int                `json:"model_wins_vs_mid"`
	Losses   int                `json:"model_losses_vs_mid"`
}

// RunUpscale reduces every file to o.FromBits, fills the missing bits
// with the model and the baselines, and compares them with the file.
func RunUpscale(ctx context.Context, root string, files []string, o UpscaleOptions) (*UpscaleReport, error) {
	if o.FromBits < 1 || o.FromBits > 15 {
		return nil, fmt.Errorf("eval: upscale from %d bits: want 1..15", o.FromBits)
	}
	r := &UpscaleReport{FromBits: o.FromBits, Budget: o.Upscale.Budget, Fill: o.Upscale.Fill.String(), Draws: max(1, o.Upscale.Draws)}
	for i, path := range files {
		if o.Progress != nil {
			o.Progress(i, path)
		}
		ref, err := audio.ReadFile(path)
		if err != nil {
			return nil, err
		}
		uo := o.Upscale
		uo.ToBits = 16
		out, err := upscale.UpscalePCM(ctx, o.Model, ref, o.FromBits, uo)
		if err != nil {
			return nil, fmt.Errorf("eval: %s: %w", path, err)
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			rel = path
		}
		c := UpscaleClip{Path: rel, Noise: map[string]float64{}, SNR: map[string]float64{}}
		fills := map[string]*audio.PCM{
			"model":  out,
			"zero":   upscale.Baseline(ref, o.FromBits, upscale.ZeroFill),
			"mid":    upscale.Baseline(ref, o.FromBits, upscale.MidFill),
			"smooth": upscale.Baseline(ref, o.FromBits, upscale.SmoothFill),
		}
		for _, name := range UpscaleFills {
			c.Signal, c.Noise[name] = energies(ref, fills[name])
			c.SNR[name] = snrDB(c.Signal, c.Noise[name])
		}
		r.Clips = append(r.Clips, c)
	}
	r.summarize()
	return r, nil
}

// energies returns the energy of ref and of x - ref, at 16 bits.
func energies(ref, x *audio.PCM) (sig, noise float64) {
	for c := range ref.Data {
		for i, v := range ref.Data[c] {
			rv := float64(audio.ConvertDepth(v, ref.BitDepth, 16))
			d := float64(audio.ConvertDepth(x.Data[c][i], x.BitDepth, 16)) - rv
			sig += rv * rv
			noise += d * d
		}
	}
	return sig, noise
}

// snrDB is 10 log10(sig/noise), capped at 200 dB for an exact fill (JSON
// has no infinity).
func snrDB(sig, noise float64) float64 {
	if noise <= 0 {
		return 200
	}
	return min(200, 10*math.Log10(sig/noise))
}

func (r *UpscaleReport) summarize() {
	r.Pooled, r.Median = map[string]float64{}, map[string]float64{}
	r.Wins, r.Losses = 0, 0
	for _, name := range UpscaleFills {
		var sig, noise float64
		snrs := make([]float64, 0, len(r.Clips))
		for _, c := range r.Clips {
			sig += c.Signal
			noise += c.Noise[name]
			snrs = append(snrs, c.SNR[name])
		}
		r.Pooled[name] = snrDB(sig, noise)
		sort.Float64s(snrs)
		if n := len(snrs); n > 0 {
			r.Median[name] = (snrs[(n-1)/2] + snrs[n/2]) / 2
		}
	}
	for _, c := range r.Clips {
		switch {
		case c.Noise["model"] < c.Noise["mid"]:
			r.Wins++
		case c.Noise["model"] > c.Noise["mid"]:
			r.Losses++
		}
	}
}
