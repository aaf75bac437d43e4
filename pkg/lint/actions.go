package lint

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// actionItems checks every action item for its owner, due date and tracker
// link (action-item-fields), for being overdue (action-item-overdue) and
// for being vague (vague-action-item).
func (lc *checker) actionItems(f *file) {
	fields, overdue, vagueness := lc.on(f, "action-item-fields"), lc.on(f, "action-item-overdue"), lc.on(f, "vague-action-item")
	for _, a := range f.inc.ActionItems {
		title := shorten(a.Title, 60)
		col := titleCol(f, a)
		var missing []string
		if strings.TrimSpace(a.Owner) == "" {
			missing = append(missing, "no owner")
		}
		if a.Due.IsZero() && a.Status != postmortem.StatusDone {
			missing = append(missing, "no due date")
		}
		if strings.TrimSpace(a.Link) == "" && strings.TrimSpace(a.Ticket) == "" {
			// A ticket reference ("ABC-123", "bug 1234567") tracks the
			// item as a link does.
			missing = append(missing, "no tracker link")
		}
		if fields && len(missing) > 0 {
			f.add(a.Line, col, postmortem.LevelWarning, "action-item-fields",
				fmt.Sprintf("action item %q has %s; give every action item an owner, a due date and a link to its ticket", title, joinAnd(missing, "and")))
		}
		if overdue && a.Overdue(lc.opts.Now) {
			days := int(lc.opts.Now.Truncate(24*time.Hour).Sub(a.Due).Hours() / 24)
			f.add(a.Line, col, postmortem.LevelWarning, "action-item-overdue",
				fmt.Sprintf("action item %q was due %s (%s ago) and is still open; finish it and mark it done, or move the due date and say why in the ticket", title, a.Due.Format("2006-01-02"), plural(days, "day")))
		}
		if !vagueness {
			continue
		}
		if v, ok := vague(a.Title, f.inc.Services); ok {
			vc := col
			if l := lineAt(f.lines, a.Line); l != nil && a.Line >= f.inc.BodyLine {
				if i := strings.Index(asciiLower(l.text), v.phrase); i >= 0 {
					vc = i + 1
				}
			}
			f.add(a.Line, vc, postmortem.LevelWarning, "vague-action-item", v.message(title))
		}
	}
}

