package postmortem

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/timeline"
)

// MaxFileSize is the largest postmortem inquest reads; larger files are
// reported and skipped.
const MaxFileSize = 4 << 20

// Parser turns file contents into incidents using one configuration. It is
// safe for concurrent use.
type Parser struct {
	cfg *config.Config
	loc *time.Location
	// fields maps a normalised front-matter key to its canonical field.
	fields map[string]string
	// seed, when set, receives the front-matter entries of every file
	// parsed (see FieldsCache.SeedingParser).
	seed *FieldsCache
	// tmpl is the repository's postmortem template (see Template).
	tmpl *Template
	// text reads summaries.
	text *TextReader
	// order reads numeric dates that read both ways when a file's own
	// dates do not decide; orderFrom says where it came from.
	order     timeline.DateOrder
	orderFrom string
}

// Where a parser's date order comes from, as the warning on an ambiguous
// date says it.
const (
	orderFromConfig     = "as date_order in inquest.yaml says"
	orderFromRepository = "as the repository's other postmortems show"
)

// WithDateOrder returns a copy of p that reads numeric dates that read
// both ways in order o, the order a repository's postmortems show (see
// DateOrder), when a file's own dates do not decide. OrderUnknown gives p.
func (p *Parser) WithDateOrder(o timeline.DateOrder) *Parser {
	if o == timeline.OrderUnknown {
		return p
	}
	q := *p
	q.order, q.orderFrom, q.seed = o, orderFromRepository, nil
	return &q
}

// NewParser returns a parser for a configuration. It reads the postmortem
// template of the repository the configuration was loaded from (see
// LoadTemplate).
func NewParser(cfg *config.Config) *Parser {
	p := &Parser{cfg: cfg, loc: time.UTC, fields: map[string]string{}, tmpl: LoadTemplate(cfg.Dir), text: NewTextReader()}
	if loc, ok := timeline.ParseZone(cfg.Timezone); ok {
		p.loc = loc
	} else if loc, err := time.LoadLocation(cfg.Timezone); err == nil {
		p.loc = loc
	}
	if o, err := timeline.ParseDateOrder(cfg.DateOrder); err == nil && o != timeline.OrderUnknown {
		p.order, p.orderFrom = o, orderFromConfig
	}
	for _, f := range config.FieldNames() {
		p.fields[f] = f
	}
	for f, names := range cfg.Aliases {
		for _, n := range names {
			p.fields[normalizeKey(n)] = f
		}
	}
	return p
}

