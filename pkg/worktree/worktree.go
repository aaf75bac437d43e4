// Package worktree decides what of a repository's work tree may be read into
// a site, an export or a search index. The rule, whatever symbolic links
// say: nothing outside the repository, nothing with a hidden path component
// (.git, .env, .ssh, …), and, through a symbolic link, only a regular file
// that Git tracks (in HEAD's tree or the index; outside a Git repository
// the tracked condition is dropped). CI writes credentials into the work
// tree (a token in .git/config, gha-creds-*.json at the root): a link that
// leads to one is refused, never followed.
//
// What else a file must be (a postmortem matched by the content globs, an
// attachment that is not one, not excluded) is the caller's to check; the
// Refusal it returns names the file and where its links lead, for the
// finding.
package worktree

import (
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Options configure a Tree.
type Options struct {
	// Tracked reports whether Git tracks a repository-relative slash path
	// (in HEAD's tree or the index). Nil means the folder is not a Git
	// repository: links are then followed to any regular file the rest of
	// the rule allows.
	Tracked func(rel string) bool
}

// Tree is a repository's work tree and the rule for reading it. It is safe
// for concurrent use.
type Tree struct {
	root string // absolute, with every link on it resolved
	opts Options
}

// New returns the tree rooted at root. A root reached through a symbolic
// link (a linked home folder) is the folder it leads to.
func New(root string, opts Options) (*Tree, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("work tree %s: %w", root, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("work tree %s: %w", root, err)
	}
	return &Tree{root: real, opts: opts}, nil
}

// Root is the tree's folder, absolute and with links resolved.
func (t *Tree) Root() string { return t.root }

// Git reports whether the tree knows which files Git tracks.
func (t *Tree) Git() bool { return t.opts.Tracked != nil }

// Tracked reports whether Git tracks rel; always false outside Git.
func (t *Tree) Tracked(rel string) bool {
	return t.opts.Tracked != nil && t.opts.Tracked(rel)
}

// File is a file the rule lets be read.
type File struct {
	// Path is the repository-relative slash path asked for.
	Path string
	// Real is where it is once every symbolic link on it is resolved,
	// repository-relative; Path when there is none.
	Real string
	// Linked says that a symbolic link is on the way (Real != Path, or the
	// file itself is a link to a file of the same name elsewhere).
	Linked bool
	// Size is the file's size in bytes.
	Size int64
}

// Abs is the file's absolute path, links resolved.
func (t *Tree) Abs(f File) string { return filepath.Join(t.root, filepath.FromSlash(f.Real)) }

// Refusal is a path the rule does not let be read.
type Refusal struct {
	// Path is the repository-relative path asked for.
	Path string
	// Target is where the links on it lead: a repository-relative path,
	// or an absolute one outside the repository; "" when no link is on
	// the way.
	Target string
	// Reason says why, e.g. "leads to a hidden file".
	Reason string
}

// Error names the file, its target and the reason.
func (r *Refusal) Error() string {
	if r.Target != "" {
		return fmt.Sprintf("%s -> %s: %s", r.Path, r.Target, r.Reason)
	}
	return r.Path + ": " + r.Reason
}

// Linked says whether a symbolic link made the path be refused.
func (r *Refusal) Linked() bool { return r.Target != "" }

// Hidden reports whether a slash path has a component starting with ".".
func Hidden(rel string) bool {
	for part := range strings.SplitSeq(rel, "/") {
		if strings.HasPrefix(part, ".") && part != "." {
			return true
		}
	}
	return false
}

// Resolve checks a repository-relative slash path against the rule and
// returns where it leads. A path that does not exist is an error wrapping
// fs.ErrNotExist; a path the rule refuses is a *Refusal. A path that is
// not a regular file (a folder, a device) is refused too.
func (t *Tree) Resolve(rel string) (File, error) {
	clean := path.Clean(rel)
	if rel == "" || clean != rel || clean == "." || path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") ||
		strings.ContainsAny(clean, "\x00\\") {
		return File{}, &Refusal{Path: rel, Reason: "is not a path inside the repository"}
	}
	if Hidden(rel) {
		return File{}, &Refusal{Path: rel, Reason: "is hidden (a path component starts with \".\")"}
	}
	full := filepath.Join(t.root, filepath.FromSlash(rel))
	// The common case, no link on the way, costs one lstat per component
	// below the root (the root is resolved already); EvalSymlinks would
	// lstat every component from /.
	lst, linked, err := lstatPath(t.root, rel)
	if err != nil {
		return File{}, err
	}
	if !linked {
		if !lst.Mode().IsRegular() {
			what := "is not a regular file"
			if lst.IsDir() {
				what = "is a folder"
			}
			return File{}, &Refusal{Path: rel, Reason: what}
		}
		return File{Path: rel, Real: rel, Size: lst.Size()}, nil
	}
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		// The name is there (its folders resolved), where it leads is
		// not, or it leads round in a loop: a broken link.
		return File{}, &Refusal{Path: rel, Target: linkTarget(full), Reason: "is a broken symbolic link"}
	}
	f := File{Path: rel, Real: rel, Linked: real != full}
	if f.Linked {
		r, err := filepath.Rel(t.root, real)
		if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) || filepath.IsAbs(r) {
			return File{}, &Refusal{Path: rel, Target: real, Reason: "leads outside the repository"}
		}
		f.Real = filepath.ToSlash(r)
		if f.Real == "." || Hidden(f.Real) {
			return File{}, &Refusal{Path: rel, Target: f.Real, Reason: "leads to a hidden file"}
		}
	}
	st := lst
	if f.Linked {
		if st, err = os.Stat(real); err != nil {
			return File{}, err
		}
	}
	if !st.Mode().IsRegular() {
		what := "is not a regular file"
		if st.IsDir() {
			what = "is a folder"
		}
		if f.Linked {
			return File{}, &Refusal{Path: rel, Target: f.Real, Reason: "leads to a folder, not a file"}
		}
		return File{}, &Refusal{Path: rel, Reason: what}
	}
	if f.Linked && t.opts.Tracked != nil && !t.opts.Tracked(f.Real) {
		return File{}, &Refusal{Path: rel, Target: f.Real, Reason: "leads to a file Git does not track"}
	}
	f.Size = st.Size()
	return f, nil
}

