package timeline

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// parser walks the lines of a Timeline section, tracking the Markdown
// blocks they belong to.
type parser struct {
	r           resolver
	events      []Event
	preamble    zone // the zone a preamble line or heading stated
	hasPreamble bool
	approxAll   bool // the section's heading says all times are approximate
	tbl         table
	inTable     bool
	fence       string // the opening fence while inside a fenced code block
	inComment   bool   // inside a multi-line HTML comment
	cont        int    // the event continuation lines attach to, or -1
	contList    bool   // that event is a list item
	contIndent  int    // the indentation of that event's line
	blank       bool   // a blank line came after the last line of that event
	pend        int    // the event whose continuation is being collected, or -1
	text, raw   strings.Builder
	parts       []Part // parts[0] holds the entries before any part heading
	offs        []int  // the zone offset of each event, for inOrder
	off         int    // the zone offset of the event being made
	pending     []pendingRel
	// dated says, for each event, that its own line gave its date, and
	// hasDate is that of the event being made (see newestFirst).
	dated   []bool
	hasDate bool
	// orphan is a line of text that began no event and joined none, and
	// orphanLine its line: the text of a status page's update, whose
	// time is on the line below it ("**Resolved** - Fixed." then "May
	// 21, 15:40 UTC").
	orphan     string
	orphanLine int
	// fenced are the lines of the section's fenced code blocks, read as
	// its entries when nothing else is (readFenced).
	fenced []fencedLine
}

// fencedLine is a line of a fenced code block and its line number.
type fencedLine struct {
	text string
	n    int
}

// pendingRel is an event with a relative time read before the time it
// counts from was known.
type pendingRel struct {
	event int
	rel   time.Duration
	raw   string
	line  int
}

func newParser(opts Options, src string) *parser {
	p := &parser{r: newResolver(opts, src), cont: -1, pend: -1, parts: []Part{{}}}
	if opts.Heading != "" {
		if z, ok := findZone(opts.Heading, false); ok {
			p.setPreamble(z)
		}
		p.approxAll = strings.Contains(strings.ToLower(opts.Heading), "approx")
	}
	return p
}

// table is the state of a GFM table read from its header.
type table struct {
	zone    zone
	hasZone bool
	timeCol int
	kindCol int // -1 when there is no kind column
}

// zoneNotes are the openings of a line that states the zone of the
// timeline rather than an event ("All times in UTC", "Timezone: CET").
var zoneNotes = [...]string{
	"all times", "all timestamps", "times are", "times in", "timestamps are",
	"timestamps in", "time zone", "timezone", "note: all times",
}

// kindHeaders are table headers, lower-case, that name a column of
// milestone kinds.
var kindHeaders = map[string]bool{
	"kind": true, "type": true, "milestone": true, "phase": true,
	"event type": true, "stage": true,
}

func (p *parser) run(text string, firstLine int) {
	n := firstLine
	for pos := 0; pos < len(text); n++ {
		line, next := lineAt(text, pos)
		pos = next
		peek := ""
		if pos < len(text) {
			peek, _ = lineAt(text, pos)
		}
		if p.line(line, peek, n) {
			_, pos = lineAt(text, pos)
			n++
		}
	}
}

// lineAt returns the line starting at pos, without its line ending, and
// the position of the next line.
func lineAt(text string, pos int) (string, int) {
	end := strings.IndexByte(text[pos:], '\n')
	if end < 0 {
		return strings.TrimSuffix(text[pos:], "\r"), len(text)
	}
	return strings.TrimSuffix(text[pos:pos+end], "\r"), pos + end + 1
}

