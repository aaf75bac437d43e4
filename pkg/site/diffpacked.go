package site

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/inquest-dev/inquest/pkg/revdiff"
)

// PackedDiffView is a diff as the templates show it, read from the packed
// diff the history keeps (revdiff's binary encoding) rather than decoded:
// HTML, the default "diff" partial's, is written in one pass straight
// from the packed bytes (revdiff.Walker), without making the diff's
// sections, hunks, lines or words, nor each hunk's HTML on its own. A
// theme's own partial can read Fallback and Sections as a DiffView's;
// Sections decodes the diff.
//
// At 10k the incident pages show 24,082 revision diffs and 3,834 diffs
// since a stale sign-off; each was decoded for its page into a
// revdiff.Diff, turned into a DiffView, its hunks' HTML one string, then
// copied into a second string for the partial.
type PackedDiffView struct {
	// packed is a diff as revdiff.Diff.MarshalBinary encodes it, as the
	// history keeps it: never changed, and it decodes (see
	// history.Repo.RevisionPacked; packedHTML writes nothing of one that
	// does not).
	packed []byte
	// summary says to show counts only, as lineSummary makes them.
	summary bool
	// view is the decoded diff, made on the first call of Sections.
	view *DiffView
}

// summaryFallback is the Fallback of a revision's diff that shows counts
// only because it is older than the newest maxInlineDiffs.
var summaryFallback = "only the newest " + strconv.Itoa(maxInlineDiffs) + " revisions with a diff show its lines"

// Fallback says why only a line summary is shown ("" otherwise), as
// DiffView.Fallback.
func (d *PackedDiffView) Fallback() string {
	if d == nil {
		return ""
	}
	w := revdiff.WalkBinary(d.packed)
	if f := w.Fallback(); f != "" || !d.summary {
		return f
	}
	return summaryFallback
}

// Sections are the diff's sections as DiffView.Sections has them, for a
// theme's own "diff" partial; the default one does not read them.
func (d *PackedDiffView) Sections() []SectionView {
	if d == nil {
		return nil
	}
	if d.view == nil {
		diff := new(revdiff.Diff)
		if diff.UnmarshalBinaryShared(d.packed) != nil {
			return nil
		}
		if d.summary {
			diff = lineSummary(diff)
		}
		d.view = diffView(diff)
	}
	return d.view.Sections
}

// HTML is the whole diff as the default theme's "diff" partial once drew
// it from Fallback and Sections, byte for byte (diffPartial in the tests,
// TestPackedDiffHTML, FuzzPackedDiffHTML), written from the packed diff:
// the fallback's reason, then each section, its counts and its hunks.
// Texts are escaped as html/template escapes them (htmlEscape).
func (d *PackedDiffView) HTML() template.HTML {
	if d == nil {
		return ""
	}
	s, _ := packedHTML(d.packed, d.summary)
	return template.HTML(s) //nolint:gosec // every text is escaped in packedHTML
}

// lineSummary is d as a line summary: each section's counts, no hunks,
// and a Fallback that says why (summaryFallback unless d has one).
func lineSummary(d *revdiff.Diff) *revdiff.Diff {
	counts := *d
	counts.Sections = make([]revdiff.Section, len(d.Sections))
	copy(counts.Sections, d.Sections)
	for k := range counts.Sections {
		counts.Sections[k].Hunks, counts.Sections[k].Trail = nil, 0
	}
	if counts.Fallback == "" {
		counts.Fallback = summaryFallback
	}
	return &counts
}

// showsPacked reports whether the diff p encodes has something to show:
// a change with its lines, or a line summary. The revision that created
// the file has counts only (its text is the first version), and one that
// changed nothing in the text (a rename) has no sections. It reads p in
// place, and only as far as the first section that shows the diff has
// something: the rest is not checked, as every packed diff the history
// keeps decodes (history.Repo.RevisionPacked). One whose start does not
// decode is not shown.
func showsPacked(p []byte) bool {
	w := revdiff.WalkBinary(p)
	fallback := w.Fallback() != ""
	for {
		s, ok := w.NextSection()
		if !ok {
			return false
		}
		if fallback || s.Hunks > 0 {
			return true
		}
	}
}

// packedSize is packedHTML's first pass over p: the size to make room for,
// each section's changed lines appended to changed (its heading shows them
// before its hunks), and whether p decodes.
func packedSize(p []byte, summary bool, changed []int) (int, []int, bool) {
	n := 64
	w := revdiff.WalkBinary(p)
	n += 2 * len(w.Fallback())
	for {
		s, ok := w.NextSection()
		if !ok {
			break
		}
		n += 256 + 2*(len(s.Key)+len(s.Heading))
		for !summary {
			_, _, ok := w.NextHunk()
			if !ok {
				break
			}
			n += 96
			for {
				op, text, words, ok := w.NextLine()
				if !ok {
					break
				}
				n += 10 + len(text) + len(text)/8
				if op != revdiff.Equal {
					n += 64 + 11*max(words, 0)
				}
			}
		}
		if summary {
			// No hunks: what Section.Changed counts then.
			changed = append(changed, max(s.LinesAdded, s.LinesRemoved))
		} else {
			changed = append(changed, w.Changed())
		}
	}
	return n, changed, w.Err() == nil
}

