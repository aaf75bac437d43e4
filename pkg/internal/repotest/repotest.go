// Package repotest makes real Git repositories for tests from txtar
// archives: files, commits with fixed authors and dates, moves, branches
// and merges, written with the git binary so the history is the one users
// have.
//
// An archive is read top to bottom. A file section writes the file into the
// work tree. A section whose name starts with "$ " is a Git step:
//
//	-- $ commit --          stage everything and commit; the body is the message
//	-- $ mv OLD NEW --      git mv (parent folders are made)
//	-- $ rm PATH --         git rm
//	-- $ ln -s TARGET PATH -- a symbolic link (committed by the next commit)
//	-- $ branch NAME --     create NAME at HEAD and switch to it
//	-- $ switch NAME --     switch to an existing branch
//	-- $ merge NAME --      merge NAME with a merge commit (--no-ff); the body is the message
//	-- $ tag NAME --        a lightweight tag at HEAD
//
// The body of commit and merge may start with header lines, then a blank
// line, then the message:
//
//	Author: Bo Chen <bo@example.com>
//	Date: 2024-03-01T10:00:00Z
//
// Without them the author is Jane Doe <jane@example.com> and the date
// starts at 2024-01-01T09:00:00Z and moves one hour per commit, so every
// build of a fixture gives the same commit hashes. An archive with no Git
// step is committed once at the end; otherwise files after the last commit
// stay uncommitted, which is how a test gets an untracked or modified file.
package repotest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
)

// DefaultAuthor is the author of commits whose body names none.
const DefaultAuthor = "Jane Doe <jane@example.com>"

// Start is the date of the first commit whose body gives none; each later
// one is an hour after the one before.
var Start = time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)

// Repo is a repository being written.
type Repo struct {
	t   testing.TB
	Dir string
	now time.Time
}

// New makes an empty repository (branch main) in a new temporary folder.
func New(t testing.TB) *Repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("repotest: the git binary is not installed")
	}
	r := &Repo{t: t, Dir: t.TempDir(), now: Start.Add(-time.Hour)}
	r.Git("init", "-q", "-b", "main")
	return r
}

// Write makes a repository from archive text (see the package comment) and
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
	r.Apply(ar)
	return r.Dir
}

// Apply writes the archive's files and runs its Git steps in order.
func (r *Repo) Apply(ar *txtar.Archive) {
	r.t.Helper()
	steps := false
	for _, f := range ar.Files {
		name := strings.TrimSpace(f.Name)
		if cmd, ok := strings.CutPrefix(name, "$ "); ok {
			steps = true
			r.step(strings.Fields(cmd), string(f.Data))
			continue
		}
		r.WriteFile(name, f.Data)
	}
	if !steps {
		r.Commit("Add postmortems\n")
	}
}

func (r *Repo) step(args []string, body string) {
	r.t.Helper()
	want := func(n int) {
		if len(args) != n {
			r.t.Fatalf("repotest: %q takes %d arguments", strings.Join(args, " "), n-1)
		}
	}
	switch args[0] {
	case "commit":
		want(1)
		r.Commit(body)
	case "mv":
		want(3)
		r.mkdirFor(args[2])
		r.Git("mv", args[1], args[2])
	case "rm":
		want(2)
		r.Git("rm", "-q", "-r", args[1])
	case "ln":
		if len(args) != 4 || args[1] != "-s" {
			r.t.Fatalf("repotest: write %q as \"ln -s TARGET PATH\"", strings.Join(args, " "))
		}
		r.mkdirFor(args[3])
		if err := os.Symlink(args[2], r.path(args[3])); err != nil {
			r.t.Fatal(err)
		}
	case "branch":
		want(2)
		r.Git("switch", "-q", "-c", args[1])
	case "switch":
		want(2)
		r.Git("switch", "-q", args[1])
	case "merge":
		want(2)
		r.Merge(args[1], body)
	case "tag":
		want(2)
		r.Git("tag", args[1])
	default:
		r.t.Fatalf("repotest: unknown step %q", args[0])
	}
}

