package revdiff

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// Amendment is what a revision after publication did to a postmortem.
type Amendment struct {
	// Substantive is true when the revision changed what the postmortem
	// says happened or will be done: the severity, a number or a time
	// (impact figures, durations, timeline times), the contributing
	// factors, or the list of action items. Otherwise it is editorial:
	// wording, typos, links, formatting.
	Substantive bool
	// Reasons say what made it substantive, one short phrase each
	// ("severity SEV3 → SEV2", "a number or time in Impact"); none for an
	// editorial one.
	Reasons []string
}

// Classify says whether a revision, given its diff and the front-matter
// fields it changed, is a substantive or an editorial amendment. The rule:
//
//   - a changed severity is substantive, and so is a changed field of
//     contributing factors (factors, contributing_factors, root_cause);
//   - a front-matter field whose numbers changed (impact figures, times,
//     durations) is substantive; other fields (title, tags, owner,
//     status, links) are editorial;
//   - in the text, any change to the contributing factors is substantive;
//   - an action item added or removed is substantive (an item reworded or
//     ticked is not);
//   - a number or time that changed anywhere in the text is substantive,
//     but digits inside a link's address do not count;
//   - a diff that could only be summarised by lines (Fallback) is
//     substantive, as nothing shows it is not;
//   - everything else (wording, typos, links, formatting) is editorial.
//
// d may be nil when the text was not compared; only the fields count
// then.
func Classify(d *Diff, fields []postmortem.FieldChange) Amendment {
	var a Amendment
	add := func(r string) {
		if !slices.Contains(a.Reasons, r) {
			a.Reasons = append(a.Reasons, r)
		}
	}
	for _, f := range fields {
		switch {
		case strings.EqualFold(f.Field, "severity"):
			add(fmt.Sprintf("severity %s → %s", orNone(f.From), orNone(f.To)))
		case factorField(f.Field):
			add("the contributing factors")
		case !slices.Equal(numbers(f.From), numbers(f.To)):
			add(fmt.Sprintf("%s %s → %s", f.Field, orNone(f.From), orNone(f.To)))
		}
	}
	if d != nil {
		if d.Fallback != "" && len(d.Sections) > 0 {
			add("too large a change to compare word by word")
		}
		for _, s := range d.Sections {
			if s.Key == KeyFrontMatter {
				continue // the fields above say what changed there
			}
			name := SectionName(s.Key, s.Heading)
			switch {
			case s.Key == string(postmortem.SectionFactors):
				add("the contributing factors")
			case s.Key == string(postmortem.SectionActionItems) && itemsAddedOrRemoved(s):
				add("an action item added or removed")
			}
			if numbersChanged(s) {
				add("a number or time in " + name)
			}
		}
	}
	a.Substantive = len(a.Reasons) > 0
	return a
}

// factorField reports whether a front-matter field lists contributing
// factors.
func factorField(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "factor") || strings.Contains(n, "root_cause") || strings.Contains(n, "root cause")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// linkTarget matches what numbers in a link's address would otherwise
// count: a bare URL, and the target of a Markdown link.
var linkTarget = regexp.MustCompile(`\]\([^)]*\)|<?[a-zA-Z][a-zA-Z0-9+.-]*://[^\s)>]+>?`)

// numbers returns the runs of digits of s, outside link addresses, in
// order.
func numbers(s string) []string {
	s = linkTarget.ReplaceAllString(s, " ")
	var out []string
	for i := 0; i < len(s); {
		if s[i] < '0' || s[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

// numbersChanged reports whether the lines a section lost hold other
// numbers than those it gained, hunk by hunk, in any order: a line moved
// with its numbers changes none.
func numbersChanged(s Section) bool {
	for _, h := range s.Hunks {
		var del, ins []string
		for _, l := range h.Lines {
			switch l.Op {
			case Delete:
				del = append(del, numbers(l.Text)...)
			case Insert:
				ins = append(ins, numbers(l.Text)...)
			}
		}
		slices.Sort(del)
		slices.Sort(ins)
		if !slices.Equal(del, ins) {
			return true
		}
	}
	return false
}

// itemLine matches a list item or a table row, the shapes action items
// are written in; a table's separator row is not one.
var itemLine = regexp.MustCompile(`^\s*(?:[-*+]|\d+[.)])\s+\S|^\s*\|.*[^|\s:-].*\|\s*$`)

// itemsAddedOrRemoved reports whether a section gained or lost an item:
// more item lines added than removed or the other way, or an item line
// replaced by one that shares no word with it.
func itemsAddedOrRemoved(s Section) bool {
	for _, h := range s.Hunks {
		del, ins := 0, 0
		for _, l := range h.Lines {
			if !itemLine.MatchString(l.Text) {
				continue
			}
			switch {
			case l.Op == Delete && l.Words == nil:
				del++
			case l.Op == Insert && l.Words == nil:
				ins++
			case l.Op != Equal && !keepsWords(l):
				return true
			}
		}
		if del > 0 || ins > 0 {
			return true
		}
	}
	return false
}

// keepsWords reports whether a word-diffed line kept at least one word of
// the line it was compared with.
func keepsWords(l Line) bool {
	for _, s := range l.Words {
		if s.Op == Equal && words(s.Text) > 0 {
			return true
		}
	}
	return false
}
