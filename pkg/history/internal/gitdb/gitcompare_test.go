package gitdb

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"golang.org/x/tools/txtar"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
)

// The tests in this file make repositories with the git binary and check
// that what the package reads is what git prints for them.

// fixture makes the repository of testdata/repo.txtar, then adds a file
// larger than a delta's largest copy (64 KiB) and edits its middle.
func fixture(t *testing.T) *repotest.Repo {
	t.Helper()
	ar, err := txtar.ParseFile("testdata/repo.txtar")
	if err != nil {
		t.Fatal(err)
	}
	r := repotest.New(t)
	r.Apply(ar)
	var big bytes.Buffer
	for i := range 4000 {
		fmt.Fprintf(&big, "line %d of a long generated file, long enough to need several copies\n", i)
	}
	r.WriteFile("archive/big.txt", big.Bytes())
	r.Commit("Add a large file\n")
	edited := bytes.Replace(big.Bytes(), []byte("line 2000 of"), []byte("line two thousand of"), 1)
	r.WriteFile("archive/big.txt", edited)
	r.Commit("Edit the large file\n")
	return r
}

// gitOutput runs git in dir and returns its standard output untrimmed,
// for output whose last bytes matter.
func gitOutput(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1", "LC_ALL=C")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

// storages lay out a fixture's objects in the ways a repository has them,
// one after the other.
var storages = []struct {
	name string
	do   func(r *repotest.Repo)
}{
	{"loose", func(*repotest.Repo) {}},
	{"packed", func(r *repotest.Repo) { r.Git("gc", "-q") }},
	{"packed with ref deltas", func(r *repotest.Repo) {
		r.Git("-c", "repack.useDeltaBaseOffset=false", "repack", "-q", "-a", "-d", "-f")
	}},
	{"packed and loose", func(r *repotest.Repo) {
		r.WriteFile("archive/docs/a.txt", []byte("written after the pack\n"))
		r.Commit("A loose commit on top of the pack\n")
	}},
}

// TestAgainstGit makes the fixture once and compares with git, in turn:
// Walk with git log, Diff with git diff-tree, Lookup with git ls-tree,
// every object with git cat-file in each storage, and Status with git
// status after changing the work tree.
func TestAgainstGit(t *testing.T) {
	t.Parallel()
	r := fixture(t)
	t.Run("walk", func(t *testing.T) { testWalk(t, r) })
	t.Run("diff", func(t *testing.T) { testDiff(t, r) })
	t.Run("lookup", func(t *testing.T) { testLookup(t, r) })
	for _, st := range storages {
		st.do(r)
		t.Run("read "+st.name, func(t *testing.T) { testRead(t, r, st.name == "packed with ref deltas") })
	}
	t.Run("status", func(t *testing.T) { testStatus(t, r) })
}

// open opens the repository and its objects, closed when the test ends.
func open(t *testing.T, dir string) (*Repository, *Objects) {
	t.Helper()
	g, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	o := g.OpenObjects()
	t.Cleanup(func() { o.Close() })
	return g, o
}

// testRead reads every object of the repository and compares it with
// `git cat-file --batch`; with refDeltas, the pack must hold ref deltas.
func testRead(t *testing.T, r *repotest.Repo, refDeltas bool) {
	_, o := open(t, r.Dir)
	rd := o.NewReader(1 << 20)
	out := gitOutput(t, r.Dir, "cat-file", "--batch-all-objects", "--batch")
	n := 0
	for len(out) > 0 {
		hdr, rest, _ := bytes.Cut(out, []byte{'\n'})
		var hash, typ string
		var size int
		if _, err := fmt.Sscanf(string(hdr), "%s %s %d", &hash, &typ, &size); err != nil || size+1 > len(rest) {
			t.Fatalf("cat-file output %q: %v", hdr, err)
		}
		want := rest[:size]
		out = rest[size+1:]
		gotTyp, got, err := rd.Read(plumbing.NewHash(hash))
		switch {
		case err != nil:
			t.Errorf("%s: %v", hash, err)
		case gotTyp.String() != typ:
			t.Errorf("%s: a %s, git says a %s", hash, gotTyp, typ)
		case !bytes.Equal(got, want):
			t.Errorf("%s: content differs from git's:\n got %q\nwant %q", hash, got, want)
		}
		n++
		rd.Recycle()
	}
	if n < 40 {
		t.Errorf("only %d objects", n)
	}
	if _, _, err := rd.Read(plumbing.NewHash(strings.Repeat("ab", 20))); err == nil {
		t.Error("an object the repository does not have was read")
	}
	if refDeltas && countPacked(t, o, plumbing.REFDeltaObject) == 0 {
		t.Error("git wrote no ref deltas: the test reads none")
	}
}

// countPacked counts the objects of type typ in o's packs.
func countPacked(t *testing.T, o *Objects, typ plumbing.ObjectType) int {
	t.Helper()
	n := 0
	for _, p := range o.packs {
		it, err := p.idx.Entries()
		if err != nil {
			t.Fatal(err)
		}
		for {
			e, err := it.Next()
			if err != nil {
				break
			}
			got, _, _, _, _, err := parseHeader(p.data, int64(e.Offset))
			if err != nil {
				t.Fatal(err)
			}
			if got == typ {
				n++
			}
		}
	}
	return n
}

// headWalk walks the commits of the repository in dir from HEAD.
func headWalk(t *testing.T, dir string, opts WalkOptions) (*Objects, Walked) {
	t.Helper()
	g, o := open(t, dir)
	head, err := g.Head()
	if err != nil {
		t.Fatal(err)
	}
	w, err := o.NewReader(1<<20).Walk(context.Background(), head, opts)
	if err != nil {
		t.Fatal(err)
	}
	return o, w
}

// logFormat prints what Walk reads of a commit, one field after another.
const logFormat = "--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%ad%x00%cn%x00%ce%x00%cd%x00%B%x01"

// describe prints a commit as git log prints it with logFormat.
func describe(c Commit) string {
	var parents []string
	for _, p := range c.Parents {
		parents = append(parents, p.String())
	}
	date := func(s Signature) string {
		z := s.Zone
		sign := '+'
		if z < 0 {
			sign, z = '-', -z
		}
		return fmt.Sprintf("%d %c%02d%02d", s.Unix, sign, z/60, z%60)
	}
	return strings.Join([]string{c.Hash.String(), c.Tree.String(), strings.Join(parents, " "),
		c.Author.Name, c.Author.Email, date(c.Author), c.Committer.Name, c.Committer.Email, date(c.Committer), c.Message}, "\x00")
}

// gitLog is `git log` of the repository in dir, one entry per commit.
func gitLog(t *testing.T, dir string) []string {
	t.Helper()
	out := string(gitOutput(t, dir, "log", "--date=raw", logFormat))
	entries := strings.Split(out, "\x01\n")
	return entries[:len(entries)-1]
}

// testWalk compares Walk with `git log`: the order, and every field it
// reads, of a full history and of a shallow clone.
func testWalk(t *testing.T, r *repotest.Repo) {
	check := func(t *testing.T, dir string, opts WalkOptions) {
		t.Helper()
		_, w := headWalk(t, dir, opts)
		var got []string
		for _, c := range w.Commits {
			got = append(got, describe(c))
		}
		want := gitLog(t, dir)
		if !slices.Equal(got, want) {
			t.Errorf("walk differs from git log:\n got %q\nwant %q", got, want)
		}
		if len(w.Missing) > 0 || w.Read != len(got) {
			t.Errorf("missing %v, read %d of %d", w.Missing, w.Read, len(got))
		}
	}
	t.Run("full", func(t *testing.T) {
		check(t, r.Dir, WalkOptions{})
	})
	t.Run("shallow", func(t *testing.T) {
		dst := t.TempDir()
		r.Git("clone", "-q", "--depth", "3", "file://"+filepath.ToSlash(r.Dir), dst)
		g, err := Open(dst)
		if err != nil {
			t.Fatal(err)
		}
		shallow, err := g.Shallow()
		if err != nil || len(shallow) == 0 {
			t.Fatalf("shallow commits %v, %v", shallow, err)
		}
		check(t, dst, WalkOptions{Shallow: shallow})
	})
	t.Run("known", func(t *testing.T) {
		_, all := headWalk(t, r.Dir, WalkOptions{})
		known := map[plumbing.Hash]*Commit{}
		for i := range all.Commits[2:] {
			known[all.Commits[2+i].Hash] = &all.Commits[2+i]
		}
		_, w := headWalk(t, r.Dir, WalkOptions{Known: known})
		if w.Read != 2 || !slices.EqualFunc(w.Commits, all.Commits, func(a, b Commit) bool { return describe(a) == describe(b) }) {
			t.Errorf("with known commits: read %d, want 2; same commits: %v", w.Read, len(w.Commits) == len(all.Commits))
		}
	})
}

// nameStatus prints changes as `git diff-tree -r -M --name-status` does,
// sorted: a rename as R, its source not as a deletion.
func nameStatus(cs []Change) []string {
	moved := map[string]bool{}
	for _, c := range cs {
		if c.From != "" {
			moved[c.From] = true
		}
	}
	var out []string
	for _, c := range cs {
		switch {
		case c.From != "":
			out = append(out, "R\t"+c.From+"\t"+c.Path)
		case c.Prev.IsZero():
			out = append(out, "A\t"+c.Path)
		case c.Blob.IsZero():
			if !moved[c.Path] {
				out = append(out, "D\t"+c.Path)
			}
		default:
			out = append(out, "M\t"+c.Path)
		}
	}
	slices.Sort(out)
	return out
}

// gitDiffTree is `git diff-tree -r -M --name-status` of two trees, asked
// once per pair: the limits to a folder are applied to its answer.
type gitDiffTree struct {
	dir  string
	seen map[[2]plumbing.Hash]string
}

// nameStatus is git's answer for two trees, with rename scores left out
// and type changes as modifications, limited to files under folder (""
// for all): a file moved out of it is a deletion.
func (d *gitDiffTree) nameStatus(t *testing.T, before, after plumbing.Hash, folder string) []string {
	t.Helper()
	if before.IsZero() {
		before = plumbing.NewHash("4b825dc642cb6eb9a060e54bf8d69288fbee4904") // the empty tree
	}
	raw, ok := d.seen[[2]plumbing.Hash{before, after}]
	if !ok {
		raw = strings.TrimSpace(string(gitOutput(t, d.dir, "diff-tree", "-r", "-M", "--name-status", before.String(), after.String())))
		d.seen[[2]plumbing.Hash{before, after}] = raw
	}
	under := func(p string) bool { return folder == "" || strings.HasPrefix(p, folder+"/") }
	var out []string
	for _, line := range strings.Split(raw, "\n") {
		f := strings.Split(line, "\t")
		if line == "" {
			continue
		}
		switch status := f[0][:1]; {
		case status == "R" && under(f[2]):
			out = append(out, "R\t"+f[1]+"\t"+f[2])
		case status == "R" && under(f[1]):
			out = append(out, "D\t"+f[1])
		case status == "T" && under(f[1]):
			out = append(out, "M\t"+f[1])
		case status != "R" && under(f[1]):
			out = append(out, status+"\t"+f[1])
		}
	}
	slices.Sort(out)
	return out
}

// testDiff compares each first-parent commit with its parent, over the
// whole tree and limited to a folder, with `git diff-tree -M`: files
// added, deleted, modified and renamed, a rename's source found wherever
// it was.
func testDiff(t *testing.T, r *repotest.Repo) {
	o, w := headWalk(t, r.Dir, WalkOptions{})
	index := Positions(w.Commits)
	pairs := ParentPairs(w.Commits, index, FirstParents(w.Commits, index))
	renames := 0
	git := &gitDiffTree{dir: r.Dir, seen: map[[2]plumbing.Hash]string{}}
	for _, folder := range []string{"", "notes", "archive/docs", "docs"} {
		var paths []string
		if folder != "" {
			paths = []string{folder}
		}
		got, err := o.Diff(context.Background(), pairs, NewPaths(paths))
		if err != nil {
			t.Fatal(err)
		}
		for k, p := range pairs {
			g, want := nameStatus(got[k]), git.nameStatus(t, p.Before, p.After, folder)
			if !slices.Equal(g, want) {
				t.Errorf("commit %s, folder %q:\n got %q\nwant %q", p.Commit, folder, g, want)
			}
			for _, s := range g {
				if strings.HasPrefix(s, "R") {
					renames++
				}
			}
		}
	}
	if renames < 6 {
		t.Errorf("only %d renames compared", renames)
	}
}

// testLookup finds every entry of HEAD's tree and compares its hash and
// mode with `git ls-tree`.
func testLookup(t *testing.T, r *repotest.Repo) {
	_, w := headWalk(t, r.Dir, WalkOptions{})
	rd := w.reader(t, r.Dir)
	root := w.Commits[0].Tree
	n := 0
	for _, line := range strings.Split(r.Git("ls-tree", "-r", "-t", "--full-tree", "HEAD"), "\n") {
		meta, path, _ := strings.Cut(line, "\t")
		f := strings.Fields(meta)
		want, _ := strconv.ParseUint(f[0], 8, 32)
		h, mode, err := rd.Lookup(root, path)
		if err != nil || h.String() != f[2] || uint64(mode) != want {
			t.Errorf("%s: %s %o %v, git says %s %s", path, h, mode, err, f[2], f[0])
		}
		n++
	}
	if n < 8 {
		t.Errorf("only %d entries", n)
	}
	for _, p := range []string{"no/such/file", "archive/big.txt/below", "notes/missing.txt"} {
		if h, mode, err := rd.Lookup(root, p); err != nil || mode != filemode.Empty || !h.IsZero() {
			t.Errorf("%s: %s %o %v, want nothing", p, h, mode, err)
		}
	}
}

// reader returns a reader over the objects of the repository in dir.
func (Walked) reader(t *testing.T, dir string) *Reader {
	t.Helper()
	_, o := open(t, dir)
	return o.NewReader(1 << 20)
}

// testStatus changes the work tree and compares Modified with `git
// status`: an edited file, one written again unchanged, a deleted one, a
// new one, untouched ones and a symbolic link whose target is gone.
func testStatus(t *testing.T, r *repotest.Repo) {
	g, o := open(t, r.Dir)
	rd := o.NewReader(1 << 20)
	head, err := g.Head()
	if err != nil {
		t.Fatal(err)
	}
	_, w := headWalk(t, r.Dir, WalkOptions{})
	if w.Commits[0].Hash != head {
		t.Fatal("the walk does not start at HEAD")
	}
	write := func(p, s string) {
		if err := os.WriteFile(filepath.Join(r.Dir, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	content, err := os.ReadFile(filepath.Join(r.Dir, "notes", "b.txt"))
	if err != nil {
		t.Fatal(err)
	}
	write("notes/b.txt", string(content)) // the same bytes, written again
	write("archive/docs/new.txt", "edited\n")
	write("untracked.txt", "new\n")
	if err := os.Remove(filepath.Join(r.Dir, "feature", "x.txt")); err != nil {
		t.Fatal(err)
	}
	st := g.Status()
	paths := strings.Split(r.Git("ls-tree", "-r", "--name-only", "--full-tree", "HEAD"), "\n")
	paths = append(paths, "untracked.txt")
	got := map[string]bool{}
	for _, p := range paths {
		blob, mode, err := rd.Lookup(w.Commits[0].Tree, p)
		if err != nil {
			t.Fatal(err)
		}
		if !mode.IsFile() {
			blob = plumbing.ZeroHash
		}
		if got[p], err = st.Modified(p, blob); err != nil {
			t.Fatal(err)
		}
	}
	// git status refreshes the index, so it runs after Modified.
	want := map[string]bool{}
	for _, line := range strings.Split(string(gitOutput(t, r.Dir, "status", "--porcelain=v1", "--untracked-files=all")), "\n") {
		if len(line) > 3 {
			want[line[3:]] = true
		}
	}
	for _, p := range paths {
		if got[p] != want[p] {
			t.Errorf("%s: modified %v, git status says %v", p, got[p], want[p])
		}
	}
	if len(want) != 3 {
		t.Errorf("git status lists %v, want three files", want)
	}
}
