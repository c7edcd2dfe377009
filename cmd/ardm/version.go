package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is the release this build claims; `go install ...@vX` builds
// report the module version instead.
const version = "0.6.0-dev"

// versionText is what `ardm --version` prints: the version, the commit the
// binary was built from (with "+dirty" for uncommitted changes), the Go
// version and platform, and the content hash of the built-in model, which
// every stream coded with it names.
func versionText() string {
	v, commit := version, "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if mv := bi.Main.Version; mv != "" && mv != "(devel)" {
			v = mv
		}
		var rev, dirty string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+dirty"
				}
			}
		}
		if rev != "" {
			commit = rev + dirty
		}
	}
	model := "unreadable"
	if m, err := loadDefaultModel(); err == nil {
		h := m.Hash()
		model = fmt.Sprintf("%x", h[:])
	}
	return fmt.Sprintf("ardm %s\ncommit %s\n%s %s/%s\nbuilt-in model %s\n", v, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH, model)
}
