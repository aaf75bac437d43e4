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
	"bytes"
	"cmp"
	"errors"
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
	// is then midnight UTC of that date as written, so that the entry stays
	// on its day whatever the zone.
	DateOnly bool
	// Approximate reports a time written as approximate ("~19:00",
	// "15:00ish", "around 14:10", "circa 9am") or under a heading that says
	// all times are ("Timeline (all times PST, approximate)").
	Approximate bool
	// End is the end of a time range ("02:00-04:30"), in UTC; zero when
	// the entry gave none or its end is not known ("12:26-12:??").
	End time.Time
	// Part is the index in Result.Parts of the incident the entry belongs
	// to, for a timeline that reports several; 0 otherwise.
	Part int
	// Text is the entry's description with the timestamp and the separator
	// after it removed, and Markdown kept as written. The lines and
	// sub-bullets below a timed entry are part of its text.
	Text string
	// Raw is the whole entry as written, without its list marker or table
	// pipes.
	Raw string
	// Zone is the zone the time was read in, as written ("EEST", "+05:30",
	// "UTC") or inherited from a preamble, a heading, a table header or
	// Options.Location; it is empty when no zone is known. Zones whose
	// offset follows daylight saving time ("Pacific Time") are given as the
	// abbreviation in force at the entry's time ("PDT").
	Zone string
	// Kind marks the entry as a milestone of the incident.
	Kind Kind
	// Marked reports that Kind came from an explicit marker ("(detected)",
	// "[mitigated]", "**resolved**", a leading "Mitigated:") or a table's
	// kind column rather than from the words of the text.
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
	// Heading is the text of the section's heading ("Timeline (all times
	// PST, approximate)"): a zone in it applies to the whole section, as a
	// preamble's does, and "approximate" marks every time approximate.
	Heading string
	// Start is the start of the incident when known from elsewhere (the
	// front matter); relative times ("T+0:20") count from it, else from
	// the first entry with an absolute time.
	Start time.Time
	// DateOrder reads numeric dates that read both ways (04/05/2023) when
	// the timeline's own dates do not decide (see DateOrder); OrderUnknown
	// reads them month first. DateOrderFrom says where it came from, for
	// the warning such a date gets ("the repository's other postmortems",
	// "date_order in inquest.yaml").
	DateOrder     DateOrder
	DateOrderFrom string
}

// Part is one incident of a timeline that reports several: a dated
// sub-heading with a title of its own ("### 2024-03-03 - Cache overload")
// starts one.
type Part struct {
	// Title is the heading's text after the date; "" for the entries
	// before the first such heading.
	Title string
	// Line is the line of the heading, or of the first entry.
	Line int
}

// Result is everything ParseSection reads from a Timeline section.
type Result struct {
	Events   []Event
	Problems []Problem
	// Parts lists the incidents of a timeline that reports several; it
	// is nil when the timeline reports one.
	Parts []Part
	// Votes counts the date orders the section's numeric dates show by
	// themselves (see OrderOf), for deciding a repository's order.
	Votes OrderVotes
	// Ambiguous counts the numeric dates that read both ways, and
	// AmbiguousOrder is the order they were read in; OwnOrder reports
	// that the section's own dates decided it.
	Ambiguous      int
	AmbiguousOrder DateOrder
	OwnOrder       bool
	// NewestFirst are the lines of the first entries of the parts written
	// newest first (a status page's updates), whose events are given
	// oldest first.
	NewestFirst []int
	// Notes say what was read from context and how, for the reader to
	// check: a numeric date that reads both ways, read as the day the
	// timeline is on. They are not problems.
	Notes []Problem
}

// rollover is how far back a time-only entry may go before it is read as
// the next day.
const rollover = 12 * time.Hour

