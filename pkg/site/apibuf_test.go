package site

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// TestAPIEntryInMatchesAPIEntry holds the entries writeAPI makes in
// reused buffers (apiEntryIn) to apiEntry's, byte for byte: a long entry
// after a short one and a short one after a long one in the same buffer,
// HTML escaped as json.Marshal escapes, with an audit trail's diffs and
// item dates, and in api/incidents.json at each entry's span.
func TestAPIEntryInMatchesAPIEntry(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	long := &postmortem.Incident{ID: "INC-long", Title: strings.Repeat("<b>&long ", 400), Source: "l.md", Date: day,
		ActionItems: []postmortem.ActionItem{{Title: "fix <it>", Status: postmortem.StatusDone, Due: day}, {Title: "open"}},
		History: &postmortem.History{Created: day, Revisions: []postmortem.Revision{
			{Commit: "c1", Date: day, Diff: []postmortem.SectionChange{{Section: "timeline", Added: 3}, {Section: "summary", Lines: 1}}},
			{Commit: "c2", Date: day, Diff: []postmortem.SectionChange{{Section: "Zeitplan", Removed: 2}}},
			{Commit: "c3", Date: day},
		}}}
	short := &postmortem.Incident{ID: "INC-s", Title: "s\u2028", Source: "s.md"}
	b := &Assembly{site: &Site{BasePath: "/"}}
	for _, inc := range []*postmortem.Incident{short, long, short, long, long, short} {
		b.site.Incidents = append(b.site.Incidents, &Incident{Incident: inc})
	}
	// What an entry is: the incident as json.Marshal writes it, indented
	// as json.MarshalIndent(j, "    ", "  ") would.
	marshal := func(v *Incident) []byte {
		j := v.ToJSON()
		j.URL = b.absURL(v.Path)
		data, err := json.Marshal(j)
		if err != nil {
			t.Fatal(err)
		}
		return indentJSON(nil, data, "    ", "  ")
	}
	var buf apiBuf
	for _, v := range b.site.Incidents {
		want := marshal(v)
		if fresh, err := b.apiEntry(v); err != nil || !bytes.Equal(fresh, want) {
			t.Fatalf("%s in a fresh buffer (%v):\n got %.3000q\nwant %.3000q", v.ID, err, fresh, want)
		}
		got, err := b.apiEntryIn(&buf, v)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%s in a reused buffer:\n got %.3000q\nwant %.3000q", v.ID, got, want)
		}
	}
	dir := t.TempDir()
	if err := b.writeAPI(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(apiFile)))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range b.site.Incidents {
		want := marshal(v)
		if got := data[v.api.off : v.api.off+v.api.n]; !bytes.Equal(got, want) {
			t.Errorf("%s in api/incidents.json:\n got %.3000q\nwant %.3000q", v.ID, got, want)
		}
	}
}
