package markdown

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// tableWrap wraps every table in <div class="table-wrap">, which the theme
// lets scroll sideways so wide tables (action items, timelines) stay
// readable on a phone; tabindex lets a keyboard scroll it, as preStart does
// for code.
var tableWrap goldmark.Extender = tableWrapExtension{}

type tableWrapExtension struct{}

func (tableWrapExtension) Extend(m goldmark.Markdown) {
	// The table itself is still written by goldmark's table renderer.
	var inner renderer.NodeRendererFunc
	extension.NewTableHTMLRenderer(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)).
		RegisterFuncs(captureFunc{kind: east.KindTable, fn: &inner})
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(tableWrapRenderer{inner: inner}, 100)))
}

// captureFunc is a registerer that keeps the function registered for one
// kind of node.
type captureFunc struct {
	kind ast.NodeKind
	fn   *renderer.NodeRendererFunc
}

func (c captureFunc) Register(k ast.NodeKind, f renderer.NodeRendererFunc) {
	if k == c.kind {
		*c.fn = f
	}
}

type tableWrapRenderer struct {
	inner renderer.NodeRendererFunc
}

func (r tableWrapRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(east.KindTable, r.render)
}

func (r tableWrapRenderer) render(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString("<div class=\"table-wrap\" tabindex=\"0\">\n")
		return r.inner(w, source, n, entering)
	}
	s, err := r.inner(w, source, n, entering)
	_, _ = w.WriteString("</div>\n")
	return s, err
}
