package history

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// change is one file changed by a commit, relative to its first parent.
// Added files have a zero Prev, deleted files a zero Blob; a rename has From.
type change struct {
	Path string        // path after the commit; the deleted path for deletions
	From string        // rename source; "" when not renamed
	Blob plumbing.Hash // content after the commit
	Prev plumbing.Hash // content before the commit
}

func (c change) added() bool   { return c.Prev.IsZero() && c.From == "" }
func (c change) deleted() bool { return c.Blob.IsZero() }

var errBadTree = errors.New("malformed tree")

// Tree entry kinds.
const (
	kindBlob = iota
	kindTree
	kindOther // submodules and anything else history does not follow
	kindNone  // no such path
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
// directory's name compared as if it ended in "/".
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

// diffTrees appends the files that differ between trees a (before) and b
// (after) to out. It reads the raw tree objects and merges their sorted
// entries, descending only into subtrees whose hashes differ; identical runs
// at the start and end of two versions of a large directory are skipped
// with a byte comparison instead of entry by entry.
func (w *differ) diffTrees(prefix string, a, b plumbing.Hash, out *[]change) error {
	if a == b {
		return nil
	}
	var ta, tb []byte
	var err error
	if !a.IsZero() {
		if ta, err = w.r.readType(a, objTree); err != nil {
			return err
		}
	}
	if !b.IsZero() {
		if tb, err = w.r.readType(b, objTree); err != nil {
			return err
		}
	}
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
			if err := w.emit(prefix, ea, false, out); err != nil {
				return err
			}
			i = na
		case c > 0:
			if err := w.emit(prefix, eb, true, out); err != nil {
				return err
			}
			j = nb
		default:
			if !bytes.Equal(ea.hash, eb.hash) || !bytes.Equal(ea.mode, eb.mode) {
				switch {
				case ea.kind == kindTree && eb.kind == kindTree:
					if err := w.diffTrees(prefix+string(ea.name)+"/", hashOf(ea.hash), hashOf(eb.hash), out); err != nil {
						return err
					}
				case ea.kind == kindBlob && eb.kind == kindBlob:
					*out = append(*out, change{Path: prefix + string(ea.name), Prev: hashOf(ea.hash), Blob: hashOf(eb.hash)})
				default:
					// A file became a symlink's sibling kind, a submodule or similar.
					if err := w.emit(prefix, ea, false, out); err != nil {
						return err
					}
					if err := w.emit(prefix, eb, true, out); err != nil {
						return err
					}
				}
			}
			i, j = na, nb
		}
	}
}

// emit records every file under e as added or deleted.
func (w *differ) emit(prefix string, e treeEntry, added bool, out *[]change) error {
	switch e.kind {
	case kindBlob:
		c := change{Path: prefix + string(e.name)}
		if added {
			c.Blob = hashOf(e.hash)
		} else {
			c.Prev = hashOf(e.hash)
		}
		*out = append(*out, c)
	case kindTree:
		var zero plumbing.Hash
		if added {
			return w.diffTrees(prefix+string(e.name)+"/", zero, hashOf(e.hash), out)
		}
		return w.diffTrees(prefix+string(e.name)+"/", hashOf(e.hash), zero, out)
	}
	return nil
}

func hashOf(b []byte) plumbing.Hash {
	var h plumbing.Hash
	copy(h[:], b)
	return h
}

// lookup finds the entry at a slash path below tree root. It returns a zero
// hash and kindNone when the path does not exist.
func (w *differ) lookup(root plumbing.Hash, path string) (plumbing.Hash, int, error) {
	h, kind := root, kindTree
	for path != "" {
		if kind != kindTree || h.IsZero() {
			return plumbing.ZeroHash, kindNone, nil
		}
		name, rest, _ := strings.Cut(path, "/")
		path = rest
		t, err := w.r.readType(h, objTree)
		if err != nil {
			return plumbing.ZeroHash, 0, err
		}
		found := false
		for i := 0; i < len(t); {
			e, next, err := parseEntry(t, i)
			if err != nil {
				return plumbing.ZeroHash, 0, fmt.Errorf("tree %s: %w", h, err)
			}
			if string(e.name) == name && e.kind != kindOther {
				h, kind, found = hashOf(e.hash), e.kind, true
				break
			}
			i = next
		}
		if !found {
			return plumbing.ZeroHash, kindNone, nil
		}
	}
	return h, kind, nil
}
