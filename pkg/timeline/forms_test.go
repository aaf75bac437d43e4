package timeline

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// form is what a forms case checks of an event: its line, its instant in
// UTC ("2006-01-02 15:04", "" for none), its text, and its other
// properties as words: "date-only", "approx", "end=15:04", "part=1",
// "zone=PST", "kind=detected".
type form struct {
	Line  int
	Time  string
	Text  string
	Props string
}

func (f form) String() string {
	return fmt.Sprintf("{%d %q %q %q}", f.Line, f.Time, f.Text, f.Props)
}

func formOf(e Event) form {
	f := form{Line: e.Line, Text: e.Text}
	if !e.Time.IsZero() {
		f.Time = e.Time.Format("2006-01-02 15:04")
	}
	var props []string
	if e.DateOnly {
		props = append(props, "date-only")
	}
	if e.Approximate {
		props = append(props, "approx")
	}
	if !e.End.IsZero() {
		props = append(props, "end="+e.End.Format("01-02 15:04"))
	}
	if e.Part != 0 {
		props = append(props, fmt.Sprintf("part=%d", e.Part))
	}
	if e.Zone != "" {
		props = append(props, "zone="+e.Zone)
	}
	if e.Kind != KindNone {
		props = append(props, "kind="+string(e.Kind))
	}
	f.Props = strings.Join(props, " ")
	return f
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestForms covers the timeline forms teams write, each made up in the
// shape it is found in: zones in headings, date anchors, dates in any
// order, 12-hour clocks, HHMM, separators, approximate times, ranges,
// date-only rows, relative times, nested detail and several incidents in
// one timeline.
func TestForms(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		opts     Options
		want     []form
		problems []Problem
		parts    []Part
		notes    []Problem
	}{
		{
			name: "zone in the heading",
			opts: Options{Date: day(2024, 3, 1), Heading: "Timeline (UTC)"},
			src:  "- 10:00 cache cold\n- 13:00 EET own zone wins",
			want: []form{
				{1, "2024-03-01 10:00", "cache cold", "zone=UTC"},
				{2, "2024-03-01 11:00", "own zone wins", "zone=EET"},
			},
		},
		{
			name: "zone and approximate in the heading",
			opts: Options{Date: day(2024, 3, 1), Heading: "Timeline (all times PST, approximate)"},
			src:  "- 10:00 queue backed up\n- 12:00 drained",
			want: []form{
				{1, "2024-03-01 18:00", "queue backed up", "approx zone=PST"},
				{2, "2024-03-01 20:00", "drained", "approx zone=PST"},
			},
		},
		{
			name: "PT in the heading follows daylight saving time",
			opts: Options{Date: day(2024, 7, 1), Heading: "Timeline (in PT)"},
			src:  "- 10:00 paged",
			want: []form{{1, "2024-07-01 17:00", "paged", "zone=PDT kind=detected"}},
		},
		{
			name: "ET, CT and MT headings in winter",
			opts: Options{Date: day(2024, 1, 15), Heading: "Timeline, ET"},
			src:  "- 10:00 a\n- 11:00 CT b\n- 12:00 MT c",
			want: []form{
				{1, "2024-01-15 15:00", "a", "zone=EST"},
				{2, "2024-01-15 17:00", "b", "zone=CST"},
				{3, "2024-01-15 19:00", "c", "zone=MST"},
			},
		},
		{
			name: "date anchors set the day and are not events",
			opts: Options{Date: day(2022, 5, 1)},
			src: `_5/14/22_
- 11:00 c
**July 9, 2023 (Sunday)**
- 10:00 b
### March 3, 2024
- 09:00 a
03-17-2024
- 12:00 d
### 2024-03-20 - Cache overload
- 13:00 e`,
			want: []form{
				{2, "2022-05-14 11:00", "c", ""},
				{4, "2023-07-09 10:00", "b", ""},
				{6, "2024-03-03 09:00", "a", ""},
				{8, "2024-03-17 12:00", "d", ""},
				{10, "2024-03-20 13:00", "e", ""},
			},
		},
		{
			name: "a weekday that does not match its date is reported",
			opts: Options{},
			src:  "**July 10, 2023 (Sunday)**\n- 10:00 x",
			want: []form{{2, "2023-07-10 10:00", "x", ""}},
			problems: []Problem{
				{1, "2023-07-10 is a Monday, not a Sunday: the date was used"},
			},
		},
		{
			name: "month names in any order with ordinals and weekdays",
			opts: Options{Date: day(2022, 3, 1)},
			src: `**Mar 09, 2022, 14:05 (UTC):** db failover
**May 3rd, 2023, 9:40 AM:** alerts quiet
10:12 3rd Dec 2024 - cert renewed`,
			want: []form{
				{1, "2022-03-09 14:05", "db failover", "zone=UTC"},
				{2, "2023-05-03 09:40", "alerts quiet", "zone=UTC"},
				{3, "2024-12-03 10:12", "cert renewed", "zone=UTC"},
			},
		},
		{
			name: "a date or weekday after the time sets the day",
			opts: Options{Date: day(2022, 11, 1)},
			src: `- 09:45 AM PST Friday Nov 4th: checkout slow
- 16:20 UTC Thursday Nov 10 - root cause found
- 09:00 UTC Saturday - follow-up call`,
			want: []form{
				{1, "2022-11-04 17:45", "checkout slow", "zone=PST"},
				{2, "2022-11-10 16:20", "root cause found", "zone=UTC"},
				{3, "2022-11-12 09:00", "follow-up call", "zone=UTC"},
			},
		},
		{
			name: "numeric dates in US and European order",
			opts: Options{},
			src: `- 04/18/2023 - vendor notice
- 09-14-2023 3:05 pm - disk full
- 18-04-2023 02:00 - replica lag
- **18-04-2023 10:00 UTC** – lag gone
- 18.04.2023 11:00 dotted`,
			want: []form{
				{1, "2023-04-18 00:00", "vendor notice", "date-only"},
				{2, "2023-09-14 15:05", "disk full", ""},
				{3, "2023-04-18 02:00", "replica lag", ""},
				{4, "2023-04-18 10:00", "lag gone", "zone=UTC"},
				{5, "2023-04-18 11:00", "dotted", "zone=UTC"},
			},
			problems: []Problem{{3, "time is 149d13h5m earlier than the entry on line 2: expected entries in time order"}},
		},
		{
			name: "an ambiguous date takes the order the file's other dates show",
			opts: Options{},
			src:  "- 03/04/2023 10:00 a\n- 03/14/2023 10:00 b",
			want: []form{
				{1, "2023-03-04 10:00", "a", ""},
				{2, "2023-03-14 10:00", "b", ""},
			},
			problems: []Problem{{1, "date 03/04/2023 reads both ways: read month first, as 2023-03-04, as the other dates in this timeline show; later such dates in this timeline are read the same way"}},
		},
		{
			name: "a later date decides day first",
			opts: Options{},
			src:  "- 03/04/2023 10:00 a\n- 05/04/2023 10:00 b\n- 25/04/2023 10:00 c",
			want: []form{
				{1, "2023-04-03 10:00", "a", ""},
				{2, "2023-04-05 10:00", "b", ""},
				{3, "2023-04-25 10:00", "c", ""},
			},
			problems: []Problem{{1, "date 03/04/2023 reads both ways: read day first, as 2023-04-03, as the other dates in this timeline show; later such dates in this timeline are read the same way"}},
		},
		{
			name: "an ambiguous date takes the order it is given",
			opts: Options{DateOrder: DMY, DateOrderFrom: "as date_order in inquest.yaml says"},
			src:  "- 03/04/2023 10:00 a\n- 05/05/2023 10:00 same both ways",
			want: []form{
				{1, "2023-04-03 10:00", "a", ""},
				{2, "2023-05-05 10:00", "same both ways", ""},
			},
			problems: []Problem{{1, "date 03/04/2023 reads both ways: read day first, as 2023-04-03, as date_order in inquest.yaml says; later such dates in this timeline are read the same way"}},
		},
		{
			// The day the timeline is on outweighs the repository's
			// order, and is said in a note, not a problem.
			name:  "an ambiguous date on the incident's day",
			opts:  Options{Date: day(2022, 11, 3), DateOrder: MDY, DateOrderFrom: "as the repository's other dates show"},
			src:   "- 03/11/2022 09:15 a\n- 03/11/2022 09:20 b",
			want:  []form{{1, "2022-11-03 09:15", "a", ""}, {2, "2022-11-03 09:20", "b", ""}},
			notes: []Problem{{1, "date 03/11/2022 reads both ways: read day first, as 2022-11-03, the day this timeline is on"}},
		},
		{
			name:  "an ambiguous date on the previous entry's day",
			opts:  Options{},
			src:   "- 2022-11-03 23:50 a\n- 04/11/2022 00:10 b",
			want:  []form{{1, "2022-11-03 23:50", "a", ""}, {2, "2022-11-04 00:10", "b", ""}},
			notes: []Problem{{2, "date 04/11/2022 reads both ways: read day first, as 2022-11-04, the day this timeline is on"}},
		},
		{
			name:     "a dotted date with nothing to decide is day first",
			opts:     Options{},
			src:      "- 3.11.2022 09:40 a",
			want:     []form{{1, "2022-11-03 09:40", "a", ""}},
			problems: []Problem{{1, "date 3.11.2022 reads both ways: read day first, as 2022-11-03, as dates written with dots are; later such dates in this timeline are read the same way"}},
		},
		{
			name: "hours written with h and Uhr",
			opts: Options{Date: day(2022, 11, 3)},
			src:  "- 09h45 a\n- 10:00h b\n- 10:15 Uhr c\n- 10:20 hours later d\n- 1h30m e",
			want: []form{
				{1, "2022-11-03 09:45", "a", ""},
				{2, "2022-11-03 10:00", "b", ""},
				{3, "2022-11-03 10:15", "c", ""},
				{4, "2022-11-03 10:20", "hours later d", ""},
				{5, "", "1h30m e", ""},
			},
		},
		{
			// A table whose rows leave the date to the rows above, a
			// time written the military way, and an alert named before
			// "fired".
			name: "a table's time without its date, and hours",
			opts: Options{},
			src: "| Date | Time (UTC) | Event |\n|---|---|---|\n| 2021-05-03 | 10:02 | deploy |\n| 2021-05-03 | 10:09 | error alert fired |\n" +
				"| | 10:45 | error rate normal |\n\n- 1402 hrs second wave\n- 1415h paged again\n- 1430 pods restarted",
			want: []form{
				{3, "2021-05-03 10:02", "deploy", "zone=UTC"},
				{4, "2021-05-03 10:09", "error alert fired", "zone=UTC kind=detected"},
				{5, "2021-05-03 10:45", "error rate normal", "zone=UTC"},
				{7, "2021-05-03 14:02", "second wave", ""},
				{8, "2021-05-03 14:15", "paged again", "kind=detected"},
				{9, "", "1430 pods restarted", ""},
			},
		},
		{
			name:     "an ambiguous date with nothing to decide is month first",
			opts:     Options{},
			src:      "- 03/04/2023 10:00 a",
			want:     []form{{1, "2023-03-04 10:00", "a", ""}},
			problems: []Problem{{1, "date 03/04/2023 reads both ways: read month first, as 2023-03-04, by default (set date_order in inquest.yaml to choose); later such dates in this timeline are read the same way"}},
		},
		{
			name: "12-hour clocks",
			opts: Options{Date: day(2024, 3, 1)},
			src:  "- 7:56am a\n- 11:12 AM: b\n- 13:55 PM c\n- 7:32 PM d",
			want: []form{
				{1, "2024-03-01 07:56", "a", ""},
				{2, "2024-03-01 11:12", "b", ""},
				{3, "2024-03-01 13:55", "c", ""},
				{4, "2024-03-01 19:32", "d", ""},
			},
			problems: []Problem{{3, "time 13:55 PM is not a 12-hour time: read as 13:55"}},
		},
		{
			name: "HHMM after a date or before a zone",
			opts: Options{Date: day(2019, 4, 2)},
			src:  "- 2019-04-02 1420 UTC deploy started\n- 1515Z canary failed\n- 1600 EST rollback\n- 1700 servers drained",
			want: []form{
				{1, "2019-04-02 14:20", "deploy started", "zone=UTC"},
				{2, "2019-04-02 15:15", "canary failed", "zone=Z"},
				{3, "2019-04-02 21:00", "rollback", "zone=EST"},
				{4, "", "1700 servers drained", ""},
			},
		},
		{
			name: "separators are not text",
			opts: Options{Date: day(2019, 4, 2)},
			src: `- 2019-04-02 14:20:31 UTC ::::: deploy finished
- 14:21 | pipe
- 14:22 — em dash
- 14:23 – en dash
- 14:24 - hyphen
- 14:25: colon
- 14:26 => arrow
- 14:27 == equals`,
			want: []form{
				{1, "2019-04-02 14:20", "deploy finished", "zone=UTC"},
				{2, "2019-04-02 14:21", "pipe", "zone=UTC"},
				{3, "2019-04-02 14:22", "em dash", "zone=UTC"},
				{4, "2019-04-02 14:23", "en dash", "zone=UTC"},
				{5, "2019-04-02 14:24", "hyphen", "zone=UTC"},
				{6, "2019-04-02 14:25", "colon", "zone=UTC"},
				{7, "2019-04-02 14:26", "arrow", "zone=UTC"},
				{8, "2019-04-02 14:27", "equals", "zone=UTC"},
			},
		},
		{
			name: "approximate times",
			opts: Options{Date: day(2024, 3, 1)},
			src:  "- around 14:10 a\n- 15:00ish b\n- ~19:00 UTC c\n- circa 9pm d\n- **~21:30** e\n- 22:00 (approx.) f\n- 22:30 exact",
			want: []form{
				{1, "2024-03-01 14:10", "a", "approx"},
				{2, "2024-03-01 15:00", "b", "approx"},
				{3, "2024-03-01 19:00", "c", "approx zone=UTC"},
				{4, "2024-03-01 21:00", "d", "approx zone=UTC"},
				{5, "2024-03-01 21:30", "e", "approx zone=UTC"},
				{6, "2024-03-01 22:00", "f", "approx zone=UTC"},
				{7, "2024-03-01 22:30", "exact", "zone=UTC"},
			},
		},
		{
			name: "ranges are a start and an end, never a UTC offset",
			opts: Options{Date: day(2024, 3, 1)},
			src:  "- 02:00-04:30 - maintenance window\n- 12:26-12:?? | still degraded\n- 23:00-01:00 overnight batch",
			want: []form{
				{1, "2024-03-01 02:00", "maintenance window", "end=03-01 04:30"},
				{2, "2024-03-01 12:26", "still degraded", ""},
				{3, "2024-03-01 23:00", "overnight batch", "end=03-02 01:00"},
			},
		},
		{
			name: "date-only rows stay on their day in any zone",
			opts: Options{Date: day(2019, 12, 1)},
			src: `All times PST.

- 2019-12-03 --:-- ticket opened
- 2019-12-03 20:00 vendor replied

| Date (UTC+10) | What |
|---|---|
| 2024-05-02 | patch shipped |`,
			want: []form{
				{3, "2019-12-03 00:00", "ticket opened", "date-only zone=PST"},
				{4, "2019-12-04 04:00", "vendor replied", "zone=PST"},
				{8, "2024-05-02 00:00", "patch shipped", "date-only zone=UTC+10"},
			},
		},
		{
			name: "relative times count from the start",
			opts: Options{Date: day(2024, 3, 1), Start: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)},
			src:  "- T-5m config pushed\n- T+0 errors start\n- T+0:20 paged\n- +45m rolled back\n- T+1h30m all clear",
			want: []form{
				{1, "2024-03-01 09:55", "config pushed", ""},
				{2, "2024-03-01 10:00", "errors start", ""},
				{3, "2024-03-01 10:20", "paged", "kind=detected"},
				{4, "2024-03-01 10:45", "rolled back", "kind=mitigated"},
				{5, "2024-03-01 11:30", "all clear", "kind=resolved"},
			},
		},
		{
			name: "relative times count from the first absolute time",
			opts: Options{Date: day(2024, 3, 1)},
			src:  "- T-5m config pushed\n- 10:00 UTC errors start\n- T+20m paged",
			want: []form{
				{1, "2024-03-01 09:55", "config pushed", "zone=UTC"},
				{2, "2024-03-01 10:00", "errors start", "zone=UTC"},
				{3, "2024-03-01 10:20", "paged", "zone=UTC kind=detected"},
			},
		},
		{
			// A relative time is in its start's zone, which the
			// timeline-zone check sees as stated.
			name: "relative times in the zone of their start",
			opts: Options{Date: day(2024, 5, 6), Heading: "Timeline (all times UTC+2)"},
			src:  "- 14:05 purge called for every path\n- T+30m origin load back to normal",
			want: []form{
				{1, "2024-05-06 12:05", "purge called for every path", "zone=UTC+2"},
				{2, "2024-05-06 12:35", "origin load back to normal", "zone=UTC+2 kind=resolved"},
			},
		},
		{
			name: "relative times with nothing to count from",
			opts: Options{},
			src:  "- T+5m a",
			want: []form{{1, "", "a", ""}},
			problems: []Problem{
				{1, "relative time T+5m has no start to count from: expected a started time or an entry with a date and time"},
			},
		},
		{
			name: "sub-bullets belong to their event",
			opts: Options{Date: day(2024, 3, 1)},
			src: `- 09:00 alert fired
  - checked the dashboards
  - paged the db team
- 09:10 failover started
**09:20** rolled back
  - by hand, the pipeline was down
- March 2
  - 09:30 follow-up
    - notes shared
  - untimed sibling`,
			want: []form{
				{1, "2024-03-01 09:00", "alert fired\n- checked the dashboards\n- paged the db team", "kind=detected"},
				{4, "2024-03-01 09:10", "failover started", ""},
				{5, "2024-03-01 09:20", "rolled back\n- by hand, the pipeline was down", "kind=mitigated"},
				{8, "2024-03-02 09:30", "follow-up\n- notes shared", ""},
				{10, "", "untimed sibling", ""},
			},
		},
		{
			name: "dated sub-headings naming days or phases are one incident",
			opts: Options{},
			src: `### 2024-03-03 - Detection
- 23:00 alert fired
### 2024-03-04 — Monday morning
- 01:00 rolled back
### 2024-03-04 (cont.)
- 02:00 resolved`,
			want: []form{
				{2, "2024-03-03 23:00", "alert fired", "kind=detected"},
				{4, "2024-03-04 01:00", "rolled back", "kind=mitigated"},
				{6, "2024-03-04 02:00", "resolved", "kind=resolved"},
			},
		},
		{
			name: "dated sub-headings with titles are separate incidents",
			opts: Options{},
			src: `### 2024-03-03 - Cache overload
- 09:00 cache evictions spiked
- 09:30 resolved
### 2024-03-11 - DNS failure
- 14:00 resolver errors (detected)
- 15:00 resolved
### 2024-03-01 - Login outage
- 08:00 logins failing`,
			want: []form{
				{2, "2024-03-03 09:00", "cache evictions spiked", ""},
				{3, "2024-03-03 09:30", "resolved", "kind=resolved"},
				{5, "2024-03-11 14:00", "resolver errors", "part=1 kind=detected"},
				{6, "2024-03-11 15:00", "resolved", "part=1 kind=resolved"},
				{8, "2024-03-01 08:00", "logins failing", "part=2"},
			},
			parts: []Part{{"Cache overload", 1}, {"DNS failure", 4}, {"Login outage", 7}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ParseSection([]byte(tt.src), 1, tt.opts)
			got := make([]form, len(r.Events))
			for i, e := range r.Events {
				got[i] = formOf(e)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("events differ:\n%s", diffLines(got, tt.want))
			}
			checkProblems(t, r.Problems, tt.problems)
			if !slices.Equal(r.Notes, tt.notes) {
				t.Errorf("notes = %+v, want %+v", r.Notes, tt.notes)
			}
			if !slices.Equal(r.Parts, tt.parts) {
				t.Errorf("parts = %+v, want %+v", r.Parts, tt.parts)
			}
		})
	}
}

