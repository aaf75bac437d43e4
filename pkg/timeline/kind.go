package timeline

import (
	"slices"
	"strings"
)

// Kind marks an event as one of the milestones of an incident.
type Kind string

// The milestone kinds. KindNone marks an ordinary event.
const (
	KindNone      Kind = ""
	KindStarted   Kind = "started"
	KindDetected  Kind = "detected"
	KindMitigated Kind = "mitigated"
	KindResolved  Kind = "resolved"
)

// markerWords are the words that mark a milestone explicitly when written
// as "(detected)", "[mitigated]", "**resolved**", "Detected:" or in a kind
// column of a table.
var markerWords = map[string]Kind{
	"start":      KindStarted,
	"started":    KindStarted,
	"began":      KindStarted,
	"detect":     KindDetected,
	"detected":   KindDetected,
	"detection":  KindDetected,
	"mitigated":  KindMitigated,
	"mitigation": KindMitigated,
	"resolved":   KindResolved,
	"resolution": KindResolved,
}

// leadingPhrase is a phrase that, at the start of an entry's text, says
// which milestone the entry is.
type leadingPhrase struct {
	phrase string // lower-case
	kind   Kind
}

// leadingPhrases lists the phrases recognised at the start of an entry's
// text, checked in order; a phrase must end at a word boundary.
var leadingPhrases = []leadingPhrase{
	{"incident started", KindStarted},
	{"impact started", KindStarted},
	{"impact began", KindStarted},
	{"outage began", KindStarted},
	{"outage started", KindStarted},
	{"began", KindStarted},
	{"start of impact", KindStarted},
	{"first errors", KindStarted},
	{"first error", KindStarted},
	{"alert fired", KindDetected},
	{"alerts fired", KindDetected},
	{"alerted", KindDetected},
	{"paged", KindDetected},
	{"page sent", KindDetected},
	{"detected", KindDetected},
	{"on-call paged", KindDetected},
	{"oncall paged", KindDetected},
	{"pagerduty", KindDetected},
	{"became aware", KindDetected},
	{"reported", KindDetected},
	{"customer reported", KindDetected},
	{"customers reported", KindDetected},
	{"noticed", KindDetected},
	{"escalated", KindDetected},
	{"mitigated", KindMitigated},
	{"rolled back", KindMitigated},
	{"rollback complete", KindMitigated},
	{"rollback completed", KindMitigated},
	{"failover complete", KindMitigated},
	{"failover completed", KindMitigated},
	{"workaround applied", KindMitigated},
	{"deployed fix", KindMitigated},
	{"deployed a fix", KindMitigated},
	{"deployed the fix", KindMitigated},
	{"fix deployed", KindMitigated},
	{"restored", KindMitigated},
	{"service restored", KindMitigated},
	{"resolved", KindResolved},
	{"incident resolved", KindResolved},
	{"all clear", KindResolved},
	{"all-clear", KindResolved},
	{"fully recovered", KindResolved},
	{"closed", KindResolved},
	{"incident closed", KindResolved},
	{"back to normal", KindResolved},
	{"monitoring the fix", KindResolved},
	{"monitoring the recovery", KindResolved},
	{"monitoring recovery", KindResolved},
}

// wordPhrase is a phrase that says which milestone an entry is wherever it
// stands in the entry's first words ("the on-call noticed the errors",
// "traffic back to normal").
type wordPhrase struct {
	phrase string // lower-case
	kind   Kind
}

// wordPhrases are checked at every word of an entry's first sentence and
// of a short last clause (see wordKind), after the leading phrases;
// "monitoring" counts only at the start, where it names the status page's
// phase.
var wordPhrases = []wordPhrase{
	{"became aware", KindDetected},
	{"alert fired", KindDetected},
	{"alerts fired", KindDetected},
	{"alarm fired", KindDetected},
	{"alarms fired", KindDetected},
	{"alert triggered", KindDetected},
	// A timeline written in the present tense, as a play-by-play is.
	{"alert fires", KindDetected},
	{"alerts fire", KindDetected},
	{"alarm fires", KindDetected},
	{"alarms fire", KindDetected},
	{"alert triggers", KindDetected},
	{"alarm triggers", KindDetected},
	{"alarm triggered", KindDetected},
	{"alert goes off", KindDetected},
	{"alarm goes off", KindDetected},
	{"alert went off", KindDetected},
	{"alarm went off", KindDetected},
	{"reported", KindDetected},
	{"alerted", KindDetected},
	{"noticed", KindDetected},
	{"escalated", KindDetected},
	{"paged", KindDetected},
	{"deployed fix", KindMitigated},
	{"deployed a fix", KindMitigated},
	{"deployed the fix", KindMitigated},
	{"rolled back", KindMitigated},
	{"restored", KindMitigated},
	{"mitigated", KindMitigated},
	{"resolved", KindResolved},
	{"all clear", KindResolved},
	{"all-clear", KindResolved},
	{"back to normal", KindResolved},
	{"fully recovered", KindResolved},
}

