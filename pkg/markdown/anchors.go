package markdown

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/inquest-dev/inquest/pkg/internal/mdtext"
)

// headingAnchors gives every heading an ASCII id, unique in its document,
// records the headings for the table of contents, and renders each heading
// with a link to itself.
//
// goldmark's own heading IDs are made from the raw source line, so link
// destinations and markup would end up in them; these are made from the
// heading's text as a reader sees it.
var headingAnchors goldmark.Extender = anchorExtension{}

type anchorExtension struct{}

func (anchorExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(anchorTransformer{}, 100)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(anchorRenderer{}, 100)))
}

type anchorTransformer struct{}

func (anchorTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st := stateFrom(pc)
	source := reader.Source()
	ids := idSet{used: map[string]bool{}, next: map[string]int{}}
	if st != nil {
		ids.reserved = st.reserved
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		h, ok := n.(*ast.Heading)
		if !ok {
			// Headings are blocks: no need to look inside paragraphs.
			if c := n.FirstChild(); c != nil && c.Type() == ast.TypeInline {
				return ast.WalkSkipChildren, nil
			}
			return ast.WalkContinue, nil
		}
		var b strings.Builder
		appendPlainText(&b, source, h)
		txt := strings.TrimSpace(b.String())
		base := slug(txt)
		id := ids.unique(base)
		if st != nil && id != base && !ids.used[base] {
			// Not a second heading of one name: base is reserved.
			if st.moved == nil {
				st.moved = map[string]string{}
			}
			if _, ok := st.moved[base]; !ok {
				st.moved[base] = id
			}
		}
		// The author's attributes ("{#1.-summary .title}") would be ids
		// the page may have twice, and classes and styles of its own;
		// the heading has only the id made here, and a link to the
		// author's id leads to it.
		if own, ok := h.AttributeString("id"); ok && st != nil {
			if o, ok := own.([]byte); ok && string(o) != id {
				if st.moved == nil {
					st.moved = map[string]string{}
				}
				if _, ok := st.moved[string(o)]; !ok {
					st.moved[string(o)] = id
				}
			}
		}
		h.RemoveAttributes()
		h.SetAttributeString("id", []byte(id))
		if st != nil {
			st.headings = append(st.headings, Heading{Level: h.Level, Text: txt, ID: id})
			st.headingNodes = append(st.headingNodes, h)
		}
		return ast.WalkSkipChildren, nil
	})
}

// idSet hands out the ids of one document.
type idSet struct {
	used map[string]bool
	next map[string]int // the suffix to try next for a base, so that many equal headings stay linear
	// reserved are ids the page has already (Options.Reserved); nil for
	// none.
	reserved func(string) bool
}

// taken reports whether id is used or reserved.
func (s idSet) taken(id string) bool {
	return s.used[id] || s.reserved != nil && s.reserved(id)
}

// unique returns base, or base with the first "-N" suffix not yet used
// nor reserved, and marks it used.
func (s idSet) unique(base string) string {
	id := base
	for i := s.next[base]; s.taken(id); {
		i++
		id = base + "-" + strconv.Itoa(i)
		s.next[base] = i
	}
	s.used[id] = true
	return id
}

// slug makes a heading's id the way GitHub makes it, so that a link
// written for the repository host reaches the same heading on the site:
// the text is lower-cased, every character other than a letter, a mark, a
// digit, "_", "-" or a space is removed, and each space becomes a hyphen
// ("Root cause: *lock* contention!" → "root-cause-lock-contention",
// "A & B" → "a--b", "Straße" → "straße"). Text with nothing left becomes
// "section", since an element cannot have an empty id.
func slug(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '-', r == '_':
			b = append(b, byte(r))
		case 'A' <= r && r <= 'Z':
			b = append(b, byte(r+'a'-'A'))
		case r == ' ':
			b = append(b, '-')
		case r < utf8.RuneSelf:
		case unicode.IsLetter(r), unicode.IsMark(r), unicode.IsNumber(r), unicode.Is(unicode.Pc, r):
			b = utf8.AppendRune(b, unicode.ToLower(r))
		}
	}
	if len(b) == 0 {
		return "section"
	}
	return string(b)
}

