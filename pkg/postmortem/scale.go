package postmortem

import (
	"cmp"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/internal/strdist"
)

// Scales learned from a repository. When inquest.yaml configures no
// severities, the scale is made of the values the postmortems use, in the
// order their kind has: SEV0 > SEV1 > …, P0 > P1 > …, S1, Sev 1, Level 1,
// plain numbers, and the words critical > major/high > medium/moderate >
// minor/low. Only what is used is on it, so a repository that rates
// nothing has no scale. A value inquest cannot place that only one
// postmortem uses, in a repository whose other values it can, is a typo
// or a stray and stays off the scale: validation reports it, with the
// level it is nearest to.

// severityWords ranks the words teams rate incidents with; equal ranks
// are synonyms of one level.
var severityWords = map[string]int{
	"catastrophic": 0, "emergency": 0, "blocker": 0,
	"critical": 1, "crit": 1, "urgent": 1,
	"major": 2, "high": 2, "severe": 2, "serious": 2,
	"significant": 3, "medium": 3, "moderate": 3, "normal": 3, "med": 3,
	"minor": 4, "low": 4,
	"trivial": 5, "cosmetic": 5, "negligible": 5,
	"informational": 6, "info": 6, "none": 7,
}

// numberedRE reads a numbered severity's key (see config.SeverityKey):
// sev1, p0, s2, l3 or a bare number.
var numberedRE = regexp.MustCompile(`^(sev|p|s|l|)(\d{1,2})$`)

// statusWords are the statuses teams write beside inquest's workflow, for
// the incident (resolved, monitoring) or the document (final, approved).
var statusWords = []string{
	"investigating", "identified", "ongoing", "open", "monitoring", "mitigated", "resolved", "closed",
	"wip", "in progress", "pending", "review", "reviewed", "approved", "accepted", "complete", "completed",
	"done", "final", "archived",
}

// LearnScales learns the severity scale and the statuses from the
// incidents, for what inquest.yaml leaves unconfigured
// (config.Config.AutoSeverities, AutoStatuses), and records them in cfg.
// It may be called again with other incidents: each call starts afresh.
func LearnScales(cfg *config.Config, incs []*Incident) {
	if cfg.AutoSeverities {
		var vals []string
		for _, inc := range incs {
			if !inc.Broken && strings.TrimSpace(inc.Severity) != "" {
				vals = append(vals, inc.Severity)
			}
		}
		cfg.LearnSeverities(learnSeverities(vals))
	}
	if cfg.AutoStatuses {
		cfg.Statuses = slices.Clone(config.DefaultStatuses)
		var vals []string
		for _, inc := range incs {
			if !inc.Broken && strings.TrimSpace(inc.Status) != "" {
				vals = append(vals, inc.Status)
			}
		}
		cfg.LearnStatuses(learnStatuses(vals))
	}
}

// KnownSeverity reports whether a severity is of a kind inquest can
// place on a scale: SEV2, P1, S3, Level 2, 2, critical, minor, …
func KnownSeverity(sev string) bool {
	_, _, ok := severityRank(config.SeverityKey(sev))
	return ok
}

// severityRank places a severity key: its family ("sev", "p", …, "word")
// and its position in it; ok is false for values inquest cannot place.
func severityRank(key string) (family string, rank int, ok bool) {
	if m := numberedRE.FindStringSubmatch(key); m != nil {
		n, _ := strconv.Atoi(m[2])
		return m[1] + "#", n, true
	}
	if r, known := severityWords[key]; known {
		return "word", r, true
	}
	return "", 0, false
}

