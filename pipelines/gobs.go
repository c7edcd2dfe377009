package pipelines

import (
	"bytes"
	"encoding/gob"
)

// encode gob-encodes v; the values here (clips, plans, jobs) always encode.
func encode(v any) []byte {
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(v); err != nil {
		panic("pipelines: gob: " + err.Error())
	}
	return b.Bytes()
}

func decode(b []byte, v any) error { return gob.NewDecoder(bytes.NewReader(b)).Decode(v) }