// packedHTML is the HTML of the diff p encodes (of its lineSummary when
// summary), as HTML describes it, written from p in one pass after one that
// sizes it (packedSize); false, and "", when p does not decode.
func packedHTML(p []byte, summary bool) (string, bool) {
	var small [16]int
	n, changed, ok := packedSize(p, summary, small[:0])
	if !ok {
		return "", false
	}
	var sb strings.Builder
	sb.Grow(n)
	w := revdiff.WalkBinary(p)
	fallback := w.Fallback()
	if summary && fallback == "" {
		fallback = summaryFallback
	}
	sb.WriteString("\n")
	if fallback != "" {
		sb.WriteString(`<p class="diff-fallback">Shown as a line summary: `)
		htmlEscaper.WriteString(&sb, fallback) //nolint:errcheck // a strings.Builder does not fail
		sb.WriteString(".</p>")
	}
	sb.WriteString("\n")
	for i := 0; ; i++ {
		s, ok := w.NextSection()
		if !ok {
			break
		}
		hunks := s.Hunks
		if summary {
			hunks = 0
		}
		name := htmlEscape(revdiff.SectionName(s.Key, s.Heading))
		sb.WriteString("\n<section class=\"diff-section\" aria-label=\"Changes in ")
		sb.WriteString(name)
		sb.WriteString("\">\n  <h3>")
		sb.WriteString(name)
		sb.WriteString(` <span class="diff-counts">`)
		if s.Added != 0 {
			sb.WriteString("+")
			sb.WriteString(strconv.Itoa(s.Added))
		}
		if s.Added != 0 && s.Removed != 0 {
			sb.WriteString(" ")
		}
		if s.Removed != 0 {
			sb.WriteString("−")
			sb.WriteString(strconv.Itoa(s.Removed))
		}
		if s.Added != 0 || s.Removed != 0 {
			sb.WriteString(" words, ")
		}
		c := changed[i]
		sb.WriteString(strconv.Itoa(c))
		if c == 1 {
			sb.WriteString(" line changed</span></h3>\n  ")
		} else {
			sb.WriteString(" lines changed</span></h3>\n  ")
		}
		for range hunks {
			skip, _, _ := w.NextHunk()
			sb.WriteString("\n  ")
			if skip != 0 {
				skipHTML(&sb, skip)
			}
			sb.WriteString("\n  <ol class=\"diff-hunk\">\n")
			writeHunkLines(&sb, &w)
			sb.WriteString("</ol>\n  ")
		}
		sb.WriteString("\n  ")
		if !summary && s.Trail != 0 && hunks > 0 {
			skipHTML(&sb, s.Trail)
		}
		sb.WriteString("\n</section>\n")
	}
	sb.WriteString("\n")
	return sb.String(), true
}

// writeHunkLines writes the lines of w's current hunk as hunkHTML writes
// a decoded hunk's.
func writeHunkLines(sb *strings.Builder, w *revdiff.Walker) {
	for {
		op, text, words, ok := w.NextLine()
		if !ok {
			return
		}
		openLine(sb, op)
		if words < 0 || op == revdiff.Equal {
			writeEscaped(sb, text)
		} else {
			for {
				sp, ok := w.NextWord()
				if !ok {
					break
				}
				switch sp.Op {
				case revdiff.Delete:
					sb.WriteString("<del>")
					writeEscaped(sb, sp.Text)
					sb.WriteString("</del>")
				case revdiff.Insert:
					sb.WriteString("<ins>")
					writeEscaped(sb, sp.Text)
					sb.WriteString("</ins>")
				default:
					writeEscaped(sb, sp.Text)
				}
			}
		}
		sb.WriteString("</li>\n")
	}
}

// writeEscaped writes html.EscapeString(s) to sb without making it: the
// same five characters, the same way (TestWriteEscaped). A look-up in a
// table of them found them about three times as fast as a switch on each
// byte (on lines of the 1,000-postmortem corpus, one core).
func writeEscaped(sb *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		if !htmlSpecial[s[i]] {
			continue
		}
		sb.WriteString(s[last:i])
		sb.WriteString(htmlEscapes[s[i]])
		last = i + 1
	}
	sb.WriteString(s[last:])
}

// htmlEscapes are html.EscapeString's replacements, by byte, and
// htmlSpecial says which bytes have one (a table of bools is a little
// faster to look along than one of strings).
var (
	htmlEscapes = [256]string{'&': "&amp;", '\'': "&#39;", '<': "&lt;", '>': "&gt;", '"': "&#34;"}
	htmlSpecial = [256]bool{'&': true, '\'': true, '<': true, '>': true, '"': true}
)

// decodes reports whether p is a diff's encoding that decodes, read in
// place.
func decodes(p []byte) bool {
	w := revdiff.WalkBinary(p)
	for {
		if _, ok := w.NextSection(); !ok {
			return w.Err() == nil
		}
	}
}
