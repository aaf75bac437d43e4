package markdown

import (
	"bytes"
	"sort"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
)

// stateKey is where Render leaves the renderState of one document in the
// parser context, for the AST transformers of this package to use. The key
// itself never changes after package initialisation.
var stateKey = parser.NewContextKey()

// renderState is what one call to Render shares with the transformers.
type renderState struct {
	src      []byte
	resolver Resolver
	host     string
	// reserved is Options.Reserved, and moved maps an id a heading would
	// have had but for it to the id the first such heading got, so that
	// a link written for the repository host (#main) reaches the heading.
	reserved func(string) bool
	moved    map[string]string

	headings []Heading
	problems []Problem

	// headingNodes are the nodes of headings, one for each of headings.
	headingNodes []ast.Node
	// fragments are the links whose destination is a #fragment.
	fragments []*ast.Link
	// plan is the Render call's Plan, or nil; slotAt holds the offset in
	// out of each slot it chose, -1 until the slot is written.
	plan   Plan
	slotAt []int
	out    *bytes.Buffer

	lineStarts []int // offsets of line starts, computed on first use
}

// stateFrom returns the renderState of the document being parsed, or nil
// when the parser was not started by Render.
func stateFrom(pc parser.Context) *renderState {
	st, _ := pc.Get(stateKey).(*renderState)
	return st
}

// problem records a problem at the line of node n.
func (st *renderState) problem(n ast.Node, msg string) {
	st.problems = append(st.problems, Problem{Line: st.line(nodeOffset(n)), Message: msg})
}

// line converts a byte offset in src to a 1-based line number. Offsets
// that are unknown (negative) count as line 1.
func (st *renderState) line(off int) int {
	if off < 0 {
		return 1
	}
	if st.lineStarts == nil {
		st.lineStarts = append(st.lineStarts, 0)
		for i, rest := 0, st.src; ; {
			j := bytes.IndexByte(rest, '\n')
			if j < 0 {
				break
			}
			i += j + 1
			rest = rest[j+1:]
			st.lineStarts = append(st.lineStarts, i)
		}
	}
	// The number of line starts at or before off is the line number.
	return sort.Search(len(st.lineStarts), func(i int) bool { return st.lineStarts[i] > off })
}

// nodeOffset returns the byte offset in the source where n starts, or -1.
// goldmark records a position on inline nodes it parses; for anything else
// the first text inside n or the first line of an enclosing block is used.
func nodeOffset(n ast.Node) int {
	if p := n.Pos(); p >= 0 {
		return p
	}
	off := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); entering && ok {
			off = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if off >= 0 {
		return off
	}
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			return p.Lines().At(0).Start
		}
		if pos := p.Pos(); pos >= 0 {
			return pos
		}
	}
	return -1
}
