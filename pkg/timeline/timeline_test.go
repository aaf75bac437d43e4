package timeline

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// want is the part of an Event a parser case checks; Time is written as
// "2006-01-02 15:04" in UTC, or "" for a zero time.
type want struct {
	Line     int
	Time     string
	DateOnly bool
	Text     string
	Zone     string
	Kind     Kind
}

func (w want) String() string {
	return fmt.Sprintf("{line %d, %q, dateOnly %v, %q, zone %q, kind %q}", w.Line, w.Time, w.DateOnly, w.Text, w.Zone, w.Kind)
}

func summarize(events []Event) []want {
	out := make([]want, len(events))
	for i, e := range events {
		ts := ""
		if !e.Time.IsZero() {
			ts = e.Time.Format("2006-01-02 15:04")
		}
		out[i] = want{e.Line, ts, e.DateOnly, e.Text, e.Zone, e.Kind}
	}
	return out
}

// incident is the incident date most cases use.
var incident = Options{Date: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}

func checkEvents(t *testing.T, got []Event, want []want) {
	t.Helper()
	if g := summarize(got); !slices.Equal(g, want) {
		t.Errorf("events differ:\n%s", diffLines(g, want))
	}
}

// diffLines lists got and want side by side, marking the rows that differ.
func diffLines[T fmt.Stringer](got, want []T) string {
	var b strings.Builder
	for i := 0; i < max(len(got), len(want)); i++ {
		var gs, ws string
		if i < len(got) {
			gs = got[i].String()
		}
		if i < len(want) {
			ws = want[i].String()
		}
		mark := "  "
		if gs != ws {
			mark = "! "
		}
		fmt.Fprintf(&b, "%sgot  %s\n  want %s\n", mark, gs, ws)
	}
	return b.String()
}

func checkProblems(t *testing.T, got, want []Problem) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("problems:\ngot  %+v\nwant %+v", got, want)
	}
}

