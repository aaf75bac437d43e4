package search

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search/internal/searchtest"
)

func buildIndex(t testing.TB, incs []*postmortem.Incident) (*Index, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "search")
	if err := Build(context.Background(), dir, incs, BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix, dir
}

func ids(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

func doSearch(t *testing.T, ix *Index, r Request) *Result {
	t.Helper()
	res, err := ix.Search(context.Background(), r)
	if err != nil {
		t.Fatalf("search %q: %v", r.Query, err)
	}
	return res
}

func TestQueries(t *testing.T) {
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
			res := doSearch(t, ix, Request{Query: tc.query, Limit: 50})
			got := ids(res.Hits)
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
		{`"a"~1`, 3, "follows a word"},
		{`tags:-dns`, 5, "to exclude a value write -tags:value"},
		{`:dns`, 0, "field name is missing"},
		{`pool~5`, 4, "fuzziness"},
		{`pool^x`, 4, "boost"},
		{`>5`, 0, "needs a field"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			_, err := ix.Search(context.Background(), Request{Query: tc.query})
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("error %v (%T), want a *QueryError", err, err)
			}
			if qe.Pos != tc.pos || !strings.Contains(qe.Msg, tc.msg) {
				t.Errorf("got pos %d %q, want pos %d containing %q", qe.Pos, qe.Msg, tc.pos, tc.msg)
			}
		})
	}
}

// grammarOK reports whether lex and parseClauses accept q, and whether
// Bleve's parser does. ok is false when Bleve stopped at a date it cannot
// read, an error of the value that locate finds, before the end.
func grammarOK(q string) (ours, bleve, ok bool) {
	if strings.TrimSpace(q) == "" {
		// parseQuery matches everything before any grammar.
		return false, false, false
	}
	toks, err := lex(q)
	if err == nil {
		_, err = parseClauses(q, toks)
	}
	_, berr := query.NewQueryStringQuery(q).Parse()
	if berr != nil && strings.Contains(berr.Error(), "invalid time") {
		return false, false, false
	}
	return err == nil, berr == nil, true
}

