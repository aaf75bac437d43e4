package lint

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// blamePhrase is wording that stops the analysis at a person.
type blamePhrase struct {
	// anchor is a lower-case word the line must contain before re is run,
	// which keeps the scan cheap.
	anchor string
	// re matches in the ASCII-lower-cased line.
	re *regexp.Regexp
	// unless, matched against the text right after a match, marks it as
	// something else: "user error rate" is a metric, not blame.
	unless *regexp.Regexp
	// negatable phrases are not blame after "not": "it was not Jane's fault".
	negatable bool
	// short phrases end at their anchor: the window before it is small.
	short  bool
	advice string
}

const (
	adviceWhy       = "ask why the system allowed it: what made the mistake easy to make and hard to catch?"
	adviceError     = "it ends the analysis where it should begin; describe what made the action reasonable at the time and what would have caught it, then " + adviceWhy
	adviceHindsight = "that is hindsight; say what the person knew at the time and what would have surfaced the problem, then " + adviceWhy
	adviceJudgement = "it judges a person; describe the conditions instead (time pressure, missing guard rails, confusing tooling), and " + adviceWhy
	adviceProcedure = "ask why following it was hard or skipping it was easy: was the procedure known, current and enforced by tooling?"
)

// blamePhrases are checked on every prose line of the body.
var blamePhrases = []blamePhrase{
	{anchor: "error", re: regexp.MustCompile(`\b(?:human|operator|pilot|personnel|staff|engineer|user)[\s-]+errors?\b`), unless: metricWords, short: true, advice: adviceError},
	{anchor: "mistake", re: regexp.MustCompile(`\b(?:human|operator|pilot|personnel|staff|engineer|user)[\s-]+mistakes?\b`), short: true, advice: adviceError},
	{anchor: "fault", re: regexp.MustCompile(`[\p{L}\p{N}_-]+['’]s\s+fault\b`), negatable: true, advice: "fault stops at a person; " + adviceWhy},
	{anchor: "fault", re: regexp.MustCompile(`\b(?:his|her|their|my|your)\s+fault\b`), negatable: true, advice: "fault stops at a person; " + adviceWhy},
	{anchor: "fault", re: regexp.MustCompile(`\b(?:the\s+)?fault\s+of\b`), negatable: true, advice: "fault stops at a person; " + adviceWhy},
	{anchor: "fault", re: regexp.MustCompile(`\bat\s+fault\b`), negatable: true, advice: "fault stops at a person; " + adviceWhy},
	{anchor: "should", re: regexp.MustCompile(`\bshould(?:\s+have|['’]ve)\s+(?:known|caught|noticed|realized|realised|seen)\b`), advice: adviceHindsight},
	{anchor: "careless", re: regexp.MustCompile(`\bcareless(?:ly|ness)?\b`), advice: adviceJudgement},
	{anchor: "negligen", re: regexp.MustCompile(`\bnegligen(?:t|tly|ce)\b`), advice: adviceJudgement},
	{anchor: "slopp", re: regexp.MustCompile(`\bslopp(?:y|ily|iness)\b`), advice: adviceJudgement},
	{anchor: "reckless", re: regexp.MustCompile(`\breckless(?:ly|ness)?\b`), advice: adviceJudgement},
	{anchor: "incompeten", re: regexp.MustCompile(`\bincompeten(?:t|ce|cy)\b`), advice: adviceJudgement},
	{anchor: "attention", re: regexp.MustCompile(`\b(?:not|wasn['’]t|weren['’]t|was\s+not|were\s+not)\s+paying\s+attention\b`), advice: adviceJudgement},
	{anchor: "lack of", re: regexp.MustCompile(`\black\s+of\s+(?:attention|care|diligence|discipline)\b`), advice: adviceJudgement},
	{anchor: "follow", re: regexp.MustCompile(`\bfailed\s+to\s+follow\b`), advice: adviceProcedure},
	{anchor: "bother", re: regexp.MustCompile(`\b(?:did\s+not|didn['’]t|never)\s+bother(?:ed)?\b`), advice: "it assumes bad faith; describe the competing demands or missing signals behind the decision, and " + adviceWhy},
	{anchor: "blame", re: regexp.MustCompile(`\b(?:is|are|was|were)\s+to\s+blame\b`), advice: "blame stops at a person; " + adviceWhy},
}