func TestParse(t *testing.T) {
	pacificSummer := Options{Date: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)}
	noDate := Options{}
	tests := []struct {
		name     string
		src      string
		first    int // defaults to 1
		opts     *Options
		want     []want
		problems []Problem
	}{
		{
			name: "list separators and markers",
			src: `- 09:19 — em dash
- 09:20 – en dash
- 09:21 - hyphen
- 09:22: colon
- 09:23:30 UTC: seconds and zone
- 09:24 none
* 09:25 star
+ 09:26 plus
1. 09:27 ordered
2) 09:28 paren ordered
- [ ] 09:29 task open
- [x] 09:30 task done
- 09:31 | pipe
- 09:32 -> arrow
- 09:33 → unicode arrow
• 09:34 bullet`,
			want: []want{
				{1, "2024-03-01 09:19", false, "em dash", "", ""},
				{2, "2024-03-01 09:20", false, "en dash", "", ""},
				{3, "2024-03-01 09:21", false, "hyphen", "", ""},
				{4, "2024-03-01 09:22", false, "colon", "", ""},
				{5, "2024-03-01 09:23", false, "seconds and zone", "UTC", ""},
				// The zone an entry wrote carries on when no preamble states one.
				{6, "2024-03-01 09:24", false, "none", "UTC", ""},
				{7, "2024-03-01 09:25", false, "star", "UTC", ""},
				{8, "2024-03-01 09:26", false, "plus", "UTC", ""},
				{9, "2024-03-01 09:27", false, "ordered", "UTC", ""},
				{10, "2024-03-01 09:28", false, "paren ordered", "UTC", ""},
				{11, "2024-03-01 09:29", false, "task open", "UTC", ""},
				{12, "2024-03-01 09:30", false, "task done", "UTC", ""},
				{13, "2024-03-01 09:31", false, "pipe", "UTC", ""},
				{14, "2024-03-01 09:32", false, "arrow", "UTC", ""},
				{15, "2024-03-01 09:33", false, "unicode arrow", "UTC", ""},
				{16, "2024-03-01 09:34", false, "bullet", "UTC", ""},
			},
		},
		{
			name: "bold code and bracket timestamps",
			src: `- **14:02 UTC** bold
- **14:03 UTC**: bold then colon
- **14:04 UTC:** colon inside bold
- ` + "`14:05`" + ` code
- *14:06* - italic
- _14:07_ — underscore
- [14:08] bracketed
- ***14:09*** bold italic
- **14:10 database** down`,
			want: []want{
				{1, "2024-03-01 14:02", false, "bold", "UTC", ""},
				{2, "2024-03-01 14:03", false, "bold then colon", "UTC", ""},
				{3, "2024-03-01 14:04", false, "colon inside bold", "UTC", ""},
				{4, "2024-03-01 14:05", false, "code", "UTC", ""},
				{5, "2024-03-01 14:06", false, "italic", "UTC", ""},
				{6, "2024-03-01 14:07", false, "underscore", "UTC", ""},
				{7, "2024-03-01 14:08", false, "bracketed", "UTC", ""},
				{8, "2024-03-01 14:09", false, "bold italic", "UTC", ""},
				// The bold runs past the time, so its opening mark stays with the text.
				{9, "2024-03-01 14:10", false, "**database** down", "UTC", ""},
			},
		},
		{
			name: "paragraph lines",
			src: `All times in UTC.

09:00 deploy started
09:30 errors rose
and kept rising

Some prose that is not an event.
10:00 rollback`,
			want: []want{
				{3, "2024-03-01 09:00", false, "deploy started", "UTC", ""},
				{4, "2024-03-01 09:30", false, "errors rose\nand kept rising", "UTC", ""},
				{8, "2024-03-01 10:00", false, "rollback", "UTC", ""},
			},
		},
		{
			name: "date lines set the date",
			src: `### 2024-03-02
- 09:00 heading
**2024-03-03**
- 09:00 bold date
2024-03-04:
- 09:00 date with colon
**Tuesday, March 5, 2024**
- 09:00 weekday and month name
- 2024-03-06
- 09:00 list item date
Mar 7
- 09:00 month name without year
#### 8 March 2024 ####
- 09:00 heading with closing hashes`,
			want: []want{
				{2, "2024-03-02 09:00", false, "heading", "", ""},
				{4, "2024-03-03 09:00", false, "bold date", "", ""},
				{6, "2024-03-04 09:00", false, "date with colon", "", ""},
				{8, "2024-03-05 09:00", false, "weekday and month name", "", ""},
				{10, "2024-03-06 09:00", false, "list item date", "", ""},
				{12, "2024-03-07 09:00", false, "month name without year", "", ""},
				{14, "2024-03-08 09:00", false, "heading with closing hashes", "", ""},
			},
		},
		{
			name: "date-only entry with text sets the date",
			src: `- 2024-03-02 — maintenance window announced
- 09:00 window opened`,
			want: []want{
				{1, "2024-03-02 00:00", true, "maintenance window announced", "", ""},
				{2, "2024-03-02 09:00", false, "window opened", "", ""},
			},
		},
		{
			name: "table with date-time, time, unknown time and date-only rows",
			src: `| Date and Time in CET | Who | What |
|---|---|---|
| 2021-12-10 15:40 | on-call | paged |
| 15:45 | bob | restarted the pod |
| 2021-12-11 --:-- | ops | unknown time |
| 2021-12-12 | ops | date-only row |
|  |  |  |
| later | alice | no time row |
| 2021-12-13 |  |  |
| 09:00 | | after a date row |`,
			opts: &Options{},
			want: []want{
				{3, "2021-12-10 14:40", false, "on-call — paged", "CET", KindDetected},
				{4, "2021-12-10 14:45", false, "bob — restarted the pod", "CET", ""},
				// Date-only rows stay on their day whatever the zone.
				{5, "2021-12-11 00:00", true, "ops — unknown time", "CET", ""},
				{6, "2021-12-12 00:00", true, "ops — date-only row", "CET", ""},
				{8, "", false, "later — alice — no time row", "", ""},
				{10, "2021-12-13 08:00", false, "after a date row", "CET", ""},
			},
		},
		{
			name: "table header zone and kind column",
			src: `| Time (UTC) | Event | Kind |
|:---|---|---|
| 09:00 | db failover | Mitigated |
| 09:10 | all good | |
| 09:20 | customers notified | resolution |`,
			want: []want{
				{3, "2024-03-01 09:00", false, "db failover", "UTC", KindMitigated},
				{4, "2024-03-01 09:10", false, "all good", "UTC", ""},
				{5, "2024-03-01 09:20", false, "customers notified", "UTC", KindResolved},
			},
		},
		{
			name: "table kind from the leading words of a later cell",
			src: `| Time | Who | What |
|---|---|---|
| 10:52 | database team | failover complete |
| 11:30 | IC | all clear |`,
			want: []want{
				{3, "2024-03-01 10:52", false, "database team — failover complete", "", KindMitigated},
				{4, "2024-03-01 11:30", false, "IC — all clear", "", KindResolved},
			},
		},
		{
			name: "table with separate date and time columns",
			src: `| Date | Time | Event |
|------|------|-------|
| 2024-03-01 | 09:00 UTC | split columns |
| 2024-03-01 | --:-- | time not known |`,
			want: []want{
				{3, "2024-03-01 09:00", false, "split columns", "UTC", ""},
				{4, "2024-03-01 00:00", true, "time not known", "UTC", ""},
			},
		},
		{
			name: "table without a header and with an escaped pipe",
			src: `| 10:00 | started deploy |
| 10:05 | impact started \| a | b |`,
			want: []want{
				{1, "2024-03-01 10:00", false, "started deploy", "", ""},
				{2, "2024-03-01 10:05", false, `impact started \| a — b`, "", KindStarted},
			},
		},
		{
			name: "table time column found by header",
			src: `| Who | When (EEST) | What |
|---|---|---|
| alice | 12:00 | paged the on-call |`,
			want: []want{
				{3, "2024-03-01 09:00", false, "alice — paged the on-call", "EEST", KindDetected},
			},
		},
		{
			name: "entry zone overrides preamble",
			src: `All times in UTC.
- 10:00 x
- 14:00 EEST y
- 11:30 z`,
			want: []want{
				{2, "2024-03-01 10:00", false, "x", "UTC", ""},
				{3, "2024-03-01 11:00", false, "y", "EEST", ""},
				{4, "2024-03-01 11:30", false, "z", "UTC", ""},
			},
		},
		{
			name: "zone carries on without a preamble",
			src: `- 10:00 EEST x
- 10:30 y`,
			want: []want{
				{1, "2024-03-01 07:00", false, "x", "EEST", ""},
				{2, "2024-03-01 07:30", false, "y", "EEST", ""},
			},
		},
		{
			name: "default location",
			src:  `- 10:00 x`,
			opts: &Options{Date: incident.Date, Location: time.FixedZone("EET", 7200)},
			want: []want{{1, "2024-03-01 08:00", false, "x", "EET", ""}},
		},
		{
			name: "numeric offsets",
			src: `- 10:00 +0300 a
- 10:00 +03:00 b
- 10:00 UTC+3 c
- 10:00 GMT+1 d
- 2024-03-01T10:00:00Z e
- 10:30Z f
- 2024-03-01T10:00:00-05:00 g
- 10:00 UTC-05:30 h
- 10:00:00−06:00 i`,
			want: []want{
				{1, "2024-03-01 07:00", false, "a", "+0300", ""},
				{2, "2024-03-01 07:00", false, "b", "+03:00", ""},
				{3, "2024-03-01 07:00", false, "c", "UTC+3", ""},
				{4, "2024-03-01 09:00", false, "d", "GMT+1", ""},
				{5, "2024-03-01 10:00", false, "e", "Z", ""},
				{6, "2024-03-01 10:30", false, "f", "Z", ""},
				{7, "2024-03-01 15:00", false, "g", "-05:00", ""},
				{8, "2024-03-01 15:30", false, "h", "UTC-05:30", ""},
				{9, "2024-03-01 16:00", false, "i", "−06:00", ""},
			},
		},
		{
			name: "am and pm",
			src: `- 12:00 am midnight
- 9am short
- 9:19 AM morning
- 9.25am dotted
- 12 PM noon
- 11:05pm evening
- 11:30 p.m. dotted meridiem`,
			want: []want{
				{1, "2024-03-01 00:00", false, "midnight", "", ""},
				{2, "2024-03-01 09:00", false, "short", "", ""},
				{3, "2024-03-01 09:19", false, "morning", "", ""},
				{4, "2024-03-01 09:25", false, "dotted", "", ""},
				{5, "2024-03-01 12:00", false, "noon", "", ""},
				{6, "2024-03-01 23:05", false, "evening", "", ""},
				{7, "2024-03-01 23:30", false, "dotted meridiem", "", ""},
			},
		},
		{
			name: "midnight rollover",
			src: `- 22:00 a
- 23:50 b
- 00:10 c
- 09:00 d
- 20:00 e
- 23:59 f
- 00:30 g`,
			want: []want{
				{1, "2024-03-01 22:00", false, "a", "", ""},
				{2, "2024-03-01 23:50", false, "b", "", ""},
				{3, "2024-03-02 00:10", false, "c", "", ""},
				{4, "2024-03-02 09:00", false, "d", "", ""},
				{5, "2024-03-02 20:00", false, "e", "", ""},
				{6, "2024-03-02 23:59", false, "f", "", ""},
				{7, "2024-03-03 00:30", false, "g", "", ""},
			},
		},
		{
			name: "a late time after midnight is out of order",
			src: `- 23:50 a
- 00:10 b
- 23:55 c`,
			want: []want{
				{1, "2024-03-01 23:50", false, "a", "", ""},
				{2, "2024-03-02 00:10", false, "b", "", ""},
				{3, "2024-03-01 23:55", false, "c", "", ""},
			},
			problems: []Problem{{3, "time is 15m earlier than the entry on line 2: expected entries in time order"}},
		},
		{
			name: "a long gap on the incident date",
			src: `- 08:00 a
- 21:00 b`,
			want: []want{
				{1, "2024-03-01 08:00", false, "a", "", ""},
				{2, "2024-03-01 21:00", false, "b", "", ""},
			},
		},
		{
			name: "rollover after a dated entry",
			src: `- 2024-02-29 23:37 CST — change applied
- 00:52 CST — alert fired`,
			want: []want{
				{1, "2024-03-01 05:37", false, "change applied", "CST", ""},
				{2, "2024-03-01 06:52", false, "alert fired", "CST", KindDetected},
			},
		},
		{
			name: "dated entry before the incident date",
			src: `- 2024-02-29 15:00 bad config merged
- 10:00 alert fired
- 10:30 rolled back`,
			want: []want{
				{1, "2024-02-29 15:00", false, "bad config merged", "", ""},
				{2, "2024-03-01 10:00", false, "alert fired", "", KindDetected},
				{3, "2024-03-01 10:30", false, "rolled back", "", KindMitigated},
			},
		},
		{
			name:  "out of order problems carry line numbers",
			first: 40,
			src: `All times in UTC.

- 10:00 a
- 09:30 b
- 09:45 c
- 2024-02-28 10:00 d`,
			want: []want{
				{42, "2024-03-01 10:00", false, "a", "UTC", ""},
				{43, "2024-03-01 09:30", false, "b", "UTC", ""},
				{44, "2024-03-01 09:45", false, "c", "UTC", ""},
				{45, "2024-02-28 10:00", false, "d", "UTC", ""},
			},
			problems: []Problem{
				{43, "time is 30m earlier than the entry on line 42: expected entries in time order"},
				{45, "time is 1d23h45m earlier than the entry on line 44: expected entries in time order"},
			},
		},
		{
			name: "twelve hours back is out of order, not the next day",
			src: `- 22:00 a
- 10:00 b
- 21:59 c
- 09:58 d`,
			want: []want{
				{1, "2024-03-01 22:00", false, "a", "", ""},
				{2, "2024-03-01 10:00", false, "b", "", ""},
				{3, "2024-03-01 21:59", false, "c", "", ""},
				{4, "2024-03-02 09:58", false, "d", "", ""},
			},
			problems: []Problem{{2, "time is 12h earlier than the entry on line 1: expected entries in time order"}},
		},
		{
			name: "milestones by marker",
			src: `- 09:00 deploy went out (started)
- 09:05 [DETECTED] synthetic checks failing
- 09:10 db **mitigated** by failover
- 09:20 Resolved: all green
- 09:25 Mitigated — traffic restored
- 09:30 **(resolved)** done
- 09:35 Started - second wave`,
			want: []want{
				{1, "2024-03-01 09:00", false, "deploy went out", "", KindStarted},
				{2, "2024-03-01 09:05", false, "synthetic checks failing", "", KindDetected},
				{3, "2024-03-01 09:10", false, "db **mitigated** by failover", "", KindMitigated},
				{4, "2024-03-01 09:20", false, "Resolved: all green", "", KindResolved},
				{5, "2024-03-01 09:25", false, "Mitigated — traffic restored", "", KindMitigated},
				{6, "2024-03-01 09:30", false, "done", "", KindResolved},
				{7, "2024-03-01 09:35", false, "Started - second wave", "", KindStarted},
			},
		},
		{
			name: "continuation lines",
			src: `- 09:00 first
  more about first
  - nested detail

  after a blank line but indented
- 09:10 second
lazy continuation
- 09:20 third
  - 09:25 nested with its own time

Not part of third.`,
			want: []want{
				{1, "2024-03-01 09:00", false, "first\nmore about first\n- nested detail\nafter a blank line but indented", "", ""},
				{6, "2024-03-01 09:10", false, "second\nlazy continuation", "", ""},
				{8, "2024-03-01 09:20", false, "third", "", ""},
				{9, "2024-03-01 09:25", false, "nested with its own time", "", ""},
			},
		},
		{
			name: "lines without a time",
			src: `All times in UTC.

- 09:00 a
- someone looked at the dashboards
* * *
| 10:00 | b |`,
			want: []want{
				{3, "2024-03-01 09:00", false, "a", "UTC", ""},
				{4, "", false, "someone looked at the dashboards", "", ""},
				{6, "2024-03-01 10:00", false, "b", "UTC", ""},
			},
		},
		{
			name: "unparseable times and dates",
			src: `- 99:99 nonsense
- 24:00 end of day
- 2024-02-30 10:00 impossible day
- 2024-13-01 impossible month
- 13pm bad meridiem
- 0001-01-01 year one
- 10:00 fine`,
			want: []want{
				{1, "", false, "nonsense", "", ""},
				{2, "", false, "end of day", "", ""},
				{3, "", false, "impossible day", "", ""},
				{4, "", false, "impossible month", "", ""},
				{5, "", false, "bad meridiem", "", ""},
				{6, "", false, "year one", "", ""},
				{7, "2024-03-01 10:00", false, "fine", "", ""},
			},
			problems: []Problem{
				{1, "invalid time 99:99: expected hours 00-23 and minutes 00-59"},
				{2, "invalid time 24:00: expected hours 00-23 and minutes 00-59"},
				{3, "invalid date 2024-02-30: expected a real calendar date"},
				{4, "invalid date 2024-13-01: expected a real calendar date"},
				{5, "invalid time 13pm: expected hours 1-12 and minutes 00-59"},
				{6, "invalid date 0001-01-01: expected a year from 1900 on"},
			},
		},
		{
			name: "times without any date",
			opts: &noDate,
			src: `- 09:00 a
- 09:10 b
- Mar 1 09:15 no year
- 2024-03-01 09:20 c
- 09:30 d`,
			want: []want{
				{1, "", false, "a", "", ""},
				{2, "", false, "b", "", ""},
				{3, "", false, "no year", "", ""},
				{4, "2024-03-01 09:20", false, "c", "", ""},
				{5, "2024-03-01 09:30", false, "d", "", ""},
			},
			problems: []Problem{
				{1, "time 09:00 has no date: expected an incident date or a date line before it"},
				{3, "date Mar 1 has no year: expected a year or an incident date"},
			},
		},
		{
			name: "code fences and html comments are skipped",
			src:  "<!-- template note\n- 09:00 not an event\n-->\n- 09:10 real\n```text\n2024-03-01T09:15:00Z ERROR log line\n```\n- 09:20 also real\n<!-- one-line comment -->\n~~~~\n- 09:30 in a tilde fence\n~~~~",
			want: []want{
				{4, "2024-03-01 09:10", false, "real", "", ""},
				{8, "2024-03-01 09:20", false, "also real", "", ""},
			},
		},
		{
			name: "time ranges keep their start",
			src: `- 09:19–09:25 deploy
- 10:00 - 10:30 rollout
- 11:00 to 11:30 soak
- 12:00 - 10 pods restarted`,
			want: []want{
				{1, "2024-03-01 09:19", false, "deploy", "", ""},
				{2, "2024-03-01 10:00", false, "rollout", "", ""},
				{3, "2024-03-01 11:00", false, "soak", "", ""},
				{4, "2024-03-01 12:00", false, "10 pods restarted", "", ""},
			},
		},
		{
			name: "month name dates",
			src: `- March 2, 2024 09:19 a
- Mar 3 09:19 b
- 4 Mar 2024 09:19 c
- 5th March 09:19 d
- Mar 6, 09:19 e
- Thu, Mar. 7 at 09:19 f
- 2024/03/08 09:19 g
- 2024-03-09T09:19 h`,
			want: []want{
				{1, "2024-03-02 09:19", false, "a", "", ""},
				{2, "2024-03-03 09:19", false, "b", "", ""},
				{3, "2024-03-04 09:19", false, "c", "", ""},
				{4, "2024-03-05 09:19", false, "d", "", ""},
				{5, "2024-03-06 09:19", false, "e", "", ""},
				{6, "2024-03-07 09:19", false, "f", "", ""},
				{7, "2024-03-08 09:19", false, "g", "", ""},
				{8, "2024-03-09 09:19", false, "h", "", ""},
			},
		},
		{
			name: "pacific time in summer",
			src:  "> (all times in Pacific Time)\n\n- 10:00 x",
			opts: &pacificSummer,
			want: []want{{3, "2024-07-01 17:00", false, "x", "PDT", ""}},
		},
		{
			name: "preamble with an abbreviation and its offset",
			src: `All times CST (UTC+08:00).
- 10:00 x
- 11:00 CST y`,
			want: []want{
				{2, "2024-03-01 02:00", false, "x", "CST", ""},
				{3, "2024-03-01 03:00", false, "y", "CST", ""},
			},
		},
		{
			name: "zone note as a list item",
			src: `- All times UTC+2
- 10:00 x`,
			want: []want{{2, "2024-03-01 08:00", false, "x", "UTC+2", ""}},
		},
		{
			name: "blank, preamble, heading and separator lines are not events",
			src: `All times in UTC.

### Details

---
|---|---|
- 09:00 only event`,
			want: []want{{7, "2024-03-01 09:00", false, "only event", "UTC", ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := tt.first
			if first == 0 {
				first = 1
			}
			opts := incident
			if tt.opts != nil {
				opts = *tt.opts
			}
			events, problems := Parse([]byte(tt.src), first, opts)
			checkEvents(t, events, tt.want)
			checkProblems(t, problems, tt.problems)
		})
	}
}

