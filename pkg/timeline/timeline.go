// Package timeline turns the Timeline section of a postmortem into events
// with times normalised to UTC.
//
// Timelines come in many shapes: list items ("- 09:19 EEST — database ran
// out of connections"), paragraphs that start with a time, bold or code
// timestamps ("**14:02 UTC**: ..."), GFM tables whose first column is a
// time or a date and time, and dates on their own line or in a sub-heading
// that set the day for the times below them. A zone may be stated once in a
// preamble ("All times CET (UTC+01:00).") or in a table header ("Time
// (UTC)"), and an entry's own zone wins over it.
//
// Entries that give only a time of day take the incident date, or the date
// set by a date line above them, and later entries follow the previous one:
// each goes on the day that puts it within 12 hours of the previous entry,
// so a time more than 12 hours earlier is read as the next day (the
// midnight rollover), while a smaller step back is reported as out of
// order.
package timeline

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Event is one entry of a timeline.
type Event struct {
	// Time is the instant of the entry, in UTC; it is zero when the entry
	// has no usable time.
	Time time.Time
	// DateOnly reports that the entry gave a date but no time of day; Time
	// is then midnight of that date in the entry's zone.
	DateOnly bool
	// Text is the entry's description with the timestamp and the separator
	// after it removed, and Markdown kept as written.
	Text string
	// Raw is the whole entry as written, without its list marker or table
	// pipes.
	Raw string
	// Zone is the zone the time was read in, as written ("EEST", "+05:30",
	// "UTC") or inherited from a preamble, a table header or
	// Options.Location; it is empty when no zone is known. Zones whose
	// offset follows daylight saving time ("Pacific Time") are given as the
	// abbreviation in force at the entry's time ("PDT").
	Zone string
	// Kind marks the entry as a milestone of the incident.
	Kind Kind
	// Marked reports that Kind came from an explicit marker ("(detected)",
	// "[mitigated]", "**resolved**", a leading "Mitigated:") or a table's
	// kind column rather than from the words the text starts with.
	Marked bool
	// Line is the 1-based line of the entry in the file.
	Line int
}

// Problem is something wrong with a timeline, such as a time that does not
// exist or an entry out of order.
type Problem struct {
	// Line is the 1-based line in the file.
	Line int
	// Message says, in lower case, what is wrong and what was expected.
	Message string
}

// Options tells the parser what the timeline itself may leave out.
type Options struct {
	// Date is the incident date; only its year, month and day are used.
	// It is zero when unknown.
	Date time.Time
	// Location is the zone for entries when no zone is stated anywhere.
	// When nil, such entries are read as UTC and their Event.Zone is empty.
	Location *time.Location
}

// rollover is how far back a time-only entry may go before it is read as
// the next day.
const rollover = 12 * time.Hour

// Parse extracts events from the Markdown of a Timeline section: the text
// after the section's heading up to the next heading of the same or a
// higher level. firstLine is the 1-based line in the file of the first line
// of src. Events come in document order; problems are sorted by line and
// include those InOrder reports.
//
// Parse never fails: lines it cannot read become events with a zero Time
// or problems, and its work grows linearly with the size of src.
func Parse(src []byte, firstLine int, opts Options) ([]Event, []Problem) {
	p := parser{r: newResolver(opts), cont: -1, pend: -1}
	p.run(string(src), firstLine)
	return p.finish()
}

// ParseEntry parses one timeline entry as written in a front-matter
// `timeline:` list, such as "09:19 EEST — database ran out of connections"
// or "2024-03-01T09:19:00Z detected: connection pool exhausted". A time
// without a date takes opts.Date; with no date known the event's Time is
// zero and a problem says so. Line is copied to the event and the problem.
// To parse a whole list, with the midnight rollover and the order check,
// use ParseEntries.
func ParseEntry(s string, line int, opts Options) (Event, *Problem) {
	events, problems := ParseEntries([]string{s}, []int{line}, opts)
	if len(problems) > 0 {
		return events[0], &problems[0]
	}
	return events[0], nil
}

