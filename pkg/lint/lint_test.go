package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// base is a published postmortem that passes every rule. Its lines:
//
//	6 status, 7 owner, 8 reviewers, 14 "## Summary", 18 "## Customer impact",
//	22 "## Timeline", 24 zone preamble, 26-28 entries, 30 factors,
//	34 lessons, 38 "## Action items", 40 the action item.
const base = `---
id: INC-2024-001
title: "Checkout errors: database connection pool exhausted"
date: 2024-03-01
severity: SEV2
status: published
owner: Jane Doe
reviewers: [Ahmed Khan, Mei Chen]
services: [checkout-api, postgres-main]
started: 2024-03-01T09:19:00+03:00
detected: 2024-03-01T09:27:00+03:00
resolved: 2024-03-01T10:01:00+03:00
---
## Summary

Checkout failed for 42 minutes because the database connection pool ran out.

## Customer impact

1,200 customers could not pay.

## Timeline

All times EEST.

- 09:19 — database ran out of connections
- 09:27 — alert fired (detected)
- 10:01 — resolved: pool raised

## Contributing factors

The pool size was set per pod and multiplied by autoscaling.

## Lessons learned

Pool limits must follow replica counts.

## Action items

- [ ] Cap the pool at 20 per pod in ` + "`checkout-api`" + ` — Jane Doe, due 2024-04-01, P1, [ACME-1](https://tracker.example/ACME-1)
`

// now is before the action item is due and within the draft age.
var now = time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)

// edit returns base with each old string replaced by the new one that
// follows it; every old string must occur.
func edit(t *testing.T, pairs ...string) string {
	t.Helper()
	s := base
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("base has no %q", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

func mustConfig(t *testing.T, yaml string) *config.Config {
	t.Helper()
	cfg, err := config.Parse([]byte(yaml), config.FileName)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func parse(t *testing.T, cfg *config.Config, content string) *postmortem.Incident {
	t.Helper()
	inc := postmortem.NewParser(cfg).Parse("postmortems/2024/db.md", []byte(content))
	postmortem.Validate(cfg, []*postmortem.Incident{inc})
	return inc
}

// want is a finding as asserted: col -1 means any column.
type want struct {
	rule, level string
	line, col   int
	msg         string // a part of the message
}

func (w want) String() string {
	return fmt.Sprintf("%d:%d %s %s %q", w.line, w.col, w.level, w.rule, w.msg)
}

func got(fs []postmortem.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%d:%d %s %s %q", f.Line, f.Col, f.Level, f.Rule, f.Message))
	}
	return out
}

// check asserts that findings are exactly the wanted ones, in order. The
// contributing-factors hint is left out unless a want names it: base
// names no factor, and the hint is tested on its own (learn_test.go).
func check(t *testing.T, fs []postmortem.Finding, wants []want) {
	t.Helper()
	if !slices.ContainsFunc(wants, func(w want) bool { return w.rule == "contributing-factors" }) {
		fs = slices.DeleteFunc(slices.Clone(fs), func(f postmortem.Finding) bool { return f.Rule == "contributing-factors" })
	}
	ok := len(fs) == len(wants)
	for i := 0; ok && i < len(fs); i++ {
		f, w := fs[i], wants[i]
		ok = f.Rule == w.rule && f.Level == w.level && f.Line == w.line &&
			(w.col < 0 || f.Col == w.col) && strings.Contains(f.Message, w.msg) && f.File == "postmortems/2024/db.md"
	}
	if !ok {
		t.Errorf("findings:\n\t%s\nwant:\n\t%s", strings.Join(got(fs), "\n\t"), strings.Join(stringsOf(wants), "\n\t"))
	}
}

func stringsOf(ws []want) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.String())
	}
	return out
}

