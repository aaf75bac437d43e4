package theme

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// Files returns a read-only file system holding the given files, keyed by
// slash path ("static/style.css"), with the folders their paths imply: a
// repository's theme as read under the work tree's rule, for Overlay.
func Files(files map[string][]byte) fs.FS {
	m := mapFS{files: files, dirs: map[string][]string{}}
	for name := range files {
		for p := name; p != "."; p = path.Dir(p) {
			dir := path.Dir(p)
			m.dirs[dir] = append(m.dirs[dir], path.Base(p))
		}
	}
	for dir, names := range m.dirs {
		slices.Sort(names)
		m.dirs[dir] = slices.Compact(names)
	}
	return m
}

type mapFS struct {
	files map[string][]byte
	dirs  map[string][]string // folder → the names in it
}

func (m mapFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if data, ok := m.files[name]; ok {
		return &mapFile{info: info{name: path.Base(name), size: int64(len(data))}, r: bytes.NewReader(data)}, nil
	}
	if _, ok := m.dirs[name]; ok || name == "." {
		entries, _ := m.ReadDir(name)
		return &mapDir{info: info{name: path.Base(name), dir: true}, entries: entries}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// ReadDir lists a folder, sorted by name.
func (m mapFS) ReadDir(name string) ([]fs.DirEntry, error) {
	names, ok := m.dirs[name]
	if !ok && name != "." {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	out := make([]fs.DirEntry, 0, len(names))
	for _, n := range names {
		full := strings.TrimPrefix(name+"/"+n, "./")
		if data, ok := m.files[full]; ok {
			out = append(out, fs.FileInfoToDirEntry(info{name: n, size: int64(len(data))}))
		} else {
			out = append(out, fs.FileInfoToDirEntry(info{name: n, dir: true}))
		}
	}
	return out, nil
}

type info struct {
	name string
	size int64
	dir  bool
}

func (i info) Name() string       { return i.name }
func (i info) Size() int64        { return i.size }
func (i info) ModTime() time.Time { return time.Time{} }
func (i info) IsDir() bool        { return i.dir }
func (i info) Sys() any           { return nil }
func (i info) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}

type mapFile struct {
	info info
	r    *bytes.Reader
}

func (f *mapFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *mapFile) Read(b []byte) (int, error) { return f.r.Read(b) }
func (f *mapFile) Close() error               { return nil }

type mapDir struct {
	info    info
	entries []fs.DirEntry
	off     int
}

func (d *mapDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *mapDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: fs.ErrInvalid}
}
func (d *mapDir) Close() error { return nil }

// ReadDir implements fs.ReadDirFile.
func (d *mapDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	rest = rest[:min(n, len(rest))]
	d.off += len(rest)
	return rest, nil
}