// ParseEntries parses a front-matter `timeline:` list, one event per entry
// in the same order, applying the same date, zone and midnight-rollover
// rules as Parse. lines[i] is the line of entries[i]; missing lines are 0.
// An entry that is only a date gives a DateOnly event and sets the date for
// the entries after it.
func ParseEntries(entries []string, lines []int, opts Options) ([]Event, []Problem) {
	r := newResolver(opts)
	events := make([]Event, 0, len(entries))
	for i, s := range entries {
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		s = strings.TrimSpace(s)
		sp := splitEntry(s, r.yearHint())
		ev := Event{Raw: s, Line: line}
		if sp.found {
			ev.Time, ev.DateOnly, ev.Zone = r.resolve(&sp.st, nil, line)
		}
		ev.Kind, ev.Marked, ev.Text = detectKind(sp.text)
		events = append(events, ev)
	}
	return events, sortProblems(append(r.problems, InOrder(events)...))
}

// ParseTimestamp parses a timestamp as found in the front-matter fields
// started, detected, mitigated and resolved: RFC 3339
// ("2024-03-01T09:19:00Z"), "2024-03-01 09:19", "2024-03-01 09:19 EEST",
// "2024-03-01T09:19", "March 1, 2024 9:19 AM", or a date alone
// ("2024-03-01", read as midnight). loc is used when no zone is written;
// nil means UTC. The result is in the zone it was written in, as a fixed
// offset named as written, or in loc.
func ParseTimestamp(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if loc == nil {
		loc = time.UTC
	}
	st, end, ok := scanStamp(s, 0, 0)
	if !ok || !st.hasDate || end != len(s) {
		return time.Time{}, fmt.Errorf("parse timestamp %q: expected a date and time such as 2024-03-01 09:19 EEST or 2024-03-01T09:19:00Z", s)
	}
	if st.bad != "" {
		return time.Time{}, fmt.Errorf("parse timestamp %q: %s", s, st.bad)
	}
	h, mi, sec, ns := 0, 0, 0, 0
	if st.hasTime {
		h, mi, sec, ns = st.hour, st.min, st.sec, st.nsec
	}
	if st.hasZone {
		loc = st.zone.location(st.year, st.month, st.day, h, mi)
	}
	return time.Date(st.year, st.month, st.day, h, mi, sec, ns, loc), nil
}

// Times holds the time of the first event of each milestone kind; a field
// is zero when no event of that kind has a time.
type Times struct {
	Started   time.Time
	Detected  time.Time
	Mitigated time.Time
	Resolved  time.Time
}

// Get returns the time of the milestone k, or zero for KindNone and
// unknown kinds.
func (t Times) Get(k Kind) time.Time {
	switch k {
	case KindStarted:
		return t.Started
	case KindDetected:
		return t.Detected
	case KindMitigated:
		return t.Mitigated
	case KindResolved:
		return t.Resolved
	}
	return time.Time{}
}

// field returns the field of t that holds milestone k, or nil.
func (t *Times) field(k Kind) *time.Time {
	switch k {
	case KindStarted:
		return &t.Started
	case KindDetected:
		return &t.Detected
	case KindMitigated:
		return &t.Mitigated
	case KindResolved:
		return &t.Resolved
	}
	return nil
}

// Milestones returns the time of the first event, in document order, of
// each milestone kind. Events without a time are skipped. An event whose
// kind is marked explicitly (Event.Marked) wins over one whose kind was
// read from its leading words, and an event with a full time wins over one
// with only a date.
func Milestones(events []Event) Times {
	var t Times
	var best [5]int
	for _, e := range events {
		f := t.field(e.Kind)
		if f == nil || e.Time.IsZero() {
			continue
		}
		rank := 1
		if !e.DateOnly {
			rank += 2
		}
		if e.Marked {
			rank++
		}
		if i := kindIndex(e.Kind); rank > best[i] {
			*f, best[i] = e.Time, rank
		}
	}
	return t
}

