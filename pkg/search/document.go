package search

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Document is what the index holds of one incident: the values of the
// fields of the query language (see the package comment), before
// analysis. Package indexer makes one of each incident. Zero values are
// left out of the index, so that ranges and sorting treat them as missing
// rather than as zero.
type Document struct {
	ID    string
	Title string
	// Severity, Status and Owner are keyword fields; so are each of
	// Reviewers, Tags and Services.
	Severity, Status, Owner   string
	Reviewers, Tags, Services []string
	// Date is the incident's date; year is taken from it as given. Started
	// to Resolved are when the incident did each.
	Date, Started, Detected, Mitigated, Resolved time.Time
	// TTD, TTM and TTR are the times from the start to detection,
	// mitigation and resolution, indexed in minutes.
	TTD, TTM, TTR time.Duration
	// Customers is the number of customers affected, when known.
	Customers *float64
	// ActionItemsOpen is the number of open action items, indexed even
	// when zero; ActionItems are the titles of all of them, one a line.
	ActionItemsOpen int
	ActionItems     string
	// Text maps a text field (FieldSummary, FieldImpact, …, FieldBody) to
	// its plain text.
	Text map[string]string
}

// Fields returns the document as the map Bleve indexes with NewMapping:
// field names to values, the facet copies of tags, services and severity
// included, and every word longer than 256 bytes cut to that length.
func (d *Document) Fields() map[string]any {
	m := map[string]any{FieldID: d.ID, FieldTitle: clipWords(d.Title)}
	setStr := func(k, v string) {
		if v != "" {
			m[k] = clipWords(v)
		}
	}
	setList := func(k string, v []string) {
		if len(v) > 0 {
			out := make([]string, len(v))
			for i, s := range v {
				out[i] = clipWords(s)
			}
			m[k] = out
		}
	}
	setTime := func(k string, t time.Time) {
		if !t.IsZero() {
			m[k] = t.UTC()
		}
	}
	setMinutes := func(k string, v time.Duration) {
		if v > 0 {
			m[k] = v.Minutes()
		}
	}
	setStr(FieldSeverity, d.Severity)
	setStr(facetSeverity, d.Severity)
	setStr(FieldStatus, d.Status)
	setStr(FieldOwner, d.Owner)
	setList(FieldReviewers, d.Reviewers)
	setList(FieldTags, d.Tags)
	setList(facetTags, d.Tags)
	setList(FieldServices, d.Services)
	setList(facetServices, d.Services)
	setTime(FieldDate, d.Date)
	if !d.Date.IsZero() {
		m[FieldYear] = strconv.Itoa(d.Date.Year())
	}
	setTime(FieldStarted, d.Started)
	setTime(FieldDetected, d.Detected)
	setTime(FieldMitigated, d.Mitigated)
	setTime(FieldResolved, d.Resolved)
	setMinutes(FieldTTD, d.TTD)
	setMinutes(FieldTTM, d.TTM)
	setMinutes(FieldTTR, d.TTR)
	if d.Customers != nil {
		m[FieldCustomers] = *d.Customers
	}
	m[FieldActionItemsOpen] = float64(d.ActionItemsOpen)
	if d.ActionItems != "" {
		m[FieldActionItems] = d.ActionItems
	}
	for k, v := range d.Text {
		setStr(k, v)
	}
	return m
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
