package postmortem

import (
	"bytes"
	"strings"
	"unsafe"
)

// sectionSynonyms maps lower-cased heading words to section kinds. A heading
// matches when, stripped of numbering and punctuation, it equals or starts
// with one of these.
var sectionSynonyms = []struct {
	kind  SectionKind
	names []string
}{
	{SectionSummary, []string{"summary", "tl;dr", "tldr", "executive summary", "overview", "incident summary", "abstract", "description"}},
	{SectionImpact, []string{"customer impact", "impact", "user impact", "business impact", "impact assessment"}},
	{SectionTimeline, []string{"timeline", "incident timeline", "chronology", "sequence of events", "timeline of events", "detailed timeline"}},
	{SectionFactors, []string{"contributing factors", "contributing factor", "root cause", "root causes", "root cause analysis", "trigger", "why", "five whys", "5 whys", "causes"}},
	{SectionLessons, []string{"lessons learned", "lessons learnt", "lessons", "what went well", "what went wrong", "where we got lucky", "learnings"}},
	{SectionActionItems, []string{"action items", "action item", "follow-ups", "follow ups", "followups", "follow-up actions", "corrective actions", "corrective and preventative measures", "remediation", "remediations", "next steps", "actions", "todo"}},
	{SectionSupportingData, []string{"supporting data", "supporting information", "data", "graphs", "supporting evidence"}},
	{SectionResponseAnalysis, []string{"incident response analysis", "response analysis", "detection", "response", "recovery"}},
	{SectionPostAnalysis, []string{"post-incident analysis", "post incident analysis", "post-mortem analysis", "analysis"}},
}

// SectionKindOf returns the section kind a heading names.
func SectionKindOf(heading string) SectionKind {
	h := strings.ToLower(strings.TrimSpace(heading))
	h = strings.TrimLeft(h, "0123456789.) \t")
	h = strings.Trim(h, " :*_#`?!.")
	h = strings.TrimSpace(h)
	for _, s := range sectionSynonyms {
		for _, n := range s.names {
			// n alone, or followed by a space or a colon; without building
			// n+" " for every synonym of every heading.
			if strings.HasPrefix(h, n) && (len(h) == len(n) || h[len(n)] == ' ' || h[len(n)] == ':') {
				return s.kind
			}
		}
	}
	return SectionOther
}

// heading is an ATX or setext heading found in a body.
type heading struct {
	level int
	text  string
	line  int // body-relative, 0-based
	start int // byte offset of the heading's first line
	end   int // byte offset after the heading (content starts here)
}

// scanHeadings finds ATX and setext headings outside fenced code blocks and
// HTML comments.
func scanHeadings(body []byte) []heading {
	var hs []heading
	var fence string
	inComment := false
	prevStart, prevEnd := -1, -1
	prevPara := false
	off := 0
	for n := 0; off < len(body); n++ {
		end := bytes.IndexByte(body[off:], '\n')
		next := len(body)
		if end >= 0 {
			end += off
			next = end + 1
		} else {
			end = len(body)
		}
		raw := body[off:end]
		line := bytes.TrimRight(raw, " \t")
		indent := len(line) - len(bytes.TrimLeft(line, " "))
		t := bytes.TrimSpace(line)
		switch {
		case inComment:
			if bytes.Contains(t, []byte("-->")) {
				inComment = false
			}
			prevPara = false
		case fence != "":
			if indent < 4 && bytes.HasPrefix(t, []byte(fence)) && len(bytes.Trim(t, fence[:1])) == 0 {
				fence = ""
			}
			prevPara = false
		case indent < 4 && (bytes.HasPrefix(t, []byte("```")) || bytes.HasPrefix(t, []byte("~~~"))):
			c := t[0]
			k := 0
			for k < len(t) && t[k] == c {
				k++
			}
			fence = strings.Repeat(string(c), k)
			prevPara = false
		case indent < 4 && bytes.HasPrefix(t, []byte("<!--")):
			inComment = !bytes.Contains(t[4:], []byte("-->"))
			prevPara = false
		case indent < 4 && len(t) > 0 && t[0] == '#':
			k := 0
			for k < len(t) && t[k] == '#' {
				k++
			}
			if k <= 6 && (k == len(t) || t[k] == ' ' || t[k] == '\t') {
				text := strings.TrimSpace(string(t[k:]))
				text = strings.TrimSpace(strings.TrimRight(text, "#"))
				hs = append(hs, heading{level: k, text: text, line: n, start: off, end: next})
				prevPara = false
			} else {
				// "#tag" is paragraph text and may start a setext heading.
				if !prevPara {
					prevStart, prevEnd = off, end
				}
				prevPara = true
			}
		case indent < 4 && prevPara && len(t) > 0 && (allByte(t, '=') || allByte(t, '-') && len(t) >= 2):
			level := 1
			if t[0] == '-' {
				level = 2
			}
			hs = append(hs, heading{level: level, text: string(bytes.TrimSpace(body[prevStart:prevEnd])), line: n - 1, start: prevStart, end: next})
			prevPara = false
		default:
			isPara := len(t) > 0 && !bytes.HasPrefix(t, []byte("|")) && !bytes.HasPrefix(t, []byte("- ")) &&
				!bytes.HasPrefix(t, []byte("* ")) && !bytes.HasPrefix(t, []byte(">")) && indent < 4
			if isPara && !prevPara {
				prevStart, prevEnd = off, end
			}
			if !isPara {
				prevStart, prevEnd = -1, -1
			}
			prevPara = isPara
		}
		off = next
	}
	return hs
}

func allByte(b []byte, c byte) bool {
	for _, x := range b {
		if x != c {
			return false
		}
	}
	return len(b) > 0
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
