package audio

import (
	"bytes"
	"path/filepath"
	"strings"
)

// Extensions are the file-name extensions of the containers the readers
// take (compared without regard to case), for directory walks; the
// readers themselves go by the content, not the name.
var Extensions = []string{".wav", ".flac"}

// IsAudioFile reports whether name has one of Extensions.
func IsAudioFile(name string) bool {
	ext := filepath.Ext(name)
	for _, e := range Extensions {
		if strings.EqualFold(ext, e) {
			return true
		}
	}
	return false
}

// SniffContainer names the container whose magic starts head (the first
// bytes of a file): ContainerWAV for "RIFF", ContainerFLAC for "fLaC", ""
// for anything else. The readers check the rest.
func SniffContainer(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("RIFF")):
		return ContainerWAV
	case isFLAC(head):
		return ContainerFLAC
	}
	return ""
}
