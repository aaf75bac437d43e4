package history

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// testRepo builds a real repository with go-git, with fixed authors and a
// clock that moves one hour per commit.
type testRepo struct {
	t    testing.TB
	dir  string
	repo *git.Repository
	wt   *git.Worktree
	now  time.Time
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
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	return &testRepo{t: t, dir: dir, repo: repo, wt: wt, now: time.Date(2024, 3, 1, 9, 0, 0, 0, zoneA)}
}

func (r *testRepo) write(path, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) remove(path string) {
	r.t.Helper()
	if err := os.Remove(filepath.Join(r.dir, filepath.FromSlash(path))); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) move(from, to string) {
	r.t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(to))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(r.dir, filepath.FromSlash(from)), p); err != nil {
		r.t.Fatal(err)
	}
}

// commit stages everything and commits it as author; extra parents make a
// merge.
func (r *testRepo) commit(msg string, author who, parents ...plumbing.Hash) plumbing.Hash {
	r.t.Helper()
	if err := r.wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		r.t.Fatal(err)
	}
	r.now = r.now.Add(time.Hour)
	sig := &object.Signature{Name: author.name, Email: author.email, When: r.now}
	opts := &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true}
	if len(parents) > 0 {
		head, err := r.repo.Head()
		if err != nil {
			r.t.Fatal(err)
		}
		opts.Parents = append([]plumbing.Hash{head.Hash()}, parents...)
	}
	h, err := r.wt.Commit(msg, opts)
	if err != nil {
		r.t.Fatal(err)
	}
	return h
}

// branch switches to a new or existing branch, keeping the work tree.
func (r *testRepo) checkout(branch string, create bool) {
	r.t.Helper()
	err := r.wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(branch), Create: create, Keep: true})
	if err != nil {
		r.t.Fatal(err)
	}
	if !create {
		// Keep leaves the files of the previous branch; reset to this one.
		head, err := r.repo.Head()
		if err != nil {
			r.t.Fatal(err)
		}
		if err := r.wt.Reset(&git.ResetOptions{Commit: head.Hash(), Mode: git.HardReset}); err != nil {
			r.t.Fatal(err)
		}
	}
}

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