// only keeps the findings of one rule.
func only(rule string, fs []postmortem.Finding) []postmortem.Finding {
	var out []postmortem.Finding
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

func TestBaseIsClean(t *testing.T) {
	cfg := mustConfig(t, "")
	// base names no contributing factor, a hint checked on its own.
	inc := parse(t, cfg, edit(t, "services: [checkout-api, postgres-main]\n", "services: [checkout-api, postgres-main]\nfactors: [configuration]\n"))
	if fs := Apply(cfg, []*postmortem.Incident{inc}, inc.Findings); len(fs) != 0 {
		t.Errorf("parser findings: %v", got(fs))
	}
	inc.History = &postmortem.History{Created: now.Add(-48 * time.Hour), Review: postmortem.Review{Required: []string{"Ahmed Khan", "Mei Chen"}, Signed: []string{"Ahmed Khan", "Mei Chen"}}}
	if fs := Run(context.Background(), cfg, []*postmortem.Incident{inc}, Options{Now: now}); len(fs) != 0 {
		t.Errorf("lint findings: %v", got(fs))
	}
}

// ruleCase is one postmortem and the findings one rule makes of it.
type ruleCase struct {
	name    string
	config  string
	content string
	history *postmortem.History
	opts    Options
	want    []want
}

func runCases(t *testing.T, rule string, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := mustConfig(t, tc.config)
			inc := parse(t, cfg, tc.content)
			inc.History = tc.history
			opts := tc.opts
			if opts.Now.IsZero() {
				opts.Now = now
			}
			check(t, only(rule, Run(context.Background(), cfg, []*postmortem.Incident{inc}, opts)), tc.want)
		})
	}
}

func TestRequiredPublished(t *testing.T) {
	const rule = "required-published"
	runCases(t, rule, []ruleCase{
		{name: "complete published passes", content: base},
		{name: "published without owner and lessons", content: edit(t, "owner: Jane Doe\n", "", "## Lessons learned\n\nPool limits must follow replica counts.\n\n", ""),
			want: []want{
				{rule, "error", 1, 0, `published postmortem has no owner; add "owner:"`},
				{rule, "error", 13, 0, `published postmortem has no lessons section; add one (e.g. "## Lessons learned")`},
			}},
		{name: "published with an empty owner and reviewers", content: edit(t, "owner: Jane Doe", `owner: ""`, "reviewers: [Ahmed Khan, Mei Chen]", "reviewers: []"),
			want: []want{
				{rule, "error", 7, 0, "has no owner"},
				{rule, "error", 8, 0, "has no reviewers"},
			}},
		{name: "placeholder and comment-only sections are empty", content: edit(t, "1,200 customers could not pay.", "TBD", "The pool size was set per pod and multiplied by autoscaling.", "<!-- What made this possible? -->"),
			want: []want{
				{rule, "error", 18, 0, `section "Customer impact" is empty or only a placeholder`},
				{rule, "error", 30, 0, `section "Contributing factors" is empty`},
			}},
		{name: "a placeholder with a remark is still a placeholder", content: edit(t, "1,200 customers could not pay.", "TBD later", "The pool size was set per pod and multiplied by autoscaling.", "TODO: fill in after the vendor's report"),
			want: []want{
				{rule, "error", 18, 0, `section "Customer impact" is empty or only a placeholder`},
				{rule, "error", 30, 0, `section "Contributing factors" is empty or only a placeholder`},
			}},
		{name: "a missing summary is reported once", content: edit(t, "## Summary\n\nCheckout failed for 42 minutes because the database connection pool ran out.\n\n", ""),
			want: []want{{rule, "error", 14, 0, `has no summary section; add one (e.g. "## Summary")`}}},
		{name: "in review gives warnings", content: edit(t, "status: published", "status: in-review", "owner: Jane Doe\n", ""),
			want: []want{{rule, "warning", 1, 0, "postmortem in review has no owner"}}},
		{name: "draft gives one info", content: edit(t, "status: published", "status: draft", "owner: Jane Doe\n", "", "## Lessons learned", "## Notes", "## Customer impact\n\n1,200 customers could not pay.\n", ""),
			want: []want{{rule, "info", 6, 0, "draft: owner, impact section, lessons section still to write"}}},
		{name: "no status counts as draft", content: edit(t, "status: published\n", "", "owner: Jane Doe\n", ""),
			want: []want{{rule, "info", 1, 0, "draft: owner still to write"}}},
		{name: "front matter stands in for sections", content: edit(t,
			"services:", "summary: Checkout failed.\nimpact: {customers: 1200}\ntimeline: [\"09:19 EEST — pool exhausted\"]\naction_items:\n  - {title: Cap the pool at 20, owner: Jane Doe, due: 2024-04-01, link: https://t.example/1}\nservices:",
			"## Summary\n\nCheckout failed for 42 minutes because the database connection pool ran out.\n\n", "",
			"## Customer impact\n\n1,200 customers could not pay.\n\n", "",
			"## Action items\n", "## Other\n")},
		{name: "fields required by config are left to the validator", config: "required_fields: [title, date, severity, owner]\n", content: edit(t, "owner: Jane Doe\n", "")},
		{name: "a near miss needs no severity nor impact", content: edit(t, "severity: SEV2\n", "kind: near-miss\n", "## Customer impact\n\n1,200 customers could not pay.\n\n", "")},
		{name: "an outage does", config: "required_fields: [title]\n", content: edit(t, "severity: SEV2\n", "kind: incident\n", "## Customer impact\n\n1,200 customers could not pay.\n\n", ""),
			want: []want{
				{rule, "error", 1, 0, "published postmortem has no severity"},
				{rule, "error", 14, 0, "published postmortem has no impact section"},
			}},
		{name: "a near miss does not", config: "required_fields: [title]\n", content: edit(t, "severity: SEV2\n", "kind: near-miss\n", "## Customer impact\n\n1,200 customers could not pay.\n\n", "")},
		{name: "configured level moves every stage", config: "rules:\n  required-published: warning\n", content: edit(t, "owner: Jane Doe\n", ""),
			want: []want{{rule, "warning", 1, 0, "has no owner"}}},
	})
}

