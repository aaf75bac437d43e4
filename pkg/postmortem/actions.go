package postmortem

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/inquest-dev/inquest/pkg/timeline"
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
	dueWordRE   = regexp.MustCompile(`(?i)^(?:due|by|deadline|due date|target)[: ]\s*`)
	ownerWordRE = regexp.MustCompile(`(?i)^(?:owner|owners|assignee|assigned to|who|responsible)\s*:\s*`)
	statusRE    = regexp.MustCompile(`(?i)^(?:status:?\s*)?(open|done|closed|completed|complete|fixed|resolved|in progress|in-progress|todo|to do|wontfix|won't fix|✅|✔️?|☑️?)$`)
	checkboxRE  = regexp.MustCompile(`^\[([ xX])\]\s*`)
	listItemRE  = regexp.MustCompile(`^(?:[-*+]|\d{1,9}[.)])\s+`)
	// teamRE is a team named in brackets at the end of an item: "storage
	// team", "SRE team", "team Payments", in at most four words.
	teamRE = regexp.MustCompile(`(?i)^\s*(?:(?:[\p{L}\d&/-]+ ){1,3}team|team(?: [\p{L}\d&/-]+){1,3})\s*$`)
	// ownerLabelRE finds "Owner: Name" anywhere in an item.
	ownerLabelRE = regexp.MustCompile(`(?i)(?:^|[\s(\[;,.])(?:owner|owners|assignee|assigned to)\s*:\s*([^,;)\]]+)`)
	// handleRE finds an @handle that is not part of an email address.
	handleRE = regexp.MustCompile(`(?:^|[\s(\[,;])@([A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]|[A-Za-z0-9])`)
	// leadHandleRE is a [handle] at the start of an item.
	leadHandleRE = regexp.MustCompile(`^\[([A-Za-z][A-Za-z0-9._-]{0,38})\]\s+`)
	// ticketRE is a bug or ticket reference on its own: "ABC-123",
	// "bug 1234567", "issue #42", "#42".
	ticketRE = regexp.MustCompile(`(?i)^(?:(?:bug|issue|ticket|case|jira|incident)\s*#?\s*\d+|#\d+)$|^[A-Z][A-Z0-9]{1,9}-\d+$`)
	// leadTicketRE is a ticket reference starting an item, with the
	// separator after it: "bug 1234567 — ", "ABC-123: ", "[ABC-123] ".
	leadTicketRE = regexp.MustCompile(`^(?:\[([A-Z][A-Z0-9]{1,9}-\d+|#\d+)\]|((?i:(?:bug|issue|ticket|case|jira)\s*#?\s*\d+)|[A-Z][A-Z0-9]{1,9}-\d+|#\d+))\s*(?:[:|]|—|–|--| -)?\s+`)
	// closedMarkerRE is a marker saying the item or its ticket is closed.
	closedMarkerRE = regexp.MustCompile(`(?i)(?:\(|\[)(?:closed|done|fixed|completed|resolved|shipped|merged)(?:\)|\])|✅|✔️?|☑️?`)
	// leadStatusRE is a status written as a label before the item.
	leadStatusRE = regexp.MustCompile(`(?i)^\**(done|closed|completed|fixed|open|todo|to do|in progress|wip)\**\s*[:\-—–]\s*\**\s*`)
)

// notTickets are prefixes of NAME-123 words that name a standard, not a
// ticket: SHA-256, UTF-8.
var notTickets = []string{"SHA-", "UTF-", "SEV-", "ISO-", "RFC-", "CVE-", "HTTP-", "TLS-", "AES-", "RSA-", "IPV", "COVID-", "MD-", "P-"}

func isTicket(s string) bool {
	s = strings.TrimSpace(s)
	if !ticketRE.MatchString(s) {
		return false
	}
	u := strings.ToUpper(s)
	for _, p := range notTickets {
		if strings.HasPrefix(u, p) {
			return false
		}
	}
	return true
}

