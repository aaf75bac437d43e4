package postmortem

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// mapDiff is the map the API's "diff" once was, assigned in turn: the
// encoding JSONDiff must write byte for byte.
func mapDiff(changes []SectionChange) map[string]JSONSectionDiff {
	var m map[string]JSONSectionDiff
	for _, c := range changes {
		if m == nil {
			m = map[string]JSONSectionDiff{}
		}
		m[c.Section] = JSONSectionDiff{Added: c.Added, Removed: c.Removed, Lines: c.Lines}
	}
	return m
}

// checkJSONDiff holds JSONDiff's encoding, inside a revision, to the map's,
// and its decoding to what it encoded.
func checkJSONDiff(t *testing.T, changes []SectionChange) {
	t.Helper()
	type old struct {
		Commit string                     `json:"commit"`
		Diff   map[string]JSONSectionDiff `json:"diff,omitempty"`
	}
	type now struct {
		Commit string   `json:"commit"`
		Diff   JSONDiff `json:"diff,omitempty"`
	}
	want, err := json.Marshal(old{"abc", mapDiff(changes)})
	if err != nil {
		t.Fatal(err)
	}
	d := jsonDiff(changes)
	got, err := json.Marshal(now{"abc", d})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("changes %+v:\n got %s\nwant %s", changes, got, want)
	}
	// As ToJSON writes it: a JSONDiffSections when it can be one.
	diffs := newJSONDiffs([]Revision{{Diff: changes}})
	got, err = json.Marshal(JSONRevision{Commit: "abc", Diff: diffs.diff(changes)})
	if err != nil {
		t.Fatal(err)
	}
	wantRev, err := json.Marshal(struct {
		JSONRevision
		Diff map[string]JSONSectionDiff `json:"diff,omitempty"`
	}{JSONRevision{Commit: "abc"}, mapDiff(changes)})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, wantRev) {
		t.Fatalf("changes %+v, as ToJSON writes them:\n got %s\nwant %s", changes, got, wantRev)
	}
	for _, c := range changes {
		if !utf8.ValidString(c.Section) {
			return // written as U+FFFD, as encoding/json writes a map's key
		}
	}
	var back now
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Diff, d) {
		t.Fatalf("decoded %+v, encoded %+v", back.Diff, d)
	}
}

func TestJSONDiffEncodesAsTheMap(t *testing.T) {
	t.Parallel()
	for name, changes := range map[string][]SectionChange{
		"none":     nil,
		"one":      {{Section: "summary", Added: 12, Removed: 3, Lines: 2}},
		"unsorted": {{Section: "timeline", Added: 4}, {Section: "front_matter", Removed: 1, Lines: 1}, {Section: "body", Added: 7, Lines: 3}},
		// Two sections of one kind: the last one's counts, as a map
		// keeps them.
		"twice":   {{Section: "timeline", Added: 1}, {Section: "summary", Added: 2}, {Section: "timeline", Added: 9, Lines: 4}},
		"escaped": {{Section: `Zeitplan <UTC> & "Ablauf"`, Added: 1}, {Section: "résumé", Removed: 2}, {Section: "a\u2028b\x01", Lines: 5}},
		"zeros":   {{Section: "impact"}},
		"every": {{Section: "timeline", Added: 1}, {Section: "action_items", Lines: 2}, {Section: "body", Removed: 3},
			{Section: "contributing_factors", Added: 4}, {Section: "front_matter", Lines: 5}, {Section: "impact", Added: 6},
			{Section: "lessons", Removed: 7}, {Section: "post_incident_analysis", Added: 8}, {Section: "response_analysis", Lines: 9},
			{Section: "summary", Added: 10}, {Section: "supporting_data", Removed: 11}, {Section: "timeline", Added: 12}},
		"unknown": {{Section: "summary", Added: 1}, {Section: "Zeitplan", Removed: 2}, {Section: "timeline", Lines: 3}},
		"other":   {{Section: "", Added: 1}, {Section: "body", Removed: 2}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			checkJSONDiff(t, changes)
		})
	}
}

func FuzzJSONDiff(f *testing.F) {
	f.Add("summary", "timeline", "summary", 3, -1)
	f.Add("<script>", "", "front_matter", 0, 7)
	f.Add("body", "summary", "impact", 2, 5)
	f.Fuzz(func(t *testing.T, a, b, c string, n, m int) {
		checkJSONDiff(t, []SectionChange{{Section: a, Added: n}, {Section: b, Removed: m, Lines: n}, {Section: c, Added: m, Lines: 1}})
	})
}

// TestJSONDiffSectionsKeys holds JSONDiffSections to the section keys: a
// field for each key a revision's diff can name (the front matter, the
// body, and every SectionKind the parser recognises), declared in key
// order as encoding/json sorts a map's keys, and a field for no other.
func TestJSONDiffSectionsKeys(t *testing.T) {
	t.Parallel()
	keys := []string{"front_matter", "body"}
	for _, s := range sectionSynonyms {
		keys = append(keys, string(s.kind))
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	var d JSONDiffSections
	for _, k := range keys {
		if d.field(k) == nil {
			t.Errorf("JSONDiffSections has no field for section key %q", k)
		}
	}
	typ := reflect.TypeFor[JSONDiffSections]()
	var tags []string
	for f := range typ.Fields() {
		tags = append(tags, strings.TrimSuffix(f.Tag.Get("json"), ",omitempty"))
	}
	if !slices.Equal(tags, keys) {
		t.Errorf("JSONDiffSections' fields are %q, want the section keys in order, %q", tags, keys)
	}
	for i, k := range tags {
		if f := d.field(k); f == nil || f != reflect.ValueOf(&d).Elem().Field(i).Addr().Interface() {
			t.Errorf("field(%q) is not the field tagged %q", k, k)
		}
	}
}
