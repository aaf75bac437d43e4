package postmortem

import (
	"path"
	"regexp"
	"strings"
)

// Kinds of record. A near miss (something that nearly caused an outage)
// and an investigation (a look into something that was not an outage) are
// listed and searchable like incidents, but left out of outage metrics.
const (
	KindIncident      = "incident"
	KindNearMiss      = "near-miss"
	KindInvestigation = "investigation"
)

// Kinds lists the kinds of record, the default first.
func Kinds() []string { return []string{KindIncident, KindNearMiss, KindInvestigation} }

// IsOutage reports whether the record counts in outage metrics: an
// incident, not a near miss or an investigation.
func (inc *Incident) IsOutage() bool { return inc.Kind == "" || inc.Kind == KindIncident }

// normalizeKind reads a kind as written ("Near miss", "near_miss",
// "Investigations") and reports whether it is one of Kinds.
func normalizeKind(s string) (string, bool) {
	k := strings.ToLower(strings.TrimSpace(s))
	k = strings.NewReplacer(" ", "-", "_", "-").Replace(k)
	switch k {
	case "incident", "incidents", "outage", "postmortem":
		return KindIncident, true
	case "near-miss", "nearmiss", "near-misses", "near-miss-report", "close-call":
		return KindNearMiss, true
	case "investigation", "investigations":
		return KindInvestigation, true
	}
	return "", false
}

// nearMissRE finds "near miss" in a title, in its usual spellings.
var nearMissRE = regexp.MustCompile(`(?i)\bnear[- _]?miss(es)?\b`)

// inferKind says what kind of record a file is when its front matter does
// not: from a folder of its path (investigations/, near-misses/), else
// from a title that says "near miss". from names the rule; "" when nothing
// says, and the record is an incident.
func inferKind(rel, title string) (kind, from string) {
	dir := path.Dir(rel)
	for dir != "." && dir != "/" && dir != "" {
		if k, ok := normalizeKind(path.Base(dir)); ok && k != KindIncident {
			return k, "folder"
		}
		dir = path.Dir(dir)
	}
	if nearMissRE.MatchString(title) {
		return KindNearMiss, "title"
	}
	return "", ""
}
