package history

import (
	"slices"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
)

// TestFollowIncremental: a commit that moves files into the content folder
// from outside it, read on top of a cached history that never compared
// their old folder, still gives them their whole history; and the history
// cached after it gives the same on the next load without reading
// anything.
func TestFollowIncremental(t *testing.T) {
	t.Parallel()
	repo := repotest.NewDeferred(t)
	repo.WriteFile("drafts/q3-network.md", []byte(doc("NET-7", "SEV2", "draft")))
	c1 := repo.Commit("Draft the network postmortem\n")
	repo.WriteFile("postmortems/2024/db.md", []byte(doc("DB-1", "SEV3", "draft")))
	repo.Commit("Database postmortem\n")
	repo.WriteFile("drafts/q3-network.md", []byte(doc("NET-7", "SEV1", "draft")))
	c3 := repo.Commit("Raise severity\n")

	opts := Options{Roots: []string{"postmortems"}, CacheDir: t.TempDir()}
	r1, _ := load(t, repo.Sync(), opts)
	if len(r1.live) != 1 {
		t.Fatalf("live = %v", r1.live)
	}

	repo.Git("mv", "drafts/q3-network.md", "postmortems/2024/q3-network.md")
	c4 := repo.Commit("Publish the network postmortem\n")
	r2, _ := load(t, repo.Sync(), opts)
	if r2.stats.fromCache || r2.stats.diffed != 1 {
		t.Errorf("incremental load stats = %+v", r2.stats)
	}
	want := []string{c4, c3, c1}
	if got := commitsOf(r2.Revisions("postmortems/2024/q3-network.md")); !slices.Equal(got, want) {
		t.Errorf("moved file after an incremental load = %v, want %v", got, want)
	}
	if revs := r2.Revisions("postmortems/2024/q3-network.md"); revs[2].Path != "drafts/q3-network.md" {
		t.Errorf("oldest revision's path = %q", revs[2].Path)
	}

	r3, _ := load(t, repo.Sync(), opts)
	if !r3.stats.fromCache || r3.stats.objectsRead != 0 {
		t.Errorf("cached load stats = %+v", r3.stats)
	}
	if got := commitsOf(r3.Revisions("postmortems/2024/q3-network.md")); !slices.Equal(got, want) {
		t.Errorf("moved file from the cache = %v, want %v", got, want)
	}
	// Loaded from a subfolder, a revision outside it is named from there.
	r4, _ := load(t, repo.Sync()+"/postmortems", Options{})
	if revs := r4.Revisions("2024/q3-network.md"); len(revs) != 3 || revs[2].Path != "../drafts/q3-network.md" {
		t.Errorf("from postmortems/: %d revisions, oldest path %q", len(revs), revs[len(revs)-1].Path)
	}
}
