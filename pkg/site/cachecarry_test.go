package site_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// TestSameSiteWhateverCacheFound is the publish workflow's case: CI
// restores the caches of an earlier commit (actions/cache restore-keys),
// and the site of the new commit must be byte for byte the one a build
// with no cache makes, into a fresh folder or over the last site.
func TestSameSiteWhateverCacheFound(t *testing.T) {
	t.Parallel()
	r := importedRepo(t, "basic.txtar")
	cache, last := t.TempDir(), filepath.Join(t.TempDir(), "public")
	buildWith(t, r.Dir, cache, last)

	// The next merge: one postmortem edited (severity and a timeline
	// line), one moved, one added.
	db := filepath.Join(r.Dir, "postmortems/2024/2024-03-01-db.md")
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	r.WriteFile("postmortems/2024/2024-03-01-db.md", bytes.Replace(data, []byte("severity: SEV2"), []byte("severity: SEV1"), 1))
	r.Git("mv", "postmortems/2022/2022-07-07-dns.md", "postmortems/2022/2022-07-07-dns-resolvers.md")
	r.WriteFile("postmortems/2024/2024-06-01-queue.md", []byte("---\nid: INC-2024-009\ntitle: Queue backlog\ndate: 2024-06-01\nseverity: SEV3\nstatus: published\n---\n## Summary\n\nThe queue grew for an hour.\n\n## Timeline\n\n- 10:00 UTC backlog alert\n- 11:00 UTC drained\n"))
	r.Commit("Raise INC-2024-001, rename the DNS report, add the queue backlog\n\nReviewed-by: Mei Chen <mei@example.com>")

	carried := filepath.Join(t.TempDir(), "public")
	buildWith(t, r.Dir, cache, carried) // fresh folder, carried cache (CI)
	buildWith(t, r.Dir, cache, last)    // over the last site (a laptop)
	cold := filepath.Join(t.TempDir(), "public")
	buildWith(t, r.Dir, t.TempDir(), cold) // no cache at all

	want := readTree(t, cold)
	if len(want) < 10 {
		t.Fatalf("cold build wrote %d files", len(want))
	}
	diffTrees(t, "no cache vs carried cache", want, readTree(t, carried))
	diffTrees(t, "no cache vs over the last site", want, readTree(t, last))
	if !strings.Contains(string(want["incidents/INC-2024-001/index.html"]), "SEV1") {
		t.Error("the edit did not reach the page: the test compares nothing new")
	}
}

func buildWith(t *testing.T, dir, cache, out string) {
	t.Helper()
	if _, err := site.Build(context.Background(), site.BuildOptions{Dir: dir, Out: out, CacheDir: cache}); err != nil {
		t.Fatal(err)
	}
}

// importedRepo is a repository of the archive testdata/name, committed
// in one commit.
func importedRepo(t *testing.T, name string) *repotest.Repo {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	r := repotest.New(t)
	r.Apply(ar)
	r.Commit("Import the postmortems")
	return r
}
