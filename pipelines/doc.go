// Package pipelines runs ardm's corpus jobs on Apache Beam: preparing
// training shards, synthesising a data set, compressing and decompressing
// a tree of files. Each pipeline is a thin layer of DoFns over the
// per-file functions the ardm command calls (packages jobs and datasets of
// the root module), so a job gives the same bytes on one machine and on a
// cluster:
//
//   - Prepare: the same shards as ardm dataset prepare for the same input;
//   - Synth: the same clips for a seed as ardm dataset synth;
//   - Compress and Decompress: a tree of files to a mirror tree under an
//     output root, with a manifest (one JSON object per file: path,
//     samples, bytes, coders used, MD5 of the PCM, or the error).
//
// Inputs and outputs go through Beam's filesystem layer
// (github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem): local paths,
// and gs:// or s3:// where those filesystems are linked (the ardm-beam
// command links both). Elements that carry structured values are gob
// encoded []byte, so any runner's coders move them unchanged.
//
// A job writes a file under a temporary name and renames it when the
// filesystem can rename (local, gs://); the manifest goes last.
package pipelines
