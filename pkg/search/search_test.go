package search_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/indexer"
	"github.com/inquest-dev/inquest/pkg/search/internal/indexdir"
	"github.com/inquest-dev/inquest/pkg/search/internal/searchtest"
)

// buildIndex builds an index of incs in a new folder and opens it.
func buildIndex(t testing.TB, incs []*postmortem.Incident) (*search.Index, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "search")
	if err := indexer.Build(context.Background(), dir, incs, indexer.BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	return searchtest.Open(t, dir), dir
}

func TestQueries(t *testing.T) {
	t.Parallel()
	ix, _ := buildIndex(t, searchtest.Incidents(t))
	all := []string{"INC-2022-010", "INC-2023-007", "INC-2024-001", "INC-2024-002", "INC-2024-003", "INC-2024-004"}
	for _, tc := range []struct {
		name, query string
		want        []string
		// order is "" to compare the hits as a set, "ordered" to compare
		// them in order, "first" to check only that they start with want.
		order string
	}{
		{"empty matches all", "", all, ""},
		{"field term", "tags:database", []string{"INC-2023-007", "INC-2024-001"}, ""},
		{"keyword case", "tags:DataBase", []string{"INC-2023-007", "INC-2024-001"}, ""},
		{"severity upper", "severity:SEV1", []string{"INC-2024-001", "INC-2024-002"}, ""},
		{"severity lower", "severity:sev1", []string{"INC-2024-001", "INC-2024-002"}, ""},
		{"service with dash", "services:checkout-api", []string{"INC-2024-001", "INC-2024-002"}, ""},
		{"keyword is whole value", "services:checkout", nil, ""},
		{"wildcard on keyword", "services:Checkout*", []string{"INC-2024-001", "INC-2024-002"}, ""},
		{"status", "status:draft", []string{"INC-2024-003"}, ""},
		{"owner", `owner:"jane doe"`, []string{"INC-2024-001"}, ""},
		{"id", "id:inc-2024-002", []string{"INC-2024-002"}, ""},
		{"year", "year:2023", []string{"INC-2023-007"}, ""},
		// INC-2024-002 has both words, not the phrase.
		{"phrase", `"connection pool"`, []string{"INC-2022-010", "INC-2024-001"}, ""},
		{"words", "connection pool", []string{"INC-2022-010", "INC-2024-001", "INC-2024-002"}, ""},
		{"must and must not", "+services:checkout-api -tags:dns", []string{"INC-2024-001"}, ""},
		{"must not alone", "-services:auth", []string{"INC-2023-007", "INC-2024-001", "INC-2024-002", "INC-2024-003", "INC-2024-004"}, ""},
		{"date range", `date:>="2024-01-01"`, []string{"INC-2024-001", "INC-2024-002", "INC-2024-003", "INC-2024-004"}, ""},
		// Clauses without + should match: either range will do.
		{"date either", `date:>"2024-06-01" date:<"2023-01-01"`, []string{"INC-2022-010", "INC-2024-004"}, ""},
		{"date window must", `+date:>"2023-01-01" +date:<"2024-02-01"`, []string{"INC-2023-007", "INC-2024-003"}, ""},
		{"numeric range", "customers:>1000", []string{"INC-2023-007", "INC-2024-001"}, ""},
		{"numeric equal", "customers:500", []string{"INC-2024-002"}, ""},
		{"duration", "ttr:>=95", []string{"INC-2024-001"}, ""},
		{"open action items", "action_items_open:>0", []string{"INC-2024-001"}, ""},
		{"action item title", "action_items:runbook", []string{"INC-2024-001"}, ""},
		{"section field", "timeline:rolled", []string{"INC-2024-001"}, ""},
		{"stemmed free text", "rolled", []string{"INC-2024-001", "INC-2024-003"}, ""},
		{"sub-section joins its section", "timeline:replica", []string{"INC-2024-001"}, ""},
		{"lessons", "lessons:timeout", []string{"INC-2023-007"}, ""},
		{"factors", "factors:broker", []string{"INC-2024-003"}, ""},
		{"impact description", "impact:shoppers", []string{"INC-2024-001"}, ""},
		{"body before sub-heading", "body:belongs", []string{"INC-2024-004"}, ""},
		{"summary from front matter", "summary:rendered", []string{"INC-2024-004"}, ""},
		{"free text finds tags", "postgres", []string{"INC-2024-001"}, ""},
		{"title ranks above body", "failover", []string{"INC-2023-007", "INC-2024-003"}, "ordered"},
		{"id as free text ranks first", "INC-2024-002", []string{"INC-2024-002"}, "first"},
		{"stop word alone matches nothing", "the", nil, ""},
		{"stop word ignored in must", "+the +tags:dns", []string{"INC-2024-002"}, ""},
		{"brief example", `tags:database +severity:SEV1 "connection pool"`, []string{"INC-2024-001", "INC-2024-002"}, "ordered"},
		{"fuzzy", "servfal~1", []string{"INC-2024-002"}, ""},
		{"boost", "checkout^5 failover", []string{"INC-2024-001", "INC-2024-002", "INC-2023-007", "INC-2024-003"}, "ordered"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := searchtest.Search(t, ix, search.Request{Query: tc.query, Limit: 50})
			got := searchtest.IDs(res.Hits)
			if tc.order == "" {
				slices.Sort(got)
			}
			if tc.order == "first" {
				got = got[:min(len(got), len(tc.want))]
			} else if res.Total != uint64(len(tc.want)) {
				t.Errorf("total %d, want %d", res.Total, len(tc.want))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s:\n got %q\nwant %q", tc.query, got, tc.want)
			}
		})
	}
}