// metricWords after "user error" make it a measurement of errors users saw.
var metricWords = regexp.MustCompile(`^[\s-]+(?:rates?|counts?|budgets?|pages?|messages?|ratios?|metrics?|codes?|responses?|logs?|spikes?|volume)\b`)

// negations before a negatable phrase clear it.
var negations = []string{"not", "n't", "n’t", "never"}

// causeBefore are words that, followed by a person's name, make the person
// the cause: "caused by Jane", "because John …".
var causeBefore = []string{"caused by", "because of", "because", "due to", "blame", "blamed", "mistake by", "error by", "mistake of", "error of"}

// causeAfter are words that, after a person's name, make the person the
// cause: "Jane forgot to …", "John's mistake".
var causeAfter = []string{"'s fault", "’s fault", "'s mistake", "’s mistake", "'s error", "’s error", "'s oversight", "’s oversight", " forgot", " neglected", " failed to", " should have", " should've", " made a mistake", " made an error", " messed up", " screwed up", " caused", " broke "}

// commonWordNames are first names that are also everyday words; alone they
// are not matched, only as part of a full name.
var commonWordNames = []string{
	"will", "may", "june", "april", "august", "mark", "bill", "rose", "grace", "hope",
	"joy", "faith", "page", "chase", "art", "sky", "summer", "max", "jack", "frank",
	"pat", "sue", "ray", "dawn", "rich", "sandy", "amber", "ruby", "jade", "iris",
	"lily", "violet", "crystal", "miles", "wade", "gene", "guy", "dean", "duke",
	"earl", "king", "major", "rob", "don", "penny", "holly", "ivy", "rocky", "stone",
	"angel", "cash", "hunter", "sage", "river", "storm", "autumn", "misty", "jewel",
}

// peopleKeys are front-matter keys (outside the known fields) that list
// people.
var peopleKeys = regexp.MustCompile(`(?i)commander|responder|participant|people|on_?call|attendee|scribe|lead|author|engineer|contributor|facilitator`)

// people returns the names of the incident's people, with the first name of
// each full name, longest first so that "Jane Doe" is matched before "Jane".
func people(inc *postmortem.Incident) []string {
	var raw []string
	raw = append(raw, splitNames(inc.Owner)...)
	for _, r := range inc.Reviewers {
		raw = append(raw, splitNames(r)...)
	}
	for _, a := range inc.ActionItems {
		raw = append(raw, splitNames(a.Owner)...)
	}
	if inc.History != nil {
		for _, p := range inc.History.Contributors {
			raw = append(raw, p.Name)
		}
	}
	for k, v := range inc.Extra {
		if !peopleKeys.MatchString(k) {
			continue
		}
		switch x := v.(type) {
		case string:
			raw = append(raw, splitNames(x)...)
		case []any:
			for _, e := range x {
				if s, ok := e.(string); ok {
					raw = append(raw, splitNames(s)...)
				}
			}
		}
	}
	var names []string
	for _, n := range raw {
		n = strings.Join(strings.Fields(n), " ")
		if !personName(n) {
			continue
		}
		names = append(names, n)
		if first, _, ok := strings.Cut(n, " "); ok && len(first) >= 3 && !slices.Contains(commonWordNames, strings.ToLower(first)) {
			names = append(names, first)
		}
	}
	slices.SortFunc(names, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	return slices.Compact(names)
}

func splitNames(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '/' || r == '&' || r == '+' })
}

