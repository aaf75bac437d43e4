package site

import (
	"context"
	"html"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/history"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/revdiff"
)

// The audit trail on the site, all on the incident page: each revision
// that changed a postmortem's text has its diff in the revision list, in
// a block that opens at its own address (incidents/ID/#rev-COMMIT), from
// the diffs package history computed while it read the revisions (it
// reads no version of any file here); the diff from the text each stale
// sign-off approved to the current text; and the amendments after
// publication, substantive or editorial (revdiff.Classify), also in the
// feed and in the digest.
//
// The diffs are on the incident page rather than on a page each: at 10k
// postmortems a page per revision was 24,082 more files to write, and to
// link into the next build's folder when nothing changed, which made a
// build without changes a quarter slower than one without the audit trail.

// maxInlineDiffs is how many of an incident's revisions, the newest, show
// their diff line by line; older ones show a line summary, their counts by
// section, so that a file with 10,000 revisions does not make a page of
// 10,000 diffs.
const maxInlineDiffs = 100

// audit is what the incident page shows of an incident's history beyond
// postmortem.History.
type audit struct {
	// revs are History.Revisions' diffs and amendments, index by index.
	revs []revInfo
	// since are the diffs since the stale sign-offs of the members
	// Review.Stale lists, one per approved commit.
	since []SinceApproval
	// theme is what the trail's writers know of the build's theme
	// (RevisionList), the same for every incident.
	theme *trailTheme
}

// revInfo is what the build knows of one revision.
type revInfo struct {
	// anchor is the id of its entry in the revision list, "rev-" and its
	// commit's first 8 hex digits; "" when it has no diff to show.
	anchor string
	// summary says its diff shows counts only (maxInlineDiffs).
	summary   bool
	amendment *Amendment
	// packed is the revision's diff as the history keeps it, packed
	// (history.Repo.RevisionPacked), which the page writes as HTML
	// without decoding it (PackedDiffView); nil when it has none to
	// show.
	packed []byte
}

// Amendment is a revision after the postmortem was first published.
type Amendment struct {
	Incident *Incident
	Revision *postmortem.Revision
	// Path is the revision's place on the incident page: its path and
	// the revision's #anchor.
	Path string
	revdiff.Amendment
}

// Kind is "substantive" or "editorial".
func (a *Amendment) Kind() string {
	if a.Substantive {
		return "substantive"
	}
	return "editorial"
}

// SinceApproval is what changed from the text a stale sign-off approved
// to the current text.
type SinceApproval struct {
	// Names are the reviewers whose sign-offs approved that text.
	Names  []string
	Commit string
	Date   time.Time
	Fields []postmortem.FieldChange
	Diff   *PackedDiffView
}

// DiffView is a revdiff.Diff as a template shows it: each line's HTML
// made here, its changed words in <del> and <ins>. The incident page's
// diffs are PackedDiffViews, which make one (Sections) only for a theme
// whose "diff" partial reads their sections.
type DiffView struct {
	// Fallback says why only a line summary is shown ("" otherwise).
	Fallback string
	Sections []SectionView
}

// SectionView is one section of a DiffView.
type SectionView struct {
	Name                    string
	Added, Removed, Changed int
	Hunks                   []HunkView
	// Trail is the number of unchanged lines after the last hunk.
	Trail int
}

// HunkView is a run of changed lines with context.
type HunkView struct {
	// Skip is the number of unchanged lines left out before it.
	Skip int
	// HTML is its lines as the <li> items of a list (see hunkHTML).
	HTML template.HTML
}

// buildAudit finds each published incident's revision diffs, amendments
// and diffs since stale sign-offs, from the diffs the history pass kept,
// on every core: one after the other, the incidents took 0.1 s of a 10k
// build's page listing, with the other core idle.
func (b *Assembly) buildAudit() {
	hist := b.repo.History()
	if hist == nil {
		return
	}
	incs := b.site.Incidents
	tt := &trailTheme{b: b}
	// Nothing here fails, nor is cancelled: it reads what the history
	// kept, in memory.
	_ = parallel(context.Background(), len(incs), func(i int) error {
		if h := incs[i].History; h != nil && len(h.Revisions) > 0 {
			incs[i].audit = b.auditOf(hist, incs[i])
			incs[i].audit.theme = tt
		}
		return nil
	})
}