func kindIndex(k Kind) int {
	switch k {
	case KindStarted:
		return 1
	case KindDetected:
		return 2
	case KindMitigated:
		return 3
	case KindResolved:
		return 4
	}
	return 0
}

// InOrder reports events whose time goes back compared with the previous
// event that has a time. Events from Parse and ParseEntries have already
// had the midnight rollover applied, and those functions include these
// problems in their own; InOrder is for events assembled another way. An
// event with only a date is out of order when the whole of its day comes
// before the previous event.
func InOrder(events []Event) []Problem {
	var problems []Problem
	prev := -1
	for i := range events {
		e := &events[i]
		if e.Time.IsZero() {
			continue
		}
		if prev >= 0 {
			p := &events[prev]
			switch {
			case e.DateOnly && !e.Time.Add(24*time.Hour).After(p.Time):
				problems = append(problems, Problem{Line: e.Line, Message: fmt.Sprintf(
					"date is before the entry on line %d: expected entries in time order", p.Line)})
			case !e.DateOnly && e.Time.Before(p.Time):
				problems = append(problems, Problem{Line: e.Line, Message: fmt.Sprintf(
					"time is %s earlier than the entry on line %d: expected entries in time order",
					formatDuration(p.Time.Sub(e.Time)), p.Line)})
			}
		}
		prev = i
	}
	return problems
}

// formatDuration writes a duration the way a reader counts it: "20m",
// "3h5m", "1d2h".
func formatDuration(d time.Duration) string {
	if d < time.Second {
		return d.String()
	}
	var b strings.Builder
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h := d / time.Hour
	d -= h * time.Hour
	m := d / time.Minute
	d -= m * time.Minute
	s := d / time.Second
	for _, part := range [...]struct {
		n    time.Duration
		unit string
	}{{days, "d"}, {h, "h"}, {m, "m"}, {s, "s"}} {
		if part.n > 0 {
			fmt.Fprintf(&b, "%d%s", part.n, part.unit)
		}
	}
	return b.String()
}