// line handles one line; it reports true when the next line, a table's
// delimiter row, has been consumed with it.
func (p *parser) line(raw, peek string, n int) bool {
	indent, content := indentOf(raw)
	content, quoted := stripQuote(content)
	if quoted {
		indent, content = indentOf(content)
	}
	if p.fence != "" {
		if isFenceClose(content, p.fence) {
			p.fence = ""
		} else if len(p.fenced) < maxFencedLines {
			p.fenced = append(p.fenced, fencedLine{strings.TrimSpace(raw), n})
		}
		return false
	}
	if p.inComment {
		if strings.Contains(content, "-->") {
			p.inComment = false
		}
		return false
	}
	if content == "" {
		p.blankLine()
		return false
	}
	if f := fenceOpen(content); f != "" {
		p.fence = f
		p.endCont()
		return false
	}
	if strings.HasPrefix(content, "<!--") {
		if !strings.Contains(content[4:], "-->") {
			p.inComment = true
		}
		return false
	}
	if h, ok := headingText(content); ok && indent < 4 {
		p.heading(h, n)
		return false
	}
	if p.inTable {
		if strings.IndexByte(content, '|') >= 0 {
			p.tableRow(content, n)
			return false
		}
		p.inTable = false
	}
	if strings.IndexByte(content, '|') >= 0 {
		if _, isItem := listItem(content); !isItem {
			_, pc := indentOf(peek)
			if pc, _ = stripQuote(pc); isDelimiterRow(pc) {
				p.tableHeader(content)
				return true
			}
			if content[0] == '|' {
				if !isDelimiterRow(content) {
					p.endCont()
					p.tbl, p.inTable = table{kindCol: -1}, true
					p.tableRow(content, n)
				}
				return false
			}
		}
	}
	if isThematicBreak(content) {
		p.endCont()
		return false
	}
	if item, ok := listItem(content); ok {
		p.listItem(item, content, indent, n)
		return false
	}
	p.plain(content, indent, n)
	return false
}

func (p *parser) blankLine() {
	p.blank = true
	p.inTable = false
	if !p.contList {
		p.cont = -1
	}
}

func (p *parser) endCont() { p.cont = -1 }

// ctxZone is the zone stated for the current part of the section.
func (p *parser) ctxZone() *zone {
	if p.inTable && p.tbl.hasZone {
		return &p.tbl.zone
	}
	if p.hasPreamble {
		return &p.preamble
	}
	return nil
}

func (p *parser) setPreamble(z zone) {
	p.preamble, p.hasPreamble = z, true
	p.r.alias(z)
}

// heading handles a heading inside the section: a date in it sets the date
// and a zone in it sets the zone. A date followed by a title ("2024-03-03 -
// Cache overload") starts a part: the timeline of another incident.
func (p *parser) heading(h string, n int) {
	p.endCont()
	p.inTable = false
	sp := splitEntry(h, p.r.yearHint())
	if sp.found && !sp.st.hasTime && !sp.st.hasRel {
		if sp.st.bad != "" || sp.st.hasDate {
			p.r.resolve(&sp.st, p.ctxZone(), n)
		}
		if sp.st.bad == "" && sp.st.hasDate && isPartTitle(sp.text) {
			// Relative times count from the start of their own incident.
			p.settlePending()
			p.r.start, p.r.startZone, p.r.startOff = time.Time{}, "", 0
			p.parts = append(p.parts, Part{Title: sp.text, Line: n})
		}
	}
	if z, ok := findZone(h, false); ok {
		p.setPreamble(z)
	}
}

// isPartTitle reports whether the text after a heading's date names an
// incident rather than a day or a phase of one ("Day 2", "(cont.)",
// "Detection", "Sunday evening", "all times UTC").
func isPartTitle(t string) bool {
	t = strings.Trim(t, " ()[]*_")
	if t == "" {
		return false
	}
	l := strings.ToLower(t)
	first, _, _ := strings.Cut(l, " ")
	first = strings.Trim(first, ",.:;-")
	if _, ok := weekdays[first]; ok || notPartWords[first] {
		return false
	}
	for _, w := range [...]string{"all times", "times in", "continued"} {
		if strings.HasPrefix(l, w) {
			return false
		}
	}
	_, ok := findZone(t, false)
	return !ok || strings.Contains(t, " ")
}

