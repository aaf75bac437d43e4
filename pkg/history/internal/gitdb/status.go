package gitdb

import (
	"os"
	"path/filepath"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// Status compares work-tree files with blobs, as `git diff --quiet HEAD --
// PATH` does, using the stat data the index recorded to avoid hashing
// files that have not been touched since.
type Status struct {
	workTree  string // "" for a bare repository
	entries   map[string]*index.Entry
	indexTime time.Time
}

// Status reads the index. A repository without a work tree has no
// modified files; one whose index cannot be read has every file hashed.
func (r *Repository) Status() *Status {
	s := &Status{workTree: r.workTree}
	if r.workTree == "" {
		return s
	}
	idx, err := r.repo.Storer.Index()
	if err != nil {
		return s
	}
	s.entries = make(map[string]*index.Entry, len(idx.Entries))
	for _, e := range idx.Entries {
		if e.Stage == 0 {
			s.entries[e.Name] = e
		}
	}
	if st, err := os.Stat(filepath.Join(r.gitDir, "index")); err == nil {
		s.indexTime = st.ModTime()
	}
	return s
}

// Modified reports whether the work-tree file at path (slash-separated,
// relative to the work tree) differs from blob: changed, or, with a zero
// blob, there at all; with a non-zero blob, deleted too. A symbolic link
// is compared as git stores it: the path it holds, not what it points to.
func (s *Status) Modified(path string, blob plumbing.Hash) (bool, error) {
	if s.workTree == "" {
		return false, nil
	}
	file := filepath.Join(s.workTree, filepath.FromSlash(path))
	st, err := os.Lstat(file)
	if err != nil {
		if os.IsNotExist(err) {
			return !blob.IsZero(), nil
		}
		return false, err
	}
	if blob.IsZero() {
		return true, nil
	}
	// A file written after the index could have changed within the
	// index's time resolution: only an older one is trusted unhashed.
	if e := s.entries[path]; e != nil && e.Hash == blob && int64(e.Size) == st.Size() &&
		e.ModifiedAt.Equal(st.ModTime()) && st.ModTime().Before(s.indexTime) {
		return false, nil
	}
	var data []byte
	if st.Mode()&os.ModeSymlink != 0 {
		target, err := os.Readlink(file)
		if err != nil {
			return false, err
		}
		data = []byte(filepath.ToSlash(target))
	} else if data, err = os.ReadFile(file); err != nil {
		return false, err
	}
	return plumbing.ComputeHash(plumbing.BlobObject, data) != blob, nil
}
