package indexer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
)

// sectionFields maps a recognised section to the field its text goes to.
// Unrecognised sections go to body.
var sectionFields = map[postmortem.SectionKind]string{
	postmortem.SectionSummary:          search.FieldSummary,
	postmortem.SectionImpact:           search.FieldImpact,
	postmortem.SectionTimeline:         search.FieldTimeline,
	postmortem.SectionFactors:          search.FieldFactors,
	postmortem.SectionLessons:          search.FieldLessons,
	postmortem.SectionActionItems:      search.FieldActions,
	postmortem.SectionSupportingData:   search.FieldSupporting,
	postmortem.SectionResponseAnalysis: search.FieldResponse,
	postmortem.SectionPostAnalysis:     search.FieldAnalysis,
	postmortem.SectionOther:            search.FieldBody,
}

// document turns an incident into what the index holds of it.
func document(inc *postmortem.Incident, tr *postmortem.TextReader) *search.Document {
	d := &search.Document{
		ID: inc.ID, Title: inc.Title,
		Severity: inc.Severity, Status: inc.Status, Owner: inc.Owner,
		Reviewers: inc.Reviewers, Tags: inc.Tags, Services: inc.Services,
		Date: inc.Date, Started: inc.Started, Detected: inc.Detected, Mitigated: inc.Mitigated, Resolved: inc.Resolved,
		TTD: inc.Durations.Detect, TTM: inc.Durations.Mitigate, TTR: inc.Durations.Resolve,
	}
	if n, ok := number(inc.Impact["customers"]); ok {
		d.Customers = &n
	}
	var titles []string
	for _, a := range inc.ActionItems {
		if a.Status == postmortem.StatusOpen {
			d.ActionItemsOpen++
		}
		if a.Title != "" {
			titles = append(titles, a.Title)
		}
	}
	d.ActionItems = strings.Join(titles, "\n")

	texts := sectionTexts(inc, tr)
	// A summary written in the front matter is not in the body; one taken
	// from the Summary section already is.
	if _, fromFrontMatter := inc.FieldLines["summary"]; fromFrontMatter || texts[search.FieldSummary] == "" {
		texts[search.FieldSummary] = strings.TrimSpace(inc.Summary + "\n\n" + texts[search.FieldSummary])
	}
	if desc := impactText(inc.Impact); desc != "" {
		texts[search.FieldImpact] = strings.TrimSpace(desc + "\n\n" + texts[search.FieldImpact])
	}
	if texts[search.FieldTimeline] == "" && len(inc.Timeline) > 0 {
		var b strings.Builder
		for _, e := range inc.Timeline {
			b.WriteString(e.Text)
			b.WriteByte('\n')
		}
		texts[search.FieldTimeline] = strings.TrimSpace(b.String())
	}
	d.Text = texts
	return d
}

// sectionTexts returns the plain text of the body by field. Each part of
// the body belongs to its innermost heading, and goes to the field of the
// nearest enclosing recognised section: a "### Database" under
// "## Timeline" is timeline text, and a "# Title" wrapping every section
// keeps only the text before its first sub-heading.
func sectionTexts(inc *postmortem.Incident, tr *postmortem.TextReader) map[string]string {
	parts := map[string]*strings.Builder{}
	add := func(field, text string) {
		if field == search.FieldSummary {
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
	add(search.FieldBody, strings.Join(lines[:first], "\n"))
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
func fingerprint(fields map[string]any) (string, error) {
	data, err := json.Marshal(fields)
	if err != nil {
		return "", fmt.Errorf("fingerprint: %w", err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16]), nil
}
