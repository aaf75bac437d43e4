package markdown

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"
)

// TestSteadyHighlight holds codeRenderer.steady to its rule: a block
// highlighted with error tokens is highlighted again, up to
// highlightTries times, and the run with the fewest errors is written;
// one without any is written after one run. The highlighter here stands
// for chroma on a loaded machine: a rule that timed out marks a token as
// an error in some runs only.
func TestSteadyHighlight(t *testing.T) {
	t.Parallel()
	const (
		clean = `<pre><code><span class="kd">func</span> <span class="nf">main</span></code></pre>`
		timed = `<pre><code><span class="err">f</span>unc <span class="nf">main</span></code></pre>`
		twice = `<pre><code><span class="err">f</span>unc <span class="err">m</span>ain</code></pre>`
	)
	for _, tc := range []struct {
		name  string
		runs  []string // what each run writes; the last repeats
		want  string
		calls int
	}{
		{"clean at once", []string{clean}, clean, 1},
		{"a timeout, then clean", []string{timed, clean}, clean, 2},
		{"fewer errors later", []string{twice, timed, twice}, timed, 3},
		{"code that does not lex", []string{timed}, timed, highlightTries},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			calls := 0
			r := &codeRenderer{highlight: func(w util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
				if !entering {
					t.Error("highlighted on leaving the block")
				}
				out := tc.runs[min(calls, len(tc.runs)-1)]
				calls++
				_, err := w.WriteString(out)
				return ast.WalkSkipChildren, err
			}}
			var buf bytes.Buffer
			w := bufio.NewWriter(&buf)
			st, err := r.steady(w, nil, ast.NewFencedCodeBlock(nil))
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tc.want || calls != tc.calls || st != ast.WalkSkipChildren {
				t.Errorf("wrote %s after %d runs (status %v), want %s after %d", got, calls, st, tc.want, tc.calls)
			}
		})
	}
}
