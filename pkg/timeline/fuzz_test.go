package timeline

import (
	"bytes"
	"testing"
	"time"
)

// checkInvariants parses src and checks what must hold for any input:
// lines stay within the section, times are UTC, and events without a time
// carry no zone.
func checkInvariants(t *testing.T, src []byte, first int) {
	t.Helper()
	events, problems := Parse(src, first, incident)
	last := first + bytes.Count(src, []byte("\n"))
	for _, e := range events {
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
