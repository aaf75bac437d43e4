package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/inquest-dev/inquest/pkg/search/internal/indexdir"
)

// Index is an open, read-only search index. It is safe for concurrent use.
type Index struct {
	idx bleve.Index
	// heavy admits the searches with wildcard, regular expression or
	// fuzzy clauses, at most one per core at once: the others wait for
	// their turn or for their context to end.
	heavy chan struct{}
	// tiesByBleve has Bleve sort every search by score and id, as it did
	// before searchBleve (for the tests that compare the two).
	tiesByBleve bool
}

// Open opens the index package indexer wrote to dir. It fails when the
// index was written with another MappingVersion; indexer.Update rebuilds
// such an index.
func Open(dir string) (*Index, error) {
	sc, err := indexdir.ReadSidecar(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("open search index %s: no index here: build it first: %w", dir, err)
		}
		return nil, fmt.Errorf("open search index %s: %w", dir, err)
	}
	if sc.MappingVersion != MappingVersion {
		return nil, fmt.Errorf("open search index %s: written with mapping version %d, this inquest reads version %d: build it again", dir, sc.MappingVersion, MappingVersion)
	}
	idx, err := indexdir.OpenBleve(dir, map[string]any{"read_only": true, "bolt_timeout": indexdir.LockTimeout})
	if err != nil {
		return nil, fmt.Errorf("open search index %s: %w", dir, err)
	}
	// Bleve opens an index whose segments are gone or cut short as an
	// empty one; the fingerprints know how many documents there should be.
	if n, err := indexdir.DocCount(idx); err != nil || n != uint64(sc.Want()) {
		_ = idx.Close()
		return nil, fmt.Errorf("open search index %s: index is damaged (%d documents, %d expected): build it again", dir, n, sc.Want())
	}
	return &Index{idx: idx, heavy: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))}, nil
}

// Close releases the index.
func (ix *Index) Close() error {
	return ix.idx.Close()
}

// Request is a search.
type Request struct {
	// Query is in Bleve's query-string syntax (see the package comment);
	// empty matches every incident.
	Query string
	// Limit is the number of hits to return (default 20, at most 1000);
	// From is the number to skip, for pages.
	Limit, From int
	// Sort is "score" (best first, the default for a query), "date"
	// (oldest first) or "-date" (newest first, the default for an empty
	// query). Ties are broken by id.
	Sort string
	// Facets asks for the counts of tags, services, severity and year
	// over every matching incident.
	Facets bool
	// FacetSize is the number of terms per facet (default 20).
	FacetSize int
	// Highlight asks for fragments of the matching text.
	Highlight bool
}

// Result is the answer to a Request. Its JSON form (MarshalJSON) is the
// one every front end prints.
type Result struct {
	// Total is the number of matching incidents, of which Hits is a page.
	Total uint64
	Took  time.Duration
	Hits  []Hit
	// Facets maps "tags", "services", "severity" and "year" to their most
	// frequent values among all matches, most frequent first.
	Facets map[string][]FacetCount
}

// Hit is one matching incident.
type Hit struct {
	ID       string
	Title    string
	Date     time.Time // zero when unknown
	Severity string
	Tags     []string
	Services []string
	Status   string
	Score    float64
	// Fragments maps a field name to excerpts of it in HTML: document text
	// is escaped and matched terms are wrapped in <mark>…</mark>.
	Fragments map[string][]string
}

// FacetCount is one value of a facet and the number of matches with it.
type FacetCount struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

const (
	defaultLimit     = 20
	maxLimit         = 1000
	defaultFacetSize = 20
)

// storedFields are the fields a Hit is made of.
var storedFields = []string{FieldID, FieldTitle, FieldDate, FieldSeverity, FieldTags, FieldServices, FieldStatus}

// facetFields maps the facet names of a Result to the fields counted.
var facetFields = map[string]string{
	"tags":     facetTags,
	"services": facetServices,
	"severity": facetSeverity,
	"year":     FieldYear,
}

// Search runs a request. A query that cannot be parsed returns a
// *QueryError.
// A From past MaxFrom is a *RequestError. A query with more than
// MaxClauses clauses, more than MaxExpanding wildcard, regular expression
// and fuzzy clauses, or whose expansions would stand for more than
// MaxExpansion words is refused with a *QueryError before it costs much;
// searches with such clauses wait for one another, a core each. The
// search stops when ctx is done.
func (ix *Index) Search(ctx context.Context, r Request) (res *Result, err error) {
	return ix.search(ctx, r, false)
}

// MaxIDs is the most ids IDs returns at once.
const MaxIDs = 100_000

// IDs returns the ids of the incidents r.Query matches, in the order
// Search lists them (r.Sort), skipping r.From, at most r.Limit of them (0:
// up to MaxIDs), and the number of matches: what the browser's search
// page needs to count and filter every match, without the stored fields,
// fragments or facets of each, and without asking a page of 1,000 at a
// time. r.Facets, r.FacetSize and r.Highlight are ignored; the bounds on
// a query's cost are Search's.
func (ix *Index) IDs(ctx context.Context, r Request) (ids []string, total uint64, err error) {
	r.Facets, r.Highlight = false, false
	res, err := ix.search(ctx, r, true)
	if err != nil {
		return nil, 0, err
	}
	ids = make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, res.Total, nil
}

