package search_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/internal/searchtest"
)

// TestSearchBounds: queries that would cost without bound are refused with
// a *search.QueryError naming the place to fix, or a *search.RequestError, before they
// cost much; what is within bounds still answers.
func TestSearchBounds(t *testing.T) {
	t.Parallel()
	ix, _ := buildIndex(t, searchtest.Wordy(t, 200)) // 8,000 distinct words
	many := func(n int, f func(i int) string) string {
		var parts []string
		for i := range n {
			parts = append(parts, f(i))
		}
		return strings.Join(parts, " ")
	}
	letters := "abcdefghijklmnopqrstuvwxyz"
	for _, tc := range []struct {
		name, query string
		from        int
		want        string // in the error; "" for an answer
	}{
		{"62 wildcards", many(62, func(i int) string { return "*" + string(letters[i%26]) + "*" }), 0, "at most 32 clauses"},
		{"60 fuzzy words", many(60, func(int) string { return "co~2" }), 0, "at most 32 clauses"},
		{"7 wildcards", many(7, func(i int) string { return "*" + string(letters[i]) + "*" }), 0, "at most 6 wildcard"},
		{"a wildcard over every word", "wq*", 0, "matches too many words"},
		{"a regexp over every word", "body:/wq.*/", 0, "matches too many words"},
		{"a wildcard within bounds", "wq0001*", 0, ""},
		{"fuzzy within bounds", "wq00010z05~1", 0, ""},
		{"a regexp too complex", "/.{0,1000}/", 0, "cannot be searched"},
		{"a date past 2262", `date:<="9999-12-31"`, 0, "dates in a range go from 1678 to 2261"},
		{"a date before 1678", `date:>="0001-01-01"`, 0, "dates in a range go from 1678 to 2261"},
		{"from overflowing", "pool", math.MaxInt64, "from must be between 0 and 10000"},
		{"from negative", "pool", -1, "from must be between"},
		{"from at the bound", "pool", search.MaxFrom, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			res, err := ix.Search(context.Background(), search.Request{Query: tc.query, From: tc.from, Facets: true, Highlight: true})
			took := time.Since(start)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("%v", err)
				}
				if tc.from == 0 && res.Total == 0 {
					t.Errorf("no hits")
				}
				return
			}
			var qe *search.QueryError
			var re *search.RequestError
			if !errors.As(err, &qe) && !errors.As(err, &re) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v (%T), want a search.QueryError or search.RequestError with %q", err, err, tc.want)
			}
			t.Logf("refused in %s: %v", took, err)
		})
	}
}

// TestSearchCancelled: a search that cannot start (the expensive searches'
// turn does not come) or is cancelled ends with its context.
func TestSearchCancelled(t *testing.T) {
	t.Parallel()
	ix, _ := buildIndex(t, searchtest.Wordy(t, 20))
	for range cap(search.HeavySlots(ix)) {
		search.HeavySlots(ix) <- struct{}{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := ix.Search(ctx, search.Request{Query: "wq0001*"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting for a turn: %v", err)
	}
	// A search without wildcards does not wait.
	if _, err := ix.Search(context.Background(), search.Request{Query: "pool"}); err != nil {
		t.Errorf("plain search: %v", err)
	}
	for range cap(search.HeavySlots(ix)) {
		<-search.HeavySlots(ix)
	}
	done, stop := context.WithCancel(context.Background())
	stop()
	if _, err := ix.Search(done, search.Request{Query: "wq0001*"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled search: %v", err)
	}
}
