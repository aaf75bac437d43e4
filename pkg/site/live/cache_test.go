package live

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// TestServeHistoryInCacheLayout: the history serve reads after its first
// build, for the updates that follow, uses the history cache the build
// wrote, in its kind's folder, and writes nothing beside the layout's
// folders.
func TestServeHistoryInCacheLayout(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, `-- postmortems/2024-05-02-cache.md --
---
id: INC-31
title: Cache stampede after deploy
date: 2024-05-02
severity: SEV2
status: published
---
## Summary

Every node refilled its cache at once.
`)
	cache := t.TempDir()
	bl := newSite(t, site.BuildOptions{Dir: dir, CacheDir: cache})
	if _, err := bl.Build(context.Background(), filepath.Join(t.TempDir(), "public")); err != nil {
		t.Fatal(err)
	}
	if bl.st == nil || bl.st.hist == nil {
		t.Fatal("no history read for the updates")
	}
	<-bl.st.hist.done
	if bl.st.hist.err != nil {
		t.Fatal(bl.st.hist.err)
	}
	entries, err := os.ReadDir(cache)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"LAYOUT", "history", "search"}; !slices.Equal(names, want) {
		t.Errorf("cache folder holds %q, want %q", names, want)
	}
	snapshots, _ := filepath.Glob(filepath.Join(cache, "history", "snapshot-*.gob"))
	if len(snapshots) != 1 {
		t.Errorf("history snapshots %q, want the build's one", snapshots)
	}
}
