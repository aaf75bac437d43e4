package postmortem

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/inquest-dev/inquest/pkg/scaffold/builtin"
	"github.com/inquest-dev/inquest/pkg/timeline"
	"github.com/inquest-dev/inquest/pkg/worktree"
)

// Template is the text of a repository's postmortem template that a
// postmortem must replace before it is published: the example entries,
// prompts and empty rows of templates/postmortem.md, or of inquest's
// built-in template when the repository has none. A postmortem that still
// holds such a line gets a template-placeholder finding naming the line of
// the template it matches, and a timeline entry or action item written on
// it is left out of the model, so that made-up examples never reach the
// metrics.
type Template struct {
	// Name says where the template came from, for findings:
	// "templates/postmortem.md" or "inquest's built-in template".
	Name string
	// lines maps a placeholder line to its line in the template file: a
	// table row normalised (see appendKey), any other line trimmed but as
	// written, since examples are copied, not retyped. headings maps a
	// heading's normalised text to its line.
	lines, headings map[string]int
	// lengths marks the lengths of the lines that are compared as
	// written: a line of another length is not looked up.
	lengths map[int]bool
}

// BuiltinTemplateName names inquest's own template in findings.
const BuiltinTemplateName = "inquest's built-in template"

// LoadTemplate reads the template of the repository at root,
// builtin.Path, or takes inquest's built-in template when root is
// "" or the repository has none. The template is read under the work
// tree's rule (package worktree): one that is a symbolic link out of the
// repository or to a hidden file (.git/config, .env) is refused, never
// read. A template that cannot be read is replaced by the built-in one,
// whose name then says why.
func LoadTemplate(root string) *Template {
	if root == "" {
		return ParseTemplate(BuiltinTemplateName, builtin.Template())
	}
	tree, err := worktree.New(root, worktree.Options{})
	var data []byte
	if err == nil {
		data, err = tree.ReadFile(builtin.Path, MaxFileSize)
	}
	var refused *worktree.Refusal
	switch {
	case errors.As(err, &refused):
		return ParseTemplate(fmt.Sprintf("%s (%v)", BuiltinTemplateName, refused), builtin.Template())
	case err == nil:
		return ParseTemplate(builtin.Path, data)
	case errors.Is(err, fs.ErrNotExist):
		return ParseTemplate(BuiltinTemplateName, builtin.Template())
	}
	return ParseTemplate(fmt.Sprintf("%s (%s cannot be read: %v)", BuiltinTemplateName, builtin.Path, errors.Unwrap(err)), builtin.Template())
}

// ParseTemplate reads the placeholder text of a template named name. Every
// line of its body that a writer is meant to replace counts: list items,
// paragraphs, table body rows and quotes. Headings (the structure a
// postmortem keeps), table header rows, comments, code, lines holding
// text/template actions ({{.Title}}) and lines that state the timeline's
// zone ("All times in UTC.", true of any timeline written in that zone) do
// not.
func ParseTemplate(name string, data []byte) *Template {
	t := &Template{Name: name, lines: map[string]int{}, headings: map[string]int{}, lengths: map[int]bool{}}
	data = Normalize(data)
	_, body, bodyLine, _ := SplitFrontMatter(data)
	prevRow := ""
	forEachTextLine(body, bodyLine, func(n int, line []byte) {
		s := string(line)
		row := prevRow
		prevRow = ""
		switch {
		case strings.Contains(s, "{{"):
			// A text/template action, filled in by inquest new.
		case strings.HasPrefix(s, "#"):
			if h := headingText(s); h != "" {
				if _, seen := t.headings[h]; !seen {
					t.headings[h] = n
				}
			}
		case isDelimiterRow(s):
			// The row above is the table's header.
			delete(t.lines, row)
		case statesZone(s):
		default:
			k := s
			if s[0] == '|' {
				k = string(appendKey(nil, line))
				prevRow = k
			} else {
				t.lengths[len(k)] = true
			}
			if _, seen := t.lines[k]; !seen {
				t.lines[k] = n
			}
		}
	})
	return t
}

