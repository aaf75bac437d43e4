package site

import (
	"html/template"
	"strings"
	"testing"
)

// diffPartial is the default theme's "diff" partial as it was before
// DiffView.HTML drew the diff: the reference DiffView.HTML must match byte
// for byte.
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

// checkDiffHTML fails unless d.HTML() is what diffPartial makes of d.
func checkDiffHTML(t *testing.T, d *DiffView) {
	t.Helper()
	var want strings.Builder
	if err := diffReference.ExecuteTemplate(&want, "diff", d); err != nil {
		t.Fatal(err)
	}
	if got := string(d.HTML()); got != want.String() {
		t.Errorf("DiffView.HTML() =\n%q\nthe partial made\n%q", got, want.String())
	}
}

func TestDiffHTML(t *testing.T) {
	t.Parallel()
	hunk := HunkView{Skip: 1, HTML: `<li class="diff-eq"><span class="diff-mark" aria-hidden="true"> </span><span class="diff-text">a &amp; b</span></li>` + "\n"}
	for name, d := range map[string]*DiffView{
		"empty":    {},
		"fallback": {Fallback: `too many lines (5,000 > 4,000) & "more" <b>'+'</b>`, Sections: []SectionView{{Name: "Summary", Changed: 3}}},
		"counts": {Sections: []SectionView{
			{Name: "Summary", Added: 1, Changed: 1, Hunks: []HunkView{hunk}, Trail: 1},
			{Name: "Impact", Removed: 2, Changed: 2, Hunks: []HunkView{{HTML: "<li>x</li>\n"}, {Skip: 7, HTML: "<li>y</li>\n"}}, Trail: 4},
			{Name: "Timeline (UTC) & <zones> \"quoted\" 'single' C++ \x00", Added: 3, Removed: 4, Changed: 5},
			{Name: "front matter", Trail: 2},
		}},
	} {
		t.Run(name, func(t *testing.T) { checkDiffHTML(t, d) })
	}
	if got := (*DiffView)(nil).HTML(); got != "" {
		t.Errorf("a nil DiffView's HTML is %q", got)
	}
}

// FuzzDiffHTML checks DiffView.HTML against the partial it replaced on
// any section name, fallback and counts.
func FuzzDiffHTML(f *testing.F) {
	f.Add("Summary", "", 1, 2, 3, 1, 1, true)
	f.Add("Time & <zones> \"q\" 'C++'", "too many & <lines>", 0, 0, 1, 0, 2, false)
	f.Fuzz(func(t *testing.T, name, fallback string, added, removed, changed, skip, trail int, hunks bool) {
		s := SectionView{Name: name, Added: added, Removed: removed, Changed: changed, Trail: trail}
		if hunks {
			s.Hunks = []HunkView{{Skip: skip, HTML: "<li>line</li>\n"}, {HTML: "<li>other</li>\n"}}
		}
		checkDiffHTML(t, &DiffView{Fallback: fallback, Sections: []SectionView{s, {Name: fallback, Changed: skip}}})
	})
}
