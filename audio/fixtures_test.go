package audio

import (
	"bytes"
	"encoding/binary"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the WAV fixtures in testdata/")

// wavSpec describes a WAV file to build byte by byte, independently of the
// package's writer, so that the reader is tested against files the writer
// did not make. Zero fields take the value that makes a valid file.
type wavSpec struct {
	tag        uint16 // fmt wFormatTag (default 1)
	channels   int
	rate       int
	bits       int
	extensible bool   // write a 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk
	subTag     uint16 // extensible sub-format code (default 1)
	validBits  int    // extensible wValidBitsPerSample (default bits)
	blockAlign int    // default channels*bits/8
	frames     int
	seed       uint64
	dataSize   int64 // data chunk size field; 0 means the real size
	cut        int   // bytes cut off the end of the file
	junkFirst  bool  // a JUNK chunk before fmt
	listBefore bool  // a LIST chunk between fmt and data
	trailer    bool  // a LIST chunk after data
}

// samples returns deterministic signed samples for s (channel-major): the
// extremes of the range, zero, and seeded uniform values.
func (s wavSpec) samples() [][]int32 {
	r := rand.New(rand.NewPCG(s.seed, 0xa0d1))
	lo, hi := sampleRange(s.bits)
	out := make([][]int32, s.channels)
	for c := range out {
		out[c] = make([]int32, s.frames)
		for i := range out[c] {
			switch (i + c) % 16 {
			case 0:
				out[c][i] = lo
			case 1:
				out[c][i] = hi
			case 2:
				out[c][i] = 0
			default:
				out[c][i] = int32(int64(lo) + r.Int64N(int64(hi)-int64(lo)+1))
			}
			if s.validBits > 0 && s.validBits < s.bits {
				out[c][i] &^= 1<<uint(s.bits-s.validBits) - 1 // left-justified
			}
		}
	}
	return out
}

// build returns the bytes of the file s describes and the samples in it.
func (s wavSpec) build() ([]byte, [][]int32) {
	tag := s.tag
	if tag == 0 {
		tag = wavFormatPCM
	}
	data := s.samples()
	bps := s.bits / 8
	var pcm bytes.Buffer
	for i := 0; i < s.frames; i++ {
		for c := 0; c < s.channels; c++ {
			v := data[c][i]
			if s.bits == 8 {
				v += 128
			}
			var b [4]byte
			binary.LittleEndian.PutUint32(b[:], uint32(v))
			pcm.Write(b[:max(bps, 1)])
		}
	}
	le16 := func(b *bytes.Buffer, v int) { binary.Write(b, binary.LittleEndian, uint16(v)) }
	le32 := func(b *bytes.Buffer, v int64) { binary.Write(b, binary.LittleEndian, uint32(v)) }
	chunk := func(b *bytes.Buffer, id string, body []byte, size int64) {
		b.WriteString(id)
		le32(b, size)
		b.Write(body)
		if len(body)%2 == 1 {
			b.WriteByte(0)
		}
	}
	var fmtb bytes.Buffer
	ba := s.blockAlign
	if ba == 0 {
		ba = s.channels * bps
	}
	if s.extensible {
		le16(&fmtb, wavFormatExtensible)
	} else {
		le16(&fmtb, int(tag))
	}
	le16(&fmtb, s.channels)
	le32(&fmtb, int64(s.rate))
	le32(&fmtb, int64(s.rate*ba))
	le16(&fmtb, ba)
	le16(&fmtb, s.bits)
	if s.extensible {
		sub, vb := s.subTag, s.validBits
		if sub == 0 {
			sub = wavFormatPCM
		}
		if vb == 0 {
			vb = s.bits
		}
		le16(&fmtb, 22)
		le16(&fmtb, vb)
		le32(&fmtb, int64(1<<uint(min(s.channels, 18))-1))
		le16(&fmtb, int(sub))
		fmtb.Write(ksdataformatSubtypeTail[:])
	}
	var body bytes.Buffer
	body.WriteString("WAVE")
	if s.junkFirst {
		chunk(&body, "JUNK", make([]byte, 28), 28)
	}
	chunk(&body, "fmt ", fmtb.Bytes(), int64(fmtb.Len()))
	if s.listBefore {
		chunk(&body, "LIST", []byte("INFOISFT\x05\x00\x00\x00ardm\x00"), 17)
	}
	dsize := int64(pcm.Len())
	if s.dataSize != 0 {
		dsize = s.dataSize
	}
	chunk(&body, "data", pcm.Bytes(), dsize)
	if s.trailer {
		chunk(&body, "LIST", []byte("INFOICMT\x04\x00\x00\x00test"), 16)
	}
	var file bytes.Buffer
	file.WriteString("RIFF")
	le32(&file, int64(body.Len()))
	file.Write(body.Bytes())
	b := file.Bytes()
	return b[:len(b)-s.cut], data
}

// validFixtures are files the reader must accept; each is also checked in
// under testdata/ as NAME.wav.
var validFixtures = []struct {
	name string
	spec wavSpec
}{
	{"pcm8-mono", wavSpec{channels: 1, rate: 8000, bits: 8, frames: 61, seed: 1}},
	{"pcm8-stereo", wavSpec{channels: 2, rate: 22050, bits: 8, frames: 40, seed: 2}},
	{"pcm16-mono-16k", wavSpec{channels: 1, rate: 16000, bits: 16, frames: 100, seed: 3}},
	{"pcm16-stereo-44k", wavSpec{channels: 2, rate: 44100, bits: 16, frames: 64, seed: 4}},
	{"pcm24-mono", wavSpec{channels: 1, rate: 48000, bits: 24, frames: 33, seed: 5}},
	{"pcm24-stereo-44k", wavSpec{channels: 2, rate: 44100, bits: 24, frames: 40, seed: 6}},
	{"pcm32-mono", wavSpec{channels: 1, rate: 96000, bits: 32, frames: 30, seed: 7}},
	{"pcm32-stereo", wavSpec{channels: 2, rate: 44100, bits: 32, frames: 25, seed: 8}},
	{"ext16-stereo-44k", wavSpec{channels: 2, rate: 44100, bits: 16, extensible: true, frames: 50, seed: 9}},
	{"ext24-mono-20bit", wavSpec{channels: 1, rate: 44100, bits: 24, extensible: true, validBits: 20, frames: 31, seed: 10}},
	{"ext32-6ch", wavSpec{channels: 6, rate: 48000, bits: 32, extensible: true, frames: 12, seed: 11}},
	{"ext8-3ch", wavSpec{channels: 3, rate: 11025, bits: 8, extensible: true, frames: 21, seed: 12}},
	{"pcm16-chunks", wavSpec{channels: 1, rate: 16000, bits: 16, frames: 40, seed: 13, junkFirst: true, listBefore: true, trailer: true}},
	{"pcm16-empty-data", wavSpec{channels: 1, rate: 16000, bits: 16, frames: 0}},
	{"pcm16-streaming-size", wavSpec{channels: 1, rate: 16000, bits: 16, frames: 24, seed: 14, dataSize: 0xFFFFFFFF}},
}

// brokenFixtures are files the reader must refuse with the given class and
// a message containing want; each is checked in as bad-NAME.wav.
var brokenFixtures = []struct {
	name  string
	spec  wavSpec
	raw   []byte // used instead of spec when not nil
	class error
	want  string
}{
	{"float32", wavSpec{tag: 3, channels: 1, rate: 16000, bits: 32, frames: 8}, nil, ErrUnsupported, "unsupported format 3 (IEEE float)"},
	{"ext-float", wavSpec{channels: 2, rate: 16000, bits: 32, extensible: true, subTag: 3, frames: 8}, nil, ErrUnsupported, "unsupported format 3 (IEEE float) in WAVE_FORMAT_EXTENSIBLE"},
	{"adpcm", wavSpec{tag: 2, channels: 1, rate: 8000, bits: 16, frames: 8}, nil, ErrUnsupported, "unsupported format 2 (MS ADPCM)"},
	{"alaw", wavSpec{tag: 6, channels: 1, rate: 8000, bits: 8, frames: 8}, nil, ErrUnsupported, "unsupported format 6 (A-law)"},
	{"mulaw", wavSpec{tag: 7, channels: 1, rate: 8000, bits: 8, frames: 8}, nil, ErrUnsupported, "unsupported format 7 (mu-law)"},
	{"bits12", wavSpec{channels: 1, rate: 8000, bits: 12, blockAlign: 2, frames: 8}, nil, ErrUnsupported, "unsupported bit depth 12"},
	{"truncated", wavSpec{channels: 2, rate: 16000, bits: 16, frames: 64, cut: 100}, nil, ErrTruncated, "data chunk claims 256 bytes but only 156 remain"},
	{"lying-header", wavSpec{channels: 1, rate: 16000, bits: 16, frames: 16, dataSize: 0x7FFFFFF0}, nil, ErrTruncated, "data chunk claims 2147483632 bytes but only 32 remain"},
	{"partial-frame", wavSpec{channels: 2, rate: 16000, bits: 16, frames: 10, dataSize: 38}, nil, ErrTruncated, "not a whole number of 4-byte frames"},
	{"zero-channels", wavSpec{channels: 0, rate: 16000, bits: 16, frames: 0}, nil, ErrBadHeader, "zero channels"},
	{"zero-rate", wavSpec{channels: 1, rate: 0, bits: 16, frames: 8}, nil, ErrBadHeader, "zero sample rate"},
	{"block-align", wavSpec{channels: 2, rate: 16000, bits: 16, blockAlign: 2, frames: 8}, nil, ErrBadHeader, "block align 2 does not match 2 channels x 16 bits"},
	{"empty", wavSpec{}, []byte{}, ErrEmpty, "empty file"},
	{"not-riff", wavSpec{}, []byte("ID3\x04\x00\x00\x00\x00\x00\x00fake mp3 data"), ErrNotRIFF, `not a WAV or FLAC file (starts with "ID3\x04")`},
	{"not-wave", wavSpec{}, []byte("RIFF\x04\x00\x00\x00AVI "), ErrNotRIFF, `RIFF form "AVI " is not WAVE`},
	{"short-riff", wavSpec{}, []byte("RIFF\x10\x00"), ErrTruncated, "RIFF header cut short after 6 bytes"},
	{"no-data", wavSpec{}, []byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80\x3e\x00\x00\x00\x7d\x00\x00\x02\x00\x10\x00"), ErrBadHeader, "no data chunk"},
	{"data-first", wavSpec{}, []byte("RIFF\x10\x00\x00\x00WAVEdata\x02\x00\x00\x00\x01\x02"), ErrBadHeader, "data chunk before fmt chunk"},
	{"huge-fmt", wavSpec{}, []byte("RIFF\x1c\x00\x00\x00WAVEfmt \xf0\xff\xff\x7f\x01\x00\x01\x00\x80\x3e\x00\x00"), ErrTruncated, "fmt chunk claims 2147483632 bytes but only 8 remain"},
	{"rifx", wavSpec{}, []byte("RIFX\x04\x00\x00\x00WAVE"), ErrUnsupported, "big-endian RIFX"},
}

func (f wavSpec) file() []byte { b, _ := f.build(); return b }

// TestFixturesCheckedIn checks that testdata/ holds exactly the files the
// specs build (go test ./audio -run TestFixturesCheckedIn -update rewrites
// them).
func TestFixturesCheckedIn(t *testing.T) {
	files := map[string][]byte{}
	for _, f := range validFixtures {
		files[f.name+".wav"] = f.spec.file()
	}
	for _, f := range brokenFixtures {
		b := f.raw
		if b == nil {
			b = f.spec.file()
		}
		files["bad-"+f.name+".wav"] = b
	}
	for name, want := range files {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create the fixtures)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from its spec (run with -update if the spec changed on purpose)", path)
		}
	}
}
