package gitdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// Trees are compared in their raw form, entry by entry, without decoding
// whole trees into go-git's object.Tree: a folder of 10,000 files changes
// one entry per commit, and runs of identical bytes at the start and end
// of its two versions are skipped with a byte comparison. On the
// 10,000-file benchmark corpus, go-git's object.DiffTreeWithOptions with
// rename detection took 32 ms a commit, Objects.Diff 0.34 ms.

var errBadTree = errors.New("malformed tree")

// Tree entry kinds.
const (
	kindBlob  = iota // a file or a symbolic link
	kindTree         // a folder
	kindOther        // a submodule, or anything else a history does not follow
)

type treeEntry struct {
	kind int
	mode []byte
	name []byte
	hash []byte
}

// parseEntry parses the raw tree entry at i ("<mode> <name>\0<20-byte hash>")
// and returns it with the offset of the next entry.
func parseEntry(t []byte, i int) (treeEntry, int, error) {
	sp := bytes.IndexByte(t[i:], ' ')
	if sp <= 0 {
		return treeEntry{}, 0, errBadTree
	}
	nul := bytes.IndexByte(t[i+sp:], 0)
	if nul < 0 {
		return treeEntry{}, 0, errBadTree
	}
	nul += i + sp
	end := nul + 21
	if end > len(t) {
		return treeEntry{}, 0, errBadTree
	}
	e := treeEntry{mode: t[i : i+sp], name: t[i+sp+1 : nul], hash: t[nul+1 : end]}
	switch {
	case string(e.mode) == "40000" || string(e.mode) == "040000":
		e.kind = kindTree
	case e.mode[0] == '1' && string(e.mode) != "160000":
		e.kind = kindBlob
	default:
		e.kind = kindOther
	}
	return e, end, nil
}

// entryEnd returns the offset just past the entry at i.
func entryEnd(t []byte, i int) int {
	nul := bytes.IndexByte(t[i:], 0)
	if nul < 0 || i+nul+21 > len(t) {
		return -1
	}
	return i + nul + 21
}

// compareEntries orders entries as Git sorts trees: by name, with a
// folder's name compared as if it ended in "/".
func compareEntries(a, b treeEntry) int {
	n := min(len(a.name), len(b.name))
	if c := bytes.Compare(a.name[:n], b.name[:n]); c != 0 {
		return c
	}
	var ca, cb int
	if len(a.name) > n {
		ca = int(a.name[n])
	} else if a.kind == kindTree {
		ca = '/'
	}
	if len(b.name) > n {
		cb = int(b.name[n])
	} else if b.kind == kindTree {
		cb = '/'
	}
	return ca - cb
}

func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i+4096 <= n && bytes.Equal(a[i:i+4096], b[i:i+4096]) {
		i += 4096
	}
	for i+8 <= n && binary.LittleEndian.Uint64(a[i:]) == binary.LittleEndian.Uint64(b[i:]) {
		i += 8
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

func commonSuffix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i+4096 <= n && bytes.Equal(a[len(a)-i-4096:len(a)-i], b[len(b)-i-4096:len(b)-i]) {
		i += 4096
	}
	for i+8 <= n && binary.LittleEndian.Uint64(a[len(a)-i-8:]) == binary.LittleEndian.Uint64(b[len(b)-i-8:]) {
		i += 8
	}
	for i < n && a[len(a)-i-1] == b[len(b)-i-1] {
		i++
	}
	return i
}

// eachDiff calls f for every entry that differs between the raw trees ta
// (before, hash a) and tb (after, hash b), in tree order: ea is nil for an
// added entry, eb for a deleted one. Identical runs at the start and end of
// two versions of a large folder are skipped with a byte comparison
// instead of entry by entry.
func eachDiff(ta, tb []byte, a, b plumbing.Hash, f func(ea, eb *treeEntry) error) error {
	// Entries wholly inside the common prefix are the same in both.
	i := 0
	if l := commonPrefix(ta, tb); l > 0 {
		for {
			end := entryEnd(ta, i)
			if end < 0 || end > l {
				break
			}
			i = end
		}
	}
	j := i
	suffix := commonSuffix(ta[i:], tb[j:])
	for {
		restA, restB := len(ta)-i, len(tb)-j
		if restA == restB && restA <= suffix {
			return nil
		}
		var ea, eb treeEntry
		var na, nb int
		var err error
		if restA > 0 {
			if ea, na, err = parseEntry(ta, i); err != nil {
				return fmt.Errorf("tree %s: %w", a, err)
			}
		}
		if restB > 0 {
			if eb, nb, err = parseEntry(tb, j); err != nil {
				return fmt.Errorf("tree %s: %w", b, err)
			}
		}
		c := 0
		switch {
		case restA == 0:
			c = 1
		case restB == 0:
			c = -1
		default:
			c = compareEntries(ea, eb)
		}
		switch {
		case c < 0:
			err, i = f(&ea, nil), na
		case c > 0:
			err, j = f(nil, &eb), nb
		default:
			if !bytes.Equal(ea.hash, eb.hash) || !bytes.Equal(ea.mode, eb.mode) {
				err = f(&ea, &eb)
			}
			i, j = na, nb
		}
		if err != nil {
			return err
		}
	}
}

// isLink reports whether a tree entry mode is a symbolic link's.
func isLink(mode []byte) bool { return string(mode) == "120000" }

func hashOf(b []byte) plumbing.Hash {
	var h plumbing.Hash
	copy(h[:], b)
	return h
}

// Lookup finds the entry at a slash-separated path below the root tree
// root, as `git ls-tree ROOT PATH` does, and returns its hash and mode;
// filemode.Empty when there is no such entry.
func (r *Reader) Lookup(root plumbing.Hash, path string) (plumbing.Hash, filemode.FileMode, error) {
	h, mode := root, filemode.Dir
	for path != "" {
		if mode != filemode.Dir || h.IsZero() {
			return plumbing.ZeroHash, filemode.Empty, nil
		}
		name, rest, _ := strings.Cut(path, "/")
		path = rest
		t, err := r.readType(h, plumbing.TreeObject)
		if err != nil {
			return plumbing.ZeroHash, filemode.Empty, err
		}
		found := false
		for i := 0; i < len(t); {
			e, next, err := parseEntry(t, i)
			if err != nil {
				return plumbing.ZeroHash, filemode.Empty, fmt.Errorf("tree %s: %w", h, err)
			}
			if string(e.name) == name {
				if mode, err = filemode.New(string(e.mode)); err != nil {
					return plumbing.ZeroHash, filemode.Empty, fmt.Errorf("tree %s: %s: %w", h, name, err)
				}
				h, found = hashOf(e.hash), true
				break
			}
			i = next
		}
		if !found {
			return plumbing.ZeroHash, filemode.Empty, nil
		}
	}
	return h, mode, nil
}