// Parse extracts events from the Markdown of a Timeline section: the text
// after the section's heading up to the next heading of the same or a
// higher level. firstLine is the 1-based line in the file of the first line
// of src. Events come in document order; problems are sorted by line and
// include those InOrder reports. Parse is ParseSection without the
// section's parts and date-order figures.
//
// Parse never fails: lines it cannot read become events with a zero Time
// or problems, and its work grows linearly with the size of src.
func Parse(src []byte, firstLine int, opts Options) ([]Event, []Problem) {
	r := ParseSection(src, firstLine, opts)
	return r.Events, r.Problems
}

// ParseSection is Parse with everything it finds: the events and
// problems, the incidents of a timeline that reports several, and what its
// numeric dates say about the order of day and month.
func ParseSection(src []byte, firstLine int, opts Options) Result {
	p := newParser(opts, string(src))
	// Most lines of a timeline that are not blank are entries: one
	// allocation instead of a doubling series of copies of a large struct,
	// and not much more than the incident keeps.
	n := bytes.Count(src, []byte("\n")) - bytes.Count(src, []byte("\n\n")) + 1
	p.events, p.offs = make([]Event, 0, n), make([]int, 0, n)
	p.run(p.r.src, firstLine)
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
	p := newParser(opts, strings.Join(entries, "\n"))
	p.events = make([]Event, 0, len(entries))
	for i, s := range entries {
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		s = strings.TrimSpace(s)
		p.entry(s, splitEntry(s, p.r.yearHint()), line, 0, modeNone)
	}
	r := p.finish()
	return r.Events, r.Problems
}

// ParseTimestamp parses a timestamp as found in the front-matter fields
// started, detected, mitigated and resolved: RFC 3339
// ("2024-03-01T09:19:00Z"), "2024-03-01 09:19", "2024-03-01 09:19 EEST",
// "2024-03-01T09:19", "March 1, 2024 9:19 AM", or a date alone
// ("2024-03-01", read as midnight), or a numeric date that reads only one
// way ("18/04/2023 09:19"; "03/04/2023" is an error). loc is used when no
// zone is written; nil means UTC. The result is in the zone it was written
// in, as a fixed offset named as written, or in loc.
func ParseTimestamp(s string, loc *time.Location) (time.Time, error) {
	t, _, err := ParseTimestampIn(s, loc, OrderUnknown)
	return t, err
}

// ParseTimestampIn is ParseTimestamp with a numeric date that reads both
// ways read in order, and reported so (Ambiguous); with OrderUnknown such
// a date is an error (ErrBothWays), as in ParseTimestamp.
func ParseTimestampIn(s string, loc *time.Location, order DateOrder) (time.Time, DateReading, error) {
	s = strings.TrimSpace(s)
	if loc == nil {
		loc = time.UTC
	}
	st, end, ok := scanStamp(s, 0, 0)
	if !ok || !st.hasDate || end != len(s) {
		return time.Time{}, DateReading{}, fmt.Errorf("parse timestamp %q: expected a date and time such as 2024-03-01 09:19 EEST or 2024-03-01T09:19:00Z", s)
	}
	if st.bad != "" {
		return time.Time{}, DateReading{}, fmt.Errorf("parse timestamp %q: %s", s, st.bad)
	}
	r := DateReading{Date: Date{st.year, st.month, st.day}, End: end}
	if st.numeric && st.num.ambiguous(st.num.readings()) {
		if order == OrderUnknown {
			// A field of its own has no neighbours to decide the order.
			return time.Time{}, DateReading{}, fmt.Errorf("parse timestamp %q: date %s %w: write it as YYYY-MM-DD", s, st.num.raw, ErrBothWays)
		}
		r = reading(&st, end, order)
		st.year, st.month, st.day = r.Date.Year, r.Date.Month, r.Date.Day
	}
	h, mi, sec, ns := 0, 0, 0, 0
	if st.hasTime {
		h, mi, sec, ns = st.hour, st.min, st.sec, st.nsec
	}
	if st.hasZone {
		loc = st.zone.location(st.year, st.month, st.day, h, mi)
	}
	return time.Date(st.year, st.month, st.day, h, mi, sec, ns, loc), r, nil
}

