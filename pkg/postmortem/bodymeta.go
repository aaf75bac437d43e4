package postmortem

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/timeline"
)

// Body metadata: what a postmortem without front matter states in its text.
// Teams write it as key lines near the top ("**Severity:** Critical",
// "Status: Resolved", "- **Owner:** Jane", "| Severity | SEV2 |"), as a
// section whose heading is the key ("## Severity" with the level as its
// first word), or as key lines in a Stats or Metadata section. Which keys
// mean which fields is the alias table (config.Config.Aliases), so a
// repository's own aliases reach the body too.

// Inference is a field's value that was not written in the front matter:
// where it came from, so that `check -v` can list it and nothing guessed is
// silent.
type Inference struct {
	// Field is the canonical field name.
	Field string
	// Value is the value the incident took, as text.
	Value string
	// Line is the file line it was read from; 0 when it came from outside
	// the text (the file name, Git).
	Line int
	// From names the rule: "bold key line", "key line", "table row",
	// "section", "first heading", "file name", "timeline", "summary
	// section", "first commit".
	From string
	// Key is the key or heading as written, when there is one.
	Key string
}

// bodyField is one value read from the body.
type bodyField struct {
	field string
	key   string // as written
	value string // inline Markdown removed
	line  int
	from  string
	// part is the incident it is at the top of, counted from 1, in a
	// file that reports several (partSections); 0 elsewhere.
	part int
}

// bodyLimit is how many lines of each region are read for key lines: the
// metadata of a postmortem is at its top, and the rest is prose.
const bodyLimit = 60

var (
	// boldKeyRE reads "**Key:** value", "**Key**: value", "__Key:__ value",
	// with or without a list marker.
	boldKeyRE = regexp.MustCompile(`^(?:(?:[-*+]|\d{1,2}[.)])\s+)?(?:\*\*|__)([^*_:|]{1,40}?)\s*(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*(.*)$`)
	// boldLineRE reads a key line bold as a whole: "**Severity: High**".
	boldLineRE = regexp.MustCompile(`^(?:(?:[-*+]|\d{1,2}[.)])\s+)?(?:\*\*|__)([^*_:|]{1,40}?)\s*:\s*([^*_]*[^*_\s])\s*(?:\*\*|__)$`)
	// plainKeyRE reads "Key: value", with or without a list marker.
	plainKeyRE = regexp.MustCompile(`^(?:(?:[-*+]|\d{1,2}[.)])\s+)?([A-Za-z][A-Za-z0-9 _/().-]{0,38}?)\s*:\s+(\S.*)$`)
	// severityTokenRE takes the level from the start of a value: "SEV-2
	// (major)" is SEV-2, "Critical - all customers" is Critical.
	severityTokenRE = regexp.MustCompile(`(?i)^(?:sev(?:erity)?[\s\-_]*\d+|p\s?\d+|s\d+|l(?:evel|vl)?[\s\-_]*\d+|\d+|[a-z][a-z0-9]*)`)
	// tableSeparatorRE is the line under a table's header: "|---|:--:|".
	tableSeparatorRE = regexp.MustCompile(`^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$`)
	// boldRE finds bold text.
	boldRE = regexp.MustCompile(`\*\*([^*]+)\*\*|__([^_]+)__`)
	// spanRE reads a time span, "21:45 to 23:28 UTC".
	spanRE = regexp.MustCompile(`(\d{1,2}:\d{2})\s*(?:to|until|till|-|–|—)\s*(\d{1,2}:\d{2})\s*(\(?[A-Za-z]{1,5}(?:[+-]\d{1,2}(?::?\d{2})?)?\)?|[+-]\d{2}:?\d{2})?`)
	// humanDurRE reads one part of "1 hour 43 minutes", "103 min", "1.5h".
	humanDurRE = regexp.MustCompile(`(?i)(\d+(?:\.\d+)?)\s*(d|days?|h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?)\b`)
	// clockDurRE reads "01:43" as a duration.
	clockDurRE = regexp.MustCompile(`^(\d{1,2}):(\d{2})$`)
)

// metaHeadings are the headings of sections that hold key lines.
var metaHeadings = map[string]bool{
	"metadata": true, "meta": true, "stats": true, "statistics": true, "details": true,
	"information": true, "info": true, "facts": true, "at a glance": true, "properties": true,
	"metrics": true, "key metrics": true, "incident metadata": true, "incident details": true,
	"incident information": true, "incident info": true, "incident stats": true, "key details": true,
	"key facts": true, "key information": true, "incident facts": true,
	"incident timing": true, "timing": true, "timings": true, "key times": true,
}

