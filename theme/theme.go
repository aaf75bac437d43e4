// Package theme holds inquest's default templates and assets, embedded in
// the binary. A repository's own theme folder overrides them file by file.
package theme

import (
	"embed"
	"errors"
	"io/fs"
)

//go:embed all:templates all:static
var files embed.FS

// Default returns the embedded default theme.
func Default() fs.FS { return files }

// Overlay returns a file system that serves files from top when they exist
// there and from the default theme otherwise. Directory listings merge
// both. A nil top yields the default theme.
func Overlay(top fs.FS) fs.FS {
	if top == nil {
		return files
	}
	return overlay{top: top, base: files}
}

type overlay struct {
	top, base fs.FS
}

func (o overlay) Open(name string) (fs.File, error) {
	if f, err := o.top.Open(name); err == nil {
		return f, nil
	}
	return o.base.Open(name)
}

// ReadDir merges the listings of both layers, the top layer winning.
func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	top, errTop := fs.ReadDir(o.top, name)
	base, errBase := fs.ReadDir(o.base, name)
	if errTop != nil && errBase != nil {
		return nil, errors.Join(errTop, errBase)
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range top {
		seen[e.Name()] = true
		out = append(out, e)
	}
	for _, e := range base {
		if !seen[e.Name()] {
			out = append(out, e)
		}
	}
	sortEntries(out)
	return out, nil
}

func sortEntries(es []fs.DirEntry) {
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].Name() < es[j-1].Name(); j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}
