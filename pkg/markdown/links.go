package markdown

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// links rewrites link and image destinations and renders links, images and
// autolinks so that no unsafe URL is ever written, whatever the Unsafe
// option says.
//
// Its transformer sends relative destinations through the Resolver of the
// Render call, reports missing targets and unsafe URLs as problems, marks
// external links with rel="noopener noreferrer" and images with
// loading="lazy". Its renderers check every URL once more as it is written,
// so a destination that becomes unsafe on the way (goldmark decodes
// character references a second time when it escapes a URL) is dropped too.
var links goldmark.Extender = linkExtension{}

type linkExtension struct{}

func (linkExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(linkTransformer{}, 100)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(linkRenderer{}, 100)))
}

type linkTransformer struct{}

func (linkTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st := stateFrom(pc)
	if st == nil {
		return
	}
	source := reader.Source()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			n.Destination = st.rewrite(n, n.Destination, false)
		case *ast.Image:
			n.Destination = st.rewrite(n, n.Destination, true)
			n.SetAttributeString("loading", []byte("lazy"))
		case *ast.AutoLink:
			u := n.URL(source)
			switch {
			case unsafeURL(u):
				st.problem(n, fmt.Sprintf("unsafe URL %q removed", u))
			case n.AutoLinkType == ast.AutoLinkURL && st.external(u):
				n.SetAttributeString("rel", []byte("noopener noreferrer"))
			}
		}
		return ast.WalkContinue, nil
	})
}

// rewrite returns the destination to write for dest, the destination of
// link or image node n.
func (st *renderState) rewrite(n ast.Node, dest []byte, image bool) []byte {
	// goldmark keeps backslash escapes and character references in a
	// destination and resolves them only as it writes the URL; decide on the
	// URL the browser will get.
	d := util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(dest)))
	switch {
	case unsafeURL(dest) || unsafeURL(d):
		// The renderer drops it; the author should know.
		st.problem(n, fmt.Sprintf("unsafe URL %q removed", dest))
		return dest
	case len(d) == 0:
		return dest
	case d[0] == '#':
		if l, ok := n.(*ast.Link); ok && len(d) > 1 {
			// Resolved once every heading has its id (see finish).
			st.fragments = append(st.fragments, l)
		}
		return dest
	case hasScheme(d) || bytes.HasPrefix(d, []byte("//")):
		if !image && st.external(d) {
			n.SetAttributeString("rel", []byte("noopener noreferrer"))
		}
		return dest
	}

	path, suffix := d, []byte(nil)
	if i := bytes.IndexAny(d, "?#"); i >= 0 {
		path, suffix = d[:i], d[i:]
	}
	if len(path) == 0 || st.resolver == nil {
		return dest
	}
	p, err := url.PathUnescape(string(path))
	if err != nil {
		p = string(path)
	}
	u, ok := st.resolver.Resolve(p, image)
	if !ok {
		what := "link to"
		if image {
			what = "image from"
		}
		rule, msg := "", ""
		if r, isRefuser := st.resolver.(Refuser); isRefuser {
			rule, msg = r.Refusal(p, image)
		}
		if msg == "" {
			rule, msg = "", fmt.Sprintf("%s missing file %q", what, path)
		}
		st.problems = append(st.problems, Problem{Line: st.line(nodeOffset(n)), Message: msg, Rule: rule})
		if u != "" {
			// The resolver's fallback replaces a destination that would dangle.
			return escapeDestination([]byte(u))
		}
		return dest
	}
	return escapeDestination(append([]byte(u), suffix...))
}

// escapeDestination escapes u so that goldmark's resolving of backslash
// escapes and character references, as it writes a destination, gives u
// back unchanged.
func escapeDestination(u []byte) []byte {
	if bytes.IndexByte(u, '\\') < 0 && bytes.IndexByte(u, '&') < 0 {
		return u
	}
	out := make([]byte, 0, len(u)+8)
	for _, c := range u {
		switch c {
		case '\\':
			out = append(out, '\\', '\\')
		case '&':
			out = append(out, "&amp;"...)
		default:
			out = append(out, c)
		}
	}
	return out
}

