// Package markdown renders the Markdown body of a postmortem to HTML.
//
// It sets up goldmark with GitHub Flavored Markdown, footnotes, heading
// anchors and class-based syntax highlighting, and adds the safety rules
// the site needs: raw HTML is shown escaped unless Options.Unsafe is set,
// script-bearing URLs never reach an href or src, and relative links are
// rewritten through a Resolver so that links between postmortems and to
// attachments keep working on the site.
//
// Front matter must be removed before Render is called.
package markdown

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
)

// Options configures a Renderer.
type Options struct {
	// Unsafe lets raw HTML blocks and inline HTML through instead
	// of showing them escaped. It means the repository is trusted: raw HTML
	// is not sanitised, so its own attributes (on* handlers, style, URLs
	// inside tags) are the repository's responsibility. Markdown links,
	// images and autolinks are checked in both modes: javascript:,
	// vbscript:, file: and data: URLs (except data:image/png, gif, jpeg and
	// webp) are removed from them.
	Unsafe bool

	// Host is the host name the site is served from, such as
	// "postmortems.example.com". Absolute http and https links to any other
	// host get rel="noopener noreferrer". When empty, every absolute http
	// and https link counts as external.
	Host string

	// Reserved reports whether an id is one the page around the document
	// gives an element of its own (a theme's): a heading whose id would be
	// one gets the next free "-N" suffix instead ("Main" is "main-1" on a
	// page whose layout has <main id="main">), so that no page has an id
	// twice. Nil reserves none. It must be safe for concurrent use.
	Reserved func(id string) bool
}

// Resolver maps a link destination found in a document to what the page
// should link to.
type Resolver interface {
	// Resolve is called for every relative link and image destination: not
	// for absolute URLs, mailto: and other schemes, or #fragment-only links.
	// dest is percent-decoded and has its ?query and #fragment removed; the
	// renderer puts them back after the returned URL. Path-absolute
	// destinations such as "/runbooks/db.md" are passed too.
	//
	// Resolve returns the URL to write, and ok=false when the target does
	// not exist; the renderer then keeps the original destination and
	// reports a Problem. It must be safe for concurrent use when documents
	// are rendered in parallel.
	Resolve(dest string, image bool) (url string, ok bool)
}

// Refuser is a Resolver that can say why it gave a destination no working
// link. After Resolve returned ok=false for dest, the renderer asks Refusal
// for the problem to report instead of a missing file: rule names the check
// (a rule id of the caller's; "" for a missing file) and msg says what is
// wrong. An empty msg keeps the renderer's own message.
type Refuser interface {
	Resolver
	Refusal(dest string, image bool) (rule, msg string)
}

// ResolverFunc adapts an ordinary function to the Resolver interface.
type ResolverFunc func(dest string, image bool) (url string, ok bool)

// Resolve calls f(dest, image).
func (f ResolverFunc) Resolve(dest string, image bool) (string, bool) { return f(dest, image) }

// Problem is something in a document that the author should fix, such as a
// link to a file that does not exist.
type Problem struct {
	// Line is the 1-based line in the source given to Render.
	Line int
	// Message describes the problem, e.g. `link to missing file "../x.md"`.
	Message string
	// Rule is the Refuser's rule for a destination it refused; "" for the
	// renderer's own problems.
	Rule string
}

// String formats the problem as "line: message".
func (p Problem) String() string { return fmt.Sprintf("%d: %s", p.Line, p.Message) }

// Heading is a heading of a rendered document, for a table of contents.
type Heading struct {
	// Level is 1 for <h1> through 6 for <h6>.
	Level int
	// Text is the heading's plain text, without Markdown markup.
	Text string
	// ID is the anchor written into the HTML as the heading's id.
	ID string
}

// Result is a rendered document.
type Result struct {
	// HTML is the rendered body, a fragment to place inside the page.
	HTML []byte
	// Headings lists every heading in document order.
	Headings []Heading
	// Problems lists what the author should fix, ordered by line.
	Problems []Problem
	// Slots are the offsets in HTML where the content of each slot the
	// Plan chose goes, in the Plan's order; -1 for a slot that names no
	// block. Nil without a Plan.
	Slots []int
}

// Renderer renders Markdown documents to HTML. It is safe for concurrent
// use by multiple goroutines, and the same input always renders to the
// same bytes.
type Renderer struct {
	md       goldmark.Markdown
	host     string
	unsafe   bool
	reserved func(string) bool
	// timeout replaces RenderTimeout in tests.
	timeout time.Duration
}