// notPartWords start the titles of days and phases of one incident,
// which a dated sub-heading may carry without starting another incident.
var notPartWords = map[string]bool{
	"day": true, "part": true, "cont": true, "contd": true, "continued": true, "morning": true,
	"afternoon": true, "evening": true, "night": true, "overnight": true, "detection": true,
	"response": true, "investigation": true, "escalation": true, "mitigation": true,
	"recovery": true, "resolution": true, "monitoring": true, "follow-up": true,
	"follow-ups": true, "followup": true, "aftermath": true, "cleanup": true, "clean-up": true,
	"impact": true, "timeline": true, "root": true, "triage": true, "postmortem": true,
	"post-mortem": true, "review": true, "utc": true, "gmt": true,
}

// dateLine sets the date for the entries after a line that is only a date.
func (p *parser) dateLine(sp split, n int) {
	p.endCont()
	p.r.resolve(&sp.st, p.ctxZone(), n)
}

// zonedDateLine reads a date alone followed by a note of the zone the
// times below it are in ("2023-03-14 (all times US/Pacific)"), as a date
// line and a preamble; false, reading nothing, for any other line.
func (p *parser) zonedDateLine(sp split, n int) bool {
	if !sp.found || sp.st.bad != "" || !sp.st.hasDate || sp.st.hasTime || sp.text == "" || !isZoneNote(sp.text) {
		return false
	}
	z, ok := findZone(sp.text, true)
	if !ok {
		return false
	}
	p.setPreamble(z)
	p.dateLine(sp, n)
	return true
}

func (p *parser) listItem(item, content string, indent, n int) {
	if item == "" {
		return
	}
	sp := splitEntry(item, p.r.yearHint())
	if sp.isDateLine() {
		p.dateLine(sp, n)
		return
	}
	if p.zonedDateLine(sp, n) {
		return
	}
	if !sp.found {
		if p.isChild(indent) {
			p.appendCont(content)
			return
		}
		if isZoneNote(item) {
			if z, ok := findZone(item, true); ok {
				p.setPreamble(z)
				p.endCont()
				return
			}
		}
	}
	p.entry(item, sp, n, indent, modeList)
}

// isChild reports whether a line indented by indent, without a time of
// its own, belongs to the current event: a sub-bullet or paragraph under a
// list item, or a sub-bullet right below a timed paragraph line.
func (p *parser) isChild(indent int) bool {
	return p.cont >= 0 && indent > p.contIndent && indent >= 2 && (p.contList || !p.blank)
}

// plain handles a line that is neither a list item nor a table row.
func (p *parser) plain(content string, indent, n int) {
	if p.cont >= 0 && p.contList && indent >= 2 && indent > p.contIndent {
		sp := splitEntry(content, p.r.yearHint())
		switch {
		case sp.isDateLine():
			p.dateLine(sp, n)
		case sp.found:
			p.entry(content, sp, n, indent, modeList)
		default:
			p.appendCont(content)
		}
		return
	}
	if indent >= 4 && p.cont < 0 {
		return // an indented code block
	}
	sp := splitEntry(content, p.r.yearHint())
	if sp.found {
		switch {
		case sp.isDateLine():
			p.dateLine(sp, n)
		case p.zonedDateLine(sp, n):
		default:
			p.entry(content, sp, n, indent, modeLazy)
		}
		return
	}
	if isZoneNote(content) {
		if z, ok := findZone(content, true); ok {
			p.setPreamble(z)
			p.endCont()
			return
		}
	}
	if p.cont >= 0 && !p.blank {
		p.appendCont(content)
		return
	}
	if z, ok := findZone(content, true); ok {
		p.setPreamble(z)
	} else {
		p.orphan, p.orphanLine = content, n
	}
	p.endCont()
}

