package site

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
)

// queuePostmortem is the one postmortem of the tests of the stamp and
// the cache folder.
const queuePostmortem = `---
id: INC-7
title: Queue backlog
date: 2024-05-02
severity: SEV3
status: published
---
## Summary

The queue grew for an hour.
`

// TestStampSeesCommitsInLinkedWorkTree: committing an edit the last build
// already showed changes no file of the work tree, but it changes the
// page (a revision, no longer uncommitted), so the next build builds
// again. In a work tree made by `git worktree add` HEAD is read through
// the repository's common folder; a stamp that could not read it there
// called the old site up to date.
func TestStampSeesCommitsInLinkedWorkTree(t *testing.T) {
	t.Parallel()
	r := repotest.New(t)
	r.WriteFile("postmortems/2024-05-02-queue.md", []byte(queuePostmortem))
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
	opts := BuildOptions{Dir: wt, Out: filepath.Join(t.TempDir(), "public"), CacheDir: t.TempDir()}
	ctx := context.Background()
	first, err := Build(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if first.Uncommitted != 1 {
		t.Fatalf("first build: %d uncommitted postmortems, want 1", first.Uncommitted)
	}
	if again, err := Build(ctx, opts); err != nil || !again.UpToDate {
		t.Fatalf("a second build with nothing changed: up to date %v, %v", again != nil && again.UpToDate, err)
	}
	r.Git("-C", wt, "commit", "-q", "-a", "-m", "Say how long the backlog lasted")
	after, err := Build(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if after.UpToDate || after.Uncommitted != 0 {
		t.Errorf("build after a commit: up to date %v, %d uncommitted; want a new build with none", after.UpToDate, after.Uncommitted)
	}
}

// TestStampSeesEditsThroughLinkedRoot: a repository reached through a
// symbolic link (a home folder linked to another disk, a corpus linked
// into a bench folder) is walked at the link's target. A walk that
// stopped at the link saw no file, so an edit left the old site "up to
// date".
func TestStampSeesEditsThroughLinkedRoot(t *testing.T) {
	t.Parallel()
	r := repotest.New(t)
	r.WriteFile("postmortems/2024-05-02-queue.md", []byte(queuePostmortem))
	r.Commit("Add the queue postmortem\n")
	link := filepath.Join(t.TempDir(), "repo")
	if err := os.Symlink(r.Dir, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	opts := BuildOptions{Dir: link, Out: filepath.Join(t.TempDir(), "public"), CacheDir: t.TempDir()}
	ctx := context.Background()
	if _, err := Build(ctx, opts); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(r.Dir, "postmortems", "2024-05-02-queue.md")
	if err := os.WriteFile(p, []byte(strings.Replace(queuePostmortem, "an hour.", "an hour and ten minutes.", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	after, err := Build(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if after.UpToDate || after.Uncommitted != 1 {
		t.Errorf("build after an edit through the link: up to date %v, %d uncommitted; want a new build with 1", after.UpToDate, after.Uncommitted)
	}
}

// TestCacheLayout: a build keeps its caches in the layout of package
// cache, and removes what an inquest of the earlier layout left at the
// top of the folder instead of reading it.
func TestCacheLayout(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, "-- postmortems/2024-05-02-queue.md --\n"+queuePostmortem)
	cache := t.TempDir()
	for _, name := range []string{"history-5f0c-3a1b.gob", "fields-77aa.bin", "search-all.stamp", "search-all/store/root.bolt", "build-0a1b2c3d.json"} {
		p := filepath.Join(cache, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("left by an earlier inquest"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "public")
	res, err := Build(context.Background(), BuildOptions{Dir: dir, Out: out, CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	if res.IndexDir != filepath.Join(cache, "search", "index") {
		t.Errorf("index in %s", res.IndexDir)
	}
	if names, want := entryNames(t, cache), []string{"LAYOUT", "builds", "history", "search"}; !slices.Equal(names, want) {
		t.Errorf("cache folder holds %q, want %q", names, want)
	}
}

// TestStampCoversOptions: every option but those that change nothing the
// build writes or reports changes the stamp, so that a build with other
// options is never "up to date".
func TestStampCoversOptions(t *testing.T) {
	t.Parallel()
	base := BuildOptions{}
	ty := reflect.TypeOf(base)
	for i := range ty.NumField() {
		f := ty.Field(i)
		t.Run(f.Name, func(t *testing.T) {
			if slices.Contains(unstampedOptions, f.Name) {
				return
			}
			o := base
			v := reflect.ValueOf(&o).Elem().Field(i)
			v = reflect.NewAt(v.Type(), v.Addr().UnsafePointer()).Elem() // unexported fields too
			switch v.Kind() {
			case reflect.String:
				v.SetString("x")
			case reflect.Bool:
				v.SetBool(true)
			case reflect.Int:
				v.SetInt(7)
			case reflect.Struct:
				if v.Type() != reflect.TypeOf(time.Time{}) {
					t.Fatalf("option %s of type %s: say how it is stamped", f.Name, v.Type())
				}
				v.Set(reflect.ValueOf(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)))
			default:
				t.Fatalf("option %s of type %s: stamp it, or list it in unstampedOptions", f.Name, v.Type())
			}
			if stampedOptions(o) == stampedOptions(base) {
				t.Errorf("option %s does not change the stamp: add it to stampedOptions, or to unstampedOptions if it changes nothing the build writes or reports", f.Name)
			}
		})
	}
}

// entryNames are the names in the folder dir, sorted.
func entryNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
