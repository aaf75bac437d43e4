package live

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// TestUpdateFirstCommit serves a repository with no commit yet, then makes
// the first commit and an edit: the site then shows history as a whole
// build does (found in review: the first commit used to go unnoticed).
func TestUpdateFirstCommit(t *testing.T) {
	t.Parallel()
	r := repotest.New(t)
	dir := r.Dir
	for _, f := range archiveFiles(t, "incremental.txtar") {
		r.WriteFile(f.Name, f.Data)
	}
	ctx := context.Background()
	opts := site.BuildOptions{Dir: dir, Serve: true, Drafts: true, CacheDir: t.TempDir(), Now: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)}
	bl := newSite(t, opts)
	sites := t.TempDir()
	if _, err := bl.Build(ctx, filepath.Join(sites, "site-0")); err != nil {
		t.Fatal(err)
	}
	r.Commit("Date: 2024-06-01T12:00:00Z\n\nfirst")
	changed := []string{".git/refs/heads/main", ".git/index"}
	if !bl.Concerns(changed) {
		t.Errorf("the first commit does not concern the site")
	}
	if _, err := bl.Update(ctx, changed, filepath.Join(sites, "site-1")); err != nil {
		t.Fatal(err)
	}
	editFile(t, dir, dnsFile, replace("Resolvers timed out.", "Resolvers timed out twice."))
	res, err := bl.Update(ctx, []string{dnsFile}, filepath.Join(sites, "site-2"))
	if err != nil {
		t.Fatal(err)
	}
	want := opts
	want.Out, want.CacheDir = filepath.Join(t.TempDir(), "site"), t.TempDir()
	full, err := site.Build(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	sameSite(t, "after the first commit", res.Out, full.Out)
}

// TestUpdateBrokenSymlinkFixed: a postmortem that is a symbolic link to a
// file not written yet; writing the file publishes the incident, as in a
// whole build.
func TestUpdateBrokenSymlinkFixed(t *testing.T) {
	t.Parallel()
	dir := gitRepo(t, "incremental.txtar")
	if err := os.MkdirAll(filepath.Join(dir, "notes"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../notes/real.md", filepath.Join(dir, "postmortems", "2024", "alias.md")); err != nil {
		t.Skip(err)
	}
	text := "---\nid: INC-2024-007\ntitle: Linked outage\ndate: 2024-07-07\nseverity: SEV3\nstatus: published\n---\n## Summary\nLinked.\n"
	checkUpdates(t, site.BuildOptions{Dir: dir, Serve: true, Drafts: true}, []editStep{
		{name: "target written", file: "notes/real.md", any: true, edit: func(string) string { return text }},
	})
}

// TestUpdateFailedCommitBuildsAgain: when renaming an updated page into
// the served folder fails half way (here a folder stands where the page
// was; in life ENOSPC or EIO), the update builds the whole site into a
// new folder instead of leaving the served one part old, part new.
func TestUpdateFailedCommitBuildsAgain(t *testing.T) {
	t.Parallel()
	dir := gitRepo(t, "incremental.txtar")
	ctx := context.Background()
	opts := site.BuildOptions{Dir: dir, Serve: true, Drafts: true, PageSize: 2, CacheDir: t.TempDir()}
	bl := newSite(t, opts)
	sites := t.TempDir()
	res, err := bl.Build(ctx, filepath.Join(sites, "site-0"))
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(res.Out, "incidents", "INC-2022-003", "index.html")
	if err := os.Remove(page); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(page, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	editFile(t, dir, dnsFile, replace("title: DNS timeouts", "title: DNS timeouts everywhere"))
	up, err := bl.Update(ctx, []string{dnsFile}, filepath.Join(sites, "site-1"))
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if up.Out == res.Out || !strings.HasPrefix(up.Rebuilt, "an update failed") {
		t.Fatalf("update wrote into %s (rebuilt %q), want a whole build into a new folder", up.Out, up.Rebuilt)
	}
	want := opts
	want.Out, want.CacheDir = filepath.Join(t.TempDir(), "site"), t.TempDir()
	full, err := site.Build(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	sameSite(t, "after a failed update", up.Out, full.Out)
}

// TestLiveSiteIsForServe: a live Site's sites are serve's, whatever the
// options say, so an update in place never leaves the WebAssembly search
// files of an older build behind (found in review).
func TestLiveSiteIsForServe(t *testing.T) {
	t.Parallel()
	dir := gitRepo(t, "incremental.txtar")
	bl := newSite(t, site.BuildOptions{Dir: dir, SearchIndex: true, CacheDir: t.TempDir()})
	res, err := bl.Build(context.Background(), filepath.Join(t.TempDir(), "site"))
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := filepath.Glob(filepath.Join(res.Out, "search", "*.wasm.gz"))
	if err != nil || len(wasm) > 0 {
		t.Errorf("a live Site's site has WebAssembly search files %v (%v)", wasm, err)
	}
}