// wordIndex lists wordPhrases by the low five bits of their first letter,
// so that a word is checked only against the phrases it can start.
var wordIndex = func() (m [32][]wordPhrase) {
	for _, p := range wordPhrases {
		m[p.phrase[0]&0x1f] = append(m[p.phrase[0]&0x1f], p)
	}
	return m
}()

// maxWordScan bounds how far into an entry wordPhrases are looked for, so
// that a long entry costs no more than a short one.
const maxWordScan = 160

// negations, written right before a phrase, say it has not happened: "not
// yet resolved", "wasn't restored", "never alerted".
var negations = [...]string{"not ", "n't ", "never ", "no "}

// wordKind finds the first of wordPhrases at the start of a word (after a
// space, or the start of the text) in the first sentence of text, or in a
// short last clause ("error rate back below 0.3%; mitigated"), skipping
// negated ones: a phrase in the middle of a longer story ("queries ruled
// out; the alert fired and resolved 9 times") says nothing about the entry.
func wordKind(text string) Kind {
	s := text[:min(len(text), maxWordScan)]
	first := s
	if i := strings.IndexByte(first, ';'); i >= 0 {
		first = first[:i]
	}
	if i := strings.Index(first, ". "); i >= 0 {
		first = first[:i]
	}
	if k := phraseKind(first); k != KindNone || len(first) == len(text) {
		return k
	}
	last := text[strings.LastIndexAny(text, ";,")+1:]
	if len(last) < 40 && strings.Count(strings.TrimSpace(last), " ") < 3 {
		return phraseKind(strings.TrimSpace(last))
	}
	return KindNone
}

// phraseKind finds the first of wordPhrases at the start of a word of s.
// It goes from word to word, so that it costs little more than finding
// the spaces.
func phraseKind(s string) Kind {
	for i := 0; i < len(s); {
		if c := s[i] | 0x20; c >= 'a' && c <= 'z' {
			for _, p := range wordIndex[c&0x1f] {
				if !hasPrefixFold(s[i:], p.phrase) {
					continue
				}
				e := i + len(p.phrase)
				if e < len(s) && (isAlnum(s[e]) || s[e] == '-') || negated(s, i) {
					continue
				}
				return p.kind
			}
		}
		j := strings.IndexByte(s[i:], ' ')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return KindNone
}

// negated reports whether a negation ends right before s[i:], or before
// a word or two of those that sit between a negation and its verb ("not
// yet resolved", "wasn't fully restored", "hasn't been mitigated").
func negated(s string, i int) bool {
	for range 3 {
		if negatedAt(s, i) {
			return true
		}
		if i < 2 || s[i-1] != ' ' {
			return false
		}
		w := strings.LastIndexByte(s[:i-1], ' ') + 1
		if !slices.ContainsFunc(negationFillers[:], func(f string) bool { return strings.EqualFold(s[w:i-1], f) }) {
			return false
		}
		i = w
	}
	return false
}

// negationFillers are the words negated looks past: "not yet resolved".
var negationFillers = [...]string{"yet", "been", "fully", "completely", "entirely", "quite", "properly", "really", "actually"}

// negatedAt reports whether a negation ends right before s[i:].
func negatedAt(s string, i int) bool {
	for _, n := range negations {
		if i >= len(n) && hasPrefixFold(s[i-len(n):], n) && (i == len(n) || !isLetter(s[i-len(n)-1]) || n[0] == 'n' && n[1] == '\'') {
			return true
		}
	}
	return false
}

// maxMarkerWord bounds the length of a marker word, so that looking for
// markers costs a bounded amount per candidate position.
const maxMarkerWord = 12

// detectKind finds the milestone kind of an entry's text and whether an
// explicit marker gave it. Explicit markers win over leading phrases; among
// explicit markers the first in the text wins. A bracket or parenthesis
// marker is removed from the returned text; every other marker stays as
// written.
func detectKind(text string) (Kind, bool, string) {
	if k := leadingLabel(text); k != KindNone {
		return k, true, text
	}
	best, start, end, strip := KindNone, len(text)+1, 0, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '(' && c != '[' && c != '*' && c != '_' {
			continue
		}
		if i >= start {
			break
		}
		switch c {
		case '(', '[':
			closer := byte(')')
			if c == '[' {
				closer = ']'
			}
			w, e := markerAt(text, i+1)
			if w != "" && e < len(text) && text[e] == closer {
				if k, ok := markerWords[strings.ToLower(w)]; ok {
					best, start, end, strip = k, i, e+1, true
				}
			}
		default:
			if i+1 >= len(text) || text[i+1] != c {
				continue
			}
			w, e := markerAt(text, i+2)
			if e < len(text) && text[e] == ':' {
				e++
			}
			if w != "" && e+1 < len(text) && text[e] == c && text[e+1] == c {
				if k, ok := markerWords[strings.ToLower(w)]; ok {
					best, start, strip = k, i, false
				}
			}
			i++
		}
	}
	if best != KindNone {
		if strip {
			// Emphasis around the marker ("**(detected)**") goes with it.
			for start > 0 && end < len(text) && (text[start-1] == '*' || text[start-1] == '_') && text[end] == text[start-1] {
				start, end = start-1, end+1
			}
			text = joinTrimmed(text[:start], text[end:])
		}
		return best, true, text
	}
	if k := leadingKind(text); k != KindNone {
		return k, false, text
	}
	return wordKind(text), false, text
}