// parseDate parses a due date: ISO, or any form timeline.ReadDate reads
// ("April 1, 2024", "1 Apr 2024", "04/18/2024"). It returns a problem
// message for an impossible date such as 2024-02-30, and a note for a
// numeric date that reads both ways, saying which reading was used.
func parseDate(s string) (time.Time, string, string) {
	s = strings.TrimSpace(s)
	if m := isoDateRE.FindStringSubmatch(s); m != nil {
		norm := fmt.Sprintf("%s-%02s-%02s", m[1], pad2(m[2]), pad2(m[3]))
		t, err := time.Parse("2006-01-02", norm)
		if err != nil {
			return time.Time{}, fmt.Sprintf("%q is not a valid date", s), ""
		}
		return t, "", ""
	}
	r, err := timeline.ReadDate(s, timeline.OrderUnknown, 0)
	if err != nil || strings.TrimSpace(strings.Trim(s[r.End:], ".,;")) != "" {
		return time.Time{}, fmt.Sprintf("%q is not a date (want YYYY-MM-DD)", s), ""
	}
	note := ""
	if r.Ambiguous {
		note = fmt.Sprintf("action item due date %s reads both ways: read month first, as %s; write YYYY-MM-DD to be sure", s, r.Date)
	}
	return r.Date.Time(), "", note
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// isDate reports whether s is a date parseDate reads.
func isDate(s string) bool {
	if isoDateRE.MatchString(s) {
		return true
	}
	_, msg, _ := parseDate(s)
	return msg == ""
}

// normalizeStatus maps the many ways of saying done to "done", the ways
// of saying not done yet to "open", and nothing to "unknown". Any other
// status written is open: it was written as a status, and it is not done.
//
// A status decorated or explained is read by its first word: "Done ✅",
// "✅ Done", "**Closed**", "Done (2023-11-20)", "Fixed in v2.3" are done;
// a check mark anywhere is done.
func normalizeStatus(s string) string {
	l := strings.ToLower(strings.TrimSpace(s))
	switch l {
	case "":
		return StatusUnknown
	case "x", "yes", "true", "✅", "✔", "✔️", "☑", "☑️", "won't fix":
		return StatusDone
	case "?", "unknown", "n/a", "-", "—":
		return StatusUnknown
	}
	if strings.ContainsAny(l, "\u2705\u2714\u2611") {
		return StatusDone
	}
	word := strings.FieldsFunc(l, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
	if len(word) > 0 && doneWords[word[0]] && (len(word) == 1 || word[1] != "not") {
		return StatusDone
	}
	return StatusOpen
}

// doneWords are the statuses that say done, alone or as their first
// word.
var doneWords = map[string]bool{"done": true, "closed": true, "completed": true, "complete": true, "fixed": true, "resolved": true, "shipped": true, "merged": true, "finished": true, "wontfix": true}

// subsectionStatus is the status a sub-heading or label line inside the
// Action Items section gives the items under it: "### Completed" makes
// them done, "**Open**" open; any other heading ends such a subsection.
func subsectionStatus(label string) (string, bool) {
	l := strings.ToLower(strings.Trim(strings.TrimSpace(label), "*_:# "))
	l = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(l, " items"), " actions"), " action items")
	switch l {
	case "completed", "complete", "done", "closed", "finished", "resolved", "fixed", "shipped":
		return StatusDone, true
	case "open", "in progress", "pending", "todo", "to do", "outstanding", "remaining", "planned", "not started", "ongoing", "to-do":
		return StatusOpen, true
	}
	return "", false
}

type problem struct {
	line  int
	msg   string
	level string // LevelError when empty
}

