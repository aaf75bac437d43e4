package postmortem

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// kindHeadings are headings as teams write them, with the kind each
// names.
var kindHeadings = []struct {
	heading string
	want    SectionKind
}{
	{"Summary", SectionSummary},
	{"  1. Executive Summary:", SectionSummary},
	{"**TL;DR**", SectionSummary},
	{"Impact", SectionImpact},
	{"Customer impact (estimated)", SectionImpact},
	{"Affected users", SectionImpact},
	{"End User Impact", SectionImpact},
	{"Infrastructure impact", SectionImpact},
	{"Who was affected?", SectionImpact},
	{"Affected services", SectionOther},
	{"Outage Description", SectionSummary},
	{"What can be improved", SectionLessons},
	{"Areas for improvement", SectionLessons},
	{"What didn't go so well", SectionLessons},
	{"What didn’t go well?", SectionLessons},
	{"How'd We Do?", SectionLessons},
	{"Problems encountered", SectionLessons},
	{"How’d we do?", SectionLessons},
	{"What we’ve learned", SectionLessons},
	{"Timeline", SectionTimeline},
	{"Timeline (all times PST)", SectionTimeline},
	{"Timeline(UTC)", SectionTimeline},
	{"Detailed timeline", SectionTimeline},
	{"Root cause", SectionFactors},
	{"Root Cause(s)", SectionFactors},
	{"ROOT CAUSE(S):", SectionFactors},
	{"Contributing Factor(s)", SectionFactors},
	{"Five whys", SectionFactors},
	{"5 Whys", SectionFactors},
	{"Why did it happen?", SectionFactors},
	{"Lessons learned", SectionLessons},
	{"Lesson(s) Learned", SectionLessons},
	{"What went well?", SectionLessons},
	{"Action items", SectionActionItems},
	{"Action Item(s)", SectionActionItems},
	{"Follow-ups", SectionActionItems},
	{"Corrective actions", SectionActionItems},
	{"Supporting data", SectionSupportingData},
	{"Data", SectionSupportingData},
	{"Data:", SectionSupportingData},
	{"Data loss", SectionOther},
	{"Data integrity check", SectionOther},
	{"Response analysis", SectionResponseAnalysis},
	{"Post-incident analysis", SectionPostAnalysis},
	{"Trigger(s)", SectionFactors},
	{"What caused the outage?", SectionFactors},
	{"Contributing conditions analysis", SectionFactors},
	{"Issue summary", SectionSummary},
	{"Chain of events", SectionTimeline},
	{"What went badly", SectionLessons},
	{"What could have gone better?", SectionLessons},
	{"Where did we get lucky?", SectionLessons},
	{"Recommendations", SectionActionItems},
	{"Supporting documents", SectionSupportingData},
	{"Resolution and recovery", SectionResponseAnalysis},
	{"Mitigation & resolution", SectionResponseAnalysis},
	{"Root cause and mitigation", SectionFactors},
	{"Summary of impact", SectionSummary},
	{"Follow-up tasks", SectionActionItems},
	{"Follow up", SectionActionItems},
	{"Follow-up action items", SectionActionItems},
	{"Action plan", SectionActionItems},
	{"Corrective and preventive actions", SectionActionItems},
	{"Preventative measures", SectionActionItems},
	{"Post-incident actions", SectionActionItems},
	{"Incident impact", SectionImpact},
	{"RCA", SectionFactors},
	{"Blameless root cause", SectionFactors},
	{"Key takeaways", SectionLessons},
	{"Things that went poorly", SectionLessons},
	{"What we learned", SectionLessons},
	{"Incident response", SectionResponseAnalysis},
	{"How was it detected?", SectionResponseAnalysis},
	{"Followed procedures", SectionOther},
	{"Leadup", SectionFactors},
	{"The Five Whys", SectionFactors},
	{"Our response", SectionResponseAnalysis},
	{"**The** timeline (UTC)", SectionTimeline},
	{"2. The root cause", SectionFactors},
	{"Our learnings", SectionLessons},
	{"The data", SectionSupportingData},
	{"The", SectionOther},
	{"Theory of the failure", SectionOther},
	{"Ours to fix", SectionOther},
	{"What happened", SectionOther},
	// A status page's or a blog's postmortem.
	{"What we're doing about it", SectionActionItems},
	{"What we’re doing to prevent it from happening again", SectionActionItems},
	{"How we're preventing this from happening again", SectionActionItems},
	{"Preventing recurrence", SectionActionItems},
	{"Prevention", SectionActionItems},
	{"Going forward", SectionActionItems},
	{"What's next", SectionActionItems},
	{"Changes we're making", SectionActionItems},
	{"How we responded", SectionResponseAnalysis},
	{"How did it happen?", SectionFactors},
	{"Fault", SectionFactors},
	{"Fault tolerance work", SectionOther},
	{"What we learned from the drill", SectionLessons},
	{"📝 Summary", SectionSummary},
	{"⏱️ Timeline (UTC)", SectionTimeline},
	{"🔥🔥 Impact", SectionImpact},
	{"(1) Impact", SectionImpact},
	{"#3 — Root cause", SectionFactors},
	{"- [ ] Action items", SectionActionItems},
	{"I. Summary", SectionOther},
	{"[Timeline](https://status.example/incidents/42)", SectionTimeline},
	{"`Impact`", SectionImpact},
	{"Rootcause", SectionOther},
	{"Summaries of calls", SectionOther},
	{"Appendix", SectionOther},
	{"Glossary (s)", SectionOther},
	{"", SectionOther},
}

