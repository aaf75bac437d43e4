package postmortem

import (
	"bytes"
	"strings"
	"sync"
)

// Outline is where a postmortem's front matter and sections are, found
// without decoding anything: what a diff of two versions needs to say
// which section a changed line is in. It is read from normalised content
// (see Normalize).
type Outline struct {
	// FrontMatterEnd is the number of lines the front matter takes, its
	// delimiters included; 0 when there is none.
	FrontMatterEnd int
	// Headings are the body's headings in order, as Parse recognises
	// them.
	Headings []OutlineHeading
}

// OutlineHeading is one heading of an Outline.
type OutlineHeading struct {
	// Line is the 0-based line of the file the heading starts on.
	Line  int
	Level int
	Text  string
	// Kind is the section kind the heading names or, for a heading that
	// names none, the kind of the section it is nested in ("### Open"
	// under "## Action items" is action items too).
	Kind SectionKind
}

// OutlineOf finds the front matter and the headings of content. The
// front matter is the text between an opening delimiter on the first
// non-blank line and its closing one, as SplitFrontMatter reads it; a
// front matter that is never closed is body text.
func OutlineOf(content []byte) Outline {
	var o Outline
	body, bodyLine := content, 0
	if end := rawFrontMatterEnd(content); end > 0 {
		o.FrontMatterEnd = end
		bodyLine = end
		body = content[lineOffset(content, end):]
	}
	hs := scanHeadings(body)
	if len(hs) > 0 {
		o.Headings = make([]OutlineHeading, 0, len(hs))
	}
	var buf [8]OutlineHeading
	stack := buf[:0] // the enclosing headings of the current one
	for _, h := range hs {
		oh := OutlineHeading{Line: bodyLine + h.line, Level: h.level, Text: h.text, Kind: kindOf(h.text)}
		for len(stack) > 0 && stack[len(stack)-1].Level >= h.level {
			stack = stack[:len(stack)-1]
		}
		if oh.Kind == SectionOther && len(stack) > 0 {
			oh.Kind = stack[len(stack)-1].Kind
		}
		stack = append(stack, oh)
		o.Headings = append(o.Headings, oh)
	}
	return o
}

// OutlineOfLines is OutlineOf of the normalised content whose lines,
// without their line ends, are lines (a final line end makes no empty
// last line): what a caller that split the content already (package
// revdiff) reads without scanning it again. The headings' texts are cut
// from lines. FuzzOutlineOfLines holds it to OutlineOf.
func OutlineOfLines(lines []string) Outline {
	var o Outline
	bodyLine := 0
	if end := frontMatterEndLines(lines); end > 0 {
		o.FrontMatterEnd = end
		bodyLine = end
	}
	// A postmortem has a dozen headings or so: one slice for them.
	o.Headings = make([]OutlineHeading, 0, 16)
	var buf [8]OutlineHeading
	stack := buf[:0] // the enclosing headings of the current one
	add := func(line, level int, text string) {
		oh := OutlineHeading{Line: line, Level: level, Text: text, Kind: kindOf(text)}
		for len(stack) > 0 && stack[len(stack)-1].Level >= level {
			stack = stack[:len(stack)-1]
		}
		if oh.Kind == SectionOther && len(stack) > 0 {
			oh.Kind = stack[len(stack)-1].Kind
		}
		stack = append(stack, oh)
		o.Headings = append(o.Headings, oh)
	}
	sc := headingScan{para: -1}
	for n := bodyLine; n < len(lines); n++ {
		// n counts from the file's start, not the body's, as add wants
		// it; the scan only compares line numbers with each other.
		switch level, text, setext := sc.line(n, lines[n]); {
		case level > 0 && !setext:
			add(n, level, text)
		case level > 0:
			// Named after the paragraph's first line, on the line above
			// the underline, as scanHeadings has it.
			add(n-1, level, strings.TrimSpace(lines[sc.para]))
		}
	}
	if len(o.Headings) == 0 {
		o.Headings = nil // as OutlineOf has it
	}
	return o
}

// frontMatterEndLines is rawFrontMatterEnd of the content whose lines
// are lines.
func frontMatterEndLines(lines []string) int {
	open := -1
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			open = i
			break
		}
	}
	if open < 0 {
		return 0
	}
	closing := closingFence(strings.TrimSpace(lines[open]))
	if closing == "" {
		return 0
	}
	for n := open + 1; n < len(lines); n++ {
		if strings.TrimSpace(lines[n]) == closing {
			return n + 1
		}
	}
	return 0
}

// closingFence is the line that closes front matter opened by the line
// open, "" when open opens none.
func closingFence(open string) string {
	switch open {
	case "---", "---yaml", "---toml", "---json":
		return "---"
	case "+++", ";;;":
		return open
	case "{":
		return "}"
	}
	return ""
}

// rawFrontMatterEnd returns the number of lines the front matter of
// content takes, delimiters included, or 0 when it has none or it is not
// closed.
func rawFrontMatterEnd(content []byte) int {
	open, openLine := firstLine(content)
	closing := closingFence(open)
	if closing == "" {
		return 0
	}
	n := 0
	for off := 0; off < len(content); n++ {
		end := bytes.IndexByte(content[off:], '\n')
		next := len(content)
		if end >= 0 {
			next = off + end + 1
		} else {
			end = len(content) - off
		}
		if n+1 > openLine && string(bytes.TrimSpace(content[off:off+end])) == closing {
			return n + 1
		}
		off = next
	}
	return 0
}

// lineOffset returns the byte offset of 0-based line n of content.
func lineOffset(content []byte, n int) int {
	off := 0
	for ; n > 0 && off < len(content); n-- {
		i := bytes.IndexByte(content[off:], '\n')
		if i < 0 {
			return len(content)
		}
		off += i + 1
	}
	return off
}

// kindOf is SectionKindOf(heading), remembered for the headings met
// first: a diff outlines every version of every postmortem, whose
// headings are mostly the same few ("Summary", "Timeline"), and
// SectionKindOf lowers and trims each before comparing it with every
// synonym.
func kindOf(heading string) SectionKind {
	kinds.RLock()
	k, ok := kinds.m[heading]
	kinds.RUnlock()
	if ok {
		return k
	}
	k = SectionKindOf(heading)
	if len(heading) <= maxKindHeading {
		kinds.Lock()
		if len(kinds.m) < maxKinds {
			if kinds.m == nil {
				kinds.m = map[string]SectionKind{}
			}
			kinds.m[heading] = k
		}
		kinds.Unlock()
	}
	return k
}

// kinds holds what kindOf remembers: at most maxKinds headings of at
// most maxKindHeading bytes each, so a history of ever new headings
// costs a bounded map.
var kinds struct {
	sync.RWMutex
	m map[string]SectionKind
}

const (
	maxKinds       = 4096
	maxKindHeading = 80
)
