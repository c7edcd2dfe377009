// Package eval measures Upscale ARDMs on a set of audio files: the
// likelihood bound in bits per dimension (bpd = bits per sample per
// channel), per stage and in total, with its Monte Carlo standard error;
// the bound under each budget's policy; the bits actually written by the
// coder with the model; the bits the coder writes with its classic coders
// alone (no model: "ardm classic (no model)", measured whenever coding is
// on, with or without a model); and, in the same run, the sizes the
// classic lossless codecs reach on the same files (flac -8, wavpack
// -hhx6, when installed). Every coding is decoded again and compared
// sample for sample. It writes the results as JSON, as a Markdown report
// and as PNG plots.
//
// # Conventions
//
// Bits per sample always count whole files, headers included: a file's
// figure is its size in bits divided by frames*channels. Aggregates are
// pooled (total bits over total samples), which is how the reference
// figures of DESIGN.md are computed; the mean of the per-file figures is
// reported next to them.
//
// Every random choice (the draws of t and sigma in the bound estimator, the
// coding order of the policy bound) comes from an explicit seed; the same
// inputs and seed give the same report, timings aside.
//
// Standard errors are Monte Carlo errors of the estimate on the given files
// (the files are fixed; only the draws are random). The spread of the
// per-file figures is reported separately.
package eval