// entry adds the event for a list item or a timestamped line.
func (p *parser) entry(raw string, sp split, n, indent int, mode int) {
	ev := Event{Raw: raw, Line: n}
	if sp.found {
		p.stamp(&ev, &sp.st, n)
	}
	text := sp.text
	if text == "" && p.orphanLine == n-1 && p.orphan != "" && n > 1 {
		// A time alone under a line of text: that line is its text.
		text, p.orphan = p.orphan, ""
	}
	ev.Kind, ev.Marked, ev.Text = detectKind(text)
	p.add(ev, mode, indent)
}

// stamp gives ev the time of its timestamp.
func (p *parser) stamp(ev *Event, st *stamp, n int) {
	res := p.r.resolve(st, p.ctxZone(), n)
	ev.Time, ev.DateOnly, ev.Zone, ev.End = res.t, res.dateOnly, res.zone, res.end
	p.off, p.hasDate = res.off, st.hasDate
	ev.Approximate = (st.approx || p.approxAll) && !res.t.IsZero()
	if res.pending {
		p.pending = append(p.pending, pendingRel{event: len(p.events), rel: st.rel, raw: st.raw, line: n})
	}
}

// Ways an event takes continuation lines.
const (
	modeNone = iota // a table row: none
	modeLazy        // a paragraph line: the lines right below it
	modeList        // a list item: its indented lines, even after a blank line
)

func (p *parser) add(ev Event, mode, indent int) {
	p.flush()
	ev.Part = len(p.parts) - 1
	p.events = append(p.events, ev)
	p.offs = append(p.offs, p.off)
	p.dated = append(p.dated, p.hasDate)
	p.off, p.hasDate = 0, false
	p.cont, p.contList, p.contIndent, p.blank = len(p.events)-1, mode == modeList, indent, false
	if mode == modeNone {
		p.cont = -1
	}
}

// appendCont adds a continuation line to the current event. The lines are
// collected in builders and stored once the event is complete, so that a
// long run of them costs linear time.
func (p *parser) appendCont(line string) {
	if p.pend != p.cont {
		p.flush()
		p.pend = p.cont
		e := &p.events[p.cont]
		p.text.WriteString(e.Text)
		p.raw.WriteString(e.Raw)
	}
	if p.text.Len() > 0 {
		p.text.WriteByte('\n')
	}
	p.text.WriteString(line)
	p.raw.WriteByte('\n')
	p.raw.WriteString(line)
	p.blank = false
}

func (p *parser) flush() {
	if p.pend < 0 {
		return
	}
	e := &p.events[p.pend]
	e.Text, e.Raw = p.text.String(), p.raw.String()
	p.text.Reset()
	p.raw.Reset()
	p.pend = -1
}

// settlePending gives the relative times read before their start was
// known their instants, now that it is, or reports them.
func (p *parser) settlePending() {
	for _, pr := range p.pending {
		e := &p.events[pr.event]
		if p.r.start.IsZero() {
			p.r.problem(pr.line, fmt.Sprintf("relative time %s has no start to count from: expected a started time or an entry with a date and time", pr.raw))
			continue
		}
		e.Time = p.r.start.Add(pr.rel)
		e.Zone, p.offs[pr.event] = p.r.startZone, p.r.startOff
		e.Approximate = e.Approximate || p.approxAll
	}
	p.pending = p.pending[:0]
}

func (p *parser) finish() Result {
	p.flush()
	p.readFenced()
	p.settlePending()
	res := Result{Events: p.events, Votes: p.r.votes, Ambiguous: p.r.ambiguous, AmbiguousOrder: p.r.ambOrder, OwnOrder: p.r.ambOwn}
	res.NewestFirst = p.newestFirst()
	res.Notes = p.r.notes
	p.splitParts(&res)
	res.Problems = sortProblems(append(p.r.problems, inOrder(p.events, p.offs)...))
	return res
}

// maxFencedLines bounds the lines of code blocks a section keeps for
// readFenced.
const maxFencedLines = 2000