// ParseActionItems extracts action items from the Markdown of an Action
// Items section: GFM tables (columns matched by header name) and list
// items. Sub-bullets under an item belong to it: a field ("Owner: Jane",
// "Due: 2024-04-01", "Status: done") sets that field, anything else is
// its Detail. Items under a "Completed" or "Done" sub-heading or label
// are done, under "Open" or "In progress" open. firstLine is the file
// line of the text's first line.
func ParseActionItems(text string, firstLine int) ([]ActionItem, []Finding) {
	var items []ActionItem
	var probs []problem
	lines := strings.Split(text, "\n")
	inFence := false
	section := ""  // the status the current subsection gives its items
	cur := -1      // the list item sub-bullets attach to
	curIndent := 0 // its indentation
	group := -1    // the indentation of a group label ("Database:"), or -1
	for i := 0; i < len(lines); i++ {
		raw := lines[i]
		t := strings.TrimSpace(raw)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
			continue
		}
		if inFence || t == "" {
			continue
		}
		indent := len(raw) - len(strings.TrimLeft(raw, " \t"))
		if h, ok := headingLabel(t); ok {
			section, _ = subsectionStatus(h)
			cur, group = -1, -1
			continue
		}
		if len(t) <= 40 && t[0] != '|' && !listItemRE.MatchString(t) {
			if st, ok := subsectionStatus(t); ok {
				section, cur, group = st, -1, -1
				continue
			}
			if isLabelLine(t) {
				// "**Follow-ups**": a sub-heading written in bold ends
				// the subsection before it.
				section, cur, group = "", -1, -1
				continue
			}
		}
		if strings.HasPrefix(t, "|") && i+1 < len(lines) && isTableSep(lines[i+1]) {
			cols := mapColumns(splitRow(t))
			j := i + 2
			for ; j < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[j]), "|"); j++ {
				cells := splitRow(strings.TrimSpace(lines[j]))
				it, ps := itemFromCells(cols, cells, firstLine+j)
				probs = append(probs, ps...)
				if it.Title != "" {
					if it.Status == StatusUnknown && section != "" {
						it.Status = section
					}
					items = append(items, it)
				}
			}
			i = j - 1
			cur = -1
			continue
		}
		loc := listItemRE.FindStringIndex(t)
		if loc == nil {
			continue
		}
		item := t[loc[1]:]
		if cur >= 0 && indent > curIndent {
			addSubBullet(&items[cur], item, firstLine+i, &probs)
			continue
		}
		if group >= 0 && indent <= group {
			group = -1
		}
		// Fold indented continuation lines into the item.
		for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "  ") && strings.TrimSpace(lines[i+1]) != "" &&
			!listItemRE.MatchString(strings.TrimSpace(lines[i+1])) {
			i++
			item += " " + strings.TrimSpace(lines[i])
		}
		if strings.HasSuffix(item, ":") && !checkboxRE.MatchString(item) {
			// "Database:" groups the items under it.
			group, cur = indent, -1
			continue
		}
		it, ps := parseActionLine(item, firstLine+i)
		probs = append(probs, ps...)
		if it.Title == "" {
			cur = -1
			continue
		}
		if it.Status == StatusUnknown && section != "" {
			it.Status = section
		}
		items = append(items, it)
		cur, curIndent = len(items)-1, indent
	}
	settleStatuses(items)
	return items, toFindings(probs)
}

// settleStatuses makes the items that say nothing of their status open
// when other items of the same list say theirs: beside "done" ones, an
// item with no mark is one not done yet. Only a list where no item says
// anything leaves its items unknown.
func settleStatuses(items []ActionItem) {
	said := false
	for _, it := range items {
		if it.Status != StatusUnknown {
			said = true
			break
		}
	}
	if !said {
		return
	}
	for i := range items {
		if items[i].Status == StatusUnknown {
			items[i].Status = StatusOpen
		}
	}
}

// isLabelLine reports a line that is all bold, a sub-heading in effect.
func isLabelLine(t string) bool {
	t = strings.TrimSuffix(t, ":")
	return len(t) > 4 && (strings.HasPrefix(t, "**") && strings.HasSuffix(t, "**") || strings.HasPrefix(t, "__") && strings.HasSuffix(t, "__"))
}

// headingLabel returns the text of an ATX heading line.
func headingLabel(t string) (string, bool) {
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || n < len(t) && t[n] != ' ' && t[n] != '\t' {
		return "", false
	}
	return strings.TrimSpace(strings.TrimRight(t[n:], "#")), true
}

