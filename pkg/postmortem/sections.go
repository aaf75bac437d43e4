package postmortem

import (
	"slices"
	"strings"
	"unicode"
	"unsafe"
)

// SectionsBehaviour names what SectionKindOf and headingKey do. Change it
// whenever a heading could get another kind or key, so that what was worked out from
// section kinds and cached under the old one is not read: package
// history's revision and since-approval diffs and its snapshot (their
// formats carry it), action items (Parser.ItemsVersion), and the search
// index and the site's build record (repo.Fingerprint).
// TestSectionsBehaviour holds it to the synonyms and to the kinds of a
// list of headings.
const SectionsBehaviour = "sections-13"

// sectionSynonyms maps lower-cased heading words to section kinds. A heading
// matches when, stripped of what comes before its first letter (numbering,
// an emoji), of punctuation and of a leading "the" or "our", it equals or
// starts with one of these.
// Numbering is stripped first, so "5 whys" is "whys".
// A name in alone counts only as the whole heading: "Data" is supporting
// data, "Data loss" is not.
var sectionSynonyms = []struct {
	kind  SectionKind
	names []string
	alone []string
}{
	{SectionSummary, []string{"summary", "tl;dr", "tldr", "executive summary", "overview", "incident summary", "issue summary", "outage summary", "abstract", "description", "outage description", "incident description"}, nil},
	{SectionImpact, []string{"customer impact", "impact", "user impact", "business impact", "impact assessment", "incident impact", "affected users", "affected customers", "who was affected", "end user impact", "end-user impact", "infrastructure impact", "productivity impact", "financial impact", "revenue impact", "service impact"}, nil},
	{SectionTimeline, []string{"timeline", "incident timeline", "chronology", "sequence of events", "timeline of events", "detailed timeline", "chain of events"}, nil},
	{SectionFactors, []string{"contributing factors", "contributing factor", "root cause", "root causes", "root cause analysis", "trigger", "triggers", "why", "five whys", "whys", "causes", "what caused", "contributing conditions", "rca", "blameless root cause", "how did it happen", "how it happened"}, []string{"fault", "leadup", "lead-up", "lead up"}},
	{SectionLessons, []string{"lessons learned", "lessons learnt", "lessons", "what went well", "what went wrong", "where we got lucky", "where did we get lucky", "what went badly", "what could have gone better", "learnings", "what we learned", "things that went well", "things that went wrong", "things that went poorly", "key takeaways", "takeaways", "what can be improved", "what could be improved", "what to improve", "areas for improvement", "opportunities for improvement", "what didn't go well", "what didn't go so well", "what did not go well", "what went poorly", "how'd we do", "how did we do", "problems encountered", "what we've learned", "what we have learned"}, nil},
	{SectionActionItems, []string{"action items", "action item", "follow-ups", "follow ups", "followups", "follow-up actions", "corrective actions", "corrective and preventative measures", "remediation", "remediations", "next steps", "actions", "todo", "recommendations", "follow-up", "follow up", "action plan", "preventive actions", "preventative actions", "preventive measures", "preventative measures", "corrective and preventive actions", "post-incident actions", "what we're doing", "what we are doing", "what we will do", "what we'll do", "what we're changing", "what we are changing", "what we will change", "changes we're making", "changes we are making", "steps we're taking", "steps we are taking", "how we're preventing", "how we are preventing", "how we will prevent", "how we'll prevent", "preventing recurrence", "preventing this from happening again", "prevention", "going forward", "moving forward", "what's next", "what is next"}, nil},
	{SectionSupportingData, []string{"supporting data", "supporting information", "graphs", "supporting evidence", "supporting documents"}, []string{"data"}},
	{SectionResponseAnalysis, []string{"incident response analysis", "response analysis", "detection", "response", "recovery", "resolution", "mitigation", "incident response", "how was it detected", "how did we respond", "how we responded", "how we detected"}, nil},
	{SectionPostAnalysis, []string{"post-incident analysis", "post incident analysis", "post-mortem analysis", "analysis"}, nil},
}

