package postmortem

import (
	"slices"
	"testing"
	"time"
)

// TestDateZone: a front-matter date with a time and a zone, as Jekyll and
// Hugo write a post's, gives the zone of the timeline's times that state
// none, and says so; a date with no zone, or one in UTC, leaves them in
// the configured zone, and a timeline that states its own keeps it.
func TestDateZone(t *testing.T) {
	t.Parallel()
	const body = "\n# API outage\n\n## Timeline\n\n- 14:05 — deploy started\n- 14:12 — alert fired\n"
	tests := []struct {
		name, front string
		body        string // body instead of the default
		// first is the first entry's time; zone the timezone inferred.
		first, zone string
	}{
		{name: "Jekyll", front: "date: 2021-05-04 18:30:00 +0200", first: "2021-05-04T12:05:00Z", zone: "+02:00"},
		{name: "Hugo", front: "date: 2021-05-04T18:30:00-07:00", first: "2021-05-04T21:05:00Z", zone: "-07:00"},
		{name: "quoted, half an hour", front: "date: '2021-05-04 18:30 +05:30'", first: "2021-05-04T08:35:00Z", zone: "+05:30"},
		{name: "zone abbreviation", front: "date: 2021-05-04 18:30 PDT", first: "2021-05-04T21:05:00Z", zone: "-07:00"},
		{name: "date only", front: "date: 2021-05-04", first: "2021-05-04T14:05:00Z"},
		{name: "time with no zone", front: "date: 2021-05-04 18:30:00", first: "2021-05-04T14:05:00Z"},
		{name: "UTC", front: "date: 2021-05-04T18:30:00Z", first: "2021-05-04T14:05:00Z"},
		{name: "the timeline states its own", front: "date: 2021-05-04 18:30:00 +0200",
			body: "\n# API outage\n\n## Timeline\n\nAll times UTC.\n\n- 14:05 — deploy started\n", first: "2021-05-04T14:05:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := body
			if tt.body != "" {
				b = tt.body
			}
			inc := NewParser(defaultConfig(t)).Parse("_posts/2021-05-04-api-outage.md", []byte("---\n"+tt.front+"\n---\n"+b))
			if len(inc.Timeline) == 0 {
				t.Fatalf("no timeline; findings %v", inc.Findings)
			}
			if got := inc.Timeline[0].Time.UTC().Format(time.RFC3339); got != tt.first {
				t.Errorf("first entry at %s, want %s", got, tt.first)
			}
			if d := inc.Date.Format(time.DateOnly); d != "2021-05-04" {
				t.Errorf("date %s", d)
			}
			i := slices.IndexFunc(inc.Inferred, func(x Inference) bool { return x.Field == "timezone" })
			switch {
			case tt.zone == "" && i >= 0:
				t.Errorf("inferred %+v, want no zone", inc.Inferred[i])
			case tt.zone != "" && (i < 0 || inc.Inferred[i].Value != tt.zone || inc.Inferred[i].Line != 2 || inc.Inferred[i].From != "front matter's date"):
				t.Errorf("inferred %+v, want zone %s from line 2", inc.Inferred, tt.zone)
			}
		})
	}
}
