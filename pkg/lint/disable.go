package lint

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// The inline directives, written in HTML comments so that they never show
// on the rendered page.
const (
	directiveFile     = "inquest-disable"
	directiveNextLine = "inquest-disable-next-line"
)

// disables are the rules a file switches off with inquest-disable comments.
type disables struct {
	file  map[string]bool
	lines map[int]map[string]bool
	// unknown are ids no rule has, with the line of their comment.
	unknown []unknownID
}

type unknownID struct {
	line, col int
	id        string
}

func hasDisable(body []byte) bool {
	return bytes.Contains(body, []byte(directiveFile))
}

// parseDisables reads the directives of a file's comments. A comment holds
// one directive followed by rule ids separated by commas or spaces:
// "inquest-disable rule-a, rule-b". Comments inside fenced code are
// examples, not directives.
func parseDisables(lines []line) *disables {
	d := &disables{}
	for _, l := range lines {
		for _, c := range l.comments {
			fields := strings.FieldsFunc(c, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
			if len(fields) == 0 {
				continue
			}
			var target map[string]bool
			switch fields[0] {
			case directiveFile:
				if d.file == nil {
					d.file = map[string]bool{}
				}
				target = d.file
			case directiveNextLine:
				if d.lines == nil {
					d.lines = map[int]map[string]bool{}
				}
				if d.lines[l.n+1] == nil {
					d.lines[l.n+1] = map[string]bool{}
				}
				target = d.lines[l.n+1]
			default:
				continue
			}
			for _, id := range fields[1:] {
				id = strings.ToLower(id)
				if _, ok := ruleByID(id); !ok {
					d.unknown = append(d.unknown, unknownID{l.n, strings.Index(asciiLower(l.text), id) + 1, id})
					continue
				}
				target[id] = true
			}
		}
	}
	return d
}

// covers reports whether a directive switches a finding off.
func (d *disables) covers(f postmortem.Finding) bool {
	return d != nil && (d.file[f.Rule] || d.lines[f.Line][f.Rule])
}

// disableComments reports ids in inquest-disable comments that name no rule.
func (lc *checker) disableComments(f *file) {
	for _, u := range f.disabled.unknown {
		msg := fmt.Sprintf("inquest-disable names unknown rule %q; it disables nothing", u.id)
		if s := suggest(u.id); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		f.add(u.line, u.col, postmortem.LevelWarning, "disable-comment", msg)
	}
}