func sortProblems(problems []Problem) []Problem {
	slices.SortStableFunc(problems, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
	return problems
}

// ymd is a calendar date.
type ymd struct {
	y int
	m time.Month
	d int
}

// resolver turns timestamps into instants, carrying the date, the zone and
// the previous time from one entry to the next.
type resolver struct {
	def         zone // the zone from Options.Location, or UTC
	opt         ymd  // the incident date
	hasOpt      bool
	dateLine    ymd // the date set by the latest date line or date-only entry
	hasDateLine bool
	fresh       bool // no timed entry has come since that date line
	prev        time.Time
	hasPrev     bool
	lastZone    zone // the latest zone an entry wrote itself
	hasLastZone bool
	aliases     []zone // abbreviations whose offset a preamble stated
	problems    []Problem
	noDate      bool // a time without a date has been reported
}

func newResolver(opts Options) resolver {
	r := resolver{def: utcZone}
	if opts.Location != nil {
		r.def = zone{rule: ruleLoc, loc: opts.Location}
	}
	if !opts.Date.IsZero() {
		y, m, d := opts.Date.Date()
		r.opt, r.hasOpt = ymd{y, m, d}, true
	}
	return r
}

func (r *resolver) problem(line int, msg string) {
	r.problems = append(r.problems, Problem{Line: line, Message: msg})
}

// yearHint is the year for dates written without one.
func (r *resolver) yearHint() int {
	switch {
	case r.hasDateLine:
		return r.dateLine.y
	case r.hasPrev:
		return r.prev.Year()
	case r.hasOpt:
		return r.opt.y
	}
	return 0
}

// alias records a zone a preamble stated, so that entries writing the same
// abbreviation use the preamble's offset.
func (r *resolver) alias(z zone) {
	if !z.abbr {
		return
	}
	for i := range r.aliases {
		if r.aliases[i].name == z.name {
			r.aliases[i] = z
			return
		}
	}
	r.aliases = append(r.aliases, z)
}

// zoneFor picks the zone of an entry: its own, else the section's (ctx),
// else the zone the latest entry wrote, else the default.
func (r *resolver) zoneFor(st *stamp, ctx *zone) zone {
	if st.hasZone {
		z := st.zone
		if z.abbr {
			for _, a := range r.aliases {
				if a.name == z.name {
					z = a
					break
				}
			}
		}
		r.lastZone, r.hasLastZone = z, true
		return z
	}
	if ctx != nil {
		return *ctx
	}
	if r.hasLastZone {
		return r.lastZone
	}
	return r.def
}

// resolve returns the instant of a timestamp, whether it had only a date,
// and the zone's name. It reports unusable timestamps as problems and
// returns a zero time for them.
func (r *resolver) resolve(st *stamp, ctx *zone, line int) (time.Time, bool, string) {
	if st.bad != "" {
		r.problem(line, st.bad)
		return time.Time{}, false, ""
	}
	z := r.zoneFor(st, ctx)
	switch {
	case st.hasDate && st.hasTime:
		t, name := z.at(st.year, st.month, st.day, st.hour, st.min, st.sec, st.nsec)
		r.prev, r.hasPrev, r.fresh = t, true, false
		return t, false, name
	case st.hasDate:
		t, name := z.at(st.year, st.month, st.day, 0, 0, 0, 0)
		r.dateLine, r.hasDateLine, r.fresh = ymd{st.year, st.month, st.day}, true, true
		return t, true, name
	case st.hasTime:
		t, name := r.timeOnly(st, z, line)
		return t, false, name
	}
	return time.Time{}, false, ""
}

// timeOnly places a time of day on a date. Right after a date line the
// time takes that date. Otherwise it goes on the day that puts it nearest
// the previous entry, from 12 hours before it to just under 12 hours after:
// a time more than 12 hours earlier is the next day (the midnight
// rollover). If that still goes back, the incident date (or the latest date
// line) is tried, which covers timelines whose first entries carry a date
// from the day before the incident; failing that the step back stays for
// InOrder to report.
func (r *resolver) timeOnly(st *stamp, z zone, line int) (time.Time, string) {
	at := func(d ymd) (time.Time, string) {
		return z.at(d.y, d.m, d.d, st.hour, st.min, st.sec, st.nsec)
	}
	var t time.Time
	var name string
	switch {
	case r.hasDateLine && (r.fresh || !r.hasPrev):
		t, name = at(r.dateLine)
	case r.hasPrev:
		y, m, d := z.dateOf(r.prev)
		t, name = at(ymd{y, m, d})
		switch {
		case t.Before(r.prev.Add(-rollover)):
			t, name = at(ymd{y, m, d + 1})
		case !t.Before(r.prev.Add(rollover)):
			t, name = at(ymd{y, m, d - 1})
		}
		if t.Before(r.prev) {
			base, ok := r.dateLine, r.hasDateLine
			if !ok {
				base, ok = r.opt, r.hasOpt
			}
			if ok {
				if o, on := at(base); !o.Before(r.prev) && o.Sub(r.prev) < 24*time.Hour {
					t, name = o, on
				}
			}
		}
	case r.hasOpt:
		t, name = at(r.opt)
	default:
		if !r.noDate {
			r.noDate = true
			r.problem(line, fmt.Sprintf("time %02d:%02d has no date: expected an incident date or a date line before it", st.hour, st.min))
		}
		return time.Time{}, ""
	}
	r.prev, r.hasPrev, r.fresh = t, true, false
	return t, name
}
