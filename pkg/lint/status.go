package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/timeline"
)

// publishedFields are the front-matter fields a published postmortem needs,
// with how to add each. The summary is checked with the sections: a
// Summary section or a front-matter summary fills it.
var publishedFields = []struct{ name, how string }{
	{"title", `add "title:" to the front matter or an H1 heading`},
	{"date", `add "date: YYYY-MM-DD" to the front matter`},
	{"severity", `add "severity:" to the front matter`},
	{"owner", `add "owner:" to the front matter`},
	{"reviewers", `add the review committee as "reviewers: [Name, Name]" to the front matter`},
}

// publishedSections are the sections a published postmortem needs, with a
// heading that is recognised as each.
var publishedSections = []struct {
	kind    postmortem.SectionKind
	heading string
}{
	{postmortem.SectionSummary, "## Summary"}, // or summary: in the front matter
	{postmortem.SectionImpact, "## Customer impact"},
	{postmortem.SectionTimeline, "## Timeline"},
	{postmortem.SectionFactors, "## Contributing factors"},
	{postmortem.SectionLessons, "## Lessons learned"},
	{postmortem.SectionActionItems, "## Action items"},
}

// placeholders are section texts that mean "not written yet".
var placeholders = []string{"", "tbd", "tbc", "todo", "to do", "n/a", "na", "-", "—", "…", "...", "wip", "tk", "none yet", "coming soon"}

// placeholderWords start a text that means "not written yet" whatever
// short remark follows them: "TBD later", "TODO: fill in", "TBC after the
// vendor's report".
var placeholderWords = []string{"tbd", "tbc", "todo", "tk", "wip", "fixme", "xxx"}

func isPlaceholder(text string) bool {
	if len(text) > 4096 {
		return false
	}
	if strings.Contains(text, "<!--") {
		var b strings.Builder
		for _, l := range splitBody([]byte(text), 1) {
			b.WriteString(l.prose)
			b.WriteByte('\n')
		}
		text = b.String()
	}
	t := strings.ToLower(strings.Trim(strings.TrimSpace(text), "*_`>#. \t\n"))
	if len(t) <= 16 && slices.Contains(placeholders, t) {
		return true
	}
	words := strings.FieldsFunc(t, func(r rune) bool {
		return r == ' ' || r == ':' || r == '-' || r == '—' || r == ',' || r == '\n' || r == '\t'
	})
	return len(words) > 0 && len(words) <= 8 && slices.Contains(placeholderWords, words[0])
}

// hasField reports whether a field of publishedFields is filled in.
func hasField(inc *postmortem.Incident, name string) bool {
	switch name {
	case "title":
		_, written := inc.FieldLines["title"]
		return inc.Title != "" && (written || inc.Title != fileStem(inc.Source))
	case "date":
		return !inc.Date.IsZero()
	case "severity":
		return strings.TrimSpace(inc.Severity) != ""
	case "owner":
		return strings.TrimSpace(inc.Owner) != ""
	case "reviewers":
		return slices.ContainsFunc(inc.Reviewers, func(r string) bool { return strings.TrimSpace(r) != "" })
	}
	return false
}

// frontMatterStandsIn reports whether the front matter fills a section's
// role: its summary, impact, timeline or action items.
func frontMatterStandsIn(inc *postmortem.Incident, kind postmortem.SectionKind) bool {
	has := func(field string) bool { _, ok := inc.FieldLines[field]; return ok }
	switch kind {
	case postmortem.SectionSummary:
		return has("summary") && strings.TrimSpace(inc.Summary) != ""
	case postmortem.SectionImpact:
		return has("impact") && len(inc.Impact) > 0
	case postmortem.SectionTimeline:
		return has("timeline") && len(inc.Timeline) > 0
	case postmortem.SectionActionItems:
		return has("action_items") && len(inc.ActionItems) > 0
	}
	return false
}