// placeholders returns the body lines of inc that hold a placeholder line of
// t: each file line with the template line it matches.
func (t *Template) placeholders(inc *Incident) map[int]int {
	var out map[int]int
	var key []byte
	forEachTextLine(inc.Body, inc.BodyLine, func(n int, line []byte) {
		k := line
		switch {
		case line[0] == '|':
			key = appendKey(key[:0], line)
			k = key
		case !t.lengths[len(line)]:
			return
		}
		if tl, ok := t.lines[string(k)]; ok {
			if out == nil {
				out = map[int]int{}
			}
			out[n] = tl
		}
	})
	return out
}

// checkTemplate reports the placeholder text of t that inc still holds,
// at a level that follows its status: an error once published, a warning
// in review, one info finding for a draft. Timeline entries and action
// items written on those lines are removed from inc: they are the
// template's examples, not what happened.
func (p *Parser) checkTemplate(inc *Incident) {
	t := p.tmpl
	found := t.placeholders(inc)
	var empty []*Section
	var key []byte
	for i := range inc.Sections {
		s := &inc.Sections[i]
		key = appendKey(key[:0], s.Heading)
		// An empty section that is the first of its kind is reported by
		// required-published already.
		if _, ok := t.headings[string(key)]; ok && isBlank(s.Text) && (s.Kind == SectionOther || inc.Section(s.Kind) != s) {
			empty = append(empty, s)
		}
	}
	if len(found) == 0 && len(empty) == 0 {
		return
	}
	if len(found) > 0 {
		inc.Timeline = dropOnLines(inc.Timeline, found, func(e timeline.Event) int { return e.Line })
		inc.ActionItems = dropOnLines(inc.ActionItems, found, func(a ActionItem) int { return a.Line })
		// What the timeline and action-item parsers said of an example
		// (out of order, no owner) is said better by the finding below.
		inc.Findings = dropOnLines(inc.Findings, found, func(f Finding) int {
			if f.Rule == "timeline" || f.Rule == "action-items" {
				return f.Line
			}
			return 0
		})
	}
	const rule = "template-placeholder"
	level := LevelWarning
	status := p.cfg.WorkflowStatus(inc.Status)
	switch {
	case status == "" || p.cfg.IsDraft(status):
		first := 0
		for n := range found {
			if first == 0 || n < first {
				first = n
			}
		}
		for _, s := range empty {
			if first == 0 || s.Line < first {
				first = s.Line
			}
		}
		inc.add(first, LevelInfo, rule, "draft still holds %d lines and %d empty sections of %s (the first here); replace them before publishing",
			len(found), len(empty), t.Name)
		return
	case p.cfg.IsPublished(status):
		level = LevelError
	}
	lines := strings.Split(string(inc.Body), "\n")
	for n, tl := range found {
		inc.add(n, level, rule, "line is the template's placeholder text (%s); write what happened instead", t.where(tl, lines, n-inc.BodyLine))
	}
	for _, s := range empty {
		inc.add(s.Line, level, rule, "section %q is empty, as in the template (%s); fill it in or remove the heading", s.Heading, t.where(t.headings[string(appendKey(nil, s.Heading))], nil, -1))
	}
}

// where names a line of the template, with the postmortem's copy of it
// (line i of lines) quoted when there is one.
func (t *Template) where(line int, lines []string, i int) string {
	at := fmt.Sprintf("%s:%d", t.Name, line)
	if strings.HasPrefix(t.Name, BuiltinTemplateName) {
		at = fmt.Sprintf("line %d of %s", line, t.Name)
	}
	if i >= 0 && i < len(lines) {
		q := strings.TrimSpace(lines[i])
		if r := []rune(q); len(r) > 80 {
			q = string(r[:79]) + "…"
		}
		at += fmt.Sprintf(": %q", q)
	}
	return at
}