func TestParsePreambles(t *testing.T) {
	tests := []struct {
		preamble string
		date     time.Time
		time     string // of "10:00", in UTC
		zone     string
	}{
		{"All times in UTC.", incident.Date, "10:00", "UTC"},
		{"All times CET (UTC+01:00).", incident.Date, "09:00", "CET"},
		{"Times are PST", incident.Date, "18:00", "PST"},
		{"(times in EEST)", incident.Date, "07:00", "EEST"},
		{"_All times are in IST._", incident.Date, "04:30", "IST"},
		{"> (all times in Pacific Time)", incident.Date, "18:00", "PST"},
		{"All times Central European Time", time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), "08:00", "CEST"},
		{"All times Central European Time", time.Date(2024, 10, 28, 0, 0, 0, 0, time.UTC), "09:00", "CET"},
		{"Timezone: Europe/Berlin", incident.Date, "09:00", "CET"},
		{"Time zone: America/New_York", time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC), "14:00", "EDT"},
		{"Time zone: UTC-05:30", incident.Date, "15:30", "UTC-05:30"},
		{"### Timeline (UTC+05:30)", incident.Date, "04:30", "UTC+05:30"},
		{"Timestamps in GMT+1", incident.Date, "09:00", "GMT+1"},
		{"All times are Pacific.", incident.Date, "18:00", "PST"},
		{"Time (Eastern)", time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), "14:00", "EDT"},
		{"All times are Pacific Standard Time", time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), "18:00", "PST"},
		{"All times Eastern European Time", incident.Date, "08:00", "EET"},
	}
	for _, tt := range tests {
		t.Run(tt.preamble, func(t *testing.T) {
			events, problems := Parse([]byte(tt.preamble+"\n\n- 10:00 x"), 1, Options{Date: tt.date})
			checkProblems(t, problems, nil)
			want := []want{{3, tt.date.Format("2006-01-02 ") + tt.time, false, "x", tt.zone, ""}}
			checkEvents(t, events, want)
		})
	}
}

