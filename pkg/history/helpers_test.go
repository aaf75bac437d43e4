package history

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
)

// testRepo is a repository made with the git binary, whose commits have
// fixed authors and a clock that moves one hour per commit, in a zone two
// hours east of UTC. Its commits are deferred (repotest.NewDeferred) and
// written into .git when the test reads the repository: through dir or
// Git.
type testRepo struct {
	g   *repotest.Repo
	t   testing.TB
	now time.Time
}

var (
	ana   = who{"Ana Lima", "ana@example.com"}
	bo    = who{"Bo Chen", "bo@example.com"}
	cy    = who{"Cy Park", "cy@example.com"}
	dee   = who{"Dee Roy", "dee@example.com"}
	zoneA = time.FixedZone("", 2*3600)
)

type who struct{ name, email string }

func newTestRepo(t testing.TB) *testRepo {
	t.Helper()
	return &testRepo{g: repotest.NewDeferred(t), t: t, now: time.Date(2024, 3, 1, 9, 0, 0, 0, zoneA)}
}

// dir is the work tree, with every commit so far written into .git.
func (r *testRepo) dir() string {
	r.t.Helper()
	return r.g.Sync()
}

// Git runs git in the repository (see repotest.Repo.Git).
func (r *testRepo) Git(args ...string) string {
	r.t.Helper()
	return r.g.Git(args...)
}

func (r *testRepo) write(path, content string) {
	r.t.Helper()
	r.g.WriteFile(path, []byte(content))
}

func (r *testRepo) remove(path string) {
	r.t.Helper()
	if err := os.Remove(filepath.Join(r.g.Dir, filepath.FromSlash(path))); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) move(from, to string) {
	r.t.Helper()
	p := filepath.Join(r.g.Dir, filepath.FromSlash(to))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(r.g.Dir, filepath.FromSlash(from)), p); err != nil {
		r.t.Fatal(err)
	}
}

// body is a repotest commit body: author and date headers, then msg.
func (r *testRepo) body(msg string, author who) string {
	r.now = r.now.Add(time.Hour)
	return "Author: " + author.name + " <" + author.email + ">\nDate: " + r.now.Format(time.RFC3339) + "\n\n" + msg
}

// commit stages everything and commits it as author, and returns the
// commit's hash.
func (r *testRepo) commit(msg string, author who) string {
	r.t.Helper()
	return r.g.Commit(r.body(msg, author))
}

// merge merges branch with a merge commit by author and returns its hash.
func (r *testRepo) merge(branch, msg string, author who) string {
	r.t.Helper()
	return r.g.Merge(branch, r.body(msg, author))
}

// checkout switches to a branch, new or existing.
func (r *testRepo) checkout(branch string, create bool) {
	r.t.Helper()
	if create {
		r.g.Branch(branch)
		return
	}
	r.g.Switch(branch)
}

// imported is one commit for importCommits: the files it writes, by
// path, its message and its author.
type imported struct {
	files  map[string]string
	msg    string
	author who
}

// importCommits makes one commit per entry on the current branch with
// git fast-import, in one process: a hundred commits in the time repotest
// takes for a few. Each commit is an hour after the last. It returns the
// commits' hashes, and brings the work tree and the index up to date.
func (r *testRepo) importCommits(commits []imported) []string {
	r.t.Helper()
	var in bytes.Buffer
	branch := r.Git("symbolic-ref", "HEAD")
	for i, c := range commits {
		r.now = r.now.Add(time.Hour)
		sig := fmt.Sprintf("%s <%s> %d +0200", c.author.name, c.author.email, r.now.Unix())
		fmt.Fprintf(&in, "commit %s\nmark :%d\nauthor %s\ncommitter %s\ndata %d\n%s\n", branch, i+1, sig, sig, len(c.msg), c.msg)
		if i == 0 {
			if head := r.Git("for-each-ref", "--format=%(objectname)", branch); head != "" {
				fmt.Fprintf(&in, "from %s\n", head)
			}
		}
		paths := make([]string, 0, len(c.files))
		for p := range c.files {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		for _, p := range paths {
			fmt.Fprintf(&in, "M 100644 inline %s\ndata %d\n%s\n", p, len(c.files[p]), c.files[p])
		}
	}
	marks := filepath.Join(r.t.TempDir(), "marks")
	cmd := exec.Command("git", "fast-import", "--quiet", "--export-marks="+marks)
	cmd.Dir = r.dir()
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1")
	cmd.Stdin = &in
	if out, err := cmd.CombinedOutput(); err != nil {
		r.t.Fatalf("git fast-import: %v\n%s", err, out)
	}
	b, err := os.ReadFile(marks)
	if err != nil {
		r.t.Fatal(err)
	}
	hashes := make([]string, len(commits))
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var n int
		var h string
		if _, err := fmt.Sscanf(line, ":%d %s", &n, &h); err != nil || n < 1 || n > len(commits) {
			r.t.Fatalf("marks line %q", line)
		}
		hashes[n-1] = h
	}
	r.Git("reset", "-q", "--hard")
	return hashes
}

// unpack turns every packed object into a loose one, as if each had been
// written by a commit.
func (r *testRepo) unpack() {
	r.t.Helper()
	packs, _ := filepath.Glob(filepath.Join(r.dir(), ".git", "objects", "pack", "pack-*.pack"))
	for _, p := range packs {
		moved := filepath.Join(r.t.TempDir(), filepath.Base(p))
		if err := os.Rename(p, moved); err != nil {
			r.t.Fatal(err)
		}
		if err := os.Remove(strings.TrimSuffix(p, ".pack") + ".idx"); err != nil {
			r.t.Fatal(err)
		}
		f, err := os.Open(moved)
		if err != nil {
			r.t.Fatal(err)
		}
		cmd := exec.Command("git", "unpack-objects", "-q")
		cmd.Dir, cmd.Stdin = r.g.Dir, f
		out, err := cmd.CombinedOutput()
		f.Close()
		if err != nil {
			r.t.Fatalf("git unpack-objects: %v\n%s", err, out)
		}
	}
}

// keyValues is a FieldParser reading the "key: value" lines of the front
// matter; it counts its calls.
type keyValues struct{ calls atomic.Int64 }

func (k *keyValues) Fields(content []byte) map[string]string {
	k.calls.Add(1)
	s := string(content)
	if !strings.HasPrefix(s, "---\n") {
		return nil
	}
	end := strings.Index(s[4:], "\n---")
	if end < 0 {
		return nil
	}
	m := map[string]string{}
	for _, line := range strings.Split(s[4:4+end], "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}

// take returns the calls since the last take.
func (k *keyValues) take() int { return int(k.calls.Swap(0)) }

func load(t testing.TB, dir string, opts Options) (*Repo, []string) {
	t.Helper()
	if opts.Include == nil {
		opts.Include = func(p string) bool { return strings.HasSuffix(p, ".md") }
	}
	r, warnings, err := Load(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r, warnings
}
