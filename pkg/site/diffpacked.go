package site

import (
	"bytes"
	"html/template"
	"slices"
	"strconv"
	"unsafe"

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
	// slot is the marker Slot writes for a diff of an incident's own page
	// (diffSlot); "" for one that has none.
	slot string
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

// Slot is the diff's HTML as the incident's own page has it, placed by
// the page's writer: a marker (diffSlot) that Assembly.writePage replaces
// with the HTML written straight into the page (placeDiffs), so that the
// HTML is never a string of its own nor printed by the template, whose
// fmt copies each value it prints: 200 MB of diffs at 10,000 postmortems,
// each made, copied and collected. The default "diff" partial writes it,
// in element content; a view with no marker (none of an incident's
// audit) gives HTML.
func (d *PackedDiffView) Slot() template.HTML {
	if d == nil {
		return ""
	}
	if d.slot == "" {
		return d.HTML()
	}
	return template.HTML(d.slot) //nolint:gosec // a marker of ours, replaced by escaped HTML
}

// slotMark starts the marker of a diff's place on its incident's page,
// which ends with a NUL byte: the diff's key between. Nothing else on a
// page has a NUL byte: the templates escape one in any value they print
// (as U+FFFD), and so does Markdown in a postmortem's text; raw HTML let
// through (markdown.unsafe) could forge a marker, which would show one of
// the incident's own diffs.
const slotMark = "\x00inquest-diff:"

// diffSlot is the marker of an incident's diff: kind 'r' and the index
// of a revision, or 's' and that of a diff since a sign-off.
func diffSlot(kind byte, i int) string {
	return slotMark + string(kind) + strconv.Itoa(i) + "\x00"
}

// placeDiffs appends page to dst with each marker of v's diffs replaced
// by the diff's HTML (appendPackedHTML); a marker that names none of v's
// diffs is kept as it is.
func placeDiffs(dst, page []byte, v *Incident) []byte {
	for {
		i := bytes.Index(page, []byte(slotMark))
		if i < 0 {
			return append(dst, page...)
		}
		dst = append(dst, page[:i]...)
		page = page[i:]
		end := bytes.IndexByte(page[len(slotMark):], 0)
		if end < 0 {
			return append(dst, page...)
		}
		end += len(slotMark) + 1
		if d := v.slotDiff(page[len(slotMark) : end-1]); d != nil {
			dst, _ = appendPackedHTML(dst, d.packed, d.summary)
		} else {
			dst = append(dst, page[:end]...)
		}
		page = page[end:]
	}
}

// slotDiff is the diff of v that a marker's key names; nil for none.
func (v *Incident) slotDiff(key []byte) *PackedDiffView {
	if v.audit == nil || len(key) < 2 {
		return nil
	}
	i, err := strconv.Atoi(string(key[1:]))
	if err != nil || i < 0 {
		return nil
	}
	switch key[0] {
	case 'r':
		return v.RevisionDiff(i)
	case 's':
		if i < len(v.audit.since) {
			return v.audit.since[i].Diff
		}
	}
	return nil
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

// packedHTML is the HTML of the diff p encodes (of its lineSummary when
// summary), as HTML describes it, written from p in one pass; false, and
// "", when p does not decode. A section's heading shows its changed
// lines, which only its hunks tell: the heading's end is written after
// them and moved before them (appendSection). A first pass over p that
// counted them and sized the buffer took a fifth of the time.
func packedHTML(p []byte, summary bool) (string, bool) {
	buf, ok := appendPackedHTML(nil, p, summary)
	if !ok {
		return "", false
	}
	// buf is not changed after: the string is made over it, as a
	// strings.Builder makes its own.
	return unsafe.String(unsafe.SliceData(buf), len(buf)), true
}

// appendPackedHTML appends packedHTML's HTML of p to buf, with room made
// for it first (packedRoom); buf as it was, and false, when p does not
// decode.
func appendPackedHTML(buf, p []byte, summary bool) ([]byte, bool) {
	w := revdiff.WalkBinary(p)
	fallback := w.Fallback()
	if summary && fallback == "" {
		fallback = summaryFallback
	}
	start := len(buf)
	buf = slices.Grow(buf, packedRoom(len(p), w.Sections(), len(fallback), summary))
	buf = append(buf, '\n')
	if fallback != "" {
		buf = append(buf, `<p class="diff-fallback">Shown as a line summary: `...)
		buf = append(buf, htmlEscape(fallback)...)
		buf = append(buf, ".</p>"...)
	}
	buf = append(buf, '\n')
	for {
		s, ok := w.NextSection()
		if !ok {
			break
		}
		buf = appendSection(buf, &w, s, summary)
	}
	if w.Err() != nil {
		return buf[:start], false
	}
	return append(buf, '\n'), true
}

// packedRoom is the room to make for the HTML of a packed diff of n
// bytes and the given sections and fallback. The HTML of the diffs of
// the 1,000-postmortem corpus is 1.75 times their packed size (2.18 when
// each changed line had a hidden name), and with 3/2 of it and a
// heading's room for each section none of 2,822 outgrow it, 20.8 MB made
// for 16.6 MB (with 5/4, none, 18.4 MB; with 9/8, 259; with 7/4, none,
// 23.1 MB). A line summary's is its headings. An incident's page appends
// its diffs to a buffer the pool keeps (placeDiffs), which seldom grows.
func packedRoom(n, sections, fallback int, summary bool) int {
	room := 128 + 2*fallback + 320*sections
	if !summary {
		room += n * 3 / 2
	}
	return room
}

// appendSection appends the section s that w has just read, its heading
// and its hunks (none when summary), as packedHTML describes it.
func appendSection(buf []byte, w *revdiff.Walker, s revdiff.SectionHead, summary bool) []byte {
	name := htmlEscape(revdiff.SectionName(s.Key, s.Heading))
	buf = append(buf, "\n<section class=\"diff-section\" aria-label=\"Changes in "...)
	buf = append(buf, name...)
	buf = append(buf, "\">\n  <h3>"...)
	buf = append(buf, name...)
	buf = append(buf, ` <span class="diff-counts">`...)
	if s.Added != 0 {
		buf = append(buf, '+')
		buf = strconv.AppendInt(buf, int64(s.Added), 10)
	}
	if s.Added != 0 && s.Removed != 0 {
		buf = append(buf, ' ')
	}
	if s.Removed != 0 {
		buf = append(buf, "−"...)
		buf = strconv.AppendInt(buf, int64(s.Removed), 10)
	}
	if s.Added != 0 || s.Removed != 0 {
		buf = append(buf, " words, "...)
	}
	if summary || s.Hunks == 0 {
		// No hunks: what Section.Changed counts then.
		buf = appendChanged(buf, max(s.LinesAdded, s.LinesRemoved))
		return append(buf, "\n  \n</section>\n"...)
	}
	// The hunks, then the heading's end, which is moved before them.
	at := len(buf)
	for range s.Hunks {
		skip, _, ok := w.NextHunk()
		if !ok {
			break
		}
		buf = append(buf, "\n  "...)
		if skip != 0 {
			buf = appendSkip(buf, skip)
		}
		buf = append(buf, "\n  <ol class=\"diff-hunk\">\n"...)
		buf = appendHunkLines(buf, w)
		buf = append(buf, "</ol>\n  "...)
	}
	end := len(buf)
	buf = appendChanged(buf, w.Changed())
	var head [64]byte
	n := copy(head[:], buf[end:])
	copy(buf[at+n:], buf[at:end])
	copy(buf[at:], head[:n])
	buf = append(buf, "\n  "...)
	if s.Trail != 0 {
		buf = appendSkip(buf, s.Trail)
	}
	return append(buf, "\n</section>\n"...)
}

// appendChanged appends the end of a section's heading: its changed
// lines.
func appendChanged(buf []byte, c int) []byte {
	buf = strconv.AppendInt(buf, int64(c), 10)
	if c == 1 {
		return append(buf, " line changed</span></h3>\n  "...)
	}
	return append(buf, " lines changed</span></h3>\n  "...)
}

// appendSkip appends what skipHTML writes.
func appendSkip(buf []byte, n int) []byte {
	buf = append(buf, `<p class="diff-skip">⋮ `...)
	buf = strconv.AppendInt(buf, int64(n), 10)
	buf = append(buf, " unchanged line"...)
	if n != 1 {
		buf = append(buf, 's')
	}
	return append(buf, "</p>"...)
}

// appendHunkLines appends the lines of w's current hunk as hunkHTML
// writes a decoded hunk's.
func appendHunkLines(buf []byte, w *revdiff.Walker) []byte {
	for {
		op, text, words, ok := w.NextLine()
		if !ok {
			return buf
		}
		buf = append(buf, lineStart(op)...)
		if words < 0 || op == revdiff.Equal {
			buf = appendEscaped(buf, text)
		} else {
			for {
				sp, ok := w.NextWord()
				if !ok {
					break
				}
				switch sp.Op {
				case revdiff.Delete:
					buf = append(buf, "<del>"...)
					buf = appendEscaped(buf, sp.Text)
					buf = append(buf, "</del>"...)
				case revdiff.Insert:
					buf = append(buf, "<ins>"...)
					buf = appendEscaped(buf, sp.Text)
					buf = append(buf, "</ins>"...)
				default:
					buf = appendEscaped(buf, sp.Text)
				}
			}
		}
		buf = append(buf, "</li>\n"...)
	}
}

// appendEscaped appends html.EscapeString(s) to buf without making it:
// the same five characters, the same way (TestAppendEscaped). A look-up
// in a table of them found them about three times as fast as a switch on
// each byte (on lines of the 1,000-postmortem corpus, one core).
func appendEscaped(buf []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		if !htmlSpecial[s[i]] {
			continue
		}
		buf = append(buf, s[last:i]...)
		buf = append(buf, htmlEscapes[s[i]]...)
		last = i + 1
	}
	return append(buf, s[last:]...)
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