// New returns a Renderer configured by opts.
func New(opts Options) *Renderer {
	exts := []goldmark.Extender{
		extension.NewTable(
			// The site's Content-Security-Policy forbids style attributes,
			// which goldmark would otherwise use for column alignment.
			extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute),
		),
		extension.Strikethrough,
		extension.Linkify,
		extension.TaskList,
		extension.Footnote,
		highlighter(),
		headingAnchors,
		links,
		tableWrap,
		finish,
	}
	var rendererOpts []renderer.Option
	if opts.Unsafe {
		rendererOpts = append(rendererOpts, html.WithUnsafe())
	} else {
		exts = append(exts, escapedHTML)
	}
	md := goldmark.New(
		goldmark.WithExtensions(exts...),
		// "## Summary {#summary}", as a Google Docs export writes every
		// heading: the attributes are read off the heading's text, and
		// headingAnchors drops them for its own id.
		goldmark.WithParserOptions(parser.WithHeadingAttribute()),
		goldmark.WithRendererOptions(rendererOpts...),
	)
	return &Renderer{md: md, host: opts.Host, unsafe: opts.Unsafe, reserved: opts.Reserved}
}

// Render renders src, a Markdown document without front matter. Relative
// link and image destinations go through res, which may be nil to leave
// them as written.
//
// A document past the budget (MaxLine, MaxDelimiters, MaxNesting), or
// whose rendering takes longer than RenderTimeout, is shown as escaped
// text under a note, with a Problem of rule RuleRender at its line: one
// file never stalls a build.
func (r *Renderer) Render(src []byte, res Resolver) (Result, error) {
	return r.RenderPlan(src, res, nil)
}

// RenderPlan is Render with room for content of the caller's own: plan, when
// not nil, is given the document's top-level blocks and chooses slots after
// or in place of some of them, and Result.Slots says where in the HTML each
// slot's content goes. A block a slot replaces is not in the HTML, and its
// headings are not in Result.Headings. The budget is Render's; a document
// shown as text has no slots.
func (r *Renderer) RenderPlan(src []byte, res Resolver, plan Plan) (Result, error) {
	if line, why := overBudget(src); why != "" {
		return textResult(src, line, why), nil
	}
	var guard *guardedResolver
	if res != nil {
		guard = &guardedResolver{r: res}
		res = guard
	}
	var gplan *guardedPlan
	if plan != nil {
		gplan = &guardedPlan{plan: plan}
		plan = gplan.call
	}
	type rendered struct {
		res Result
		err error
	}
	done := make(chan rendered, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- rendered{err: fmt.Errorf("markdown: internal error: %v", p)}
			}
		}()
		out, err := r.render(src, res, plan)
		done <- rendered{out, err}
	}()
	limit := RenderTimeout
	if r.timeout > 0 {
		limit = r.timeout
	}
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case d := <-done:
		return d.res, d.err
	case <-timer.C:
		if guard != nil {
			guard.close()
		}
		if gplan != nil {
			gplan.close()
		}
		return textResult(src, 1, fmt.Sprintf("rendering it took longer than %s", limit)), nil
	}
}

// textResult is the result for a document shown as text.
func textResult(src []byte, line int, why string) Result {
	return Result{HTML: asText(src, why), Problems: []Problem{{Line: line, Rule: RuleRender,
		Message: "shown as text, not rendered as Markdown: " + why + "; split it into shorter lines and paragraphs"}}}
}

// render is RenderPlan without the budget.
func (r *Renderer) render(src []byte, res Resolver, plan Plan) (Result, error) {
	var buf bytes.Buffer
	st := &renderState{src: src, resolver: res, host: r.host, reserved: r.reserved, plan: plan, out: &buf}
	pc := parser.NewContext()
	pc.Set(stateKey, st)
	doc := r.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))

	buf.Grow(len(src) + len(src)/2)
	if err := r.md.Renderer().Render(&buf, src, doc); err != nil {
		return Result{}, fmt.Errorf("markdown: render: %w", err)
	}
	// Footnote definitions move to the end of the document before links are
	// visited, so problems are not always found in line order.
	slices.SortStableFunc(st.problems, func(a, b Problem) int { return a.Line - b.Line })
	out, slots := buf.Bytes(), st.slotAt
	if r.unsafe {
		out, slots = neutralizeAround(out, slots)
	}
	return Result{HTML: out, Headings: st.headings, Problems: st.problems, Slots: slots}, nil
}

// neutralizeAround is neutralizeRawURLs on each piece of out between the
// slots, so that the slots' offsets stay true: the pieces meet between
// blocks, where no tag is open.
func neutralizeAround(out []byte, slots []int) ([]byte, []int) {
	if len(slots) == 0 {
		return neutralizeRawURLs(out), slots
	}
	order := make([]int, len(slots))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return slots[a] - slots[b] })
	var b bytes.Buffer
	b.Grow(len(out))
	moved := make([]int, len(slots))
	prev := 0
	for _, i := range order {
		at := slots[i]
		if at < 0 {
			moved[i] = -1
			continue
		}
		b.Write(neutralizeRawURLs(out[prev:at]))
		prev = at
		moved[i] = b.Len()
	}
	b.Write(neutralizeRawURLs(out[prev:]))
	return b.Bytes(), moved
}
