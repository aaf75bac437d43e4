package indexer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	bdoc "github.com/blevesearch/bleve/v2/document"
	bleveindex "github.com/blevesearch/bleve_index_api"
	zap "github.com/blevesearch/zapx/v17"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/internal/indexdir"
	"github.com/inquest-dev/inquest/pkg/search/internal/searchtest"
)

func TestUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	incs := searchtest.Incidents(t)
	dir := filepath.Join(t.TempDir(), "search")

	// No index yet: built from scratch.
	stats, err := Update(ctx, dir, incs, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stats != (UpdateStats{Added: 6, Rebuilt: "no index"}) {
		t.Errorf("first update: %+v", stats)
	}

	// Nothing changed: nothing written.
	stats, err = Update(ctx, dir, incs, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stats != (UpdateStats{Unchanged: 6}) {
		t.Errorf("no-op update: %+v", stats)
	}

	// Change one, add one, remove one, in batches of two.
	var next []*postmortem.Incident
	for _, inc := range incs {
		switch inc.ID {
		case "INC-2022-010":
			continue
		case "INC-2024-003":
			changed := *inc
			changed.Title = "Payment webhooks delayed by a stuck consumer"
			inc = &changed
		}
		next = append(next, inc)
	}
	next = append(next, searchtest.Parse(t, "postmortems/2025/2025-02-02-cdn.md", `---
id: INC-2025-001
title: CDN purge storm
date: 2025-02-02
severity: SEV2
tags: [cdn]
services: [edge]
---

## Summary

A purge of every object overloaded the origin.
`))
	stats, err = Update(ctx, dir, next, BuildOptions{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if stats != (UpdateStats{Added: 1, Updated: 1, Deleted: 1, Unchanged: 4}) {
		t.Errorf("incremental update: %+v", stats)
	}
	for q, want := range map[string][]string{
		"stuck":          {"INC-2024-003"},
		"purge":          {"INC-2025-001"},
		"services:auth":  nil,
		"":               {"INC-2023-007", "INC-2024-001", "INC-2024-002", "INC-2024-003", "INC-2024-004", "INC-2025-001"},
		"services:edge":  {"INC-2024-002", "INC-2025-001"},
		"tags:database":  {"INC-2023-007", "INC-2024-001"},
		"title:webhooks": {"INC-2024-003"},
	} {
		if got := searchtest.SearchDir(t, dir, search.Request{Query: q}); !slices.Equal(got, want) {
			t.Errorf("%q after update: got %q, want %q", q, got, want)
		}
	}
	sc, err := indexdir.ReadSidecar(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Docs) != 6 || sc.Docs["INC-2022-010"] != "" {
		t.Errorf("sidecar %v", sc.Docs)
	}
}

func TestUpdateRebuilds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	incs := searchtest.Incidents(t)
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, dir string)
		reason string
	}{
		{"mapping version", func(t *testing.T, dir string) {
			sc, err := indexdir.ReadSidecar(dir)
			if err != nil {
				t.Fatal(err)
			}
			sc.MappingVersion = search.MappingVersion - 1
			if err := indexdir.WriteSidecar(dir, sc); err != nil {
				t.Fatal(err)
			}
		}, "mapping version"},
		{"sidecar missing", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, indexdir.SidecarName)); err != nil {
				t.Fatal(err)
			}
		}, "no " + indexdir.SidecarName},
		{"sidecar garbage", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, indexdir.SidecarName), []byte("{not json"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "unreadable " + indexdir.SidecarName},
		{"index meta garbage", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("\x00garbage"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "damaged: index_meta.json"},
		{"store removed", func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, "store")); err != nil {
				t.Fatal(err)
			}
		}, "damaged"},
		{"segments truncated", func(t *testing.T, dir string) {
			zaps, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
			if len(zaps) == 0 {
				t.Fatal("no segment files")
			}
			for _, z := range zaps {
				if err := os.Truncate(z, 10); err != nil {
					t.Fatal(err)
				}
			}
			// Bleve opens such an index either as unreadable or as empty;
			// the count gives the second away.
			if _, err := search.Open(dir); err == nil {
				t.Errorf("opened a damaged index")
			}
		}, ""},
		{"sidecar disagrees with index", func(t *testing.T, dir string) {
			sc, err := indexdir.ReadSidecar(dir)
			if err != nil {
				t.Fatal(err)
			}
			sc.Docs["GHOST-1"] = "x"
			if err := indexdir.WriteSidecar(dir, sc); err != nil {
				t.Fatal(err)
			}
		}, "documents"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "search")
			if err := Build(ctx, dir, incs, BuildOptions{}); err != nil {
				t.Fatal(err)
			}
			tc.damage(t, dir)
			stats, err := Update(ctx, dir, incs, BuildOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if stats.Rebuilt == "" || !strings.Contains(stats.Rebuilt, tc.reason) || stats.Added != 6 {
				t.Errorf("stats %+v, want a rebuild because of %q", stats, tc.reason)
			}
			if got := searchtest.SearchDir(t, dir, search.Request{Query: "tags:database"}); !slices.Equal(got, []string{"INC-2023-007", "INC-2024-001"}) {
				t.Errorf("after rebuild: %q", got)
			}
		})
	}
}

