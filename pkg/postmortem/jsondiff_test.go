package postmortem

import (
	"bytes"
	"encoding/json"
	"reflect"
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
	f.Fuzz(func(t *testing.T, a, b, c string, n, m int) {
		checkJSONDiff(t, []SectionChange{{Section: a, Added: n}, {Section: b, Removed: m, Lines: n}, {Section: c, Added: m, Lines: 1}})
	})
}