// addSubBullet adds a sub-bullet to its item: a single field sets the
// field when the item has none, anything else is detail.
func addSubBullet(it *ActionItem, sub string, line int, probs *[]problem) {
	var f ActionItem
	if classifyMeta(&f, sub, line, probs) {
		switch {
		case f.Owner != "" && it.Owner == "":
			it.Owner = f.Owner
			return
		case !f.Due.IsZero() && it.Due.IsZero():
			it.Due = f.Due
			return
		case f.Status != "" && f.Status != StatusUnknown:
			it.Status = f.Status
			return
		case f.Priority != "" && it.Priority == "":
			it.Priority = f.Priority
			return
		case (f.Link != "" || f.Ticket != "") && it.Link == "" && it.Ticket == "":
			it.Link, it.Ticket = f.Link, f.Ticket
			return
		}
	}
	if it.Detail != "" {
		it.Detail += "\n"
	}
	it.Detail += "- " + sub
}

func toFindings(ps []problem) []Finding {
	var fs []Finding
	for _, p := range ps {
		level := p.level
		if level == "" {
			level = LevelError
		}
		fs = append(fs, Finding{Line: p.line, Level: level, Rule: "action-items", Message: p.msg})
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
	it := ActionItem{Status: StatusUnknown, Line: line}
	var probs []problem
	for i, c := range cells {
		if i >= len(cols) || c == "" {
			continue
		}
		switch cols[i] {
		case "title":
			if m := checkboxRE.FindStringSubmatch(c); m != nil {
				c = c[len(m[0]):]
				it.Status = StatusOpen
				if m[1] != " " {
					it.Status = StatusDone
				}
			}
			if t, ok := struck(c); ok {
				c, it.Status = t, StatusDone
			}
			it.Title = c
		case "owner":
			it.Owner = strings.Trim(c, "@ ")
		case "due":
			if c == "-" || c == "—" || strings.EqualFold(c, "tbd") || strings.EqualFold(c, "n/a") {
				continue
			}
			d, msg, note := parseDate(c)
			if msg != "" {
				probs = append(probs, problem{line: line, msg: "action item due date " + msg})
			}
			if note != "" {
				probs = append(probs, problem{line: line, msg: note, level: LevelWarning})
			}
			it.Due = d
		case "priority":
			it.Priority = c
		case "status":
			if m := checkboxRE.FindStringSubmatch(c + " "); m != nil {
				it.Status = StatusOpen
				if m[1] != " " {
					it.Status = StatusDone
				}
				continue
			}
			it.Status = normalizeStatus(c)
		case "link":
			if m := mdLinkRE.FindStringSubmatch(c); m != nil {
				it.Link = m[2]
				if isTicket(m[1]) {
					it.Ticket = m[1]
				}
			} else if u := bareURLRE.FindString(c); u != "" {
				it.Link = u
			} else if t, ok := struck(c); ok && isTicket(t) {
				it.Ticket, it.Status = t, StatusDone
			} else if isTicket(c) {
				it.Ticket = c
			} else {
				it.Link = c
			}
		}
	}
	finishItem(&it)
	return it, probs
}

// parseActionLine parses one list item such as
// "[ ] Add a connection pool limit — Jane Doe, due 2024-04-01, P1, [ABC-123](https://…)".
// A checked box, a done status, a closed marker or a struck-through title
// marks the item done, an empty box open; with none of these its status
// is unknown. line is the file line the item is on, used in problems.
func parseActionLine(s string, line int) (ActionItem, []problem) {
	it := ActionItem{Status: StatusUnknown, Line: line}
	var probs []problem
	s = strings.TrimSpace(s)
	if m := checkboxRE.FindStringSubmatch(s); m != nil {
		s = s[len(m[0]):]
		it.Status = StatusOpen
		if m[1] != " " {
			it.Status = StatusDone
		}
	}
	// The regular expressions below run only where a cheap look says they
	// may match: there are tens of thousands of items in a large
	// repository.
	if mayLeadStatus(s) {
		if m := leadStatusRE.FindStringSubmatch(s); m != nil {
			it.Status = normalizeStatus(m[1])
			s = s[len(m[0]):]
		}
	}
	if strings.HasPrefix(s, "[") {
		if m := leadHandleRE.FindStringSubmatch(s); m != nil && !isTicket(m[1]) && !strings.HasPrefix(s[len(m[1])+2:], "(") {
			it.Owner = m[1]
			s = s[len(m[0]):]
		}
	}
	if mayLeadTicket(s) {
		if m := leadTicketRE.FindStringSubmatch(s); m != nil && isTicket(m[1]+m[2]) && len(s) > len(m[0]) {
			it.Ticket = m[1] + m[2]
			s = s[len(m[0]):]
		}
	}
	if t, ok := struck(s); ok {
		s, it.Status = t, StatusDone
	} else if strings.HasPrefix(s, "~~") {
		// "~~Retry forever~~ — dropped, see the review": the item is
		// struck out and the note after it stays in the title.
		if e := strings.Index(s[2:], "~~"); e > 0 && strings.TrimSpace(strings.Trim(s[e+4:], " —–-:,;")) != s[e+4:] {
			it.Status = StatusDone
		}
	}
	title := s
	for _, sep := range []string{" — ", " – ", " -- ", " - "} {
		if strings.LastIndex(s, sep) <= 0 {
			continue
		}
		// Each part after the separator that is fields, from the last:
		// "… — owner: Jonas — due 15/11/2021".
		for {
			i := strings.LastIndex(title, sep)
			if i <= 0 || !metaInto(&it, title[i+len(sep):], line, &probs) {
				break
			}
			title = title[:i]
		}
		break
	}
	// "(owner: X, due: Y)" at the end of the title carries fields too,
	// and "(storage team)" names the owner.
	if strings.HasSuffix(title, ")") {
		if i := strings.LastIndex(title, " ("); i > 0 {
			in := title[i+2 : len(title)-1]
			switch {
			case metaInto(&it, in, line, &probs):
				title = title[:i]
			case it.Owner == "" && teamRE.MatchString(in):
				it.Owner, title = strings.TrimSpace(in), title[:i]
			}
		}
	}
	title = peelTail(&it, title)
	// So does a last sentence that starts with an owner's label:
	// "Document the revert. Owner: Lee Park, due 2024-03-01".
	if i := strings.LastIndex(title, ". "); i > 0 && ownerWordRE.MatchString(title[i+2:]) && metaInto(&it, title[i+2:], line, &probs) {
		title = title[:i+1]
	}
	if t, ok := struck(title); ok {
		title, it.Status = t, StatusDone
	}
	it.Title = strings.TrimSpace(title)
	if it.Owner == "" {
		if strings.IndexByte(it.Title, ':') >= 0 && (containsFold(it.Title, "owner") || containsFold(it.Title, "assign")) {
			if m := ownerLabelRE.FindStringSubmatchIndex(it.Title); m != nil && !labelInSentence(it.Title, m) {
				it.Owner = strings.TrimSpace(it.Title[m[2]:m[3]])
			}
		}
		if it.Owner == "" && strings.IndexByte(it.Title, '@') >= 0 {
			if m := handleRE.FindStringSubmatch(it.Title); m != nil {
				it.Owner = m[1]
			}
		}
	}
	if it.Status != StatusDone && strings.ContainsAny(it.Title, "([\u2705\u2714\u2611") && closedMarkerRE.MatchString(it.Title) {
		it.Status = StatusDone
	}
	finishItem(&it)
	return it, probs
}

// peelTail takes from the end of an item's title what names its owner
// or its ticket, in either order: an @handle ("… @sam.ortiz") when it has
// no owner, a ticket in brackets ("… [OPS-413]", "… (OPS-413)") when it
// has no ticket. What is left is the title.
func peelTail(it *ActionItem, title string) string {
	for {
		t := strings.TrimRight(title, " ")
		if it.Owner == "" && strings.IndexByte(t, '@') > 0 {
			if m := tailHandleRE.FindStringSubmatchIndex(t); m != nil {
				it.Owner, title = t[m[2]:m[3]], t[:m[0]]
				continue
			}
		}
		if it.Ticket == "" && len(t) > 0 && (t[len(t)-1] == ']' || t[len(t)-1] == ')') {
			open := "["
			if t[len(t)-1] == ')' {
				open = "("
			}
			if i := strings.LastIndex(t, " "+open); i > 0 && isTicket(t[i+2:len(t)-1]) {
				it.Ticket, title = t[i+2:len(t)-1], t[:i]
				continue
			}
		}
		return title
	}
}

// tailHandleRE is an @handle that ends an item's title.
var tailHandleRE = regexp.MustCompile(`\s@([A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$`)

// labelInSentence reports whether the owner's label ownerLabelRE found at
// m in title is part of a sentence rather than a field: right after a
// word ("Ask the DB owner: Sam knows the schema"), with more than three
// words after it or more of the title after those. "Rotate the keys,
// owner: Sam Lee" and "Rotate the keys owner: Sam" are fields.
func labelInSentence(title string, m []int) bool {
	// ownerLabelRE's match starts with the character before the label
	// (a space, a bracket, a comma, …) unless the label starts the title.
	if m[0] == 0 && !unicode.IsSpace(rune(title[0])) || !unicode.IsSpace(rune(title[m[0]])) {
		return false
	}
	prev, _ := utf8.DecodeLastRuneInString(strings.TrimRight(title[:m[0]], " \t"))
	if !unicode.IsLetter(prev) && !unicode.IsDigit(prev) {
		return false
	}
	return len(strings.Fields(title[m[2]:m[3]])) > 3 || strings.TrimSpace(title[m[3]:]) != ""
}

// finishItem takes the link and ticket from a Markdown link in the title
// when no field gave them.
func finishItem(it *ActionItem) {
	if it.Link != "" && it.Ticket != "" || !strings.Contains(it.Title, "](") {
		return
	}
	for _, m := range mdLinkRE.FindAllStringSubmatch(it.Title, 4) {
		if !strings.HasPrefix(m[2], "http") {
			continue
		}
		if it.Link == "" {
			it.Link = m[2]
		}
		if it.Ticket == "" && isTicket(m[1]) {
			it.Ticket = m[1]
		}
		return
	}
}

// mayLeadStatus reports whether s may start with a status label ("DONE:",
// "**Closed** -").
func mayLeadStatus(s string) bool {
	s = strings.TrimLeft(s, "*")
	if s == "" {
		return false
	}
	switch s[0] | 0x20 {
	case 'd', 'c', 'f', 'o', 't', 'i', 'w':
		e := min(len(s), 16)
		return strings.ContainsAny(s[:e], ":-\u2014\u2013")
	}
	return false
}

// mayLeadTicket reports whether s may start with a ticket reference: a
// bracket, a '#', a keyword such as "bug", or a first word with a hyphen
// and a digit ("ABC-123").
func mayLeadTicket(s string) bool {
	if s == "" {
		return false
	}
	switch c := s[0]; {
	case c == '[' || c == '#':
		return true
	case c >= 'A' && c <= 'Z':
		w := s[:min(len(s), 16)]
		if sp := strings.IndexByte(w, ' '); sp >= 0 {
			w = w[:sp]
		}
		if h := strings.IndexByte(w, '-'); h > 0 && h+1 < len(w) && w[h+1] >= '0' && w[h+1] <= '9' {
			return true
		}
	}
	for _, k := range [...]string{"bug", "issue", "ticket", "case", "jira"} {
		if len(s) > len(k) && strings.EqualFold(s[:len(k)], k) {
			return true
		}
	}
	return false
}

// containsFold reports whether s contains the lower-case ASCII word w in
// any case.
func containsFold(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(w)], w) {
			return true
		}
	}
	return false
}

