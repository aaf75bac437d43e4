// Package replay writes a real Git repository from a txtar archive of files
// and Git steps: the example repository's history that `inquest serve
// --example` shows, and every test fixture (through repotest). Commits have
// fixed authors and dates, so the same archive always gives the same commit
// hashes; they are made with the git binary, so the history is the one
// users have.
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
//	-- $ final PATH... --   write each PATH (a file or folder) as it is in Options.Final
//
// The body of commit and merge may start with header lines, then a blank
// line, then the message:
//
//	Author: Bo Chen <bo@example.com>
//	Date: 2024-03-01T10:00:00Z
//
// Without them the author is DefaultAuthor and the date is an hour after the
// previous commit's (the first is at Options.Start). An archive with no Git
// step is committed once at the end; otherwise files after the last commit
// stay uncommitted.
package replay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/tools/txtar"
)

// DefaultAuthor is the author of commits whose body names none.
const DefaultAuthor = "Jane Doe <jane@example.com>"

// DefaultStart is the date of the first commit whose body gives none when
// Options.Start is zero.
func DefaultStart() time.Time { return time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC) }

// Options configure a repository being written.
type Options struct {
	// Start is the date of the first commit whose body gives none; zero
	// means DefaultStart.
	Start time.Time
	// Final holds the files that "$ final PATH" writes, at slash paths
	// relative to its root.
	Final fs.FS
	// Step, when set, is called after each Git step with the number of
	// steps done and the archive's total.
	Step func(done, total int)
}

// Repo is a repository being written.
type Repo struct {
	// Dir is the work tree.
	Dir     string
	opts    Options
	now     time.Time
	commits int
	// pristine is true until anything but Init touched the repository:
	// only then can Apply write the whole history in one import.
	pristine bool
}

// Init makes an empty repository (branch main) in dir, which must exist.
func Init(ctx context.Context, dir string, opts Options) (*Repo, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, fmt.Errorf("replay: the git binary is needed: %w", err)
	}
	if opts.Start.IsZero() {
		opts.Start = DefaultStart()
	}
	r := &Repo{Dir: dir, opts: opts, now: opts.Start.Add(-time.Hour)}
	// No template: the sample hooks git copies into every new repository
	// are never run here.
	if _, err := r.Git(ctx, "init", "-q", "--template=", "-b", "main"); err != nil {
		return nil, err
	}
	r.pristine = true
	return r, nil
}

// Commits is the number of commits and merges made so far.
func (r *Repo) Commits() int { return r.commits }

// Apply writes the archive's files and runs its Git steps in order. name
// names the archive in errors.
//
// An archive applied to a new repository is written with one git
// fast-import and one git read-tree when its steps are ones whose outcome
// is certain (see importer); otherwise, and on a repository already
// touched, each step runs its git command. Both make the same commits,
// hashes included.
func (r *Repo) Apply(ctx context.Context, name string, ar *txtar.Archive) error {
	total := Steps(ar)
	now, commits := r.now, r.commits
	switch err := r.fastApply(ctx, ar); {
	case err == nil:
		r.pristine = false
		if r.opts.Step != nil {
			for done := 1; done <= total; done++ {
				r.opts.Step(done, total)
			}
		}
		return nil
	case errors.Is(err, errSlowPath):
		r.now, r.commits = now, commits
	case ctx.Err() != nil:
		return ctx.Err()
	default:
		return fmt.Errorf("%s: %w", name, err)
	}
	return r.applySteps(ctx, name, ar, total)
}