// looseKey is the letters and digits of s, lower-cased, with the accents
// of Latin letters dropped: "Root_Cause", "root-cause" and "rootcause"
// have one key. A fragment written in another form than the id reaches a
// heading whose key is its key.
func looseKey(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			b = append(b, byte(r))
		case 'A' <= r && r <= 'Z':
			b = append(b, byte(r+'a'-'A'))
		case r < utf8.RuneSelf:
		default:
			if f := foldLatin(r); f != "" {
				b = append(b, f...)
			} else if unicode.IsLetter(r) || unicode.IsNumber(r) {
				b = utf8.AppendRune(b, unicode.ToLower(r))
			}
		}
	}
	return string(b)
}

// latin1Fold maps U+00E0..U+00FF to ASCII; '*' marks a special case.
const latin1Fold = "aaaaaa*ceeeeiiiidnooooo*ouuuuy*y"

// latinExtAFold maps U+0100..U+017F to ASCII; '*' marks a special case.
const latinExtAFold = "aaaaaa" + "cccccccc" + "dddd" + "eeeeeeeeee" + "gggggggg" + "hhhh" +
	"iiiiiiiiii" + "**" + "jj" + "kkk" + "llllllllll" + "nnnnnnnnn" + "oooooo" + "**" +
	"rrrrrr" + "ssssssss" + "tttttt" + "uuuuuuuuuuuu" + "ww" + "yyy" + "zzzzzz" + "s"

// foldLatin returns the ASCII spelling of an accented Latin letter, or "".
func foldLatin(r rune) string {
	switch {
	case r == 0xDF:
		return "ss"
	case 0xC0 <= r && r <= 0xDE:
		r += 0x20
		fallthrough
	case 0xE0 <= r && r <= 0xFF:
		switch r {
		case 0xE6:
			return "ae"
		case 0xF7: // division sign
			return ""
		case 0xFE:
			return "th"
		}
		return latin1Fold[r-0xE0 : r-0xE0+1]
	case 0x100 <= r && r <= 0x17F:
		switch r {
		case 0x132, 0x133:
			return "ij"
		case 0x152, 0x153:
			return "oe"
		}
		return latinExtAFold[r-0x100 : r-0x100+1]
	}
	return ""
}

// appendPlainText writes the text of n's inline content as a reader sees
// it, without markup and without raw HTML.
func appendPlainText(b *strings.Builder, source []byte, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if _, raw := c.(*ast.RawHTML); !raw && !mdtext.Leaf(b, source, c) {
			appendPlainText(b, source, c)
		}
	}
}

type anchorRenderer struct{}

func (anchorRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, renderHeading)
}

// renderHeading writes <hN id="…">text <a class="anchor" …>#</a></hN>.
// The anchor is hidden from assistive technology and from the tab order:
// it repeats the heading, and the table of contents already links there.
func renderHeading(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	if entering {
		_, _ = w.WriteString("<h")
		_ = w.WriteByte("0123456"[n.Level])
		if n.Attributes() != nil {
			html.RenderAttributes(w, n, html.HeadingAttributeFilter)
		}
		_ = w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	if id, ok := n.AttributeString("id"); ok {
		if id, ok := id.([]byte); ok {
			if n.HasChildren() {
				_ = w.WriteByte(' ')
			}
			_, _ = w.WriteString(`<a class="anchor" href="#`)
			_, _ = w.Write(util.EscapeHTML(id))
			_, _ = w.WriteString(`" aria-hidden="true" tabindex="-1">#</a>`)
		}
	}
	_, _ = w.WriteString("</h")
	_ = w.WriteByte("0123456"[n.Level])
	_, _ = w.WriteString(">\n")
	return ast.WalkContinue, nil
}