// requiredPublished reports fields and sections a postmortem must have
// before it is published: errors once it is, warnings while in review and
// one info finding for a draft. Fields and sections the configuration
// already requires of every file are left to the validator.
func (lc *checker) requiredPublished(f *file, st stage) {
	if st == stageUnknown {
		return
	}
	inc := f.inc
	var missing []string
	for _, fl := range publishedFields {
		if slices.Contains(lc.cfg.RequiredFields, fl.name) || hasField(inc, fl.name) {
			continue
		}
		if fl.name == "severity" && !inc.IsOutage() {
			continue // a near miss or an investigation had no impact to rate
		}
		switch st {
		case stageDraft:
			missing = append(missing, fl.name)
		default:
			f.add(fieldLine(inc, fl.name), 0, levelFor(st), "required-published",
				fmt.Sprintf("%s has no %s; %s before it is published", stageNoun(st), fl.name, fl.how))
		}
	}
	for _, s := range publishedSections {
		if slices.Contains(lc.cfg.RequiredSections, string(s.kind)) || frontMatterStandsIn(inc, s.kind) ||
			s.kind == postmortem.SectionImpact && !inc.IsOutage() {
			continue
		}
		sec := inc.Section(s.kind)
		empty := sec != nil && isPlaceholder(sec.Text)
		if sec != nil && !empty {
			continue
		}
		name := strings.ReplaceAll(string(s.kind), "_", " ")
		switch {
		case st == stageDraft:
			missing = append(missing, name+" section")
		case empty:
			f.add(sec.Line, 0, levelFor(st), "required-published",
				fmt.Sprintf("section %q is empty or only a placeholder; write it before the postmortem is published", sec.Heading))
		default:
			f.add(inc.BodyLine, 0, levelFor(st), "required-published",
				fmt.Sprintf("%s has no %s section; add one (e.g. %q) before it is published", stageNoun(st), name, s.heading))
		}
	}
	if len(missing) > 0 {
		f.add(fieldLine(inc, "status"), 0, postmortem.LevelInfo, "required-published",
			fmt.Sprintf("%s: %s still to write before it can be published", stageNoun(st), strings.Join(missing, ", ")))
	}
}

func levelFor(st stage) string {
	if st == stagePublished {
		return postmortem.LevelError
	}
	return postmortem.LevelWarning
}

func stageNoun(st stage) string {
	switch st {
	case stagePublished:
		return "published postmortem"
	case stageReview:
		return "postmortem in review"
	}
	return "draft"
}

// timelineMilestones reports a published postmortem whose start, detection
// or resolution is unknown: time to detect and time to resolve cannot be
// measured without them.
func (lc *checker) timelineMilestones(f *file, st stage) {
	inc := f.inc
	if st != stagePublished {
		return
	}
	var missing []string
	for _, m := range []struct {
		name  string
		known bool
	}{{"started", !inc.Started.IsZero()}, {"detected", !inc.Detected.IsZero()}, {"resolved", !inc.Resolved.IsZero()}} {
		if !m.known {
			missing = append(missing, m.name)
		}
	}
	if len(missing) == 0 {
		return
	}
	l := fieldLine(inc, "timeline", "status")
	if _, ok := inc.FieldLines["timeline"]; !ok {
		if sec := inc.Section(postmortem.SectionTimeline); sec != nil {
			l = sec.Line
		}
	}
	f.add(l, 0, postmortem.LevelWarning, "timeline-milestones",
		fmt.Sprintf("published postmortem does not say when the incident %s; add %s to the front matter, or mark timeline entries, e.g. \"09:27 — alert fired (detected)\"",
			joinAnd(missing, "or"), joinAnd(quoteFields(missing), "and")))
}

func quoteFields(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = `"` + n + `:"`
	}
	return out
}

// joinAnd joins words as English: "a", "a and b", "a, b and c".
func joinAnd(words []string, conj string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " " + conj + " " + words[len(words)-1]
}

