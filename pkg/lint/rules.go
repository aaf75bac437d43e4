package lint

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/internal/strdist"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// Rule documents one check: the README's table of rules is this list.
type Rule struct {
	// ID is the name used in findings, in the rules key of inquest.yaml and
	// in inquest-disable comments.
	ID string
	// Level is the default level: error, warning or info. A rule whose
	// findings depend on the postmortem's status gives its highest level.
	Level string
	// Checks says what the rule reports.
	Checks string
	// Fix says how to make the finding go away.
	Fix string
	// Stage is where the finding is made: "parse" (parser and validator,
	// package postmortem), "check" (this package), "build" (the site build)
	// or "history" (reading Git).
	Stage string
}

// rules is every rule id inquest reports, in the order of the README.
var rules = []Rule{
	{"file", postmortem.LevelError, "A file that is empty, binary, not UTF-8, larger than 4 MiB or unreadable.", "Fix or remove the file, or exclude it with `exclude` in inquest.yaml.", "parse"},
	{"front-matter", postmortem.LevelError, "Malformed YAML/TOML/JSON front matter, or front matter that is never closed.", "Fix the syntax at the line given; quote values that contain `:` or `#`.", "parse"},
	{"symlink", postmortem.LevelError, "A symbolic link (a postmortem, a linked image or file, a theme file, or a folder on the way to one) that is not followed: broken, leading out of the repository, to a hidden file (.git/config, .env), to a folder, to a file Git does not track, or to a file that is not what it stands for (a postmortem link to a file the content globs do not select, an attachment link to a postmortem or an excluded file).", "Replace the link with the file, or point it at a committed file of the repository.", "parse"},
	{"required-field", postmortem.LevelError, "A field named in `required_fields` is missing or empty.", "Add the field to the front matter.", "parse"},
	{"required-section", postmortem.LevelError, "A section named in `required_sections` is missing or empty.", "Add the section with one of its headings (see Sections).", "parse"},
	{"severity", postmortem.LevelError, "A severity that is not on the `severities` scale.", "Use one of the configured severities.", "parse"},
	{"status", postmortem.LevelError, "A status that is not one of `statuses`.", "Use one of the configured statuses.", "parse"},
	{"date", postmortem.LevelError, "An impossible or implausible date or timestamp.", "Write dates as YYYY-MM-DD and timestamps as RFC 3339.", "parse"},
	{"durations", postmortem.LevelError, "A `durations` value that is not minutes or a Go duration.", "Write minutes (`42`) or a duration (`1h30m`).", "parse"},
	{"milestones", postmortem.LevelError, "Milestones out of order, e.g. detected before started.", "Correct the times in the front matter or the timeline markers.", "parse"},
	{"timeline", postmortem.LevelWarning, "Timeline entries out of order or with times that cannot be read; a numeric date that reads both ways (03/04/2023, with the reading used), a 12-hour time past 12 (13:55 PM), a weekday that does not match its date, a relative time with nothing to count from.", "Put entries in time order; write times as `09:19`, `09:19 EEST` or `2024-03-01 09:19`.", "parse"},
	{"action-items", postmortem.LevelError, "An action item's due date that is not a valid date. (Missing owners and due dates are reported by action-item-fields.)", "Write due dates as YYYY-MM-DD.", "parse"},
	{"duplicate-id", postmortem.LevelError, "Two files with one id (compared case-insensitively). Ids that come from names alike (`2021-05/payments.md` and `2022-01/payments.md`, no `id` written) are no error: a postmortem that states the id keeps it, else the earliest; each other takes its date before the name (`2022-01-17-payments`), else its folder's name, else a number, and says so (info).", "Give each postmortem its own `id`.", "parse"},
	{"id", postmortem.LevelWarning, "An id that had to be made safe for URLs and paths.", "Use only letters, digits, `.`, `_` and `-` in ids.", "parse"},
	{"kind", postmortem.LevelWarning, "A `kind` that is none of incident, near-miss and investigation, nor a way of writing one (`Near miss`, `near_miss`, `close-call`, `outage`, `investigations`, …); the record is counted as an incident.", "Write `kind: incident`, `kind: near-miss` or `kind: investigation`.", "parse"},
	{"template-placeholder", postmortem.LevelError, "A line that is still the placeholder text of the repository's template (`templates/postmortem.md`, else inquest's built-in one): an example timeline entry, a prompt such as `Why …? Because …`, an empty table row; or a subsection left empty as in the template. The finding names the template line it matches. Timeline entries and action items on such lines are left out of the incident, so made-up examples never reach the metrics. Error when published, warning when in review, one info finding for drafts and files with no status. Table rows are compared with spacing and case ignored, other lines as written; headings, table headers, comments and a line stating the timeline's zone (`All times in UTC.`) are not placeholders.", "Replace the example with what happened, or delete it; fill in or remove the empty subsection.", "parse"},
	{"metadata-conflict", postmortem.LevelWarning, "The body states a severity, status, owner or date (`**Severity:** Critical`, a `## Severity` section) other than the front matter's; the front matter's value is used. In a file that reports several incidents, a later incident's key line that says other than the first (info).", "Make them agree, or delete the one that is out of date.", "parse"},
	{"required-published", postmortem.LevelError, "A published postmortem without title, date, severity, owner or reviewers, or without the sections summary, impact, timeline, contributing factors, lessons and action items (or one of them empty or only a placeholder such as TBD); a near miss or an investigation needs no severity and no impact section. Error when published, warning when in review, one info finding for drafts and files with no status.", "Fill in the field or section before publishing; a front-matter `summary`, `impact`, `timeline` or `action_items` counts for its section.", "check"},
	{"timeline-milestones", postmortem.LevelWarning, "A published postmortem whose start, detection or resolution time is unknown.", "Add `started`, `detected` and `resolved` to the front matter, or mark timeline entries, e.g. `09:27 — alert fired (detected)`.", "check"},
	{"timeline-zone", postmortem.LevelWarning, "Timeline entries with a time of day but no zone stated anywhere in the file, so they are read in the configured `timezone`. Reported once per file, at the first such entry. Info when the front matter's `date` states a zone with its time (a blog post's `date: 2021-05-04 18:30:00 +0200`): the times are read in it.", "State the zone once above the timeline (`All times UTC.`), in its heading (`## Timeline (UTC)`), in a table header (`Time (CET)`), or on each entry (`09:19 EEST`).", "check"},
	{"action-item-fields", postmortem.LevelWarning, "An action item without an owner, a tracker link or ticket, or (while not done) a due date.", "Give every item an owner, a due date and a link to its ticket.", "check"},
	{"action-item-overdue", postmortem.LevelWarning, "An open action item whose due date has passed.", "Finish it and mark it done, or move the due date (and say why in the ticket).", "check"},
	{"vague-action-item", postmortem.LevelWarning, "An action item that names no concrete change: exhortations (\"be more careful\", \"communicate better\", \"raise awareness\") always; \"improve documentation\", \"investigate\", \"add more monitoring\", \"look into\", \"follow up\", \"review process\" and very short titles that start with a vague verb (\"Fix alerting\") unless they name something concrete: a number, a code span, a service, a file or path, an identifier or a quoted name.", "Say what will change and how you will know it is done: \"Alert when checkout-api p99 > 800 ms for 5 min\", not \"Improve monitoring\".", "check"},
	{"blameless-language", postmortem.LevelWarning, "Body text that stops at a person: \"human error\", \"operator error\", \"X's fault\", \"should have known\", \"careless\", \"failed to follow\", … or a person named as the cause (\"caused by Jane\", \"because John …\") when the name is the owner, a reviewer, an action-item owner, someone in a front-matter key such as `incident_commander` or `responders`, or a Git contributor. Fenced code, inline code, quotes (`>`) and HTML comments are not read.", "Ask why the system allowed it: what made the mistake easy to make and hard to catch? Describe the conditions, not the person.", "check"},
	{"review-signoff", postmortem.LevelWarning, "A published postmortem whose review committee (`reviewers`) has not all signed off in Git, or whose sign-off is stale because the text changed after it (the finding says what changed since: lines by section, and fields). Needs history; skipped without it.", "Ask the reviewers to approve the current text: a commit or merge with `Reviewed-by: Name <email>` trailers.", "check"},
	{"stale-draft", postmortem.LevelWarning, "A draft or in-review postmortem older than `draft_max_age_days` (default 14), counted from its first commit, else the incident date.", "Finish the review and publish it, or ask for help in the review meeting.", "check"},
	{"broken-link", postmortem.LevelWarning, "A relative Markdown link or image (or HTML `href`/`src`) to a file that does not exist in the repository, or that leads out of it.", "Fix the path (relative to the postmortem's folder, or to the repository root when it starts with `/`) or add the file.", "check"},
	{"unknown-service", postmortem.LevelWarning, "A service in `services` that the service catalog (`services.yaml`) has neither as a name nor as an alias; only when the repository has a catalog.", "Spell the service as the catalog does, or add it (or the spelling as an alias) to `services.yaml`.", "check"},
	{"service-catalog", postmortem.LevelError, "A `services.yaml` that cannot be read: bad YAML, an unknown key, a service without a name, a name or alias given twice, a runbook or link that is not an http(s) URL, a symbolic link. The site is built without the catalog.", "Fix the line given (see Service catalog in the README).", "check"},
	{"contributing-factors", postmortem.LevelInfo, "A published postmortem that names no contributing factor in `factors:`, or a factor that is not in the taxonomy (`factors` in inquest.yaml; the default is change, configuration, capacity, dependency, detection gap, process, tooling, software defect, infrastructure, communication).", "List the factors that apply (`factors: [dependency, detection gap]`), or add the new one to the taxonomy.", "check"},
	{"disable-comment", postmortem.LevelWarning, "An `inquest-disable` comment that names an unknown rule.", "Use a rule id from this table.", "check"},
	{"attachment", postmortem.LevelWarning, "A linked image or file that the site does not publish: not committed to Git (build publishes only what Git tracks; serve shows it), hidden, excluded, larger than 64 MiB, or active content that runs script when opened (HTML, JavaScript, XSLT, XML with script, an SVG that cannot be sanitised).", "Commit the file (git add); for active content the repository trusts, list its extension in attachments.allow.", "build"},
	{"render", postmortem.LevelWarning, "A postmortem whose Markdown would take too long to render (a line over 32 KiB, a paragraph with more than 5,000 of [ * _ ` <, block quotes or lists nested more than 64 deep, or more than 10 s of rendering): its page shows the text as written.", "Split the long line or paragraph; for data, link to a file instead of pasting it.", "build"},
	{"links", postmortem.LevelWarning, "A relative link to a file that does not exist, found while building the site.", "Fix the path or add the file.", "build"},
	{"git", postmortem.LevelWarning, "History could not be read fully: a shallow clone, or a damaged repository (a corrupt pack, a missing object).", "Clone with full history (`fetch-depth: 0`); for a damaged repository, run `git fsck` and clone it again.", "history"},
}

