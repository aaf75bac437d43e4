package config

import (
	"slices"
	"strings"
)

// SeverityKey is the form two spellings of one severity share: lower case,
// without spaces, dashes and underscores, "severity" shortened to "sev"
// and "level" to "l": "Sev 1", "SEV-1" and "severity1" are all "sev1".
func SeverityKey(s string) string {
	// By hand: a strings.Replacer built per call cost more than the rest
	// of learning a scale from 10,000 postmortems.
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '-' || c == '_' || c == '\t':
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		default:
			b = append(b, c)
		}
	}
	k := string(b)
	if strings.IndexFunc(k, func(r rune) bool { return r >= 0x80 }) >= 0 {
		k = strings.ToLower(k)
	}
	switch {
	case strings.HasPrefix(k, "severity"):
		k = "sev" + k[len("severity"):]
	case strings.HasPrefix(k, "level"):
		k = "l" + k[len("level"):]
	case strings.HasPrefix(k, "lvl"):
		k = "l" + k[len("lvl"):]
	}
	return k
}

// LearnSeverities sets the scale learned from the repository when
// severities is not configured: levels in order, most severe first, each
// spelt as the repository mostly spells it. A severity is then on the
// scale when its SeverityKey is one of theirs.
func (c *Config) LearnSeverities(scale []string) {
	c.learned = true
	c.Severities = slices.Clone(scale)
	c.severityLevels = make(map[string]int, len(scale))
	for i, s := range scale {
		c.severityLevels[SeverityKey(s)] = i
	}
}

// Learned reports whether LearnSeverities or LearnStatuses has been
// called.
func (c *Config) Learned() bool { return c.learned }

// SeverityRank returns the position of a severity in the scale (0 = most
// severe) and whether it is on the scale. Spellings of one level are one
// (see SeverityKey: "Sev 1", "SEV-1" and "sev1" are the level SEV1), on a
// configured scale as on a learned one; the scale's own spelling is the
// one shown (see Severity).
func (c *Config) SeverityRank(sev string) (int, bool) {
	if c.severityLevels != nil {
		i, ok := c.severityLevels[SeverityKey(sev)]
		if !ok {
			i = -1
		}
		return i, ok
	}
	i := slices.IndexFunc(c.Severities, func(s string) bool { return strings.EqualFold(s, sev) })
	if i < 0 {
		k := SeverityKey(sev)
		i = slices.IndexFunc(c.Severities, func(s string) bool { return SeverityKey(s) == k })
	}
	return i, i >= 0
}

// Severity is a severity as the scale spells its level ("Sev 1" is "SEV1"
// on a scale that says SEV1), or sev as written when it is not on it.
func (c *Config) Severity(sev string) string {
	if i, ok := c.SeverityRank(sev); ok {
		return c.Severities[i]
	}
	return sev
}

// LearnStatuses adds the repository's own status words to the default
// workflow when statuses is not configured. They go before its last
// status, so that only "published" marks a postmortem as published.
func (c *Config) LearnStatuses(extra []string) {
	c.learned = true
	if len(extra) == 0 {
		return
	}
	last := len(c.Statuses) - 1
	out := slices.Clone(c.Statuses[:last])
	for _, s := range extra {
		if !slices.ContainsFunc(c.Statuses, func(x string) bool { return strings.EqualFold(x, s) }) {
			out = append(out, s)
		}
	}
	c.Statuses = append(out, c.Statuses[last])
}

// WorkflowStatus is a status as inquest's workflow reads it: "" for one of
// the repository's own status words learned beside the workflow (see
// LearnStatuses), which says where the incident is (Resolved, Closed),
// not where its postmortem is; the status itself otherwise.
func (c *Config) WorkflowStatus(status string) string {
	if c.AutoStatuses && !slices.ContainsFunc(DefaultStatuses, func(s string) bool { return strings.EqualFold(s, status) }) {
		return ""
	}
	return status
}