// learnSeverities makes the scale of the values used: placed values by
// family (the most used family first) and rank, then the values inquest
// cannot place that more than one postmortem uses, by name. Each level is
// spelt as most postmortems spell it.
func learnSeverities(vals []string) []string {
	type level struct {
		key      string
		spelling map[string]int
		n        int
		family   string
		rank     int
		placed   bool
	}
	byKey := map[string]*level{}
	for _, v := range vals {
		v = strings.TrimSpace(v)
		k := config.SeverityKey(v)
		l := byKey[k]
		if l == nil {
			l = &level{key: k, spelling: map[string]int{}}
			l.family, l.rank, l.placed = severityRank(k)
			byKey[k] = l
		}
		l.spelling[v]++
		l.n++
	}
	familyUse := map[string]int{}
	var placed, keys []string
	for k, l := range byKey {
		if l.placed {
			familyUse[l.family] += l.n
			placed = append(placed, k)
		}
		keys = append(keys, k)
	}
	var levels []*level
	for _, k := range keys {
		l := byKey[k]
		if !l.placed && l.n == 1 && len(placed) > 0 {
			continue // a stray: validation names it
		}
		if !l.placed && l.n == 1 && nearOther(k, keys) {
			continue // one spelling off another value
		}
		levels = append(levels, l)
	}
	slices.SortFunc(levels, func(a, b *level) int {
		if a.placed != b.placed {
			if a.placed {
				return -1
			}
			return 1
		}
		if a.placed {
			return cmp.Or(-cmp.Compare(familyUse[a.family], familyUse[b.family]), strings.Compare(a.family, b.family),
				cmp.Compare(a.rank, b.rank), strings.Compare(a.key, b.key))
		}
		return strings.Compare(a.key, b.key)
	})
	out := make([]string, len(levels))
	for i, l := range levels {
		out[i] = mostUsed(l.spelling)
	}
	return out
}

// nearOther reports whether a key is one or two edits from another key.
func nearOther(k string, keys []string) bool {
	for _, o := range keys {
		if o != k && strdist.Levenshtein(k, o) <= max(1, min(2, len(k)/4)) {
			return true
		}
	}
	return false
}

// mostUsed is the spelling used most, the first in order on a tie.
func mostUsed(spellings map[string]int) string {
	best, n := "", 0
	for _, s := range slices.Sorted(maps.Keys(spellings)) {
		if spellings[s] > n {
			best, n = s, spellings[s]
		}
	}
	return best
}

// learnStatuses returns the statuses used beside the default workflow:
// the known status words, and others more than one postmortem uses, each
// spelt as most spell it; known words first, in the order of statusWords.
func learnStatuses(vals []string) []string {
	spell := map[string]map[string]int{}
	for _, v := range vals {
		v = strings.TrimSpace(v)
		k := strings.ToLower(v)
		if slices.ContainsFunc(config.DefaultStatuses, func(s string) bool { return strings.EqualFold(s, k) }) {
			continue
		}
		if spell[k] == nil {
			spell[k] = map[string]int{}
		}
		spell[k][v]++
	}
	var keys []string
	for k, sp := range spell {
		n := 0
		for _, c := range sp {
			n += c
		}
		if slices.Contains(statusWords, k) || n > 1 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		ia, ib := slices.Index(statusWords, a), slices.Index(statusWords, b)
		if ia < 0 {
			ia = len(statusWords)
		}
		if ib < 0 {
			ib = len(statusWords)
		}
		return cmp.Or(cmp.Compare(ia, ib), strings.Compare(a, b))
	})
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = mostUsed(spell[k])
	}
	return out
}

// nearestLevel is the level of a scale a value off it is most likely a
// misspelling of, or "".
func nearestLevel(v string, scale []string) string {
	k := config.SeverityKey(v)
	if _, _, placed := severityRank(k); placed {
		return "" // SEV9 is no misspelling of SEV1
	}
	keys := make([]string, len(scale))
	for i, s := range scale {
		keys[i] = config.SeverityKey(s)
	}
	// Two edits for words of four letters or more: "SVE2" is SEV2 typed fast.
	if n := strdist.Nearest(k, keys, min(2, max(1, len(k)/2))); n != "" {
		return scale[slices.Index(keys, n)]
	}
	return ""
}
