package site

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// The audit trail's markup on the default theme's incident page, written
// here rather than in incident.html: the revision list's items
// (RevisionList), the diffs since stale sign-offs (SinceApprovalsHTML)
// and the items of the "Amended" list (AmendedHTML), byte for byte what
// the template drew from RevisionAnchor, RevisionDiff, RevisionBefore,
// AmendmentOf, SinceApprovals and Amended (trailReference in the tests,
// TestTrailHTML, FuzzTrailHTML). The template spent most of its time on
// the trail in reflect's calls of its functions, methods and escapers,
// a dozen values and six calls per revision, not in what they did. Every
// value is escaped as html/template escapes it where the template printed
// it (appendText, appendURL).
//
// A theme's own incident.html can still draw the trail from those
// methods. A theme's own "diff" partial is still what draws each diff
// (trailTheme).

// trailTheme is what the trail's writers know of the theme of a build,
// shared by its incidents' audits.
type trailTheme struct {
	b *Assembly
	// once finds own, the incident template whose "diff" partial the
	// trail's writers execute for each diff when it is the theme's own;
	// nil when it is the default one ({{.Slot}}), whose marker they
	// write.
	once sync.Once
	own  *template.Template
}

// slotPartials are the default "diff" partial's tree, as parsed and as
// html/template escapes it.
var slotPartials = []string{"{{.Slot}}", "{{.Slot | _html_template_htmlescaper}}"}

// ownDiff is the incident template to execute "diff" with, when the
// theme's "diff" partial is its own; nil for the default partial.
func (tt *trailTheme) ownDiff() *template.Template {
	tt.once.Do(func() {
		t := tt.b.tmpls["incident"]
		if t == nil {
			return
		}
		d := t.Lookup("diff")
		if d == nil || d.Tree == nil || d.Tree.Root == nil {
			tt.own = t
			return
		}
		root := d.Tree.Root.String()
		for _, s := range slotPartials {
			if root == s {
				return
			}
		}
		tt.own = t
	})
	return tt.own
}

// appendDiff appends the diff d as the "diff" partial draws it: its
// marker (PackedDiffView.Slot) for the default partial, else what the
// theme's own partial makes of it.
func (v *Incident) appendDiff(buf []byte, d *PackedDiffView) ([]byte, error) {
	if v.audit == nil || v.audit.theme == nil {
		return append(buf, d.Slot()...), nil
	}
	t := v.audit.theme.ownDiff()
	if t == nil {
		return append(buf, d.Slot()...), nil
	}
	w := bytes.NewBuffer(buf)
	err := t.ExecuteTemplate(w, "diff", d)
	return w.Bytes(), err
}

// shortCommit is a commit as the template function short prints it: its
// first 8 characters.
func shortCommit(h string) string {
	if len(h) > 8 {
		return h[:8]
	}
	return h
}

// appendDate appends t as the template function date prints it.
func appendDate(buf []byte, t time.Time) []byte {
	if t.IsZero() {
		return buf
	}
	return t.AppendFormat(buf, "2006-01-02")
}

// appendISO appends t as the template function iso prints it (isoTime).
func appendISO(buf []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(buf, time.RFC3339)
}

// appendTime appends a revision's <time> element with its date, as the
// templates write it.
func appendTime(buf []byte, t time.Time) []byte {
	var tmp [64]byte
	buf = append(buf, `<time datetime="`...)
	b := appendISO(tmp[:0], t)
	buf = appendText(buf, unsafe.String(unsafe.SliceData(b), len(b)))
	buf = append(buf, `">`...)
	b = appendDate(tmp[:0], t)
	buf = appendText(buf, unsafe.String(unsafe.SliceData(b), len(b)))
	return append(buf, "</time>"...)
}

// appendJoined appends strings.Join(list, sep), escaped (appendText).
func appendJoined(buf []byte, list []string, sep string) []byte {
	for k, s := range list {
		if k > 0 {
			buf = appendText(buf, sep)
		}
		buf = appendText(buf, s)
	}
	return buf
}

// textEscapes are html/template's replacements of the bytes it escapes in
// an element's text or a quoted attribute's value (its htmlEscaper and
// attrEscaper of a plain string), by byte; "" for every other byte. They
// are all ASCII, so that a byte-by-byte look leaves every other rune, and
// every byte that is not valid UTF-8, as it was, as html/template does.
var textEscapes = [256]string{0: "\uFFFD", '"': "&#34;", '&': "&amp;", '\'': "&#39;", '+': "&#43;", '<': "&lt;", '>': "&gt;"}

// appendText appends s escaped as html/template escapes a string it
// prints in an element's text or a quoted attribute (the same as
// htmlEscape, without making a string).
func appendText(buf []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		if r := textEscapes[s[i]]; r != "" {
			buf = append(buf, s[last:i]...)
			buf = append(buf, r...)
			last = i + 1
		}
	}
	return append(buf, s[last:]...)
}