// readFenced reads the lines of the section's code blocks as its entries
// when nothing outside them is one and at least two, and half of those
// that are not blank, start with a time: a timeline pasted as a block of
// log lines ("2022-08-01 14:02 deploy of cache-warmer 2.1").
func (p *parser) readFenced() {
	if len(p.events) > 0 || len(p.fenced) < 2 {
		return
	}
	timed, lines := 0, 0
	for _, l := range p.fenced {
		if l.text == "" {
			continue
		}
		lines++
		if sp := splitEntry(l.text, p.r.yearHint()); sp.found {
			timed++
		}
	}
	if timed < 2 || 2*timed < lines {
		return
	}
	// Split again, in order: a date line in the block gives the year of
	// the entries after it (yearHint).
	for _, l := range p.fenced {
		if l.text == "" {
			continue
		}
		sp := splitEntry(l.text, p.r.yearHint())
		switch {
		case !sp.found:
		case sp.isDateLine():
			p.dateLine(sp, l.n)
		default:
			p.entry(l.text, sp, l.n, 0, modeNone)
		}
	}
}

// newestFirst puts back in time order the events of each part written
// newest first, as a status page lists its updates: three or more events
// with times, each dated on its own line and each earlier than the one
// before. It returns the lines of the first events of the parts it turned.
func (p *parser) newestFirst() []int {
	var lines []int
	for start := 0; start < len(p.events); {
		end := start
		for end < len(p.events) && p.events[end].Part == p.events[start].Part {
			end++
		}
		var timed []int
		down := true
		for i := start; i < end && down; i++ {
			e := &p.events[i]
			if e.Time.IsZero() {
				continue
			}
			if e.DateOnly || i >= len(p.dated) || !p.dated[i] {
				down = false
				break
			}
			if k := len(timed); k > 0 && !e.Time.Before(p.events[timed[k-1]].Time) {
				down = false
			}
			timed = append(timed, i)
		}
		if down && len(timed) >= 3 {
			lines = append(lines, p.events[timed[0]].Line)
			slices.Reverse(p.events[start:end])
			slices.Reverse(p.offs[start:end])
			slices.Reverse(p.dated[start:end])
		}
		start = end
	}
	return lines
}

// splitParts keeps the parts that have entries; a timeline with one part
// left has none.
func (p *parser) splitParts(res *Result) {
	if len(p.parts) == 1 {
		return
	}
	used := make([]int, len(p.parts))
	for _, e := range p.events {
		used[e.Part]++
	}
	index := make([]int, len(p.parts))
	var parts []Part
	for i, pt := range p.parts {
		if used[i] == 0 {
			continue
		}
		index[i] = len(parts)
		if pt.Line == 0 {
			for _, e := range p.events {
				if e.Part == i {
					pt.Line = e.Line
					break
				}
			}
		}
		parts = append(parts, pt)
	}
	if len(parts) == 0 || len(parts)-btoi(parts[0].Title == "") < 2 {
		// One dated heading with a title is a date anchor, not an
		// incident of its own.
		for i := range p.events {
			p.events[i].Part = 0
		}
		return
	}
	for i := range p.events {
		p.events[i].Part = index[p.events[i].Part]
	}
	res.Parts = parts
}

// tableHeader reads a table's header row: which column holds the time,
// which holds milestone kinds, and any zone the headers name.
func (p *parser) tableHeader(content string) {
	p.endCont()
	p.tbl, p.inTable = table{kindCol: -1}, true
	timeFound := false
	for i, c := range splitCells(content) {
		l := strings.ToLower(c)
		if !timeFound && (strings.Contains(l, "time") || strings.Contains(l, "date") || strings.Contains(l, "when")) {
			p.tbl.timeCol, timeFound = i, true
		} else if p.tbl.kindCol < 0 && kindHeaders[strings.Trim(l, " *_`")] {
			p.tbl.kindCol = i
		}
		if !p.tbl.hasZone {
			if z, ok := findZone(c, false); ok {
				p.tbl.zone, p.tbl.hasZone = z, true
			}
		}
	}
}

