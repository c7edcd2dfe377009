// Package upscale turns coarse (low bit depth) audio into 16-bit audio
// with an Upscale ARDM, and measures what the missing bits cost under the
// model.
//
// Conventions: samples are unsigned 16-bit values x in 0..65535 (signed
// PCM plus 32768, see package audio); "fromBits" is the number of top bits
// of every x that are known. The model generates the remaining stages
// (base-b digits, coarse to fine) under a budget of network calls; when
// fromBits is not a multiple of log2 b, the stage that straddles the
// boundary keeps the known bits and samples only among the digits
// consistent with them. The known top bits of the output always equal
// those of the input.
//
// Options.Fill chooses the output: Expect (the default) is the model's
// expected value of every sample given the known bits, the
// minimum-squared-error estimate: along a seeded walk every generated
// digit is counted with its mean under the model (at its place value),
// and Options.Draws walks are averaged. Sample is one walk's drawn values
// and Mode the rounded mean digit stage by stage. UpscalePCM writes 16
// bits (the estimate rounded and kept in its bin) or, with ToBits 24, the
// estimate with 8 fraction bits. Baseline gives the fills the model is
// measured against: zero, the middle of the bin, and the mid-bin signal
// smoothed at 6 kHz and clamped to its bin.
//
// A channel is processed in frames of the model's FrameLen; the last frame
// is shorter (the network is conditioned on the revealed fraction t/n and
// trained on random crops, so any length is in its domain). Frame f of
// channel c draws its permutations and samples from a seed derived from
// (Options.Seed, c, f), so results are reproducible and independent of
// how frames are scheduled.
package upscale