// Parse reads one postmortem. rel is its repository-relative slash path.
// Parse never fails: every problem becomes a Finding on the incident, and an
// incident that could not be read at all has Broken set.
func (p *Parser) Parse(rel string, content []byte) *Incident {
	inc := &Incident{Source: rel, Extra: map[string]any{}, FieldLines: map[string]int{}, BodyLine: 1}
	var addf addFunc = func(line int, level, rule, format string, args ...any) {
		inc.Findings = append(inc.Findings, Finding{File: rel, Line: line, Level: level, Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	if inc.Broken = unreadable(content, addf); inc.Broken {
		inc.ID = sanitizeID(idFromFileName(rel))
		inc.Title = path.Base(rel)
		return inc
	}
	content = Normalize(content)
	fm, body, bodyLine, err := SplitFrontMatter(content)
	// Before applyFrontMatter reads fm: Fields sees it as split.
	inc.fields = p.fieldsOf(fm)
	if p.seed != nil {
		p.seed.seed(content, fm)
	}
	if err != nil {
		for _, e := range unjoin(err) {
			if se, ok := e.(*SyntaxError); ok {
				addf(se.Line, LevelError, "front-matter", "%s", se.Msg)
			} else {
				addf(1, LevelError, "front-matter", "%v", e)
			}
		}
		if fm.Format != "" && len(fm.Values) == 0 {
			inc.Broken = true
		}
	}
	// The one copy of the body an incident keeps: Body and the sections'
	// texts share it, and the file as read is not kept.
	text := string(body)
	body = readOnlyBytes(text)
	inc.Body, inc.BodyLine = body, bodyLine
	secs, hs := splitSections(body, text, bodyLine)
	inc.Sections = secs

	p.applyFrontMatter(inc, fm, addf)
	// Then what the body states: key lines, a Severity section. Not when
	// the front matter is broken: its lines would be read as the body's.
	var later []bodyField
	if err == nil {
		later = p.applyBody(inc, p.bodyMetadata(body, bodyLine, secs, hs), addf)
	}
	var infer inferFunc = func(field, value string, line int, from, key string) {
		inc.Inferred = append(inc.Inferred, Inference{Field: field, Value: value, Line: line, From: from, Key: key})
	}

	inferIdentity(inc, rel, hs, bodyLine, infer)
	p.draftFlag(inc, fm, infer)
	// Date: front matter, else the body's Date key line (both read
	// above), else what is known before the timeline (see dates.go).
	month, inMonth := p.dateBeforeTimeline(inc, hs, bodyLine, p.readPathDates(inc), infer, addf)
	// Summary: front matter, else the first paragraph of the Summary
	// section; plain text either way.
	if inc.Summary != "" {
		inc.Summary = p.text.summary(inc.Summary, true)
	} else if s := inc.Section(SectionSummary); s != nil {
		inc.Summary = p.text.summary(p.withoutKeyLines(s.Text), false)
		if inc.Summary != "" {
			infer("summary", inc.Summary, s.Line, "summary section", s.Heading)
		}
	} else if lead, line := p.leadParagraph(text, hs); lead != "" {
		// "Logins failed for 18 minutes.<!--more-->" under the title, as
		// a blog post's excerpt: the summary of a report with no Summary
		// section.
		if inc.Summary = p.text.summary(lead, false); inc.Summary != "" {
			infer("summary", inc.Summary, bodyLine+line, "first paragraph", "")
		}
	}

	// Timeline: front matter list, else the Timeline section.
	p.readTimeline(inc, fm, addf, infer)
	p.dateAfterTimeline(inc, month, inMonth, infer)
	p.applyBodyTimes(inc, later, addf)

	// Action items: front matter, else the Action Items section.
	if inc.ActionItems == nil {
		if s := inc.Section(SectionActionItems); s != nil {
			items, fs := ParseActionItems(s.Text, s.Line+1)
			inc.ActionItems = items
			for _, f := range fs {
				f.File = rel
				inc.Findings = append(inc.Findings, f)
			}
		}
	}

	// The template's examples are no events or action items of this
	// incident, and its placeholders are findings.
	p.checkTemplate(inc)

	applyMilestones(inc, infer)
	return inc
}

// draftFlag makes a report that its front matter marks unpublished as a
// static site generator reads it ("draft: true", Hugo's; "published:
// false", Jekyll's) a draft, which the site leaves out as the generator
// did, unless the front matter states its status. A status its body
// states gives way: it is the incident's ("**Status:** Resolved"), and
// the flag says the report is not to be published.
func (p *Parser) draftFlag(inc *Incident, fm *FrontMatter, infer inferFunc) {
	if fm == nil || len(p.cfg.DraftStatuses) == 0 {
		return
	}
	fromBody := slices.IndexFunc(inc.Inferred, func(x Inference) bool { return x.Field == "status" })
	if inc.Status != "" && fromBody < 0 {
		return // stated in the front matter
	}
	for _, key := range fm.Keys {
		v, ok := fm.Values[key].(bool)
		if !ok {
			continue
		}
		switch k := strings.ToLower(key); {
		case k == "draft" && v, k == "published" && !v:
			if fromBody >= 0 {
				inc.Inferred = slices.Delete(inc.Inferred, fromBody, fromBody+1)
			}
			inc.Status = p.cfg.DraftStatuses[0]
			inc.FieldLines["status"] = fm.KeyLine(key)
			infer("status", inc.Status, fm.KeyLine(key), fmt.Sprintf("front matter's %s: %v", key, v), "")
			return
		}
	}
}

// readTimeline reads inc's timeline from its front matter's list, else
// from its Timeline sections, and says when its times are in the zone of
// its front matter's date.
func (p *Parser) readTimeline(inc *Incident, fm *FrontMatter, addf addFunc, infer inferFunc) {
	opts := p.timelineOptions(inc)
	if !p.frontMatterTimeline(inc, fm, opts, addf) {
		p.parseTimelines(inc, opts, addf)
	}
	if z := inc.dateZone; z != nil && slices.ContainsFunc(inc.Timeline, func(e timeline.Event) bool { return e.Zone == z.String() && !e.DateOnly }) {
		infer("timezone", z.String(), inc.dateLine, "front matter's date", "")
	}
}

// timelineOptions are how inc's timeline is read: on its date, and in
// the zone its front matter's date states with its time (a blog post's
// author's, said as an inference once a time is read in it), else the
// configured one.
func (p *Parser) timelineOptions(inc *Incident) timeline.Options {
	opts := timeline.Options{Date: inc.Date, Location: p.loc, Start: inc.Started, DateOrder: p.order, DateOrderFrom: p.orderFrom}
	if inc.DatePrecision == DateMonth {
		opts.Date = time.Time{} // no day to put times of day on
	}
	if inc.dateZone != nil {
		opts.Location = inc.dateZone
	}
	return opts
}

// leadParagraph is the first paragraph of a body before its first section
// (below its title), and its body-relative line: prose, not key lines, a
// list, a table, a quotation, an image, code or HTML. "" when there is
// none.
func (p *Parser) leadParagraph(text string, hs []heading) (string, int) {
	start, end := 0, len(text)
	for _, h := range hs {
		if h.level >= 2 {
			end = h.start
			break
		}
		if h.level == 1 && start == 0 {
			start = h.end
		}
	}
	if start >= end {
		return "", 0
	}
	off := start
	for _, para := range strings.SplitAfter(text[start:end], "\n\n") {
		at := off + len(para) - len(strings.TrimLeft(para, " \t\n"))
		off += len(para)
		t := strings.TrimSpace(para)
		if t == "" || strings.HasPrefix(t, "<!--") {
			continue
		}
		if p.hasKeyLine(t) {
			continue // the metadata, not the summary
		}
		if strings.ContainsAny(t[:1], "-*+|>!<`#~=") || listItemRE.MatchString(t) {
			return "", 0
		}
		return t, strings.Count(text[:at], "\n")
	}
	return "", 0
}

// hasKeyLine reports whether a paragraph has a line that states a field.
func (p *Parser) hasKeyLine(para string) bool {
	for l := range strings.Lines(para) {
		if p.isKeyLine(strings.TrimSpace(l)) {
			return true
		}
	}
	return false
}

// unreadable says whether content cannot be read as a postmortem (too
// large, empty, binary, not UTF-8), with a finding saying why.
func unreadable(content []byte, addf addFunc) bool {
	switch {
	case len(content) > MaxFileSize:
		addf(1, LevelError, "file", "%s", tooLarge(int64(len(content))))
	case len(bytes.TrimSpace(content)) == 0:
		addf(1, LevelError, "file", "file is empty")
	case bytes.IndexByte(content[:min(len(content), 8000)], 0) >= 0:
		addf(1, LevelError, "file", "file is binary (contains NUL bytes), not Markdown; it is skipped")
	case !utf8.Valid(content):
		line := 1 + bytes.Count(content[:invalidUTF8(content)], []byte("\n"))
		addf(line, LevelError, "file", "file is not valid UTF-8 text; it is skipped")
	default:
		return false
	}
	return true
}

// inferIdentity fills in what names an incident and its front matter did
// not give: the title (the first H1, else the file name), the ID (from the
// file name) and the kind (from a folder or the title, else an incident).
func inferIdentity(inc *Incident, rel string, hs []heading, bodyLine int, infer inferFunc) {
	// Title: front matter, else the first H1, else the file name.
	if inc.Title == "" {
		for _, h := range hs {
			if h.level == 1 {
				inc.Title = stripInline(h.text)
				infer("title", inc.Title, bodyLine+h.line, "first heading", "")
				break
			}
		}
	}
	nameFrom := fromFileName
	if _, folder := reportName(rel); folder {
		nameFrom = fromFolderName
	}
	if inc.Title == "" {
		inc.Title = titleFromFileName(rel)
		infer("title", inc.Title, 0, nameFrom, "")
	}
	// ID: front matter, else from the file name (its folder's, for a
	// report named README.md, index.md, …).
	if inc.ID == "" {
		inc.ID = sanitizeID(idFromFileName(rel))
		infer("id", inc.ID, 0, nameFrom, "")
	}
	// Kind: front matter, else a folder or the title, else an incident.
	if inc.Kind == "" {
		if k, from := inferKind(rel, inc.Title); k != "" {
			inc.Kind = k
			infer("kind", k, 0, from, "")
		} else {
			inc.Kind = KindIncident
		}
	}
}

// frontMatterTimeline reads the front matter's timeline list into inc, and
// says whether there was one (the Timeline section is read otherwise).
func (p *Parser) frontMatterTimeline(inc *Incident, fm *FrontMatter, opts timeline.Options, addf addFunc) bool {
	tl, ok := fm.Values[p.keyFor(fm, "timeline")]
	if !ok || inc.Timeline != nil {
		return false
	}
	line := fm.KeyLine(p.keyFor(fm, "timeline"))
	for i, e := range asList(tl) {
		var ev timeline.Event
		var prob *timeline.Problem
		switch x := e.(type) {
		case map[string]any:
			ev, prob = timeline.ParseEntry(strings.TrimSpace(toString(firstOf(x, "time", "at", "when", "timestamp"))+" — "+toString(firstOf(x, "text", "event", "description", "what"))), line+1+i, opts)
			if k := toString(x["kind"]); k != "" {
				ev.Kind = timeline.Kind(strings.ToLower(k))
			}
		default:
			ev, prob = timeline.ParseEntry(toString(e), line+1+i, opts)
		}
		if prob != nil {
			addf(prob.Line, LevelWarning, "timeline", "%s", prob.Message)
		}
		inc.Timeline = append(inc.Timeline, ev)
	}
	return true
}

// applyMilestones fills in the milestones and durations the front matter
// did not give from the timeline: each part's, and the incident's from
// its first part.
func applyMilestones(inc *Incident, infer inferFunc) {
	// Milestones: front matter, else the timeline's (its first part's).
	ms := partMilestones(inc.Timeline, max(1, len(inc.Parts)))
	for i := range inc.Parts {
		pt := &inc.Parts[i]
		pt.Started, pt.Detected, pt.Mitigated, pt.Resolved = ms[i].Started, ms[i].Detected, ms[i].Mitigated, ms[i].Resolved
		pt.Durations = durationsOf(pt.Started, pt.Detected, pt.Mitigated, pt.Resolved)
	}
	for _, m := range []struct {
		field string
		t     *time.Time
		from  time.Time
	}{{"started", &inc.Started, ms[0].Started}, {"detected", &inc.Detected, ms[0].Detected}, {"mitigated", &inc.Mitigated, ms[0].Mitigated}, {"resolved", &inc.Resolved, ms[0].Resolved}} {
		if m.t.IsZero() && !m.from.IsZero() {
			*m.t = m.from
			infer(m.field, rfc3339(m.from), eventLine(inc.Timeline, m.from), "timeline", "")
		}
	}
	milestonesFromDurations(inc, infer)
	d, derived := &inc.Durations, durationsOf(inc.Started, inc.Detected, inc.Mitigated, inc.Resolved)
	if d.Detect == 0 {
		d.Detect = derived.Detect
	}
	if d.Mitigate == 0 {
		d.Mitigate = derived.Mitigate
	}
	if d.Resolve == 0 {
		d.Resolve = derived.Resolve
	}
}

// milestonesFromDurations fills in a start the report did not state from
// a milestone it did and the time it took to reach it ("When was the
// incident detected? 14:12" and "Time to detection: 12 minutes" started at
// 14:00), and then an end it did not state from the start and the time to
// resolve ("Start: 09:12" and "Duration: 2 hours"). Each is an inference
// that names the two it came from.
func milestonesFromDurations(inc *Incident, infer inferFunc) {
	d := inc.Durations
	if inc.Started.IsZero() {
		for _, m := range []struct {
			field string
			at    time.Time
			took  time.Duration
			name  string
		}{{"detected", inc.Detected, d.Detect, "detect"}, {"mitigated", inc.Mitigated, d.Mitigate, "mitigate"}, {"resolved", inc.Resolved, d.Resolve, "resolve"}} {
			if !m.at.IsZero() && m.took > 0 {
				inc.Started = m.at.Add(-m.took)
				infer("started", rfc3339(inc.Started), inc.FieldLines[m.field], m.field+" time less the time to "+m.name, "")
				break
			}
		}
	}
	if inc.Resolved.IsZero() && !inc.Started.IsZero() && d.Resolve > 0 {
		inc.Resolved = inc.Started.Add(d.Resolve)
		infer("resolved", rfc3339(inc.Resolved), inc.FieldLines["durations"], "start plus the time to resolve", "")
	}
}

// applyDurations reads a durations map (detect, mitigate, resolve and
// their aliases) or a single duration under a phase's own key
// (time_to_detect: 15 minutes) into inc.
func applyDurations(inc *Incident, key string, v any, line int, addf addFunc) {
	m, isMap := v.(map[string]any)
	if !isMap {
		// duration: 42, time_to_detect: 15 minutes
		dur, ok := parseHumanDuration(toString(v))
		if !ok {
			addf(line, LevelError, "durations", "%s %q is not a duration (want minutes or e.g. 1h30m)", key, toString(v))
			return
		}
		*durationPhase(&inc.Durations, key) = dur
	}
	for k, dv := range m {
		dur, ok := toDuration(dv)
		if !ok {
			addf(line, LevelError, "durations", "durations.%s %q is not a duration (want minutes or e.g. 1h30m)", k, toString(dv))
			continue
		}
		switch normalizeKey(k) {
		case "detect", "time_to_detect", "ttd":
			inc.Durations.Detect = dur
		case "mitigate", "time_to_mitigate", "ttm":
			inc.Durations.Mitigate = dur
		case "resolve", "time_to_resolve", "ttr":
			inc.Durations.Resolve = dur
		}
	}
}

// appendLinks appends the links of a links list: URLs, or maps with a
// title and a URL.
func appendLinks(links []Link, v any) []Link {
	for _, l := range asList(v) {
		switch x := l.(type) {
		case map[string]any:
			links = append(links, Link{Title: toString(firstOf(x, "title", "name", "text")), URL: toString(firstOf(x, "url", "href", "link"))})
		default:
			links = append(links, Link{URL: toString(l)})
		}
	}
	return links
}

// eventLine is the line of the first event at time t, or 0.
func eventLine(events []timeline.Event, t time.Time) int {
	for _, e := range events {
		if e.Time.Equal(t) {
			return e.Line
		}
	}
	return 0
}

// partMilestones returns the milestones of each of n parts of a timeline;
// a part without a started event starts at its first entry with a time of
// day.
func partMilestones(events []timeline.Event, n int) []timeline.Times {
	ms := make([]timeline.Times, n)
	if n == 1 {
		ms[0] = timeline.Milestones(events)
	} else {
		byPart := make([][]timeline.Event, n)
		for _, e := range events {
			if e.Part < n {
				byPart[e.Part] = append(byPart[e.Part], e)
			}
		}
		for i, evs := range byPart {
			ms[i] = timeline.Milestones(evs)
		}
	}
	for _, e := range events {
		if e.Part < n && ms[e.Part].Started.IsZero() && !e.Time.IsZero() && !e.DateOnly {
			ms[e.Part].Started = e.Time
		}
	}
	return ms
}

// durationsOf measures time to detect, mitigate and resolve from the
// start; a milestone before the start measures nothing.
func durationsOf(started, detected, mitigated, resolved time.Time) Durations {
	since := func(t time.Time) time.Duration {
		if t.IsZero() || started.IsZero() || t.Before(started) {
			return 0
		}
		return t.Sub(started)
	}
	return Durations{Detect: since(detected), Mitigate: since(mitigated), Resolve: since(resolved)}
}

// parseTimelines reads the Timeline sections of a body: one, or several
// when the file reports several incidents, each under a heading of its
// own. Every part of every section becomes one of inc.Parts.
func (p *Parser) parseTimelines(inc *Incident, opts timeline.Options, addf func(int, string, string, string, ...any)) {
	var secs []*Section
	for i := range inc.Sections {
		s := &inc.Sections[i]
		if s.Kind != SectionTimeline || len(secs) > 0 && s.Start < secs[len(secs)-1].End {
			continue // not a timeline, or one inside the one before
		}
		secs = append(secs, s)
	}
	var lastPart time.Time // the date the last part's heading gave
	for k, s := range secs {
		o := opts
		o.Heading = s.Heading
		if k > 0 {
			o.Start = time.Time{} // the front matter's start is the first incident's
		}
		if o.Date.IsZero() || len(secs) > 1 {
			// "## 2020-02-11: Search index stale" then "### Timeline":
			// the incident's own day for its times of day; "## Jun 30:
			// …" in the year of the file, else of the part before.
			hint := o.Date
			if hint.IsZero() {
				hint = lastPart
			}
			if d, ok := p.partDate(inc.Sections, s, hint); ok {
				o.Date, lastPart = d, d
			}
		}
		r := timeline.ParseSection([]byte(s.Text), s.Line+1, o)
		for _, pr := range r.Problems {
			addf(pr.Line, LevelWarning, "timeline", "%s", pr.Message)
		}
		for _, n := range r.Notes {
			addf(n.Line, LevelInfo, "timeline", "%s", n.Message)
		}
		for _, line := range r.NewestFirst {
			addf(line, LevelInfo, "timeline", "the timeline is written newest first, as a status page lists its updates: it is read oldest first")
		}
		f := &inc.dates
		f.votes.Merge(r.Votes)
		f.ambiguous += r.Ambiguous
		f.own = f.own || r.OwnOrder
		base := len(inc.Parts)
		switch {
		case len(r.Parts) > 0:
			for _, pt := range r.Parts {
				inc.Parts = append(inc.Parts, Part{Title: stripInline(pt.Title), Line: pt.Line})
			}
		case len(secs) > 1:
			inc.Parts = append(inc.Parts, Part{Title: stripInline(parentHeading(inc.Sections, s)), Line: s.Line})
		}
		if inc.Timeline == nil && base == 0 {
			inc.Timeline = r.Events // the usual case: no copy
			continue
		}
		for i := range r.Events {
			r.Events[i].Part += base
		}
		inc.Timeline = append(inc.Timeline, r.Events...)
	}
	if len(inc.Parts) == 1 {
		inc.Parts = nil
	}
}

// partDate is the date the heading of the part a Timeline section is in
// gives ("## 2020-02-11: Search index stale"), read in the parser's order
// and with the year of def when it has none; false when the section is
// under no other heading, or its heading gives no date that reads one way
// (or no year, with def zero).
func (p *Parser) partDate(secs []Section, s *Section, def time.Time) (time.Time, bool) {
	h := parentHeading(secs, s)
	if h == s.Heading {
		return time.Time{}, false
	}
	year := 0
	if !def.IsZero() {
		year = def.Year()
	}
	r, _, ok := timeline.FindDate(stripInline(h), p.order, year)
	if !ok || r.Ambiguous && p.order == timeline.OrderUnknown {
		return time.Time{}, false
	}
	return r.Date.Time(), true
}

// parentHeading returns the heading of the section that holds s, which
// names the incident a file's several timelines each belong to, else s's
// own heading.
func parentHeading(secs []Section, s *Section) string {
	h := s.Heading
	for i := range secs {
		c := &secs[i]
		if c.Start >= s.Start {
			break
		}
		if c.Level < s.Level && c.End >= s.End {
			h = c.Heading
		}
	}
	return h
}

// Section returns the first section of a kind, or nil.
func (inc *Incident) Section(kind SectionKind) *Section {
	for i := range inc.Sections {
		if inc.Sections[i].Kind == kind {
			return &inc.Sections[i]
		}
	}
	return nil
}

// keyFor returns the key as written in fm that maps to a canonical field.
func (p *Parser) keyFor(fm *FrontMatter, field string) string {
	for _, k := range fm.Keys {
		if p.fields[normalizeKey(k)] == field {
			return k
		}
	}
	return ""
}

// addFunc adds a finding to the incident being parsed.
type addFunc = func(line int, level, rule, format string, args ...any)

// inferFunc records a value the incident took from elsewhere than its
// front matter (see Inference).
type inferFunc = func(field, value string, line int, from, key string)

func (p *Parser) applyFrontMatter(inc *Incident, fm *FrontMatter, addf addFunc) {
	for _, key := range fm.Keys {
		v := fm.Values[key]
		line := fm.KeyLine(key)
		field := p.fields[normalizeKey(key)]
		if v == nil {
			continue
		}
		if field != "" {
			if _, seen := inc.FieldLines[field]; !seen {
				inc.FieldLines[field] = line
			}
		}
		switch field {
		case "":
			inc.Extra[key] = v
		case "id":
			raw := toString(v)
			inc.ID = sanitizeID(raw)
			if inc.ID != raw {
				addf(line, LevelWarning, "id", "id %q is not safe in a URL or path; using %q", raw, inc.ID)
			}
		case "title":
			inc.Title = toString(v)
		case "date":
			if t, ok := yearMonthDate(v); ok {
				inc.Date, inc.DatePrecision, inc.DateSource = t, DateMonth, "front matter"
				continue
			}
			t, ok := toTime(v, time.UTC)
			if !ok {
				addf(line, LevelError, "date", "date %q is not a valid date (want YYYY-MM-DD, or YYYY-MM for a month)", toString(v))
				continue
			}
			inc.Date = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
			inc.DatePrecision, inc.DateSource = "", "front matter"
			inc.dateZone, inc.dateLine = statedZone(v, t), line
		case "severity":
			inc.Severity = toString(v)
		case "status":
			inc.Status = toString(v)
		case "owner":
			inc.Owner = strings.Join(toStrings(v), ", ")
		case "reviewers":
			inc.Reviewers = appendUnique(inc.Reviewers, toStrings(v)...)
		case "tags":
			inc.Tags = appendUnique(inc.Tags, toStrings(v)...)
		case "services":
			inc.Services = appendUnique(inc.Services, toStrings(v)...)
		case "factors":
			inc.Factors = appendUnique(inc.Factors, toStrings(v)...)
		case "kind":
			k, ok := normalizeKind(toString(v))
			if !ok {
				addf(line, LevelWarning, "kind", "kind %q is not one of %s; it is counted as an incident", toString(v), strings.Join(Kinds(), ", "))
				k = KindIncident
			}
			inc.Kind = k
		case "summary":
			inc.Summary = strings.TrimSpace(toString(v))
		case "visibility":
			inc.Visibility = toString(v)
		case "impact":
			switch m := v.(type) {
			case map[string]any:
				inc.Impact = m
			default:
				inc.Impact = map[string]any{"description": toString(v)}
			}
		case "started", "detected", "mitigated", "resolved":
			t, ok := toTime(v, p.loc)
			if !ok {
				addf(line, LevelError, "date", "%s %q is not a valid timestamp (want e.g. 2024-03-01T09:19:00+03:00)", key, toString(v))
				continue
			}
			*inc.milestone(field) = t.UTC()
			if field == "started" {
				inc.startedAt, inc.startedKey = t, key
			}
		case "durations":
			applyDurations(inc, key, v, line, addf)
		case "links":
			inc.Links = appendLinks(inc.Links, v)
		case "related":
			inc.Related = appendUnique(inc.Related, toStrings(v)...)
		case "timeline":
			// Parsed after the date is known.
		case "action_items":
			inc.ActionItems = appendFrontMatterItems(inc.ActionItems, v, line, addf)
		}
	}
}

// leadingDateRE is the date or number a file name starts with,
// "2024-03-07-" or "20240307_".
var leadingDateRE = regexp.MustCompile(`^[0-9][0-9._ -]*[._ -]`)

// genericNames are file names that say what a file is, not which incident:
// the report in an incident's own folder ("2023-01-05-db-outage/README.md",
// "INC-1234/postmortem.md", a Hugo page bundle's index.md).
var genericNames = map[string]bool{
	"readme": true, "index": true, "_index": true, "postmortem": true, "post-mortem": true,
	"postmortem-report": true, "report": true, "incident": true, "incident-report": true,
	"retro": true, "retrospective": true, "rca": true, "writeup": true, "write-up": true,
}

// reportName is the name that names a file's incident, without its
// extension: the file's, or its folder's when the file's is generic
// (genericNames) and the folder is an incident's own (config.IncidentFolder)
// or not one of many reports ("postmortems/report.md" is "report");
// fromFolder says which.
func reportName(rel string) (name string, fromFolder bool) {
	base := withoutNotionID(strings.TrimSuffix(path.Base(rel), path.Ext(rel)))
	if dir := path.Base(path.Dir(rel)); dir != "." && genericNames[strings.ToLower(base)] && (config.IncidentFolder(dir) || !config.ReportFolder(dir)) {
		return withoutNotionID(dir), true
	}
	return base, false
}

// notionIDRE is the page id a Notion export puts after each name: "Login
// outage 5c1e2a9b7d3f4e6a8b0c2d4e6f8a0b1c.md".
var notionIDRE = regexp.MustCompile(` [0-9a-f]{32}$`)

// withoutNotionID is a file or folder name without a Notion export's page
// id, unless nothing would be left.
func withoutNotionID(name string) string {
	if m := notionIDRE.FindStringIndex(name); m != nil && m[0] > 0 {
		return name[:m[0]]
	}
	return name
}

// titleFromFileName is a title for a file with none: its name without the
// extension and a leading date, words for dashes and underscores, the first
// letter upper case ("2024-03-07-nightly-export-stall.md" is "Nightly
// export stall", "INC-2024-001-dns.md" is "Dns"); the name as it is when
// nothing else would be left.
func titleFromFileName(rel string) string {
	base, _ := reportName(rel)
	rest := base
	if m := idPrefixRE.FindStringIndex(rest); m != nil {
		rest = rest[m[1]:]
	}
	words := strings.Join(strings.FieldsFunc(leadingDateRE.ReplaceAllString(rest, ""), func(r rune) bool {
		return r == '-' || r == '_' || r == ' '
	}), " ")
	if !strings.ContainsFunc(words, unicode.IsLetter) {
		return base
	}
	r, n := utf8.DecodeRuneInString(words)
	return string(unicode.ToUpper(r)) + words[n:]
}

// idPrefixRE recognises incident identifiers at the start of a file name:
// INC-2024-001, PM2021-011, INC-1145, SEV-42.
var idPrefixRE = regexp.MustCompile(`^([A-Za-z]{2,10}-?\d{4}-\d{1,6}|[A-Za-z]{2,10}-\d{1,8})(?:[^0-9A-Za-z]|$)`)

func idFromFileName(rel string) string {
	base, _ := reportName(rel)
	if m := idPrefixRE.FindStringSubmatch(base); m != nil {
		return strings.ToUpper(m[1])
	}
	return Slug(base)
}

// sanitizeID makes an identifier safe as one path segment and in a URL:
// letters, digits, '.', '_' and '-' only, no leading dot, at most 100 bytes.
func sanitizeID(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		ok := r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.')
		if !ok {
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
			continue
		}
		b.WriteRune(r)
		dash = r == '-'
	}
	out := strings.Trim(b.String(), "-.")
	for strings.Contains(out, "..") {
		out = strings.ReplaceAll(out, "..", ".")
	}
	if len(out) > 100 {
		out = strings.Trim(out[:100], "-.")
	}
	if out == "" {
		return "incident"
	}
	return out
}

// Slug turns text into a lower-case ASCII slug of letters, digits and dashes.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r < utf8.RuneSelf:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		default:
			if a, ok := asciiFold[r]; ok {
				b.WriteString(a)
				dash = false
			} else if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > 80 {
		out = strings.Trim(out[:80], "-")
	}
	return out
}

var asciiFold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae", 'ç': "c", 'è': "e", 'é': "e",
	'ê': "e", 'ë': "e", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o",
	'õ': "o", 'ö': "o", 'ø': "o", 'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y", 'ß': "ss",
	'ł': "l", 'ś': "s", 'ź': "z", 'ż': "z", 'ć': "c", 'ń': "n", 'ę': "e", 'ą': "a", 'š': "s", 'ž': "z",
	'č': "c", 'ř': "r", 'ě': "e", 'ő': "o", 'ű': "u", 'ğ': "g", 'ı': "i", 'ş': "s",
}

