package search

import (
	"fmt"
	"html"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	ansiBold  = "\x1b[1m"
	ansiReset = "\x1b[0m"
	// maxTitle and maxFragment bound a row to a readable width, in characters.
	maxTitle    = 72
	maxFragment = 110
)

// fragmentOrder is the order in which a hit's fragments are preferred for
// its one-line excerpt: the title is already on the row.
var fragmentOrder = []string{FieldSummary, FieldImpact, FieldFactors, FieldAnalysis, FieldLessons,
	FieldTimeline, FieldResponse, FieldActions, FieldSupporting, FieldBody}

// WriteTable prints a result for a terminal: one row per hit with its id,
// date, severity and title, then the best matching fragment indented below
// it, and a count. With color, matched terms are bold (ANSI); document text
// is stripped of control characters either way, so a postmortem cannot
// send escape sequences to the terminal.
func WriteTable(w io.Writer, res *Result, color bool) error {
	if len(res.Hits) == 0 {
		_, err := fmt.Fprintln(w, "no incidents match")
		return err
	}
	idW, sevW := len("ID"), len("SEV")
	for _, h := range res.Hits {
		idW = max(idW, utf8.RuneCountInString(clean(h.ID)))
		sevW = max(sevW, utf8.RuneCountInString(clean(h.Severity)))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %-10s  %s  %s\n", pad("ID", idW), "DATE", pad("SEV", sevW), "TITLE")
	indent := strings.Repeat(" ", idW+2+10+2+sevW+2)
	for _, h := range res.Hits {
		date := "-"
		if !h.Date.IsZero() {
			date = h.Date.Format("2006-01-02")
		}
		sev := h.Severity
		if sev == "" {
			sev = "-"
		}
		title := truncate(clean(h.Title), maxTitle)
		if frags := h.Fragments[FieldTitle]; color && len(frags) > 0 {
			title = terminalFragment(frags[0], true, maxTitle)
		}
		fmt.Fprintf(&b, "%s  %-10s  %s  %s\n", pad(clean(h.ID), idW), date, pad(clean(sev), sevW), title)
		if f := bestFragment(h); f != "" {
			fmt.Fprintf(&b, "%s%s\n", indent, terminalFragment(f, color, maxFragment))
		}
	}
	shown := fmt.Sprintf("%d", len(res.Hits))
	if uint64(len(res.Hits)) < res.Total {
		shown = fmt.Sprintf("%d of %d", len(res.Hits), res.Total)
	}
	noun := "incidents"
	if res.Total == 1 {
		noun = "incident"
	}
	fmt.Fprintf(&b, "%s %s\n", shown, noun)
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteFacets prints a result's facets, one line each: severity, tags,
// services, year.
func WriteFacets(w io.Writer, res *Result) error {
	var b strings.Builder
	for _, name := range []string{"severity", "tags", "services", "year"} {
		counts, ok := res.Facets[name]
		if !ok {
			continue
		}
		parts := make([]string, 0, len(counts))
		for _, c := range counts {
			parts = append(parts, fmt.Sprintf("%s (%d)", clean(c.Term), c.Count))
		}
		if len(parts) == 0 {
			parts = append(parts, "-")
		}
		fmt.Fprintf(&b, "%-9s %s\n", name+":", strings.Join(parts, "  "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func bestFragment(h Hit) string {
	for _, f := range fragmentOrder {
		if frags := h.Fragments[f]; len(frags) > 0 {
			return frags[0]
		}
	}
	return ""
}

// terminalFragment turns an HTML fragment from the html highlighter into
// one line of terminal text at most limit characters wide: entities
// decoded, control characters and line breaks made spaces, <mark> made
// bold when color is on, and the window moved so the first match shows.
func terminalFragment(frag string, color bool, limit int) string {
	type span struct {
		text   []rune
		marked bool
	}
	var spans []span
	total, firstMark := 0, -1
	marked := false
	for frag != "" {
		tag := "<mark>"
		if marked {
			tag = "</mark>"
		}
		seg, rest, found := strings.Cut(frag, tag)
		text := []rune(collapse(html.UnescapeString(seg)))
		if total == 0 {
			text = []rune(strings.TrimLeft(string(text), " "))
		}
		if marked && firstMark < 0 {
			firstMark = total
		}
		spans = append(spans, span{text, marked})
		total += len(text)
		frag = rest
		if !found {
			break
		}
		marked = !marked
	}
	from := 0
	if total > limit && firstMark > limit/4 {
		from = min(firstMark-limit/4, total-limit)
	}
	to := min(total, from+limit)
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
		from++
	}
	cut := to < total
	if cut {
		to--
	}
	pos := 0
	for _, sp := range spans {
		lo, hi := max(from-pos, 0), min(to-pos, len(sp.text))
		pos += len(sp.text)
		if lo >= hi {
			continue
		}
		if sp.marked && color {
			b.WriteString(ansiBold + string(sp.text[lo:hi]) + ansiReset)
		} else {
			b.WriteString(string(sp.text[lo:hi]))
		}
	}
	if cut {
		b.WriteString("…")
	}
	return strings.TrimRight(b.String(), " ")
}

// clean makes text one trimmed line of printable characters.
func clean(s string) string {
	return strings.TrimSpace(collapse(s))
}

// collapse turns each run of spaces, line breaks and control characters
// into one space.
func collapse(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		b.WriteRune(r)
		space = false
	}
	return b.String()
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return "…"
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " ") + "…"
}

func pad(s string, w int) string {
	if n := utf8.RuneCountInString(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}