func TestUpdateCancelled(t *testing.T) {
	t.Parallel()
	incs := searchtest.Incidents(t)
	dir := filepath.Join(t.TempDir(), "search")
	if err := Build(context.Background(), dir, incs[:2], BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Update(ctx, dir, incs, BuildOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled update: %v", err)
	}
	// The index is as it was, and the next update finishes the job.
	if got := searchtest.SearchDir(t, dir, search.Request{}); len(got) != 2 {
		t.Errorf("after a cancelled update: %q", got)
	}
	stats, err := Update(context.Background(), dir, incs, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stats != (UpdateStats{Added: 4, Unchanged: 2}) {
		t.Errorf("resumed update: %+v", stats)
	}
}

// TestBuildCancelled: a build cancelled before the builder wrote a segment
// (a site build whose pages failed cancels its browser index) returns the
// context's error; Bleve's Builder.Close panics on a builder with no
// segment, so it must not be called then.
func TestBuildCancelled(t *testing.T) {
	t.Parallel()
	incs := searchtest.Incidents(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, opts := range []BuildOptions{{builder: true}, {Browser: true}} {
		err := Build(ctx, filepath.Join(t.TempDir(), "search"), incs, opts)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled build %+v: %v", opts, err)
		}
	}
}

// TestBuildCancelledNoPanic: a build cancelled before its first batch, with
// the offline builder (the browser's index) or batches, returns the
// context's error, does not panic in Bleve's Builder.Close, and leaves no
// temporary folder beside the index.
func TestBuildCancelledNoPanic(t *testing.T) {
	t.Parallel()
	incs := searchtest.Incidents(t)
	for _, opts := range []BuildOptions{{Browser: true}, {builder: true}, {}} {
		parent := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := Build(ctx, filepath.Join(parent, "index"), incs, opts); !errors.Is(err, context.Canceled) {
			t.Errorf("%+v: %v, want context.Canceled", opts, err)
		}
		if entries, _ := os.ReadDir(parent); len(entries) != 0 {
			t.Errorf("%+v: left %v", opts, entries)
		}
	}
}

// TestBuildSweepsStale: the folders a build killed part way left beside the
// index (their lock let go) are removed by the next build.
func TestBuildSweepsStale(t *testing.T) {
	t.Parallel()
	incs := searchtest.Incidents(t)
	parent := t.TempDir()
	dir := filepath.Join(parent, "index")
	var stale []string
	for _, name := range []string{".index.build-123", ".index.old-456"} {
		p := filepath.Join(parent, name)
		if err := os.MkdirAll(filepath.Join(p, "index", "store"), 0o755); err != nil {
			t.Fatal(err)
		}
		// A lock file nobody holds: its process is gone.
		if err := os.WriteFile(filepath.Join(p, ".inquest-lock"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		stale = append(stale, p)
	}
	if err := Build(context.Background(), dir, incs, BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range stale {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is still there", p)
		}
	}
}

func TestBuildMethodsAgree(t *testing.T) {
	t.Parallel()
	incs := searchtest.Incidents(t)
	ctx := context.Background()
	var results [2][]string
	for i, opts := range []BuildOptions{{BatchSize: 2}, {BatchSize: 2, builder: true}} {
		dir := filepath.Join(t.TempDir(), "search")
		if err := Build(ctx, dir, incs, opts); err != nil {
			t.Fatal(err)
		}
		results[i] = searchtest.SearchDir(t, dir, search.Request{Query: `"connection pool" tags:dns -services:auth`})
	}
	if !slices.Equal(results[0], results[1]) || len(results[0]) == 0 {
		t.Errorf("batches %q, builder %q", results[0], results[1])
	}
}

func TestUpdateWhileOpen(t *testing.T) {
	t.Parallel()
	incs := searchtest.Incidents(t)
	dir := filepath.Join(t.TempDir(), "search")
	if err := Build(context.Background(), dir, incs[:3], BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	// The reader's lock makes the update rebuild beside it rather than wait.
	stats, err := Update(context.Background(), dir, incs, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Added != 6 {
		t.Errorf("stats %+v", stats)
	}
	if res := searchtest.Search(t, ix, search.Request{}); res.Total != 3 {
		t.Errorf("open reader sees %d incidents, want the 3 it opened", res.Total)
	}
	if got := searchtest.SearchDir(t, dir, search.Request{}); len(got) != 6 {
		t.Errorf("new reader sees %q", got)
	}
}

// TestBrowserIndex checks that a browser index finds, ranks and facets
// exactly like a full one, stores only what results show and is one
// segment.
func TestBrowserIndex(t *testing.T) {
	t.Parallel()
	incs := searchtest.Incidents(t)
	ctx := context.Background()
	full, browser := filepath.Join(t.TempDir(), "full"), filepath.Join(t.TempDir(), "browser")
	if err := Build(ctx, full, incs, BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := Build(ctx, browser, incs, BuildOptions{Browser: true, BatchSize: 2}); err != nil {
		t.Fatal(err)
	}
	open := func(dir string) *search.Index {
		ix, err := search.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		return ix
	}
	fi, bi := open(full), open(browser)
	for _, q := range []string{"", "database", `"connection pool"`, "timeline:rolled", "tags:database -severity:sev2", "checkout~1 services:checkout-api", "factors:pool^2 title:outage"} {
		r := search.Request{Query: q, Facets: true, Highlight: true}
		want, got := searchtest.Search(t, fi, r), searchtest.Search(t, bi, r)
		if got.Total != want.Total || !slices.Equal(searchtest.IDs(got.Hits), searchtest.IDs(want.Hits)) {
			t.Errorf("%q: browser %v (%d), full %v (%d)", q, searchtest.IDs(got.Hits), got.Total, searchtest.IDs(want.Hits), want.Total)
			continue
		}
		for i := range want.Hits {
			w, g := want.Hits[i], got.Hits[i]
			if g.Score != w.Score || g.Title != w.Title || !g.Date.Equal(w.Date) || !slices.Equal(g.Tags, w.Tags) {
				t.Errorf("%q hit %s: browser %+v, full %+v", q, w.ID, g, w)
			}
			for field := range g.Fragments {
				if !slices.Contains(browserStored, field) {
					t.Errorf("%q hit %s: fragment of unstored field %s", q, w.ID, field)
				}
			}
		}
		if !reflect.DeepEqual(got.Facets, want.Facets) {
			t.Errorf("%q: facets %v, want %v", q, got.Facets, want.Facets)
		}
	}
	if res := searchtest.Search(t, bi, search.Request{Query: "timeline:rolled", Highlight: true}); len(res.Hits) == 0 || res.Hits[0].Fragments["timeline"] != nil {
		t.Errorf("timeline fragments in a browser index: %+v", res.Hits)
	}
	segs, _ := filepath.Glob(filepath.Join(browser, "store", "*.zap"))
	if len(segs) != 1 {
		t.Errorf("browser index segments %v, want one", segs)
	}
	if fs, bs := dirSize(full), dirSize(browser); bs >= fs {
		t.Errorf("browser index %d bytes, full %d", bs, fs)
	}
	// Update never patches a browser index in place.
	stats, err := Update(ctx, browser, incs, BuildOptions{Browser: true})
	if err != nil || stats.Rebuilt == "" {
		t.Errorf("update of a browser index: %+v, %v", stats, err)
	}
}

// TestSegmentsNumberByID checks that a new segment numbers its documents by
// id whatever order Bleve hands them over in.
func TestSegmentsNumberByID(t *testing.T) {
	t.Parallel()
	m := search.NewMapping()
	var docs []bleveindex.Document
	for _, id := range []string{"INC-3", "INC-1", "INC-2"} {
		d := bdoc.NewDocument(id)
		if err := m.MapDocument(d, map[string]any{search.FieldTitle: "outage " + id}); err != nil {
			t.Fatal(err)
		}
		d.AddIDField()
		docs = append(docs, d)
	}
	seg, _, err := (&orderedZap{}).New(docs)
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	sb := seg.(*zap.SegmentBase)
	var got []string
	for n := range sb.Count() {
		id, err := sb.DocID(n)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(id))
	}
	if want := []string{"INC-1", "INC-2", "INC-3"}; !slices.Equal(got, want) {
		t.Errorf("documents numbered %q, want %q", got, want)
	}
}
func TestBrokenAndDuplicatesSkipped(t *testing.T) {
	t.Parallel()
	a := searchtest.Parse(t, "a.md", "---\nid: X-1\ntitle: First\n---\n")
	b := searchtest.Parse(t, "b.md", "---\nid: X-1\ntitle: Second\n---\n")
	broken := searchtest.Parse(t, "c.md", "")
	ix, _ := buildIndex(t, []*postmortem.Incident{a, b, broken, nil})
	res := searchtest.Search(t, ix, search.Request{})
	if len(res.Hits) != 1 || res.Hits[0].Title != "First" {
		t.Errorf("hits %+v", res.Hits)
	}
}

func TestBuildCancelledKeepsOldIndex(t *testing.T) {
	t.Parallel()
	incs := searchtest.Incidents(t)
	dir := filepath.Join(t.TempDir(), "search")
	if err := Build(context.Background(), dir, incs, BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Build(ctx, dir, incs[:1], BuildOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled build: %v", err)
	}
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if res := searchtest.Search(t, ix, search.Request{}); res.Total != 6 {
		t.Errorf("total %d after a cancelled build", res.Total)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}
