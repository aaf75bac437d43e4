package postmortem

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Header names (lower case) that map a table column to an action-item field.
var actionColumns = map[string]string{
	"item": "title", "action": "title", "action item": "title", "action items": "title", "title": "title",
	"description": "title", "task": "title", "what": "title", "summary": "title", "follow-up": "title", "name": "title",
	"owner": "owner", "assignee": "owner", "who": "owner", "responsible": "owner", "owners": "owner", "assigned to": "owner",
	"due": "due", "due date": "due", "deadline": "due", "by": "due", "target date": "due", "eta": "due", "when": "due", "by when": "due",
	"priority": "priority", "prio": "priority", "p": "priority", "importance": "priority",
	"status": "status", "state": "status", "done": "status", "progress": "status",
	"link": "link", "ticket": "link", "issue": "link", "tracker": "link", "bug": "link", "jira": "link",
	"url": "link", "tracking": "link", "tracking bug": "link", "tracking issue": "link", "reference": "link",
	"type": "kind", "kind": "kind",
}

var (
	mdLinkRE    = regexp.MustCompile(`\[([^\]]*)\]\(([^)\s]+)[^)]*\)`)
	bareURLRE   = regexp.MustCompile(`https?://[^\s)>\]]+`)
	isoDateRE   = regexp.MustCompile(`\b(\d{4})[-/](\d{1,2})[-/](\d{1,2})\b`)
	priorityRE  = regexp.MustCompile(`(?i)^(?:priority:?\s*)?(p[0-4]|critical|high|medium|low|urgent)$`)
	dueWordRE   = regexp.MustCompile(`(?i)^(?:due|by|deadline)[: ]\s*`)
	ownerWordRE = regexp.MustCompile(`(?i)^(?:owner|assignee|who)[: ]\s*`)
	statusRE    = regexp.MustCompile(`(?i)^(?:status:?\s*)?(open|done|closed|completed|complete|fixed|resolved|in progress|in-progress|todo|to do|wontfix|won't fix|✅|✔)$`)
	checkboxRE  = regexp.MustCompile(`^\[([ xX])\]\s*`)
	listItemRE  = regexp.MustCompile(`^(?:[-*+]|\d{1,9}[.)])\s+`)
)

// parseDate parses a civil date in the usual ISO forms. It returns a problem
// message for an impossible date such as 2024-02-30.
func parseDate(s string) (time.Time, string) {
	m := isoDateRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Sprintf("%q is not a date (want YYYY-MM-DD)", s)
	}
	norm := fmt.Sprintf("%s-%02s-%02s", m[1], pad2(m[2]), pad2(m[3]))
	t, err := time.Parse("2006-01-02", norm)
	if err != nil {
		return time.Time{}, fmt.Sprintf("%q is not a valid date", s)
	}
	return t, ""
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// normalizeStatus maps the many ways of saying done to "done", else "open".
func normalizeStatus(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "done", "closed", "completed", "complete", "fixed", "resolved", "x", "yes", "true", "✅", "✔", "wontfix", "won't fix":
		return StatusDone
	}
	return StatusOpen
}

type problem struct {
	line int
	msg  string
}

// ParseActionItems extracts action items from the Markdown of an Action
// Items section: GFM tables (columns matched by header name) and list
// items. firstLine is the file line of the text's first line.
func ParseActionItems(text string, firstLine int) ([]ActionItem, []Finding) {
	var items []ActionItem
	var probs []problem
	lines := strings.Split(text, "\n")
	inFence := false
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
			continue
		}
		if inFence || t == "" {
			continue
		}
		if strings.HasPrefix(t, "|") && i+1 < len(lines) && isTableSep(lines[i+1]) {
			cols := mapColumns(splitRow(t))
			j := i + 2
			for ; j < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[j]), "|"); j++ {
				cells := splitRow(strings.TrimSpace(lines[j]))
				it, ps := itemFromCells(cols, cells, firstLine+j)
				probs = append(probs, ps...)
				if it.Title != "" {
					items = append(items, it)
				}
			}
			i = j - 1
			continue
		}
		if loc := listItemRE.FindStringIndex(t); loc != nil {
			item := t[loc[1]:]
			// Fold indented continuation lines into the item.
			for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "  ") && strings.TrimSpace(lines[i+1]) != "" &&
				!listItemRE.MatchString(strings.TrimSpace(lines[i+1])) {
				i++
				item += " " + strings.TrimSpace(lines[i])
			}
			it, ps := parseActionLine(item, firstLine+i)
			probs = append(probs, ps...)
			if it.Title != "" {
				items = append(items, it)
			}
		}
	}
	return items, toFindings(probs)
}