func TestTimelineMilestones(t *testing.T) {
	const rule = "timeline-milestones"
	noMarks := edit(t, "detected: 2024-03-01T09:27:00+03:00\n", "", "resolved: 2024-03-01T10:01:00+03:00\n", "", "alert fired (detected)", "on-call opened the dashboard", "10:01 — resolved: pool raised", "10:01 — pool raised")
	runCases(t, rule, []ruleCase{
		{name: "milestones from front matter pass", content: base},
		{name: "milestones from timeline markers pass", content: edit(t, "detected: 2024-03-01T09:27:00+03:00\n", "", "resolved: 2024-03-01T10:01:00+03:00\n", "")},
		{name: "published without detected and resolved", content: noMarks,
			want: []want{{rule, "warning", 20, 0, `does not say when the incident detected or resolved; add "detected:" and "resolved:"`}}},
		{name: "in review is not checked", content: strings.Replace(noMarks, "status: published", "status: in-review", 1)},
	})
}

func TestTimelineZone(t *testing.T) {
	const rule = "timeline-zone"
	runCases(t, rule, []ruleCase{
		{name: "zone in a preamble passes", content: base},
		{name: "zone on each entry passes", content: edit(t, "All times EEST.\n", "", "09:19 —", "09:19 EEST —", "09:27 —", "09:27 UTC+3 —", "10:01 —", "10:01 +03:00 —")},
		{name: "zone in the Timeline heading passes", content: edit(t, "All times EEST.\n", "", "## Timeline", "## Timeline (EEST)")},
		{name: "zone in a table header passes", content: edit(t, "All times EEST.\n\n- 09:19 — database ran out of connections\n- 09:27 — alert fired (detected)\n- 10:01 — resolved: pool raised",
			"| Time (EEST) | Event |\n|---|---|\n| 09:19 | database ran out of connections |")},
		{name: "no zone anywhere", content: edit(t, "All times EEST.\n", ""),
			want: []want{{rule, "warning", 25, 0, "3 timeline entries give a time but no zone"}}},
		{name: "one entry without zone before zoned ones", content: edit(t, "All times EEST.\n", "", "09:27 —", "09:27 EEST —", "10:01 —", "10:01 EEST —"),
			want: []want{{rule, "warning", 25, 0, "1 timeline entry gives a time but no zone"}}},
		{name: "a zone on an entry carries to the entries after it", content: edit(t, "All times EEST.\n", "", "09:19 —", "09:19 EEST —")},
		{name: "configured zone is named", config: "timezone: Europe/Helsinki\n", content: edit(t, "All times EEST.\n", ""),
			want: []want{{rule, "warning", 25, 0, "readers cannot tell it is Europe/Helsinki"}}},
		{name: "front-matter timeline without zone", content: edit(t, "services:", "timeline:\n  - \"09:19 — pool exhausted\"\n  - \"09:27 EEST — alert fired\"\nservices:"),
			want: []want{{rule, "warning", 10, 0, "1 timeline entry gives"}}},
		{name: "a date with a zone, as a blog post's", content: edit(t, "All times EEST.\n", "", "date: 2024-03-01\n", "date: 2024-03-01 09:00:00 +0300\n"),
			want: []want{{rule, "info", 25, 0, "3 timeline entries give a time but no zone, read in +03:00, the zone of the front matter's date (line 4)"}}},
		{name: "a date with a zone and a timeline with its own", content: edit(t, "date: 2024-03-01\n", "date: 2024-03-01T09:00:00+02:00\n")},
		{name: "a relative time is in its start's zone", content: edit(t, "10:01 — resolved: pool raised", "T+42m — resolved: pool raised")},
		{name: "date-only entries need no zone", content: edit(t, "All times EEST.\n\n- 09:19 — database ran out of connections\n- 09:27 — alert fired (detected)\n- 10:01 — resolved: pool raised",
			"- 2024-03-01 — database ran out of connections")},
	})
}