// struck returns the text inside a strikethrough that wraps all of s
// ("~~Old idea~~").
func struck(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 4 && strings.HasPrefix(s, "~~") && strings.HasSuffix(s, "~~") && !strings.Contains(s[2:len(s)-2], "~~") {
		return strings.TrimSpace(s[2 : len(s)-2]), true
	}
	return s, false
}

// metaInto reads the fields written after an item's title ("Jane Doe, due
// 2024-04-01, P1, ABC-123") into it and reports true, or reports false
// and changes nothing when the text is not such fields: the title then
// keeps it as written. The text is fields when every part is one, except
// at most one part, first, taken as the owner's name when another part is
// a field: "— Jane Doe, due 2024-04-01" names an owner, "-- just grabbing
// env vars" does not.
func metaInto(it *ActionItem, meta string, line int, probs *[]problem) bool {
	parts := splitMeta(meta)
	var f ActionItem
	var ps []problem
	fields, name := 0, ""
	for k, part := range parts {
		p := strings.TrimSpace(part)
		switch {
		case p == "":
		case classifyMeta(&f, p, line, &ps):
			fields++
		case k == 0 && name == "" && looksLikeName(p):
			name = p
		default:
			return false
		}
	}
	if fields == 0 {
		return false
	}
	if name != "" && f.Owner == "" {
		f.Owner = name
	}
	*probs = append(*probs, ps...)
	if f.Owner != "" && it.Owner == "" {
		it.Owner = f.Owner
	}
	if !f.Due.IsZero() {
		it.Due = f.Due
	}
	if f.Priority != "" {
		it.Priority = f.Priority
	}
	if f.Status != "" {
		it.Status = f.Status
	}
	if f.Link != "" && it.Link == "" {
		it.Link = f.Link
	}
	if f.Ticket != "" && it.Ticket == "" {
		it.Ticket = f.Ticket
	}
	return true
}