// appendURL appends s as html/template prints a string in a quoted URL
// attribute: at its start (href="{{.}}"; filter), its scheme checked
// and the URL normalized; after a '#' (href="#{{.}}"), escaped as a part
// of it; then escaped as any attribute's value (appendText).
func appendURL(buf []byte, s string, filter bool) []byte {
	if filter && !isSafeURL(s) {
		s = "#ZgotmplZ"
	}
	var sb []byte
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']':
			if filter {
				continue
			}
		case '-', '.', '_', '~':
			continue
		case '%':
			if filter && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]) {
				continue
			}
		default:
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				continue
			}
		}
		sb = append(sb, s[written:i]...)
		sb = append(sb, '%', lowerHex[c>>4], lowerHex[c&15])
		written = i + 1
	}
	if written == 0 {
		return appendText(buf, s)
	}
	sb = append(sb, s[written:]...)
	return appendText(buf, unsafe.String(unsafe.SliceData(sb), len(sb)))
}

const lowerHex = "0123456789abcdef"

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// isSafeURL is html/template's test of a URL's scheme: none, or http,
// https or mailto.
func isSafeURL(s string) bool {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			return false
		}
	}
	return true
}

// asHTML is buf as HTML: a string made over buf, which is not changed
// after.
func asHTML(buf []byte) template.HTML {
	return template.HTML(unsafe.String(unsafe.SliceData(buf), len(buf))) //nolint:gosec // every value is escaped as it is appended
}

// RevisionList is the items of the incident's revision list (its
// History.Revisions, newest first) as the default theme's incident.html
// draws them inside its <ol class="revisions">: each revision's commit,
// linked to its own address (RevisionAnchor) when it has a diff, whether
// it is an amendment (AmendmentOf), its date, author, subject and pull
// request, the front-matter fields it changed, and its diff
// (RevisionDiff) drawn by the "diff" partial, with the revision before it
// (RevisionBefore) and why it is substantive. A theme's own incident.html
// can draw them from those methods instead.
func (v *Incident) RevisionList() (template.HTML, error) {
	h := v.History
	if h == nil || len(h.Revisions) == 0 {
		return "", nil
	}
	buf := make([]byte, 0, 512*len(h.Revisions))
	var err error
	for i := range h.Revisions {
		if buf, err = v.appendRevision(buf, i); err != nil {
			return "", err
		}
	}
	return asHTML(buf), nil
}

// appendRevision appends the i-th revision's item of RevisionList.
func (v *Incident) appendRevision(buf []byte, i int) ([]byte, error) {
	r := &v.History.Revisions[i]
	short := shortCommit(r.Commit)
	anchor := v.RevisionAnchor(i)
	amend := v.AmendmentOf(i)
	buf = append(buf, "\n    <li"...)
	if anchor != "" {
		buf = append(buf, ` id="`...)
		buf = appendText(buf, anchor)
		buf = append(buf, `"><a href="#`...)
		buf = appendURL(buf, anchor, false)
		buf = append(buf, `" aria-label="Revision `...)
		buf = appendText(buf, short)
		buf = append(buf, `: link to its diff"><code>`...)
		buf = appendText(buf, short)
		buf = append(buf, "</code></a>"...)
	} else {
		buf = append(buf, "><code>"...)
		buf = appendText(buf, short)
		buf = append(buf, "</code>"...)
	}
	if amend != nil {
		kind := amend.Kind()
		buf = append(buf, ` <span class="amendment amendment-`...)
		buf = appendText(buf, kind)
		buf = append(buf, `">`...)
		buf = appendText(buf, kind)
		buf = append(buf, " amendment</span>"...)
	}
	buf = append(buf, ' ')
	buf = appendTime(buf, r.Date)
	buf = append(buf, ' ')
	buf = appendText(buf, r.Author.Name)
	buf = append(buf, " — "...)
	buf = appendText(buf, r.Subject)
	if r.PR != 0 {
		buf = append(buf, " (#"...)
		buf = strconv.AppendInt(buf, int64(r.PR), 10)
		buf = append(buf, ')')
	}
	buf = append(buf, "\n      "...)
	if len(r.Changes) > 0 {
		buf = append(buf, `<ul class="changes">`...)
		for _, c := range r.Changes {
			buf = append(buf, "<li><code>"...)
			buf = appendText(buf, c.Field)
			buf = append(buf, "</code>: "...)
			buf = appendText(buf, c.From)
			buf = append(buf, " → "...)
			buf = appendText(buf, c.To)
			buf = append(buf, "</li>"...)
		}
		buf = append(buf, "</ul>"...)
	}
	buf = append(buf, "\n      "...)
	if d := v.RevisionDiff(i); d != nil {
		var err error
		if buf, err = v.appendRevisionDiff(buf, i, d, amend); err != nil {
			return buf, err
		}
	}
	return append(buf, "\n    </li>\n  "...), nil
}

