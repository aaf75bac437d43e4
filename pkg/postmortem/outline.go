package postmortem

import "bytes"

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
	var stack []OutlineHeading // the enclosing headings of the current one
	for _, h := range scanHeadings(body) {
		oh := OutlineHeading{Line: bodyLine + h.line, Level: h.level, Text: h.text, Kind: SectionKindOf(h.text)}
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

// rawFrontMatterEnd returns the number of lines the front matter of
// content takes, delimiters included, or 0 when it has none or it is not
// closed.
func rawFrontMatterEnd(content []byte) int {
	open, openLine := firstLine(content)
	closing := map[string]string{"---": "---", "---yaml": "---", "---toml": "---", "---json": "---", "+++": "+++", ";;;": ";;;", "{": "}"}[open]
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