// lstatPath lstats each component of rel below root in turn, stopping at
// the first symbolic link: it returns the last component's information, and
// whether a link is on the way (then the information is the link's).
func lstatPath(root, rel string) (os.FileInfo, bool, error) {
	p := root
	var st os.FileInfo
	for part := range strings.SplitSeq(rel, "/") {
		p = filepath.Join(p, part)
		var err error
		if st, err = os.Lstat(p); err != nil {
			return nil, false, err
		}
		if st.Mode()&os.ModeSymlink != 0 {
			return st, true, nil
		}
	}
	return st, false, nil
}

// linkTarget is what the link at full says, for a message.
func linkTarget(full string) string {
	if s, err := os.Readlink(full); err == nil {
		return s
	}
	return "?"
}

// Open opens a file Resolve allowed, at the place it resolved to: a link
// changed since cannot lead the read elsewhere unnoticed, as the path
// opened has no link on it.
func (t *Tree) Open(f File) (*os.File, error) {
	fh, err := os.Open(t.Abs(f))
	if err != nil {
		return nil, err
	}
	st, err := fh.Stat()
	if err != nil || !st.Mode().IsRegular() {
		fh.Close()
		if err == nil {
			err = &Refusal{Path: f.Path, Target: f.Real, Reason: "is no longer a regular file"}
		}
		return nil, err
	}
	return fh, nil
}

// ReadFile resolves rel and reads it whole, up to limit bytes (the rest is
// an error naming the file's size).
func (t *Tree) ReadFile(rel string, limit int64) ([]byte, error) {
	f, err := t.Resolve(rel)
	if err != nil {
		return nil, err
	}
	if f.Size > limit {
		return nil, fmt.Errorf("%s: %d bytes, more than the limit of %d", rel, f.Size, limit)
	}
	fh, err := t.Open(f)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = fmt.Errorf("%s: more than the limit of %d bytes", rel, limit)
	}
	return data, err
}