func TestQueryErrors(t *testing.T) {
	t.Parallel()
	ix, _ := buildIndex(t, searchtest.Incidents(t))
	for _, tc := range []struct {
		query string
		pos   int
		msg   string
	}{
		{`tags:database "connection pool`, 14, "unterminated quote"},
		{`tags:`, 5, "needs a value"},
		{`tag:database`, 0, `did you mean "tags"`},
		{`sev:SEV1`, 0, `did you mean "severity"`},
		{`date:>2024-01-01`, 6, `date in a range is quoted: date:>"2024-01-01"`},
		{`ttd:>many`, 5, "a range needs a number: ttd:>10"},
		{`f:>x`, 3, "a number or a quoted date"},
		{`date:>2024`, 6, "is a date: quote it"},
		{`date:2024-01-01`, 0, "search it with a range"},
		{`customers:>"2024-01-01"`, 11, "is a number"},
		{`customers:many`, 10, "is a number"},
		{`tags:>5`, 0, "ranges work on numbers"},
		{`year:>2020`, 0, "year has no ranges"},
		{`+tags:database (dns OR tls)`, 15, "parentheses do not group"},
		{`a AND b`, 2, "prefix each clause that must match with +"},
		{`NOT dns`, 0, "prefix a clause with -"},
		{`date:>"yesterday"`, 6, "invalid time"},
		{`tags:dns +`, 10, "must be followed by a clause"},
		{`a:b:c`, 3, "unexpected colon"},
		{`2024:x`, 0, "not a field name"},
		{`dns 2024:x`, 4, "not a field name"},
		{`"a"~1`, 3, "follows a word"},
		{`tags:-dns`, 5, "to exclude a value write -tags:value"},
		{`:dns`, 0, "field name is missing"},
		{`pool~5`, 4, "fuzziness"},
		{`pool^x`, 4, "boost"},
		{`>5`, 0, "needs a field"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			_, err := ix.Search(context.Background(), search.Request{Query: tc.query})
			var qe *search.QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("error %v (%T), want a *search.QueryError", err, err)
			}
			if qe.Pos != tc.pos || !strings.Contains(qe.Msg, tc.msg) {
				t.Errorf("got pos %d %q, want pos %d containing %q", qe.Pos, qe.Msg, tc.pos, tc.msg)
			}
		})
	}
}

