package replay

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestFastImportMatchesSteps writes each archive twice, in one fast-import
// and one git command per step, and compares the two repositories: every
// ref and the commit it names (so every tree, message, author and date),
// HEAD, the commit count, git status and the work tree's files and links.
// The archives are the example's history and cases made for the
// importer's edges; each says whether it must take the fast path.
func TestFastImportMatchesSteps(t *testing.T) {
	t.Parallel()
	type tc struct {
		name, archive string
		final         fs.FS
		fast          bool
	}
	cases := []tc{
		{name: "no steps", archive: "-- a.md --\nA\n-- b/c.md --\nC\n", fast: true},
		{name: "diverged merge, moves, links, tags, leftovers", fast: true, archive: `
-- postmortems/a.md --
# A
-- notes.md --
n
-- $ commit --
Author: Ana Lima <ana@example.com>
Date: 2021-05-04T10:00:00+02:00

Add A

   with trailing spaces   


and blank lines
-- $ branch review --
-- postmortems/a.md --
# A, reviewed
-- postmortems/b.md --
# B
-- $ commit --
Review
-- $ switch main --
-- other.md --
main moved on
-- $ commit --
-- $ merge review --
Merge pull request #7 from acme/review

Reviewed-by: Bo Chen <bo@example.com>
-- $ mv postmortems/b.md archive/2021/b.md --
-- $ ln -s ../postmortems/a.md archive/link.md --
-- $ commit --
Move B
-- $ tag v1 --
-- $ branch ahead --
-- postmortems/c.md --
# C
-- $ commit --
C
-- $ switch main --
-- $ merge ahead --
-- $ rm notes.md --
-- $ commit --
Drop the notes
-- postmortems/untracked.md --
not committed
-- postmortems/a.md --
# A, edited and not committed
`},
		{name: "folder moves", fast: true, archive: "-- May2021/a.md --\nA\n-- May2021/sub/b.md --\nB\n-- $ commit --\none\n-- May2021/new.md --\nuntracked\n-- $ mv May2021 2021-05 --\n-- $ commit --\nmoved\n-- $ mv 2021-05 postmortems/2021-05 --\n-- $ commit --\nmoved in\n"},
		{name: "ends on another branch", fast: true, archive: "-- a.md --\nA\n-- $ commit --\none\n-- $ branch side --\n-- a.md --\nB\n-- $ commit --\ntwo\n"},
		{name: "both sides change a file", fast: false, archive: "-- a.md --\nA\n-- $ commit --\none\n-- $ branch x --\n-- a.md --\nX\n-- $ commit --\nx\n-- $ switch main --\n-- a.md --\nM\n-- $ commit --\nm\n-- $ merge x --\n"},
		{name: "a deletion on one side", fast: false, archive: "-- a.md --\nA\n-- b.md --\nB\n-- $ commit --\none\n-- $ branch x --\n-- $ rm a.md --\n-- $ commit --\nx\n-- $ switch main --\n-- c.md --\nC\n-- $ commit --\nc\n-- $ merge x --\n"},
		{name: "a gitignore", fast: false, archive: "-- .gitignore --\npublic/\n-- public/x.html --\nx\n-- a.md --\nA\n-- $ commit --\none\n"},
		{name: "a move left staged", fast: false, archive: "-- a.md --\nA\n-- $ commit --\none\n-- $ mv a.md b.md --\n"},
		{name: "switch with a dirty work tree", fast: false, archive: "-- a.md --\nA\n-- $ commit --\none\n-- $ branch x --\n-- $ switch main --\n-- b.md --\nB\n-- $ switch x --\n-- $ commit --\nb\n"},
	}
	acme, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", "acme.history.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, tc{name: "examples/acme", archive: string(acme), final: os.DirFS(filepath.Join("..", "..", "..", "examples", "acme")), fast: true})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			ar := txtar.Parse([]byte(c.archive))
			opts := Options{Final: c.final}
			fast, err := Init(ctx, t.TempDir(), opts)
			if err != nil {
				t.Fatal(err)
			}
			_, err = fast.fastApply(ctx, ar)
			switch {
			case errors.Is(err, errSlowPath):
				if c.fast {
					t.Fatal("took the step-by-step path, want one import")
				}
				return
			case err != nil:
				t.Fatal(err)
			case !c.fast:
				t.Fatal("took the import, want the step-by-step path")
			}
			slow, err := Init(ctx, t.TempDir(), opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := slow.applySteps(ctx, c.name, ar, Steps(ar)); err != nil {
				t.Fatal(err)
			}
			sameRepos(t, slow, fast)
		})
	}
}

// sameRepos compares repositories written through the model with one
// written one git command per step: every ref and the commit it names (so
// every tree, message, author and date), HEAD, the commit count, git
// status and the work tree's files and links; and git fsck checks the
// objects the model wrote.
func sameRepos(t *testing.T, slow *Repo, fast ...*Repo) {
	t.Helper()
	ctx := context.Background()
	queries := [][]string{
		// Each commit with the refs naming it (%D: "HEAD -> refs/heads/main,
		// refs/tags/v1"), so HEAD and every ref too, in one process.
		{"log", "--all", "--decorate=full", "--format=%H %P|%D|%an <%ae> %ad|%cn <%ce> %cd|%B", "--date=raw"},
		{"status", "--porcelain", "--untracked-files=all"},
	}
	want := make([]string, len(queries))
	for i, args := range queries {
		out, err := slow.Git(ctx, args...)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = out
	}
	wantTree := workTree(t, slow.Dir)
	for _, r := range fast {
		if r.Commits() != slow.Commits() {
			t.Errorf("Commits %d, step by step %d", r.Commits(), slow.Commits())
		}
		for i, args := range queries {
			got, err := r.Git(ctx, args...)
			if err != nil {
				t.Fatal(err)
			}
			if got != want[i] {
				t.Errorf("git %s:\n%s\nstep by step:\n%s", strings.Join(args, " "), got, want[i])
			}
		}
		// The objects written without git are ones git reads as its own.
		if out, err := r.Git(ctx, "fsck", "--strict", "--no-dangling", "--no-progress"); err != nil || out != "" {
			t.Errorf("git fsck: %v\n%s", err, out)
		}
		if got := workTree(t, r.Dir); got != wantTree {
			t.Errorf("work tree:\n%s\nstep by step:\n%s", got, wantTree)
		}
	}
}

// workTree lists the files and links under dir but .git, with their
// content or target.
func workTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			if rel == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			b.WriteString(rel + " -> " + target + "\n")
			return err
		}
		data, err := os.ReadFile(p)
		b.WriteString(rel + ":\n" + string(data) + "\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
