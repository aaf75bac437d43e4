package indexer

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/internal/searchtest"
)

// buildIndex builds an index of incs in a new folder and opens it.
func buildIndex(t testing.TB, incs []*postmortem.Incident) (*search.Index, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "search")
	if err := Build(context.Background(), dir, incs, BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	return searchtest.Open(t, dir), dir
}

// browserStored are the fields search.NewBrowserMapping stores: those a
// hit is made of and the summary.
var browserStored = []string{search.FieldSummary, search.FieldID, search.FieldTitle, search.FieldDate,
	search.FieldSeverity, search.FieldTags, search.FieldServices, search.FieldStatus}
