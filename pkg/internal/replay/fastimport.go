package replay

import (
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/tools/txtar"
)

// errSlowPath says the archive needs something the one-process import
// does not model; Apply then runs its steps one git command at a time.
var errSlowPath = errors.New("replay: step by step")

// entry is a file of a tree or of the work tree: its content, or its
// target when it is a symbolic link.
type entry struct {
	data string
	link bool
}

type tree map[string]entry

func (t tree) clone() tree {
	c := make(tree, len(t))
	for k, v := range t {
		c[k] = v
	}
	return c
}

func (t tree) equal(o tree) bool {
	if len(t) != len(o) {
		return false
	}
	for k, v := range t {
		if w, ok := o[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// simCommit is a commit of the model: its parents, tree and hash. written
// is true once its objects are in the repository.
type simCommit struct {
	parents []*simCommit
	tree    tree
	hash    string
	written bool
}

// importer writes an archive's whole history without git, as loose
// objects and refs, and its work tree and index with one `git read-tree`,
// instead of two git processes per commit: the steps are played on a
// model of the repository (work tree, index, branches), and anything the
// model does not cover exactly as git does (a .gitignore, a merge with
// deletions or with both sides changing a file, a dirty work tree when
// switching, ...) returns errSlowPath before anything is written.
type importer struct {
	r        *Repo
	work     tree // the work tree
	index    tree // what git add -A last staged, moved or removed
	staged   bool // mv or rm since the last commit
	branches map[string]*simCommit
	tags     map[string]*simCommit
	cur      string
	steps    int
	// objects are the objects the commits since the last write made, by
	// hash; pending are those commits; refs are the branches as the
	// repository has them.
	objects map[[sha1.Size]byte]object
	pending []*simCommit
	refs    map[string]*simCommit
	// headRef is the branch .git/HEAD names, indexed the commit the
	// index file was last reset to.
	headRef string
	indexed *simCommit
}

func newImporter(r *Repo) *importer {
	return &importer{r: r, work: tree{}, index: tree{}, branches: map[string]*simCommit{}, tags: map[string]*simCommit{},
		cur: "main", objects: map[[sha1.Size]byte]object{}, refs: map[string]*simCommit{}, headRef: "main"}
}

// fastApply is Apply without a git process per step; errSlowPath when the archive
// needs the step-by-step path, with nothing written. It returns the model
// of the repository it wrote.
func (r *Repo) fastApply(ctx context.Context, ar *txtar.Archive) (*importer, error) {
	if !r.pristine {
		return nil, errSlowPath
	}
	if ents, err := os.ReadDir(r.Dir); err != nil || len(ents) != 1 || ents[0].Name() != ".git" {
		return nil, errSlowPath
	}
	im := newImporter(r)
	err := eachSection(ctx, ar, func(_ int, sec string, step []string, data []byte) error {
		if step != nil {
			im.steps++
			return im.step(step, string(data))
		}
		return im.write(sec, entry{data: string(data)})
	})
	if err != nil {
		return nil, err
	}
	if im.steps == 0 {
		if err := im.commit("Add postmortems\n", nil); err != nil {
			return nil, err
		}
	}
	if im.staged || im.branches[im.cur] == nil {
		return nil, errSlowPath
	}
	return im, im.run(ctx)
}

func (im *importer) step(args []string, body string) error {
	if len(args) == 0 {
		return errSlowPath
	}
	n := len(args)
	switch {
	case args[0] == "commit" && n == 1:
		return im.commit(body, nil)
	case args[0] == "mv" && n == 3:
		return im.mv(args[1], args[2])
	case args[0] == "rm" && n == 2:
		return im.rm(args[1])
	case args[0] == "ln" && n == 4 && args[1] == "-s":
		if _, ok := im.work[args[3]]; ok {
			return errSlowPath
		}
		return im.write(args[3], entry{data: args[2], link: true})
	case args[0] == "branch" && n == 2:
		head := im.branches[im.cur]
		if head == nil || im.branches[args[1]] != nil || !validRef(args[1]) {
			return errSlowPath
		}
		im.branches[args[1]], im.cur = head, args[1]
		return nil
	case args[0] == "switch" && n == 2:
		to := im.branches[args[1]]
		if to == nil || !im.clean() {
			return errSlowPath
		}
		im.cur, im.work, im.index = args[1], to.tree.clone(), to.tree.clone()
		return nil
	case args[0] == "merge" && n == 2:
		return im.merge(args[1], body)
	case args[0] == "tag" && n == 2:
		head := im.branches[im.cur]
		if head == nil || im.tags[args[1]] != nil || !validRef(args[1]) {
			return errSlowPath
		}
		im.tags[args[1]] = head
		return nil
	case args[0] == "final" && n >= 2:
		return im.final(args[1:])
	}
	return errSlowPath
}

// validRef is a branch or tag name git takes as it is.
func validRef(name string) bool {
	if name == "" || strings.HasPrefix(name, "-") || strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") ||
		strings.HasSuffix(name, ".lock") || strings.HasSuffix(name, ".") || strings.Contains(name, "..") ||
		strings.Contains(name, "//") || strings.Contains(name, "@{") || name == "HEAD" {
		return false
	}
	for _, c := range name {
		if c <= ' ' || c == 0x7f || strings.ContainsRune("~^:?*[\\", c) {
			return false
		}
	}
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") {
			return false
		}
	}
	return true
}

// write puts a file into the model's work tree, as WriteFile and os.Symlink
// would; a path git would ignore or that a folder and a file would share
// takes the slow path.
func (im *importer) write(name string, e entry) error {
	if name == "" || path.Clean(name) != name || strings.HasPrefix(name, "../") || name == ".." || path.IsAbs(name) {
		return errSlowPath
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".git" || part == ".gitignore" || part == ".gitattributes" || part == ".gitmodules" {
			return errSlowPath
		}
	}
	for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
		if _, ok := im.work[dir]; ok {
			return errSlowPath
		}
	}
	prefix := name + "/"
	for p := range im.work {
		if strings.HasPrefix(p, prefix) {
			return errSlowPath
		}
	}
	if old, ok := im.work[name]; ok && old.link {
		return errSlowPath // os.WriteFile would write through the link
	}
	im.work[name] = e
	return nil
}

