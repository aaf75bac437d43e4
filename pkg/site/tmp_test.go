package site_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/inquest-dev/inquest/pkg/site"
)

// cancelAt is a Progress that cancels the build when the stage named
// stage ends.
type cancelAt struct {
	stage  string
	cancel context.CancelFunc
	once   sync.Once
}

func (c *cancelAt) Begin(string, int)   {}
func (c *cancelAt) Advance(string, int) {}

func (c *cancelAt) End(stage string) {
	if stage == c.stage {
		c.once.Do(c.cancel)
	}
}

// TestCancelledBuildLeavesNothing: a build cancelled after parsing (the
// browser's index then starts cancelled, which made Bleve's offline
// builder panic) returns the context's error, keeps the previous site and
// leaves no temporary folder beside the output or in the cache.
func TestCancelledBuildLeavesNothing(t *testing.T) {
	t.Parallel()
	dir := writeRepo(t, "basic.txtar")
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	cache := t.TempDir()
	if _, err := site.Build(context.Background(), site.BuildOptions{Dir: dir, Out: out, CacheDir: cache, SearchIndex: true}); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, out)
	for _, word := range []string{site.StageLoad, site.StageRender} {
		ctx, cancel := context.WithCancel(context.Background())
		_, err := site.Build(ctx, site.BuildOptions{Dir: dir, Out: out, CacheDir: cache, SearchIndex: true, Force: true,
			Progress: &cancelAt{stage: word, cancel: cancel}})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled at %q: %v, want context.Canceled", word, err)
		}
		entries, _ := os.ReadDir(parent)
		if len(entries) != 1 || entries[0].Name() != "public" {
			t.Errorf("cancelled at %q: beside the output: %v", word, entries)
		}
		diffTrees(t, "the site after a cancelled build", before, readTree(t, out))
		filepath.WalkDir(cache, func(p string, d os.DirEntry, err error) error {
			if err == nil && strings.Contains(d.Name(), ".build-") || strings.Contains(d.Name(), ".old-") {
				t.Errorf("cancelled at %q: %s left in the cache", word, p)
			}
			return nil
		})
	}
}

// TestStaleTempFoldersSwept: the temporary folders of a build killed part
// way (kill -9: their lock let go) are removed by the next build; a folder
// that is not inquest's is not touched.
func TestStaleTempFoldersSwept(t *testing.T) {
	t.Parallel()
	dir := writeRepo(t, "basic.txtar")
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	var stale []string
	for _, name := range []string{".public.tmp-3829", ".public.old-7731"} {
		p := filepath.Join(parent, name)
		if err := os.MkdirAll(filepath.Join(p, "incidents"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, ".inquest-lock"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		stale = append(stale, p)
	}
	mine := filepath.Join(parent, ".public.tmp-notes")
	if err := os.MkdirAll(mine, 0o755); err != nil {
		t.Fatal(err)
	}
	build(t, site.BuildOptions{Dir: dir, Out: out})
	for _, p := range stale {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is still there", filepath.Base(p))
		}
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("a young folder without inquest's lock file was removed")
	}
	if _, err := os.Stat(filepath.Join(out, ".inquest-lock")); err == nil {
		t.Error("the lock file was published")
	}
}
