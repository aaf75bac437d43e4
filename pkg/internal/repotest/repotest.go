// Package repotest makes real Git repositories for tests from txtar
// archives: files, commits with fixed authors and dates, moves, branches
// and merges, written with the git binary so the history is the one users
// have. It is a testing wrapper over package replay, which reads the
// archives (its package comment gives the format): a failure fails the
// test, and a missing git binary skips it.
//
// Commits whose body gives no date start at 2024-01-01T09:00:00Z and move
// one hour per commit; the default author is DefaultAuthor.
package repotest

import (
	"context"
	"os/exec"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/inquest-dev/inquest/pkg/internal/replay"
)

// DefaultAuthor is the author of commits whose body names none.
const DefaultAuthor = replay.DefaultAuthor

// Repo is a repository being written.
type Repo struct {
	t   testing.TB
	r   *replay.Repo
	Dir string
}

// New makes an empty repository (branch main) in a new temporary folder.
func New(t testing.TB) *Repo {
	t.Helper()
	return newRepo(t, replay.Options{})
}

// NewDeferred is New for a repository whose commits, merges and branch
// switches are played on a model and written into .git with one git
// fast-import when Sync or Git is called (see replay.Options.Defer); the
// hashes are the same. The work tree in Dir is up to date at every step,
// the history only after Sync: read Dir through Sync.
func NewDeferred(t testing.TB) *Repo {
	t.Helper()
	return newRepo(t, replay.Options{Defer: true})
}

func newRepo(t testing.TB, opts replay.Options) *Repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("repotest: the git binary is not installed")
	}
	dir := t.TempDir()
	r, err := replay.Init(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return &Repo{t: t, r: r, Dir: dir}
}

// Sync writes what a NewDeferred repository has deferred into .git and
// returns Dir.
func (r *Repo) Sync() string {
	r.t.Helper()
	if err := r.r.Flush(context.Background()); err != nil {
		r.t.Fatalf("repotest: %v", err)
	}
	return r.Dir
}

// Branch creates branch name at HEAD and switches to it.
func (r *Repo) Branch(name string) {
	r.t.Helper()
	if err := r.r.Branch(context.Background(), name); err != nil {
		r.t.Fatalf("repotest: %v", err)
	}
}

// Switch switches to the existing branch name.
func (r *Repo) Switch(name string) {
	r.t.Helper()
	if err := r.r.Switch(context.Background(), name); err != nil {
		r.t.Fatalf("repotest: %v", err)
	}
}

// Write makes a repository from archive text (see package replay) and
// returns its folder.
func Write(t testing.TB, archive string) string {
	t.Helper()
	r := New(t)
	r.Apply(txtar.Parse([]byte(archive)))
	return r.Dir
}

// WriteFile is Write for a txtar file, such as one under testdata.
func WriteFile(t testing.TB, name string) string {
	t.Helper()
	ar, err := txtar.ParseFile(name)
	if err != nil {
		t.Fatal(err)
	}
	r := New(t)
	r.apply(name, ar)
	return r.Dir
}

// Apply writes the archive's files and runs its Git steps in order.
func (r *Repo) Apply(ar *txtar.Archive) {
	r.t.Helper()
	r.apply("archive", ar)
}

func (r *Repo) apply(name string, ar *txtar.Archive) {
	r.t.Helper()
	if err := r.r.Apply(context.Background(), name, ar); err != nil {
		r.t.Fatalf("repotest: %v", err)
	}
}

// WriteFile writes a file of the work tree (a slash path), making its
// folders; it is committed by the next Commit.
func (r *Repo) WriteFile(name string, data []byte) {
	r.t.Helper()
	if err := r.r.WriteFile(name, data); err != nil {
		r.t.Fatalf("repotest: %v", err)
	}
}

// Commit stages everything and commits it. body is the message, optionally
// after Author:/Date: header lines and a blank line. It returns the commit
// hash.
func (r *Repo) Commit(body string) string {
	r.t.Helper()
	return r.must(r.r.Commit(context.Background(), body))
}

// Merge merges branch into the current one with a merge commit; body is as
// for Commit. It returns the merge's hash.
func (r *Repo) Merge(branch, body string) string {
	r.t.Helper()
	return r.must(r.r.Merge(context.Background(), branch, body))
}

// Git runs git in the repository with no user or system configuration and
// returns its trimmed standard output; a failure fails the test. It syncs
// a NewDeferred repository first.
func (r *Repo) Git(args ...string) string {
	r.t.Helper()
	return r.must(r.r.Git(context.Background(), args...))
}

func (r *Repo) must(s string, err error) string {
	r.t.Helper()
	if err != nil {
		r.t.Fatalf("repotest: %v", err)
	}
	return s
}
