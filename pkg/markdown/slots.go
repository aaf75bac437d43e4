package markdown

import (
	"net/url"
	"slices"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// BlockKind says what a top-level block of a document is.
type BlockKind int

// The kinds of block a Plan tells apart.
const (
	BlockOther   BlockKind = iota // a paragraph, table, code block, quote, …
	BlockHeading                  // an ATX or setext heading
	BlockList                     // a bullet or ordered list
	BlockComment                  // an HTML comment, which the page does not show
)

// Block is a top-level block of a document, as a Plan sees it.
type Block struct {
	Kind BlockKind
	// Line is the 1-based line of the source where the block starts.
	Line int
	// Level is a heading's level, 1 to 6.
	Level int
	// Text is a heading's text as a reader sees it.
	Text string
	// Items are a list's items.
	Items []Item
}

// Item is one item of a list.
type Item struct {
	// Line is the 1-based line of the source where the item starts.
	Line int
	// Text is the item's text as a reader sees it, without markup; code
	// spans keep their content.
	Text string
	// Plain reports that the item is one paragraph of text, code spans and
	// emphasis only, after a task-list box if it has one: a reader sees all
	// of it when it is written as plain text with its code spans and
	// emphasis. No nested blocks, links, images, raw HTML, strikethrough,
	// footnote references or hard line breaks.
	Plain bool
	// Task reports that the item starts with a task-list box ("[ ]" or
	// "[x]"); Checked that the box is ticked.
	Task, Checked bool
}

// Slot is a place in a document for content of the caller's own, such as a
// drawn timeline beside the section it was read from.
type Slot struct {
	// Block is the index, among the blocks given to the Plan, of the block
	// the slot follows, or the block it replaces.
	Block int
	// Replace leaves the block out of the page: the slot takes its place.
	Replace bool
}

// Plan chooses the slots of a document from its top-level blocks, in
// document order. Slots after the same block keep the order of the plan.
type Plan func(blocks []Block) []Slot

// kindSlot is the node kind of a slot in the document tree.
var kindSlot = ast.NewNodeKind("InquestSlot")

// slotNode marks where a slot's content goes; it renders nothing and notes
// the offset in the output it was reached at.
type slotNode struct {
	ast.BaseBlock
	st *renderState
	i  int
}

func (n *slotNode) Kind() ast.NodeKind { return kindSlot }

func (n *slotNode) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// finish is the last transformer: it points #fragment links at the
// headings they name, now that every heading has its id, and applies the
// Plan of the Render call.
var finish goldmark.Extender = finishExtension{}

type finishExtension struct{}

func (finishExtension) Extend(m goldmark.Markdown) {
	// After the heading anchors and links (100) and the footnote list (999).
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(finishTransformer{}, 1000)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(slotRenderer{}, 100)))
}

type finishTransformer struct{}

func (finishTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st := stateFrom(pc)
	if st == nil {
		return
	}
	if st.plan != nil {
		st.applyPlan(doc, reader.Source())
	}
	if len(st.fragments) > 0 {
		st.resolveFragments()
	}
}

// applyPlan asks the plan for slots and puts them into doc.
func (st *renderState) applyPlan(doc *ast.Document, source []byte) {
	var nodes []ast.Node
	var blocks []Block
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		nodes = append(nodes, c)
		blocks = append(blocks, st.block(c, source))
	}
	slots := st.plan(blocks)
	st.slotAt = make([]int, len(slots))
	last := map[int]ast.Node{} // the node the next slot after a block follows
	var removed []ast.Node
	for i, s := range slots {
		st.slotAt[i] = -1
		if s.Block < 0 || s.Block >= len(nodes) {
			continue
		}
		n := &slotNode{st: st, i: i}
		at := nodes[s.Block]
		if prev, ok := last[s.Block]; ok {
			doc.InsertAfter(doc, prev, n)
		} else if s.Replace {
			doc.ReplaceChild(doc, at, n)
			removed = append(removed, at)
		} else {
			doc.InsertAfter(doc, at, n)
		}
		last[s.Block] = n
	}
	if len(removed) > 0 {
		st.dropHeadings(removed)
	}
}

// block describes a top-level node for a Plan.
func (st *renderState) block(n ast.Node, source []byte) Block {
	b := Block{Line: st.line(blockOffset(n))}
	switch n := n.(type) {
	case *ast.Heading:
		var t strings.Builder
		appendPlainText(&t, source, n)
		b.Kind, b.Level, b.Text = BlockHeading, n.Level, strings.TrimSpace(t.String())
	case *ast.List:
		b.Kind = BlockList
		for li := n.FirstChild(); li != nil; li = li.NextSibling() {
			it := Item{Line: st.line(blockOffset(li)), Plain: plainItem(li)}
			if p := li.FirstChild(); p != nil {
				if box, ok := p.FirstChild().(*east.TaskCheckBox); ok {
					it.Task, it.Checked = true, box.IsChecked
				}
			}
			var t strings.Builder
			for c := li.FirstChild(); c != nil; c = c.NextSibling() {
				appendBlockText(&t, source, c)
			}
			it.Text = strings.TrimSpace(t.String())
			b.Items = append(b.Items, it)
		}
	case *ast.HTMLBlock:
		if n.HTMLBlockType == ast.HTMLBlockType2 {
			b.Kind = BlockComment
		}
	}
	return b
}

