// Package atomicfile writes files so that readers see either the old file
// or the complete new one, never a partial write.
//
// Create opens a temporary file in the destination's directory (so that the
// final rename never crosses a file system), named "." + base + ".*.tmp":
// the leading dot and the ".tmp" keep it from being mistaken for an output.
// Commit syncs it, sets mode 0644 (always: no umask or existing mode is
// honoured) and renames it over the destination. Abort, or any failure in
// Commit, removes the temporary file; Abort after Commit does nothing, so
//
//	f, err := atomicfile.Create(path)
//	if err != nil {
//		return err
//	}
//	defer f.Abort()
//	... write to f ...
//	return f.Commit()
//
// is the usual pattern. WriteFile does all of it for a byte slice.
//
// Every error is an *os.PathError naming the destination path, not the
// temporary file, with the operation that failed ("create", "write",
// "seek", "sync", "chmod", "close", "rename") and the underlying error
// (errors.Is(err, fs.ErrNotExist) works).
package atomicfile