// headingKey is a heading as a key: lower case, without inline markup,
// without whatever comes before its first letter (numbering such as "1.",
// "2)", "(3)" or "3.1", an emoji as in "📝 Summary", a bullet or a dash)
// and without trailing punctuation. SectionKindOf reads kinds from it.
func headingKey(h string) string {
	if strings.ContainsAny(h, "*_`[") {
		h = stripInline(h)
	}
	h = strings.ToLower(h)
	// "What didn’t go well" as word processors write the apostrophe.
	h = strings.ReplaceAll(h, "’", "'")
	h = strings.TrimLeftFunc(h, notLetter)
	return strings.TrimSpace(strings.Trim(h, " :*_#`?!."))
}

// bodyMetadata reads the key lines of a body: the preamble (before the
// first heading below the title), the top of each incident of a file that
// reports several, metadata sections, a summary section's bold key lines,
// lists and tables, the tables of Impact and Response sections, and
// sections named after a field (severity, status, a milestone, …).
func (p *Parser) bodyMetadata(body []byte, bodyLine int, secs []Section, hs []heading) []bodyField {
	var out []bodyField
	end := len(body)
	for _, h := range hs {
		if h.level >= 2 {
			end = h.start
			break
		}
	}
	text := string(body[:end])
	skip := -1 // the title's line, which is not a key line
	for _, h := range hs {
		if h.level == 1 && h.start < end {
			skip = h.line
			break
		}
	}
	out = p.keyLines(out, text, bodyLine, skip, false)
	if skip < 0 && len(secs) > 0 && secs[0].Level >= 2 {
		// No H1 (the title comes from front matter or the file name): the
		// top of the first section stands where the preamble would, as in
		// "## Overview" then "Severity: High". Only its first lines, so
		// that a key-like line deep in prose is not taken.
		out = p.keyLines(out, firstLines(secs[0].Text, firstSectionKeyLines), secs[0].Line+1, -1, false)
	}
	first := true
	parts, part := partSections(secs), 0
	for i, s := range secs {
		if s.Level == 1 && first {
			first = false
			continue // the title
		}
		if parts[i] {
			// "## 2021-03-02: Checkout latency" then "**Severity:** SEV2"
			// in an incident log: the key lines at the top of each
			// incident, before its own sections.
			part++
			n := len(out)
			out = p.keyLines(out, firstLines(beforeSubheading(s.Text), firstSectionKeyLines), s.Line+1, -1, false)
			for j := n; j < len(out); j++ {
				out[j].part = part
			}
		}
		key := headingKey(s.Heading)
		if s.Level >= 2 && strings.IndexByte(s.Heading, ':') >= 0 {
			// "## Severity: SEV2" is a key line of its own.
			if k, v, _ := splitKeyLine(stripInline(s.Heading)); k != "" && p.keyField(k) != "" {
				out = p.appendKeyLine(out, k, v, s.Line, "heading")
				continue
			}
		}
		switch f := p.fields[normalizeKey(key)]; {
		case f == "severity" || f == "status" || f == "date" || f == "owner" ||
			f == "started" || f == "detected" || f == "mitigated" || f == "resolved" || f == "durations" ||
			f == "services" || f == "tags" || f == "reviewers":
			// "### Date", "### Authors", "### Status": a section whose
			// heading names a field holds its value, as the SRE book's
			// template writes them; "### Start Date/Time", "### End
			// Date/Time" and "### Duration", as the cloud book's does;
			// "### Services affected", "### Reviewers", as an issue
			// form's answers are.
			v, line := sectionValue(s)
			switch f {
			case "owner":
				v = sectionNames(s, v)
			case "reviewers", "services", "tags":
				// A list, or a line of names: a Services section of
				// prose names none.
				if v = sectionNames(s, v); !namesLike(v) {
					v = ""
				}
			}
			if v != "" && !placeholderValue(v) {
				out = append(out, bodyField{field: f, key: s.Heading, value: v, line: line, from: "section"})
			}
		case metaHeadings[key]:
			out = p.keyLines(out, s.Text, s.Line+1, -1, false)
		case s.Kind == SectionSummary:
			out = p.keyLines(out, s.Text, s.Line+1, -1, true)
		case s.Kind == SectionImpact || s.Kind == SectionResponseAnalysis:
			out = p.tableRows(out, s.Text, s.Line+1)
		}
	}
	// A section inside another is read twice; keep each line's fields
	// once (a table row may state two).
	type lineField struct {
		line  int
		field string
	}
	seen := map[lineField]bool{}
	kept := out[:0]
	for _, b := range out {
		if k := (lineField{b.line, b.field}); !seen[k] {
			seen[k] = true
			kept = append(kept, b)
		}
	}
	return kept
}

