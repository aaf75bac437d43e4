package postmortem

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/internal/strdist"
)

// Validate checks incidents against the configuration and each other and
// appends the findings to each incident. It reports every problem at once.
// When the configuration leaves scales to learn and they have not been
// learned yet, they are learned from incs (see LearnScales).
func Validate(cfg *config.Config, incs []*Incident) {
	if (cfg.AutoSeverities || cfg.AutoStatuses) && !cfg.Learned() {
		LearnScales(cfg, incs)
	}
	for _, inc := range incs {
		if !inc.Broken {
			validateOne(cfg, inc)
		}
	}
	nameIDs(incs)
	byID := map[string][]*Incident{}
	for _, inc := range incs {
		if !inc.Broken {
			byID[strings.ToLower(inc.ID)] = append(byID[strings.ToLower(inc.ID)], inc)
		}
	}
	for _, group := range byID {
		if len(group) < 2 {
			continue
		}
		for _, inc := range group {
			var others []string
			for _, o := range group {
				if o != inc {
					others = append(others, o.Source)
				}
			}
			inc.add(inc.line("id"), LevelError, "duplicate-id", "id %q is also used by %s; ids must be unique", inc.ID, strings.Join(others, ", "))
		}
	}
}

func (inc *Incident) add(line int, level, rule, format string, args ...any) {
	inc.Findings = append(inc.Findings, Finding{File: inc.Source, Line: line, Level: level, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// line returns the file line of a field, or 1 when it was not written.
func (inc *Incident) line(field string) int {
	if l, ok := inc.FieldLines[field]; ok {
		return l
	}
	return 1
}

func validateOne(cfg *config.Config, inc *Incident) {
	for _, f := range cfg.RequiredFields {
		if f == "severity" && (cfg.AutoSeverities && len(cfg.Severities) == 0 || !inc.IsOutage()) {
			// A repository that rates no incident is not asked to, and a
			// near miss or an investigation had no impact to rate.
			continue
		}
		if !inc.has(f) && !inc.hasFindingAt(inc.line(f)) {
			inc.add(inc.line(f), LevelError, "required-field", "required field %q is missing or empty", f)
		}
	}
	for _, s := range cfg.RequiredSections {
		sec := inc.Section(SectionKind(s))
		if sec == nil {
			inc.add(inc.BodyLine, LevelError, "required-section", "required section %q is missing (add a heading such as %q)", s, sectionExample(SectionKind(s)))
		} else if strings.TrimSpace(sec.Text) == "" {
			inc.add(sec.Line, LevelError, "required-section", "section %q is empty", sec.Heading)
		}
	}
	if inc.Severity != "" {
		if _, ok := cfg.SeverityRank(inc.Severity); !ok {
			scale := "one of " + strings.Join(cfg.Severities, ", ")
			if cfg.AutoSeverities {
				scale = "on the scale the other postmortems use (" + strings.Join(cfg.Severities, ", ") + "; pin it with severities: in inquest.yaml)"
			}
			inc.add(inc.line("severity"), LevelError, "severity", "severity %q is not %s%s", inc.Severity, scale, didYouMean(nearestLevel(inc.Severity, cfg.Severities)))
		}
	}
	if inc.Status != "" && !slices.ContainsFunc(cfg.Statuses, func(s string) bool { return strings.EqualFold(s, inc.Status) }) {
		inc.add(inc.line("status"), LevelError, "status", "status %q is not one of %s%s", inc.Status, strings.Join(cfg.Statuses, ", "),
			didYouMean(strdist.Nearest(inc.Status, cfg.Statuses, max(1, len(inc.Status)/3))))
	}
	if y := inc.Date.Year(); !inc.Date.IsZero() && (y < 1970 || y > 2200) {
		inc.add(inc.line("date"), LevelError, "date", "date %s is not a plausible incident date", inc.Date.Format("2006-01-02"))
	}
	ms := []struct {
		name string
		t    time.Time
	}{{"started", inc.Started}, {"detected", inc.Detected}, {"mitigated", inc.Mitigated}, {"resolved", inc.Resolved}}
	for i := 1; i < len(ms); i++ {
		for j := 0; j < i; j++ {
			if !ms[i].t.IsZero() && !ms[j].t.IsZero() && ms[i].t.Before(ms[j].t) {
				inc.add(inc.line(ms[i].name), LevelError, "milestones", "%s (%s) is before %s (%s)", ms[i].name, ms[i].t.Format(time.RFC3339), ms[j].name, ms[j].t.Format(time.RFC3339))
			}
		}
	}
	for _, a := range inc.ActionItems {
		var missing []string
		if a.Owner == "" {
			missing = append(missing, "owner")
		}
		if a.Due.IsZero() && a.Status != StatusDone {
			missing = append(missing, "due date")
		}
		if len(missing) > 0 {
			inc.add(a.Line, LevelWarning, "action-items", "action item %q has no %s", truncate(a.Title, 60), strings.Join(missing, " and no "))
		}
	}
}

// hasFindingAt reports whether a finding was already made at a line that a
// field was written on, so that an invalid value is not also called missing.
func (inc *Incident) hasFindingAt(line int) bool {
	if line <= 1 {
		return false
	}
	for _, f := range inc.Findings {
		if f.Line == line {
			return true
		}
	}
	return false
}

// didYouMean is the end of a message that suggests s, or "".
func didYouMean(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", s)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func sectionExample(k SectionKind) string {
	for _, s := range sectionSynonyms {
		if s.kind == k {
			return "## " + strings.ToUpper(s.names[0][:1]) + s.names[0][1:]
		}
	}
	return string(k)
}

// has reports whether a canonical field has a non-empty value.
func (inc *Incident) has(field string) bool {
	switch field {
	case "id":
		return inc.ID != ""
	case "title":
		return inc.Title != ""
	case "date":
		return !inc.Date.IsZero()
	case "severity":
		return inc.Severity != ""
	case "status":
		return inc.Status != ""
	case "owner":
		return inc.Owner != ""
	case "reviewers":
		return len(inc.Reviewers) > 0
	case "tags":
		return len(inc.Tags) > 0
	case "services":
		return len(inc.Services) > 0
	case "factors":
		return len(inc.Factors) > 0
	case "kind":
		return inc.Kind != ""
	case "summary":
		return inc.Summary != ""
	case "impact":
		return len(inc.Impact) > 0
	case "started":
		return !inc.Started.IsZero()
	case "detected":
		return !inc.Detected.IsZero()
	case "mitigated":
		return !inc.Mitigated.IsZero()
	case "resolved":
		return !inc.Resolved.IsZero()
	case "timeline":
		return len(inc.Timeline) > 0
	case "action_items":
		return len(inc.ActionItems) > 0
	case "links":
		return len(inc.Links) > 0
	case "related":
		return len(inc.Related) > 0
	case "visibility":
		return inc.Visibility != ""
	case "durations":
		return inc.Durations != Durations{}
	}
	return false
}
