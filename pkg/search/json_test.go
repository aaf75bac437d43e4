package search_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/search"
	"github.com/inquest-dev/inquest/pkg/search/internal/searchtest"
)

// TestResultJSON: a Result prints the one documented shape, whichever
// front end encodes it, and reads back as it was.
func TestResultJSON(t *testing.T) {
	t.Parallel()
	res := &search.Result{
		Total: 2,
		Took:  1234567 * time.Nanosecond,
		Hits: []search.Hit{
			{ID: "INC-1", Title: "Pool <exhausted>", Date: time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC), Severity: "SEV1",
				Status: "published", Tags: []string{"database"}, Services: []string{"checkout-api"}, Score: 1.5,
				Fragments: map[string][]string{"title": {"Pool &lt;<mark>exhausted</mark>&gt;"}}},
			{ID: "INC-2", Title: "No date", Score: 0.25},
		},
		Facets: map[string][]search.FacetCount{"tags": {{Term: "database", Count: 1}}, "services": {}},
	}
	const want = `{"total":2,"took_ms":1.234,"hits":[` +
		`{"id":"INC-1","title":"Pool <exhausted>","date":"2024-03-04","severity":"SEV1","status":"published",` +
		`"tags":["database"],"services":["checkout-api"],"score":1.5,"fragments":{"title":["Pool &lt;<mark>exhausted</mark>&gt;"]}},` +
		`{"id":"INC-2","title":"No date","score":0.25}],` +
		`"facets":{"tags":[{"term":"database","count":1}]}}`
	t.Run("readable", func(t *testing.T) {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(res); err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(b.String()); got != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
	t.Run("escaped", func(t *testing.T) {
		got, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		escaped := strings.NewReplacer("<", `\u003c`, ">", `\u003e`, "&", `\u0026`).Replace(want)
		if string(got) != escaped {
			t.Fatalf("got  %s\nwant %s", got, escaped)
		}
	})
	t.Run("round trip", func(t *testing.T) {
		data, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		var back search.Result
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		wantBack := *res
		wantBack.Took = 1234 * time.Microsecond
		wantBack.Facets = map[string][]search.FacetCount{"tags": {{Term: "database", Count: 1}}}
		if !reflect.DeepEqual(back, wantBack) {
			t.Fatalf("read back %+v\nwant      %+v", back, wantBack)
		}
	})
	t.Run("nothing matched", func(t *testing.T) {
		got, err := json.Marshal(search.Result{})
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != `{"total":0,"took_ms":0,"hits":[]}` {
			t.Fatalf("got %s", got)
		}
	})
	t.Run("bad date", func(t *testing.T) {
		var r search.Result
		err := json.Unmarshal([]byte(`{"hits":[{"id":"INC-9","date":"04/03/2024"}]}`), &r)
		if err == nil || !strings.Contains(err.Error(), "INC-9") {
			t.Fatalf("err = %v, want one naming INC-9", err)
		}
	})
}

// TestSearchJSONKeys: the answer of a real search has the documented keys.
func TestSearchJSONKeys(t *testing.T) {
	t.Parallel()
	ix, _ := buildIndex(t, searchtest.Incidents(t))
	res, err := ix.Search(context.Background(), search.Request{Query: "database", Facets: true, Highlight: true})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var generic struct {
		Total  *uint64                     `json:"total"`
		TookMS *float64                    `json:"took_ms"`
		Hits   []map[string]any            `json:"hits"`
		Facets map[string][]map[string]any `json:"facets"`
	}
	if err := json.Unmarshal(data, &generic); err != nil {
		t.Fatal(err)
	}
	if generic.Total == nil || *generic.Total == 0 || generic.TookMS == nil || len(generic.Hits) == 0 || len(generic.Facets["tags"]) == 0 {
		t.Fatalf("missing keys in %s", data)
	}
	for _, k := range []string{"id", "title", "date", "score", "fragments"} {
		if _, ok := generic.Hits[0][k]; !ok {
			t.Errorf("hit without %q: %v", k, generic.Hits[0])
		}
	}
	if _, ok := generic.Facets["tags"][0]["term"]; !ok {
		t.Errorf("facet without term: %v", generic.Facets["tags"][0])
	}
}
