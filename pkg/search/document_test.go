package search

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestClipWords(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 300)
	for in, want := range map[string]string{
		"short words stay":          "short words stay",
		long:                        long[:maxWord],
		"x " + long + "\ny":         "x " + long[:maxWord] + "\ny",
		strings.Repeat("é", 200):    strings.Repeat("é", maxWord/2),
		"a\t" + long + " " + long:   "a\t" + long[:maxWord] + " " + long[:maxWord],
		strings.Repeat("ab ", 1000): strings.Repeat("ab ", 1000),
	} {
		if got := clipWords(in); got != want {
			t.Errorf("clipWords(%.20q…) = %.20q… (%d bytes), want %d bytes", in, got, len(got), len(want))
		}
	}
}

// TestDocumentFields: what is unknown is left out (so that ranges and
// sorting see it missing), tags, services and severity are copied to
// their facets as written, the year comes from the date, and every word
// is clipped.
func TestDocumentFields(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", maxWord+10)
	customers := 1200.0
	full := Document{
		ID: "INC-1", Title: "Pool " + long, Severity: "SEV1", Status: "published", Owner: "Jane Doe",
		Reviewers: []string{"Sam Lee"}, Tags: []string{"Database"}, Services: []string{"checkout-api"},
		Date:    time.Date(2024, 3, 4, 0, 0, 0, 0, time.FixedZone("CET", 3600)),
		Started: time.Date(2024, 3, 4, 9, 0, 0, 0, time.UTC),
		TTD:     90 * time.Second, Customers: &customers, ActionItemsOpen: 2, ActionItems: "Add a runbook\nAlert on pool use",
		Text: map[string]string{FieldSummary: "The pool ran dry.", FieldBody: ""},
	}
	got := full.Fields()
	want := map[string]any{
		FieldID: "INC-1", FieldTitle: "Pool " + long[:maxWord], FieldSeverity: "SEV1", facetSeverity: "SEV1",
		FieldStatus: "published", FieldOwner: "Jane Doe", FieldReviewers: []string{"Sam Lee"},
		FieldTags: []string{"Database"}, facetTags: []string{"Database"},
		FieldServices: []string{"checkout-api"}, facetServices: []string{"checkout-api"},
		FieldDate: full.Date.UTC(), FieldYear: "2024", FieldStarted: full.Started, FieldTTD: 1.5,
		FieldCustomers: 1200.0, FieldActionItemsOpen: 2.0, FieldActionItems: "Add a runbook\nAlert on pool use",
		FieldSummary: "The pool ran dry.",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Fields() =\n%v\nwant\n%v", got, want)
	}
	empty := (&Document{ID: "INC-2"}).Fields()
	if want := map[string]any{FieldID: "INC-2", FieldTitle: "", FieldActionItemsOpen: 0.0}; !reflect.DeepEqual(empty, want) {
		t.Errorf("an empty document: %v, want %v", empty, want)
	}
}