// stripInline turns inline Markdown into plain text: links become their
// text, code spans keep their content as written (payment_intent stays
// whole), and emphasis markers go; an underscore inside a word is text.
func stripInline(s string) string {
	s = mdLinkRE.ReplaceAllString(s, "$1")
	if strings.HasSuffix(s, "}") {
		// A heading's attributes, as a Google Docs export writes them:
		// "**1\. Summary** {#1.-summary}".
		if m := headingAttrRE.FindStringIndex(s); m != nil && m[0] > 0 {
			s = s[:m[0]]
		}
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && asciiPunct(s[i+1]):
			// A backslash escape: "SEV\-2", "1\. Summary", "\*".
			b.WriteByte(s[i+1])
			i += 2
		case c == '`':
			n := 1
			for i+n < len(s) && s[i+n] == '`' {
				n++
			}
			fence := s[i : i+n]
			if j := strings.Index(s[i+n:], fence); j >= 0 {
				b.WriteString(strings.TrimSpace(s[i+n : i+n+j]))
				i += n + j + n
				continue
			}
			i += n
		case c == '*':
			i++
		case c == '_' && (i == 0 || !isWordByte(s[i-1]) || i+1 == len(s) || !isWordByte(s[i+1])):
			i++
		default:
			b.WriteByte(c)
			i++
		}
	}
	return strings.TrimSpace(b.String())
}

