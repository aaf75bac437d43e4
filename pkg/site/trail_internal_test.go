package site

import (
	"bytes"
	"html/template"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
	"github.com/inquest-dev/inquest/pkg/revdiff"
)

// TrailSnippets are the parts of the default theme's incident.html that
// draw the audit trail, each as it is now ([0]: the methods of trail.go
// print it) and as it was when the template drew it ([1]: the reference
// the pages must equal byte for byte). TestTrailHTML, FuzzTrailHTML and
// TestTrailPages (site_test) render both.
var TrailSnippets = [][2]string{
	{"  {{$.Incident.SinceApprovalsHTML}}\n", `  {{range $.Incident.SinceApprovals}}
  <details class="since-approval">
    <summary>What changed since {{join .Names " and "}} approved at <code>{{short .Commit}}</code> (<time datetime="{{iso .Date}}">{{date .Date}}</time>)</summary>
    {{with .Fields}}<ul class="changes">{{range .}}<li><code>{{.Field}}</code>: {{with .From}}<del>{{.}}</del>{{else}}(none){{end}} → {{with .To}}<ins>{{.}}</ins>{{else}}(none){{end}}</li>{{end}}</ul>{{end}}
    {{template "diff" .Diff}}
  </details>
  {{end}}
`},
	{"{{with $.Incident.AmendedHTML}}\n", "{{with $.Incident.Amended}}\n"},
	{"  <ul>{{.}}</ul>\n", `  <ul>{{range .}}<li><time datetime="{{iso .Revision.Date}}">{{date .Revision.Date}}</time> <a href="{{url .Path}}">{{.Revision.Subject}}</a> — {{join .Reasons "; "}}</li>{{end}}</ul>
`},
	{"  {{$.Incident.RevisionList}}\n", `  {{range $i, $r := .Revisions}}
    {{$anchor := $.Incident.RevisionAnchor $i}}<li{{with $anchor}} id="{{.}}"{{end}}>{{with $anchor}}<a href="#{{.}}" aria-label="Revision {{short $r.Commit}}: link to its diff"><code>{{short $r.Commit}}</code></a>{{else}}<code>{{short .Commit}}</code>{{end}}{{with $.Incident.AmendmentOf $i}} <span class="amendment amendment-{{.Kind}}">{{.Kind}} amendment</span>{{end}} <time datetime="{{iso .Date}}">{{date .Date}}</time> {{.Author.Name}} — {{.Subject}}{{if .PR}} (#{{.PR}}){{end}}
      {{with .Changes}}<ul class="changes">{{range .}}<li><code>{{.Field}}</code>: {{.From}} → {{.To}}</li>{{end}}</ul>{{end}}
      {{with $.Incident.RevisionDiff $i}}<details class="revision-diff">
        <summary>What changed in <code>{{short $r.Commit}}</code>{{with $.Incident.RevisionBefore $i}} since <code>{{short .Commit}}</code>{{end}}</summary>
        {{with $.Incident.RevisionBefore $i}}{{if ne .Path $r.Path}}<p class="moved">Moved from <code>{{.Path}}</code> to <code>{{$r.Path}}</code>.</p>{{end}}{{end}}
        {{with $.Incident.AmendmentOf $i}}{{if .Substantive}}<p class="why-substantive">Substantive: {{join .Reasons "; "}}.</p>{{end}}{{end}}
        {{template "diff" .}}
      </details>{{end}}
    </li>
  {{end}}
`},
}

// TrailReference is src, an incident.html, with each snippet of the trail
// as the template drew it (TrailSnippets); false unless each is in src
// exactly once.
func TrailReference(src string) (string, bool) {
	for _, s := range TrailSnippets {
		if strings.Count(src, s[0]) != 1 {
			return src, false
		}
		src = strings.Replace(src, s[0], s[1], 1)
	}
	return src, true
}

// trailSkeleton is the default incident.html's trail, with the review
// status left out, for TestTrailHTML and FuzzTrailHTML: the snippets in
// their places.
const trailSkeleton = `{{define "trail"}}{{with .Incident}}{{with .History}}<section>
{{range .Review.Signed}}{{.}}{{end}}
@0</section>
@1<section class="amended" aria-labelledby="am-h">
  <h2 id="am-h">Amended</h2>
  <p>Substantive changes made after the postmortem was published:</p>
@2</section>
{{end}}
<section class="history" aria-labelledby="hist-h">
  <ol class="revisions">
@3  </ol>
</section>
{{end}}{{end}}{{end}}`