func toFindings(ps []problem) []Finding {
	var fs []Finding
	for _, p := range ps {
		fs = append(fs, Finding{Line: p.line, Level: LevelError, Rule: "action-items", Message: p.msg})
	}
	return fs
}

func isTableSep(l string) bool {
	t := strings.TrimSpace(l)
	if !strings.HasPrefix(t, "|") && !strings.Contains(t, "|") {
		return false
	}
	return strings.Trim(t, "|-: \t") == "" && strings.Contains(t, "-")
}

// splitRow splits a GFM table row into trimmed cells, honouring \| escapes
// and pipes inside code spans.
func splitRow(row string) []string {
	row = strings.TrimSpace(row)
	row = strings.TrimPrefix(row, "|")
	if strings.HasSuffix(row, "|") && !strings.HasSuffix(row, `\|`) {
		row = row[:len(row)-1]
	}
	var cells []string
	var b strings.Builder
	inCode := false
	for i := 0; i < len(row); i++ {
		c := row[i]
		switch {
		case c == '\\' && i+1 < len(row) && row[i+1] == '|':
			b.WriteByte('|')
			i++
		case c == '`':
			inCode = !inCode
			b.WriteByte(c)
		case c == '|' && !inCode:
			cells = append(cells, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return append(cells, strings.TrimSpace(b.String()))
}

func mapColumns(header []string) []string {
	cols := make([]string, len(header))
	hasTitle := false
	for i, h := range header {
		k := strings.ToLower(strings.Trim(strings.TrimSpace(h), "*_ "))
		if i := strings.IndexByte(k, '('); i > 0 {
			k = strings.TrimSpace(k[:i])
		}
		cols[i] = actionColumns[k]
		hasTitle = hasTitle || cols[i] == "title"
	}
	if !hasTitle {
		for i := range cols {
			if cols[i] == "" {
				cols[i] = "title"
				break
			}
		}
	}
	return cols
}

func itemFromCells(cols, cells []string, line int) (ActionItem, []problem) {
	it := ActionItem{Status: StatusOpen, Line: line}
	var probs []problem
	for i, c := range cells {
		if i >= len(cols) || c == "" {
			continue
		}
		switch cols[i] {
		case "title":
			if m := checkboxRE.FindStringSubmatch(c); m != nil {
				c = c[len(m[0]):]
				if m[1] != " " {
					it.Status = StatusDone
				}
			}
			it.Title = c
		case "owner":
			it.Owner = strings.Trim(c, "@ ")
		case "due":
			if c == "-" || c == "—" || strings.EqualFold(c, "tbd") || strings.EqualFold(c, "n/a") {
				continue
			}
			d, msg := parseDate(c)
			if msg != "" {
				probs = append(probs, problem{line, "action item due date " + msg})
			}
			it.Due = d
		case "priority":
			it.Priority = c
		case "status":
			if m := checkboxRE.FindStringSubmatch(c + " "); m != nil {
				if m[1] != " " {
					it.Status = StatusDone
				}
				continue
			}
			it.Status = normalizeStatus(c)
		case "link":
			if m := mdLinkRE.FindStringSubmatch(c); m != nil {
				it.Link = m[2]
			} else if u := bareURLRE.FindString(c); u != "" {
				it.Link = u
			} else {
				it.Link = c
			}
		}
	}
	if it.Link == "" {
		if m := mdLinkRE.FindStringSubmatch(it.Title); m != nil && strings.HasPrefix(m[2], "http") {
			it.Link = m[2]
		}
	}
	return it, probs
}

// ParseActionLine parses one list item such as
// "[ ] Add a connection pool limit — Jane Doe, due 2024-04-01, P1, [ABC-123](https://…)".
// A checked box or a done status marks the item done. line is the file line
// the item is on, used in findings.
func ParseActionLine(s string, line int) (ActionItem, []Finding) {
	it, ps := parseActionLine(s, line)
	return it, toFindings(ps)
}

func parseActionLine(s string, line int) (ActionItem, []problem) {
	it := ActionItem{Status: StatusOpen, Line: line}
	var probs []problem
	s = strings.TrimSpace(s)
	if m := checkboxRE.FindStringSubmatch(s); m != nil {
		s = s[len(m[0]):]
		if m[1] != " " {
			it.Status = StatusDone
		}
	}
	if strings.HasPrefix(s, "~~") && strings.HasSuffix(s, "~~") && len(s) > 4 {
		s = s[2 : len(s)-2]
		it.Status = StatusDone
	}
	title, meta := s, ""
	for _, sep := range []string{" — ", " – ", " -- ", " - "} {
		if i := strings.LastIndex(s, sep); i > 0 {
			title, meta = s[:i], s[i+len(sep):]
			break
		}
	}
	// "(owner: X, due: Y)" at the end of the title carries meta data too.
	if meta == "" && strings.HasSuffix(title, ")") {
		if i := strings.LastIndex(title, " ("); i > 0 && looksLikeMeta(title[i+2:len(title)-1]) {
			title, meta = title[:i], title[i+2:len(title)-1]
		}
	}
	var unclassified []string
	for _, part := range splitMeta(meta) {
		p := strings.TrimSpace(part)
		switch {
		case p == "":
		case mdLinkRE.MatchString(p) && it.Link == "":
			it.Link = mdLinkRE.FindStringSubmatch(p)[2]
		case bareURLRE.MatchString(p) && it.Link == "":
			it.Link = bareURLRE.FindString(p)
		case dueWordRE.MatchString(p) || isoDateRE.MatchString(p) && it.Due.IsZero():
			d, msg := parseDate(dueWordRE.ReplaceAllString(p, ""))
			if msg != "" {
				probs = append(probs, problem{line, "action item due date " + msg})
			}
			it.Due = d
		case priorityRE.MatchString(p):
			it.Priority = priorityRE.FindStringSubmatch(p)[1]
		case statusRE.MatchString(p):
			it.Status = normalizeStatus(statusRE.FindStringSubmatch(p)[1])
		case ownerWordRE.MatchString(p):
			it.Owner = strings.Trim(ownerWordRE.ReplaceAllString(p, ""), "@ ")
		default:
			unclassified = append(unclassified, p)
		}
	}
	if it.Owner == "" && len(unclassified) > 0 {
		it.Owner = strings.Trim(unclassified[0], "@ ")
		unclassified = unclassified[1:]
	}
	if len(unclassified) > 0 {
		title += " — " + strings.Join(unclassified, ", ")
	}
	it.Title = strings.TrimSpace(title)
	if it.Link == "" {
		if m := mdLinkRE.FindStringSubmatch(it.Title); m != nil && strings.HasPrefix(m[2], "http") {
			it.Link = m[2]
		}
	}
	return it, probs
}

func looksLikeMeta(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "owner") || strings.Contains(l, "due") || isoDateRE.MatchString(s) || strings.Contains(l, "@")
}

// splitMeta splits on commas and semicolons outside Markdown links.
func splitMeta(s string) []string {
	var parts []string
	depth := 0
	start := 0
	for i, c := range s {
		switch c {
		case '[', '(':
			depth++
		case ']', ')':
			if depth > 0 {
				depth--
			}
		case ',', ';':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}