// headingAttrRE is the attributes at the end of a heading: "{#id}",
// "{.class}", "{#id .class key=value}".
var headingAttrRE = regexp.MustCompile(`\s*\{[#.][^{}]*\}\s*$`)

// asciiPunct reports whether c is ASCII punctuation, which a backslash
// escapes in Markdown.
func asciiPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// firstOf returns the value of the first of keys that m holds, keys
// compared as normalizeKey writes them. It goes over m once: an action
// item written in the front matter asks for eight fields.
func firstOf(m map[string]any, keys ...string) any {
	best, val := len(keys), any(nil)
	for mk, v := range m {
		nk := normalizeKey(mk)
		for i := range best {
			if keys[i] == nk {
				best, val = i, v
				break
			}
		}
	}
	return val
}

func asList(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case []map[string]any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = x[i]
		}
		return out
	case nil:
		return nil
	}
	return []any{v}
}

func toString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(x)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format(time.RFC3339)
	case []any:
		return strings.Join(toStrings(x), ", ")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + toString(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

// toStrings reads a list, or a comma-separated string, as strings.
func toStrings(v any) []string {
	var out []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if s := toString(e); s != "" {
				out = append(out, s)
			}
		}
	case string:
		for _, s := range strings.Split(x, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	case nil:
	default:
		if s := toString(v); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func appendUnique(dst []string, vals ...string) []string {
	for _, v := range vals {
		if !slices.Contains(dst, v) {
			dst = append(dst, v)
		}
	}
	return dst
}

// toTime reads a timestamp from a decoded front-matter value.
func toTime(v any, loc *time.Location) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, true
	case string:
		t, err := timeline.ParseTimestamp(strings.TrimSpace(x), loc)
		return t, err == nil
	}
	return time.Time{}, false
}

