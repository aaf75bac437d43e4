package postmortem

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"github.com/inquest-dev/inquest/pkg/internal/mdtext"
)

// TextReader reads Markdown as plain text: a summary's first paragraph
// (Incident.Summary) or a whole text (PlainText). It is safe for
// concurrent use.
type TextReader struct {
	md parser.Parser
}

// NewTextReader returns a TextReader. Its parser knows GitHub's
// extensions, so that a table is a table and ~~struck~~ text, task boxes
// and footnote references are markup rather than text. Linkify is left
// out: a bare URL's text is the same with it or without it, and it looks
// at every word (it doubled the time of a summary: 24 µs against 11 µs in
// BenchmarkSummaryText).
func NewTextReader() *TextReader {
	return &TextReader{md: goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList, extension.Footnote)).Parser()}
}

// summary is the plain text of the first paragraph of Markdown src,
// as a reader sees it on the page: a list counts as a paragraph (its items
// joined), headings, code, tables, HTML blocks and comments are skipped,
// inline markup (emphasis, code spans, links, images, line breaks) gives
// way to its text, and inline raw HTML is kept as written, as the page
// shows it. A citation link such as "[[1]](#References)" means
// nothing away from the page and is left out. With all set, every
// paragraph is joined, as for a front-matter summary.
func (r *TextReader) summary(src string, all bool) string {
	if line, _ := mdtext.OverBudget([]byte(src)); line > 0 {
		// Too costly to parse (see mdtext.OverBudget): the text as
		// written, its first paragraph unless all.
		if !all {
			src, _, _ = strings.Cut(strings.TrimSpace(src), "\n\n")
		}
		return strings.Join(strings.Fields(src), " ")
	}
	var b strings.Builder
	source, doc := r.parse(src)
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		before := b.Len()
		blockText(&b, source, c, false)
		if b.Len() > before && !all {
			break
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// PlainText is the text of Markdown src as a reader sees it, a line for
// each paragraph, list item, heading, table row and line of code or raw
// HTML: HTML comments are left out, inline markup gives way to its text
// (as in Incident.Summary), and table cells are joined with " | ".
func (r *TextReader) PlainText(src string) string {
	if line, _ := mdtext.OverBudget([]byte(src)); line > 0 {
		return strings.TrimSpace(src) // too costly to parse: as written
	}
	var b strings.Builder
	source, doc := r.parse(src)
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		blockText(&b, source, c, true)
	}
	return strings.TrimSpace(b.String())
}

// parse parses src; blank text is not parsed at all.
func (r *TextReader) parse(src string) ([]byte, ast.Node) {
	if strings.TrimSpace(src) == "" {
		return nil, ast.NewDocument()
	}
	source := []byte(src)
	return source, r.md.Parse(text.NewReader(source))
}

// blockText writes the text of the paragraphs of a block, each ended by a
// newline: a paragraph, or the paragraphs of a list or a block quote; with
// every set, also headings, code and tables.
func blockText(b *strings.Builder, source []byte, n ast.Node, every bool) {
	switch n.Kind() {
	case ast.KindParagraph, ast.KindTextBlock:
		inlineText(b, source, n)
		b.WriteByte('\n')
	case ast.KindList, ast.KindListItem, ast.KindBlockquote:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			blockText(b, source, c, every)
		}
	case ast.KindHeading:
		if every {
			inlineText(b, source, n)
			b.WriteByte('\n')
		}
	case east.KindTableRow, east.KindTableHeader:
		if every {
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if c.PreviousSibling() != nil {
					b.WriteString(" | ")
				}
				inlineText(b, source, c)
			}
			b.WriteByte('\n')
		}
	case east.KindTable:
		if every {
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				blockText(b, source, c, every)
			}
		}
	case ast.KindHTMLBlock:
		if every && n.(*ast.HTMLBlock).HTMLBlockType != ast.HTMLBlockType2 {
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				b.Write(bytes.TrimRight(seg.Value(source), "\n"))
				b.WriteByte('\n')
			}
		}
	case ast.KindFencedCodeBlock, ast.KindCodeBlock:
		if every {
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				b.Write(bytes.TrimRight(seg.Value(source), "\n"))
				b.WriteByte('\n')
			}
		}
	}
}

// inlineText writes the text of n's inline content.
func inlineText(b *strings.Builder, source []byte, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if mdtext.Leaf(b, source, c) {
			continue
		}
		switch c := c.(type) {
		case *ast.AutoLink:
			b.Write(c.Label(source))
		case *ast.Link:
			var t strings.Builder
			inlineText(&t, source, c)
			if len(c.Destination) > 0 && c.Destination[0] == '#' && isCitation(t.String()) {
				// The space before the mark goes with it.
				kept := strings.TrimRight(b.String(), " \t")
				b.Reset()
				b.WriteString(kept)
				continue
			}
			b.WriteString(t.String())
		case *ast.RawHTML:
			// The page shows raw HTML as written (unless the repository
			// trusts its HTML); a comment is never shown.
			for i := 0; i < c.Segments.Len(); i++ {
				seg := c.Segments.At(i)
				v := seg.Value(source)
				if i == 0 && bytes.HasPrefix(v, []byte("<!--")) {
					break
				}
				b.Write(v)
			}
		case *east.FootnoteLink, *east.TaskCheckBox:
		default:
			inlineText(b, source, c)
		}
	}
}

// isCitation reports whether s, the text of a link to a place on the same
// page, is a citation mark: "[1]", "[a]", "12".
func isCitation(s string) bool {
	s = strings.TrimSpace(s)
	inner, bracketed := strings.CutPrefix(s, "[")
	if bracketed {
		if inner, bracketed = strings.CutSuffix(inner, "]"); !bracketed {
			return false
		}
	}
	inner = strings.TrimSpace(inner)
	if inner == "" || len(inner) > 3 {
		return false
	}
	for _, r := range inner {
		switch {
		case '0' <= r && r <= '9':
		case bracketed && ('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'):
		default:
			return false
		}
	}
	return true
}