// TestGrammarMatchesBleve checks that our grammar, which exists to put a
// position on Bleve's errors, accepts exactly what Bleve accepts.
func TestGrammarMatchesBleve(t *testing.T) {
	for _, q := range []string{
		`tags:database`, `+a -b c`, `"x y":z`, `a~`, `a~2 b^3`, `f:>=-3`, `f:<-3.5`, `f:"x"^2`,
		`f:-3`, `f:a~1`, `3`, `3.5`, `a\:b`, `a"b`, `f:>"2024-01-01"`, `/re(g|x)/`, `ab*`, `+ a`,
		`a:`, `:a`, `a:>`, `a:>b`, `"a`, `+`, `a~x`, `2024:x`, `a:b:c`, `a:-b`, `a~1~1`, `^2`, `a^`,
		`"a"~1`, `a:>=`, `a:=3`, `1.2.3`, `a\`, `-`, `a:- 3`, `3~1`, `a::b`, `"a":"b"`, `a:>-"x"`,
	} {
		ours, bleve, ok := grammarOK(q)
		if ok && ours != bleve {
			t.Errorf("%s: our grammar accepts: %v, Bleve accepts: %v", q, ours, bleve)
		}
	}
}

// FuzzGrammar looks for queries on which our grammar and Bleve's disagree,
// and for panics in parseQuery.
func FuzzGrammar(f *testing.F) {
	for _, q := range []string{`tags:database +severity:SEV1 "connection pool" -services:auth date:>"2024-01-01"`,
		`a~1 b^2`, `f:>=-3`, `"a\"b"`, `/x/`, `a:b:c`} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if !utf8.ValidString(q) {
			return
		}
		_, _, _ = parseQuery(q)
		ours, bleve, ok := grammarOK(q)
		if ok && ours != bleve {
			t.Errorf("%q: our grammar accepts: %v, Bleve accepts: %v", q, ours, bleve)
		}
	})
}

func TestSortAndPages(t *testing.T) {
	ix, _ := buildIndex(t, searchtest.Incidents(t))
	newest := []string{"INC-2024-004", "INC-2024-002", "INC-2024-001", "INC-2024-003", "INC-2023-007", "INC-2022-010"}
	oldest := slices.Clone(newest)
	slices.Reverse(oldest)
	for _, tc := range []struct {
		name string
		r    Request
		want []string
	}{
		{"empty query is newest first", Request{}, newest},
		{"-date", Request{Query: "-tags:none", Sort: "-date"}, newest},
		{"date", Request{Sort: "date"}, oldest},
		{"page 2", Request{Sort: "-date", Limit: 2, From: 2}, newest[2:4]},
		{"last page", Request{Sort: "-date", Limit: 4, From: 4}, newest[4:]},
		{"past the end", Request{Sort: "-date", Limit: 4, From: 10}, nil},
		{"score", Request{Query: "failover", Sort: "score"}, []string{"INC-2023-007", "INC-2024-003"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := doSearch(t, ix, tc.r)
			if got := ids(res.Hits); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := ix.Search(context.Background(), Request{Sort: "title"}); err == nil {
		t.Error("sort by title: no error")
	}
}

func TestHitFields(t *testing.T) {
	ix, _ := buildIndex(t, searchtest.Incidents(t))
	res := doSearch(t, ix, Request{Query: "id:INC-2024-002"})
	if len(res.Hits) != 1 {
		t.Fatalf("hits %v", ids(res.Hits))
	}
	h := res.Hits[0]
	if h.Title != "DNS resolution failures for checkout" || h.Severity != "SEV1" || h.Status != "published" ||
		h.Date.Format("2006-01-02") != "2024-05-10" || !slices.Equal(h.Tags, []string{"dns", "network"}) ||
		!slices.Equal(h.Services, []string{"checkout-api", "edge"}) || h.Score <= 0 {
		t.Errorf("hit %+v", h)
	}
}

func TestFacets(t *testing.T) {
	ix, _ := buildIndex(t, searchtest.Incidents(t))
	res := doSearch(t, ix, Request{Facets: true})
	want := map[string][]FacetCount{
		"severity": {{"SEV1", 2}, {"SEV2", 2}, {"SEV3", 1}, {"SEV4", 1}},
		"year":     {{"2024", 4}, {"2022", 1}, {"2023", 1}},
		"services": {{"checkout-api", 2}, {"auth", 1}, {"edge", 1}, {"payments", 1}, {"search", 1}, {"status-page", 1}},
	}
	for name, w := range want {
		if got := res.Facets[name]; !slices.Equal(got, w) {
			t.Errorf("%s: got %v, want %v", name, got, w)
		}
	}
	if got := res.Facets["tags"]; len(got) != 7 || got[0] != (FacetCount{"database", 2}) {
		t.Errorf("tags: %v", got)
	}
	// Facets count every match, not only the page.
	res = doSearch(t, ix, Request{Query: "+severity:sev1", Facets: true, Limit: 1})
	if got := res.Facets["services"]; !slices.Equal(got, []FacetCount{{"checkout-api", 2}, {"edge", 1}}) {
		t.Errorf("services of SEV1: %v", got)
	}
}

func TestHighlightEscapes(t *testing.T) {
	ix, _ := buildIndex(t, searchtest.Incidents(t))
	res := doSearch(t, ix, Request{Query: "script", Highlight: true})
	if len(res.Hits) != 1 {
		t.Fatalf("hits %v", ids(res.Hits))
	}
	frags := res.Hits[0].Fragments
	title := strings.Join(frags[FieldTitle], "")
	summary := strings.Join(frags[FieldSummary], "")
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
	ix, _ := buildIndex(t, searchtest.Incidents(t))
	res := doSearch(t, ix, Request{Query: "broker", Highlight: true})
	if len(res.Hits) != 1 {
		t.Fatalf("hits %v", ids(res.Hits))
	}
	got := res.Hits[0].Fragments[FieldFactors]
	if len(got) == 0 || !strings.Contains(got[0], "<mark>broker</mark>") {
		t.Errorf("factors fragments %q", got)
	}
}

func TestWriteTable(t *testing.T) {
	ix, _ := buildIndex(t, searchtest.Incidents(t))
	res := doSearch(t, ix, Request{Query: "broker script", Highlight: true})
	var plain, color strings.Builder
	if err := WriteTable(&plain, res, false); err != nil {
		t.Fatal(err)
	}
	if err := WriteTable(&color, res, true); err != nil {
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
	if !strings.Contains(color.String(), ansiBold+"broker"+ansiReset) || !strings.Contains(color.String(), "<"+ansiBold+"script"+ansiReset+">") {
		t.Errorf("color table:\n%q", color.String())
	}
}

func TestTerminalFragmentStripsControls(t *testing.T) {
	got := terminalFragment("a\x1b[31m <mark>red</mark>\nb &amp; &lt;c&gt;", true, 100)
	if want := "a [31m " + ansiBold + "red" + ansiReset + " b & <c>"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := terminalFragment("<mark>abcdef</mark>ghij", false, 4); got != "abc…" {
		t.Errorf("truncated: %q", got)
	}
}

func TestWriteFacets(t *testing.T) {
	ix, _ := buildIndex(t, searchtest.Incidents(t))
	res := doSearch(t, ix, Request{Query: "+severity:sev1", Facets: true})
	var b strings.Builder
	if err := WriteFacets(&b, res); err != nil {
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

func TestSectionTexts(t *testing.T) {
	inc := searchtest.Parse(t, "x.md", `---
title: T
---
Intro line.

# Wrapper

Wrapper text.

## Timeline

- 10:00 UTC — start

### Database

replica lag

## Five whys

why one

Setext heading
--------------

setext text
`)
	got := sectionTexts(inc, postmortem.NewTextReader())
	want := map[string]string{
		FieldBody:     "Intro line.\n\nWrapper\n\nWrapper text.\n\nSetext heading\n\nsetext text",
		FieldTimeline: "- 10:00 UTC — start\n\nDatabase\n\nreplica lag",
		FieldFactors:  "why one",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %q, want %q", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("fields %v", got)
	}
}

func TestBrokenAndDuplicatesSkipped(t *testing.T) {
	a := searchtest.Parse(t, "a.md", "---\nid: X-1\ntitle: First\n---\n")
	b := searchtest.Parse(t, "b.md", "---\nid: X-1\ntitle: Second\n---\n")
	broken := searchtest.Parse(t, "c.md", "")
	ix, _ := buildIndex(t, []*postmortem.Incident{a, b, broken, nil})
	res := doSearch(t, ix, Request{})
	if len(res.Hits) != 1 || res.Hits[0].Title != "First" {
		t.Errorf("hits %+v", res.Hits)
	}
}

func TestEmptyIndex(t *testing.T) {
	ix, _ := buildIndex(t, nil)
	res := doSearch(t, ix, Request{Query: "anything", Facets: true})
	if res.Total != 0 || len(res.Facets["tags"]) != 0 {
		t.Errorf("result %+v", res)
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "none")); err == nil || !strings.Contains(err.Error(), "build it first") {
		t.Errorf("missing index: %v", err)
	}
	_, dir := buildIndex(t, searchtest.Incidents(t))
	if err := writeSidecar(dir, sidecar{MappingVersion: MappingVersion + 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "build it again") {
		t.Errorf("other mapping version: %v", err)
	}
}

func TestBuildCancelledKeepsOldIndex(t *testing.T) {
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
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if res := doSearch(t, ix, Request{}); res.Total != 6 {
		t.Errorf("total %d after a cancelled build", res.Total)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}