// blockOffset is where a block starts in the source, or -1.
func blockOffset(n ast.Node) int {
	if p := n.Pos(); p >= 0 {
		return p
	}
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if p := blockOffset(c); p >= 0 {
			return p
		}
	}
	return -1
}

// appendBlockText writes the text of a block and the blocks inside it,
// separated by spaces.
func appendBlockText(b *strings.Builder, source []byte, n ast.Node) {
	if n.Type() == ast.TypeBlock && n.FirstChild() != nil && n.FirstChild().Type() == ast.TypeInline {
		appendPlainText(b, source, n)
		b.WriteByte(' ')
		return
	}
	if n.Type() == ast.TypeBlock && n.FirstChild() == nil && n.Lines().Len() > 0 {
		// Code blocks hold their text as lines.
		for i := 0; i < n.Lines().Len(); i++ {
			seg := n.Lines().At(i)
			b.Write(seg.Value(source))
		}
		b.WriteByte(' ')
		return
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		appendBlockText(b, source, c)
	}
}

// plainItem reports whether a list item is Item.Plain.
func plainItem(li ast.Node) bool {
	p := li.FirstChild()
	if p == nil || p.NextSibling() != nil {
		return false
	}
	if p.Kind() != ast.KindParagraph && p.Kind() != ast.KindTextBlock {
		return false
	}
	plain := true
	_ = ast.Walk(p, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || n == p {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			if n.HardLineBreak() {
				plain = false
			}
		case *ast.String, *ast.Emphasis:
		case *east.TaskCheckBox:
			plain = n == p.FirstChild()
		case *ast.CodeSpan:
			return ast.WalkSkipChildren, nil
		default:
			plain = false
		}
		if !plain {
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return plain
}

// dropHeadings removes the headings inside blocks left out of the page
// from the headings of the result.
func (st *renderState) dropHeadings(removed []ast.Node) {
	gone := map[ast.Node]bool{}
	for _, r := range removed {
		_ = ast.Walk(r, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if entering && n.Kind() == ast.KindHeading {
				gone[n] = true
			}
			return ast.WalkContinue, nil
		})
	}
	k := 0
	for i, h := range st.headings {
		if !gone[st.headingNodes[i]] {
			st.headings[k], st.headingNodes[k] = h, st.headingNodes[i]
			k++
		}
	}
	st.headings, st.headingNodes = st.headings[:k], st.headingNodes[:k]
}

// resolveFragments points every #fragment link at the heading it names
// when it names one in another form than its id, as GitHub does: by the
// heading's text (#References, #Root%20cause), by the id under GitHub's
// "user-content-" prefix, or by the letters and digits of the id when only
// one heading has them (#root_cause, #rootcause), or by the id it would
// have had but for Options.Reserved (#main for a heading "Main", whose id
// is main-1). Other fragments (a footnote, an element of the theme) are
// left as written.
func (st *renderState) resolveFragments() {
	ids := make(map[string]bool, len(st.headings))
	for _, h := range st.headings {
		ids[h.ID] = true
	}
	var loose map[string][]string
	for _, n := range st.fragments {
		d := util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(n.Destination)))
		frag := string(d[1:])
		if ids[frag] {
			continue
		}
		if d, err := url.PathUnescape(frag); err == nil {
			frag = d
		}
		if len(frag) > len(userContent) && strings.EqualFold(frag[:len(userContent)], userContent) {
			frag = frag[len(userContent):]
		}
		id := ""
		switch {
		case st.moved[frag] != "":
			id = st.moved[frag]
		case ids[frag]:
			id = frag
		case ids[slug(frag)]:
			id = slug(frag)
		default:
			if loose == nil {
				loose = map[string][]string{}
				for _, h := range st.headings {
					k := looseKey(h.ID)
					if !slices.Contains(loose[k], h.ID) {
						loose[k] = append(loose[k], h.ID)
					}
				}
			}
			if c := loose[looseKey(frag)]; len(c) == 1 && looseKey(frag) != "" {
				id = c[0]
			}
		}
		if id != "" {
			n.Destination = escapeDestination([]byte("#" + id))
		}
	}
}

// userContent is the prefix GitHub puts before the ids of headings in
// rendered Markdown; links copied from a rendered page may carry it.
const userContent = "user-content-"

type slotRenderer struct{}

func (slotRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindSlot, renderSlot)
}

func renderSlot(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if n := node.(*slotNode); entering && n.st.out != nil {
		n.st.slotAt[n.i] = n.st.out.Len() + w.Buffered()
	}
	return ast.WalkSkipChildren, nil
}