// external reports whether dest, an absolute URL, leads to an http or https
// page on a host other than the site's.
func (st *renderState) external(dest []byte) bool {
	u, err := url.Parse(string(dest))
	if err != nil {
		// A browser may still follow it; noopener noreferrer never hurts.
		return true
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		if u.Host == "" {
			return false
		}
	default:
		return false
	}
	return st.host == "" || !strings.EqualFold(u.Host, st.host) && !strings.EqualFold(u.Hostname(), st.host)
}

type linkRenderer struct{}

func (linkRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindLink, renderLink)
	reg.Register(ast.KindImage, renderImage)
	reg.Register(ast.KindAutoLink, renderAutoLink)
}

// safeURL returns dest escaped for an attribute value, or false when it
// must not be written.
func safeURL(dest []byte) ([]byte, bool) {
	if unsafeURL(dest) {
		return nil, false
	}
	out := util.URLEscape(dest, true)
	if unsafeURL(out) {
		return nil, false
	}
	return util.EscapeHTML(out), true
}

func renderLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	if !entering {
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	// A link whose URL was removed keeps its text but goes nowhere.
	_, _ = w.WriteString("<a")
	if href, ok := safeURL(n.Destination); ok {
		_, _ = w.WriteString(` href="`)
		_, _ = w.Write(href)
		_ = w.WriteByte('"')
	}
	if n.Title != nil {
		_, _ = w.WriteString(` title="`)
		html.DefaultWriter.Write(w, n.Title)
		_ = w.WriteByte('"')
	}
	if n.Attributes() != nil {
		html.RenderAttributes(w, n, html.LinkAttributeFilter)
	}
	_ = w.WriteByte('>')
	return ast.WalkContinue, nil
}

func renderImage(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Image)
	_, _ = w.WriteString("<img")
	if src, ok := safeURL(n.Destination); ok {
		_, _ = w.WriteString(` src="`)
		_, _ = w.Write(src)
		_ = w.WriteByte('"')
	}
	_, _ = w.WriteString(` alt="`)
	writePlainText(w, source, n)
	_ = w.WriteByte('"')
	if n.Title != nil {
		_, _ = w.WriteString(` title="`)
		html.DefaultWriter.Write(w, n.Title)
		_ = w.WriteByte('"')
	}
	if n.Attributes() != nil {
		html.RenderAttributes(w, n, html.ImageAttributeFilter)
	}
	_ = w.WriteByte('>')
	return ast.WalkSkipChildren, nil
}

func renderAutoLink(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.AutoLink)
	if !entering {
		return ast.WalkContinue, nil
	}
	label := n.Label(source)
	u := n.URL(source)
	if n.AutoLinkType == ast.AutoLinkEmail && !hasPrefixFold(u, "mailto:") {
		u = append([]byte("mailto:"), u...)
	}
	href, ok := safeURL(u)
	if !ok {
		// Shown as the text that was written, not as a link.
		html.DefaultWriter.RawWrite(w, label)
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<a href="`)
	_, _ = w.Write(href)
	_ = w.WriteByte('"')
	if n.Attributes() != nil {
		html.RenderAttributes(w, n, html.LinkAttributeFilter)
	}
	_ = w.WriteByte('>')
	_, _ = w.Write(util.EscapeHTML(label))
	_, _ = w.WriteString("</a>")
	return ast.WalkContinue, nil
}

// writePlainText writes the text inside n, escaped for an attribute value.
func writePlainText(w util.BufWriter, source []byte, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			html.DefaultWriter.Write(w, c.Segment.Value(source))
			if c.SoftLineBreak() || c.HardLineBreak() {
				_ = w.WriteByte(' ')
			}
		case *ast.String:
			if c.IsCode() || c.IsRaw() {
				html.DefaultWriter.RawWrite(w, c.Value)
			} else {
				html.DefaultWriter.Write(w, c.Value)
			}
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if t, ok := t.(*ast.Text); ok {
					html.DefaultWriter.RawWrite(w, t.Segment.Value(source))
				}
			}
		case *ast.RawHTML:
			// Raw HTML inside alt text is shown as written, never parsed.
			for i := 0; i < c.Segments.Len(); i++ {
				s := c.Segments.At(i)
				html.DefaultWriter.RawWrite(w, s.Value(source))
			}
		default:
			writePlainText(w, source, c)
		}
	}
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}
