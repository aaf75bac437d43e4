package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"golang.org/x/tools/txtar"

	"github.com/inquest-dev/inquest/pkg/cli"
	"github.com/inquest-dev/inquest/pkg/internal/repotest"
)

// TestCheckChanged makes a repository with a main branch and a review
// branch, and checks that --changed reports only what the branch changed
// (committed or not), not the broken file already on main.
func TestCheckChanged(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("INQUEST_CACHE_DIR", t.TempDir())
	r, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, _ := r.Worktree()
	when := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	commit := func(msg string, files map[string]string) {
		t.Helper()
		for name, body := range files {
			p := filepath.Join(dir, name)
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := wt.Add(name); err != nil {
				t.Fatal(err)
			}
		}
		when = when.Add(time.Hour)
		sig := &object.Signature{Name: "Jane", Email: "jane@example.com", When: when}
		if _, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
			t.Fatal(err)
		}
	}
	pm := func(id, sev string) string {
		return "---\nid: " + id + "\ntitle: " + id + "\ndate: 2024-03-01\nseverity: " + sev + "\n---\n## Summary\nx\n"
	}
	commit("main", map[string]string{"postmortems/old.md": pm("OLD", "SEV9"), "postmortems/keep.md": pm("KEEP", "SEV2"),
		"inquest.yaml": "severities: [SEV1, SEV2, SEV3, SEV4]\n"})
	head, _ := r.Head()
	if err := r.Storer.SetReference(plumbing.NewHashReference("refs/heads/main", head.Hash())); err != nil {
		t.Fatal(err)
	}
	if err := wt.Checkout(&git.CheckoutOptions{Branch: plumbing.ReferenceName("refs/heads/review"), Create: true}); err != nil {
		t.Fatal(err)
	}
	commit("branch", map[string]string{"postmortems/new.md": pm("NEW", "SEV7")})
	// Not committed: an edit and a new file.
	os.WriteFile(filepath.Join(dir, "postmortems/keep.md"), []byte(pm("KEEP", "SEV8")), 0o644)
	os.WriteFile(filepath.Join(dir, "postmortems/draft.md"), []byte(pm("DRAFT", "SEV6")), 0o644)

	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), []string{"check", "--changed=main", dir}, nil, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out.String(), errOut.String())
	}
	got := out.String()
	for _, want := range []string{`"SEV7"`, `"SEV8"`, `"SEV6"`} {
		if !strings.Contains(got, want) {
			t.Errorf("--changed misses %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, `"SEV9"`) {
		t.Errorf("--changed reports a file the branch did not change:\n%s", got)
	}
}

// TestCheckChangedInLinkedWorktree runs check --changed in a work tree
// made by `git worktree add`, whose .git is a file pointing into the
// main repository's: the branch's file is found there too.
func TestCheckChangedInLinkedWorktree(t *testing.T) {
	t.Setenv("INQUEST_CACHE_DIR", t.TempDir())
	r := repotest.New(t)
	r.Apply(txtar.Parse([]byte(`
-- inquest.yaml --
severities: [SEV1, SEV2, SEV3, SEV4]
-- postmortems/keep.md --
---
id: KEEP
title: Keep
date: 2024-03-01
severity: SEV2
---
## Summary
x
-- $ commit --
main
-- $ branch review --
-- postmortems/new.md --
---
id: NEW
title: New
date: 2024-03-02
severity: SEV7
---
## Summary
y
-- $ commit --
branch
-- $ switch main --
`)))
	linked := filepath.Join(t.TempDir(), "review")
	r.Git("worktree", "add", linked, "review")
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), []string{"check", "--changed=main", linked}, nil, &out, &errOut)
	if code != 1 || !strings.Contains(out.String(), `"SEV7"`) {
		t.Fatalf("exit %d, want 1 with the branch's SEV7\n%s%s", code, out.String(), errOut.String())
	}
}
