package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/inquest-dev/inquest/pkg/search"
)

// maxQuery bounds the query string the search API accepts.
const maxQuery = 1024

// handleSearch answers GET /api/search?q=…&facets=1&from=&size=&sort=.
// A request that cannot be run as asked is a 400 that says why; one the
// index cannot answer in 5 s, or while it is being rebuilt, a 503.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	query := q.Get("q")
	if len(query) > maxQuery {
		apiError(w, http.StatusRequestEntityTooLarge, "query longer than 1024 bytes")
		return
	}
	size, err := intParam(q.Get("size"), 20, 1, 100)
	if err != nil {
		apiError(w, http.StatusBadRequest, "size: "+err.Error())
		return
	}
	from, err := intParam(q.Get("from"), 0, 0, search.MaxFrom)
	if err != nil {
		apiError(w, http.StatusBadRequest, "from: "+err.Error())
		return
	}
	req := search.Request{Query: query, Limit: size, From: from, Sort: q.Get("sort"),
		Facets: q.Get("facets") != "" && q.Get("facets") != "0", Highlight: true}
	switch req.Sort {
	case "", "score", "date", "-date":
	default:
		apiError(w, http.StatusBadRequest, "sort must be score, date or -date")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), searchTimeout)
	defer cancel()
	res, open, err := s.search(ctx, req)
	if !open {
		w.Header().Set("Retry-After", "1")
		apiError(w, http.StatusServiceUnavailable, "the search index is being rebuilt")
		return
	}
	if err != nil {
		var qe *search.QueryError
		var re *search.RequestError
		switch {
		case errors.As(err, &qe), errors.As(err, &re):
			apiError(w, http.StatusBadRequest, err.Error())
		case errors.Is(err, context.DeadlineExceeded):
			w.Header().Set("Retry-After", "5")
			apiError(w, http.StatusServiceUnavailable, "the search took longer than 5 s and was stopped: make the query more specific")
		default:
			apiError(w, http.StatusInternalServerError, err.Error())
		}
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(res)
}

// searchTimeout bounds one search of the API.
const searchTimeout = 5 * time.Second

// search runs a search on the open index, holding ixMu for reading until
// it returns, whatever happens in it; open is false when no index is open.
func (s *Server) search(ctx context.Context, req search.Request) (*search.Result, bool, error) {
	s.ixMu.RLock()
	defer s.ixMu.RUnlock()
	if s.ix == nil {
		return nil, false, nil
	}
	res, err := s.ix.Search(ctx, req)
	return res, true, err
}

// intParam reads an integer query parameter: def when empty, else a
// number from lo to hi.
func intParam(v string, def, lo, hi int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%q is not a number from %d to %d", v, lo, hi)
	}
	return n, nil
}

func apiError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