func (im *importer) final(paths []string) error {
	final := im.r.opts.Final
	if final == nil {
		return errSlowPath
	}
	for _, p := range paths {
		err := fs.WalkDir(final, path.Clean(p), func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(final, name)
			if err != nil {
				return err
			}
			return im.write(name, entry{data: string(data)})
		})
		if err != nil {
			return errSlowPath
		}
	}
	return nil
}

// reset makes the model's work tree work (read from disk) and its index
// the current commit's tree, as a commit leaves it, and returns that tree.
func (im *importer) reset(work tree) tree {
	head := tree{}
	if c := im.branches[im.cur]; c != nil {
		head = c.tree
	}
	im.work, im.index, im.staged = work, head.clone(), false
	return head
}

// clean is true when the work tree and the index are the current commit's.
func (im *importer) clean() bool {
	head := im.branches[im.cur]
	return head != nil && !im.staged && im.work.equal(head.tree) && im.index.equal(head.tree)
}

func (im *importer) mv(from, to string) error {
	e, ok := im.work[from]
	if !ok {
		return im.mvFolder(from, to)
	}
	if _, tracked := im.index[from]; !tracked {
		return errSlowPath
	}
	if _, ok := im.work[to]; ok {
		return errSlowPath
	}
	delete(im.work, from)
	if err := im.write(to, e); err != nil {
		return err
	}
	im.index[to] = im.index[from]
	delete(im.index, from)
	im.staged = true
	return nil
}