// TestParseZonedDateLines: a date alone followed by the zone of the
// times below it ("2023-03-14 (all times US/Pacific)", as the SRE book's
// template writes it) is a date line and a preamble, not an event; a date
// with other words after it stays an event.
func TestParseZonedDateLines(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		src  string
		want []want
	}{
		{"2023-03-14 (all times US/Pacific)\n\n- 13:02 deployed", []want{{3, "2023-03-14 20:02", false, "deployed", "PDT", ""}}},
		{"**2023-03-14** (all times UTC)\n\n- 13:02 deployed", []want{{3, "2023-03-14 13:02", false, "deployed", "UTC", ""}}},
		{"- 2023-03-14 (times in CET)\n- 13:02 deployed", []want{{2, "2023-03-14 12:02", false, "deployed", "CET", ""}}},
		{"2023-01-10, all times US/Eastern\n\n- 09:00 paged", []want{{3, "2023-01-10 14:00", false, "paged", "EST", "detected"}}},
		{"2023-03-14 (the day of the launch)\n\n- 13:02 deployed", []want{
			{1, "2023-03-14 00:00", true, "(the day of the launch)", "", ""},
			{3, "2023-03-14 13:02", false, "deployed", "", ""},
		}},
	} {
		events, problems := Parse([]byte(tc.src), 1, Options{})
		t.Run(tc.src, func(t *testing.T) {
			checkEvents(t, events, tc.want)
			checkProblems(t, problems, nil)
		})
	}
}