// timelineZone reports timelines whose times of day state no zone anywhere:
// not on the entry, not in a preamble such as "All times UTC." and not in a
// table header. The parser reads such times in the configured timezone and
// records that zone on the event, so the timeline is read again without it
// to see which zones were actually written.
func (lc *checker) timelineZone(f *file) {
	inc := f.inc
	if !slices.ContainsFunc(inc.Timeline, timed) {
		return
	}
	opts := timeline.Options{Date: inc.Date}
	var evs []timeline.Event
	if _, ok := inc.FieldLines["timeline"]; ok {
		evs = make([]timeline.Event, 0, len(inc.Timeline))
		for _, e := range inc.Timeline {
			if timed(e) {
				ev, _ := timeline.ParseEntry(e.Raw, e.Line, opts)
				evs = append(evs, ev)
			}
		}
	} else if sec := inc.Section(postmortem.SectionTimeline); sec != nil {
		opts.Heading = sec.Heading // "## Timeline (UTC)" states the zone
		evs, _ = timeline.Parse([]byte(sec.Text), sec.Line+1, opts)
	}
	n, first := 0, 0
	for _, e := range evs {
		if timed(e) && e.Zone == "" {
			if n == 0 {
				first = e.Line
			}
			n++
		}
	}
	if n == 0 {
		return
	}
	tz := lc.cfg.Timezone
	entries := "1 timeline entry gives"
	if n > 1 {
		entries = fmt.Sprintf("%d timeline entries give", n)
	}
	if i := slices.IndexFunc(inc.Inferred, func(x postmortem.Inference) bool { return x.Field == "timezone" }); i >= 0 {
		// The front matter's date states a zone with its time, as a blog
		// post's does: the times are read in it, which is a guess.
		x := inc.Inferred[i]
		f.add(first, 0, postmortem.LevelInfo, "timeline-zone",
			fmt.Sprintf("%s a time but no zone, read in %s, the zone of the front matter's date (line %d); if the timeline is in another, state it once above the timeline (\"All times %s.\")", entries, x.Value, x.Line, tz))
		return
	}
	f.add(first, 0, postmortem.LevelWarning, "timeline-zone",
		fmt.Sprintf("%s a time but no zone, and no zone is stated for the timeline, so readers cannot tell it is %s (timezone in inquest.yaml); state it once above the timeline (\"All times %s.\") or on each entry", entries, tz, tz))
}

func timed(e timeline.Event) bool { return !e.Time.IsZero() && !e.DateOnly }

// reviewSignoff reports a published postmortem that its review committee
// has not all approved in its current text.
func (lc *checker) reviewSignoff(f *file, st stage) {
	inc := f.inc
	if st != stagePublished || inc.History == nil || len(inc.History.Review.Required) == 0 {
		return
	}
	rv := inc.History.Review
	var parts []string
	if len(rv.Missing) > 0 {
		verb := "has"
		if len(rv.Missing) > 1 {
			verb = "have"
		}
		parts = append(parts, fmt.Sprintf("%s %s not signed off", joinAnd(rv.Missing, "and"), verb))
	}
	if len(rv.Stale) > 0 {
		parts = append(parts, fmt.Sprintf("%s signed off an earlier text (stale)", joinAnd(rv.Stale, "and")))
		for _, m := range rv.Stale {
			if c := inc.History.ChangedSinceApproval(m); c != "" {
				parts = append(parts, c)
			}
		}
	}
	if len(parts) == 0 {
		return
	}
	f.add(fieldLine(inc, "reviewers", "status"), 0, postmortem.LevelWarning, "review-signoff",
		fmt.Sprintf("published, but %s; ask the committee to approve the current text and record it with \"Reviewed-by: Name <email>\" trailers", strings.Join(parts, "; ")))
}

// staleDraft reports a draft or in-review postmortem that has waited longer
// than the maximum age: postmortems that drag on lose their lessons.
func (lc *checker) staleDraft(f *file, st stage) {
	inc := f.inc
	if st == stagePublished || st == stageUnknown || strings.TrimSpace(f.status) == "" {
		return
	}
	since, what := inc.Date, "the incident date"
	if h := inc.History; h != nil && !h.Created.IsZero() {
		since, what = h.Created, "its first commit"
	}
	if since.IsZero() {
		return
	}
	age := lc.opts.Now.Sub(since)
	if age <= lc.opts.MaxDraftAge {
		return
	}
	days := int(age.Hours() / 24)
	maxDays := int(lc.opts.MaxDraftAge.Hours() / 24)
	f.add(fieldLine(inc, "status"), 0, postmortem.LevelWarning, "stale-draft",
		fmt.Sprintf("postmortem has been %q for %d days, since %s (%s), longer than %d days; finish the review and publish it, or raise it at the review meeting",
			inc.Status, days, since.Format("2006-01-02"), what, maxDays))
}
