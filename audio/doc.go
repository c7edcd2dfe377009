// Package audio reads integer PCM WAV and FLAC files, writes WAV, and does
// the bit-depth arithmetic of Upscale ARDMs.
//
// # Samples
//
// A PCM holds one []int32 per channel, all of the same length, signed at
// the file's bit depth (8, 16, 24 or 32): a 16-bit sample is in
// -32768..32767. 8-bit WAV data is unsigned on disk (0..255, silence at
// 128); Read shifts it to -128..127 and Write shifts it back, so every depth
// is signed in memory and 0 is silence.
//
// # WAV files
//
// Read accepts integer PCM with format tag 1 or WAVE_FORMAT_EXTENSIBLE
// (0xFFFE) with the PCM sub-format, at 8, 16, 24 or 32 bits, any number of
// channels and any sample rate; other chunks (LIST, JUNK, fact...) are
// skipped. A data chunk size of 0xFFFFFFFF (written by streaming encoders)
// means "to the end of the file". The RIFF chunk walk is the package's own
// (go-audio/wav's trusts header sizes and ignores the format tag), and so
// are the sample codecs (one pack and one unpack per depth): go-audio/wav
// needs an io.ReadSeeker or io.WriteSeeker and decodes sample by sample.
// Every problem with the input is a *FormatError naming the file, whose Err
// is one of ErrEmpty, ErrNotRIFF, ErrUnsupported, ErrBadHeader,
// ErrTruncated or ErrCorrupt. A header never causes an allocation larger
// than the input warrants. ReadLenient lets a data chunk that claims more
// than the input holds run to the end (espeak-ng --stdout writes such
// placeholder sizes).
//
// # FLAC files
//
// Every reader (Read, ReadFile, ReadAll, NewReader, ReadHeader) tells FLAC
// from WAV by the first four bytes ("fLaC"), not by the file name, so a
// FLAC file goes wherever a WAV does. The metadata walk is the package's
// own (STREAMINFO checked, other blocks skipped); the frames are decoded
// one at a time with github.com/mewkiz/flac's frame decoder, so memory stays
// bounded for any length. Frame numbers, block sizes and the sample count
// are checked against STREAMINFO, frame CRCs by the decoder and the MD5 of
// all samples at the end: a damaged file is a *FormatError (ErrCorrupt, or
// ErrTruncated when it ends early), never wrong samples. A stream of 4 to
// 24 bits per sample is held like a WAV with valid bits: left-justified in
// 8, 16 or 24 bits (Header.ValidBits says how many are real).
//
// Write always produces the canonical 44-byte-header PCM layout (format tag
// 1), with the pad byte RIFF needs after an odd-sized data chunk; WriteFile
// replaces its target atomically (temporary file in the same directory,
// then rename).
//
// # Streaming
//
// Reader and Writer move a file of any length through bounded memory.
// NewReader parses the header with the same checked walk as ReadHeader;
// ReadFrames then fills a caller's PCM a few frames at a time and returns
// io.EOF after the last one. From an input that seeks, every size is checked
// against the input up front; from a pipe, data that ends early is a
// *FormatError matching both ErrTruncated and io.ErrUnexpectedEOF, and a
// streaming-size data chunk has Header.Frames == UnknownFrames. NewWriter
// writes the exact sizes up front when the frame count is known (so
// standard output works), patches them at Close on a file when it is not,
// and otherwise writes the streaming size. Read, ReadAll, Write and Encode
// are built on them.
//
// # Bit depth and digits
//
// Models see a 16-bit sample as the unsigned x = v + 32768 in 0..65535
// (ToUnsigned16, FromUnsigned16). A branching factor b in {2, 4, 16, 256}
// splits x into S = 16 / log2(b) base-b digits, most significant first:
// digit s (1-based) holds bits 16 - s*log2(b) .. 16 - (s-1)*log2(b) - 1.
// The stage value x^(s) (StageValue) keeps digits 1..s and zeroes the rest,
// so x^(0) = 0 and x^(S) = x; stage s of an Upscale ARDM generates digit s
// given x^(s-1).
//
// Conversions between depths shift: widening is exact, narrowing keeps the
// top bits and rounds toward minus infinity (ConvertDepth,
// (*PCM).ConvertDepth). Coarsen keeps the top k bits of a PCM at its own
// depth; EffectiveBits finds how many bits a PCM really uses at the bottom
// (16-bit data made from 8-bit data uses 8).
//
// # Levels
//
// Stats measures peak, RMS and DC offset per channel relative to full scale
// 2^(depth-1): a full-scale square wave is 0 dBFS peak and RMS.
package audio
