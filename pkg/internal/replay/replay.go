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
	"runtime"
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
	// Defer keeps Commit, Merge, Branch and Switch out of git while their
	// outcome is certain: they are played on a model of the repository,
	// which works out each commit's hash, and written (loose objects and
	// refs, then one git reset for the index) when Flush or Git is called.
	// Without it the model writes each at once, one git process instead of
	// git add and git commit (a test's fixtures commit
	// hundreds of times, each git process costing 10-25 ms of CPU). The
	// work tree on disk is kept up to date at every step; the repository
	// under .git is not until Flush.
	Defer bool
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
	// im is the model of the repository while it knows the repository;
	// nil once a step left to git may have done what it cannot follow.
	im *importer
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
	if err := r.init(ctx); err != nil {
		return nil, err
	}
	r.pristine = true
	r.im = newImporter(r)
	return r, nil
}

// init makes the repository as `git init --template= -b main` does (no
// template: the sample hooks git copies into every new repository are
// never run here). On Linux the files are written here, saving a git
// process per repository; elsewhere git init asks the file system about
// case and modes, and its answers go into the configuration.
func (r *Repo) init(ctx context.Context) error {
	if runtime.GOOS != "linux" {
		_, err := r.git(ctx, "init", "-q", "--template=", "-b", "main")
		return err
	}
	gitDir := filepath.Join(r.Dir, ".git")
	for _, d := range []string{"objects/info", "objects/pack", "refs/heads", "refs/tags"} {
		if err := os.MkdirAll(filepath.Join(gitDir, filepath.FromSlash(d)), 0o755); err != nil {
			return err
		}
	}
	for name, text := range map[string]string{
		"HEAD":   "ref: refs/heads/main\n",
		"config": "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n",
	} {
		if err := os.WriteFile(filepath.Join(gitDir, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Commits is the number of commits and merges made so far.
func (r *Repo) Commits() int { return r.commits }

// Apply writes the archive's files and runs its Git steps in order. name
// names the archive in errors.
//
// An archive applied to a new repository is written without git (loose
// objects and refs) and one git read-tree when its steps are ones whose outcome
// is certain (see importer); otherwise, and on a repository already
// touched, each step runs its git command. Both make the same commits,
// hashes included.
func (r *Repo) Apply(ctx context.Context, name string, ar *txtar.Archive) error {
	total := Steps(ar)
	now, commits := r.now, r.commits
	im, err := r.fastApply(ctx, ar)
	switch {
	case err == nil:
		r.pristine = false
		r.im = im
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
	// Steps such as mv and rm leave the index and the work tree where
	// the model does not follow them.
	if err := r.leaveModel(ctx); err != nil {
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
				_, err = r.git(ctx, "mv", args[1], args[2])
			}
		}
	case "rm":
		if err = want(2); err == nil {
			_, err = r.git(ctx, "rm", "-q", "-r", args[1])
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
			_, err = r.git(ctx, "switch", "-q", "-c", args[1])
		}
	case "switch":
		if err = want(2); err == nil {
			_, err = r.git(ctx, "switch", "-q", args[1])
		}
	case "merge":
		if err = want(2); err == nil {
			err = r.merge(ctx, args[1], body)
		}
	case "tag":
		if err = want(2); err == nil {
			_, err = r.git(ctx, "tag", args[1])
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
	h, done, err := r.modelled(ctx, func(work tree) (string, error) {
		r.im.reset(work)
		if err := r.im.commit(body, nil); err != nil {
			return "", err
		}
		return r.im.branches[r.im.cur].hash, nil
	})
	if done || err != nil {
		return h, err
	}
	var parents []*simCommit
	if r.im != nil && r.im.branches[r.im.cur] != nil {
		parents = []*simCommit{r.im.branches[r.im.cur]}
	}
	if err := r.commit(ctx, body); err != nil {
		return "", err
	}
	return r.adopt(ctx, parents)
}

// modelled runs do on the model, with the work tree as it is on disk,
// when the repository is deferred. done is false when there is no model
// or do returned errSlowPath: the deferred commits are then flushed and
// the caller runs git.
func (r *Repo) modelled(ctx context.Context, do func(work tree) (string, error)) (out string, done bool, err error) {
	if r.im == nil {
		return "", false, nil
	}
	now := r.now
	work, err := snapshot(r.Dir)
	if err == nil {
		if out, err = do(work); err == nil {
			if !r.opts.Defer {
				err = r.Flush(ctx)
			}
			return out, err == nil, err
		}
	}
	if !errors.Is(err, errSlowPath) {
		return "", false, err
	}
	r.now = now
	return "", false, r.Flush(ctx)
}

func (r *Repo) commit(ctx context.Context, body string) error {
	if _, err := r.git(ctx, "add", "-A"); err != nil {
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
	h, done, err := r.modelled(ctx, func(work tree) (string, error) {
		ours := r.im.reset(work)
		if err := r.im.merge(branch, body); err != nil {
			return "", err
		}
		merged := r.im.branches[r.im.cur]
		return merged.hash, checkout(r.Dir, ours, merged.tree)
	})
	if done || err != nil {
		return h, err
	}
	var parents []*simCommit
	if r.im != nil {
		parents = []*simCommit{r.im.branches[r.im.cur], r.im.branches[branch]}
	}
	if err := r.merge(ctx, branch, body); err != nil {
		return "", err
	}
	return r.adopt(ctx, parents)
}

// Branch creates branch name at HEAD and switches to it, as git switch -c.
func (r *Repo) Branch(ctx context.Context, name string) error {
	return r.switchTo(ctx, name, true)
}

// Switch switches to the existing branch name, as git switch.
func (r *Repo) Switch(ctx context.Context, name string) error {
	return r.switchTo(ctx, name, false)
}

func (r *Repo) switchTo(ctx context.Context, name string, create bool) error {
	step := []string{"switch", name}
	if create {
		step[0] = "branch"
	}
	_, done, err := r.modelled(ctx, func(work tree) (string, error) {
		from := r.im.reset(work)
		if err := r.im.step(step, ""); err != nil {
			return "", err
		}
		if create {
			return "", nil // git switch -c leaves the work tree as it is
		}
		return "", checkout(r.Dir, from, r.im.work)
	})
	if done || err != nil {
		return err
	}
	if err := r.step(ctx, step, ""); err != nil {
		return err
	}
	if r.im != nil {
		if create {
			r.im.branches[name] = r.im.branches[r.im.cur]
			r.im.refs[name] = r.im.branches[name]
		}
		r.im.cur, r.im.headRef, r.im.indexed = name, name, r.im.branches[name]
	}
	return nil
}

// adopt tells the model about the commit git just made on the current
// branch with the given parents, so that the steps after it can be
// modelled again; when the work tree holds what the model leaves to git,
// the model is dropped.
func (r *Repo) adopt(ctx context.Context, parents []*simCommit) (string, error) {
	h, err := r.head(ctx)
	if err != nil || r.im == nil {
		return h, err
	}
	if old := r.im.branches[r.im.cur]; old != nil && old.hash == h {
		return h, nil // git made no commit: "Already up to date"
	}
	work, err := snapshot(r.Dir)
	for _, p := range parents {
		if p == nil {
			err = errSlowPath
		}
	}
	if err != nil {
		r.im = nil
		if errors.Is(err, errSlowPath) {
			err = nil
		}
		return h, err
	}
	c := &simCommit{parents: parents, tree: work, hash: h, written: true}
	r.im.branches[r.im.cur], r.im.refs[r.im.cur], r.im.indexed = c, c, c
	return h, nil
}

// Flush writes the commits and branches made since the last Flush into
// the repository, as loose objects and refs, and runs one git reset (the
// index, as a commit leaves it). Without Options.Defer there is nothing
// left to write.
func (r *Repo) Flush(ctx context.Context) error {
	im := r.im
	if im == nil {
		return nil
	}
	changed := im.cur != im.headRef || len(im.pending) > 0
	for name, c := range im.branches {
		changed = changed || im.refs[name] != c
	}
	if !changed {
		return nil
	}
	if err := im.writeRepo(); err != nil {
		r.im = nil
		return err
	}
	// The index is the commit HEAD names, as after a commit or a switch.
	if head := im.branches[im.cur]; head != nil && head != im.indexed {
		im.indexed = head
		if _, err := r.git(ctx, "reset", "-q"); err != nil {
			r.im = nil
			return err
		}
	}
	return nil
}

// leaveModel flushes the model and drops it: what comes next is done by
// git alone.
func (r *Repo) leaveModel(ctx context.Context) error {
	err := r.Flush(ctx)
	r.im = nil
	return err
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
	return r.git(ctx, "rev-parse", "HEAD")
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
//
// With Options.Defer, the deferred commits are flushed first; a command
// that may change the repository ends the deferring, as the model cannot
// know what it did.
func (r *Repo) Git(ctx context.Context, args ...string) (string, error) {
	if r.im != nil {
		if err := r.Flush(ctx); err != nil {
			return "", err
		}
		if !readOnly(args) {
			r.im = nil
		}
	}
	return r.git(ctx, args...)
}

// readOnly is true for git commands that change neither refs, HEAD, the
// index's content nor the work tree.
func readOnly(args []string) bool {
	for len(args) > 1 && (args[0] == "-c" || args[0] == "-C") {
		args = args[2:]
	}
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "log", "show", "rev-parse", "rev-list", "ls-files", "ls-tree", "cat-file", "diff-tree", "for-each-ref", "symbolic-ref", "status":
		return !(args[0] == "symbolic-ref" && len(args) > 2)
	}
	return false
}

func (r *Repo) git(ctx context.Context, args ...string) (string, error) {
	return r.gitEnv(ctx, nil, args...)
}

func (r *Repo) gitEnv(ctx context.Context, env []string, args ...string) (string, error) {
	return r.gitIn(ctx, nil, env, args...)
}

// gitIn is gitEnv with stdin, when not nil, as git's standard input.
//
// maintenance.auto=false: git commit and git merge otherwise start a
// `git maintenance run --auto` process each, which finds nothing to do in
// repositories this small (far under gc.auto's 6,700 loose objects) and
// leaves the repository as it was.
func (r *Repo) gitIn(ctx context.Context, stdin io.Reader, env []string, args ...string) (string, error) {
	r.pristine = false
	cmd := exec.CommandContext(ctx, "git", append([]string{"-c", "core.autocrlf=false", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "core.symlinks=true", "-c", "maintenance.auto=false"}, args...)...)
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