func TestActionItemFields(t *testing.T) {
	const rule = "action-item-fields"
	runCases(t, rule, []ruleCase{
		{name: "owner, due date and link pass", content: base},
		{name: "nothing but a title", content: edit(t, " — Jane Doe, due 2024-04-01, P1, [ACME-1](https://tracker.example/ACME-1)", ""),
			want: []want{{rule, "warning", 40, 7, "has no owner, no due date and no tracker link"}}},
		{name: "no link", content: edit(t, ", [ACME-1](https://tracker.example/ACME-1)", ""),
			want: []want{{rule, "warning", 40, 7, "has no tracker link;"}}},
		{name: "done items need no due date", content: edit(t, "- [ ] Cap", "- [x] Cap", " due 2024-04-01,", "")},
		{name: "front-matter items have no column", content: edit(t, "services:", "action_items:\n  - {title: Add a pool limit of 20, status: open}\nservices:"),
			want: []want{{rule, "warning", 10, 0, "has no owner, no due date and no tracker link"}}},
		{name: "table items", content: edit(t, "- [ ] Cap the pool at 20 per pod in `checkout-api` — Jane Doe, due 2024-04-01, P1, [ACME-1](https://tracker.example/ACME-1)",
			"| Action | Owner | Due | Ticket |\n|---|---|---|---|\n| Cap the pool at 20 | Jane Doe | 2024-04-01 | |"),
			want: []want{{rule, "warning", 42, 3, "has no tracker link"}}},
	})
}

