package lint

import (
	"bytes"
	"strings"
)

// line is one line of a postmortem body, classified for the rules that read
// prose.
type line struct {
	// n is the file line.
	n int
	// text is the line as written.
	text string
	// prose is text with HTML comments and inline code spans blanked out
	// with spaces, so that byte columns in it are columns in text. It is
	// empty for lines inside fenced code and HTML comments.
	prose string
	// quote marks a block quote line (">"): quoted words are someone
	// else's, so blameless-language does not read them.
	quote bool
	// comments are the HTML comments that end on this line.
	comments []string
}

// splitBody cuts a body into lines, tracking fenced code blocks and HTML
// comments (which may span lines). first is the file line of the body's
// first byte.
func splitBody(body []byte, first int) []line {
	return splitText(string(body), first)
}

// splitText is splitBody on a string, whose lines share its memory.
func splitText(body string, first int) []line {
	lines := make([]line, 0, strings.Count(body, "\n")+1)
	var fence string   // the open fence's marker run, "" outside code
	inComment := false // inside <!-- … --> across lines
	var comment []byte // text of the comment being read
	for i := 0; ; i++ {
		raw, rest, more := strings.Cut(body, "\n")
		body = rest
		l := line{n: first + i, text: raw}
		trimmed := strings.TrimLeft(raw, " \t")
		switch {
		case fence != "":
			if strings.HasPrefix(trimmed, fence) && strings.Trim(strings.TrimSpace(trimmed), fence[:1]) == "" {
				fence = ""
			}
		case !inComment && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")):
			k := 0
			for k < len(trimmed) && trimmed[k] == trimmed[0] {
				k++
			}
			fence = trimmed[:k]
		default:
			l.prose, inComment, comment, l.comments = mask(raw, inComment, comment)
			l.quote = strings.HasPrefix(trimmed, ">")
		}
		lines = append(lines, l)
		if !more || body == "" {
			break
		}
	}
	return lines
}

// mask blanks out HTML comments and code spans in one line. It carries the
// state of a comment that spans lines and returns the comments that end on
// the line.
func mask(s string, inComment bool, comment []byte) (string, bool, []byte, []string) {
	if !inComment && strings.IndexByte(s, '`') < 0 && !strings.Contains(s, "<!--") {
		return s, false, nil, nil
	}
	b := []byte(s)
	var done []string
	for i := 0; i < len(b); {
		switch {
		case inComment:
			if j := bytes.Index(b[i:], []byte("-->")); j >= 0 {
				comment = append(comment, b[i:i+j]...)
				done = append(done, string(comment))
				comment = nil
				blank(b[i : i+j+3])
				i += j + 3
				inComment = false
			} else {
				comment = append(append(comment, b[i:]...), '\n')
				blank(b[i:])
				i = len(b)
			}
		case bytes.HasPrefix(b[i:], []byte("<!--")):
			blank(b[i : i+4])
			i += 4
			inComment = true
		case b[i] == '`':
			k := i
			for k < len(b) && b[k] == '`' {
				k++
			}
			run := b[i:k]
			if j := bytes.Index(b[k:], run); j >= 0 {
				blank(b[i : k+j+len(run)])
				i = k + j + len(run)
			} else {
				i = k
			}
		default:
			i++
		}
	}
	return string(b), inComment, comment, done
}

func blank(b []byte) {
	for i := range b {
		b[i] = ' '
	}
}

// asciiLower lower-cases ASCII letters only, so that byte offsets in the
// result are byte offsets in s.
func asciiLower(s string) string {
	i := 0
	for i < len(s) && !('A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// lineAt returns the body line with file line n, or nil.
func lineAt(lines []line, n int) *line {
	if len(lines) == 0 {
		return nil
	}
	i := n - lines[0].n
	if i < 0 || i >= len(lines) {
		return nil
	}
	return &lines[i]
}