// titleCol returns the column of an action item's title in its body line,
// or 0 when the item was written in the front matter or cannot be found.
func titleCol(f *file, a postmortem.ActionItem) int {
	l := lineAt(f.lines, a.Line)
	if l == nil || a.Line < f.inc.BodyLine || a.Title == "" {
		return 0
	}
	probe := a.Title
	if len(probe) > 24 {
		probe = probe[:24]
	}
	if i := strings.Index(l.text, probe); i >= 0 {
		return i + 1
	}
	return 0
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// shorten cuts s to at most n runes, marking the cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// vagueness is why an action item title is vague.
type vagueness struct {
	// phrase is the vague words as matched in the lower-cased title.
	phrase string
	kind   vagueKind
}

type vagueKind int

const (
	// exhortation asks people to behave better: vague however concrete the
	// rest of the title is.
	exhortation vagueKind = iota
	// vaguePhrase is a phrase that names no change, in a title that names
	// nothing concrete either.
	vaguePhrase
	// shortVague is a very short title starting with a vague verb.
	shortVague
	// placeholder is a title that is not written yet.
	placeholder
)

func (v vagueness) message(title string) string {
	const fix = "say what will change and how you will know it is done, naming the service, file, command or number (\"Alert when checkout-api p99 > 800 ms for 5 min\", not \"Improve monitoring\")"
	switch v.kind {
	case exhortation:
		return fmt.Sprintf("action item %q asks people to %s instead of changing the system; replace it with a change that makes the mistake hard to make or easy to catch (a guard, a check, an automation)", title, v.phrase)
	case placeholder:
		return fmt.Sprintf("action item %q is a placeholder; %s", title, fix)
	case shortVague:
		return fmt.Sprintf("action item %q is vague: %q with no concrete object; %s", title, v.phrase, fix)
	}
	return fmt.Sprintf("action item %q is vague: %q names no concrete change; %s", title, v.phrase, fix)
}

// titlePhrase is a pattern in a lower-cased title, run only when the title
// contains one of its anchors.
type titlePhrase struct {
	anchors []string
	re      *regexp.Regexp
}

func (p titlePhrase) find(lower string) []int {
	if !slices.ContainsFunc(p.anchors, func(a string) bool { return strings.Contains(lower, a) }) {
		return nil
	}
	return p.re.FindStringIndex(lower)
}

func phrase(re string, anchors ...string) titlePhrase {
	return titlePhrase{anchors, regexp.MustCompile(re)}
}

// exhortations are vague however the title goes on: they ask people to try
// harder.
var exhortations = []titlePhrase{
	phrase(`\bbe\s+(?:more\s+|extra\s+|very\s+)?(?:careful|vigilant|cautious|diligent|attentive|thorough|proactive)\b`, "careful", "vigilant", "cautious", "diligent", "attentive", "thorough", "proactive"),
	phrase(`\b(?:take|exercise|use)\s+(?:more\s+|extra\s+|greater\s+)?care\b`, "care"),
	phrase(`\bpay\s+(?:more\s+|closer\s+|better\s+)?attention\b`, "attention"),
	phrase(`\bcommunicate\s+(?:better|more(?:\s+clearly)?|clearly)\b`, "communicate"),
	phrase(`\b(?:raise|increase|build|spread|improve)\s+awareness\b`, "awareness"),
	phrase(`\bremind\s+(?:everyone|everybody|people|engineers|developers|staff|the\s+team|teams|on-?call)\b`, "remind"),
	phrase(`\btry\s+harder\b`, "harder"),
	phrase(`\bdon'?t\s+(?:do\s+(?:this|that|it)|let\s+(?:this|it)\s+happen)\s+again\b`, "again"),
	phrase(`\b(?:make\s+sure|ensure)\s+(?:this|it|that)\s+(?:doesn'?t|does\s+not|won'?t|will\s+not|never)\s+happens?\s+again\b`, "again"),
	phrase(`\bavoid\s+(?:this|similar\s+incidents|such\s+(?:incidents|issues|mistakes))\s+in\s+(?:the\s+)?future\b`, "future"),
	phrase(`\blearn\s+from\s+(?:this|the\s+incident|our\s+mistakes)\b`, "learn"),
}

// vaguePhrases name no change unless the title also names something
// concrete.
var vaguePhrases = []titlePhrase{
	phrase(`\b(?:improve|update|better|more|enhance|review|write|add)\s+(?:the\s+|our\s+)?(?:documentation|docs)\b`, "doc"),
	phrase(`\b(?:create|add|provide|do|run|hold|schedule|conduct|offer|improve|more|better)\s+(?:more\s+|additional\s+|better\s+|some\s+)?trainings?\b`, "training"),
	phrase(`\btrain\s+(?:the\s+)?(?:team|teams|engineers|people|staff|everyone|on-?call)\b`, "train"),
	phrase(`\binvestigate\b`, "investigate"),
	phrase(`\blook\s+into\b`, "look"),
	phrase(`\bfollow[- ]?up\b`, "follow"),
	phrase(`\bdig\s+into\b`, "dig"),
	phrase(`\bfigure\s+out\b`, "figure"),
	phrase(`\bthink\s+about\b`, "think"),
	phrase(`\breview\s+(?:the\s+|our\s+|all\s+)?(?:process|processes|procedures?|practices|policy|policies|playbooks?|runbooks?)\b`, "review"),
	phrase(`\bprocess\s+review\b`, "review"),
	phrase(`\bmonitor\s+(?:more|better|closely|carefully|it)\b`, "monitor"),
	phrase(`\b(?:add|more|better|improve|improved|increase|enhance|additional|extra)\s+(?:more\s+|better\s+)?(?:monitoring|alerting|alerts|observability|logging|logs|metrics|dashboards|visibility|tests|testing|test\s+coverage)\b`,
		"monitoring", "alert", "observability", "logging", "logs", "metrics", "dashboards", "visibility", "test"),
	phrase(`\bimprove\s+(?:team\s+|the\s+|our\s+)?(?:communication|process|processes|reliability|resilience|stability)\b`, "improve"),
	phrase(`\bdouble[- ]check\b`, "double"),
}

// vagueVerbs start titles that are vague when they are very short and name
// nothing concrete: "Fix alerting", "Review thresholds".
var vagueVerbs = []string{
	"improve", "review", "investigate", "check", "monitor", "look", "follow", "discuss",
	"consider", "evaluate", "explore", "revisit", "assess", "analyze", "analyse",
	"understand", "research", "document", "update", "fix", "clean", "audit", "revise",
	"rethink", "enhance", "increase", "optimize", "optimise", "streamline", "ensure",
	"verify", "validate", "examine", "align", "clarify", "address", "handle", "refine",
	"tune", "harden", "sync", "communicate", "educate", "train",
}

// fillerWords do not count towards a title's length.
var fillerWords = []string{
	"a", "an", "the", "our", "all", "more", "better", "some", "any", "this", "that",
	"these", "those", "it", "its", "of", "for", "to", "and", "or", "on", "in", "with",
	"up", "into", "around", "about", "as", "be", "we", "us", "again", "further", "future",
}

// placeholderTitles are action items not written yet.
var placeholderTitles = []string{"tbd", "todo", "to do", "tbc", "n/a", "-", "?", "...", "…", "wip", "fix", "fix it", "action item"}

// notIdentifiers are hyphenated or dotted English words that do not name a
// service, file or setting.
var notIdentifiers = []string{
	"follow-up", "follow-ups", "on-call", "post-mortem", "post-mortems", "post-incident",
	"re-run", "e-mail", "long-term", "short-term", "real-time", "end-to-end", "cross-team",
	"in-depth", "up-to-date", "day-to-day", "well-known", "self-service", "self-serve",
	"opt-in", "opt-out", "sign-off", "roll-out", "roll-back", "hand-off", "check-in",
	"set-up", "follow-through", "best-practice", "best-practices", "run-book", "e.g", "i.e",
	"etc", "and/or", "w/o", "n/a", "non-prod", "pre-prod", "high-level", "low-level",
	"double-check", "company-wide", "team-wide", "org-wide", "as-is", "one-off",
}

var identifierPrefixes = []string{"re-", "de-", "pre-", "non-", "co-", "self-", "cross-", "post-", "multi-", "anti-", "semi-", "sub-", "over-", "under-", "well-", "long-", "short-", "high-", "low-", "full-", "half-", "mid-", "all-"}

var (
	linkRE    = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	urlRE     = regexp.MustCompile(`https?://\S+`)
	ticketRE  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*-\d+$|^#\d+$`)
	quotedRE  = regexp.MustCompile(`(?:^|\s)["“‘'][^"”’']{2,}["”’']`)
	checkbox  = regexp.MustCompile(`^\[[ xX]\]\s*`)
	emphasisR = strings.NewReplacer("**", "", "__", "", "~~", "")
)

// plainTitle reduces an action item title to its words: no checkbox, no
// emphasis, links replaced by their text (ticket links dropped: a ticket
// tracks a change, it does not describe one) and URLs dropped.
func plainTitle(title string) string {
	t := strings.TrimSpace(title)
	if strings.HasPrefix(t, "[") {
		t = checkbox.ReplaceAllString(t, "")
	}
	if strings.Contains(t, "](") {
		t = linkRE.ReplaceAllStringFunc(t, func(m string) string {
			text := linkRE.FindStringSubmatch(m)[1]
			if ticketRE.MatchString(strings.TrimSpace(text)) {
				return ""
			}
			return text
		})
	}
	if strings.Contains(t, "://") {
		t = urlRE.ReplaceAllString(t, "")
	}
	if strings.ContainsAny(t, "*_~") {
		t = emphasisR.Replace(t)
	}
	return strings.TrimSpace(t)
}

// vague reports whether an action item title names no concrete change,
// and why. services are the incident's services, which count as concrete.
func vague(title string, services []string) (vagueness, bool) {
	plain := plainTitle(title)
	lower := asciiLower(plain)
	if slices.Contains(placeholderTitles, strings.Trim(lower, " .:!")) {
		return vagueness{phrase: strings.Trim(lower, " .:!"), kind: placeholder}, true
	}
	for _, p := range exhortations {
		if loc := p.find(lower); loc != nil {
			return vagueness{phrase: lower[loc[0]:loc[1]], kind: exhortation}, true
		}
	}
	if concrete(plain, services) {
		return vagueness{}, false
	}
	for _, p := range vaguePhrases {
		if loc := p.find(lower); loc != nil {
			return vagueness{phrase: lower[loc[0]:loc[1]], kind: vaguePhrase}, true
		}
	}
	words := strings.FieldsFunc(lower, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(",;:!?()", r) })
	var content []string
	for _, w := range words {
		if !slices.Contains(fillerWords, strings.Trim(w, ".")) {
			content = append(content, w)
		}
	}
	if len(words) > 0 && len(content) <= 3 && slices.Contains(vagueVerbs, strings.Trim(words[0], ".")) {
		return vagueness{phrase: words[0], kind: shortVague}, true
	}
	return vagueness{}, false
}

