package timeline

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// checkInvariants parses src and checks what must hold for any input:
// lines stay within the section, times are UTC, and events without a time
// carry no zone.
func checkInvariants(t *testing.T, src []byte, first int) {
	t.Helper()
	r := ParseSection(src, first, Options{Date: incident.Date, Heading: "Timeline (PT, approximate)"})
	events, problems := r.Events, r.Problems
	last := first + bytes.Count(src, []byte("\n"))
	if len(r.Parts) == 1 {
		t.Errorf("one part listed: %+v", r.Parts)
	}
	for _, e := range events {
		if e.Part < 0 || e.Part >= max(1, len(r.Parts)) {
			t.Errorf("event part %d outside %d parts", e.Part, len(r.Parts))
		}
		if !e.End.IsZero() && (e.Time.IsZero() || e.End.Before(e.Time) || e.DateOnly) {
			t.Errorf("event end %v does not follow its start %v (date-only %v)", e.End, e.Time, e.DateOnly)
		}
		if e.Approximate && e.Time.IsZero() {
			t.Errorf("event without a time is approximate: %+v", e)
		}
		if e.DateOnly && (e.Time.Hour() != 0 || e.Time.Minute() != 0) {
			t.Errorf("date-only event %v is not at midnight UTC", e.Time)
		}
		if e.Line < first || e.Line > last {
			t.Errorf("event line %d outside [%d, %d]: %+v", e.Line, first, last, e)
		}
		if !e.Time.IsZero() && e.Time.Location() != time.UTC {
			t.Errorf("event time %v is not in UTC", e.Time)
		}
		if e.Time.IsZero() && (e.DateOnly || e.Zone != "") {
			t.Errorf("event without a time has DateOnly %v, zone %q", e.DateOnly, e.Zone)
		}
	}
	for i, p := range problems {
		if p.Line < first || p.Line > last {
			t.Errorf("problem line %d outside [%d, %d]: %q", p.Line, first, last, p.Message)
		}
		if p.Message == "" {
			t.Error("problem without a message")
		}
		if i > 0 && problems[i-1].Line > p.Line {
			t.Errorf("problems not sorted by line: %d before %d", problems[i-1].Line, p.Line)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"All times CET (UTC+01:00).\n\n- 20:58 CET — traffic rose\n- 21:49 CET — mitigated: scaled out\n",
		"| Date and Time in CET | Who | What |\n|---|---|---|\n| 2021-12-10 15:40 | on-call | paged |\n| 2019-12-03 --:-- | x | y |\n",
		"### 2024-03-02\n**14:02 UTC**: alert fired\n`14:05` rolled back\n  continued\n",
		"- 23:50 a\n- 00:10 b\n- 99:99 c\n- 2024-02-30 d\n- March 1, 2024 9:19 AM e\n",
		"> (all times in Pacific Time)\n```\n- 09:00 code\n```\n<!-- x\n-->\n",
		"- [ ] 09:19–09:25 EEST — (detected) **resolved** x\n",
		"**July 9, 2023 (Sunday)**\n- 9:40 AM: a\n_5/14/22_\n02-11-2024\n- 13:55 PM b\n",
		"### 2024-03-03 - Cache overload\n- 09:00 a\n  - detail\n### 2024-03-11 - DNS\n- T+20m b\n- +45m c\n",
		"- 2019-04-02 1420 UTC ::::: x\n- 1515Z y\n- ~19:00 UTC z\n- 15:00ish w\n- 02:00-04:30 - v\n- 12:26-12:?? | u\n",
		"10:12 3rd Dec 2024 - a\n09:45 AM PST Friday Nov 4th: b\n16:20 UTC Thursday - c\n| 2024-05-02 | d |\n",
		"| Date | Time | Event |\n|---|---|---|\n| 2021-05-03 | 10:02 | a |\n| | 10:45 | b |\n- 1402 hrs c\n- 1415h d\n- 0000 hours e\n",
		"- 2022-11-03 23:50 a\n- 04/11/2022 00:10 b\n- 3.11.2022 09h45 c\n- 10:00h d\n- 10:15 Uhr e\n",
	} {
		f.Add([]byte(s), 1)
	}
	f.Fuzz(func(t *testing.T, src []byte, first int) {
		if first < -1<<30 || first > 1<<30 {
			return
		}
		checkInvariants(t, src, first)
	})
}

func FuzzParseEntry(f *testing.F) {
	for _, s := range []string{
		"09:19 EEST — database ran out of connections",
		"2024-03-01T09:19:00Z detected: connection pool exhausted",
		"2024-03-01T09:19:00.123-05:00 x",
		"**9:19 pm** [mitigated]",
		"Fri, Mar 1 at 9.19am — x",
		"--:-- unknown",
		"12:00 UTC+14:00",
		"**Mar 09, 2022, 14:05 (UTC):** x",
		"18-04-2023 02:00 - x",
		"around 14:10 x",
		"T-5m x",
		"12:26-12:?? | x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, p := ParseEntry(s, 3, incident)
		if e.Line != 3 || (p != nil && p.Line != 3) {
			t.Errorf("line = %d, problem %v; want 3", e.Line, p)
		}
		if !e.Time.IsZero() && e.Time.Location() != time.UTC {
			t.Errorf("time %v is not in UTC", e.Time)
		}
		if p != nil && p.Message == "" {
			t.Error("problem without a message")
		}
		if ts, err := ParseTimestamp(s, nil); err == nil && ts.IsZero() {
			t.Errorf("ParseTimestamp(%q) gave a zero time without an error", s)
		}
		if loc, ok := ParseZone(s); ok && loc == nil {
			t.Errorf("ParseZone(%q) reported ok with a nil location", s)
		}
	})
}