// SectionKindOf returns the section kind a heading names, read from its
// key (headingKey): no markup, numbering, emoji or trailing punctuation.
func SectionKindOf(heading string) SectionKind {
	return kindOfKey(headingKey(heading))
}

// kindOfKey is the section kind of a heading whose key is h.
func kindOfKey(h string) SectionKind {
	h = withoutArticle(h)
	if strings.Contains(h, "(s)") {
		// "Root Cause(s)", "Action Item(s)": the plural's synonym.
		h = strings.ReplaceAll(h, "(s)", "s")
	}
	for _, s := range sectionSynonyms {
		for _, n := range s.names {
			// n alone, or followed by a space, a colon or a bracket
			// ("Timeline(UTC)"); without building n+" " for every synonym
			// of every heading.
			if strings.HasPrefix(h, n) && (len(h) == len(n) || h[len(n)] == ' ' || h[len(n)] == ':' || h[len(n)] == '(') {
				return s.kind
			}
		}
		if slices.Contains(s.alone, h) {
			return s.kind
		}
	}
	return SectionOther
}

// withoutArticle is a heading's key without a leading "the" or "our":
// "The five whys", "Our response" and "The timeline" name their sections
// as "Five whys", "Response" and "Timeline" do.
func withoutArticle(h string) string {
	for _, a := range [...]string{"the ", "our "} {
		if rest, ok := strings.CutPrefix(h, a); ok && rest != "" {
			return strings.TrimLeft(rest, " ")
		}
	}
	return h
}

func notLetter(r rune) bool { return !unicode.IsLetter(r) }

// heading is an ATX or setext heading found in a body.
type heading struct {
	level int
	text  string
	line  int // body-relative, 0-based
	start int // byte offset of the heading's first line
	end   int // byte offset after the heading (content starts here)
}

// scanHeadings finds ATX and setext headings outside fenced code blocks and
// HTML comments. Their texts are cut from one copy of body.
func scanHeadings(body []byte) []heading {
	var hs []heading
	text := string(body)
	sc := headingScan{para: -1}
	paraStart, paraEnd := -1, -1 // the byte offsets of line sc.para
	off := 0
	for n := 0; off < len(text); n++ {
		end := strings.IndexByte(text[off:], '\n')
		next := len(text)
		if end >= 0 {
			end += off
			next = end + 1
		} else {
			end = len(text)
		}
		level, htext, setext := sc.line(n, text[off:end])
		switch {
		case level > 0 && !setext:
			hs = append(hs, heading{level: level, text: htext, line: n, start: off, end: next})
		case level > 0:
			hs = append(hs, heading{level: level, text: strings.TrimSpace(text[paraStart:paraEnd]), line: n - 1, start: paraStart, end: next})
		case sc.para == n:
			paraStart, paraEnd = off, end
		}
		off = next
	}
	return hs
}

// headingScan is the state of the heading rules between the lines of a
// body, which scanHeadings and OutlineOfLines feed it in turn.
type headingScan struct {
	fence     string
	inComment bool
	// para is the first line of the paragraph before, -1 for none: the
	// text of a setext heading.
	para     int
	prevPara bool
	// level is the level of the last ATX or setext heading, under which
	// a bold line that names a section is one level deeper.
	level int
}

