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
	// Link is set when the file is a symbolic link (after the commit, or
	// before it for a deletion): git pairs links only with links.
	Link bool
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

// pathTrie limits a tree comparison to some paths. A node with all set
// takes in everything below it; any other node only the children it names.
type pathTrie struct {
	all  bool
	kids map[string]*pathTrie
}

// newPathTrie makes the trie of repository-relative paths (folders or
// files); no paths means the whole tree.
func newPathTrie(paths []string) *pathTrie {
	root := &pathTrie{all: len(paths) == 0}
	for _, p := range paths {
		n := root
		for name := range strings.SplitSeq(p, "/") {
			if n.all {
				break
			}
			k := n.kids[name]
			if k == nil {
				if n.kids == nil {
					n.kids = map[string]*pathTrie{}
				}
				k = &pathTrie{}
				n.kids[name] = k
			}
			n = k
		}
		n.all, n.kids = true, nil
	}
	return root
}

// covers reports whether n takes in the file at path p.
func (n *pathTrie) covers(p string) bool {
	for name := range strings.SplitSeq(p, "/") {
		if n.all {
			return true
		}
		if n = n.kids[name]; n == nil {
			return false
		}
	}
	return n.all
}

// child returns the node for a name below n: nil when n leaves the name
// out, n itself when n takes in everything.
func (n *pathTrie) child(name []byte) *pathTrie {
	if n.all {
		return n
	}
	return n.kids[string(name)]
}

// eachDiff calls f for every entry that differs between the raw trees ta
// (before, hash a) and tb (after, hash b), in tree order: ea is nil for an
// added entry, eb for a deleted one. Identical runs at the start and end of
// two versions of a large directory are skipped with a byte comparison
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

// readTrees reads two trees; a zero hash reads as an empty tree.
func (w *differ) readTrees(a, b plumbing.Hash) (ta, tb []byte, err error) {
	if !a.IsZero() {
		if ta, err = w.r.readType(a, objTree); err != nil {
			return nil, nil, err
		}
	}
	if !b.IsZero() {
		if tb, err = w.r.readType(b, objTree); err != nil {
			return nil, nil, err
		}
	}
	return ta, tb, nil
}

// diffTrees appends the files under node's paths that differ between trees
// a (before) and b (after) to out. It reads the raw tree objects and merges
// their sorted entries, descending only into subtrees whose hashes differ.
func (w *differ) diffTrees(prefix string, a, b plumbing.Hash, node *pathTrie, out *[]change) error {
	if a == b {
		return nil
	}
	ta, tb, err := w.readTrees(a, b)
	if err != nil {
		return err
	}
	return eachDiff(ta, tb, a, b, func(ea, eb *treeEntry) error {
		var name []byte
		if ea != nil {
			name = ea.name
		} else {
			name = eb.name
		}
		sub := node.child(name)
		if sub == nil {
			return nil
		}
		switch {
		case eb == nil:
			return w.emit(prefix, *ea, false, sub, out)
		case ea == nil:
			return w.emit(prefix, *eb, true, sub, out)
		case ea.kind == kindTree && eb.kind == kindTree:
			return w.diffTrees(prefix+string(name)+"/", hashOf(ea.hash), hashOf(eb.hash), sub, out)
		case ea.kind == kindBlob && eb.kind == kindBlob && sub.all:
			*out = append(*out, change{Path: prefix + string(name), Prev: hashOf(ea.hash), Blob: hashOf(eb.hash), Link: isLink(eb.mode)})
			return nil
		}
		// A file became a folder, a submodule or similar.
		if err := w.emit(prefix, *ea, false, sub, out); err != nil {
			return err
		}
		return w.emit(prefix, *eb, true, sub, out)
	})
}

// emit records every file under e that node takes in as added or deleted.
func (w *differ) emit(prefix string, e treeEntry, added bool, node *pathTrie, out *[]change) error {
	switch e.kind {
	case kindBlob:
		if !node.all {
			return nil // a file where the paths need a folder
		}
		c := change{Path: prefix + string(e.name), Link: isLink(e.mode)}
		if added {
			c.Blob = hashOf(e.hash)
		} else {
			c.Prev = hashOf(e.hash)
		}
		*out = append(*out, c)
	case kindTree:
		var zero plumbing.Hash
		if added {
			return w.diffTrees(prefix+string(e.name)+"/", zero, hashOf(e.hash), node, out)
		}
		return w.diffTrees(prefix+string(e.name)+"/", hashOf(e.hash), zero, node, out)
	}
	return nil
}

// deletedOutside appends the files deleted between trees a and b that are
// not under node's paths: the rename sources a diff limited to those paths
// does not see. A nil node means no path below is taken in.
func (w *differ) deletedOutside(prefix string, a, b plumbing.Hash, node *pathTrie, out *[]change) error {
	if a == b || a.IsZero() || (node != nil && node.all) {
		return nil
	}
	ta, tb, err := w.readTrees(a, b)
	if err != nil {
		return err
	}
	return eachDiff(ta, tb, a, b, func(ea, eb *treeEntry) error {
		if ea == nil {
			return nil // added: nothing deleted
		}
		var sub *pathTrie
		if node != nil {
			if sub = node.kids[string(ea.name)]; sub != nil && sub.all {
				return nil
			}
		}
		switch ea.kind {
		case kindTree:
			var after plumbing.Hash
			if eb != nil && eb.kind == kindTree {
				after = hashOf(eb.hash)
			}
			return w.deletedOutside(prefix+string(ea.name)+"/", hashOf(ea.hash), after, sub, out)
		case kindBlob:
			if eb == nil || eb.kind != kindBlob {
				*out = append(*out, change{Path: prefix + string(ea.name), Prev: hashOf(ea.hash), Link: isLink(ea.mode)})
			}
		}
		return nil
	})
}

// isLink reports whether a tree entry mode is a symbolic link's.
func isLink(mode []byte) bool { return string(mode) == "120000" }

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