func FuzzReadDate(f *testing.F) {
	for _, s := range []string{"04/18/2023", "18.04.2023", "5/14/22", "3rd Dec 2024", "Friday, Nov 4th", "2024-02-30", "99/12/31 x"} {
		f.Add(s, uint8(DMY))
	}
	f.Fuzz(func(t *testing.T, s string, o uint8) {
		order := DateOrder(o % 4)
		r, err := ReadDate(s, order, 2024)
		if err != nil {
			return
		}
		if r.End <= 0 || r.End > len(s) {
			t.Fatalf("end %d outside 1..%d", r.End, len(s))
		}
		d := r.Date.Time()
		if d.Year() != r.Date.Year || d.Month() != r.Date.Month || d.Day() != r.Date.Day {
			t.Fatalf("%q read as %v, not a real date", s, r.Date)
		}
		if r.Ambiguous && OrderOf(s) != OrderUnknown {
			t.Fatalf("%q is ambiguous yet shows order %v", s, OrderOf(s))
		}
	})
}

// checkDate fails when d is not a real calendar date.
func checkDate(t *testing.T, in string, d Date) {
	t.Helper()
	tm := d.Time()
	if tm.Year() != d.Year || tm.Month() != d.Month || tm.Day() != d.Day || d.Year < minYear {
		t.Fatalf("%q read as %v, not a real date", in, d)
	}
}

func FuzzFindDate(f *testing.F) {
	for _, s := range []string{"Incident disclosure 2023-06-13", "Outage on March 3rd, 2024", "Failover (18/04/2023)", "INC-2024-001 x", "Outage on Friday, Nov 4th"} {
		f.Add(s, uint8(DMY), 2024)
	}
	f.Fuzz(func(t *testing.T, s string, o uint8, yearHint int) {
		if yearHint < 0 || yearHint > 9999 {
			return
		}
		r, at, ok := FindDate(s, DateOrder(o%4), yearHint)
		if !ok {
			return
		}
		if at < 0 || at+r.End > len(s) || r.End <= 0 {
			t.Fatalf("date at %d+%d outside %q", at, r.End, s)
		}
		checkDate(t, s, r.Date)
		if r.Ambiguous && r.Shows != OrderUnknown {
			t.Fatalf("%q is ambiguous yet shows order %v", s, r.Shows)
		}
	})
}

func FuzzNameDate(f *testing.F) {
	for _, s := range []string{"2024-03-01-db", "18-04-2023-checkout", "04-05-2023", "20240301", "03-15-db", "INC-2024-001", "2024_3_1"} {
		f.Add(s, uint8(MDY), 2024)
	}
	f.Fuzz(func(t *testing.T, s string, o uint8, yearHint int) {
		if yearHint < 0 || yearHint > 9999 {
			return
		}
		r, at, ok := NameDate(s, DateOrder(o%4), yearHint)
		if !ok {
			return
		}
		if at < 0 || r.End <= at || r.End > len(s) {
			t.Fatalf("date at %d..%d outside %q", at, r.End, s)
		}
		if !isDigit(s[at]) || !isDigit(s[r.End-1]) {
			t.Fatalf("date %q of %q does not start and end with a digit", s[at:r.End], s)
		}
		checkDate(t, s, r.Date)
	})
}

func FuzzReadFolderDate(f *testing.F) {
	for _, s := range []string{"2021-05", "postmortems/2024/10/03", "May2021", "incidents/2024-03-01-db", "2021-05-outages", "05-2021", "a//b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, dir string) {
		fd, ok := ReadFolderDate(dir)
		if !ok {
			if fd != (FolderDate{}) {
				t.Fatalf("%q: no date, but %+v", dir, fd)
			}
			return
		}
		if fd.Raw == "" || !strings.Contains(dir, fd.Raw) {
			t.Fatalf("%q: raw %q is not in the path", dir, fd.Raw)
		}
		switch {
		case fd.Month == 0 && fd.Day != 0, fd.Month < 0 || fd.Month > 12:
			t.Fatalf("%q: %+v", dir, fd)
		case fd.Day != 0:
			checkDate(t, dir, Date{fd.Year, fd.Month, fd.Day})
		default:
			checkDate(t, dir, Date{fd.Year, max(fd.Month, 1), 1})
		}
	})
}