func TestSortAndPages(t *testing.T) {
	t.Parallel()
	ix, _ := buildIndex(t, searchtest.Incidents(t))
	newest := []string{"INC-2024-004", "INC-2024-002", "INC-2024-001", "INC-2024-003", "INC-2023-007", "INC-2022-010"}
	oldest := slices.Clone(newest)
	slices.Reverse(oldest)
	for _, tc := range []struct {
		name string
		r    search.Request
		want []string
	}{
		{"empty query is newest first", search.Request{}, newest},
		{"-date", search.Request{Query: "-tags:none", Sort: "-date"}, newest},
		{"date", search.Request{Sort: "date"}, oldest},
		{"page 2", search.Request{Sort: "-date", Limit: 2, From: 2}, newest[2:4]},
		{"last page", search.Request{Sort: "-date", Limit: 4, From: 4}, newest[4:]},
		{"past the end", search.Request{Sort: "-date", Limit: 4, From: 10}, nil},
		{"score", search.Request{Query: "failover", Sort: "score"}, []string{"INC-2023-007", "INC-2024-003"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := searchtest.Search(t, ix, tc.r)
			if got := searchtest.IDs(res.Hits); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			// IDs lists the same, in the same order, with the same total.
			ids, total, err := ix.IDs(context.Background(), tc.r)
			if err != nil || !slices.Equal(ids, tc.want) || total != res.Total {
				t.Errorf("IDs: %q, total %d, %v; Search: %q, total %d", ids, total, err, tc.want, res.Total)
			}
		})
	}
	if _, err := ix.Search(context.Background(), search.Request{Sort: "title"}); err == nil {
		t.Error("sort by title: no error")
	}
	if _, _, err := ix.IDs(context.Background(), search.Request{Sort: "title"}); err == nil {
		t.Error("IDs sorted by title: no error")
	}
	var qe *search.QueryError
	if _, _, err := ix.IDs(context.Background(), search.Request{Query: `title:"unclosed`}); !errors.As(err, &qe) {
		t.Errorf("IDs of a query that does not parse: %v, want a *QueryError", err)
	}
}

// TestIDsAll: IDs with no limit lists every match, past Search's default
// page of 20 and whatever a query's facets or highlighting would ask.
func TestIDsAll(t *testing.T) {
	t.Parallel()
	ix, _ := buildIndex(t, searchtest.Incidents(t))
	all := searchtest.Search(t, ix, search.Request{Limit: 1000})
	ids, total, err := ix.IDs(context.Background(), search.Request{Facets: true, Highlight: true})
	if err != nil || total != all.Total || len(ids) != len(all.Hits) || !slices.Equal(ids, searchtest.IDs(all.Hits)) {
		t.Errorf("IDs: %q (total %d, %v), want %q", ids, total, err, searchtest.IDs(all.Hits))
	}
	ids, _, err = ix.IDs(context.Background(), search.Request{Limit: 2, From: 1})
	if err != nil || !slices.Equal(ids, searchtest.IDs(all.Hits)[1:3]) {
		t.Errorf("IDs from 1, limit 2: %q, %v", ids, err)
	}
}

func TestHitFields(t *testing.T) {
	t.Parallel()
	ix, _ := buildIndex(t, searchtest.Incidents(t))
	res := searchtest.Search(t, ix, search.Request{Query: "id:INC-2024-002"})
	if len(res.Hits) != 1 {
		t.Fatalf("hits %v", searchtest.IDs(res.Hits))
	}
	h := res.Hits[0]
	if h.Title != "DNS resolution failures for checkout" || h.Severity != "SEV1" || h.Status != "published" ||
		h.Date.Format("2006-01-02") != "2024-05-10" || !slices.Equal(h.Tags, []string{"dns", "network"}) ||
		!slices.Equal(h.Services, []string{"checkout-api", "edge"}) || h.Score <= 0 {
		t.Errorf("hit %+v", h)
	}
}