// personName reports whether s looks like a person's name as written in a
// people list: one to four capitalised words of letters, at least three
// letters long, and not a common word when it is one word alone.
func personName(s string) bool {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 4 || utf8.RuneCountInString(s) < 3 {
		return false
	}
	if len(words) == 1 && slices.Contains(commonWordNames, strings.ToLower(s)) {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return false
		}
		for _, c := range w {
			if !unicode.IsLetter(c) && c != '.' && c != '\'' && c != '’' && c != '-' {
				return false
			}
		}
	}
	return true
}

// blameHit is one phrase found in a text.
type blameHit struct {
	off    int // byte offset of the phrase in the text
	phrase string
	advice string
}

// blameless reports wording that stops the analysis at a person. It reads
// the body's prose: not fenced code, inline code, quotes or HTML comments.
// The prose lines are joined into one text so that each phrase's anchor is
// searched for once per file rather than once per line.
func (lc *checker) blameless(f *file) {
	var b strings.Builder
	b.Grow(len(f.inc.Body) + 1)
	starts := make([]int, len(f.lines))
	for i, l := range f.lines {
		starts[i] = b.Len()
		if !l.quote {
			b.WriteString(l.prose)
		}
		b.WriteByte('\n')
	}
	for _, h := range findBlame(b.String(), people(f.inc)) {
		i, _ := slices.BinarySearch(starts, h.off+1)
		l := f.lines[i-1]
		f.add(l.n, h.off-starts[i-1]+1, postmortem.LevelWarning, "blameless-language",
			fmt.Sprintf("%q: %s", h.phrase, h.advice))
	}
}

// findBlame returns the blaming phrases of a text, in order, never two
// overlapping. Phrases do not run across lines. names are the people who
// may not be named as a cause.
func findBlame(s string, names []string) []blameHit {
	lower := asciiLower(s)
	var hits []blameHit
	seen := func(start, end int) bool {
		return slices.ContainsFunc(hits, func(h blameHit) bool { return start < h.off+len(h.phrase) && h.off < end })
	}
	// Names and phrase anchors start words, so one pass over the word
	// starts finds them all; searching the text once per anchor and name
	// cost three times as much.
	var phrasesAt [256][]int
	for i, p := range blamePhrases {
		phrasesAt[p.anchor[0]] = append(phrasesAt[p.anchor[0]], i)
	}
	var namesAt [256][]string
	for _, n := range names {
		if n != "" {
			namesAt[n[0]] = append(namesAt[n[0]], n)
		}
	}
	for at := 0; at < len(s); at++ {
		ns, ps := namesAt[s[at]], phrasesAt[lower[at]]
		if ns == nil && ps == nil || at > 0 && wordByte(s, at) {
			continue
		}
		// People first, so that "Ahmed Khan's fault" is reported whole
		// rather than as "Khan's fault".
		if ns != nil {
			hits = named(s, lower, at, ns, hits, seen)
		}
		for _, pi := range ps {
			p := blamePhrases[pi]
			if !strings.HasPrefix(lower[at:], p.anchor) {
				continue
			}
			reach := window
			if p.short {
				reach = shortWindow
			}
			loc := matchAround(lower, at, len(p.anchor), reach, p.re)
			if loc == nil {
				continue
			}
			ls, le := lineBounds(lower, loc[0])
			if p.unless != nil && p.unless.MatchString(lower[loc[1]:le]) {
				continue
			}
			if p.negatable && negated(lower[ls:loc[0]]) {
				continue
			}
			if p.anchor == "fault" && selfless(lower[loc[0]:loc[1]]) {
				continue
			}
			if seen(loc[0], loc[1]) {
				continue
			}
			hits = append(hits, blameHit{loc[0], s[loc[0]:loc[1]], p.advice})
		}
	}
	slices.SortFunc(hits, func(a, b blameHit) int { return a.off - b.off })
	return hits
}