// TestParseStatusPage: a status page's updates pasted as they are shown,
// newest first, each a line of text over a line with its date and time,
// give events oldest first with their texts; a list that goes back in time
// with times of day only, or with fewer than three entries, is not turned
// and is out of order.
func TestParseStatusPage(t *testing.T) {
	t.Parallel()
	src := "**Resolved** - This incident has been resolved.\nMay 21, 15:40 UTC\n\n" +
		"**Monitoring** - A fix has been implemented.\nMay 21, 15:05 UTC\n\n" +
		"**Investigating** - We are investigating elevated error rates.\nMay 21, 14:10 UTC\n"
	r := ParseSection([]byte(src), 1, Options{Date: incident.Date})
	checkEvents(t, r.Events, []want{
		{8, "2024-05-21 14:10", false, "**Investigating** - We are investigating elevated error rates.", "UTC", ""},
		{5, "2024-05-21 15:05", false, "**Monitoring** - A fix has been implemented.", "UTC", KindResolved},
		{2, "2024-05-21 15:40", false, "**Resolved** - This incident has been resolved.", "UTC", KindResolved},
	})
	checkProblems(t, r.Problems, nil)
	if !slices.Equal(r.NewestFirst, []int{2}) {
		t.Errorf("NewestFirst = %v, want [2]", r.NewestFirst)
	}
	for _, src := range []string{
		"- 15:40 resolved\n- 15:05 fix deployed\n- 14:32 cause found\n",
		"- 2024-05-21 15:40 UTC resolved\n- 2024-05-21 15:05 UTC fix deployed\n",
	} {
		r := ParseSection([]byte(src), 1, Options{Date: incident.Date})
		if len(r.NewestFirst) != 0 || len(r.Problems) == 0 || r.Events[0].Line != 1 {
			t.Errorf("%q: turned (%v) or in order (%v)", src, r.NewestFirst, r.Problems)
		}
	}
}

// TestParseFencedTimeline: a timeline written as a code block of log
// lines is read when nothing outside the block is an entry; a block
// beside entries, or one of mostly other lines, is left as it is.
func TestParseFencedTimeline(t *testing.T) {
	t.Parallel()
	src := "All times UTC.\n\n```\n2022-08-01 14:02 deploy of cache-warmer 2.1\n2022-08-01 14:05 alert: p99 latency above 2 s\n\n2022-08-01 14:31 rolled back\n```\n"
	events, problems := Parse([]byte(src), 1, Options{})
	checkEvents(t, events, []want{
		{4, "2022-08-01 14:02", false, "deploy of cache-warmer 2.1", "UTC", ""},
		{5, "2022-08-01 14:05", false, "alert: p99 latency above 2 s", "UTC", ""},
		{7, "2022-08-01 14:31", false, "rolled back", "UTC", KindMitigated},
	})
	checkProblems(t, problems, nil)
	for _, src := range []string{
		"- 2022-08-01 14:00 UTC deploy\n\n```\n2022-08-01 14:02 ERROR pool exhausted\n2022-08-01 14:03 ERROR pool exhausted\n```\n",
		"```\nfunc main() {\n\tlog.Print(\"x\")\n}\n2022-08-01 14:02 one line\n```\n",
	} {
		events, _ := Parse([]byte(src), 1, Options{})
		for _, e := range events {
			if strings.Contains(e.Text, "pool exhausted") || strings.Contains(e.Text, "one line") {
				t.Errorf("%q: a code line read as an entry: %+v", src, e)
			}
		}
	}
}

// TestParseMonthDayWithoutYear: "3/14 1:10pm", as a team copies times
// from chat, is a month and day in the incident's year when a time of
// day follows it, read in the order the timeline's dates show; a fraction
// or a count is no date, and without a year to take it is a problem.
func TestParseMonthDayWithoutYear(t *testing.T) {
	t.Parallel()
	opts := Options{Date: time.Date(2023, 3, 14, 0, 0, 0, 0, time.UTC)}
	events, problems := Parse([]byte("- 3/14 1:02pm PDT deployed\n- 3/14 1:10pm PDT paged\n- 3/15 09:00 PDT closed\n"), 1, opts)
	checkEvents(t, events, []want{
		{1, "2023-03-14 20:02", false, "deployed", "PDT", ""},
		{2, "2023-03-14 20:10", false, "paged", "PDT", KindDetected},
		{3, "2023-03-15 16:00", false, "closed", "PDT", KindResolved},
	})
	checkProblems(t, problems, nil)
	events, _ = Parse([]byte("- 14/3 09:00 UTC first\n- 3/4 10:00 UTC second\n"), 1, opts)
	if got := events[1].Time.Format("2006-01-02"); got != "2023-04-03" {
		t.Errorf("3/4 after 14/3: %s, want 2023-04-03 (day first)", got)
	}
	events, _ = Parse([]byte("- 1/2 of the fleet went down\n- 3/14 nodes restarted\n"), 1, opts)
	for _, e := range events {
		if !e.Time.IsZero() {
			t.Errorf("%q read as a date: %v", e.Raw, e.Time)
		}
	}
	_, problems = Parse([]byte("- 3/14 1:02pm deployed\n"), 1, Options{})
	if len(problems) != 1 || !strings.Contains(problems[0].Message, "date 3/14 has no year") {
		t.Errorf("no year to take: problems %v", problems)
	}
}

func TestParseRaw(t *testing.T) {
	src := "- [x] **09:19 EEST** — pool exhausted (detected)\n  see graph\n| 10:00 | db | restarted |"
	events, _ := Parse([]byte(src), 1, incident)
	got := []string{events[0].Raw, events[1].Raw}
	want := []string{"**09:19 EEST** — pool exhausted (detected)\nsee graph", "10:00 | db | restarted"}
	if !slices.Equal(got, want) {
		t.Errorf("Raw = %q, want %q", got, want)
	}
}