// mvFolder is git mv of a folder holding tracked files to a path that
// does not exist: the folder is renamed, untracked files with it.
func (im *importer) mvFolder(from, to string) error {
	prefix, toPrefix := from+"/", to+"/"
	var moved []string
	tracked := false
	for p := range im.work {
		if strings.HasPrefix(p, prefix) {
			moved = append(moved, p)
			_, ok := im.index[p]
			tracked = tracked || ok
		}
		if p == to || strings.HasPrefix(p, toPrefix) {
			return errSlowPath
		}
	}
	if !tracked || path.Clean(from) != from || from == "." || strings.HasPrefix(to, prefix) {
		return errSlowPath
	}
	sort.Strings(moved)
	entries := make([]entry, len(moved))
	for i, p := range moved {
		entries[i] = im.work[p]
		delete(im.work, p)
	}
	for i, p := range moved {
		if err := im.write(toPrefix+strings.TrimPrefix(p, prefix), entries[i]); err != nil {
			return err
		}
	}
	for p, e := range im.index {
		if strings.HasPrefix(p, prefix) {
			delete(im.index, p)
			im.index[toPrefix+strings.TrimPrefix(p, prefix)] = e
		}
	}
	im.staged = true
	return nil
}

func (im *importer) rm(name string) error {
	head := im.branches[im.cur]
	if head == nil {
		return errSlowPath
	}
	e, ok := im.work[name]
	if !ok || e != head.tree[name] || im.index[name] != head.tree[name] {
		return errSlowPath
	}
	delete(im.work, name)
	delete(im.index, name)
	im.staged = true
	return nil
}

// commit stages the whole work tree and commits it on the current branch,
// with a second parent for a merge.
func (im *importer) commit(body string, merge *simCommit) error {
	env, msg, err := im.r.headers(body)
	if err != nil {
		return errSlowPath
	}
	author, err := identity(env)
	if err != nil {
		return err
	}
	msg = stripspace(msg)
	if msg == "" {
		return errSlowPath
	}
	c := &simCommit{tree: im.work.clone()}
	if head := im.branches[im.cur]; head != nil {
		c.parents = append(c.parents, head)
	}
	if merge != nil {
		c.parents = append(c.parents, merge)
	}
	c.hash = im.storeCommit(c, author, msg)
	im.pending = append(im.pending, c)
	im.branches[im.cur] = c
	im.index = c.tree.clone()
	im.staged = false
	im.r.commits++
	return nil
}

// merge is `git merge --no-ff` when git's answer is certain: the branch is
// ahead of the current one, or both moved on in different files with no
// file deleted (so no rename or folder rename can pair them differently).
func (im *importer) merge(branch, body string) error {
	ours, theirs := im.branches[im.cur], im.branches[branch]
	if ours == nil || theirs == nil || ours == theirs || !im.clean() {
		return errSlowPath
	}
	if isAncestor(theirs, ours) {
		return errSlowPath // "Already up to date": no commit
	}
	result := theirs.tree
	if !isAncestor(ours, theirs) {
		bases := mergeBases(ours, theirs)
		if len(bases) != 1 {
			return errSlowPath
		}
		base := bases[0].tree
		result = ours.tree.clone()
		for p := range base {
			if _, ok := ours.tree[p]; !ok {
				return errSlowPath
			}
			if _, ok := theirs.tree[p]; !ok {
				return errSlowPath
			}
		}
		for p, te := range theirs.tree {
			be, inBase := base[p]
			if inBase && be == te {
				continue // theirs left it
			}
			oe, inOurs := ours.tree[p]
			if inOurs && oe != te && (!inBase || oe != be) {
				return errSlowPath // both changed it: a content merge
			}
			result[p] = te
		}
	}
	im.work = result.clone()
	return im.commit(body, theirs)
}

func isAncestor(a, b *simCommit) bool {
	seen := map[*simCommit]bool{}
	var walk func(c *simCommit) bool
	walk = func(c *simCommit) bool {
		if c == a {
			return true
		}
		if seen[c] {
			return false
		}
		seen[c] = true
		for _, p := range c.parents {
			if walk(p) {
				return true
			}
		}
		return false
	}
	return walk(b)
}

// mergeBases are the best common ancestors of a and b.
func mergeBases(a, b *simCommit) []*simCommit {
	ancestors := func(c *simCommit) map[*simCommit]bool {
		out := map[*simCommit]bool{}
		var walk func(c *simCommit)
		walk = func(c *simCommit) {
			if out[c] {
				return
			}
			out[c] = true
			for _, p := range c.parents {
				walk(p)
			}
		}
		walk(c)
		return out
	}
	aa, ab := ancestors(a), ancestors(b)
	var common []*simCommit
	for c := range aa {
		if ab[c] {
			common = append(common, c)
		}
	}
	var best []*simCommit
	for _, c := range common {
		dominated := false
		for _, d := range common {
			if d != c && isAncestor(c, d) {
				dominated = true
				break
			}
		}
		if !dominated {
			best = append(best, c)
		}
	}
	return best
}