// statedZone is the zone a front-matter date states with its time of day
// ("2021-05-04 10:00:00 +0200", "2021-05-04T10:00:00-07:00"), named by
// its offset ("+02:00"); nil for a date with no zone. A YAML timestamp
// with no zone is UTC, as one ending in Z is: only another offset is
// told. A string states one when it reads as one instant whatever the
// zone it is read in.
//
// t is v as toTime read it in UTC.
func statedZone(v any, t time.Time) *time.Location {
	switch x := v.(type) {
	case time.Time:
		if x.Location() == time.UTC {
			return nil
		}
	case string:
		if b, ok := toTime(x, time.FixedZone("", 3600)); !ok || !t.Equal(b) {
			return nil
		}
	default:
		return nil
	}
	_, off := t.Zone()
	if off == 0 {
		return time.UTC
	}
	sign, abs := '+', off
	if off < 0 {
		sign, abs = '-', -off
	}
	return time.FixedZone(fmt.Sprintf("%c%02d:%02d", sign, abs/3600, abs%3600/60), off)
}

// toDuration reads minutes (a number) or a Go duration string ("1h30m").
func toDuration(v any) (time.Duration, bool) {
	switch x := v.(type) {
	case int:
		return time.Duration(x) * time.Minute, true
	case int64:
		return time.Duration(x) * time.Minute, true
	case float64:
		return time.Duration(x * float64(time.Minute)), true
	case string:
		if n, err := strconv.ParseFloat(x, 64); err == nil {
			return time.Duration(n * float64(time.Minute)), true
		}
		d, err := time.ParseDuration(strings.ReplaceAll(x, " ", ""))
		return d, err == nil
	}
	return 0, false
}

