package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/indexer"
)

// TestSearchAllPages: the CLI gets every match, or as many as asked for,
// past the index's cap of 1,000 hits a search, by pages that neither repeat
// nor skip a hit.
func TestSearchAllPages(t *testing.T) {
	t.Parallel()
	const n = 2345
	incs := make([]*postmortem.Incident, n)
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range incs {
		incs[i] = &postmortem.Incident{ID: fmt.Sprintf("INC-%04d", i), Source: fmt.Sprintf("postmortems/%04d.md", i),
			Title: "Generated incident", Date: day.AddDate(0, 0, i%900), Severity: "SEV2", Status: "published", Tags: []string{"database"}}
	}
	dir := filepath.Join(t.TempDir(), "index")
	if err := indexer.Build(context.Background(), dir, incs, indexer.BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, tc := range []struct {
		name        string
		limit, from int
		want        int
	}{
		{"every match", 0, 0, n},
		{"every match after some", 0, 1500, n - 1500},
		{"more than one page", 1500, 0, 1500},
		{"one page", 20, 0, 20},
		{"past the end", 0, n + 5, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := searchAll(context.Background(), ix, search.Request{Query: "tags:database", Limit: tc.limit, From: tc.from, Sort: "date", Facets: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) != tc.want || res.Total != n {
				t.Fatalf("%d hits of %d, want %d of %d", len(res.Hits), res.Total, tc.want, n)
			}
			seen := map[string]bool{}
			for _, h := range res.Hits {
				if seen[h.ID] {
					t.Fatalf("%s twice", h.ID)
				}
				seen[h.ID] = true
			}
			if tc.from == 0 && res.Facets["tags"][0].Count != n {
				t.Errorf("facets %v, want counts over every match", res.Facets["tags"])
			}
		})
	}
}
