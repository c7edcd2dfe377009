// Package datasets reads, makes and serves the SC09 data ardm trains and
// measures on: the ten digit words ("zero".."nine") of Google Speech
// Commands, 1 s of 16 kHz mono 16-bit PCM each.
//
// # Loading
//
// LoadSC09 reads a Speech Commands directory (v0.01 or v0.02 layout,
// <word>/<speaker>_nohash_<n>.wav) and keeps the ten digit words. A clip's
// split ("training", "validation" or "testing") comes from
// validation_list.txt and testing_list.txt when either file is present
// (listed in neither means training); otherwise from the dataset README's
// which_set rule, reproduced exactly by WhichSet: the SHA-1 of the speaker
// part of the file name (before "_nohash_") taken modulo 2^27 and scaled to
// a percentage, below 10 validation, below 20 testing. Every clip is padded
// with zeros on the right or trimmed to 16000 samples, as the paper did.
// What was odd about a file (short, long, wrong bit depth, several channels,
// a wrong sample rate, unreadable) is recorded in Clip.Issues and the Set's
// Report rather than stopping the load; files that cannot be used as 16 kHz
// audio are skipped and listed in the Report. Files may be WAV or FLAC.
//
// LoadUtterances reads any tree of recordings of any length (LibriSpeech,
// VCTK, Common Voice...) and cuts each into windows of the clip length;
// the split follows the speaker named by the folder's MANIFEST.tsv, hashed
// by the same rule. LoadFolder picks the loader by the layout
// (DetectLayout), and Mix joins the sets of several folders with integer
// weights: a clip of Weight w appears w times in Samples, so an epoch of
// training visits it w times.
//
// A job that spreads the reading over machines runs LoadSC09's steps one by
// one: PlanSC09 lists the files and their splits, LoadClip turns each
// file's PCM into its clip wherever it runs, and Plan.Set assembles the
// results in plan order into the same Set; ShardFiles then hands out the
// same bytes WriteSetShards writes.
//
// # Shards
//
// WriteShards stores clips in a directory of compact shards for fast
// reading: per split, files "<split>-NNNN.pcm" holding a 16-byte header
// (magic "ARDMSH", format version, clip length, clip count) and then every
// clip's samples as int16 little-endian, plus index.json naming the format
// version, the clip length, each shard's size and SHA-256, and for every
// clip its word, speaker, split, source path, original length, weight
// and issues.
// Every file is written to a temporary name and renamed into place, the
// index last. ReadShards verifies the checksums (a mismatch is a
// *ChecksumError) and returns the clips of one split or of all.
//
// # Batches
//
// Batcher serves deterministic shuffled batches of random crops: batch
// number step is a pure function of (seed, step), so a resumed training run
// sees exactly the batches of an uninterrupted one, and every epoch visits
// every clip once.
//
// # Statistics
//
// ComputeStats summarises clips: counts per split and word, speakers per
// split, durations, peak and RMS levels in dBFS (0 dBFS is a full-scale
// square wave: |x| = 32768), and the issues found.
//
// # Synthesis
//
// SC09-style synthetic speech (espeak-ng voices with per-speaker jitter,
// levels, noise floors and resampling to 16 kHz) is made by the code in
// synth.go and written in the same directory layout, so LoadSC09 reads it
// like the real data.
//
// Conventions: split names are the dataset's own ("training", "validation",
// "testing"; ParseSplit also accepts "train", "val", "valid" and "test").
// Paths in clips and reports are relative to the data directory with
// forward slashes, as in the list files. All randomness comes from explicit
// seeds through math/rand/v2 PCG generators. Programmer errors (wrong slice
// shapes) panic with a "datasets:" message; problems with data return
// errors.
package datasets
