package markdown

import (
	"bytes"
	"html"
	"sync"
	"time"

	"github.com/inquest-dev/inquest/pkg/internal/mdtext"
)

// The budget of one Render. goldmark's inline parsing is quadratic in some
// shapes of text: "[a](" repeated 100,000 times took 45 s, a 4 MB line of
// one word 11 s and 1.2 GB, a table of 20,000 columns 10.6 s and 1.3 GB, a
// block quote 100,000 levels deep 11 s. A document past these bounds is not
// parsed as Markdown: it is shown as text, and the problem is reported with
// its line (rule "render").
const (
	// MaxLine is the longest line rendered, in bytes.
	MaxLine = mdtext.MaxLine
	// MaxDelimiters is the most characters that open inline syntax ([ * _
	// ` <) in one paragraph (a run of lines without a blank one).
	MaxDelimiters = mdtext.MaxDelimiters
	// MaxNesting is the most block quotes (>) a line may open, and the
	// most spaces it may be indented by (lists nested in lists).
	MaxNesting = mdtext.MaxNesting
	// RenderTimeout is the longest Render waits for goldmark, for what the
	// bounds above do not foresee. It is not a deadline goldmark sees: the
	// work it abandons runs to its end in the background.
	RenderTimeout = 10 * time.Second
)

// RuleRender is the Problem.Rule of a document shown as text because
// rendering it would cost too much.
const RuleRender = "render"

// overBudget returns the line and the reason when src is past the
// budget's static bounds (see mdtext.OverBudget).
func overBudget(src []byte) (int, string) {
	return mdtext.OverBudget(src)
}

// asText is the HTML of a document that is not rendered: its text, escaped,
// under a note that says why.
func asText(src []byte, why string) []byte {
	var b bytes.Buffer
	b.WriteString(`<div class="unrendered"><p class="note">This text is shown as written, not as Markdown: ` + html.EscapeString(why) + `.</p><pre>`)
	b.WriteString(html.EscapeString(string(src)))
	b.WriteString("</pre></div>\n")
	return b.Bytes()
}

// guardedResolver passes calls to a Resolver until the render it serves
// is abandoned; after that they reach nothing, so that work goldmark
// finishes in the background cannot touch what its caller has moved on
// with.
type guardedResolver struct {
	mu     sync.Mutex
	r      Resolver
	closed bool
}

func (g *guardedResolver) Resolve(dest string, image bool) (string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return "#", false
	}
	return g.r.Resolve(dest, image)
}

func (g *guardedResolver) Refusal(dest string, image bool) (string, string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if r, ok := g.r.(Refuser); ok && !g.closed {
		return r.Refusal(dest, image)
	}
	return "", ""
}

func (g *guardedResolver) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

// guardedPlan passes calls to a Plan until the render it serves is
// abandoned, as guardedResolver does.
type guardedPlan struct {
	mu     sync.Mutex
	plan   Plan
	closed bool
}

func (g *guardedPlan) call(blocks []Block) []Slot {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil
	}
	return g.plan(blocks)
}

func (g *guardedPlan) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}
