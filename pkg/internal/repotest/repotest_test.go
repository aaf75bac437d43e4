package repotest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
)

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestWriteHistory(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, `
-- May2021/db.md --
# DB outage
-- $ commit --
Author: Ana Lima <ana@example.com>
Date: 2021-05-04T10:00:00Z

Add the DB postmortem
-- $ branch review --
-- May2021/db.md --
# DB outage

Edited.
-- $ commit --
Edit
-- $ switch main --
-- $ merge review --
Merge pull request #7 from acme/review

Reviewed-by: Bo Chen <bo@example.com>
-- $ mv May2021/db.md postmortems/2021-05/db.md --
-- $ commit --
Move into postmortems/
-- $ ln -s ../../.git/config postmortems/2021-05/leak.md --
-- $ commit --
Link
-- postmortems/untracked.md --
not committed
`)
	log := git(t, dir, "log", "--first-parent", "--follow", "--format=%an|%aI|%s", "--", "postmortems/2021-05/db.md")
	want := strings.Join([]string{
		"Jane Doe|2021-05-04T13:00:00+00:00|Move into postmortems/",
		"Jane Doe|2021-05-04T12:00:00+00:00|Merge pull request #7 from acme/review",
		"Ana Lima|2021-05-04T10:00:00+00:00|Add the DB postmortem",
	}, "\n")
	if log != want {
		t.Errorf("git log:\n%s\nwant:\n%s", log, want)
	}
	if got := git(t, dir, "log", "-1", "--format=%B", "HEAD~2"); !strings.Contains(got, "Reviewed-by: Bo Chen") {
		t.Errorf("merge message lost its trailer: %q", got)
	}
	if got := git(t, dir, "status", "--porcelain"); got != "?? postmortems/untracked.md" {
		t.Errorf("status = %q, want the one untracked file", got)
	}
	if target, err := os.Readlink(filepath.Join(dir, "postmortems/2021-05/leak.md")); err != nil || target != "../../.git/config" {
		t.Errorf("symlink = %q, %v", target, err)
	}
	if mode := git(t, dir, "ls-files", "-s", "postmortems/2021-05/leak.md"); !strings.HasPrefix(mode, "120000") {
		t.Errorf("symlink not committed as a link: %q", mode)
	}
}

func TestWriteWithoutStepsCommitsOnce(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, "-- a.md --\nA\n-- b/c.md --\nC\n")
	if n := git(t, dir, "rev-list", "--count", "HEAD"); n != "1" {
		t.Errorf("commits = %s, want 1", n)
	}
	if got := git(t, dir, "status", "--porcelain"); got != "" {
		t.Errorf("status = %q, want clean", got)
	}
}

func TestSameArchiveSameHashes(t *testing.T) {
	t.Parallel()
	const ar = "-- a.md --\nA\n-- $ commit --\none\n-- a.md --\nB\n-- $ commit --\ntwo\n"
	a, b := repotest.Write(t, ar), repotest.Write(t, ar)
	if ha, hb := git(t, a, "rev-parse", "HEAD"), git(t, b, "rev-parse", "HEAD"); ha != hb {
		t.Errorf("HEAD %s != %s", ha, hb)
	}
}

// TestDeferredSync: a NewDeferred repository's commits are in .git after
// Sync, with the hashes Commit returned, and Branch and Switch change the
// work tree at once.
func TestDeferredSync(t *testing.T) {
	t.Parallel()
	r := repotest.NewDeferred(t)
	r.WriteFile("a.md", []byte("A\n"))
	first := r.Commit("one")
	r.Branch("side")
	r.WriteFile("b.md", []byte("B\n"))
	second := r.Commit("Author: Bo Chen <bo@example.com>\n\ntwo")
	r.Switch("main")
	if _, err := os.Stat(filepath.Join(r.Dir, "b.md")); !os.IsNotExist(err) {
		t.Errorf("b.md after switching to main: %v, want it gone", err)
	}
	dir := r.Sync()
	if got := git(t, dir, "log", "--all", "--format=%H %an %s"); got != second+" Bo Chen two\n"+first+" Jane Doe one" {
		t.Errorf("git log after Sync:\n%s", got)
	}
	if got := git(t, dir, "status", "--porcelain"); got != "" {
		t.Errorf("status = %q, want clean", got)
	}
}