// TestSectionKindOf: the headings of kindHeadings get their kinds; a
// plural written "(s)" and a bracket right after the name count.
func TestSectionKindOf(t *testing.T) {
	t.Parallel()
	for _, tc := range kindHeadings {
		if got := SectionKindOf(tc.heading); got != tc.want {
			t.Errorf("SectionKindOf(%q) = %q, want %q", tc.heading, got, tc.want)
		}
	}
}

// sectionsPinned is what sectionsHash gives under each SectionsBehaviour.
var sectionsPinned = map[string]string{
	"sections-5":  "5119e1a9afd4833d",
	"sections-6":  "34e400a99e891e5f",
	"sections-7":  "15849ce0cd30cb65",
	"sections-8":  "69d056559381bf96",
	"sections-9":  "af378392e27e321d",
	"sections-10": "f3b709836ba470ee",
	"sections-11": "64861b271186605a",
	// sections-12: bold lines naming a section are headings (scanHeadings);
	// the kinds of headings did not change.
	"sections-12": "64861b271186605a",
	// sections-13: a blog's and a status page's headings ("What we're
	// doing about it", "How we responded", "How did it happen?") and the
	// Atlassian template's Leadup and Fault.
	"sections-13": "6eca1056a7ebd218",
}

// sectionsHash hashes the synonyms, and the kinds SectionKindOf and the
// keys headingKey give the headings of kindHeadings and some more.
func sectionsHash() string {
	h := sha256.New()
	for _, s := range sectionSynonyms {
		fmt.Fprintf(h, "%s=%s;%s\n", s.kind, strings.Join(s.names, "|"), strings.Join(s.alone, "|"))
	}
	more := []string{"Data loss", "Response times", "Recovery steps", "Description", "Trigger", "Detection (automated)", "Next steps:", "TODO", "Overview / scope", "Analysis"}
	for _, tc := range kindHeadings {
		more = append(more, tc.heading)
	}
	for _, s := range more {
		fmt.Fprintf(h, "%q:%s:%q\n", s, SectionKindOf(s), headingKey(s))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// TestSectionsBehaviour holds SectionsBehaviour to what SectionKindOf
// does: a change of the synonyms or of the kind of any heading here
// without a new SectionsBehaviour would let caches of the old kinds be
// read (see SectionsBehaviour).
func TestSectionsBehaviour(t *testing.T) {
	t.Parallel()
	got := sectionsHash()
	want, ok := sectionsPinned[SectionsBehaviour]
	switch {
	case !ok:
		t.Fatalf("SectionsBehaviour %q has no pinned hash: add %q: %q to sectionsPinned", SectionsBehaviour, SectionsBehaviour, got)
	case got != want:
		t.Fatalf("SectionKindOf changed (hash %s, pinned %s under %q): give SectionsBehaviour a new name and pin %s under it", got, want, SectionsBehaviour, got)
	}
}

// TestParseHeadingShapes: reports with no front matter whose headings
// start with "The" or "Our", or write the plural "(s)", get their
// sections and their action items.
func TestParseHeadingShapes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body, kinds string
		items             []ActionItem // owners and statuses
	}{
		{
			name: "leading article",
			body: "# Checkout errors on 4 May\n\n**Severity:** SEV2\n\n## The timeline (UTC)\n\n- 09:12 deploy of cart 4.2\n- 09:40 rolled back\n\n" +
				"## The five whys\n\nA config key was renamed.\n\n## Our response\n\nWe rolled back.\n\n## Our follow-ups\n\n- [ ] Check config keys in CI (owner: Noor)\n",
			kinds: "@Checkout errors on 4 May timeline@The timeline (UTC) contributing_factors@The five whys response_analysis@Our response action_items@Our follow-ups",
			items: []ActionItem{{Owner: "Noor", Status: StatusOpen}},
		},
		{
			name: "plural in brackets",
			body: "# Search outage, 3 March\n\n**Severity:** SEV2\n\n## Root Cause(s)\n\nA stale shard map.\n\n" +
				"## Lesson(s) Learned\n\nCheck the map on deploy.\n\n## Action Item(s)\n\n- [ ] Validate the shard map in CI (owner: Ama)\n- [x] Page the search on-call (owner: Lee)\n",
			kinds: "@Search outage, 3 March contributing_factors@Root Cause(s) lessons@Lesson(s) Learned action_items@Action Item(s)",
			items: []ActionItem{{Owner: "Ama", Status: StatusOpen}, {Owner: "Lee", Status: StatusDone}},
		},
		{
			// Sections marked with bold lines, as a report pasted from a
			// word processor is; a bold line in prose, or one naming no
			// section, is text. Under "## Analysis" a bold section is a
			// level deeper.
			name: "bold lines for headings",
			body: "# Queue backlog\n\n**Summary**\n\nEmails were late.\n\n**Timeline (UTC):**\n- 09:10 consumer deployed\n- 11:05 rolled back\n\n" +
				"**Thanks to the on-call**\n\n## Analysis\n\n__Root cause__\n\nEarly acks.\n\n**Action items**\n\n- [ ] Ack after processing (owner: Lee)\n",
			kinds: "@Queue backlog summary@Summary timeline@Timeline (UTC) post_incident_analysis@Analysis contributing_factors@Root cause action_items@Action items",
			items: []ActionItem{{Owner: "Lee", Status: StatusOpen}},
		},
	} {
		inc := newTestParser(t).Parse("retrospectives/report.md", []byte(tc.body))
		if got := sectionKinds(inc); got != tc.kinds {
			t.Errorf("%s: sections:\n got %s\nwant %s", tc.name, got, tc.kinds)
		}
		if len(inc.ActionItems) != len(tc.items) {
			t.Errorf("%s: action items %+v, want %d", tc.name, inc.ActionItems, len(tc.items))
			continue
		}
		for k, want := range tc.items {
			if got := inc.ActionItems[k]; got.Owner != want.Owner || got.Status != want.Status {
				t.Errorf("%s: item %d owner %q status %q, want %q %q", tc.name, k, got.Owner, got.Status, want.Owner, want.Status)
			}
		}
	}
}

// sectionKinds lists inc's sections as "kind@heading", space-separated.
func sectionKinds(inc *Incident) string {
	var kinds []string
	for _, s := range inc.Sections {
		kinds = append(kinds, string(s.Kind)+"@"+s.Heading)
	}
	return strings.Join(kinds, " ")
}