func TestFacets(t *testing.T) {
	t.Parallel()
	ix, _ := buildIndex(t, searchtest.Incidents(t))
	res := searchtest.Search(t, ix, search.Request{Facets: true})
	want := map[string][]search.FacetCount{
		"severity": {{"SEV1", 2}, {"SEV2", 2}, {"SEV3", 1}, {"SEV4", 1}},
		"year":     {{"2024", 4}, {"2022", 1}, {"2023", 1}},
		"services": {{"checkout-api", 2}, {"auth", 1}, {"edge", 1}, {"payments", 1}, {"search", 1}, {"status-page", 1}},
	}
	for name, w := range want {
		if got := res.Facets[name]; !slices.Equal(got, w) {
			t.Errorf("%s: got %v, want %v", name, got, w)
		}
	}
	if got := res.Facets["tags"]; len(got) != 7 || got[0] != (search.FacetCount{"database", 2}) {
		t.Errorf("tags: %v", got)
	}
	// Facets count every match, not only the page.
	res = searchtest.Search(t, ix, search.Request{Query: "+severity:sev1", Facets: true, Limit: 1})
	if got := res.Facets["services"]; !slices.Equal(got, []search.FacetCount{{"checkout-api", 2}, {"edge", 1}}) {
		t.Errorf("services of SEV1: %v", got)
	}
}

func TestHighlightEscapes(t *testing.T) {
	t.Parallel()
	ix, _ := buildIndex(t, searchtest.Incidents(t))
	res := searchtest.Search(t, ix, search.Request{Query: "script", Highlight: true})
	if len(res.Hits) != 1 {
		t.Fatalf("hits %v", searchtest.IDs(res.Hits))
	}
	frags := res.Hits[0].Fragments
	title := strings.Join(frags[search.FieldTitle], "")
	summary := strings.Join(frags[search.FieldSummary], "")
	if !strings.Contains(title, "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;") {
		t.Errorf("title fragment not escaped: %q", title)
	}
	if !strings.Contains(summary, "&lt;b&gt;<mark>script</mark>&lt;/b&gt;") {
		t.Errorf("summary fragment not escaped: %q", summary)
	}
	for f, fs := range frags {
		for _, s := range fs {
			if strings.Contains(strings.ReplaceAll(strings.ReplaceAll(s, "<mark>", ""), "</mark>", ""), "<") {
				t.Errorf("%s fragment has raw markup: %q", f, s)
			}
		}
	}
}

func TestHighlightSections(t *testing.T) {
	t.Parallel()
	ix, _ := buildIndex(t, searchtest.Incidents(t))
	res := searchtest.Search(t, ix, search.Request{Query: "broker", Highlight: true})
	if len(res.Hits) != 1 {
		t.Fatalf("hits %v", searchtest.IDs(res.Hits))
	}
	got := res.Hits[0].Fragments[search.FieldFactors]
	if len(got) == 0 || !strings.Contains(got[0], "<mark>broker</mark>") {
		t.Errorf("factors fragments %q", got)
	}
}

func TestWriteTable(t *testing.T) {
	t.Parallel()
	ix, _ := buildIndex(t, searchtest.Incidents(t))
	res := searchtest.Search(t, ix, search.Request{Query: "broker script", Highlight: true})
	var plain, color strings.Builder
	if err := search.WriteTable(&plain, res, false); err != nil {
		t.Fatal(err)
	}
	if err := search.WriteTable(&color, res, true); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"INC-2024-003  2024-01-15  SEV3  Payment webhooks delayed", "after a broker failover", "2 incidents"} {
		if !strings.Contains(plain.String(), want) {
			t.Errorf("plain table lacks %q:\n%s", want, plain.String())
		}
	}
	if strings.Contains(plain.String(), "\x1b") || strings.Contains(plain.String(), "<mark>") {
		t.Errorf("plain table has markup:\n%q", plain.String())
	}
	if !strings.Contains(color.String(), search.AnsiBold+"broker"+search.AnsiReset) || !strings.Contains(color.String(), "<"+search.AnsiBold+"script"+search.AnsiReset+">") {
		t.Errorf("color table:\n%q", color.String())
	}
}