// search is Search, or with idsOnly the ids of up to MaxIDs hits and no
// other field.
func (ix *Index) search(ctx context.Context, r Request, idsOnly bool) (res *Result, err error) {
	if r.From < 0 || r.From > MaxFrom {
		return nil, &RequestError{Msg: fmt.Sprintf("from must be between 0 and %d, not %d", MaxFrom, r.From)}
	}
	q, expensive, err := parseQuery(r.Query)
	if err != nil {
		return nil, err
	}
	sortBy := r.Sort
	if sortBy == "" {
		sortBy = "score"
		if _, all := q.(*query.MatchAllQuery); all {
			sortBy = "-date"
		}
	}
	if expensive {
		select {
		case ix.heavy <- struct{}{}:
			defer func() { <-ix.heavy }()
		case <-ctx.Done():
			return nil, fmt.Errorf("search: waiting for other searches with wildcards: %w", ctx.Err())
		}
	}
	// A bug in Bleve met by one query fails that query, not the process
	// (a server) it runs in.
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("search: internal error: %v", p)
		}
	}()
	return ix.run(ctx, q, r, sortBy, idsOnly)
}

func (ix *Index) run(ctx context.Context, q query.Query, r Request, sortBy string, idsOnly bool) (*Result, error) {
	limit := r.Limit
	switch {
	case idsOnly && limit <= 0:
		limit = MaxIDs
	case idsOnly:
		limit = min(limit, MaxIDs)
	case limit <= 0:
		limit = defaultLimit
	default:
		limit = min(limit, maxLimit)
	}
	req := bleve.NewSearchRequestOptions(q, limit, max(r.From, 0), false)
	if !idsOnly {
		req.Fields = storedFields
	}
	byID := &search.SortField{Field: "_id", Type: search.SortFieldAsString}
	switch sortBy {
	case "score":
		req.SortByCustom(search.SortOrder{&search.SortScore{Desc: true}, byID})
	case "date", "-date":
		req.SortByCustom(search.SortOrder{
			&search.SortField{Field: FieldDate, Type: search.SortFieldAsDate, Desc: sortBy == "-date", Missing: search.SortFieldMissingLast},
			byID,
		})
	default:
		return nil, fmt.Errorf("search: sort %q is not one of score, date, -date", r.Sort)
	}
	if r.Facets {
		size := r.FacetSize
		if size <= 0 {
			size = defaultFacetSize
		}
		for name, field := range facetFields {
			req.AddFacet(name, bleve.NewFacetRequest(field, size))
		}
	}
	if r.Highlight {
		// The html highlighter escapes document text; nil fields means
		// every field with a match, and only stored fields yield fragments.
		req.Highlight = bleve.NewHighlightWithStyle(html.Name)
	}
	res, err := ix.searchBleve(ctx, req, sortBy == "score" && (r.From <= 0 || idsOnly))
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := &Result{Total: res.Total, Took: res.Took, Hits: make([]Hit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, hitOf(h))
	}
	if r.Facets {
		out.Facets = make(map[string][]FacetCount, len(facetFields))
		for name := range facetFields {
			counts := []FacetCount{}
			if fr := res.Facets[name]; fr != nil && fr.Terms != nil {
				for _, t := range fr.Terms.Terms() {
					counts = append(counts, FacetCount{Term: t.Term, Count: t.Count})
				}
			}
			slices.SortFunc(counts, func(a, b FacetCount) int {
				return cmp.Or(b.Count-a.Count, cmp.Compare(a.Term, b.Term))
			})
			out.Facets[name] = counts
		}
	}
	return out, nil
}

// searchBleve runs req. With byScore (req sorted by score, then id, from
// its first hit) it asks Bleve first for the hits by score alone, one
// more than req wants, and breaks the ties by id itself: Bleve then reads
// no sort value of each match, a fifth of a query's time at 10,000
// incidents. That answers req exactly when the hit after the last one
// wanted scores lower, or there is none; when it ties, req runs as it is.
func (ix *Index) searchBleve(ctx context.Context, req *bleve.SearchRequest, byScore bool) (*bleve.SearchResult, error) {
	if !byScore || ix.tiesByBleve {
		return ix.idx.SearchInContext(ctx, req)
	}
	want := req.From + req.Size
	fast := *req
	fast.From, fast.Size = 0, want+1
	fast.SortByCustom(search.SortOrder{&search.SortScore{Desc: true}})
	res, err := ix.idx.SearchInContext(ctx, &fast)
	if err != nil {
		return nil, err
	}
	hits := res.Hits
	if len(hits) > want {
		if hits[want-1].Score == hits[want].Score {
			return ix.idx.SearchInContext(ctx, req)
		}
		hits = hits[:want]
	}
	slices.SortStableFunc(hits, func(a, b *search.DocumentMatch) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.ID, b.ID))
	})
	res.Hits = hits[min(req.From, len(hits)):]
	return res, nil
}

func hitOf(h *search.DocumentMatch) Hit {
	hit := Hit{ID: h.ID, Score: h.Score}
	str := func(k string) string {
		s, _ := h.Fields[k].(string)
		return s
	}
	list := func(k string) []string {
		switch v := h.Fields[k].(type) {
		case string:
			return []string{v}
		case []any:
			out := make([]string, 0, len(v))
			for _, e := range v {
				if s, ok := e.(string); ok {
					out = append(out, s)
				}
			}
			return out
		}
		return nil
	}
	hit.Title = str(FieldTitle)
	hit.Severity = str(FieldSeverity)
	hit.Status = str(FieldStatus)
	hit.Tags = list(FieldTags)
	hit.Services = list(FieldServices)
	if d, err := time.Parse(time.RFC3339, str(FieldDate)); err == nil {
		hit.Date = d.UTC()
	}
	if len(h.Fragments) > 0 {
		hit.Fragments = map[string][]string(h.Fragments)
	}
	return hit
}