func TestLeadingWords(t *testing.T) {
	tests := []struct {
		text string
		want Kind
	}{
		{"Incident started after the deploy", KindStarted},
		{"impact started in eu-west-1", KindStarted},
		{"Outage began", KindStarted},
		{"began failing health checks", KindStarted},
		{"Start of impact", KindStarted},
		{"First errors in the logs", KindStarted},
		{"Alert fired for p99 latency", KindDetected},
		{"alerted by a customer", KindDetected},
		{"Paged the on-call", KindDetected},
		{"page sent to the database team", KindDetected},
		{"Detected by synthetic checks", KindDetected},
		{"On-call paged", KindDetected},
		{"PagerDuty incident opened", KindDetected},
		{"Mitigated by failing over", KindMitigated},
		{"Rolled back to v1.2.3", KindMitigated},
		{"Rollback complete", KindMitigated},
		{"Failover complete", KindMitigated},
		{"failover completed", KindMitigated},
		{"Workaround applied", KindMitigated},
		{"Resolved", KindResolved},
		{"Incident resolved", KindResolved},
		{"All clear given", KindResolved},
		{"Fully recovered", KindResolved},
		{"Closed the incident", KindResolved},
		{"**Alert fired** for errors", KindDetected},
		{"the alert paged the on-call", KindDetected},
		{"Team became aware of failed logins", KindDetected},
		{"Customer reported slow checkouts", KindDetected},
		{"the on-call noticed elevated 5xx", KindDetected},
		{"Issue escalated to the database team", KindDetected},
		{"Deployed fix to production", KindMitigated},
		{"we rolled back the deploy", KindMitigated},
		{"Service restored in eu-west-1", KindMitigated},
		{"error rates back to normal", KindResolved},
		{"Monitoring the fix", KindResolved},
		{"incident resolved after cache warm-up", KindResolved},
		{"still not resolved", KindNone},
		{"not yet resolved, monitoring", KindNone},
		{"Backups were not fully restored", KindNone},
		{"hasn't been mitigated yet", KindNone},
		{"Not yet fully restored in eu-west-1", KindNone},
		{"fully restored after yet another restart", KindMitigated},
		{"we have been restored to service", KindMitigated},
		{"backups weren't restored", KindNone},
		{"the unresolved tickets piled up", KindNone},
		{"Monitoring - a fix is out", KindResolved},
		{"**Monitoring:** errors gone", KindResolved},
		{"monitoring showed nothing at first", KindNone},
		{"added monitoring for the queue", KindNone},
		{"error rate back below 0.3%; mitigated", KindMitigated},
		{"connections stable at 540, resolved", KindResolved},
		{"queries ruled out; the alert fired and resolved 9 times", KindNone},
		{"Support escalated to search; Sam on it", KindDetected},
		{"closedown of the old cluster", KindNone},
		{"rollback started", KindNone},
		{"backlog alarm fires", KindDetected},
		{"Error-rate alert fires in #payments", KindDetected},
		{"the disk alarm went off twice", KindDetected},
		{"Latency alarms fire for three regions", KindDetected},
		{"we silence the alert; it fires again at 10:02", KindNone},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			e, p := ParseEntry("09:00 "+tt.text, 1, incident)
			if p != nil {
				t.Fatalf("problem: %v", p)
			}
			if e.Kind != tt.want || e.Marked {
				t.Errorf("kind = %q (marked %v), want %q (not marked)", e.Kind, e.Marked, tt.want)
			}
			if e.Text != tt.text {
				t.Errorf("text = %q, want it unchanged", e.Text)
			}
		})
	}
}

func TestParseEntry(t *testing.T) {
	tests := []struct {
		name    string
		entry   string
		opts    Options
		time    string // RFC 3339 in UTC, "" for zero
		text    string
		zone    string
		kind    Kind
		problem string
	}{
		{"time and zone", "09:19 EEST — database ran out of connections", incident, "2024-03-01T06:19:00Z", "database ran out of connections", "EEST", KindNone, ""},
		{"rfc 3339 with label", "2024-03-01T09:19:00Z detected: connection pool exhausted", Options{}, "2024-03-01T09:19:00Z", "detected: connection pool exhausted", "Z", KindDetected, ""},
		{"fractional seconds", "2024-03-01T09:19:00.250+02:00 x", Options{}, "2024-03-01T07:19:00.25Z", "x", "+02:00", KindNone, ""},
		{"date only", "2024-03-02", incident, "2024-03-02T00:00:00Z", "", "", KindNone, ""},
		{"no timestamp", "someone restarted the pod", incident, "", "someone restarted the pod", "", KindNone, ""},
		{"no date", "09:19 x", Options{}, "", "x", "", KindNone, "time 09:19 has no date: expected an incident date or a date line before it"},
		{"invalid", "25:61 x", incident, "", "x", "", KindNone, "invalid time 25:61: expected hours 00-23 and minutes 00-59"},
		{"location", "09:19 x", Options{Date: incident.Date, Location: time.FixedZone("UTC+3", 3*3600)}, "2024-03-01T06:19:00Z", "x", "UTC+3", KindNone, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, p := ParseEntry(tt.entry, 7, tt.opts)
			got := ""
			if !e.Time.IsZero() {
				got = e.Time.Format(time.RFC3339Nano)
			}
			if got != tt.time || e.Text != tt.text || e.Zone != tt.zone || e.Kind != tt.kind || e.Line != 7 || e.Raw != tt.entry {
				t.Errorf("got %s %q zone %q kind %q line %d raw %q; want %s %q zone %q kind %q line 7",
					got, e.Text, e.Zone, e.Kind, e.Line, e.Raw, tt.time, tt.text, tt.zone, tt.kind)
			}
			switch {
			case tt.problem == "" && p != nil:
				t.Errorf("unexpected problem %v", *p)
			case tt.problem != "" && (p == nil || p.Message != tt.problem || p.Line != 7):
				t.Errorf("problem = %v, want line 7 %q", p, tt.problem)
			}
		})
	}
}

func TestParseEntries(t *testing.T) {
	entries := []string{"23:40 UTC — deploy", "00:05 — errors", "11:59 — noon", "2024-03-04", "08:00 — on the fourth", "2024-03-01 — too early"}
	events, problems := ParseEntries(entries, []int{3, 4, 5, 6, 7}, incident)
	checkEvents(t, events, []want{
		{3, "2024-03-01 23:40", false, "deploy", "UTC", ""},
		{4, "2024-03-02 00:05", false, "errors", "UTC", ""},
		{5, "2024-03-02 11:59", false, "noon", "UTC", ""},
		{6, "2024-03-04 00:00", true, "", "UTC", ""},
		{7, "2024-03-04 08:00", false, "on the fourth", "UTC", ""},
		{0, "2024-03-01 00:00", true, "too early", "UTC", ""},
	})
	checkProblems(t, problems, []Problem{{0, "date is before the entry on line 7: expected entries in time order"}})
}