// Rules returns the documentation of every rule, including the parser's,
// in the order of the README table.
func Rules() []Rule { return slices.Clone(rules) }

func ruleByID(id string) (Rule, bool) {
	i := slices.IndexFunc(rules, func(r Rule) bool { return r.ID == id })
	if i < 0 {
		return Rule{}, false
	}
	return rules[i], true
}

// Validate checks the rule ids of the configuration's rules key; the levels
// are checked by package config. Every unknown id is reported, with its
// line in inquest.yaml when it is known.
func Validate(cfg *config.Config) error {
	type bad struct {
		line int
		id   string
	}
	var bads []bad
	for id := range cfg.Rules {
		if _, ok := ruleByID(id); !ok {
			bads = append(bads, bad{cfg.RuleLines[id], id})
		}
	}
	slices.SortFunc(bads, func(a, b bad) int {
		return cmp.Or(cmp.Compare(a.line, b.line), strings.Compare(a.id, b.id))
	})
	var errs []error
	for _, b := range bads {
		at := config.FileName
		if b.line > 0 {
			at = fmt.Sprintf("%s:%d", at, b.line)
		}
		hint := "see the table of rules in the README"
		if s := suggest(b.id); s != "" {
			hint = fmt.Sprintf("did you mean %q?", s)
		}
		errs = append(errs, fmt.Errorf("%s: rules: unknown rule %q (%s)", at, b.id, hint))
	}
	return errors.Join(errs...)
}