func TestActionItemOverdue(t *testing.T) {
	const rule = "action-item-overdue"
	late := Options{Now: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
	runCases(t, rule, []ruleCase{
		{name: "not yet due passes", content: base},
		{name: "due today is not overdue", content: base, opts: Options{Now: time.Date(2024, 4, 1, 23, 0, 0, 0, time.UTC)}},
		{name: "open and past due", content: base, opts: late,
			want: []want{{rule, "warning", 40, 7, "was due 2024-04-01 (30 days ago) and is still open"}}},
		{name: "done items are never overdue", content: edit(t, "- [ ] Cap", "- [x] Cap"), opts: late},
		{name: "off in config", config: "rules: {action-item-overdue: off}\n", content: base, opts: late},
	})
}

func TestVagueActionItem(t *testing.T) {
	const rule = "vague-action-item"
	item := "- [ ] Cap the pool at 20 per pod in `checkout-api`"
	runCases(t, rule, []ruleCase{
		{name: "concrete item passes", content: base},
		{name: "exhortation with column", content: edit(t, item, "- [ ] Engineers must be more careful with pool settings"),
			want: []want{{rule, "warning", 40, 22, `asks people to be more careful instead of changing the system`}}},
		{name: "vague phrase", content: edit(t, item, "- [ ] Improve documentation"),
			want: []want{{rule, "warning", 40, 7, `"improve documentation" names no concrete change`}}},
		{name: "short title with a vague verb", content: edit(t, item, "- [ ] Fix alerting"),
			want: []want{{rule, "warning", 40, 7, `"fix" with no concrete object`}}},
		{name: "a service makes it concrete", content: edit(t, item, "- [ ] Add more monitoring to postgres-main")},
		{name: "level from config", config: "rules:\n  vague-action-item: error\n", content: edit(t, item, "- [ ] Investigate"),
			want: []want{{rule, "error", 40, 7, `"investigate" names no concrete change`}}},
	})
}

func TestReviewSignoff(t *testing.T) {
	const rule = "review-signoff"
	committee := []string{"Ahmed Khan", "Mei Chen"}
	runCases(t, rule, []ruleCase{
		{name: "all signed passes", content: base, history: &postmortem.History{Review: postmortem.Review{Required: committee, Signed: committee}}},
		{name: "no history is skipped", content: base},
		{name: "one missing", content: base, history: &postmortem.History{Review: postmortem.Review{Required: committee, Signed: committee[:1], Missing: committee[1:]}},
			want: []want{{rule, "warning", 8, 0, "published, but Mei Chen has not signed off; ask the committee"}}},
		{name: "missing and stale", content: base, history: &postmortem.History{Review: postmortem.Review{Required: committee, Missing: committee[:1], Stale: committee[1:]}},
			want: []want{{rule, "warning", 8, 0, "Ahmed Khan has not signed off; Mei Chen signed off an earlier text (stale)"}}},
		{name: "stale says what changed since", content: base, history: &postmortem.History{
			Review: postmortem.Review{Required: committee, Signed: committee[:1], Stale: committee[1:]},
			SignOffs: []postmortem.SignOff{
				{Name: "Ahmed Khan", Trailer: "Reviewed-by", Commit: "bbbbbbbbbbbb"},
				{Name: "Mei Chen", Trailer: "Reviewed-by", Commit: "abc1234def", Stale: true,
					Since:       []postmortem.SectionChange{{Section: "front_matter", Lines: 1}, {Section: "contributing_factors", Heading: "Contributing factors", Lines: 3}},
					SinceFields: []postmortem.FieldChange{{Field: "severity", From: "SEV3", To: "SEV2"}}},
				{Name: "Mei Chen", Trailer: "Reviewed-by", Commit: "0000000000", Stale: true, Since: []postmortem.SectionChange{}},
			}},
			want: []want{{rule, "warning", 8, 0, "Mei Chen signed off an earlier text (stale); 3 lines in Contributing factors and the severity changed since Mei Chen approved at abc1234; ask"}}},
		{name: "drafts need no sign-off", content: edit(t, "status: published", "status: draft"), history: &postmortem.History{Review: postmortem.Review{Required: committee, Missing: committee}}},
		{name: "raised to error", config: "rules: {review-signoff: error}\n", content: base, history: &postmortem.History{Review: postmortem.Review{Required: committee, Missing: committee}},
			want: []want{{rule, "error", 8, 0, "Ahmed Khan and Mei Chen have not signed off"}}},
	})
}

func TestStaleDraft(t *testing.T) {
	const rule = "stale-draft"
	draft := edit(t, "status: published", "status: draft")
	late := Options{Now: time.Date(2024, 3, 20, 0, 0, 0, 0, time.UTC)}
	runCases(t, rule, []ruleCase{
		{name: "young draft passes", content: draft},
		{name: "draft older than 14 days from the incident date", content: draft, opts: late,
			want: []want{{rule, "warning", 6, 0, `has been "draft" for 19 days, since 2024-03-01 (the incident date), longer than 14 days`}}},
		{name: "first commit counts over the incident date", content: draft, opts: late, history: &postmortem.History{Created: time.Date(2024, 3, 12, 0, 0, 0, 0, time.UTC)}},
		{name: "old first commit", content: strings.Replace(draft, "status: draft", "status: in-review", 1), opts: late, history: &postmortem.History{Created: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)},
			want: []want{{rule, "warning", 6, 0, `"in-review" for 18 days, since 2024-03-02 (its first commit)`}}},
		{name: "max age from config", config: "draft_max_age_days: 5\n", content: draft,
			want: []want{{rule, "warning", 6, 0, "for 9 days, since 2024-03-01 (the incident date), longer than 5 days"}}},
		{name: "max age from options wins", config: "draft_max_age_days: 5\n", content: draft, opts: Options{Now: now, MaxDraftAge: 30 * 24 * time.Hour}},
		{name: "published is never stale", content: base, opts: late},
		{name: "no status is not a draft", content: edit(t, "status: published\n", ""), opts: late},
	})
}