func TestParseZone(t *testing.T) {
	tests := []struct {
		in     string
		offset int
		ok     bool
	}{
		{"UTC", 0, true},
		{"utc", 0, true},
		{"Z", 0, true},
		{"GMT", 0, true},
		{"CET", 3600, true},
		{"CEST", 7200, true},
		{"EET", 7200, true},
		{"EEST", 10800, true},
		{"WET", 0, true},
		{"WEST", 3600, true},
		{"BST", 3600, true},
		{"IST", 19800, true},
		{"SGT", 28800, true},
		{"HKT", 28800, true},
		{"JST", 32400, true},
		{"KST", 32400, true},
		{"AEST", 36000, true},
		{"AEDT", 39600, true},
		{"NZST", 43200, true},
		{"EST", -18000, true},
		{"EDT", -14400, true},
		{"CST", -21600, true},
		{"CDT", -18000, true},
		{"MST", -25200, true},
		{"MDT", -21600, true},
		{"PST", -28800, true},
		{"PDT", -25200, true},
		{"AKST", -32400, true},
		{"HST", -36000, true},
		{"BRT", -10800, true},
		{"+0300", 10800, true},
		{"+03:00", 10800, true},
		{"-05:30", -19800, true},
		{"UTC+3", 10800, true},
		{"UTC-05:30", -19800, true},
		{"GMT+1", 3600, true},
		{"GMT-8", -28800, true},
		{"UTC−3", -10800, true},
		{"Asia/Tokyo", 32400, true},
		{" EEST ", 10800, true},
		{"", 0, false},
		{"XYZ", 0, false},
		{"+25:00", 0, false},
		{"+3", 0, false},
		{"UTC+3x", 0, false},
		{"Pacific Time", 0, false},
		{"Europe/Berlin", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			loc, ok := ParseZone(tt.in)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			name, off := time.Date(2024, 3, 1, 0, 0, 0, 0, loc).Zone()
			if off != tt.offset || name != strings.TrimSpace(tt.in) {
				t.Errorf("zone = %q %d, want %q %d", name, off, strings.TrimSpace(tt.in), tt.offset)
			}
		})
	}
}

// TestParseTimestampIn: a numeric date that reads both ways is read in
// the order given and reported so; without an order it is ErrBothWays;
// one that reads one way only is read so whatever the order.
func TestParseTimestampIn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in        string
		order     DateOrder
		want      string
		ambiguous bool
	}{
		{"03.11.2021 09:15 CET", DMY, "2021-11-03T08:15:00Z", true},
		{"03.11.2021 09:15 CET", MDY, "2021-03-11T08:15:00Z", true},
		{"03/11/2021", DMY, "2021-11-03T00:00:00Z", true},
		{"18.04.2023 10:00 UTC", MDY, "2023-04-18T10:00:00Z", false},
		{"2021-11-03 09:15 CET", MDY, "2021-11-03T08:15:00Z", false},
	} {
		got, r, err := ParseTimestampIn(tc.in, time.UTC, tc.order)
		if err != nil {
			t.Errorf("%s in %s: %v", tc.in, tc.order, err)
			continue
		}
		if s := got.UTC().Format(time.RFC3339); s != tc.want || r.Ambiguous != tc.ambiguous {
			t.Errorf("%s in %s: %s (reads both ways: %v), want %s (%v)", tc.in, tc.order, s, r.Ambiguous, tc.want, tc.ambiguous)
		}
	}
	if _, _, err := ParseTimestampIn("03.11.2021 09:15", time.UTC, OrderUnknown); !errors.Is(err, ErrBothWays) {
		t.Errorf("no order: err = %v, want ErrBothWays", err)
	}
	if _, err := ParseTimestamp("03.11.2021 09:15", time.UTC); !errors.Is(err, ErrBothWays) {
		t.Errorf("ParseTimestamp: err = %v, want ErrBothWays", err)
	}
}

func TestParseTimestamp(t *testing.T) {
	tests := []struct {
		in   string
		loc  *time.Location
		want string // RFC 3339 with the zone as returned
		err  string
	}{
		{"2024-03-01T09:19:00Z", nil, "2024-03-01T09:19:00Z", ""},
		{"2024-03-01T09:19:00+02:00", nil, "2024-03-01T09:19:00+02:00", ""},
		{"2016-06-27T21:30:38-05:00", nil, "2016-06-27T21:30:38-05:00", ""},
		{"2024-03-01 09:19", nil, "2024-03-01T09:19:00Z", ""},
		{"2024-03-01 09:19", time.FixedZone("EET", 7200), "2024-03-01T09:19:00+02:00", ""},
		{"2024-03-01 09:19 EEST", nil, "2024-03-01T09:19:00+03:00", ""},
		{"2024-03-01T09:19", nil, "2024-03-01T09:19:00Z", ""},
		{"2024-03-01", nil, "2024-03-01T00:00:00Z", ""},
		{"March 1, 2024 9:19 AM", nil, "2024-03-01T09:19:00Z", ""},
		{" 2024-03-01 09:19 UTC+3 ", nil, "2024-03-01T09:19:00+03:00", ""},
		{"2024-07-01 09:19 Pacific Time", nil, "", `parse timestamp "2024-07-01 09:19 Pacific Time": expected a date and time such as 2024-03-01 09:19 EEST or 2024-03-01T09:19:00Z`},
		{"2024-07-01 09:19 PT", nil, "2024-07-01T09:19:00-07:00", ""},
		{"09:19", nil, "", `parse timestamp "09:19": expected a date and time such as 2024-03-01 09:19 EEST or 2024-03-01T09:19:00Z`},
		{"2024-02-30", nil, "", `parse timestamp "2024-02-30": invalid date 2024-02-30: expected a real calendar date`},
		{"2024-03-01 25:00", nil, "", `parse timestamp "2024-03-01 25:00": invalid time 25:00: expected hours 00-23 and minutes 00-59`},
		{"2024-03-01 09:19 and more", nil, "", `parse timestamp "2024-03-01 09:19 and more": expected a date and time such as 2024-03-01 09:19 EEST or 2024-03-01T09:19:00Z`},
		{"18/04/2023 09:19 UTC", nil, "2023-04-18T09:19:00Z", ""},
		{"03/04/2023 09:19", nil, "", `parse timestamp "03/04/2023 09:19": date 03/04/2023 reads both ways: write it as YYYY-MM-DD`},
		{"", nil, "", `parse timestamp "": expected a date and time such as 2024-03-01 09:19 EEST or 2024-03-01T09:19:00Z`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTimestamp(tt.in, tt.loc)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := got.Format(time.RFC3339); s != tt.want {
				t.Errorf("got %s, want %s", s, tt.want)
			}
		})
	}
}

