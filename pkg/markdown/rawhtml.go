package markdown

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// escapedHTML renders raw HTML, blocks and inline, as escaped text, so a
// reader sees what the author wrote and the browser runs none of it. It is
// only used when Options.Unsafe is false.
//
// HTML comments are the exception: they are dropped, because what is
// written in them (template hints, drafting notes) was never meant to be
// read on the page. goldmark instead replaces all raw HTML with
// "<!-- raw HTML omitted -->", which hides content from readers.
var escapedHTML goldmark.Extender = escapedHTMLExtension{}

type escapedHTMLExtension struct{}

func (escapedHTMLExtension) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(escapedHTMLRenderer{}, 100)))
}

type escapedHTMLRenderer struct{}

func (escapedHTMLRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHTMLBlock, renderEscapedHTMLBlock)
	reg.Register(ast.KindRawHTML, renderEscapedRawHTML)
}

// renderEscapedHTMLBlock shows an HTML block as preformatted text, which
// keeps its line structure readable.
func renderEscapedHTMLBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.HTMLBlock)
	if !entering || n.HTMLBlockType == ast.HTMLBlockType2 {
		return ast.WalkSkipChildren, nil
	}
	var b bytes.Buffer
	for i := 0; i < n.Lines().Len(); i++ {
		s := n.Lines().At(i)
		b.Write(s.Value(source))
	}
	if n.HasClosure() {
		b.Write(n.ClosureLine.Value(source))
	}
	_, _ = w.WriteString(preStart + ` class="raw-html"><code>`)
	html.DefaultWriter.RawWrite(w, bytes.TrimRight(b.Bytes(), "\n"))
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}

func renderEscapedRawHTML(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.RawHTML)
	if !entering || n.Segments.Len() == 0 {
		return ast.WalkSkipChildren, nil
	}
	if first := n.Segments.At(0); bytes.HasPrefix(first.Value(source), []byte("<!--")) {
		return ast.WalkSkipChildren, nil
	}
	for i := 0; i < n.Segments.Len(); i++ {
		s := n.Segments.At(i)
		html.DefaultWriter.RawWrite(w, s.Value(source))
	}
	return ast.WalkSkipChildren, nil
}