func TestWriteFacets(t *testing.T) {
	t.Parallel()
	ix, _ := buildIndex(t, searchtest.Incidents(t))
	res := searchtest.Search(t, ix, search.Request{Query: "+severity:sev1", Facets: true})
	var b strings.Builder
	if err := search.WriteFacets(&b, res); err != nil {
		t.Fatal(err)
	}
	want := "severity: SEV1 (2)\n" +
		"tags:     database (1)  dns (1)  network (1)  postgres (1)\n" +
		"services: checkout-api (2)  edge (1)\n" +
		"year:     2024 (2)\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestEmptyIndex(t *testing.T) {
	t.Parallel()
	ix, _ := buildIndex(t, nil)
	res := searchtest.Search(t, ix, search.Request{Query: "anything", Facets: true})
	if res.Total != 0 || len(res.Facets["tags"]) != 0 {
		t.Errorf("result %+v", res)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	if _, err := search.Open(filepath.Join(t.TempDir(), "none")); err == nil || !strings.Contains(err.Error(), "build it first") {
		t.Errorf("missing index: %v", err)
	}
	_, dir := buildIndex(t, searchtest.Incidents(t))
	if err := indexdir.WriteSidecar(dir, indexdir.Sidecar{MappingVersion: search.MappingVersion + 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := search.Open(dir); err == nil || !strings.Contains(err.Error(), "build it again") {
		t.Errorf("other mapping version: %v", err)
	}
}

// TestTiesByID: a search by score lists what Bleve sorting by score and
// then id lists, page by page, whether or not the hit after a page ties
// with its last (field-only queries score every match alike).
func TestTiesByID(t *testing.T) {
	t.Parallel()
	ix, dir := buildIndex(t, searchtest.Incidents(t))
	slow := searchtest.Open(t, dir)
	search.TiesByBleve(slow)
	for _, q := range []string{"database", "failover broker", "tags:database", "-tags:none", "severity:sev1 severity:sev2", `"connection pool"`, "timeout~1", ""} {
		for from := range 4 {
			for limit := 1; limit <= 7; limit++ {
				r := search.Request{Query: q, Sort: "score", From: from, Limit: limit, Highlight: true}
				got := searchtest.Search(t, ix, r)
				want := searchtest.Search(t, slow, r)
				if got.Total != want.Total || !slices.Equal(searchtest.IDs(got.Hits), searchtest.IDs(want.Hits)) {
					t.Errorf("%q from %d limit %d: %q (total %d), Bleve sorting: %q (total %d)", q, from, limit,
						searchtest.IDs(got.Hits), got.Total, searchtest.IDs(want.Hits), want.Total)
				}
				for i, h := range got.Hits {
					if h.Score != want.Hits[i].Score || h.Title != want.Hits[i].Title || !slices.Equal(h.Fragments["summary"], want.Hits[i].Fragments["summary"]) {
						t.Errorf("%q from %d limit %d: hit %s differs: %+v, Bleve sorting: %+v", q, from, limit, h.ID, h, want.Hits[i])
					}
				}
				ids, total, err := ix.IDs(context.Background(), r)
				if err != nil || total != want.Total || !slices.Equal(ids, searchtest.IDs(want.Hits)) {
					t.Errorf("IDs %q from %d limit %d: %q, %v; Bleve sorting: %q", q, from, limit, ids, err, searchtest.IDs(want.Hits))
				}
			}
		}
	}
}
