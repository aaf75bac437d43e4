package site_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// TestStampSeesCommitsInLinkedWorkTree: committing an edit the last build
// already showed changes no file of the work tree, but it changes the
// page (a revision, no longer uncommitted), so the next build builds
// again. In a work tree made by `git worktree add` HEAD is read through
// the repository's common folder; a stamp that could not read it there
// called the old site up to date.
func TestStampSeesCommitsInLinkedWorkTree(t *testing.T) {
	t.Parallel()
	r := repotest.New(t)
	r.WriteFile("postmortems/2024-05-02-queue.md", []byte(`---
id: INC-7
title: Queue backlog
date: 2024-05-02
severity: SEV3
status: published
---
## Summary

The queue grew for an hour.
`))
	r.Commit("Add the queue postmortem\n")
	wt := filepath.Join(t.TempDir(), "review")
	r.Git("worktree", "add", "-q", "-b", "review", wt)
	p := filepath.Join(wt, "postmortems", "2024-05-02-queue.md")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(data), "an hour.", "an hour and ten minutes.", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := site.BuildOptions{Dir: wt, Out: filepath.Join(t.TempDir(), "public"), CacheDir: t.TempDir()}
	ctx := context.Background()
	first, err := site.Build(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if first.Uncommitted != 1 {
		t.Fatalf("first build: %d uncommitted postmortems, want 1", first.Uncommitted)
	}
	if again, err := site.Build(ctx, opts); err != nil || !again.UpToDate {
		t.Fatalf("a second build with nothing changed: up to date %v, %v", again != nil && again.UpToDate, err)
	}
	r.Git("-C", wt, "commit", "-q", "-a", "-m", "Say how long the backlog lasted")
	after, err := site.Build(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if after.UpToDate || after.Uncommitted != 0 {
		t.Errorf("build after a commit: up to date %v, %d uncommitted; want a new build with none", after.UpToDate, after.Uncommitted)
	}
}