// trailTemplates are trailSkeleton with the snippets as they are now and
// as the template drew them, parsed with b's functions and the given
// "diff" partial.
func trailTemplates(t testing.TB, b *Assembly, diff string) (now, ref *template.Template) {
	t.Helper()
	parse := func(k int) *template.Template {
		src := trailSkeleton
		for i, s := range TrailSnippets {
			src = strings.Replace(src, "@"+string(rune('0'+i)), s[k], 1)
		}
		return template.Must(template.Must(template.New("incident").Funcs(b.templateFuncs()).Parse(src)).Parse(diff))
	}
	return parse(0), parse(1)
}

// checkTrail fails unless v's trail drawn by now equals the one ref
// draws, and when a <script> tag or a javascript: link of a value
// (trailTexts) is in it.
func checkTrail(t testing.TB, now, ref *template.Template, v *Incident) {
	t.Helper()
	var got, want bytes.Buffer
	errGot := now.ExecuteTemplate(&got, "trail", &Page{Incident: v})
	errWant := ref.ExecuteTemplate(&want, "trail", &Page{Incident: v})
	if errGot != nil || errWant != nil {
		t.Fatalf("errors: %v; reference: %v", errGot, errWant)
	}
	if strings.Contains(got.String(), "<script") || strings.Contains(got.String(), `href="javascript`) {
		t.Fatalf("a value reached the trail unescaped: %q", got.String())
	}
	if got.String() != want.String() {
		t.Fatalf("the trail is\n%q\nthe template drew\n%q", got.String(), want.String())
	}
}

// trailAssembly is an Assembly with a site at base and the incident
// template tmpl.
func trailAssembly(base string) *Assembly {
	return &Assembly{site: &Site{BasePath: base}, repo: &repo.Repo{Config: &config.Config{}}}
}

// trailIncident is an incident of n revisions (newest first) made from
// the given texts, which its values of Git and of the postmortem take in
// turn, with diffs, renames, amendments and stale sign-offs as bits of
// shape say, and its audit's theme tt.
func trailIncident(texts []string, n int, shape uint64, tt *trailTheme) *Incident {
	k := 0
	next := func() string {
		k++
		return texts[k%len(texts)]
	}
	bit := func() bool {
		shape = shape*6364136223846793005 + 1442695040888963407
		return shape>>62 == 0
	}
	d := revdiff.Compare([]byte("## Summary\n"+next()+"\n"), []byte("## Summary\n"+next()+"\n## Impact\nx\n"), nil)
	packed, _ := d.MarshalBinary()
	h := &postmortem.History{Revisions: make([]postmortem.Revision, n)}
	v := &Incident{Incident: &postmortem.Incident{History: h}, Path: next()}
	a := &audit{revs: make([]revInfo, n), theme: tt}
	date := time.Date(2024, 4, 8, 9, 30, 0, 0, time.FixedZone("x", 5400))
	for i := range h.Revisions {
		r := &h.Revisions[i]
		r.Commit = next()
		r.Author.Name, r.Subject, r.Path = next(), next(), next()
		if bit() {
			r.Path = "same.md"
		}
		if bit() {
			r.Date = date.AddDate(0, 0, -i)
		}
		if bit() {
			r.PR = i*7 - 3
		}
		for range k % 3 {
			r.Changes = append(r.Changes, postmortem.FieldChange{Field: next(), From: next(), To: next()})
		}
		if bit() {
			continue
		}
		a.revs[i] = revInfo{anchor: "rev-" + next(), packed: packed, summary: bit()}
		if bit() {
			a.revs[i].amendment = &Amendment{Incident: v, Revision: r, Path: next(), Amendment: revdiff.Amendment{Substantive: bit(), Reasons: []string{next(), next()}[:k%3]}}
		}
	}
	for i := range k % 3 {
		s := SinceApproval{Names: []string{next()}, Commit: next(), Diff: &PackedDiffView{packed: packed, slot: diffSlot('s', i)}}
		if bit() {
			s.Names, s.Date = append(s.Names, next()), date
		}
		if bit() {
			s.Fields = []postmortem.FieldChange{{Field: next(), From: next()}, {Field: next(), To: next()}, {Field: next(), From: next(), To: next()}}
		}
		a.since = append(a.since, s)
	}
	if shape%5 != 0 {
		v.audit = a
	}
	return v
}

