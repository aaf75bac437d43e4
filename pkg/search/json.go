package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// The JSON form of a Result is the one shape of a search's answer:
// `inquest search --json`, serve's /api/search and the WebAssembly
// runtime's inquestSearch all print it, and the README documents it.
//
//	{"total": 3, "took_ms": 0.412,
//	 "hits": [{"id": "INC-2024-001", "title": "…", "date": "2024-03-04",
//	           "severity": "SEV1", "status": "published", "tags": ["…"],
//	           "services": ["…"], "score": 1.23,
//	           "fragments": {"summary": ["… <mark>pool</mark> …"]}}],
//	 "facets": {"tags": [{"term": "database", "count": 2}]}}
//
// Keys are snake_case; took_ms is milliseconds; a hit's date is its day
// (YYYY-MM-DD, UTC); hits is a list, empty when nothing matched; empty
// values, facets with no terms and the facets of a request without
// Facets are left out.
type resultJSON struct {
	Total  uint64                  `json:"total"`
	TookMS float64                 `json:"took_ms"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetCount `json:"facets,omitempty"`
}

// hitJSON is the JSON form of a Hit (see resultJSON).
type hitJSON struct {
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

// hitDate is the layout of a hit's date in JSON.
const hitDate = "2006-01-02"

// MarshalJSON writes the result's JSON form, documented above resultJSON.
func (r Result) MarshalJSON() ([]byte, error) {
	out := resultJSON{Total: r.Total, TookMS: float64(r.Took.Microseconds()) / 1000, Hits: r.Hits}
	if out.Hits == nil {
		out.Hits = []Hit{}
	}
	for name, counts := range r.Facets {
		if len(counts) == 0 {
			continue
		}
		if out.Facets == nil {
			out.Facets = make(map[string][]FacetCount, len(r.Facets))
		}
		out.Facets[name] = counts
	}
	return marshal(out)
}

// UnmarshalJSON reads what MarshalJSON writes, for the clients of the API
// written in Go (tests, tools).
func (r *Result) UnmarshalJSON(data []byte) error {
	var in resultJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	*r = Result{Total: in.Total, Took: time.Duration(in.TookMS * float64(time.Millisecond)), Hits: in.Hits, Facets: in.Facets}
	return nil
}

// MarshalJSON writes the hit's JSON form (see resultJSON).
func (h Hit) MarshalJSON() ([]byte, error) {
	out := hitJSON{ID: h.ID, Title: h.Title, Severity: h.Severity, Status: h.Status,
		Tags: h.Tags, Services: h.Services, Score: h.Score, Fragments: h.Fragments}
	if !h.Date.IsZero() {
		out.Date = h.Date.UTC().Format(hitDate)
	}
	return marshal(out)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (h *Hit) UnmarshalJSON(data []byte) error {
	var in hitJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	*h = Hit{ID: in.ID, Title: in.Title, Severity: in.Severity, Status: in.Status,
		Tags: in.Tags, Services: in.Services, Score: in.Score, Fragments: in.Fragments}
	if in.Date != "" {
		d, err := time.Parse(hitDate, in.Date)
		if err != nil {
			return fmt.Errorf("hit %s: date: %w", in.ID, err)
		}
		h.Date = d
	}
	return nil
}

// marshal is json.Marshal without escaping <, > and &: the encoder that
// calls a MarshalJSON escapes its output or not, as it was set to
// (`inquest search --json` keeps fragments readable).
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