// dropOnLines removes the elements of xs written on the given lines.
func dropOnLines[T any](xs []T, lines map[int]int, line func(T) int) []T {
	out := xs[:0:0]
	for _, x := range xs {
		if _, ok := lines[line(x)]; !ok {
			out = append(out, x)
		}
	}
	if len(out) == len(xs) {
		return xs
	}
	return out
}

// forEachTextLine calls fn with the file line number and text of each line
// of body that a reader sees: lines of fenced code and HTML comments are
// skipped, and so are blank lines. line is only valid during the call.
func forEachTextLine(body []byte, first int, fn func(n int, line []byte)) {
	var fence []byte
	inComment := false
	n := first - 1
	for line := range bytes.Lines(body) {
		n++
		t := bytes.TrimSpace(line)
		switch {
		case inComment:
			inComment = !bytes.Contains(t, []byte("-->"))
			continue
		case fence != nil:
			if bytes.HasPrefix(t, fence) && len(bytes.Trim(t, string(fence[:1]))) == 0 {
				fence = nil
			}
			continue
		case bytes.HasPrefix(t, []byte("```")) || bytes.HasPrefix(t, []byte("~~~")):
			fence = t[:3]
			continue
		case bytes.HasPrefix(t, []byte("<!--")):
			if i := bytes.Index(t, []byte("-->")); i >= 0 {
				t = bytes.TrimSpace(t[i+3:])
			} else {
				inComment = true
				continue
			}
		}
		if len(t) > 0 {
			fn(n, t)
		}
	}
}

// isBlank reports whether Markdown text shows nothing: white space and
// HTML comments only.
func isBlank(text string) bool {
	for {
		before, after, found := strings.Cut(text, "<!--")
		if strings.TrimSpace(before) != "" {
			return false
		}
		if !found {
			return true
		}
		_, text, found = strings.Cut(after, "-->")
		if !found {
			return true
		}
	}
}

// headingText is the normalised text of an ATX heading line.
func headingText(s string) string {
	return string(appendKey(nil, strings.Trim(strings.TrimLeft(s, "#"), " #")))
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// appendKey appends to dst line normalised for comparison with the
// template's headings and table rows: lower case, each run of white space one space, none
// around a table's pipes, "..." as "…". It allocates nothing beyond dst.
func appendKey[T string | []byte](dst []byte, line T) []byte {
	for len(line) > 0 && isSpace(line[0]) {
		line = line[1:]
	}
	for len(line) > 0 && isSpace(line[len(line)-1]) {
		line = line[:len(line)-1]
	}
	space := false
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case isSpace(c):
			space = true
			i++
			continue
		case c == '|':
			space = false
			for len(dst) > 0 && dst[len(dst)-1] == ' ' {
				dst = dst[:len(dst)-1]
			}
			dst = append(dst, '|')
			for i++; i < len(line) && isSpace(line[i]); i++ {
			}
			continue
		}
		if space {
			dst = append(dst, ' ')
			space = false
		}
		switch {
		case c == '.' && i+2 < len(line) && line[i+1] == '.' && line[i+2] == '.':
			dst = append(dst, "…"...)
			i += 3
		case c < utf8.RuneSelf:
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
		default:
			r, n := utf8.DecodeRune([]byte(line[i:min(i+utf8.UTFMax, len(line))]))
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
			i += n
		}
	}
	return dst
}

// isDelimiterRow reports whether s is a table's delimiter row: |---|:--:|.
func isDelimiterRow(s string) bool {
	return strings.Contains(s, "-") && strings.Trim(s, "|-: \t") == ""
}

// zoneProbeDate is any date: a probe entry needs one to be given a zone.
var zoneProbeDate = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// statesZone reports whether a line of a template states the zone of the
// timeline below it, as the timeline parser reads such a line.
func statesZone(s string) bool {
	evs, _ := timeline.Parse([]byte(s+"\n\n- 10:00 probe\n"), 1, timeline.Options{Date: zoneProbeDate})
	return len(evs) == 1 && evs[0].Zone != ""
}