// tableRow reads one row: the time column gives the timestamp (joined with
// the next cell when that holds the time of day for a date), and the other
// cells, joined with " — ", give the text.
func (p *parser) tableRow(content string, n int) {
	if isDelimiterRow(content) {
		return
	}
	t := p.tbl
	cells := splitCells(content)
	var sp split
	joined := -1
	if c := t.timeCol + 1; t.timeCol < len(cells) && cells[t.timeCol] == "" && c < len(cells) && c != t.kindCol {
		// "| | 10:45 | error rate normal |": a row that leaves the date
		// to the rows above gives its time of day in the next column.
		if tp := splitEntry(cells[c], p.r.yearHint()); tp.found && tp.text == "" && !tp.st.hasDate && tp.st.hasTime {
			sp, joined = tp, c
		}
	} else if t.timeCol < len(cells) {
		sp = splitEntry(cells[t.timeCol], p.r.yearHint())
		if c := t.timeCol + 1; sp.isDateLine() && !sp.st.unknownTime && c < len(cells) && c != t.kindCol {
			tp := splitEntry(cells[c], p.r.yearHint())
			if tp.found && tp.text == "" && !tp.st.hasDate && (tp.st.hasTime || tp.st.unknownTime || tp.st.bad != "") {
				sp.st.hour, sp.st.min, sp.st.sec, sp.st.nsec = tp.st.hour, tp.st.min, tp.st.sec, tp.st.nsec
				sp.st.hasTime, sp.st.unknownTime, sp.st.bad = tp.st.hasTime, tp.st.unknownTime, tp.st.bad
				sp.st.zone, sp.st.hasZone = tp.st.zone, tp.st.hasZone
				joined = c
			}
		}
	}
	parts := make([]string, 0, len(cells))
	for i, c := range cells {
		if i == t.kindCol || i == joined {
			continue
		}
		if i == t.timeCol && sp.found {
			c = sp.text
		}
		if c != "" {
			parts = append(parts, c)
		}
	}
	if len(parts) == 0 {
		if sp.isDateLine() {
			p.dateLine(sp, n)
		} else if sp.found && sp.st.bad != "" {
			p.r.problem(n, sp.st.bad)
		}
		return
	}
	ev := Event{Raw: trimPipes(content), Line: n}
	if sp.found {
		p.stamp(&ev, &sp.st, n)
	}
	ev.Kind, ev.Marked, ev.Text = detectKind(strings.Join(parts, " \u2014 "))
	for i := 1; ev.Kind == KindNone && i < len(parts); i++ {
		// The text of a row often starts with a who column; the leading
		// words of each cell count.
		ev.Kind = leadingKind(parts[i])
	}
	if t.kindCol >= 0 && t.kindCol < len(cells) {
		if k := kindFromCell(cells[t.kindCol]); k != KindNone {
			ev.Kind, ev.Marked = k, true
		}
	}
	p.add(ev, modeNone, 0)
}

// splitCells splits a table row on its unescaped pipes and trims the cells.
func splitCells(row string) []string {
	s := trimPipes(row)
	cells := make([]string, 0, 4)
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '|':
			cells = append(cells, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	return append(cells, strings.TrimSpace(s[start:]))
}

// trimPipes removes a row's outer pipes and surrounding space.
func trimPipes(row string) string {
	s := strings.TrimSpace(row)
	s = strings.TrimPrefix(s, "|")
	if strings.HasSuffix(s, "|") && !strings.HasSuffix(s, "\\|") {
		s = s[:len(s)-1]
	}
	return strings.TrimSpace(s)
}

// isDelimiterRow reports whether s is a table's delimiter row, such as
// "|---|:--:|".
func isDelimiterRow(s string) bool {
	s = strings.TrimSpace(s)
	if strings.IndexByte(s, '|') < 0 || strings.IndexByte(s, '-') < 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '|', ':', '-', ' ', '\t':
		default:
			return false
		}
	}
	return true
}