// ownDiffPartial is a theme's own "diff" partial, which reads the
// sections.
const ownDiffPartial = `{{define "diff"}}<div class="mine">{{.Fallback}}{{range .Sections}}<b>{{.Name}}</b> {{.Added}}{{end}}</div>{{end}}`

// trailTexts are values with every character html/template escapes in
// text, attributes and URLs, schemes it filters, and bytes that are not
// UTF-8.
var trailTexts = []string{
	"0123456789abcdef0123", "Ana Lima", `<script>alert("x")</script>`, "a & b + 'c'", "\x00nul",
	"javascript:alert(1)", "incidents/INC-1/#rev-0123abcd", "/incidents/ü é/", "100%25 %zz %4", "\xff\xfe",
	"", "https://x.example/a?b=c&d=e#f", "a\tb\nc", "é", "mailto:x@example.com", "x:y/z", "HTTP:x", "#frag", "[]@!$*,;=?",
}

// TestTrailHTML: the trail trail.go writes is what the template drew
// (TrailSnippets), on incidents of every shape and values that need
// escaping, with the default "diff" partial and a theme's own; and the
// default theme's incident.html has each snippet. (Checked to fail with
// a space added to a revision's markup in appendRevision, with " — "
// written unescaped's subject, and with ownDiff always the default.)
func TestTrailHTML(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("../../theme/templates/incident.html")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := TrailReference(string(src)); !ok {
		t.Fatal("the theme's incident.html does not have each of TrailSnippets once")
	}
	for _, diff := range []string{`{{define "diff"}}{{.Slot}}{{end}}`, ownDiffPartial} {
		for _, base := range []string{"/", "/sub/päth/", "javascript:"} {
			b := trailAssembly(base)
			now, ref := trailTemplates(t, b, diff)
			b.tmpls = map[string]*template.Template{"incident": now}
			tt := &trailTheme{b: b}
			rng := rand.New(rand.NewPCG(1, 2))
			for range 300 {
				texts := make([]string, 1+rng.IntN(6))
				for k := range texts {
					texts[k] = trailTexts[rng.IntN(len(trailTexts))]
				}
				checkTrail(t, now, ref, trailIncident(texts, rng.IntN(5), rng.Uint64(), tt))
			}
			if own := tt.ownDiff() != nil; own != (diff == ownDiffPartial) {
				t.Errorf("ownDiff found the partial %q the theme's own: %v", diff, own)
			}
		}
	}
}

// FuzzTrailHTML is TestTrailHTML's check on texts the fuzzer finds.
func FuzzTrailHTML(f *testing.F) {
	f.Add("a <b>", "javascript:x", "100%41", uint64(7), uint8(3), false)
	f.Add("\xff'\"+", "/p q/#r", "", uint64(1), uint8(4), true)
	f.Fuzz(func(t *testing.T, a, c, d string, shape uint64, n uint8, own bool) {
		b := trailAssembly("/" + d)
		diff := `{{define "diff"}}{{.Slot}}{{end}}`
		if own {
			diff = ownDiffPartial
		}
		now, ref := trailTemplates(t, b, diff)
		b.tmpls = map[string]*template.Template{"incident": now}
		checkTrail(t, now, ref, trailIncident([]string{a, c, d}, int(n%6), shape, &trailTheme{b: b}))
	})
}

// FuzzTrailURL: appendURL writes what html/template writes of a string
// in a URL attribute, at its start and after a '#'.
func FuzzTrailURL(f *testing.F) {
	for _, s := range trailTexts {
		f.Add(s)
	}
	tmpl := template.Must(template.New("").Parse(`<a href="{{.}}"></a><a href="#{{.}}"></a>`))
	f.Fuzz(func(t *testing.T, s string) {
		var want strings.Builder
		if err := tmpl.Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		got := `<a href="` + string(appendURL(nil, s, true)) + `"></a><a href="#` + string(appendURL(nil, s, false)) + `"></a>`
		if got != want.String() {
			t.Fatalf("appendURL(%q): %q, html/template %q", s, got, want.String())
		}
	})
}