// concrete reports whether a title names something specific: a number, a
// code span, a quoted name, a service, or an identifier such as a file,
// path, host, setting or CamelCase name.
func concrete(plain string, services []string) bool {
	if strings.ContainsAny(plain, "0123456789`") || strings.ContainsAny(plain, `"“‘'`) && quotedRE.MatchString(plain) {
		return true
	}
	lower := asciiLower(plain)
	for _, s := range services {
		if s = asciiLower(strings.TrimSpace(s)); s != "" && containsWord(lower, s) {
			return true
		}
	}
	for _, tok := range strings.Fields(plain) {
		tok = strings.Trim(tok, ",.;:!?()[]{}\"'“”‘’")
		if isIdentifier(tok) {
			return true
		}
	}
	return false
}

// isIdentifier reports whether a word looks like a name in a system rather
// than English: checkout-api, max_connections, nginx.conf, db/primary,
// PgBouncer.
func isIdentifier(tok string) bool {
	if tok == "" {
		return false
	}
	lt := asciiLower(tok)
	if slices.Contains(notIdentifiers, lt) {
		return false
	}
	for i := 1; i < len(tok)-1; i++ {
		if strings.IndexByte("-_./:", tok[i]) >= 0 && isAlnum(tok[i-1]) && isAlnum(tok[i+1]) {
			if tok[i] == '-' && slices.ContainsFunc(identifierPrefixes, func(p string) bool { return strings.HasPrefix(lt, p) && strings.Count(lt, "-") == 1 }) {
				continue
			}
			return true
		}
	}
	// CamelCase inside the word: a lower-case letter followed by an
	// upper-case one.
	for i := 1; i < len(tok); i++ {
		if 'a' <= tok[i-1] && tok[i-1] <= 'z' && 'A' <= tok[i] && tok[i] <= 'Z' {
			return true
		}
	}
	return false
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// containsWord reports whether s contains w with no letter or digit on
// either side.
func containsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		before := j == 0 || !isAlnum(s[j-1])
		after := j+len(w) == len(s) || !isAlnum(s[j+len(w)])
		if before && after {
			return true
		}
		i = j + 1
	}
}
