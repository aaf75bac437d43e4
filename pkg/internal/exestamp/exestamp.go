// Package exestamp names the running binary by its size and modification
// time, without reading it: what tells one build of inquest from another
// when its build information cannot (a binary built from a modified work
// tree, or without version control information).
package exestamp

import (
	"os"
	"strconv"
)

// Running is the running binary's "SIZE MTIME", its modification time in
// Unix nanoseconds.
func Running() (string, error) {
	path, err := os.Executable()
	if err != nil {
		return "", err
	}
	return Of(path)
}

// Of is the "SIZE MTIME" of the file at path.
func Of(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(st.Size(), 10) + " " + strconv.FormatInt(st.ModTime().UnixNano(), 10), nil
}