func TestMilestonesFollowOneAnother(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2024, 3, 1, h, m, 0, 0, time.UTC) }
	events := []Event{
		{Time: at(8, 0), Kind: KindMitigated},             // words, before anything: not the mitigation
		{Time: at(9, 0), Kind: KindStarted, Marked: true}, // the start
		{Time: at(9, 10), Kind: KindDetected},
		{Time: at(9, 5), Kind: KindResolved, Marked: true}, // marked: counts wherever it is
		{Time: at(9, 30), Kind: KindMitigated},
	}
	got := Milestones(events)
	want := Times{Started: at(9, 0), Detected: at(9, 10), Mitigated: at(9, 30), Resolved: at(9, 5)}
	if got != want {
		t.Errorf("Milestones = %+v, want %+v", got, want)
	}
}

func TestDateOrder(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want DateOrder
	}{
		{"18/04/2023", DMY}, {"04/18/2023", MDY}, {"04/05/2023", OrderUnknown}, {"05/05/2023", OrderUnknown},
		{"99/12/31", YMD}, {"2023-04-18", OrderUnknown}, {"March 3, 2024", OrderUnknown}, {"31.12.2023", DMY},
		{"13/13/2023", OrderUnknown}, {"not a date", OrderUnknown},
	} {
		if got := OrderOf(tt.in); got != tt.want {
			t.Errorf("OrderOf(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if got := DecideOrder([]string{"04/05/2023", "18/04/2023", "19/04/2023", "04/20/2023"}); got != DMY {
		t.Errorf("DecideOrder = %v, want dmy", got)
	}
	if got := DecideOrder([]string{"18/04/2023", "04/20/2023"}); got != OrderUnknown {
		t.Errorf("DecideOrder of a tie = %v, want unknown", got)
	}
	for _, s := range []string{"dmy", "MDY", " ymd ", ""} {
		o, err := ParseDateOrder(s)
		if err != nil || o.String() != strings.ToLower(strings.TrimSpace(s)) {
			t.Errorf("ParseDateOrder(%q) = %v, %v", s, o, err)
		}
	}
	if _, err := ParseDateOrder("dym"); err == nil {
		t.Error("ParseDateOrder(dym) gave no error")
	}
	for _, tt := range []struct {
		in        string
		order     DateOrder
		want      string
		ambiguous bool
		err       bool
	}{
		{"04/05/2023", DMY, "2023-05-04", true, false},
		{"04/05/2023", MDY, "2023-04-05", true, false},
		{"04/05/2023", OrderUnknown, "2023-04-05", true, false},
		{"18/04/2023", MDY, "2023-04-18", false, false},
		{"5/14/22 and text", DMY, "2022-05-14", false, false},
		{"3rd Dec 2024", DMY, "2024-12-03", false, false},
		{"Friday, Nov 4th", MDY, "2022-11-04", false, false},
		{"2023-02-30", MDY, "", false, true},
		{"Nov 4", MDY, "", false, true}, // with no year hint
	} {
		hint := 2022
		if tt.in == "Nov 4" {
			hint = 0
		}
		r, err := ReadDate(tt.in, tt.order, hint)
		if (err != nil) != tt.err {
			t.Errorf("ReadDate(%q) error %v, want error %v", tt.in, err, tt.err)
			continue
		}
		if err == nil && (r.Date.String() != tt.want || r.Ambiguous != tt.ambiguous) {
			t.Errorf("ReadDate(%q, %v) = %v ambiguous %v, want %s ambiguous %v", tt.in, tt.order, r.Date, r.Ambiguous, tt.want, tt.ambiguous)
		}
	}
}