// markerAt reads a marker word at s[i:], allowing spaces around it.
func markerAt(s string, i int) (string, int) {
	i = skipSpaces(s, i)
	j := i
	for j < len(s) && j-i <= maxMarkerWord && isLetter(s[j]) {
		j++
	}
	if j == i || j-i > maxMarkerWord {
		return "", i
	}
	return s[i:j], skipSpaces(s, j)
}

// leadingLabel recognises a marker word used as a label at the start of the
// text: "detected: ...", "Mitigated — ...", "Started - ...".
func leadingLabel(text string) Kind {
	i := skipEmphasis(text, 0)
	w, j := wordAt(text, i)
	k, ok := markerWords[strings.ToLower(w)]
	if w == "" || !ok {
		return KindNone
	}
	j = skipEmphasis(text, j)
	if j < len(text) && text[j] == ':' {
		return k
	}
	j = skipSpaces(text, j)
	if _, ok := skipSeparator(text, j); ok && text[j] != ',' && text[j] != '|' {
		return k
	}
	return KindNone
}

// leadingKind matches the leading phrases against the start of the text,
// and "Monitoring" written as a status page's phase ("Monitoring: a fix is
// out", "Monitoring - ...").
func leadingKind(text string) Kind {
	i := skipEmphasis(text, 0)
	rest := text[i:]
	if rest == "" {
		return KindNone
	}
	c := rest[0] | 0x20
	for _, p := range leadingPhrases {
		if p.phrase[0] == c && hasPrefixFold(rest, p.phrase) {
			e := len(p.phrase)
			if e == len(rest) || !isAlnum(rest[e]) && rest[e] != '-' {
				return p.kind
			}
		}
	}
	if hasPrefixFold(rest, "monitoring") {
		e := skipEmphasis(rest, len("monitoring"))
		if e == len(rest) || isSeparatorAt(rest, skipSpaces(rest, e)) {
			return KindResolved
		}
	}
	return KindNone
}

// kindFromCell reads the milestone kind written in a table's kind column.
func kindFromCell(cell string) Kind {
	s := strings.Trim(cell, " \t*_`[]()")
	if k, ok := markerWords[strings.ToLower(s)]; ok {
		return k
	}
	if k := leadingLabel(s); k != KindNone {
		return k
	}
	return leadingKind(s)
}

// skipEmphasis skips emphasis and code marks at s[i:].
func skipEmphasis(s string, i int) int {
	for i < len(s) && (s[i] == '*' || s[i] == '_' || s[i] == '`') {
		i++
	}
	return i
}

// joinTrimmed joins two pieces of text with one space, trimming both.
func joinTrimmed(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