// Fields returns the front-matter values of content as flat strings keyed
// by canonical field name (unknown keys keep their own name), for
// comparing two revisions of a file. Long lists such as the timeline and
// action items are summarised by their length.
func (p *Parser) Fields(content []byte) map[string]string {
	fm, _, _, _ := SplitFrontMatter(Normalize(content))
	return p.fieldsOf(fm)
}

func (p *Parser) fieldsOf(fm *FrontMatter) map[string]string {
	out := make(map[string]string, len(fm.Values))
	for _, k := range fm.Keys {
		f := p.fieldOf(k, fm.Values[k])
		out[f.name] = f.value
	}
	return out
}

// fieldOf is the name and flat value Fields gives front-matter key k
// holding v.
func (p *Parser) fieldOf(k string, v any) fieldEntry {
	name := p.fields[normalizeKey(k)]
	if name == "" {
		name = k
	}
	switch name {
	case "timeline", "action_items":
		return fieldEntry{name, fmt.Sprintf("%d entries", len(asList(v)))}
	default:
		return fieldEntry{name, toString(v)}
	}
}

// normalizeKey is config.NormalizeKey without its cost for keys that are
// already normal, as nearly every key written is: that function builds a
// strings.Replacer on each call, and it ran for every key of every version
// of every file in the history.
func normalizeKey(key string) string {
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c >= 0x80 || c == '-' || c == ' ' || 'A' <= c && c <= 'Z' || c <= ' ' {
			return normalizeASCIIKey(key)
		}
	}
	return key
}