// auditOf is buildAudit's work for the incident v, which has revisions.
func (b *Assembly) auditOf(hist *history.Repo, v *Incident) *audit {
	h := v.History
	a := &audit{revs: make([]revInfo, len(h.Revisions))}
	used := map[string]bool{}
	published := b.publishedAt(v)
	shown := 0
	// The diffs that show something (a change with its lines, or a line
	// summary), as the history knows it without reading them; only
	// an amendment's is decoded, for Classify, and the page writes the
	// diff from the packed bytes (PackedDiffView).
	packs := hist.RevisionsShown(v.Source)
	for i := range h.Revisions {
		rv := &h.Revisions[i]
		if i >= len(packs) || packs[i] == nil {
			continue
		}
		p := packs[i]
		ri := &a.revs[i]
		ri.anchor = "rev-" + revisionSlug(rv.Commit, used)
		ri.summary = shown >= maxInlineDiffs
		shown++
		ri.packed = p
		if i < published {
			ri.amendment = &Amendment{Incident: v, Revision: rv, Path: v.Path + "#" + ri.anchor, Amendment: revdiff.Classify(hist.RevisionDiff(v.Source, i), rv.Changes)}
		}
	}
	seen := map[string]int{}
	for _, member := range h.Review.Stale {
		s, ok := staleSignOff(h, member)
		if !ok {
			continue
		}
		if k, ok := seen[s.Commit]; ok {
			if !slices.Contains(a.since[k].Names, s.Name) {
				a.since[k].Names = append(a.since[k].Names, s.Name)
			}
			continue
		}
		p, ok := hist.SincePacked(v.Source, s.Commit)
		if !ok || !decodes(p) {
			continue
		}
		seen[s.Commit] = len(a.since)
		a.since = append(a.since, SinceApproval{Names: []string{s.Name}, Commit: s.Commit, Date: s.Date, Fields: s.SinceFields, Diff: &PackedDiffView{packed: p, slot: diffSlot('s', len(a.since))}})
	}
	return a
}

// staleSignOff is the newest stale sign-off of a member of the review
// committee whose sign-off is stale (Review.Stale), matched by name or
// email as History.ChangedSinceApproval matches them: the text that
// member last approved. Older sign-offs of a member who approved again
// are not shown.
func staleSignOff(h *postmortem.History, member string) (postmortem.SignOff, bool) {
	m := strings.ToLower(member)
	for _, s := range h.SignOffs { // newest first
		named := s.Name != "" && strings.Contains(m, strings.ToLower(s.Name)) ||
			s.Email != "" && strings.Contains(m, strings.ToLower(s.Email))
		if s.Stale && named {
			return s, true
		}
	}
	return postmortem.SignOff{}, false
}

// revisionSlug is a revision's part of its anchor: its commit's first 8
// hex digits, longer in the rare case another revision of the file shares
// them.
func revisionSlug(commit string, used map[string]bool) string {
	for n := 8; n < len(commit); n += 4 {
		if s := commit[:n]; !used[s] {
			used[s] = true
			return s
		}
	}
	used[commit] = true
	return commit
}

// publishedAt is the index in History.Revisions (newest first) of the
// revision that first published the postmortem; the revisions before it
// in the list, the newer ones, are amendments. Published means what the
// status workflow calls published (Config.IsPublished): the oldest
// revision after which the status was published, by the changes of the
// status Git records. A postmortem whose status Git never saw change is
// published by its first revision on the default branch, as the feed
// counts it, unless it is a draft. For one never published it is -1: no
// revision is an amendment.
func (b *Assembly) publishedAt(v *Incident) int {
	h := v.History
	cfg := b.repo.Config
	c, ok := newestStatusChange(h)
	if !ok {
		if cfg.IsDraft(v.Status) {
			return -1
		}
		return len(h.Revisions) - 1
	}
	// The status after each revision, walking back from the newest: at
	// HEAD, what the newest change made it (whatever the work tree says
	// now, so that serve's updates agree with a build).
	status, first := c.To, -1
	for i := range h.Revisions {
		if cfg.IsPublished(status) {
			first = i
		}
		for _, c := range h.Revisions[i].Changes {
			if strings.EqualFold(c.Field, "status") {
				status = c.From
			}
		}
	}
	return first
}

