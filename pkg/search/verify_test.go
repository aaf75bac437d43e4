package search_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/indexer"
	"github.com/inquest-dev/inquest/pkg/search/internal/indexdir"
	"github.com/inquest-dev/inquest/pkg/search/internal/searchtest"
)

// flipByte changes one byte in the middle of a file, keeping its size and
// modification time: damage that no size or date check sees.
func flipByte(t *testing.T, name string) {
	t.Helper()
	st, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x5a
	if err := os.WriteFile(name, data, st.Mode()); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(name, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyFindsDamage: whatever file of an index is damaged, search.Verify says
// so, search.Open fails or answers without panicking, and Update rebuilds the
// index, which then verifies and answers.
func TestVerifyFindsDamage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	incs := searchtest.Incidents(t)
	one := func(dir, glob string) string {
		m, _ := filepath.Glob(filepath.Join(dir, glob))
		if len(m) == 0 {
			t.Fatalf("no %s", glob)
		}
		return m[0]
	}
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, dir string)
	}{
		{"a byte of a segment", func(t *testing.T, dir string) { flipByte(t, one(dir, "store/*.zap")) }},
		{"a byte of root.bolt", func(t *testing.T, dir string) { flipByte(t, one(dir, "store/root.bolt")) }},
		{"root.bolt garbage", func(t *testing.T, dir string) {
			data := make([]byte, 64<<10)
			for i := range data {
				data[i] = byte(i * 7)
			}
			os.WriteFile(one(dir, "store/root.bolt"), data, 0o600)
		}},
		{"index_meta.json garbage", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte(`{"storage":"nope"`), 0o644)
		}},
		{"a file added", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "store", "000000000099.zap"), []byte("zap"), 0o644)
		}},
		{"a segment removed", func(t *testing.T, dir string) { os.Remove(one(dir, "store/*.zap")) }},
		{"fingerprints.json garbage", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, indexdir.SidecarName), []byte(`{"mapping_version": "x"`), 0o644)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "search")
			if err := indexer.Build(ctx, dir, incs, indexer.BuildOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := search.Verify(dir); err != nil {
				t.Fatalf("a fresh index: %v", err)
			}
			time.Sleep(10 * time.Millisecond)
			tc.damage(t, dir)
			if err := search.Verify(dir); err == nil {
				t.Fatal("search.Verify found nothing")
			}
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("search.Open panicked: %v", r)
					}
				}()
				if ix, err := search.Open(dir); err == nil {
					ix.Search(ctx, search.Request{Query: "pool"})
					ix.Close()
				}
			}()
			stats, err := indexer.Update(ctx, dir, incs, indexer.BuildOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if stats.Rebuilt == "" {
				t.Errorf("not rebuilt: %+v", stats)
			}
			if err := search.Verify(dir); err != nil {
				t.Errorf("after the rebuild: %v", err)
			}
			if got := searchtest.SearchDir(t, dir, search.Request{Query: "tags:database"}); !slices.Equal(got, []string{"INC-2023-007", "INC-2024-001"}) {
				t.Errorf("after the rebuild: %q", got)
			}
		})
	}
	// An update keeps the sums true: it verifies after it.
	dir := filepath.Join(t.TempDir(), "search")
	if err := indexer.Build(ctx, dir, incs[:3], indexer.BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := indexer.Update(ctx, dir, incs, indexer.BuildOptions{BatchSize: 1}); err != nil {
		t.Fatal(err)
	}
	if err := search.Verify(dir); err != nil {
		t.Errorf("after an update: %v", err)
	}
}
