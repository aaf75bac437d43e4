package revdiff

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// ANSI colours of WriteText.
const (
	red      = "\x1b[31m"
	green    = "\x1b[32m"
	redBG    = "\x1b[7;31m" // reverse video: the changed words
	greenBG  = "\x1b[7;32m"
	bold     = "\x1b[1m"
	faint    = "\x1b[2m"
	resetSGR = "\x1b[0m"
)

// WriteText writes the diff for a terminal, section by section: a header
// with the words the section gained and lost, then its hunks, removed
// lines with "-", added ones with "+", unchanged ones indented. Without
// colour the words a line changed are marked [-so-] and {+so+}, as git's
// --word-diff=plain does; with colour they are in reverse video.
func (d *Diff) WriteText(w io.Writer, color bool) error {
	bw := bufio.NewWriter(w)
	p := printer{w: bw, color: color}
	if d.Fallback != "" {
		p.line(faint, "line summary: "+d.Fallback)
	}
	for _, s := range d.Sections {
		p.line(bold, fmt.Sprintf("@@ %s  %s", SectionName(s.Key, s.Heading), counts(s)))
		for _, h := range s.Hunks {
			if h.Skip > 0 {
				p.line(faint, fmt.Sprintf("   ⋮ %s", plural(h.Skip, "unchanged line")))
			}
			for _, l := range h.Lines {
				p.diffLine(l)
			}
		}
		if s.Trail > 0 && len(s.Hunks) > 0 {
			p.line(faint, fmt.Sprintf("   ⋮ %s", plural(s.Trail, "unchanged line")))
		}
	}
	return bw.Flush()
}

// SectionName is how a section is named to a reader: its heading, "front
// matter", or "text outside the sections".
func SectionName(key, heading string) string {
	switch {
	case key == KeyFrontMatter:
		return "front matter"
	case heading != "":
		return heading
	case key == KeyBody:
		return "text before the first heading"
	}
	return strings.ReplaceAll(key, "_", " ")
}

// counts says what a section gained and lost.
func counts(s Section) string {
	var parts []string
	if s.Added > 0 {
		parts = append(parts, fmt.Sprintf("+%d", s.Added))
	}
	if s.Removed > 0 {
		parts = append(parts, fmt.Sprintf("−%d", s.Removed))
	}
	if len(parts) == 0 {
		return fmt.Sprintf("(%s)", plural(s.Changed(), "line"))
	}
	return fmt.Sprintf("(%s words, %s)", strings.Join(parts, " "), plural(s.Changed(), "line"))
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

type printer struct {
	w     *bufio.Writer
	color bool
}

func (p printer) line(sgr, text string) {
	if p.color {
		text = sgr + text + resetSGR
	}
	p.w.WriteString(text)
	p.w.WriteByte('\n')
}

func (p printer) diffLine(l Line) {
	mark, sgr, hl := "   ", "", ""
	switch l.Op {
	case Delete:
		mark, sgr, hl = " - ", red, redBG
	case Insert:
		mark, sgr, hl = " + ", green, greenBG
	}
	if l.Op == Equal || l.Words == nil {
		// No trailing blanks on a blank line.
		p.line(sgr, strings.TrimRight(mark+l.Text, " "))
		return
	}
	var b strings.Builder
	b.WriteString(mark)
	for _, s := range l.Words {
		switch {
		case s.Op == Equal:
			b.WriteString(s.Text)
		case p.color:
			b.WriteString(hl + s.Text + resetSGR + sgr)
		case s.Op == Delete:
			b.WriteString("[-" + s.Text + "-]")
		default:
			b.WriteString("{+" + s.Text + "+}")
		}
	}
	p.line(sgr, b.String())
}
