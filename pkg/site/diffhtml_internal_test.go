package site

import (
	"html/template"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/revdiff"
)

// diffPartial is the default theme's "diff" partial as it was before
// the diff's HTML was made in Go: the reference PackedDiffView.HTML must
// match byte for byte (checkPacked), and what a theme's own partial that
// reads Fallback and Sections draws.
const diffPartial = `{{define "diff"}}
{{with .Fallback}}<p class="diff-fallback">Shown as a line summary: {{.}}.</p>{{end}}
{{range .Sections}}
<section class="diff-section" aria-label="Changes in {{.Name}}">
  <h3>{{.Name}} <span class="diff-counts">{{if .Added}}+{{.Added}}{{end}}{{if and .Added .Removed}} {{end}}{{if .Removed}}−{{.Removed}}{{end}}{{if or .Added .Removed}} words, {{end}}{{.Changed}} {{if eq .Changed 1}}line{{else}}lines{{end}} changed</span></h3>
  {{range .Hunks}}
  {{if .Skip}}<p class="diff-skip">⋮ {{.Skip}} unchanged {{if eq .Skip 1}}line{{else}}lines{{end}}</p>{{end}}
  <ol class="diff-hunk">
{{.HTML}}</ol>
  {{end}}
  {{if and .Trail .Hunks}}<p class="diff-skip">⋮ {{.Trail}} unchanged {{if eq .Trail 1}}line{{else}}lines{{end}}</p>{{end}}
</section>
{{end}}
{{end}}`

var diffReference = template.Must(template.New("").Parse(diffPartial))

// TestHunkHTML pins each kind of line's markup: a bare <li> for an
// unchanged line, a class alone for a changed one (the stylesheet draws
// its mark and names it for screen readers), changed words in <del> or <ins>, and every
// text escaped.
func TestHunkHTML(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		line revdiff.Line
		want string
	}{
		{"unchanged", revdiff.Line{Op: revdiff.Equal, Text: `a <b> & "c"`}, `<li>a &lt;b&gt; &amp; &#34;c&#34;</li>`},
		{"empty", revdiff.Line{Op: revdiff.Equal}, `<li></li>`},
		{"removed", revdiff.Line{Op: revdiff.Delete, Text: "SEV3 'x'"}, `<li class="diff-del">SEV3 &#39;x&#39;</li>`},
		{"added", revdiff.Line{Op: revdiff.Insert, Text: "+1"}, `<li class="diff-ins">+1</li>`},
		{"removed words", revdiff.Line{Op: revdiff.Delete, Text: "at 10:47 UTC", Words: []revdiff.Span{{Op: revdiff.Equal, Text: "at "}, {Op: revdiff.Delete, Text: "10:47"}, {Op: revdiff.Equal, Text: " <UTC>"}}},
			`<li class="diff-del">at <del>10:47</del> &lt;UTC&gt;</li>`},
		{"added words", revdiff.Line{Op: revdiff.Insert, Text: "at 10:52", Words: []revdiff.Span{{Op: revdiff.Equal, Text: "at "}, {Op: revdiff.Insert, Text: "10:52 & on"}}},
			`<li class="diff-ins">at <ins>10:52 &amp; on</ins></li>`},
		{"unchanged with words", revdiff.Line{Op: revdiff.Equal, Text: "same", Words: []revdiff.Span{{Op: revdiff.Delete, Text: "x"}}}, `<li>same</li>`},
	} {
		var sb strings.Builder
		hunkHTML(&sb, revdiff.Hunk{Lines: []revdiff.Line{c.line}})
		if got := sb.String(); got != c.want+"\n" {
			t.Errorf("%s: %q, want %q", c.name, got, c.want+"\n")
		}
	}
}