// identity is the commit object's "Name <email> seconds +zone" of the author
// (also the committer) the environment headers() gave names; names git
// would clean up take the slow path.
func identity(env []string) (string, error) {
	var name, email, date string
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "GIT_AUTHOR_NAME":
			name = v
		case "GIT_AUTHOR_EMAIL":
			email = v
		case "GIT_AUTHOR_DATE":
			date = v
		}
	}
	const crud = " .,:;<>\"\\'"
	for _, s := range []string{name, email} {
		if s == "" || strings.ContainsAny(s, "<>\n") || strings.ContainsAny(s[:1], crud) || strings.ContainsAny(s[len(s)-1:], crud) {
			return "", errSlowPath
		}
	}
	d, err := time.Parse(time.RFC3339, date)
	if err != nil {
		return "", errSlowPath
	}
	_, off := d.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%s <%s> %d %c%02d%02d", name, email, d.Unix(), sign, off/3600, off%3600/60), nil
}

// stripspace cleans a message up as git commit -m does (git stripspace):
// no trailing spaces, no leading or trailing blank lines, blank lines
// squeezed to one, and a final newline.
func stripspace(msg string) string {
	var out []string
	blank := false
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimRight(line, " \t\r\v\f")
		if line == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, line)
	}
	if len(out) == 0 {
		return ""
	}
	return strings.Join(out, "\n") + "\n"
}

// run writes the history (objects, refs), points HEAD at the current
// branch, checks its tree out, and writes what the archive left
// uncommitted.
func (im *importer) run(ctx context.Context) error {
	r := im.r
	if err := im.writeRepo(); err != nil {
		return err
	}
	if _, err := r.git(ctx, "read-tree", "-u", "--reset", "HEAD"); err != nil {
		return err
	}
	im.indexed = im.branches[im.cur]
	head := im.branches[im.cur].tree
	for p := range head {
		if _, ok := im.work[p]; !ok {
			if err := os.Remove(r.path(p)); err != nil {
				return err
			}
		}
	}
	for _, p := range sortedKeys(im.work) {
		e := im.work[p]
		if h, ok := head[p]; ok && h == e {
			continue
		}
		if err := r.mkdirFor(p); err != nil {
			return err
		}
		if e.link {
			os.Remove(r.path(p))
			if err := os.Symlink(e.data, r.path(p)); err != nil {
				return err
			}
		} else if err := os.WriteFile(r.path(p), []byte(e.data), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeRepo writes the objects of the commits made since the last write
// as loose objects (as git commit leaves them), then the branches, the
// tags and HEAD: what one git fast-import would, without its process (and
// the git unpack-objects it starts to leave objects loose).
func (im *importer) writeRepo() error {
	gitDir := filepath.Join(im.r.Dir, ".git")
	for id, o := range im.objects {
		if err := writeObject(gitDir, id, o); err != nil {
			return err
		}
	}
	refs := map[string]*simCommit{}
	for name, c := range im.branches {
		if c != nil && im.refs[name] != c {
			refs["refs/heads/"+name] = c
		}
	}
	for name, c := range im.tags {
		refs["refs/tags/"+name] = c
	}
	for _, name := range sortedKeys(refs) {
		p := filepath.Join(gitDir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(refs[name].hash+"\n"), 0o644); err != nil {
			return err
		}
	}
	if im.cur != im.headRef {
		if err := os.WriteFile(filepath.Join(gitDir, "HEAD"), []byte("ref: refs/heads/"+im.cur+"\n"), 0o644); err != nil {
			return err
		}
		im.headRef = im.cur
	}
	for _, c := range im.pending {
		c.written = true
	}
	for name, c := range im.branches {
		im.refs[name] = c
	}
	im.pending, im.objects = nil, map[[sha1.Size]byte]object{}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