// applySteps is Apply one git command per step.
func (r *Repo) applySteps(ctx context.Context, name string, ar *txtar.Archive, total int) error {
	r.pristine = false
	done := 0
	err := eachSection(ctx, ar, func(i int, sec string, step []string, data []byte) error {
		var err error
		if step != nil {
			err = r.step(ctx, step, string(data))
		} else {
			err = r.WriteFile(sec, data)
		}
		if err != nil {
			return fmt.Errorf("%s: section %d (%q): %w", name, i+1, sec, err)
		}
		if step != nil {
			done++
			if r.opts.Step != nil {
				r.opts.Step(done, total)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if total == 0 {
		if err := r.commit(ctx, "Add postmortems\n"); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// eachSection calls do with each section of ar in order: its index, its
// trimmed name, and for a Git step its fields (nil for a file). It stops at
// the first error, or when ctx ends.
func eachSection(ctx context.Context, ar *txtar.Archive, do func(i int, sec string, step []string, data []byte) error) error {
	for i, f := range ar.Files {
		if err := ctx.Err(); err != nil {
			return err
		}
		sec := strings.TrimSpace(f.Name)
		var step []string
		if cmd, ok := strings.CutPrefix(sec, "$ "); ok {
			step = strings.Fields(cmd)
			if step == nil {
				step = []string{}
			}
		}
		if err := do(i, sec, step, f.Data); err != nil {
			return err
		}
	}
	return nil
}

// Steps is the number of Git steps in an archive.
func Steps(ar *txtar.Archive) int {
	n := 0
	for _, f := range ar.Files {
		if strings.HasPrefix(strings.TrimSpace(f.Name), "$ ") {
			n++
		}
	}
	return n
}

func (r *Repo) step(ctx context.Context, args []string, body string) error {
	if len(args) == 0 {
		return errors.New("empty step")
	}
	want := func(n int) error {
		if len(args) != n {
			return fmt.Errorf("%q takes %d arguments", strings.Join(args, " "), n-1)
		}
		return nil
	}
	var err error
	switch args[0] {
	case "commit":
		if err = want(1); err == nil {
			err = r.commit(ctx, body)
		}
	case "mv":
		if err = want(3); err == nil {
			if err = r.mkdirFor(args[2]); err == nil {
				_, err = r.Git(ctx, "mv", args[1], args[2])
			}
		}
	case "rm":
		if err = want(2); err == nil {
			_, err = r.Git(ctx, "rm", "-q", "-r", args[1])
		}
	case "ln":
		if len(args) != 4 || args[1] != "-s" {
			return fmt.Errorf("write %q as \"ln -s TARGET PATH\"", strings.Join(args, " "))
		}
		if err = r.mkdirFor(args[3]); err == nil {
			err = os.Symlink(args[2], r.path(args[3]))
		}
	case "branch":
		if err = want(2); err == nil {
			_, err = r.Git(ctx, "switch", "-q", "-c", args[1])
		}
	case "switch":
		if err = want(2); err == nil {
			_, err = r.Git(ctx, "switch", "-q", args[1])
		}
	case "merge":
		if err = want(2); err == nil {
			err = r.merge(ctx, args[1], body)
		}
	case "tag":
		if err = want(2); err == nil {
			_, err = r.Git(ctx, "tag", args[1])
		}
	case "final":
		if len(args) < 2 {
			return errors.New(`"final" takes one or more paths`)
		}
		for _, p := range args[1:] {
			if err = r.final(p); err != nil {
				break
			}
		}
	default:
		return fmt.Errorf("unknown step %q", args[0])
	}
	return err
}

// final writes p, a file or a folder of Options.Final, into the work tree.
func (r *Repo) final(p string) error {
	if r.opts.Final == nil {
		return fmt.Errorf("final %s: no final tree was given", p)
	}
	return fs.WalkDir(r.opts.Final, path.Clean(p), func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("final: %w", err)
		}
		if d.IsDir() {
			return nil
		}
		data, err := fs.ReadFile(r.opts.Final, name)
		if err != nil {
			return fmt.Errorf("final: %w", err)
		}
		return r.WriteFile(name, data)
	})
}

// WriteFile writes a file of the work tree (a slash path), making its
// folders; it is committed by the next Commit.
func (r *Repo) WriteFile(name string, data []byte) error {
	r.pristine = false
	if err := r.mkdirFor(name); err != nil {
		return err
	}
	return os.WriteFile(r.path(name), data, 0o644)
}

// Commit stages everything and commits it. body is the message, optionally
// after Author:/Date: header lines and a blank line. It returns the commit
// hash.
func (r *Repo) Commit(ctx context.Context, body string) (string, error) {
	if err := r.commit(ctx, body); err != nil {
		return "", err
	}
	return r.head(ctx)
}

func (r *Repo) commit(ctx context.Context, body string) error {
	if _, err := r.Git(ctx, "add", "-A"); err != nil {
		return err
	}
	env, msg, err := r.headers(body)
	if err != nil {
		return err
	}
	if _, err := r.gitEnv(ctx, env, "commit", "-q", "--allow-empty", "--no-verify", "-m", msg); err != nil {
		return err
	}
	r.commits++
	return nil
}

// Merge merges branch into the current one with a merge commit; body is as
// for Commit. It returns the merge's hash.
func (r *Repo) Merge(ctx context.Context, branch, body string) (string, error) {
	if err := r.merge(ctx, branch, body); err != nil {
		return "", err
	}
	return r.head(ctx)
}

// head is the hash of HEAD, read from the branch's ref file that the
// commit just wrote; git rev-parse when it is not a loose ref (a test's
// fixtures commit hundreds of times, each git process costing about
// 13 ms of CPU).
func (r *Repo) head(ctx context.Context) (string, error) {
	gitDir := filepath.Join(r.Dir, ".git")
	if ref, err := os.ReadFile(filepath.Join(gitDir, "HEAD")); err == nil {
		if name, ok := strings.CutPrefix(strings.TrimSpace(string(ref)), "ref: "); ok && strings.HasPrefix(name, "refs/heads/") {
			if h, err := os.ReadFile(filepath.Join(gitDir, filepath.FromSlash(name))); err == nil {
				if s := strings.TrimSpace(string(h)); len(s) == 40 {
					return s, nil
				}
			}
		}
	}
	return r.Git(ctx, "rev-parse", "HEAD")
}

func (r *Repo) merge(ctx context.Context, branch, body string) error {
	env, msg, err := r.headers(body)
	if err != nil {
		return err
	}
	if strings.TrimSpace(msg) == "" {
		msg = "Merge branch '" + branch + "'"
	}
	if _, err := r.gitEnv(ctx, env, "merge", "-q", "--no-ff", "--no-edit", "-m", msg, branch); err != nil {
		return err
	}
	r.commits++
	return nil
}

// headers splits Author:/Date: lines off the top of body and returns the
// environment that sets them, and the message.
func (r *Repo) headers(body string) ([]string, string, error) {
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
				return nil, "", fmt.Errorf("Date %q: %w", v, err)
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
		return nil, "", fmt.Errorf("Author %q: want Name <email>", author)
	}
	name, email = strings.TrimSpace(name), strings.TrimSuffix(strings.TrimSpace(email), ">")
	stamp := date.Format(time.RFC3339)
	return []string{
		"GIT_AUTHOR_NAME=" + name, "GIT_AUTHOR_EMAIL=" + email, "GIT_AUTHOR_DATE=" + stamp,
		"GIT_COMMITTER_NAME=" + name, "GIT_COMMITTER_EMAIL=" + email, "GIT_COMMITTER_DATE=" + stamp,
	}, body, nil
}

// Git runs git in the repository with no user or system configuration and
// returns its trimmed standard output.
func (r *Repo) Git(ctx context.Context, args ...string) (string, error) {
	return r.gitEnv(ctx, nil, args...)
}

func (r *Repo) gitEnv(ctx context.Context, env []string, args ...string) (string, error) {
	return r.gitIn(ctx, nil, env, args...)
}

// gitIn is gitEnv with stdin, when not nil, as git's standard input.
func (r *Repo) gitIn(ctx context.Context, stdin io.Reader, env []string, args ...string) (string, error) {
	r.pristine = false
	cmd := exec.CommandContext(ctx, "git", append([]string{"-c", "core.autocrlf=false", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "core.symlinks=true"}, args...)...)
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0",
		"GIT_AUTHOR_NAME=Jane Doe", "GIT_AUTHOR_EMAIL=jane@example.com",
		"GIT_COMMITTER_NAME=Jane Doe", "GIT_COMMITTER_EMAIL=jane@example.com",
		"TZ=UTC", "LC_ALL=C")
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, &out, &errb
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("git %s: %w\n%s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return strings.TrimSpace(out.String()), nil
}

func (r *Repo) path(name string) string {
	return filepath.Join(r.Dir, filepath.FromSlash(name))
}

func (r *Repo) mkdirFor(name string) error {
	return os.MkdirAll(filepath.Dir(r.path(name)), 0o755)
}