// normalizeASCIIKey is config.NormalizeKey by hand for ASCII keys ("Time
// to detection", a heading read as a key), which are most of those that
// need it; others go to config.NormalizeKey.
func normalizeASCIIKey(key string) string {
	key = strings.TrimSpace(key)
	b := make([]byte, len(key))
	for i := 0; i < len(key); i++ {
		switch c := key[i]; {
		case c >= 0x80:
			return config.NormalizeKey(key)
		case c == '-' || c == ' ':
			b[i] = '_'
		case 'A' <= c && c <= 'Z':
			b[i] = c + 'a' - 'A'
		default:
			b[i] = c
		}
	}
	return string(b)
}

// appendFrontMatterItems appends the action items a front-matter list v,
// whose key is on line, gives; an empty list gives an empty, not nil,
// slice. Problems are added with addf.
func appendFrontMatterItems(items []ActionItem, v any, line int, addf addFunc) []ActionItem {
	for i, a := range asList(v) {
		itemLine := line + 1 + i
		switch x := a.(type) {
		case map[string]any:
			it := ActionItem{Status: StatusUnknown, Line: itemLine,
				Title:    toString(firstOf(x, "title", "item", "action", "description", "name", "task")),
				Owner:    strings.Join(toStrings(firstOf(x, "owner", "assignee", "who")), ", "),
				Priority: toString(firstOf(x, "priority", "prio")),
				Link:     toString(firstOf(x, "link", "url", "tracker")),
				Ticket:   toString(firstOf(x, "ticket", "issue", "bug", "jira")),
				Detail:   toString(firstOf(x, "detail", "details", "notes", "note")),
			}
			if it.Ticket != "" && it.Link == "" && bareURLRE.FindString(it.Ticket) == it.Ticket {
				it.Link, it.Ticket = it.Ticket, ""
			}
			if s := firstOf(x, "status", "state", "done"); s != nil {
				if b, ok := s.(bool); ok {
					it.Status = StatusOpen
					if b {
						it.Status = StatusDone
					}
				} else {
					it.Status = normalizeStatus(toString(s))
				}
			}
			if due := firstOf(x, "due", "due_date", "deadline"); due != nil {
				t, ok := toTime(due, time.UTC)
				if !ok {
					if d, msg, _ := parseDate(toString(due)); msg == "" {
						t, ok = d, true
					}
				}
				if !ok {
					addf(itemLine, LevelError, "action-items", "action item %q: due date %q is not a valid date (want YYYY-MM-DD)", it.Title, toString(due))
				} else {
					it.Due = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
				}
			}
			items = append(items, it)
		default:
			it, fs := parseActionLine(toString(a), itemLine)
			for _, f := range toFindings(fs) {
				addf(f.Line, f.Level, f.Rule, "%s", f.Message)
			}
			items = append(items, it)
		}
	}
	if items == nil {
		items = []ActionItem{}
	}
	settleStatuses(items)
	return items
}