// classifyMeta reads one field written after a title or as a sub-bullet
// into f and reports whether p is one: a link, a ticket, a due date, a
// priority, a status, "Owner: Name" or an @handle.
func classifyMeta(f *ActionItem, p string, line int, probs *[]problem) bool {
	p = strings.TrimSpace(p)
	switch {
	case p == "":
		return false
	case mdLinkRE.MatchString(p) && strings.TrimSpace(mdLinkRE.ReplaceAllString(p, "")) == "":
		m := mdLinkRE.FindStringSubmatch(p)
		f.Link = m[2]
		if isTicket(m[1]) {
			f.Ticket = m[1]
		}
	case bareURLRE.FindString(p) == p:
		f.Link = p
	case isTicket(p):
		f.Ticket = p
	case isTicketLabel(p):
		v := strings.TrimSpace(p[strings.IndexByte(p, ':')+1:])
		return classifyMeta(f, v, line, probs)
	case dueWordRE.MatchString(p) || isDate(p):
		d, msg, note := parseDate(dueWordRE.ReplaceAllString(p, ""))
		if msg != "" {
			*probs = append(*probs, problem{line: line, msg: "action item due date " + msg})
		}
		if note != "" {
			*probs = append(*probs, problem{line: line, msg: note, level: LevelWarning})
		}
		f.Due = d
	case priorityRE.MatchString(p):
		f.Priority = priorityRE.FindStringSubmatch(p)[1]
	case statusRE.MatchString(p):
		f.Status = normalizeStatus(statusRE.FindStringSubmatch(p)[1])
	case ownerWordRE.MatchString(p):
		f.Owner = strings.Trim(ownerWordRE.ReplaceAllString(p, ""), "@ ")
	case strings.HasPrefix(p, "@") && handleRE.FindString(p) == p:
		f.Owner = p[1:]
	default:
		return false
	}
	return true
}