func TestMilestones(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2024, 3, 1, h, m, 0, 0, time.UTC) }
	events := []Event{
		{Time: at(9, 0), Kind: KindStarted},
		{Time: at(9, 5), Kind: KindStarted},
		{Kind: KindDetected}, // no time: skipped
		{Time: at(9, 10), Kind: KindDetected},
		{Time: at(9, 20), Kind: KindMitigated},               // read from leading words
		{Time: at(9, 30), Kind: KindMitigated, Marked: true}, // marked explicitly: wins
		{Time: at(0, 0), DateOnly: true, Kind: KindResolved, Marked: true},
		{Time: at(11, 0), Kind: KindResolved},
	}
	got := Milestones(events)
	want := Times{Started: at(9, 0), Detected: at(9, 10), Mitigated: at(9, 30), Resolved: at(11, 0)}
	if got != want {
		t.Errorf("Milestones = %+v, want %+v", got, want)
	}
	for _, k := range []Kind{KindStarted, KindDetected, KindMitigated, KindResolved} {
		t.Run(string(k), func(t *testing.T) {
			if got.Get(k).IsZero() {
				t.Errorf("Get(%q) is zero", k)
			}
		})
	}
	if !got.Get(KindNone).IsZero() {
		t.Errorf("Get(KindNone) = %v, want zero", got.Get(KindNone))
	}
	if m := Milestones([]Event{{Time: at(1, 0), DateOnly: true, Kind: KindResolved}}); !m.Resolved.Equal(at(1, 0)) {
		t.Errorf("date-only milestone = %v, want it used when nothing better exists", m.Resolved)
	}
}

func TestInOrder(t *testing.T) {
	at := func(d, h int) time.Time { return time.Date(2024, 3, d, h, 0, 0, 0, time.UTC) }
	tests := []struct {
		name   string
		events []Event
		want   []Problem
	}{
		{"in order", []Event{{Time: at(1, 9), Line: 1}, {Line: 2}, {Time: at(1, 10), Line: 3}}, nil},
		{"equal times", []Event{{Time: at(1, 9), Line: 1}, {Time: at(1, 9), Line: 2}}, nil},
		{"back in time", []Event{{Time: at(1, 9), Line: 1}, {Line: 2}, {Time: at(1, 8), Line: 3}},
			[]Problem{{3, "time is 1h earlier than the entry on line 1: expected entries in time order"}}},
		{"date-only on the same day", []Event{{Time: at(1, 9), Line: 1}, {Time: at(1, 0), DateOnly: true, Line: 2}}, nil},
		{"date-only a day before", []Event{{Time: at(2, 9), Line: 1}, {Time: at(1, 0), DateOnly: true, Line: 2}},
			[]Problem{{2, "date is before the entry on line 1: expected entries in time order"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkProblems(t, InOrder(tt.events), tt.want)
		})
	}
}

func TestDaylightSavingRules(t *testing.T) {
	tests := []struct {
		zone string
		wall time.Time
		want string // UTC
	}{
		{"pacific time", time.Date(2024, 3, 10, 1, 59, 0, 0, time.UTC), "2024-03-10 09:59"},
		{"pacific time", time.Date(2024, 3, 10, 3, 0, 0, 0, time.UTC), "2024-03-10 10:00"},
		{"pacific time", time.Date(2024, 11, 3, 2, 0, 0, 0, time.UTC), "2024-11-03 10:00"},
		{"pacific time", time.Date(2006, 4, 2, 3, 0, 0, 0, time.UTC), "2006-04-02 10:00"},
		{"pacific time", time.Date(2006, 3, 20, 3, 0, 0, 0, time.UTC), "2006-03-20 11:00"},
		{"central european time", time.Date(2024, 3, 31, 1, 59, 0, 0, time.UTC), "2024-03-31 00:59"},
		{"central european time", time.Date(2024, 3, 31, 3, 0, 0, 0, time.UTC), "2024-03-31 01:00"},
		{"central european time", time.Date(2024, 10, 27, 3, 0, 0, 0, time.UTC), "2024-10-27 02:00"},
		{"uk time", time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC), "2024-06-01 11:00"},
	}
	for _, tt := range tests {
		t.Run(tt.zone+" "+tt.wall.Format("2006-01-02 15:04"), func(t *testing.T) {
			w := tt.wall
			got, _ := ruleZones[tt.zone].at(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), 0, 0)
			if s := got.Format("2006-01-02 15:04"); s != tt.want {
				t.Errorf("got %s, want %s", s, tt.want)
			}
		})
	}
}

func TestParseNeverPanics(t *testing.T) {
	inputs := []string{
		"", "\n", "|", "||", "-", "*", "#", "```", "<!--", "> ", "1.", "- [", "- [x", "**", "`",
		"- 09", "- 09:", "- 09:1", "- 2024-", "- 2024-03-", "- Mar", "- Mar ", "- 1 ", "- 9 a.", "-- 09:00",
		"| 2024-03-01 |\n|---|", "\xff\xfe- 09:00 \xff", strings.Repeat("|", 5000), strings.Repeat("- ", 5000),
		"- 09:00" + strings.Repeat("(detected", 2000), "- 09:00 " + strings.Repeat("**", 5000),
	}
	for _, in := range inputs {
		t.Run(fmt.Sprintf("%.20q", in), func(t *testing.T) {
			checkInvariants(t, []byte(in), 1)
		})
	}
}

func TestParseLargeSection(t *testing.T) {
	var b strings.Builder
	for b.Len() < 2<<20 {
		b.WriteString("- 09:00 UTC — something happened (detected) and then **more** text\n  continued\n")
	}
	src := []byte(b.String())
	start := time.Now()
	events, _ := Parse(src, 1, incident)
	if len(events) == 0 {
		t.Fatal("no events")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("parsing 2 MB took %v", d)
	}
	long := []byte("- 09:00 " + strings.Repeat("word ", 400000))
	if events, _ := Parse(long, 1, incident); len(events) != 1 {
		t.Errorf("long line gave %d events, want 1", len(events))
	}
}