// newestStatusChange is the newest revision's change of the status.
func newestStatusChange(h *postmortem.History) (postmortem.FieldChange, bool) {
	for _, rv := range h.Revisions {
		for _, c := range rv.Changes {
			if strings.EqualFold(c.Field, "status") {
				return c, true
			}
		}
	}
	return postmortem.FieldChange{}, false
}

// diffView turns a diff into the view the templates show.
func diffView(d *revdiff.Diff) *DiffView {
	if d == nil {
		return nil
	}
	out := &DiffView{Fallback: d.Fallback, Sections: make([]SectionView, 0, len(d.Sections))}
	// Every hunk's HTML is written into one string, sized from the
	// texts, and each hunk takes its part: one allocation per diff
	// rather than a growing buffer per hunk.
	var sb strings.Builder
	n := 0
	for _, s := range d.Sections {
		for _, h := range s.Hunks {
			for _, l := range h.Lines {
				n += len(l.Text) + len(l.Text)/8 + 80
			}
		}
	}
	sb.Grow(n)
	type span struct{ sec, hunk, from, to int }
	var spans []span
	for i, s := range d.Sections {
		sv := SectionView{Name: revdiff.SectionName(s.Key, s.Heading), Added: s.Added, Removed: s.Removed, Changed: s.Changed(), Trail: s.Trail}
		if len(s.Hunks) > 0 {
			sv.Hunks = make([]HunkView, len(s.Hunks))
		}
		for j, h := range s.Hunks {
			from := sb.Len()
			hunkHTML(&sb, h)
			sv.Hunks[j].Skip = h.Skip
			spans = append(spans, span{i, j, from, sb.Len()})
		}
		out.Sections = append(out.Sections, sv)
	}
	all := sb.String()
	for _, sp := range spans {
		out.Sections[sp.sec].Hunks[sp.hunk].HTML = template.HTML(all[sp.from:sp.to]) //nolint:gosec // hunkHTML escapes every text
	}
	return out
}

// skipHTML writes the note that n unchanged lines are left out.
func skipHTML(sb *strings.Builder, n int) {
	sb.WriteString(`<p class="diff-skip">⋮ `)
	sb.WriteString(strconv.Itoa(n) + " unchanged line")
	if n != 1 {
		sb.WriteString("s")
	}
	sb.WriteString("</p>")
}

// htmlEscaper escapes a text as html/template escapes a value in an
// element's text or a quoted attribute: the same seven characters, the
// same way, so that a diff made here reads as the template made it.
var htmlEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// htmlEscape is html/template's escaping of s (see htmlEscaper).
func htmlEscape(s string) string { return htmlEscaper.Replace(s) }

// lineStart is the start of a diff line's <li>: its class when it is
// changed (see hunkHTML); appendHunkLines writes the same.
func lineStart(op revdiff.Op) string {
	switch op {
	case revdiff.Delete:
		return `<li class="diff-del">`
	case revdiff.Insert:
		return `<li class="diff-ins">`
	}
	return `<li>`
}

// hunkHTML writes a hunk's lines as <li> items, made here rather than in
// the template: a revision's diff has a few dozen lines, and a template
// spends 20 times as long on each. A changed line is its class (diff-del
// or diff-ins) and the author's text, nothing else: the stylesheet draws
// its − or + before it, with "Removed: " or "Added: " as the mark's
// alternative text, which screen readers read first (CSS generated
// content's alt text; a browser without it reads the mark) and a copy
// of the text does not take. A hidden span of each name on every changed
// line was 41 of the 211 MB of diff HTML at 10k. Its changed words are in
// <del> or <ins>, which the stylesheet strikes through or underlines, so
// nothing relies on colour. An unchanged line is a bare <li>: the markup
// is most of a diff's bytes (24,082 diffs at 10k), and each line's own
// mark and text spans were about 80 bytes of it. Every text
// is escaped.
func hunkHTML(sb *strings.Builder, h revdiff.Hunk) {
	for _, l := range h.Lines {
		sb.WriteString(lineStart(l.Op))
		if l.Words == nil || l.Op == revdiff.Equal {
			sb.WriteString(html.EscapeString(l.Text))
		}
		for _, w := range l.Words {
			if l.Op == revdiff.Equal {
				break
			}
			open, end := "", ""
			switch w.Op {
			case revdiff.Delete:
				open, end = "<del>", "</del>"
			case revdiff.Insert:
				open, end = "<ins>", "</ins>"
			}
			sb.WriteString(open)
			sb.WriteString(html.EscapeString(w.Text))
			sb.WriteString(end)
		}
		sb.WriteString("</li>\n")
	}
}