// indentOf returns the indentation width of a line, counting a tab as four
// columns, and the line with surrounding space removed.
func indentOf(s string) (int, string) {
	w, i := 0, 0
	for ; i < len(s); i++ {
		switch s[i] {
		case ' ':
			w++
		case '\t':
			w += 4
		default:
			return w, strings.TrimRight(s[i:], " \t")
		}
	}
	return w, ""
}

// stripQuote removes blockquote markers from the start of a line.
func stripQuote(s string) (string, bool) {
	quoted := false
	for strings.HasPrefix(s, ">") {
		s = strings.TrimLeft(s[1:], " \t")
		quoted = true
	}
	return s, quoted
}

// headingText returns the text of an ATX heading line.
func headingText(s string) (string, bool) {
	n := 0
	for n < len(s) && s[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(s) && s[n] != ' ' && s[n] != '\t') {
		return "", false
	}
	h := strings.TrimSpace(s[n:])
	if t := strings.TrimRight(h, "#"); t != h && (t == "" || t[len(t)-1] == ' ' || t[len(t)-1] == '\t') {
		h = strings.TrimSpace(t)
	}
	return h, true
}

// listItem returns the text of a list item line without its marker and any
// task-list box, and whether the line is a list item.
func listItem(s string) (string, bool) {
	var rest string
	switch {
	case strings.HasPrefix(s, "\u2022"):
		// A bullet pasted from a document or a chat.
		rest = s[len("\u2022"):]
		if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
			return "", false
		}
	case s[0] == '-' || s[0] == '*' || s[0] == '+':
		if len(s) > 1 && s[1] != ' ' && s[1] != '\t' {
			return "", false
		}
		rest = s[1:]
	default:
		d := digitsAt(s, 0)
		if d == 0 || d > 9 || d >= len(s) || (s[d] != '.' && s[d] != ')') {
			return "", false
		}
		if d+1 < len(s) && s[d+1] != ' ' && s[d+1] != '\t' {
			return "", false
		}
		rest = s[d+1:]
	}
	rest = strings.TrimSpace(rest)
	if len(rest) >= 3 && rest[0] == '[' && rest[2] == ']' && (rest[1] == ' ' || rest[1] == 'x' || rest[1] == 'X') &&
		(len(rest) == 3 || rest[3] == ' ' || rest[3] == '\t') {
		rest = strings.TrimSpace(rest[3:])
	}
	return rest, true
}

// isThematicBreak reports whether s is a thematic break ("---", "* * *")
// or a setext heading underline ("===").
func isThematicBreak(s string) bool {
	c := s[0]
	if c != '-' && c != '*' && c != '_' && c != '=' {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case c:
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3 || c == '='
}

// fenceOpen returns the fence that opens a fenced code block, or "".
func fenceOpen(s string) string {
	if !strings.HasPrefix(s, "```") && !strings.HasPrefix(s, "~~~") {
		return ""
	}
	n := 0
	for n < len(s) && s[n] == s[0] {
		n++
	}
	if s[0] == '`' && strings.IndexByte(s[n:], '`') >= 0 {
		return "" // inline code, not a fence
	}
	return s[:n]
}

// isFenceClose reports whether s closes a code block opened by fence.
func isFenceClose(s, fence string) bool {
	n := 0
	for n < len(s) && s[n] == fence[0] {
		n++
	}
	return n >= len(fence) && strings.TrimSpace(s[n:]) == ""
}

func isZoneNote(s string) bool {
	s = strings.TrimLeft(s, "(*_>[ \t")
	for _, z := range zoneNotes {
		if hasPrefixFold(s, z) {
			return true
		}
	}
	return false
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
