// Package jobs holds the per-file steps of ardm's batch commands as
// functions over readers and writers: compressing one WAV stream into an
// .ardm stream, verifying a stream against its input, decoding a stream
// back to WAV. The ardm command and the Beam pipelines
// (github.com/ardm-dev/ardm/pipelines) both call them, so that every step
// has one implementation whatever runs it.
//
// The functions open no files and print nothing: the caller passes the
// input and output (a local file, standard input, an object in a bucket)
// and, if it wants, a progress callback. Errors that mean the stream is
// damaged, was made with another model, or does not match its input are
// wrapped in *IntegrityError, so that a caller can give them their own
// exit status.
package jobs
