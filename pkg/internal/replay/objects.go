package replay

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// object is a git object to write: its type and content.
type object struct {
	typ  string
	data []byte
}

// objectHash is the name git gives an object of type typ holding data.
func objectHash(typ string, data []byte) [sha1.Size]byte {
	h := sha1.New()
	fmt.Fprintf(h, "%s %d\x00", typ, len(data))
	h.Write(data)
	var out [sha1.Size]byte
	h.Sum(out[:0])
	return out
}

// store keeps an object to write and returns its hash.
func (im *importer) store(typ string, data []byte) [sha1.Size]byte {
	id := objectHash(typ, data)
	if _, ok := im.objects[id]; !ok {
		im.objects[id] = object{typ, data}
	}
	return id
}

// storeCommit stores c's trees, blobs and commit object, as git commit
// writes them with ident as author and committer and msg as the message,
// and returns the commit's hash.
func (im *importer) storeCommit(c *simCommit, ident, msg string) string {
	var b strings.Builder
	root := im.storeTree(c.tree)
	fmt.Fprintf(&b, "tree %s\n", hex.EncodeToString(root[:]))
	for _, p := range c.parents {
		fmt.Fprintf(&b, "parent %s\n", p.hash)
	}
	fmt.Fprintf(&b, "author %s\ncommitter %s\n\n%s", ident, ident, msg)
	h := im.store("commit", []byte(b.String()))
	return hex.EncodeToString(h[:])
}

// storeTree stores the trees and blobs of t and returns the root tree's
// hash.
func (im *importer) storeTree(t tree) [sha1.Size]byte {
	type node struct {
		files map[string]entry
		dirs  map[string]*node
	}
	newNode := func() *node { return &node{files: map[string]entry{}, dirs: map[string]*node{}} }
	root := newNode()
	for p, e := range t {
		n := root
		parts := strings.Split(p, "/")
		for _, d := range parts[:len(parts)-1] {
			if n.dirs[d] == nil {
				n.dirs[d] = newNode()
			}
			n = n.dirs[d]
		}
		n.files[parts[len(parts)-1]] = e
	}
	var hash func(n *node) [sha1.Size]byte
	hash = func(n *node) [sha1.Size]byte {
		// git sorts a tree's entries by name, a folder's name as if it
		// ended in a slash.
		type item struct {
			key, mode, name string
			id              [sha1.Size]byte
		}
		items := make([]item, 0, len(n.files)+len(n.dirs))
		for name, e := range n.files {
			mode := "100644"
			if e.link {
				mode = "120000"
			}
			items = append(items, item{name, mode, name, im.store("blob", []byte(e.data))})
		}
		for name, sub := range n.dirs {
			items = append(items, item{name + "/", "40000", name, hash(sub)})
		}
		sort.Slice(items, func(i, j int) bool { return items[i].key < items[j].key })
		var b []byte
		for _, it := range items {
			b = append(b, it.mode+" "+it.name+"\x00"...)
			b = append(b, it.id[:]...)
		}
		return im.store("tree", b)
	}
	return hash(root)
}

// writeObject writes o as a loose object of the repository at gitDir
// unless it is there already.
func writeObject(gitDir string, id [sha1.Size]byte, o object) error {
	name := hex.EncodeToString(id[:])
	p := filepath.Join(gitDir, "objects", name[:2], name[2:])
	if _, err := os.Lstat(p); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	var b bytes.Buffer
	z, err := zlib.NewWriterLevel(&b, zlib.BestSpeed) // git's core.looseCompression
	if err != nil {
		return err
	}
	fmt.Fprintf(z, "%s %d\x00", o.typ, len(o.data))
	z.Write(o.data)
	if err := z.Close(); err != nil {
		return err
	}
	return os.WriteFile(p, b.Bytes(), 0o444)
}

// snapshot reads the work tree as `git add -A` would stage it; errSlowPath
// when it holds what the model leaves to git (an ignore or attributes
// file, a nested repository, an executable or special file).
func snapshot(dir string) (tree, error) {
	t := tree{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		base := path.Base(name)
		if d.IsDir() {
			switch {
			case name == ".":
				return nil
			case name == ".git":
				return filepath.SkipDir
			case base == ".git":
				return errSlowPath
			}
			return nil
		}
		if base == ".git" || base == ".gitignore" || base == ".gitattributes" || base == ".gitmodules" || strings.ContainsAny(name, "\n\"\\") {
			return errSlowPath
		}
		switch typ := d.Type(); {
		case typ&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			t[name] = entry{data: target, link: true}
		case typ.IsRegular():
			info, err := d.Info()
			if err != nil {
				return err
			}
			if info.Mode()&0o111 != 0 {
				return errSlowPath
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			t[name] = entry{data: string(data)}
		default:
			return errSlowPath
		}
		return nil
	})
	return t, err
}

// checkout turns the work tree in dir from the files of from into those
// of to, as git switch does with a clean work tree: files only in from go,
// with the folders they leave empty, and the others are written.
func checkout(dir string, from, to tree) error {
	for _, p := range sortedKeys(from) {
		if e, ok := to[p]; ok && e == from[p] {
			continue
		}
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
			return err
		}
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			if os.Remove(filepath.Join(dir, filepath.FromSlash(d))) != nil {
				break // not empty
			}
		}
	}
	for _, p := range sortedKeys(to) {
		e := to[p]
		if old, ok := from[p]; ok && old == e {
			continue
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		var err error
		if e.link {
			err = os.Symlink(e.data, full)
		} else {
			err = os.WriteFile(full, []byte(e.data), 0o644)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
