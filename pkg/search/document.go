package search

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// sectionFields maps a recognised section to the field its text goes to.
// Unrecognised sections go to body.
var sectionFields = map[postmortem.SectionKind]string{
	postmortem.SectionSummary:          FieldSummary,
	postmortem.SectionImpact:           FieldImpact,
	postmortem.SectionTimeline:         FieldTimeline,
	postmortem.SectionFactors:          FieldFactors,
	postmortem.SectionLessons:          FieldLessons,
	postmortem.SectionActionItems:      FieldActions,
	postmortem.SectionSupportingData:   FieldSupporting,
	postmortem.SectionResponseAnalysis: FieldResponse,
	postmortem.SectionPostAnalysis:     FieldAnalysis,
	postmortem.SectionOther:            FieldBody,
}

// document turns an incident into the value Bleve maps with NewMapping.
// Absent values are left out, so that range queries and sorting treat them
// as missing rather than as zero.
func document(inc *postmortem.Incident, tr *postmortem.TextReader) map[string]any {
	d := map[string]any{FieldID: inc.ID, FieldTitle: clipWords(inc.Title)}
	setStr := func(k, v string) {
		if v != "" {
			d[k] = clipWords(v)
		}
	}
	setList := func(k string, v []string) {
		if len(v) > 0 {
			out := make([]string, len(v))
			for i, s := range v {
				out[i] = clipWords(s)
			}
			d[k] = out
		}
	}
	setTime := func(k string, t time.Time) {
		if !t.IsZero() {
			d[k] = t.UTC()
		}
	}
	setMinutes := func(k string, v time.Duration) {
		if v > 0 {
			d[k] = v.Minutes()
		}
	}
	setStr(FieldSeverity, inc.Severity)
	setStr(facetSeverity, inc.Severity)
	setStr(FieldStatus, inc.Status)
	setStr(FieldOwner, inc.Owner)
	setList(FieldReviewers, inc.Reviewers)
	setList(FieldTags, inc.Tags)
	setList(facetTags, inc.Tags)
	setList(FieldServices, inc.Services)
	setList(facetServices, inc.Services)
	setTime(FieldDate, inc.Date)
	if !inc.Date.IsZero() {
		d[FieldYear] = strconv.Itoa(inc.Date.Year())
	}
	setTime(FieldStarted, inc.Started)
	setTime(FieldDetected, inc.Detected)
	setTime(FieldMitigated, inc.Mitigated)
	setTime(FieldResolved, inc.Resolved)
	setMinutes(FieldTTD, inc.Durations.Detect)
	setMinutes(FieldTTM, inc.Durations.Mitigate)
	setMinutes(FieldTTR, inc.Durations.Resolve)
	if n, ok := number(inc.Impact["customers"]); ok {
		d[FieldCustomers] = n
	}
	open := 0
	var titles []string
	for _, a := range inc.ActionItems {
		if a.Status == postmortem.StatusOpen {
			open++
		}
		if a.Title != "" {
			titles = append(titles, a.Title)
		}
	}
	d[FieldActionItemsOpen] = float64(open)
	if len(titles) > 0 {
		d[FieldActionItems] = strings.Join(titles, "\n")
	}

	texts := sectionTexts(inc, tr)
	// A summary written in the front matter is not in the body; one taken
	// from the Summary section already is.
	if _, fromFrontMatter := inc.FieldLines["summary"]; fromFrontMatter || texts[FieldSummary] == "" {
		texts[FieldSummary] = strings.TrimSpace(inc.Summary + "\n\n" + texts[FieldSummary])
	}
	if desc := impactText(inc.Impact); desc != "" {
		texts[FieldImpact] = strings.TrimSpace(desc + "\n\n" + texts[FieldImpact])
	}
	if texts[FieldTimeline] == "" && len(inc.Timeline) > 0 {
		var b strings.Builder
		for _, e := range inc.Timeline {
			b.WriteString(e.Text)
			b.WriteByte('\n')
		}
		texts[FieldTimeline] = strings.TrimSpace(b.String())
	}
	for k, v := range texts {
		setStr(k, v)
	}
	return d
}

// maxWord is the longest run of characters without a space that is
// indexed: Bleve's term dictionary takes seconds and a gigabyte for one
// word of megabytes (a 4 MB line of one word took 11 s and 1.2 GB), and
// no one searches for the 257th byte of a word.
const maxWord = 256

// clipWords returns s with every run of non-space characters longer than
// maxWord bytes cut to its first maxWord bytes (on a character boundary).
func clipWords(s string) string {
	if len(s) <= maxWord {
		return s
	}
	run, long := 0, false
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r' {
			run = 0
		} else if run++; run > maxWord {
			long = true
			break
		}
	}
	if !long {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r' {
			continue
		}
		w := s[start:i]
		if len(w) > maxWord {
			cut := maxWord
			for cut > 0 && !utf8.RuneStart(w[cut]) {
				cut--
			}
			w = w[:cut]
		}
		b.WriteString(w)
		if i < len(s) {
			b.WriteByte(s[i])
		}
		start = i + 1
	}
	return b.String()
}

