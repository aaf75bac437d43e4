// Package mdtext reads the text of goldmark's inline nodes as a reader sees
// it, for the packages that turn Markdown into plain text (heading ids in
// package markdown, summaries in package postmortem).
package mdtext

import (
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"
)

// Leaf writes the text of n when it is a leaf of inline text: a text
// segment (backslash escapes and character references resolved, a line
// break as a space), a string, or a code span (its content as written). It
// reports whether n was one; the caller handles every other node.
func Leaf(b *strings.Builder, source []byte, n ast.Node) bool {
	switch n := n.(type) {
	case *ast.Text:
		v := n.Segment.Value(source)
		if !n.IsRaw() {
			v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
		}
		b.Write(v)
		if n.SoftLineBreak() || n.HardLineBreak() {
			b.WriteByte(' ')
		}
	case *ast.String:
		b.Write(n.Value)
	case *ast.CodeSpan:
		for t := n.FirstChild(); t != nil; t = t.NextSibling() {
			if t, ok := t.(*ast.Text); ok {
				b.Write(t.Segment.Value(source))
			}
		}
	default:
		return false
	}
	return true
}