// RevisionAnchor is the id of the incident's i-th revision (newest
// first, as History.Revisions lists them) in its revision list; "" when
// it has no diff to show.
func (v *Incident) RevisionAnchor(i int) string {
	if v.audit == nil || i < 0 || i >= len(v.audit.revs) {
		return ""
	}
	return v.audit.revs[i].anchor
}

// RevisionDiff is what the incident's i-th revision changed, as the
// template shows it; nil when it has no diff to show. Beyond the newest
// maxInlineDiffs it is a line summary: each section's counts, no lines
// (lineSummary).
func (v *Incident) RevisionDiff(i int) *PackedDiffView {
	if v.audit == nil || i < 0 || i >= len(v.audit.revs) || v.audit.revs[i].packed == nil {
		return nil
	}
	r := &v.audit.revs[i]
	return &PackedDiffView{packed: r.packed, summary: r.summary, slot: diffSlot('r', i)}
}

// RevisionBefore is the revision before the incident's i-th (its path
// differs after a rename); nil for the first.
func (v *Incident) RevisionBefore(i int) *postmortem.Revision {
	h := v.History
	if h == nil || i < 0 || i+1 >= len(h.Revisions) {
		return nil
	}
	return &h.Revisions[i+1]
}

// AmendmentOf is the amendment the incident's i-th revision is; nil when
// it is none.
func (v *Incident) AmendmentOf(i int) *Amendment {
	if v.audit == nil || i < 0 || i >= len(v.audit.revs) {
		return nil
	}
	return v.audit.revs[i].amendment
}

// Amended lists the incident's substantive amendments, newest first.
func (v *Incident) Amended() []*Amendment {
	if v.audit == nil {
		return nil
	}
	var out []*Amendment
	for _, r := range v.audit.revs {
		if r.amendment != nil && r.amendment.Substantive {
			out = append(out, r.amendment)
		}
	}
	return out
}

// SinceApprovals are the diffs since the incident's stale sign-offs.
func (v *Incident) SinceApprovals() []SinceApproval {
	if v.audit == nil {
		return nil
	}
	return v.audit.since
}

// amendments lists the substantive amendments of the published
// incidents since a time, newest first.
func (b *Assembly) amendments(since time.Time) []*Amendment {
	var out []*Amendment
	for _, v := range b.site.Incidents {
		for _, a := range v.Amended() {
			if !a.Revision.Date.Before(since) {
				out = append(out, a)
			}
		}
	}
	slices.SortStableFunc(out, func(a, c *Amendment) int { return c.Revision.Date.Compare(a.Revision.Date) })
	return out
}

// amendmentEntries are the feed's entries for substantive amendments, the
// newest n: each its own entry, with the revision's address on the
// incident page (#rev-COMMIT) as its id.
func (b *Assembly) amendmentEntries(n int) []atomEntry {
	list := b.amendments(time.Time{})
	var out []atomEntry
	for _, a := range list[:min(n, len(list))] {
		v := a.Incident
		e := atomEntry{Title: "Amended: " + v.Title, ID: b.absURL(a.Path), Link: atomLink{Href: b.absURL(a.Path)},
			Summary: a.Revision.Subject + " (" + strings.Join(a.Reasons, "; ") + ")"}
		e.Published = a.Revision.Date.UTC().Format(time.RFC3339)
		e.Updated = e.Published
		e.Author.Name = a.Revision.Author.Name
		if e.Author.Name == "" {
			e.Author.Name = b.site.Title
		}
		out = append(out, e)
	}
	return out
}
