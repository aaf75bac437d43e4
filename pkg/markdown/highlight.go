package markdown

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// highlighter returns the extension that highlights fenced code with
// chroma through goldmark-highlighting. It writes CSS classes, never style
// attributes, because the site's Content-Security-Policy forbids inline
// styles; HighlightCSS writes the matching stylesheet. Blocks in a language
// chroma does not know are written as plain <pre><code class="language-…">.
//
// Each Renderer gets its own extension, whose cache of language look-ups
// lives as long as the Renderer.
func highlighter() goldmark.Extender { return &codeExtension{} }

type codeExtension struct{}

func (*codeExtension) Extend(m goldmark.Markdown) {
	hl := highlighting.NewHTMLRenderer(
		// With classes the style does not change the HTML, only the work done
		// to compile it for every block, so an empty one is cheapest.
		highlighting.WithCustomStyle(chroma.MustNewStyle("inquest-classes", chroma.StyleEntries{})),
		highlighting.WithFormatOptions(chromahtml.WithClasses(true), chromahtml.WithPreWrapper(focusablePre{})),
		highlighting.WithWrapperRenderer(wrapCode),
	)
	r := &codeRenderer{langs: map[string]codeLang{}}
	hl.RegisterFuncs(captureFunc{kind: ast.KindFencedCodeBlock, fn: &r.highlight})
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(r, 100)))
}

// codeRenderer sits in front of goldmark-highlighting to keep chroma's
// lexer look-up cheap. chroma finds a lexer by name or alias in a map, but
// for any other name ("log", "output", "yml", "txt") it tries every file
// name pattern of every lexer: about 3 ms per code block, which would cost
// a 10,000-document build tens of seconds.
type codeRenderer struct {
	highlight renderer.NodeRendererFunc // goldmark-highlighting's

	mu    sync.Mutex
	langs map[string]codeLang
}

// codeLang is what a language name in an info string leads to.
type codeLang struct {
	known bool   // chroma has a lexer for it
	alias string // a name chroma finds at once, if the name itself is not one
}

// maxLangs bounds the look-up cache against documents with many made-up
// language names.
const maxLangs = 1024

func (r *codeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, r.render)
	reg.Register(ast.KindCodeBlock, renderIndentedCode)
}

// renderIndentedCode writes an indented code block as goldmark does, with
// preStart.
func renderIndentedCode(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		_, _ = w.WriteString("</code></pre>\n")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(preStart + "><code>")
	for i := 0; i < n.Lines().Len(); i++ {
		s := n.Lines().At(i)
		html.DefaultWriter.RawWrite(w, s.Value(source))
	}
	return ast.WalkContinue, nil
}

func (r *codeRenderer) lang(name string) codeLang {
	r.mu.Lock()
	l, ok := r.langs[name]
	r.mu.Unlock()
	if ok {
		return l
	}
	if lx := lexers.Get(name); lx != nil {
		l.known = true
		cfg := lx.Config()
		lower := strings.ToLower(name)
		names := append([]string{cfg.Name}, cfg.Aliases...)
		if !slices.ContainsFunc(names, func(n string) bool { return strings.ToLower(n) == lower }) {
			// Found through a file name pattern: use a name that is quick to
			// find and that the info string can carry (no spaces).
			l.alias = "-"
			for _, n := range names {
				if n != "" && !strings.ContainsAny(n, " \t") && lexers.Get(n) == lx {
					l.alias = n
					break
				}
			}
		}
	}
	r.mu.Lock()
	if len(r.langs) < maxLangs {
		r.langs[name] = l
	}
	r.mu.Unlock()
	return l
}

func (r *codeRenderer) render(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.FencedCodeBlock)
	if !entering {
		return ast.WalkContinue, nil
	}
	lang := n.Language(source)
	var l codeLang
	if len(lang) > 0 {
		l = r.lang(string(lang))
	}
	switch {
	case len(lang) > 0 && !l.known, l.alias == "-":
		ctx := plainCode{lang: lang}
		wrapCode(w, ctx, true)
		for i := 0; i < n.Lines().Len(); i++ {
			s := n.Lines().At(i)
			html.DefaultWriter.RawWrite(w, s.Value(source))
		}
		wrapCode(w, ctx, false)
		return ast.WalkContinue, nil
	case l.alias != "":
		src, m := withLanguage(source, n, l.alias)
		return r.steady(w, src, m)
	}
	return r.steady(w, source, n)
}

// highlightTries is how many times steady highlights a block that comes
// out with error tokens.
const highlightTries = 3

// errToken is how chroma's HTML formatter, with classes, marks a token
// its lexer read as an error.
var errToken = []byte(`class="err"`)