// ErrBothWays is the error of a numeric date that is a real date with day
// or month first, read where no order was given.
var ErrBothWays = errors.New("reads both ways")

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
// read from its words, and an event with a full time wins over one with
// only a date. Milestones follow one another: an event whose kind was read
// from its words counts only from the previous milestone's time on, so
// that "restored the backup" an hour before anyone noticed is not the
// mitigation.
func Milestones(events []Event) Times {
	var t Times
	var floor time.Time
	for _, k := range [...]Kind{KindStarted, KindDetected, KindMitigated, KindResolved} {
		best := 0
		f := t.field(k)
		for _, e := range events {
			if e.Kind != k || e.Time.IsZero() {
				continue
			}
			if !e.Marked && !floor.IsZero() && e.Time.Before(floor) && !(e.DateOnly && !e.Time.Add(24*time.Hour).Before(floor)) {
				continue
			}
			rank := 1
			if !e.DateOnly {
				rank += 2
			}
			if e.Marked {
				rank++
			}
			if rank > best {
				*f, best = e.Time, rank
			}
		}
		if !f.IsZero() && f.After(floor) {
			floor = *f
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
// event of the same part that has a time. Events from Parse and
// ParseEntries have already had the midnight rollover applied, and those
// functions include these problems in their own; InOrder is for events
// assembled another way. An event with only a date, or one after such an
// event, is out of order when its day comes before the other's day.
func InOrder(events []Event) []Problem { return inOrder(events, nil) }

// inOrder is InOrder knowing, for each event, the offset east of UTC in
// seconds of the zone it was written in (offs[i]; all 0 when offs is nil),
// which gives the day an entry with a time was written on.
func inOrder(events []Event, offs []int) []Problem {
	day := func(i int) time.Time {
		e := &events[i]
		if e.DateOnly {
			return e.Time
		}
		off := 0
		if i < len(offs) {
			off = offs[i]
		}
		return e.Time.Add(time.Duration(off) * time.Second).Truncate(24 * time.Hour)
	}
	var problems []Problem
	prev := -1
	for i := range events {
		e := &events[i]
		if e.Time.IsZero() {
			continue
		}
		if prev >= 0 && events[prev].Part == e.Part {
			p := &events[prev]
			var back bool
			switch {
			case e.DateOnly || p.DateOnly:
				back = day(i).Before(day(prev))
			default:
				back = e.Time.Before(p.Time)
			}
			switch {
			case back && e.DateOnly:
				problems = append(problems, Problem{Line: e.Line, Message: fmt.Sprintf(
					"date is before the entry on line %d: expected entries in time order", p.Line)})
			case back && p.DateOnly:
				problems = append(problems, Problem{Line: e.Line, Message: fmt.Sprintf(
					"time is before the date on line %d: expected entries in time order", p.Line)})
			case back:
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

	start time.Time // what relative times count from; zero until known
	// startZone and startOff are the zone, and its offset, of the entry
	// start came from; "" and 0 for a start from Options or none. A
	// relative time is in its start's zone.
	startZone string
	startOff  int

	src       string // the whole section, read again to decide the date order
	order     DateOrder
	orderFrom string
	votes     OrderVotes
	scanned   bool      // own has been decided
	own       DateOrder // the order the section's own dates show
	ambiguous int
	ambOrder  DateOrder
	ambOwn    bool
	notes     []Problem
}

func newResolver(opts Options, src string) resolver {
	r := resolver{def: utcZone, src: src, order: opts.DateOrder, orderFrom: opts.DateOrderFrom}
	if opts.Location != nil {
		r.def = zone{rule: ruleLoc, loc: opts.Location}
	}
	if !opts.Date.IsZero() {
		y, m, d := opts.Date.Date()
		r.opt, r.hasOpt = ymd{y, m, d}, true
	}
	if !opts.Start.IsZero() {
		r.start = opts.Start.UTC()
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

// resolved is what a timestamp gives an event.
type resolved struct {
	t        time.Time
	dateOnly bool
	zone     string
	end      time.Time
	off      int // seconds east of UTC of the zone t was read in
	// pending reports a relative time whose start is not known yet.
	pending bool
}

// resolve returns what a timestamp gives its event. It reports unusable
// timestamps as problems and returns a zero time for them.
func (r *resolver) resolve(st *stamp, ctx *zone, line int) resolved {
	if st.bad != "" {
		r.problem(line, st.bad)
		return resolved{}
	}
	if st.warn != "" {
		r.problem(line, st.warn)
	}
	if st.hasRel {
		if r.start.IsZero() {
			return resolved{pending: true}
		}
		t := r.start.Add(st.rel)
		r.prev, r.hasPrev, r.fresh = t, true, false
		return resolved{t: t, zone: r.startZone, off: r.startOff}
	}
	if st.numeric {
		r.numericDate(st, line)
	}
	z := r.zoneFor(st, ctx)
	if st.hasWeekday {
		r.weekday(st, z, line)
	}
	var res resolved
	switch {
	case st.hasDate && st.hasTime:
		res.t, res.zone = z.at(st.year, st.month, st.day, st.hour, st.min, st.sec, st.nsec)
		r.prev, r.hasPrev, r.fresh = res.t, true, false
	case st.hasDate:
		_, res.zone = z.at(st.year, st.month, st.day, 0, 0, 0, 0)
		res.t, res.dateOnly = time.Date(st.year, st.month, st.day, 0, 0, 0, 0, time.UTC), true
		r.dateLine, r.hasDateLine, r.fresh = ymd{st.year, st.month, st.day}, true, true
		return res
	case st.hasTime:
		res.t, res.zone = r.timeOnly(st, z, line)
	default:
		return res
	}
	if res.t.IsZero() {
		return res
	}
	res.off = z.offsetAt(res.t)
	if r.start.IsZero() {
		r.start, r.startZone, r.startOff = res.t, res.zone, res.off
	}
	if st.hasEnd {
		y, m, d := z.dateOf(res.t)
		end, _ := z.at(y, m, d, st.endHour, st.endMin, 0, 0)
		if end.Before(res.t) {
			end, _ = z.at(y, m, d+1, st.endHour, st.endMin, 0, 0)
		}
		res.end = end
	}
	return res
}

// weekday checks a weekday written with a date, or places a time written
// with a weekday and no date on the first such day from the date the
// timeline has reached.
func (r *resolver) weekday(st *stamp, z zone, line int) {
	if st.hasDate {
		if wd := time.Date(st.year, st.month, st.day, 0, 0, 0, 0, time.UTC).Weekday(); wd != st.weekday {
			r.problem(line, fmt.Sprintf("%s is a %s, not a %s: the date was used", Date{st.year, st.month, st.day}, wd, st.weekday))
		}
		return
	}
	var ref ymd
	switch {
	case r.hasDateLine && (r.fresh || !r.hasPrev):
		ref = r.dateLine
	case r.hasPrev:
		y, m, d := z.dateOf(r.prev)
		ref = ymd{y, m, d}
	case r.hasOpt:
		ref = r.opt
	default:
		return
	}
	t := time.Date(ref.y, ref.m, ref.d, 0, 0, 0, 0, time.UTC)
	t = t.AddDate(0, 0, (int(st.weekday)-int(t.Weekday())+7)%7)
	st.year, st.month, st.day, st.hasDate = t.Year(), t.Month(), t.Day(), true
}

// numericDate counts the order a numeric date shows, or reads one that
// reads both ways in the order the section's dates show, else the one
// Options gave, else month first; the first such date in a section is
// reported with the reading used.
func (r *resolver) numericDate(st *stamp, line int) {
	n := &st.num
	rs := n.readings()
	if len(rs) == 1 {
		r.votes.Add(rs[0])
		return
	}
	if !n.ambiguous(rs) {
		return
	}
	if !r.scanned {
		r.scanned, r.own = true, scanOrder(r.src)
	}
	o, from, own := r.own, "as the other dates in this timeline show", true
	day := OrderUnknown
	if o == OrderUnknown {
		day = r.dayOrder(n, rs)
	}
	switch {
	case o != OrderUnknown:
	case day != OrderUnknown:
		// "03/11/2022 09:15" in a timeline on 3 November: the reading
		// that is the day the timeline is on, whatever the repository's
		// order; said in a note, as it is not a guess.
		d, used, _ := n.read(day)
		st.year, st.month, st.day = d.Year, d.Month, d.Day
		if len(r.notes) == 0 {
			r.notes = append(r.notes, Problem{Line: line, Message: fmt.Sprintf("date %s reads both ways: read %s, as %s, the day this timeline is on", n.raw, used.describe(), d)})
		}
		return
	case r.order != OrderUnknown:
		o, from, own = r.order, r.orderFrom, false
		if from == "" {
			from = "as configured"
		}
	case strings.Contains(n.raw, "."):
		// "3.11.2022": dates written with dots are written day first.
		o, from, own = DMY, "as dates written with dots are", false
	default:
		o, from, own = MDY, "by default (set date_order in inquest.yaml to choose)", false
	}
	d, used, _ := n.read(o)
	st.year, st.month, st.day = d.Year, d.Month, d.Day
	r.ambiguous++
	if r.ambiguous == 1 {
		r.ambOrder, r.ambOwn = used, own
		r.problem(line, fmt.Sprintf("date %s reads both ways: read %s, as %s, %s; later such dates in this timeline are read the same way",
			n.raw, used.describe(), d, from))
	}
}

// dayOrder is the one order in which n, a numeric date that reads both
// ways in the orders rs, is a day the timeline is on: the previous
// entry's or the day after (the timeline may cross midnight), the latest
// date line's, or the incident's date. OrderUnknown when no reading is,
// or more than one date is.
func (r *resolver) dayOrder(n *numDate, rs []DateOrder) DateOrder {
	var days []Date
	if r.hasPrev {
		p := r.prev.UTC()
		next := p.AddDate(0, 0, 1)
		days = append(days, Date{p.Year(), p.Month(), p.Day()}, Date{next.Year(), next.Month(), next.Day()})
	}
	if r.hasDateLine {
		days = append(days, Date{r.dateLine.y, r.dateLine.m, r.dateLine.d})
	}
	if r.hasOpt {
		days = append(days, Date{r.opt.y, r.opt.m, r.opt.d})
	}
	found, seen := OrderUnknown, Date{}
	for _, o := range rs {
		d, _ := n.reading(o)
		if !slices.Contains(days, d) {
			continue
		}
		if found != OrderUnknown && d != seen {
			return OrderUnknown
		}
		if found == OrderUnknown {
			found, seen = o, d
		}
	}
	return found
}

// scanOrder decides the date order from the numeric dates anywhere in s.
func scanOrder(s string) DateOrder {
	var v OrderVotes
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			continue
		}
		n := digitsAt(s, i)
		if (n == 1 || n == 2) && i+n < len(s) && (s[i+n] == '/' || s[i+n] == '-' || s[i+n] == '.') &&
			(i == 0 || !isAlnum(s[i-1]) && s[i-1] != '/' && s[i-1] != '-' && s[i-1] != '.' && s[i-1] != ':') {
			var st stamp
			// A leap year, so that a month and day without one ("2/29
			// 09:00") votes as it would in its own.
			if _, ok := scanNumericDate(s, i, 2000, &st); ok && st.numeric {
				v.Add(st.num.shows())
			}
		}
		i += n - 1
	}
	return v.Order()
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
