// Package searchtest holds the postmortems the tests of the search
// packages index, parsed as inquest parses a repository's, and helpers to
// query an index. It is imported by tests only: package search's external
// tests and package indexer's (it cannot import indexer, whose tests
// import it, nor be imported by package search's internal tests).
package searchtest

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
)

// incidents is six postmortems of several shapes and a broken one.
//
//go:embed incidents.txtar
var incidents []byte

// parser returns a postmortem parser with the default configuration.
func parser(t testing.TB) *postmortem.Parser {
	t.Helper()
	cfg, err := config.Parse(nil, "inquest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return postmortem.NewParser(cfg)
}

// Incidents parses incidents.txtar, in archive order: INC-2024-001,
// INC-2024-002, INC-2023-007, INC-2024-003, INC-2022-010, INC-2024-004
// and a broken file.
func Incidents(t testing.TB) []*postmortem.Incident {
	t.Helper()
	p := parser(t)
	var incs []*postmortem.Incident
	for _, f := range txtar.Parse(incidents).Files {
		incs = append(incs, p.Parse(f.Name, f.Data))
	}
	return incs
}

// Parse parses one postmortem given as text, as the file rel.
func Parse(t testing.TB, rel, content string) *postmortem.Incident {
	t.Helper()
	return parser(t).Parse(rel, []byte(content))
}

// Wordy returns n incidents whose bodies hold 40 words no other incident
// has: an index of 40·n distinct words. Each summary says "The pool ran
// dry."
func Wordy(t testing.TB, n int) []*postmortem.Incident {
	t.Helper()
	p := parser(t)
	var incs []*postmortem.Incident
	for i := range n {
		var body strings.Builder
		for j := range 40 {
			fmt.Fprintf(&body, "wq%05dz%02d ", i, j)
		}
		src := fmt.Sprintf("---\nid: INC-%04d\ntitle: Incident %d\ndate: 2024-01-01\n---\n## Summary\n\nThe pool ran dry.\n\n## Notes\n\n%s\n", i, i, body.String())
		incs = append(incs, p.Parse(fmt.Sprintf("postmortems/%04d.md", i), []byte(src)))
	}
	return incs
}

// Open opens the index in dir, closing it when the test ends.
func Open(t testing.TB, dir string) *search.Index {
	t.Helper()
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// Search runs r on ix, failing the test on an error.
func Search(t testing.TB, ix *search.Index, r search.Request) *search.Result {
	t.Helper()
	res, err := ix.Search(context.Background(), r)
	if err != nil {
		t.Fatalf("search %q: %v", r.Query, err)
	}
	return res
}

// IDs returns the ids of hits, in order.
func IDs(hits []search.Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

// SearchDir opens the index in dir, runs r, closes the index again (so
// that an update can open it for writing) and returns the ids found,
// sorted.
func SearchDir(t testing.TB, dir string, r search.Request) []string {
	t.Helper()
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	got := IDs(Search(t, ix, r).Hits)
	slices.Sort(got)
	return got
}