// line reads line n of the body (without its line end) and returns the
// level of the heading it ends, 0 for none: an ATX heading on line n,
// with its text; or, setext, an underline's heading on line n-1, whose
// text is line s.para, the paragraph's first.
func (s *headingScan) line(n int, line string) (level int, text string, setext bool) {
	line = strings.TrimRight(line, " \t")
	indent := len(line) - len(strings.TrimLeft(line, " "))
	t := strings.TrimSpace(line)
	switch {
	case s.inComment:
		if strings.Contains(t, "-->") {
			s.inComment = false
		}
		s.prevPara = false
	case s.fence != "":
		if indent < 4 && strings.HasPrefix(t, s.fence) && len(strings.Trim(t, s.fence[:1])) == 0 {
			s.fence = ""
		}
		s.prevPara = false
	case indent < 4 && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")):
		k := 0
		for k < len(t) && t[k] == t[0] {
			k++
		}
		s.fence = t[:k]
		s.prevPara = false
	case indent < 4 && strings.HasPrefix(t, "<!--"):
		s.inComment = !strings.Contains(t[4:], "-->")
		s.prevPara = false
	case indent < 4 && len(t) > 0 && t[0] == '#':
		k := 0
		for k < len(t) && t[k] == '#' {
			k++
		}
		if k <= 6 && (k == len(t) || t[k] == ' ' || t[k] == '\t') {
			s.prevPara, s.level = false, k
			return k, strings.TrimSpace(strings.TrimRight(strings.TrimSpace(t[k:]), "#")), false
		}
		// "#tag" is paragraph text and may start a setext heading.
		if !s.prevPara {
			s.para = n
		}
		s.prevPara = true
	case indent < 4 && s.prevPara && len(t) > 0 && (allByte(t, '=') || allByte(t, '-') && len(t) >= 2):
		s.prevPara = false
		if t[0] == '-' {
			s.level = 2
			return 2, "", true
		}
		s.level = 1
		return 1, "", true
	default:
		if indent < 4 && !s.prevPara {
			// "**Timeline (UTC)**" on a line of its own, as a report
			// pasted from a word processor or a chat marks its sections:
			// a heading one level below the last one written with # (a
			// level 2 under the title), when it names a section.
			if h := boldHeading(t); h != "" {
				s.para = -1
				return min(max(s.level+1, 2), 6), h, false
			}
		}
		isPara := len(t) > 0 && !strings.HasPrefix(t, "|") && !strings.HasPrefix(t, "- ") &&
			!strings.HasPrefix(t, "* ") && !strings.HasPrefix(t, ">") && indent < 4
		if isPara && !s.prevPara {
			s.para = n
		}
		if !isPara {
			s.para = -1
		}
		s.prevPara = isPara
	}
	return 0, "", false
}

// boldHeading is the text of a line that is only bold text naming a
// section ("**Timeline (UTC)**", "__Root cause:__", "**Action items**:"),
// or "".
func boldHeading(t string) string {
	var in string
	for _, m := range [...]string{"**", "__"} {
		u := strings.TrimSuffix(t, ":")
		if len(u) > 4 && strings.HasPrefix(u, m) && strings.HasSuffix(u, m) && !strings.Contains(u[2:len(u)-2], m) {
			in = strings.TrimSpace(strings.TrimSuffix(u[2:len(u)-2], ":"))
		}
	}
	if in == "" || len(in) > 60 || SectionKindOf(in) == SectionOther {
		return ""
	}
	return in
}

func allByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != c {
			return false
		}
	}
	return len(s) > 0
}

// splitSections cuts a body into sections at every heading. A section's
// text runs to the next heading of the same or a higher level, so a
// "### Five whys" stays inside "## Contributing factors". Text before the
// first heading is not a section. text is body as a string: every
// section's text is a substring of it.
func splitSections(body []byte, text string, bodyLine int) ([]Section, []heading) {
	hs := scanHeadings(body)
	secs := make([]Section, 0, len(hs))
	for i, h := range hs {
		end := len(body)
		for _, n := range hs[i+1:] {
			if n.level <= h.level {
				end = n.start
				break
			}
		}
		secs = append(secs, Section{
			Kind:    SectionKindOf(h.text),
			Heading: h.text,
			Level:   h.level,
			Line:    bodyLine + h.line,
			Text:    text[min(h.end, end):end],
			Start:   h.start,
			End:     end,
		})
	}
	return secs, hs
}

// readOnlyBytes returns the bytes of s without a copy: they are the
// string's, and must never be written. Its capacity is its length, so an
// append copies.
func readOnlyBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