// isTicketLabel reports "Ticket: ABC-1", "Jira: ABC-1", "Link: https://…".
func isTicketLabel(p string) bool {
	i := strings.IndexByte(p, ':')
	if i <= 0 || i > 12 {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(p[:i])) {
	case "ticket", "jira", "issue", "bug", "link", "tracker", "tracking", "url":
		return !strings.HasPrefix(p[i:], "://")
	}
	return false
}

// looksLikeName reports whether a part written after an item's title can
// be a person's or team's name: a few words, no sentence punctuation, no
// digits.
func looksLikeName(p string) bool {
	if utf8.RuneCountInString(p) > 40 || len(strings.Fields(p)) > 4 {
		return false
	}
	for _, r := range p {
		if unicode.IsDigit(r) || strings.ContainsRune(".!?:;()[]`*", r) {
			return false
		}
	}
	return true
}

// yearFollows reports whether the comma at s[i] sits between a day and a
// year: "April 1, 2024".
func yearFollows(s string, i int) bool {
	if i == 0 || s[i-1] < '0' || s[i-1] > '9' {
		return false
	}
	j := i + 1
	for j < len(s) && s[j] == ' ' {
		j++
	}
	n := 0
	for j+n < len(s) && s[j+n] >= '0' && s[j+n] <= '9' {
		n++
	}
	return n == 4
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
			if c == ',' && yearFollows(s, i) {
				continue // "April 1, 2024"
			}
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}