// appendRevisionDiff appends the block of the i-th revision's diff d, of
// the amendment amend (nil for none).
func (v *Incident) appendRevisionDiff(buf []byte, i int, d *PackedDiffView, amend *Amendment) ([]byte, error) {
	r := &v.History.Revisions[i]
	before := v.RevisionBefore(i)
	buf = append(buf, "<details class=\"revision-diff\">\n        <summary>What changed in <code>"...)
	buf = appendText(buf, shortCommit(r.Commit))
	buf = append(buf, "</code>"...)
	if before != nil {
		buf = append(buf, " since <code>"...)
		buf = appendText(buf, shortCommit(before.Commit))
		buf = append(buf, "</code>"...)
	}
	buf = append(buf, "</summary>\n        "...)
	if before != nil && before.Path != r.Path {
		buf = append(buf, `<p class="moved">Moved from <code>`...)
		buf = appendText(buf, before.Path)
		buf = append(buf, "</code> to <code>"...)
		buf = appendText(buf, r.Path)
		buf = append(buf, "</code>.</p>"...)
	}
	buf = append(buf, "\n        "...)
	if amend != nil && amend.Substantive {
		buf = append(buf, `<p class="why-substantive">Substantive: `...)
		buf = appendJoined(buf, amend.Reasons, "; ")
		buf = append(buf, ".</p>"...)
	}
	buf = append(buf, "\n        "...)
	buf, err := v.appendDiff(buf, d)
	return append(buf, "\n      </details>"...), err
}

// SinceApprovalsHTML is what changed since each stale sign-off
// (SinceApprovals) as the default theme's incident.html draws it in its
// review section: a block each that opens on the names, commit and date
// of the approval, with the front-matter fields changed since and the
// diff, drawn by the "diff" partial.
func (v *Incident) SinceApprovalsHTML() (template.HTML, error) {
	list := v.SinceApprovals()
	if len(list) == 0 {
		return "", nil
	}
	buf := make([]byte, 0, 512*len(list))
	var err error
	for k := range list {
		s := &list[k]
		buf = append(buf, "\n  <details class=\"since-approval\">\n    <summary>What changed since "...)
		buf = appendJoined(buf, s.Names, " and ")
		buf = append(buf, " approved at <code>"...)
		buf = appendText(buf, shortCommit(s.Commit))
		buf = append(buf, "</code> ("...)
		buf = appendTime(buf, s.Date)
		buf = append(buf, ")</summary>\n    "...)
		buf = appendFieldChanges(buf, s.Fields)
		buf = append(buf, "\n    "...)
		if buf, err = v.appendDiff(buf, s.Diff); err != nil {
			return "", err
		}
		buf = append(buf, "\n  </details>\n  "...)
	}
	return asHTML(buf), nil
}

// appendFieldChanges appends the list of the front-matter fields changed
// since an approval, "(none)" for a value that was or is empty.
func appendFieldChanges(buf []byte, fields []postmortem.FieldChange) []byte {
	if len(fields) == 0 {
		return buf
	}
	buf = append(buf, `<ul class="changes">`...)
	for _, c := range fields {
		buf = append(buf, "<li><code>"...)
		buf = appendText(buf, c.Field)
		buf = append(buf, "</code>: "...)
		if c.From != "" {
			buf = append(buf, "<del>"...)
			buf = appendText(buf, c.From)
			buf = append(buf, "</del>"...)
		} else {
			buf = append(buf, "(none)"...)
		}
		buf = append(buf, " → "...)
		if c.To != "" {
			buf = append(buf, "<ins>"...)
			buf = appendText(buf, c.To)
			buf = append(buf, "</ins>"...)
		} else {
			buf = append(buf, "(none)"...)
		}
		buf = append(buf, "</li>"...)
	}
	return append(buf, "</ul>"...)
}

// AmendedHTML is the items of the default theme's "Amended" list, the
// incident's substantive amendments (Amended), newest first: each one's
// date, its subject linked to its revision's diff, and why it is
// substantive; "" when there is none.
func (v *Incident) AmendedHTML() template.HTML {
	list := v.Amended()
	if len(list) == 0 {
		return ""
	}
	base := ""
	if v.audit.theme != nil && v.audit.theme.b.site != nil {
		base = v.audit.theme.b.site.BasePath
	}
	buf := make([]byte, 0, 256*len(list))
	for _, a := range list {
		buf = append(buf, "<li>"...)
		buf = appendTime(buf, a.Revision.Date)
		buf = append(buf, ` <a href="`...)
		buf = appendURL(buf, base+strings.TrimPrefix(a.Path, "/"), true)
		buf = append(buf, `">`...)
		buf = appendText(buf, a.Revision.Subject)
		buf = append(buf, "</a> — "...)
		buf = appendJoined(buf, a.Reasons, "; ")
		buf = append(buf, "</li>"...)
	}
	return asHTML(buf)
}