// sectionTexts returns the plain text of the body by field. Each part of
// the body belongs to its innermost heading, and goes to the field of the
// nearest enclosing recognised section: a "### Database" under
// "## Timeline" is timeline text, and a "# Title" wrapping every section
// keeps only the text before its first sub-heading.
func sectionTexts(inc *postmortem.Incident, tr *postmortem.TextReader) map[string]string {
	parts := map[string]*strings.Builder{}
	add := func(field, text string) {
		if field == FieldSummary {
			// Search results show the summary: plain text as the pages
			// show it, read by goldmark (short, so cheap to parse).
			text = tr.PlainText(text)
		} else {
			text = plainText(text)
		}
		if text == "" {
			return
		}
		b := parts[field]
		if b == nil {
			b = &strings.Builder{}
			parts[field] = b
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(text)
	}
	lines := strings.Split(string(inc.Body), "\n")
	if !sectionLinesOK(inc, len(lines)) {
		// Not a parser-made incident: fall back to each section's own text,
		// which repeats nested sections but loses nothing.
		for _, s := range inc.Sections {
			add(sectionFields[s.Kind], s.Text)
		}
		return collect(parts)
	}
	first := len(lines)
	if len(inc.Sections) > 0 {
		first = inc.Sections[0].Line - inc.BodyLine
	}
	add(FieldBody, strings.Join(lines[:first], "\n"))
	type open struct {
		level int
		kind  postmortem.SectionKind
	}
	var stack []open
	for i, s := range inc.Sections {
		for len(stack) > 0 && stack[len(stack)-1].level >= s.Level {
			stack = stack[:len(stack)-1]
		}
		kind := s.Kind
		if kind == postmortem.SectionOther && len(stack) > 0 {
			kind = stack[len(stack)-1].kind
		}
		stack = append(stack, open{s.Level, kind})
		start := s.Line - inc.BodyLine + 1
		end := len(lines)
		if i+1 < len(inc.Sections) {
			end = inc.Sections[i+1].Line - inc.BodyLine
		}
		text := strings.Join(lines[start:end], "\n")
		if s.Kind == postmortem.SectionOther {
			// An unrecognised heading is content ("### Database failover").
			text = s.Heading + "\n" + text
		}
		add(sectionFields[kind], text)
	}
	return collect(parts)
}

// sectionLinesOK reports whether the sections' lines index the body's
// lines in order, as the parser makes them.
func sectionLinesOK(inc *postmortem.Incident, n int) bool {
	if len(inc.Body) == 0 && len(inc.Sections) > 0 {
		return false
	}
	prev := -1
	for _, s := range inc.Sections {
		l := s.Line - inc.BodyLine
		if l <= prev || l >= n {
			return false
		}
		prev = l
	}
	return true
}

func collect(parts map[string]*strings.Builder) map[string]string {
	out := make(map[string]string, len(parts))
	for k, b := range parts {
		out[k] = b.String()
	}
	return out
}

var (
	mdImageOrLinkRE = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	htmlCommentRE   = regexp.MustCompile(`(?s)<!--.*?-->`)
)

// plainText strips the Markdown that would only clutter fragments: HTML
// comments (template hints), link targets, emphasis and code markers, code
// fence lines, table rules and underlines. Words stay where they are.
func plainText(md string) string {
	if strings.Contains(md, "<!--") {
		md = htmlCommentRE.ReplaceAllString(md, "")
	}
	if strings.Contains(md, "](") {
		md = mdImageOrLinkRE.ReplaceAllString(md, "$1")
	}
	var b strings.Builder
	b.Grow(len(md))
	blank := true
	for line := range strings.Lines(md) {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") || strings.Trim(t, "-=*_|: ") == "" {
			if !blank {
				b.WriteByte('\n')
				blank = true
			}
			continue
		}
		t = strings.TrimSpace(strings.Trim(t, "|"))
		if utf8.ValidString(t) {
			// Copy the runs between markers whole: for valid UTF-8 that
			// is what writing rune by rune gives.
			for {
				i := strings.IndexAny(t, "*`")
				if i < 0 {
					b.WriteString(t)
					break
				}
				b.WriteString(t[:i])
				t = t[i+1:]
			}
		} else {
			for _, r := range t {
				if r != '*' && r != '`' {
					b.WriteRune(r)
				}
			}
		}
		b.WriteByte('\n')
		blank = false
	}
	return strings.TrimSpace(b.String())
}

// impactText returns the prose of the impact map, such as its description.
func impactText(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if _, ok := v.(string); ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		if s := strings.TrimSpace(m[k].(string)); s != "" {
			if _, isNum := number(s); !isNum {
				parts = append(parts, s)
			}
		}
	}
	return strings.Join(parts, "\n")
}

// number reads a count written as a number or as digits ("1,200").
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(x), ",", ""), 64)
		return f, err == nil
	}
	return 0, false
}

// fingerprint identifies what an incident puts in the index: two incidents
// with the same fingerprint index identically. JSON encodes maps with
// sorted keys, so it is stable.
func fingerprint(doc map[string]any) (string, error) {
	data, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("fingerprint: %w", err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16]), nil
}