// steady highlights the fenced code block n (goldmark-highlighting's
// renderer), and highlights it again when that marked a token as an
// error, keeping the run with the fewest. Chroma gives each rule of a
// lexer 250 ms of the clock to match (regexp2's MatchTimeout, which it
// sets and nothing can change), and a rule that runs out reads as no
// match: on a loaded machine a block could come out with a token marked
// as an error that a quiet one does not mark, and two builds of one
// repository differ. A timeout only ever adds errors; code that does not
// lex has the same ones every run, and costs highlightTries runs.
func (r *codeRenderer) steady(w util.BufWriter, source []byte, n ast.Node) (ast.WalkStatus, error) {
	tmp := codeBufs.Get().(*codeBuf)
	defer codeBufs.Put(tmp)
	run := func() ([]byte, ast.WalkStatus, error) {
		tmp.buf.Reset()
		tmp.w.Reset(&tmp.buf)
		st, err := r.highlight(tmp.w, source, n, true)
		if err == nil {
			err = tmp.w.Flush()
		}
		return tmp.buf.Bytes(), st, err
	}
	out, st, err := run()
	if err != nil {
		return st, err
	}
	if errs := bytes.Count(out, errToken); errs > 0 {
		best := bytes.Clone(out)
		for try := 1; try < highlightTries && errs > 0; try++ {
			if out, st, err = run(); err != nil {
				return st, err
			}
			if c := bytes.Count(out, errToken); c < errs {
				best, errs = append(best[:0], out...), c
			}
		}
		out = best
	}
	_, _ = w.Write(out)
	return st, nil
}

// codeBuf is where steady has a block highlighted before it writes it.
type codeBuf struct {
	buf bytes.Buffer
	w   *bufio.Writer
}

var codeBufs = sync.Pool{New: func() any {
	b := &codeBuf{}
	b.w = bufio.NewWriter(&b.buf)
	return b
}}

// withLanguage returns a copy of code block n, and the source it points
// into, with lang as the first word of its info string.
func withLanguage(source []byte, n *ast.FencedCodeBlock, lang string) ([]byte, *ast.FencedCodeBlock) {
	info := n.Info.Segment.Value(source)
	rest := info[len(n.Language(source)):]
	src := make([]byte, 0, len(lang)+len(rest)+1+n.Lines().Len()*40)
	src = append(append(src, lang...), rest...)
	m := ast.NewFencedCodeBlock(ast.NewTextSegment(text.NewSegment(0, len(src))))
	src = append(src, '\n')
	lines := text.NewSegments()
	for i := 0; i < n.Lines().Len(); i++ {
		s := n.Lines().At(i)
		start := len(src)
		src = append(src, s.Value(source)...)
		lines.Append(text.NewSegment(start, len(src)))
	}
	m.SetLines(lines)
	return src, m
}

// plainCode is the highlighting.CodeBlockContext of a block that is not
// highlighted.
type plainCode struct{ lang []byte }

func (c plainCode) Language() ([]byte, bool)                     { return c.lang, c.lang != nil }
func (c plainCode) Highlighted() bool                            { return false }
func (c plainCode) Attributes() highlighting.ImmutableAttributes { return nil }

// preStart opens every <pre> block the renderer writes. A block of code
// may be wider than the page and scroll sideways: tabindex lets a reader
// who uses the keyboard scroll it (WCAG 2.1.1; axe's
// scrollable-region-focusable), as on GitHub.
const preStart = `<pre tabindex="0"`

// focusablePre is chroma's <pre> wrapper with preStart.
type focusablePre struct{}

func (focusablePre) Start(code bool, styleAttr string) string {
	if code {
		return preStart + styleAttr + "><code>"
	}
	return preStart + styleAttr + ">"
}

func (focusablePre) End(code bool) string {
	if code {
		return "</code></pre>"
	}
	return "</pre>"
}

// wrapCode writes what surrounds a fenced code block. Chroma writes its own
// <pre> but no newline after it; a block chroma does not highlight gets the
// <pre><code class="language-…"> goldmark would write.
func wrapCode(w util.BufWriter, ctx highlighting.CodeBlockContext, entering bool) {
	if ctx.Highlighted() {
		if !entering {
			_ = w.WriteByte('\n')
		}
		return
	}
	if !entering {
		_, _ = w.WriteString("</code></pre>\n")
		return
	}
	_, _ = w.WriteString(preStart + "><code")
	if lang, ok := ctx.Language(); ok && len(lang) > 0 {
		_, _ = w.WriteString(` class="language-`)
		html.DefaultWriter.Write(w, lang)
		_ = w.WriteByte('"')
	}
	_ = w.WriteByte('>')
}