func TestBlamelessLanguage(t *testing.T) {
	const rule = "blameless-language"
	summary := "Checkout failed for 42 minutes because the database connection pool ran out."
	runCases(t, rule, []ruleCase{
		{name: "system language passes", content: base},
		{name: "human error with column", content: edit(t, summary, "The outage was caused by human error during the deploy."),
			want: []want{{rule, "warning", 16, 26, `"human error": it ends the analysis`}}},
		{name: "a person named as the cause", content: edit(t, summary, "The pool ran out because Jane changed the limit; it was Ahmed Khan's fault too."),
			want: []want{
				{rule, "warning", 16, 18, `"because Jane": it names a person as the cause; ask why the system allowed it`},
				{rule, "warning", 16, 57, `"Ahmed Khan's fault": it names a person as the cause`},
			}},
		{name: "contributors from Git are people", content: edit(t, summary, "Checkout broke because Priya Raman ran the migration."),
			history: &postmortem.History{Contributors: []postmortem.Person{{Name: "Priya Raman", Email: "p@x"}}},
			want:    []want{{rule, "warning", 16, 16, `"because Priya Raman"`}}},
		{name: "code, quotes and comments are not read", content: edit(t, summary,
			"The log said `human error` here.\n\n> The on-call said it was human error.\n\n<!-- careless -->\n\n```\nsloppy\n```")},
		{name: "several phrases on separate lines", content: edit(t, summary, "Careless handling.\n\nThe operator should have known; nobody's fault though.\n\nShe failed to follow the runbook."),
			want: []want{
				{rule, "warning", 16, 1, `"Careless"`},
				{rule, "warning", 18, 14, `"should have known"`},
				{rule, "warning", 20, 5, `"failed to follow"`},
			}},
		{name: "off in config", config: "rules:\n  blameless-language: off\n", content: edit(t, summary, "It was human error.")},
	})
}

func TestInlineDisable(t *testing.T) {
	const rule = "blameless-language"
	summary := "Checkout failed for 42 minutes because the database connection pool ran out."
	runCases(t, rule, []ruleCase{
		{name: "whole file", content: edit(t, summary, "<!-- inquest-disable blameless-language, vague-action-item -->\nIt was human error.")},
		{name: "next line only", content: edit(t, summary, "<!-- inquest-disable-next-line blameless-language -->\nIt was human error.\nIt was human error again."),
			want: []want{{rule, "warning", 18, 8, `"human error"`}}},
		{name: "other rules are not disabled", content: edit(t, summary, "<!-- inquest-disable-next-line vague-action-item -->\nIt was human error."),
			want: []want{{rule, "warning", 17, 8, `"human error"`}}},
		{name: "a directive in code is an example", content: edit(t, summary, "```\n<!-- inquest-disable blameless-language -->\n```\nIt was human error."),
			want: []want{{rule, "warning", 19, 8, `"human error"`}}},
		{name: "multi-line comment disables the line after it ends", content: edit(t, summary, "<!--\n  inquest-disable-next-line\n  blameless-language\n-->\nIt was human error."),
			want: []want{}},
	})
	runCases(t, "disable-comment", []ruleCase{
		{name: "unknown id", content: edit(t, summary, "<!-- inquest-disable blameles-language -->"),
			want: []want{{"disable-comment", "warning", 16, 22, `unknown rule "blameles-language"; it disables nothing (did you mean "blameless-language"?)`}}},
		{name: "known ids pass", content: edit(t, summary, "<!-- inquest-disable timeline, broken-link -->")},
	})
}

