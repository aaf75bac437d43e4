package replay

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"
)

// deferOps are the steps a deferred-repository test takes, written once
// and played on both repositories.
type deferOps struct {
	t *testing.T
	r *Repo
}

func (o deferOps) write(name, data string) {
	o.t.Helper()
	if err := o.r.WriteFile(name, []byte(data)); err != nil {
		o.t.Fatal(err)
	}
}

func (o deferOps) remove(name string) {
	o.t.Helper()
	if err := os.Remove(filepath.Join(o.r.Dir, filepath.FromSlash(name))); err != nil {
		o.t.Fatal(err)
	}
}

func (o deferOps) move(from, to string) {
	o.t.Helper()
	if err := o.r.mkdirFor(to); err != nil {
		o.t.Fatal(err)
	}
	if err := os.Rename(o.r.path(from), o.r.path(to)); err != nil {
		o.t.Fatal(err)
	}
}

func (o deferOps) commit(body string) string {
	o.t.Helper()
	h, err := o.r.Commit(context.Background(), body)
	if err != nil {
		o.t.Fatal(err)
	}
	return h
}

func (o deferOps) merge(branch, body string) string {
	o.t.Helper()
	h, err := o.r.Merge(context.Background(), branch, body)
	if err != nil {
		o.t.Fatal(err)
	}
	return h
}

func (o deferOps) branch(name string, create bool) {
	o.t.Helper()
	var err error
	if create {
		err = o.r.Branch(context.Background(), name)
	} else {
		err = o.r.Switch(context.Background(), name)
	}
	if err != nil {
		o.t.Fatal(err)
	}
}

func (o deferOps) git(args ...string) string {
	o.t.Helper()
	out, err := o.r.Git(context.Background(), args...)
	if err != nil {
		o.t.Fatal(err)
	}
	return out
}

// TestDeferMatchesSteps plays each script on a deferred repository, on
// one where the model writes each step at once, and on one where every
// step runs its git command, and compares the repositories (see
// sameRepos) and the hashes Commit and Merge returned.
// Each script says whether the model must still be in use at its end: a
// step it does not model hands over to git, and the steps after a commit
// or merge git made are modelled again.
func TestDeferMatchesSteps(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		modelled bool
		script   func(o deferOps) []string
	}{
		{"commits, edits, moves, links, removals", true, func(o deferOps) []string {
			o.write("postmortems/a.md", "# A\n")
			o.write("notes.md", "n\n")
			h1 := o.commit("Author: Ana Lima <ana@example.com>\nDate: 2021-05-04T10:00:00+02:00\n\nAdd A\n\n  trailing  \n\n\n")
			o.move("postmortems/a.md", "postmortems/2021/a.md")
			o.write("postmortems/2021/a.md", "# A\n\nMoved and edited.\n")
			if err := os.Symlink("../notes.md", o.r.path("postmortems/notes.md")); err != nil {
				o.t.Fatal(err)
			}
			h2 := o.commit("Move A")
			o.remove("notes.md")
			o.remove("postmortems/notes.md")
			h3 := o.commit("Date: 2021-06-01T00:00:00-07:00\n\nDrop the notes")
			h4 := o.commit("Author: Bo Chen <bo@example.com>\n\nNothing changed")
			o.write("uncommitted.md", "left in the work tree\n")
			return []string{h1, h2, h3, h4}
		}},
		{"branches, a diverged merge, a switch back", true, func(o deferOps) []string {
			o.write("postmortems/a.md", "# A\n")
			h1 := o.commit("one")
			o.branch("review", true)
			o.write("postmortems/a.md", "# A, reviewed\n")
			o.write("postmortems/sub/b.md", "# B\n")
			h2 := o.commit("review")
			o.branch("main", false)
			o.write("other.md", "main moved on\n")
			h3 := o.commit("main")
			h4 := o.merge("review", "Merge pull request #7 from acme/review\n\nReviewed-by: Bo Chen <bo@example.com>")
			rev := o.git("rev-parse", "HEAD~1") // read-only: the model stays
			o.branch("side", true)
			o.write("side.md", "s\n")
			h5 := o.commit("side")
			o.branch("main", false)
			h6 := o.merge("side", "") // fast-forwardable: still a merge commit
			return []string{h1, h2, h3, h4, rev, h5, h6}
		}},
		{"a merge git makes, then modelled again", true, func(o deferOps) []string {
			o.write("a.md", "A\n")
			o.write("b.md", "B\n")
			h1 := o.commit("one")
			o.branch("x", true)
			o.remove("a.md")
			h2 := o.commit("x drops a")
			o.branch("main", false)
			o.write("b.md", "B, edited\n")
			h3 := o.commit("main edits b")
			h4 := o.merge("x", "Merge x")
			o.write("c.md", "C\n")
			h5 := o.commit("after the merge")
			return []string{h1, h2, h3, h4, h5}
		}},
		{"an archive, then commits", true, func(o deferOps) []string {
			ar := txtar.Parse([]byte("-- a.md --\nA\n-- $ commit --\none\n-- $ branch side --\n-- b.md --\nB\n-- $ commit --\ntwo\n-- c.md --\nleft over\n"))
			if err := o.r.Apply(context.Background(), "a.txtar", ar); err != nil {
				o.t.Fatal(err)
			}
			h1 := o.commit("three")
			o.branch("main", false)
			return []string{h1, o.merge("side", "")}
		}},
		{"a switch after a flush", true, func(o deferOps) []string {
			o.write("a.md", "A\n")
			h1 := o.commit("one")
			o.branch("side", true)
			o.write("a.md", "A, on the side\n")
			h2 := o.commit("side")
			rev := o.git("rev-parse", "HEAD") // flushes
			o.branch("main", false)
			return []string{h1, h2, rev}
		}},
		{"an ignore file hands over to git", false, func(o deferOps) []string {
			o.write("a.md", "A\n")
			h1 := o.commit("one")
			o.write(".gitignore", "public/\n")
			o.write("public/x.html", "x\n")
			h2 := o.commit("ignore public")
			o.write("b.md", "B\n")
			return []string{h1, h2, o.commit("two")}
		}},
		{"a git command that writes hands over to git", false, func(o deferOps) []string {
			o.write("a.md", "A\n")
			h1 := o.commit("one")
			o.git("mv", "a.md", "b.md")
			return []string{h1, o.commit("moved")}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			fast, err := Init(ctx, t.TempDir(), Options{Defer: true})
			if err != nil {
				t.Fatal(err)
			}
			slow, err := Init(ctx, t.TempDir(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			slow.im = nil // every step by its git command
			now, err := Init(ctx, t.TempDir(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := tc.script(deferOps{t, fast})
			if modelled := fast.im != nil; modelled != tc.modelled {
				t.Errorf("modelled at the end: %v, want %v", modelled, tc.modelled)
			}
			gotNow := tc.script(deferOps{t, now})
			want := tc.script(deferOps{t, slow})
			for i := range want {
				if got[i] != want[i] || gotNow[i] != want[i] {
					t.Errorf("hash %d: %s deferred, %s not deferred, %s step by step", i, got[i], gotNow[i], want[i])
				}
			}
			sameRepos(t, slow, fast, now)
		})
	}
}