// HighlightCSS returns the stylesheet for highlighted code: the chroma
// style named light, then the style named dark inside
// @media (prefers-color-scheme: dark). dark may be empty for no dark
// variant. Style names are chroma's, such as "github" and "github-dark".
//
// Where the light style sets a colour, background or font property that
// the dark style leaves alone, the dark block resets it, so no light
// colour or weight shows through in dark mode.
func HighlightCSS(light, dark string) ([]byte, error) {
	ls, err := chromaStyle(light)
	if err != nil {
		return nil, err
	}
	f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithLineNumbers(true), chromahtml.LineNumbersInTable(true))
	var lightCSS bytes.Buffer
	if err := f.WriteCSS(&lightCSS, ls); err != nil {
		return nil, fmt.Errorf("markdown: highlight css %q: %w", light, err)
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "/* Code highlighting: chroma style %q. */\n", ls.Name)
	out.Write(lightCSS.Bytes())
	if dark == "" {
		return out.Bytes(), nil
	}

	ds, err := chromaStyle(dark)
	if err != nil {
		return nil, err
	}
	var darkCSS bytes.Buffer
	if err := f.WriteCSS(&darkCSS, ds); err != nil {
		return nil, fmt.Errorf("markdown: highlight css %q: %w", dark, err)
	}
	fmt.Fprintf(&out, "@media (prefers-color-scheme: dark) {\n  /* Chroma style %q. */\n", ds.Name)
	lightRules := parseCSSRules(lightCSS.String())
	darkRules := parseCSSRules(darkCSS.String())
	darkSeen := map[string]bool{}
	for _, r := range darkRules {
		darkSeen[r.selector] = true
		writeCSSRule(&out, r, lightRules)
	}
	// Rules only the light style has get a dark rule of resets alone.
	for _, r := range lightRules {
		if !darkSeen[r.selector] {
			writeCSSRule(&out, cssRule{comment: r.comment, selector: r.selector}, lightRules)
		}
	}
	out.WriteString("}\n")
	return out.Bytes(), nil
}

func chromaStyle(name string) (*chroma.Style, error) {
	s, ok := styles.Registry[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("markdown: unknown chroma style %q (known: %s)", name, strings.Join(styles.Names(), ", "))
	}
	return s, nil
}

// cssRule is one line of chroma's CSS: "/* comment */ selector { decls }".
type cssRule struct {
	comment  string
	selector string
	decls    []string // "property: value"
}

func parseCSSRules(css string) []cssRule {
	var rules []cssRule
	for line := range strings.Lines(css) {
		line = strings.TrimSpace(line)
		var r cssRule
		if rest, ok := strings.CutPrefix(line, "/* "); ok {
			comment, after, ok := strings.Cut(rest, " */ ")
			if !ok {
				continue
			}
			r.comment, line = comment, after
		}
		sel, body, ok := strings.Cut(line, " { ")
		if !ok {
			continue
		}
		r.selector = sel
		for d := range strings.SplitSeq(strings.TrimSuffix(body, " }"), ";") {
			if d = strings.TrimSpace(d); d != "" {
				r.decls = append(r.decls, d)
			}
		}
		rules = append(rules, r)
	}
	return rules
}

func (r cssRule) has(prop string) bool {
	for _, d := range r.decls {
		if p, _, _ := strings.Cut(d, ":"); strings.TrimSpace(p) == prop {
			return true
		}
	}
	return false
}

// writeCSSRule writes dark rule r, indented, with resets for what the light
// rule of the same selector sets and r does not.
func writeCSSRule(out *bytes.Buffer, r cssRule, light []cssRule) {
	// Values that undo a property of the light rule. Other properties
	// chroma writes are layout, the same in every style.
	resets := [...][2]string{
		{"color", "inherit"},
		{"background-color", "transparent"},
		{"font-weight", "inherit"},
		{"font-style", "inherit"},
		{"text-decoration", "none"},
	}
	decls := r.decls
	for _, l := range light {
		if l.selector != r.selector {
			continue
		}
		for _, reset := range resets {
			if l.has(reset[0]) && !r.has(reset[0]) {
				decls = append(decls[:len(decls):len(decls)], reset[0]+": "+reset[1])
			}
		}
	}
	if len(decls) == 0 {
		return
	}
	out.WriteString("  ")
	if r.comment != "" {
		fmt.Fprintf(out, "/* %s */ ", r.comment)
	}
	fmt.Fprintf(out, "%s { %s }\n", r.selector, strings.Join(decls, "; "))
}