// WriteFile writes a file of the work tree (a slash path), making its
// folders; it is committed by the next Commit.
func (r *Repo) WriteFile(name string, data []byte) {
	r.t.Helper()
	r.mkdirFor(name)
	if err := os.WriteFile(r.path(name), data, 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// Commit stages everything and commits it. body is the message, optionally
// after Author:/Date: header lines and a blank line. It returns the commit
// hash.
func (r *Repo) Commit(body string) string {
	r.t.Helper()
	r.Git("add", "-A")
	env, msg := r.headers(body)
	r.gitEnv(env, "commit", "-q", "--allow-empty", "--no-verify", "-m", msg)
	return r.Git("rev-parse", "HEAD")
}

// Merge merges branch into the current one with a merge commit; body is as
// for Commit. It returns the merge's hash.
func (r *Repo) Merge(branch, body string) string {
	r.t.Helper()
	env, msg := r.headers(body)
	if strings.TrimSpace(msg) == "" {
		msg = "Merge branch '" + branch + "'"
	}
	r.gitEnv(env, "merge", "-q", "--no-ff", "--no-edit", "-m", msg, branch)
	return r.Git("rev-parse", "HEAD")
}

// headers splits Author:/Date: lines off the top of body and returns the
// environment that sets them, and the message.
func (r *Repo) headers(body string) ([]string, string) {
	r.t.Helper()
	author, date := DefaultAuthor, time.Time{}
	lines := strings.SplitAfter(body, "\n")
	i := 0
	for ; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if k, v, ok := strings.Cut(line, ":"); ok && (k == "Author" || k == "Date") {
			v = strings.TrimSpace(v)
			if k == "Author" {
				author = v
				continue
			}
			d, err := time.Parse(time.RFC3339, v)
			if err != nil {
				r.t.Fatalf("repotest: Date %q: %v", v, err)
			}
			date = d
			continue
		}
		break
	}
	if i > 0 && i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		body = strings.Join(lines[i+1:], "")
	} else if i > 0 {
		body = strings.Join(lines[i:], "")
	}
	if strings.TrimSpace(body) == "" {
		body = "Update postmortems\n"
	}
	if date.IsZero() {
		r.now = r.now.Add(time.Hour)
		date = r.now
	} else {
		r.now = date
	}
	name, email, ok := strings.Cut(author, "<")
	if !ok {
		r.t.Fatalf("repotest: Author %q: want Name <email>", author)
	}
	name, email = strings.TrimSpace(name), strings.TrimSuffix(strings.TrimSpace(email), ">")
	stamp := date.Format(time.RFC3339)
	return []string{
		"GIT_AUTHOR_NAME=" + name, "GIT_AUTHOR_EMAIL=" + email, "GIT_AUTHOR_DATE=" + stamp,
		"GIT_COMMITTER_NAME=" + name, "GIT_COMMITTER_EMAIL=" + email, "GIT_COMMITTER_DATE=" + stamp,
	}, body
}

// Git runs git in the repository with no user or system configuration and
// returns its trimmed standard output; a failure fails the test.
func (r *Repo) Git(args ...string) string {
	r.t.Helper()
	return r.gitEnv(nil, args...)
}

func (r *Repo) gitEnv(env []string, args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "core.autocrlf=false", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "core.symlinks=true"}, args...)...)
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0",
		"GIT_AUTHOR_NAME=Jane Doe", "GIT_AUTHOR_EMAIL=jane@example.com",
		"GIT_COMMITTER_NAME=Jane Doe", "GIT_COMMITTER_EMAIL=jane@example.com",
		"TZ=UTC", "LC_ALL=C")
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		r.t.Fatalf("repotest: git %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return strings.TrimSpace(out.String())
}

func (r *Repo) path(name string) string {
	return filepath.Join(r.Dir, filepath.FromSlash(name))
}

func (r *Repo) mkdirFor(name string) {
	r.t.Helper()
	if err := os.MkdirAll(filepath.Dir(r.path(name)), 0o755); err != nil {
		r.t.Fatal(fmt.Errorf("repotest: %w", err))
	}
}