// suggest returns the rule id nearest to a misspelt one, or "".
func suggest(id string) string {
	best, bestD := "", 4
	for _, r := range rules {
		if d := strdist.Levenshtein(id, r.ID); d < bestD {
			best, bestD = r.ID, d
		}
	}
	return best
}

var levelRank = map[string]int{postmortem.LevelInfo: 0, postmortem.LevelWarning: 1, postmortem.LevelError: 2}

var rankLevel = []string{postmortem.LevelInfo, postmortem.LevelWarning, postmortem.LevelError}

// relevel applies a configured level to a finding and reports whether the
// finding is kept. The configured level replaces the rule's default level;
// a finding the rule made below its default (required-published for a
// draft) stays the same number of steps below, never below info.
func relevel(levels map[string]string, f postmortem.Finding) (postmortem.Finding, bool) {
	want, ok := levels[f.Rule]
	if !ok {
		return f, true
	}
	if want == LevelOff {
		return f, false
	}
	r, known := ruleByID(f.Rule)
	have, ok1 := levelRank[f.Level]
	def, ok2 := levelRank[r.Level]
	to, ok3 := levelRank[want]
	if !known || !ok1 || !ok2 || !ok3 {
		if ok3 {
			f.Level = want
		}
		return f, true
	}
	f.Level = rankLevel[max(0, min(2, to-(def-have)))]
	return f, true
}

// Apply re-levels and drops findings made elsewhere (the parser's and
// validator's, the build's) by rule id according to the rules key of
// inquest.yaml, and drops those an inquest-disable comment in the file
// switches off. incs are the incidents the findings belong to, matched by
// Source; findings of other files are only re-levelled.
//
// While action-item-fields is on, the validator's warning that an action
// item has no owner or due date is dropped: action-item-fields reports it,
// with the missing tracker link, in one finding.
func Apply(cfg *config.Config, incs []*postmortem.Incident, findings []postmortem.Finding) []postmortem.Finding {
	levels := cfg.Rules
	byFile := map[string]*disables{}
	for _, inc := range incs {
		if inc != nil && hasDisable(inc.Body) {
			byFile[inc.Source] = parseDisables(splitBody(inc.Body, inc.BodyLine))
		}
	}
	superseded := levels["action-item-fields"] != LevelOff
	out := make([]postmortem.Finding, 0, len(findings))
	for _, f := range findings {
		if superseded && f.Rule == "action-items" && f.Level == postmortem.LevelWarning {
			continue
		}
		f, ok := relevel(levels, f)
		if !ok {
			continue
		}
		if d := byFile[f.File]; d != nil && d.covers(f) {
			continue
		}
		out = append(out, f)
	}
	return out
}