// named adds a hit when one of names starts at offset start and is named
// as the cause: "caused by Jane", "because John …", "Jane forgot".
func named(s, lower string, start int, names []string, hits []blameHit, seen func(int, int) bool) []blameHit {
	for _, n := range names {
		end := start + len(n)
		if !strings.HasPrefix(s[start:], n) || !wordEdge(s, start, end) || seen(start, end) {
			continue
		}
		ls, le := lineBounds(lower, start)
		before := strings.TrimRight(lower[ls:start], " \t")
		switch w, ok := endsWithAny(before, causeBefore); {
		case negated(strings.TrimSuffix(before, w)):
			// "It was not because Jane …", "not Jane's fault".
		case ok:
			from := ls + len(before) - len(w)
			hits = append(hits, blameHit{from, s[from:end], "it names a person as the cause; " + adviceWhy})
		default:
			if w, ok := startsWithAny(lower[end:le], causeAfter); ok {
				hits = append(hits, blameHit{start, strings.TrimRight(s[start:end+len(w)], " "), "it names a person as the cause; " + adviceWhy})
			}
		}
		break
	}
	return hits
}

// lineBounds returns the start and end offsets of the line holding offset i.
func lineBounds(s string, i int) (int, int) {
	ls := strings.LastIndexByte(s[:i], '\n') + 1
	le := strings.IndexByte(s[i:], '\n')
	if le < 0 {
		return ls, len(s)
	}
	return ls, i + le
}

// window is how far before and after its anchor a phrase may reach;
// shortWindow is enough for the one word before "error" or "mistake".
const (
	window      = 48
	shortWindow = 16
)

// matchAround runs re on a short window of s around the anchor at
// s[p:p+n], within its line and cut at spaces so that word boundaries hold,
// and returns the first match that covers the anchor, as offsets in s.
func matchAround(s string, p, n, reach int, re *regexp.Regexp) []int {
	from, to := lineBounds(s, p)
	if p-reach > from {
		if k := strings.LastIndexByte(s[from:p-reach], ' '); k >= 0 {
			from += k
		}
	}
	if p+n+reach < to {
		if k := strings.IndexByte(s[p+n+reach:to], ' '); k >= 0 {
			to = p + n + reach + k
		}
	}
	for _, m := range re.FindAllStringIndex(s[from:to], -1) {
		if m0, m1 := from+m[0], from+m[1]; m0 <= p && p < m1 {
			return []int{m0, m1}
		}
	}
	return nil
}

// negated reports whether the text before a phrase ends with a negation:
// "it was not", "wasn't anyone's".
func negated(before string) bool {
	words := strings.Fields(before)
	for k := len(words) - 1; k >= 0 && k >= len(words)-2; k-- {
		w := strings.Trim(words[k], ",.;:")
		for _, n := range negations {
			if w == n || (n == "n't" || n == "n’t") && strings.HasSuffix(w, n) {
				return true
			}
		}
	}
	return false
}

// selfless reports "nobody's fault" and its kind, which blame no one.
func selfless(phrase string) bool {
	for _, p := range []string{"nobody", "no one", "noone", "no-one", "anybody", "anyone", "one"} {
		if strings.HasPrefix(phrase, p+"'") || strings.HasPrefix(phrase, p+"’") {
			return true
		}
	}
	return false
}

// wordByte reports whether the rune before offset i is a letter or digit.
func wordByte(s string, i int) bool {
	if c := s[i-1]; c < utf8.RuneSelf {
		return isAlnum(c)
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// wordEdge reports whether s[start:end] is a whole word.
func wordEdge(s string, start, end int) bool {
	if start > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:start])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	if end < len(s) {
		r, _ := utf8.DecodeRuneInString(s[end:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

func endsWithAny(s string, words []string) (string, bool) {
	for _, w := range words {
		if strings.HasSuffix(s, w) && (len(s) == len(w) || !isAlnum(s[len(s)-len(w)-1])) {
			return w, true
		}
	}
	return "", false
}

func startsWithAny(s string, words []string) (string, bool) {
	for _, w := range words {
		if strings.HasPrefix(s, w) {
			rest := s[len(w):]
			if strings.HasSuffix(w, " ") || rest == "" || !isAlnum(rest[0]) {
				return w, true
			}
		}
	}
	return "", false
}