// withoutKeyLines is text without its paragraphs made only of key lines
// ("**Severity:** High", "Status: Resolved"): they are metadata, read as
// fields, not the summary a reader wants in a list.
func (p *Parser) withoutKeyLines(text string) string {
	paras := strings.Split(text, "\n\n")
	kept := paras[:0]
	for _, para := range paras {
		keys, other := 0, false
		for _, l := range strings.Split(para, "\n") {
			t := strings.TrimSpace(l)
			if t == "" {
				continue
			}
			if p.isKeyLine(t) {
				keys++
			} else {
				other = true
				break
			}
		}
		if keys == 0 || other {
			kept = append(kept, para)
		}
	}
	return strings.Join(kept, "\n\n")
}

// partSections are the indexes of the sections that head the incidents
// of a file reporting several, each with a Timeline section of its own:
// "## 2021-03-02: Checkout latency" over "### Timeline". Nil when the
// file has fewer than two.
func partSections(secs []Section) map[int]bool {
	var out map[int]bool
	for t := range secs {
		s := &secs[t]
		if s.Kind != SectionTimeline {
			continue
		}
		for j := t - 1; j >= 0; j-- { // the nearest section around it
			if c := &secs[j]; c.Level < s.Level && c.End >= s.End {
				if c.Level >= 2 {
					if out == nil {
						out = map[int]bool{}
					}
					out[j] = true
				}
				break
			}
		}
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// beforeSubheading is a section's text up to its first heading: its own
// lines, without the sections inside it.
func beforeSubheading(text string) string {
	for i := 0; i < len(text); {
		if text[i] == '#' {
			return text[:i]
		}
		j := strings.IndexByte(text[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return text
}

// firstSectionKeyLines bounds the key lines read at the top of a first
// section that stands in for the preamble.
const firstSectionKeyLines = 12

// firstLines is the first n lines of text.
func firstLines(text string, n int) string {
	i := 0
	for ; n > 0 && i < len(text); n-- {
		j := strings.IndexByte(text[i:], '\n')
		if j < 0 {
			return text
		}
		i += j + 1
	}
	return text[:i]
}

// keyLines reads the key lines of a region of text starting at file line
// first, skipping code, comments and the line at index skip; boldOnly
// takes only bold keys, list items and table rows.
func (p *Parser) keyLines(out []bodyField, text string, first, skip int, boldOnly bool) []bodyField {
	inFence, inComment := false, false
	for i, l := range strings.SplitN(text, "\n", bodyLimit+1) {
		if i == bodyLimit {
			break
		}
		t := strings.TrimSpace(l)
		// A bold key line in a quotation, as a callout box at the top
		// of a report holds them ("> **Severity:** SEV2"): only bold
		// ones, for a quoted message's "Status: investigating" is none.
		quoted := strings.HasPrefix(t, ">")
		if quoted {
			t = strings.TrimLeft(t, "> ")
		}
		switch {
		case quoted && !strings.Contains(t, "**") && !strings.Contains(t, "__"):
			continue
		case inComment:
			inComment = !strings.Contains(t, "-->")
			continue
		case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
			inFence = !inFence
			continue
		case inFence || i == skip:
			continue
		case strings.HasPrefix(t, "<!--"):
			inComment = !strings.Contains(t, "-->")
			continue
		case strings.IndexByte(t, ':') < 0 && !strings.HasPrefix(t, "|"),
			boldOnly && !strings.HasPrefix(t, "|") && !strings.Contains(t, "**") && !strings.Contains(t, "__") && !listItemRE.MatchString(t):
			continue // not a key line; most lines are prose
		}
		if strings.HasPrefix(t, "|") {
			// A table's rows are metadata wherever they are read, in a
			// summary section too: "| Severity | SEV1 |", or two pairs
			// a row, as in "| Incident Number | INC-4411 | Incident
			// Severity | SEV1 |".
			for _, kv := range p.tablePairs(t) {
				out = p.appendKeyLine(out, kv[0], kv[1], first+i, "table row")
			}
			continue
		}
		key, value, from := splitKeyLine(t)
		// Where only bold keys are read, so are a list's key lines:
		// "1. Time to detection: 12 minutes" under a Summary.
		if key == "" || boldOnly && from != "bold key line" && !listItemRE.MatchString(t) || quoted && from != "bold key line" {
			continue
		}
		out = p.appendKeyLine(out, key, value, first+i, from)
	}
	return out
}

// appendKeyLine appends the field a key line states, when its key names
// one (keyField) and its value is not empty.
func (p *Parser) appendKeyLine(out []bodyField, key, value string, line int, from string) []bodyField {
	field := p.keyField(key)
	if field == "" {
		return out
	}
	value = strings.TrimSpace(strings.TrimSuffix(stripInline(value), `\`))
	if value == "" || placeholderValue(value) {
		return out
	}
	return append(out, bodyField{field: field, key: key, value: value, line: line, from: from})
}

// tableRows reads the rows of the tables of a region of text starting at
// file line first, not their headers: an Impact or a Detection section's
// questions and answers ("| When was the incident detected? | 2020-05-12
// 14:12 UTC |"), where its other lines are prose.
func (p *Parser) tableRows(out []bodyField, text string, first int) []bodyField {
	lines := strings.SplitN(text, "\n", bodyLimit+1)
	inFence := false
	for i, l := range lines[:min(len(lines), bodyLimit)] {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
		}
		if inFence || !strings.HasPrefix(t, "|") {
			continue
		}
		if i+1 < len(lines) && tableSeparatorRE.MatchString(strings.TrimSpace(lines[i+1])) {
			continue // the header
		}
		for _, kv := range p.tablePairs(t) {
			out = p.appendKeyLine(out, kv[0], kv[1], first+i, "table row")
		}
	}
	return out
}

// namesLike reports a value of names, each of at most four words: "Lena
// Fischer, Ravi Patel", "webhooks, queue-worker"; not a sentence.
func namesLike(v string) bool {
	for n := range strings.SplitSeq(v, ",") {
		n = strings.TrimSpace(n)
		if n == "" || len(n) > 40 || len(strings.Fields(n)) > 4 || strings.ContainsAny(n, ".;:!?") {
			return false
		}
	}
	return true
}

// placeholderValue reports a value that stands for none: an issue form's
// "_No response_", "N/A", "TBD", "-", "?". "None" is a value ("Impact:
// none").
func placeholderValue(v string) bool {
	switch strings.ToLower(strings.Trim(v, "_*` ")) {
	case "no response", "n/a", "na", "tbd", "tbc", "todo", "-", "—", "–", "?", "??", "...", "…":
		return true
	}
	return false
}

// isKeyLine reports whether a line states a field ("Severity: SEV2").
func (p *Parser) isKeyLine(t string) bool {
	k, _, _ := splitKeyLine(t)
	return k != "" && p.keyField(k) != ""
}

// keyField is the field a key line's key names, or "". A key that names
// none is read again as a question or a plural written "(s)", and without
// what it ends with in brackets: "When was the incident detected?",
// "Service(s) affected", "Time to Detect (TTD)".
func (p *Parser) keyField(key string) string {
	if f := p.fields[normalizeKey(key)]; f != "" {
		return f
	}
	k := strings.TrimRight(strings.ReplaceAll(key, "(s)", "s"), "?. ")
	if i := strings.IndexByte(k, '('); i > 0 && strings.HasSuffix(k, ")") {
		k = strings.TrimSpace(k[:i])
	}
	return p.fields[normalizeKey(k)]
}

// tablePairs are the key and value pairs of a table row: its two cells,
// or each two of four, six, … cells. A row of more whose values all name
// fields too is a table's header ("| Date | Service | Errors | Impact |"),
// and gives none; "| Incident | INC-1 | Status | Resolved |" is no header.
func (p *Parser) tablePairs(t string) [][2]string {
	cells := strings.Split(strings.Trim(t, "| "), "|")
	if len(cells) < 2 || len(cells)%2 != 0 {
		return nil
	}
	var out [][2]string
	header := len(cells) > 2
	for j := 0; j < len(cells); j += 2 {
		k := strings.Trim(strings.TrimSpace(cells[j]), "*_:` ")
		v := strings.TrimSpace(cells[j+1])
		if label := strings.Trim(v, "*_:` "); label != "" && p.fields[normalizeKey(label)] == "" {
			header = false
		}
		if k != "" && strings.Trim(k, "-: ") != "" {
			out = append(out, [2]string{k, v})
		}
	}
	if header {
		return nil
	}
	return out
}

// splitKeyLine reads a line as a key line: the key, the value and which
// form it has, or an empty key.
func splitKeyLine(t string) (key, value, from string) {
	if strings.HasPrefix(t, "|") {
		cells := strings.Split(strings.Trim(t, "| "), "|")
		if len(cells) != 2 {
			return "", "", ""
		}
		k := strings.Trim(strings.TrimSpace(cells[0]), "*_:` ")
		if k == "" || strings.Trim(k, "-: ") == "" {
			return "", "", ""
		}
		return k, strings.TrimSpace(cells[1]), "table row"
	}
	if m := boldKeyRE.FindStringSubmatch(t); m != nil {
		return strings.TrimSpace(m[1]), m[2], "bold key line"
	}
	if m := boldLineRE.FindStringSubmatch(t); m != nil {
		return strings.TrimSpace(m[1]), m[2], "bold key line"
	}
	if m := plainKeyRE.FindStringSubmatch(t); m != nil {
		return strings.TrimSpace(m[1]), m[2], "key line"
	}
	return "", "", ""
}

// sectionValue is the value a section named after a field states: its
// first bold text, else the first line of its first paragraph; and the
// line it is on.
func sectionValue(s Section) (string, int) {
	for i, l := range strings.SplitN(s.Text, "\n", bodyLimit) {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "<!--") {
			continue
		}
		if m := boldRE.FindStringSubmatch(t); m != nil {
			return strings.TrimSpace(m[1] + m[2]), s.Line + 1 + i
		}
		return stripInline(strings.TrimLeft(t, "-*+> ")), s.Line + 1 + i
	}
	return "", 0
}

// sectionNames is the names a section of people lists: first, the value
// of its first line, and the items of the list that line starts, each
// after a comma ("- Kai Moreau", "- Ines Alvarez" are "Kai Moreau, Ines
// Alvarez").
func sectionNames(s Section, first string) string {
	names := []string{first}
	started := false
	for l := range strings.Lines(s.Text) {
		t := strings.TrimSpace(l)
		item, ok := strings.CutPrefix(t, "- ")
		if !ok {
			item, ok = strings.CutPrefix(t, "* ")
		}
		switch {
		case t == "" && !started:
			continue
		case !ok:
			return strings.Join(names, ", ")
		case started:
			names = append(names, stripInline(strings.TrimSpace(item)))
		}
		started = true
	}
	return strings.Join(names, ", ")
}

// severityToken is the level at the start of a severity value.
func severityToken(v string) string {
	v = strings.TrimLeftFunc(v, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
	return strings.TrimSpace(severityTokenRE.FindString(v))
}

// statusToken is the status at the start of a value: "Resolved (monitoring
// for a week)" is Resolved.
func statusToken(v string) string {
	if i := strings.IndexAny(v, "(,;.—–"); i > 0 {
		v = v[:i]
	}
	if i := strings.Index(v, " - "); i > 0 {
		v = v[:i]
	}
	v = strings.TrimSpace(v)
	if len(strings.Fields(v)) > 3 {
		return ""
	}
	return v
}

// parseHumanDuration reads "15 minutes", "1 hour 43 minutes", "1.5h",
// "103 min", "01:43" or a number of minutes.
func parseHumanDuration(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if d, ok := toDuration(v); ok {
		return d, true
	}
	if m := clockDurRE.FindStringSubmatch(v); m != nil {
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		return time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute, true
	}
	var total time.Duration
	found := false
	for _, m := range humanDurRE.FindAllStringSubmatch(v, -1) {
		n, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			continue
		}
		unit := time.Minute
		switch u := strings.ToLower(m[2]); {
		case strings.HasPrefix(u, "d"):
			unit = 24 * time.Hour
		case strings.HasPrefix(u, "h"):
			unit = time.Hour
		case strings.HasPrefix(u, "s"):
			unit = time.Second
		}
		total += time.Duration(n * float64(unit))
		found = true
	}
	return total, found
}

// durationPhase says which phase a key that means durations measures.
func durationPhase(d *Durations, key string) *time.Duration {
	k := normalizeKey(key)
	switch {
	case strings.Contains(k, "detect") || k == "ttd":
		return &d.Detect
	case strings.Contains(k, "mitigat") || k == "ttm":
		return &d.Mitigate
	}
	return &d.Resolve
}

// applyBody fills the fields the front matter left empty from the body's
// metadata, records each as an Inference, and warns where the body says
// otherwise than the front matter (which wins). Times of day that need the
// incident's date are returned, to be placed once the date is known.
func (p *Parser) applyBody(inc *Incident, fields []bodyField, addf func(int, string, string, string, ...any)) []bodyField {
	var later []bodyField
	set := map[string]bool{} // fields this pass set: the first key line wins
	for k, b := range fields {
		fmLine, inFM := inc.FieldLines[b.field]
		if inFM && !set[b.field] {
			if prev := p.frontMatterValue(inc, b.field); prev != "" && !sameValue(b.field, prev, p.bodyValue(b)) {
				addf(b.line, LevelWarning, "metadata-conflict", "the body says %s %q (line %d) but the front matter says %q (line %d); the front matter wins",
					b.field, p.bodyValue(b), b.line, prev, fmLine)
			}
			continue
		}
		if set[b.field] && b.field != "durations" {
			if b.part > 1 {
				p.notePart(fields[:k], b, addf)
			}
			continue
		}
		value, ok := p.setBodyField(inc, b, addf)
		if !ok {
			if b.field == "started" || b.field == "detected" || b.field == "mitigated" || b.field == "resolved" || b.field == "durations" {
				later = append(later, b)
			}
			continue
		}
		set[b.field] = true
		inc.FieldLines[b.field] = b.line
		inc.Inferred = append(inc.Inferred, Inference{Field: b.field, Value: value, Line: b.line, From: b.from, Key: b.key})
	}
	return later
}

// notePart says that a later incident of a file reporting several states
// a field otherwise than the key line that set it (the first): the file
// is one postmortem, with one value.
func (p *Parser) notePart(before []bodyField, b bodyField, addf func(int, string, string, string, ...any)) {
	for _, f := range before {
		if f.field != b.field {
			continue
		}
		if v, w := p.bodyValue(f), p.bodyValue(b); !strings.EqualFold(v, w) {
			addf(b.line, LevelInfo, "metadata-conflict", "this file reports several incidents and is one postmortem, whose %s is %q (line %d), not %q", b.field, v, f.line, w)
		}
		return
	}
}

// bodyValue is the value a body field would give, as text, for comparing
// with the front matter's.
func (p *Parser) bodyValue(b bodyField) string {
	switch b.field {
	case "severity":
		return severityToken(b.value)
	case "status":
		return statusToken(b.value)
	case "owner":
		return strings.TrimSuffix(b.value, ".") // as setBodyField takes it
	}
	return b.value
}

// frontMatterValue is a scalar field's value as the front matter set it,
// or "" for fields whose values are not compared.
func (p *Parser) frontMatterValue(inc *Incident, field string) string {
	switch field {
	case "severity":
		return inc.Severity
	case "status":
		return inc.Status
	case "owner":
		return inc.Owner
	case "date":
		return civil(inc.Date)
	}
	return ""
}

// sameValue compares a front-matter value with a body one.
func sameValue(field, fm, body string) bool {
	switch field {
	case "severity":
		return config.SeverityKey(fm) == config.SeverityKey(body)
	case "date":
		t, err := timeline.ParseTimestamp(body, time.UTC)
		return err != nil || civil(t) == fm // an unreadable date is not a claim
	}
	return strings.EqualFold(strings.TrimSpace(fm), strings.TrimSpace(body))
}

// setBodyField sets one field from the body and returns its value as
// text; false when the value cannot be read (yet).
func (p *Parser) setBodyField(inc *Incident, b bodyField, addf func(int, string, string, string, ...any)) (string, bool) {
	v := b.value
	switch b.field {
	case "id":
		// "Incident: database outage" is a title, not an identifier.
		if strings.ContainsAny(v, " \t") && idPrefixRE.FindString(v) == "" {
			return "", false
		}
		inc.ID = sanitizeID(strings.Fields(v)[0])
		return inc.ID, true
	case "title":
		inc.Title = v
		return v, true
	case "date":
		return p.bodyDate(inc, b, addf)
	case "severity":
		if s := severityToken(v); s != "" {
			inc.Severity = s
			return s, true
		}
	case "status":
		if s := statusToken(v); s != "" {
			inc.Status = s
			return s, true
		}
	case "owner":
		inc.Owner = strings.TrimSuffix(v, ".") // "Owner: the messaging team."
		return inc.Owner, true
	case "reviewers", "tags", "services", "related":
		list := toStrings(strings.ReplaceAll(strings.TrimSuffix(v, "."), ";", ","))
		switch b.field {
		case "reviewers":
			inc.Reviewers = appendUnique(inc.Reviewers, list...)
		case "tags":
			inc.Tags = appendUnique(inc.Tags, list...)
		case "services":
			inc.Services = appendUnique(inc.Services, list...)
		default:
			inc.Related = appendUnique(inc.Related, list...)
		}
		return strings.Join(list, ", "), len(list) > 0
	case "summary":
		inc.Summary = v
		return v, true
	case "impact":
		inc.Impact = map[string]any{"description": v}
		return v, true
	case "visibility":
		inc.Visibility = v
		return v, true
	case "started", "detected", "mitigated", "resolved":
		return p.bodyMilestone(inc, b, addf)
	case "durations":
		// "21:45 to 23:28 UTC (103 minutes)": the span is placed later.
		if spanRE.MatchString(v) {
			return "", false
		}
		d, ok := parseHumanDuration(v)
		if !ok {
			return "", false
		}
		*durationPhase(&inc.Durations, b.key) = d
		return d.String(), true
	}
	return "", false
}

// bodyDate sets the incident's date from a Date key line of the body.
func (p *Parser) bodyDate(inc *Incident, b bodyField, addf addFunc) (string, bool) {
	v := b.value
	t, err := timeline.ParseTimestamp(v, time.UTC)
	ambiguous := false
	if err != nil {
		// "04/05/2023", "March 4th" with text after it: in the order
		// the file name's date or the repository's dates show, and
		// said so, not month first unsaid.
		r, rerr := timeline.ReadDate(v, p.order, 0)
		if rerr == nil && r.Ambiguous {
			o, from := p.bodyDateOrder(inc, v)
			ambiguous = o == timeline.OrderUnknown
			if !ambiguous {
				r, _ = timeline.ReadDate(v, o, 0)
				p.noteFileOrder(addf, b.line, "date", v, o, r.Date, from)
			}
		}
		if rerr == nil && !ambiguous {
			t, err = r.Date.Time(), nil
		}
	}
	switch {
	case ambiguous:
		inc.dates.outside++ // read again in the repository's order, when it has one
		addf(b.line, LevelWarning, "date", "date %q in the body reads both ways, day or month first; write it as YYYY-MM-DD or set date_order in inquest.yaml (the date is taken from elsewhere)", v)
		return "", false
	case err != nil:
		kd, month, ok := keyLineDate(v)
		if !ok {
			addf(b.line, LevelWarning, "date", "date %q in the body is not a date inquest can read (want e.g. 2024-03-01); the date is taken from elsewhere", v)
			return "", false
		}
		if month {
			inc.Date, inc.DatePrecision, inc.DateSource = kd, DateMonth, "body"
			return kd.Format("2006-01"), true
		}
		t = kd
	}
	inc.Date = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	inc.DateSource = "body"
	return civil(inc.Date), true
}

// keyLineDate reads the forms of a key line's date that a timeline does
// not write, and timeline.ParseTimestamp does not read: a month ("March
// 2024", "Mar 2024", "2024-03"; month is true), the first day of a range
// ("March 3–4, 2024", "3–4 March 2024"), the output of `date` ("Sun Mar
// 3 14:05:00 UTC 2024"), "03-Mar-2024", "3rd of March 2024" and
// "20240303". Its day is the one written, whatever zone a time has.
func keyLineDate(v string) (t time.Time, month, ok bool) {
	v = strings.Join(strings.Fields(v), " ")
	if m := monthOfRE.FindStringSubmatch(v); m != nil {
		if strings.EqualFold(m[1], "sept") {
			m[1] = "Sep"
		}
		for _, layout := range [...]string{"January 2006", "Jan 2006"} {
			if t, err := time.Parse(layout, m[1]+" "+m[2]); err == nil {
				return t, true, true
			}
		}
	}
	if len(v) == 7 {
		if t, ok := yearMonthDate(v); ok {
			return t, true, true
		}
	}
	if m := rangeRE.FindStringSubmatch(v); m != nil {
		first := m[1] + " " + m[2] + ", " + m[3]
		if m[1] == "" {
			first = m[4] + " " + m[5] + " " + m[6]
		}
		if t, err := timeline.ParseTimestamp(first, time.UTC); err == nil {
			return t, false, true
		}
	}
	if m := ordinalOfRE.FindStringSubmatch(v); m != nil {
		v = m[1] + " " + m[2] + " " + m[3]
		if t, err := timeline.ParseTimestamp(v, time.UTC); err == nil {
			return t, false, true
		}
	}
	for _, layout := range [...]string{time.UnixDate, time.RubyDate, time.ANSIC, "Mon Jan 2 15:04:05 2006", "02-Jan-2006", "2-Jan-2006", "20060102"} {
		if t, err := time.Parse(layout, v); err == nil && t.Year() >= 1970 && t.Year() < 2200 {
			return t, false, true
		}
	}
	return time.Time{}, false, false
}

var (
	// monthOfRE is a month and a year: "March 2024", "Sept. 2024".
	monthOfRE = regexp.MustCompile(`^([A-Za-z]{3,9})\.? ((?:19|20)\d\d)$`)
	// rangeRE is a range of days in one month: "March 3–4, 2024" (month,
	// first day, year) or "3–4 March 2024" (first day, month, year).
	rangeRE = regexp.MustCompile(`^(?:([A-Za-z]{3,9}\.?) (\d{1,2})(?:st|nd|rd|th)? ?[–—-] ?\d{1,2}(?:st|nd|rd|th)?,? (\d{4})|(\d{1,2})(?:st|nd|rd|th)? ?[–—-] ?\d{1,2}(?:st|nd|rd|th)? ([A-Za-z]{3,9}\.?),? (\d{4}))$`)
	// ordinalOfRE is "3rd of March 2024".
	ordinalOfRE = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)? of ([A-Za-z]{3,9}\.?),? (\d{4})$`)
)

// bodyMilestone sets a milestone (started, detected, mitigated, resolved)
// from a key line of the body that gives its date; false for a time of day,
// which applyBodyTimes places once the date is known.
func (p *Parser) bodyMilestone(inc *Incident, b bodyField, addf addFunc) (string, bool) {
	v := b.value
	t, err := timeline.ParseTimestamp(v, p.loc)
	if errors.Is(err, timeline.ErrBothWays) {
		// "03.11.2021 09:15 CET": as the Date key line's date.
		o, from := p.bodyDateOrder(inc, v)
		if o == timeline.OrderUnknown {
			inc.dates.outside++ // read again in the repository's order, when it has one
			addf(b.line, LevelWarning, "date", "%s %q in the body reads both ways, day or month first; write it as YYYY-MM-DD or set date_order in inquest.yaml (the time is left out)", b.field, v)
			return "", false
		}
		var r timeline.DateReading
		if t, r, err = timeline.ParseTimestampIn(v, p.loc, o); err == nil {
			p.noteFileOrder(addf, b.line, b.field, v, o, r.Date, from)
		}
	}
	if err != nil {
		return "", false // a time of day: placed on the date later
	}
	*inc.milestone(b.field) = t.UTC()
	if b.field == "started" {
		inc.startedAt = t
	}
	return rfc3339(t), true
}

// milestone is the field of a milestone's time.
func (inc *Incident) milestone(field string) *time.Time {
	switch field {
	case "started":
		return &inc.Started
	case "detected":
		return &inc.Detected
	case "mitigated":
		return &inc.Mitigated
	}
	return &inc.Resolved
}

// applyBodyTimes places the body's times of day ("**Detected:** 21:52
// UTC") and spans ("**Duration:** 21:45 to 23:28 UTC (103 minutes)") on
// the incident's date, once it is known. A milestone's key line that is
// neither a time nor a time of day is reported, not dropped unsaid.
func (p *Parser) applyBodyTimes(inc *Incident, later []bodyField, addf addFunc) {
	noDay := inc.Date.IsZero() || inc.DatePrecision == DateMonth
	day := inc.Date.Format("2006-01-02")
	for _, b := range later {
		if b.field != "durations" {
			if _, err := timeline.ParseTimestamp(b.value, p.loc); errors.Is(err, timeline.ErrBothWays) {
				continue // reported when read (bodyMilestone)
			}
		}
		if noDay && b.field != "durations" {
			addf(b.line, LevelWarning, "date", "%s %q in the body is a time of day, and the incident has no day to put it on; write the date with it (2024-03-01 09:15 UTC)", b.field, b.value)
			continue
		}
		switch b.field {
		case "started", "detected", "mitigated", "resolved":
			t := inc.milestone(b.field)
			if !t.IsZero() {
				continue
			}
			at, err := timeline.ParseTimestamp(day+" "+b.value, p.loc)
			if err != nil {
				addf(b.line, LevelWarning, "date", "%s %q in the body is not a time inquest can read (want e.g. 2024-03-01 09:15 UTC, or 09:15 UTC on the incident's day); it is left out", b.field, b.value)
				continue
			}
			*t = at.UTC()
			inc.FieldLines[b.field] = b.line
			inc.Inferred = append(inc.Inferred, Inference{Field: b.field, Value: rfc3339(at), Line: b.line, From: b.from, Key: b.key})
		case "durations":
			m := spanRE.FindStringSubmatch(b.value)
			if m == nil {
				continue
			}
			rest := b.value[spanRE.FindStringIndex(b.value)[1]:]
			zone := strings.Trim(m[3], "()")
			at := func(hm string) (time.Time, error) {
				if zone != "" {
					if t, err := timeline.ParseTimestamp(day+" "+hm+" "+zone, p.loc); err == nil {
						return t, nil
					}
				}
				return timeline.ParseTimestamp(day+" "+hm, p.loc) // no zone, or "on Tuesday"
			}
			from, err1 := at(m[1])
			to, err2 := at(m[2])
			if err1 != nil || err2 != nil {
				continue
			}
			if to.Before(from) {
				to = to.Add(24 * time.Hour) // past midnight
			}
			if inc.Started.IsZero() {
				inc.Started = from.UTC()
				inc.FieldLines["started"] = b.line
				inc.Inferred = append(inc.Inferred, Inference{Field: "started", Value: rfc3339(from), Line: b.line, From: b.from, Key: b.key})
			}
			if inc.Resolved.IsZero() {
				inc.Resolved = to.UTC()
				inc.FieldLines["resolved"] = b.line
				inc.Inferred = append(inc.Inferred, Inference{Field: "resolved", Value: rfc3339(to), Line: b.line, From: b.from, Key: b.key})
			}
			if d := &inc.Durations; d.Resolve == 0 {
				if stated, ok := parseHumanDuration(rest); ok {
					d.Resolve = stated
				} else {
					d.Resolve = to.Sub(from)
				}
				inc.Inferred = append(inc.Inferred, Inference{Field: "durations", Value: "resolve " + d.Resolve.String(), Line: b.line, From: b.from, Key: b.key})
			}
		}
	}
}
