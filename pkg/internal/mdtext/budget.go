package mdtext

import (
	"bytes"
	"fmt"
)

// Static bounds that keep goldmark's inline parsing, quadratic in some
// shapes of text, cheap: "[a](" repeated 100,000 times took 45 s, a 4 MB
// line of one word 11 s and 1.2 GB, a table of 20,000 columns 10.6 s and
// 1.3 GB, a block quote 100,000 levels deep 11 s.
const (
	// MaxLine is the longest line parsed, in bytes.
	MaxLine = 32 << 10
	// MaxDelimiters is the most characters that open inline syntax ([ * _
	// ` <) in one paragraph (a run of lines without a blank one).
	MaxDelimiters = 5000
	// MaxNesting is the most block quotes (>) a line may open, and the
	// most spaces it may be indented by (lists nested in lists).
	MaxNesting = 64
)

// OverBudget returns the line and the reason when src is past the static
// bounds, or 0 and "". Every package that parses a postmortem's Markdown
// with goldmark checks it first (package markdown's Render, package
// postmortem's summaries and plain text).
func OverBudget(src []byte) (int, string) {
	line, delims, paraStart := 0, 0, 1
	for rest := src; len(rest) > 0; {
		line++
		l := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			l, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if len(l) > MaxLine {
			return line, fmt.Sprintf("line %d is %d bytes long (the limit is %d)", line, len(l), MaxLine)
		}
		if len(bytes.TrimSpace(l)) == 0 {
			delims, paraStart = 0, line+1
			continue
		}
		indent, quotes := 0, 0
		for _, c := range l {
			switch c {
			case ' ':
				indent++
				continue
			case '\t':
				indent += 4
				continue
			case '>':
				quotes++
				continue
			}
			break
		}
		if quotes > MaxNesting || indent > MaxNesting*4 {
			return line, fmt.Sprintf("line %d is nested %d block quotes and %d spaces deep (the limit is %d levels)", line, quotes, indent, MaxNesting)
		}
		for _, c := range l {
			switch c {
			case '[', '*', '_', '`', '<':
				delims++
			}
		}
		if delims > MaxDelimiters {
			return paraStart, fmt.Sprintf("the paragraph from line %d has more than %d of the characters [ * _ ` < that start links, emphasis, code and HTML", paraStart, MaxDelimiters)
		}
	}
	return 0, ""
}