func TestBrokenLink(t *testing.T) {
	const rule = "broken-link"
	root := t.TempDir()
	for _, f := range []string{"postmortems/2024/img/graph.png", "docs/runbook.md", "postmortems/2024/my file.md"} {
		p := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	outside := filepath.Join(t.TempDir(), "secret.md")
	if err := os.WriteFile(outside, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "postmortems/2024/out.md")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	opts := Options{Now: now, Root: root}
	summary := "Checkout failed for 42 minutes because the database connection pool ran out."
	body := func(s string) string { return edit(t, summary, s) }
	runCases(t, rule, []ruleCase{
		{name: "existing targets pass", opts: opts, content: body(
			"See [runbook](../../docs/runbook.md#pool), ![graph](img/graph.png \"Graph\"), [root](/docs/runbook.md),\n" +
				"[space](my%20file.md), [angle](<my file.md>), [folder](../../docs/), [web](https://example.com/x),\n" +
				"[anchor](#timeline), [mail](mailto:a@example.com), `[code](nope.md)` and <img src=\"img/graph.png\">.\n" +
				"```\n[fenced](nope.md)\n```\n<!-- [commented](nope.md) -->")},
		{name: "missing file and image with columns", opts: opts, content: body("See [the runbook](../../docs/nope.md#pool) and ![graph](img/none.png)."),
			want: []want{
				{rule, "warning", 16, 19, `link to "../../docs/nope.md#pool": docs/nope.md does not exist in the repository`},
				{rule, "warning", 16, 57, `image "img/none.png": postmortems/2024/img/none.png does not exist`},
			}},
		{name: "reference definitions and HTML", opts: opts, content: body("[ref]: gone.md\n<img alt=\"x\" src=\"img/gone.png\">"),
			want: []want{
				{rule, "warning", 16, 8, `link to "gone.md"`},
				{rule, "warning", 17, 19, `image "img/gone.png"`},
			}},
		{name: "links that leave the repository", opts: opts, content: body("[up](../../../etc/passwd) and [link](out.md)"),
			want: []want{
				{rule, "warning", 16, 6, `leads out of the repository`},
				{rule, "warning", 16, 38, `cannot be read inside the repository`},
			}},
		{name: "links in quotes count", opts: opts, content: body("> see [x](gone.md)"),
			want: []want{{rule, "warning", 16, 11, `"gone.md"`}}},
		{name: "no root, no check", content: body("[x](gone.md)")},
	})
}

func TestApply(t *testing.T) {
	sev9 := edit(t, "severity: SEV2", "severity: SEV9", "- [ ] Cap the pool at 20 per pod in `checkout-api` — Jane Doe, due 2024-04-01, P1,", "- [ ] Cap the pool at 20 per pod in `checkout-api` —")
	tests := []struct {
		name    string
		config  string
		content string
		want    []want
	}{
		{name: "parser findings keep their levels", content: sev9, want: []want{
			{"severity", "error", 5, 0, `severity "SEV9" is not one of`},
		}},
		{name: "re-levelled", config: "rules:\n  severity: warning\n", content: sev9, want: []want{
			{"severity", "warning", 5, 0, "SEV9"},
		}},
		{name: "switched off", config: "rules:\n  severity: off\n", content: sev9},
		{name: "disabled in the file", content: sev9 + "\n<!-- inquest-disable severity -->\n"},
		{name: "owner warning kept when action-item-fields is off", config: "rules: {action-item-fields: off}\n", content: sev9, want: []want{
			{"severity", "error", 5, 0, "SEV9"},
			{"action-items", "warning", 40, 0, "has no owner and no due date"},
		}},
		{name: "timeline warning raised", config: "rules: {timeline: error}\n", content: edit(t, "10:01 — resolved", "09:01 — resolved"), want: []want{
			{"timeline", "error", 28, 0, "earlier than the entry on line 27"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A configured scale: on a learned one, SEV9 alone would be the scale.
			cfg := mustConfig(t, "severities: [SEV1, SEV2, SEV3, SEV4]\n"+tt.config)
			inc := parse(t, cfg, tt.content)
			check(t, Apply(cfg, []*postmortem.Incident{inc}, inc.Findings), tt.want)
		})
	}
}

func TestRelevel(t *testing.T) {
	tests := []struct {
		rule, level, configured, want string
	}{
		{"vague-action-item", "warning", "error", "error"},
		{"vague-action-item", "warning", "info", "info"},
		{"required-published", "error", "warning", "warning"},
		{"required-published", "warning", "warning", "info"},
		{"required-published", "info", "warning", "info"},
		{"required-published", "warning", "error", "warning"},
		{"action-items", "error", "warning", "warning"},
		{"timeline", "warning", "error", "error"},
		{"vague-action-item", "warning", "off", ""},
		{"vague-action-item", "warning", "", "warning"},
	}
	for _, tt := range tests {
		t.Run(tt.rule+"/"+tt.level+"→"+tt.configured, func(t *testing.T) {
			levels := map[string]string{}
			if tt.configured != "" {
				levels[tt.rule] = tt.configured
			}
			f, keep := relevel(levels, postmortem.Finding{Rule: tt.rule, Level: tt.level})
			if got := map[bool]string{true: f.Level, false: ""}[keep]; got != tt.want {
				t.Errorf("level = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name, config string
		want         []string
	}{
		{name: "known ids", config: "rules:\n  vague-action-item: error\n  blameless-language: off\n  severity: warning\n"},
		{name: "no rules", config: "title: x\n"},
		{name: "unknown ids with lines and suggestions", config: "title: x\nrules:\n  vague-action-items: error\n  nonsense-rule-id: off\n",
			want: []string{`inquest.yaml:3: rules: unknown rule "vague-action-items" (did you mean "vague-action-item"?)`, `inquest.yaml:4: rules: unknown rule "nonsense-rule-id" (see the table of rules in the README)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(mustConfig(t, tt.config))
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if lines := strings.Split(err.Error(), "\n"); !slices.Equal(lines, tt.want) {
				t.Errorf("error:\n\t%s\nwant:\n\t%s", strings.Join(lines, "\n\t"), strings.Join(tt.want, "\n\t"))
			}
		})
	}
}

func TestRulesTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("rule %q twice", r.ID)
		}
		seen[r.ID] = true
		if _, ok := levelRank[r.Level]; !ok {
			t.Errorf("rule %q: level %q", r.ID, r.Level)
		}
		if r.Checks == "" || r.Fix == "" || r.Stage == "" {
			t.Errorf("rule %q is not documented", r.ID)
		}
	}
	// Every rule this package reports is in the table.
	for _, id := range []string{"required-published", "timeline-milestones", "timeline-zone", "action-item-fields", "action-item-overdue",
		"vague-action-item", "blameless-language", "review-signoff", "stale-draft", "broken-link", "disable-comment",
		"unknown-service", "service-catalog", "contributing-factors"} {
		if r, ok := ruleByID(id); !ok || r.Stage != "check" {
			t.Errorf("rule %q missing or not a check rule", id)
		}
	}
}

func TestBrokenIncidentsAreSkipped(t *testing.T) {
	cfg := mustConfig(t, "")
	inc := parse(t, cfg, "\x00binary")
	if !inc.Broken {
		t.Fatal("not broken")
	}
	if fs := Run(context.Background(), cfg, []*postmortem.Incident{inc, nil}, Options{Now: now}); len(fs) != 0 {
		t.Errorf("findings: %v", got(fs))
	}
}

func TestRunIsDeterministic(t *testing.T) {
	cfg := mustConfig(t, "")
	var incs []*postmortem.Incident
	for i := range 100 {
		inc := postmortem.NewParser(cfg).Parse(fmt.Sprintf("postmortems/%03d.md", i), []byte(strings.Replace(base, "status: published", "status: draft", 1)+"\nIt was human error.\n"))
		incs = append(incs, inc)
	}
	opts := Options{Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	first := got(Run(context.Background(), cfg, incs, opts))
	if len(first) != 300 {
		t.Fatalf("%d findings, want 300", len(first))
	}
	for range 5 {
		if again := got(Run(context.Background(), cfg, incs, opts)); !slices.Equal(first, again) {
			t.Fatal("findings differ between runs")
		}
	}
}

// TestUnknownStatusIsOneFinding: a misspelled status is reported once, by
// the validator; the rules that depend on the stage (required-published,
// stale-draft, review-signoff, timeline-milestones) do not guess one and
// add their own findings, however incomplete or old the postmortem is.
func TestUnknownStatusIsOneFinding(t *testing.T) {
	cfg := mustConfig(t, "")
	for _, tc := range []struct{ name, content string }{
		{"complete", edit(t, "status: published", "status: publshed")},
		{"incomplete and old", edit(t, "status: published", "status: reveiw", "owner: Jane Doe\n", "",
			"## Lessons learned\n\nPool limits must follow replica counts.\n\n", "")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inc := parse(t, cfg, tc.content)
			all := append(slices.Clone(inc.Findings), Run(context.Background(), cfg, []*postmortem.Incident{inc}, Options{Now: now.AddDate(1, 0, 0)})...)
			var status []postmortem.Finding
			for _, f := range all {
				switch f.Rule {
				case "status":
					status = append(status, f)
				case "required-published", "stale-draft", "review-signoff", "timeline-milestones":
					t.Errorf("%s also reported: %s", f.Rule, f.Message)
				}
			}
			if len(status) != 1 || status[0].Level != postmortem.LevelError {
				t.Errorf("status findings %v, want one error", got(status))
			}
		})
	}
}
