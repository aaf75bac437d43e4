package serve

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/inquest-dev/inquest/pkg/search"
)

// maxQuery bounds the query string the search API accepts.
const maxQuery = 1024

// handleSearch answers GET /api/search?q=…&facets=1&from=&size=&sort=.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	query := q.Get("q")
	if len(query) > maxQuery {
		apiError(w, http.StatusRequestEntityTooLarge, "query longer than 1024 bytes")
		return
	}
	size, _ := strconv.Atoi(q.Get("size"))
	if size <= 0 {
		size = 20
	}
	from, _ := strconv.Atoi(q.Get("from"))
	req := search.Request{Query: query, Limit: min(size, 100), From: max(from, 0), Sort: q.Get("sort"),
		Facets: q.Get("facets") != "" && q.Get("facets") != "0", Highlight: true}
	switch req.Sort {
	case "", "score", "date", "-date":
	default:
		apiError(w, http.StatusBadRequest, "sort must be score, date or -date")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	s.ixMu.RLock()
	ix := s.ix
	var res *search.Result
	var err error
	if ix != nil {
		res, err = ix.Search(ctx, req)
	}
	s.ixMu.RUnlock()
	if ix == nil {
		w.Header().Set("Retry-After", "1")
		apiError(w, http.StatusServiceUnavailable, "the search index is being rebuilt")
		return
	}
	if err != nil {
		var qe *search.QueryError
		if errors.As(err, &qe) {
			apiError(w, http.StatusBadRequest, err.Error())
			return
		}
		apiError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(SearchJSON(res))
}

func apiError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// SearchHit is one hit in the search API.
type SearchHit struct {
	ID        string              `json:"id"`
	Title     string              `json:"title"`
	Date      string              `json:"date,omitempty"`
	Severity  string              `json:"severity,omitempty"`
	Status    string              `json:"status,omitempty"`
	Tags      []string            `json:"tags,omitempty"`
	Services  []string            `json:"services,omitempty"`
	Score     float64             `json:"score"`
	Fragments map[string][]string `json:"fragments,omitempty"`
}

// SearchFacet is one facet value and its count.
type SearchFacet struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

// SearchResult is the search API's answer.
type SearchResult struct {
	Total  uint64                   `json:"total"`
	Took   float64                  `json:"took_ms"`
	Hits   []SearchHit              `json:"hits"`
	Facets map[string][]SearchFacet `json:"facets,omitempty"`
}

// SearchJSON is the JSON form of a search result, shared by `inquest
// search --json` and serve's /api/search.
func SearchJSON(res *search.Result) SearchResult {
	out := SearchResult{Total: res.Total, Took: float64(res.Took.Microseconds()) / 1000, Hits: []SearchHit{}}
	for _, h := range res.Hits {
		j := SearchHit{ID: h.ID, Title: h.Title, Severity: h.Severity, Status: h.Status, Tags: h.Tags, Services: h.Services, Score: h.Score, Fragments: h.Fragments}
		if !h.Date.IsZero() {
			j.Date = h.Date.Format("2006-01-02")
		}
		out.Hits = append(out.Hits, j)
	}
	if res.Facets != nil {
		out.Facets = map[string][]SearchFacet{}
		for k, v := range res.Facets {
			for _, c := range v {
				out.Facets[k] = append(out.Facets[k], SearchFacet(c))
			}
		}
	}
	return out
}
