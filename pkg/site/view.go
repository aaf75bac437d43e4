package site

import (
	"html/template"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/markdown"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/timeline"
)

// Site is what every template gets as .Site.
type Site struct {
	Title    string
	BaseURL  string // absolute base URL as configured, "" when none
	BasePath string // path prefix of every link, "/" or "/sub/path/"
	RepoURL  string
	// Now is the build's reference time (SOURCE_DATE_EPOCH, else the HEAD
	// commit's time, else the wall clock): overdue items and "last 90 days"
	// are computed against it, so one commit always builds the same site.
	Now        time.Time
	Severities []string
	Nav        []NavItem
	// Incidents are the published incidents, newest first.
	Incidents []*Incident
	// NoIndex asks search engines not to index the site.
	NoIndex bool
	// Serve is true when `inquest serve` serves the pages.
	Serve bool
	// Assets maps an asset's name (e.g. "style.css") to its content-hashed path.
	Assets map[string]string
	// Integrity maps a script asset's name to its hash as a <script
	// integrity> attribute wants it ("sha384-…"); the pages'
	// Content-Security-Policy allows exactly these scripts.
	Integrity map[string]string
}

// NavItem is a header navigation link.
type NavItem struct {
	Title string
	Path  string
}

// NavKey is what a page's nav depends on, the data of the layout's
// cached "site-nav" fragment: the site, and the page's path when the nav
// links to the page itself (for aria-current), else "". All other pages
// share one rendering of it.
type NavKey struct {
	Site    *Site
	Current string
}

// navFor is the template function "navfor SITE PATH".
func navFor(s *Site, path string) NavKey {
	for _, n := range s.Nav {
		if n.Path == path && path != "" {
			return NavKey{s, path}
		}
	}
	return NavKey{Site: s}
}

// Incident is an incident as the templates see it: the model plus what the
// build derives from it.
type Incident struct {
	*postmortem.Incident
	// Path is the page path relative to the base path.
	Path string
	// Content is the rendered Markdown body; Parts is the same body cut
	// where the drawn timeline and action items go (see Part). Both are
	// set only while the incident's own page is written.
	Content  template.HTML
	Parts    []Part
	Headings []markdown.Heading
	// Events is the timeline with positions for drawing it; AxisTicks and
	// AxisBreaks label its axis (see axisScale).
	Events                []Event
	AxisTicks, AxisBreaks []AxisMark
	// Related are incidents sharing tags or services, best first.
	Related []*Incident
	// SeenBefore are the earlier incidents it recurs with, best first.
	SeenBefore []Seen
	// EditURL and HistoryURL point at the repository host, when configured.
	EditURL, HistoryURL string
	// Open and Overdue count the open and overdue action items.
	Open, Overdue int
	// Lessons is the text of the Lessons Learned section, rendered.
	Lessons template.HTML

	// What rendering its Markdown linked to, and the link problems of its
	// page; api is where it is in api/incidents.json. live.Site.Update
	// keeps them between builds.
	lessonLinks, bodyLinks linkSet
	bodyFindings           []postmortem.Finding
	api                    span
	// audit is its revision diffs, amendments and diffs since approval
	// (see revisions.go).
	audit *audit
}

// span is a range of bytes in a file.
type span struct{ off, n int64 }

// Event is a timeline event placed on the incident's time axis: the
// fields of timeline.Event (see there), copied rather than embedded. A
// template finds a field promoted from an embedded struct by searching the
// struct anew on every use, and an incident page reads several fields of
// each of its events: 0.6 s of CPU and 0.4 GB of garbage in the profile of
// a cold build of 10,000 postmortems.
type Event struct {
	Time        time.Time
	DateOnly    bool
	Approximate bool
	End         time.Time
	Part        int
	Text        string
	Raw         string
	Zone        string
	Kind        timeline.Kind
	Marked      bool
	Line        int
	// Offset is the time since the first timed event, e.g. "+17 min".
	Offset string
	// Percent is the position on the axis, 0 to 100; -1 without a time.
	Percent float64
	// X is Percent as the x coordinate on the default theme's 1,000-wide
	// axis, "%.1f" (svgx); "" without a position.
	X string
	// ISO and When are Time as iso and datetime write it; "" without a time.
	ISO, When string
	// HTML is Text with its inline Markdown, as inline renders it.
	HTML template.HTML
}

// Page is what a template gets as its data.
type Page struct {
	Site *Site
	// Kind names the template: home, incident, list, terms, timeline,
	// actions, lessons, digest, metrics, search, 404.
	Kind        string
	Title       string
	Description string
	// Path is this page's path relative to the base path.
	Path string

	Incident  *Incident
	Incidents []*Incident
	Pager     *Pager
	Groups    []Group
	Terms     []Term
	Metrics   *Metrics
	Home      *Home
	// Learn is the data of the service, themes and action items pages'
	// figures; pages that have it are written again on every update.
	Learn *Learn
	// Amendments are the digest's substantive amendments (see
	// revisions.go).
	Amendments []*Amendment
}

// Pager links the pages of a paginated list.
type Pager struct {
	Page, Pages int
	Prev, Next  string
}

// Group is a titled group of items on the timeline, action items, lessons
// and digest pages.
type Group struct {
	Title     string
	Path      string
	Incidents []*Incident
	Actions   []Action
	Lessons   []Lesson
}

// Action is an action item with its incident: the fields of
// postmortem.ActionItem (see there), copied rather than embedded, as
// Event's are. The action items page reads five of them for each of its
// rows, 34,000 at 10,000 incidents, and a field promoted from an embedded
// struct is searched for anew on every use.
type Action struct {
	Title    string
	Owner    string
	Due      time.Time
	Priority string
	Status   string
	Link     string
	Ticket   string
	Detail   string
	Line     int
	Incident *Incident
	// Overdue is whether it is open and past its due date at the build's time.
	Overdue bool
	// Dates are when it was opened and closed.
	Dates ItemDates
	item  int // its index in Incident.ActionItems
}

// NewAction is the k-th action item of v as of now.
func NewAction(v *Incident, k int, now time.Time) Action {
	a := v.ActionItems[k]
	return Action{Title: a.Title, Owner: a.Owner, Due: a.Due, Priority: a.Priority, Status: a.Status, Link: a.Link,
		Ticket: a.Ticket, Detail: a.Detail, Line: a.Line,
		Incident: v, Overdue: a.Overdue(now), Dates: itemDates(v.Incident, k, now), item: k}
}

// Lesson is the lessons section of one incident.
type Lesson struct {
	Incident *Incident
	HTML     template.HTML
}

// Term is a tag, service, severity, status or year with its page and count.
type Term struct {
	Name  string
	Path  string
	Count int
}

// Home is the data of the home page.
type Home struct {
	Latest []*Incident
	// BySeverity counts the incidents of each severity of the scale, in
	// all and in the last 90 days.
	BySeverity    []SeverityCount
	OpenActions   int
	OverdueAction int
	Total         int
	// Recent counts the incidents of the last 90 days.
	Recent int
}

// SeverityCount is a severity's card on the home page.
type SeverityCount struct {
	Name, Path    string
	Count, Recent int
}

// Metrics is the data of the metrics page; charts are inline SVG, each
// with a table of its figures.
type Metrics struct {
	// Note says why durations are distributions.
	Note string
	// Kinds counts the records by kind, linking to their lists.
	Kinds []Term
	// PerMonth charts the outages of the last 24 months by severity;
	// Months are its totals.
	PerMonth template.HTML
	Months   []MonthCount
	// Phases are the times to detect, mitigate and resolve.
	Phases []PhaseView
	Follow *FollowView
	// Themes are the newest recurring themes, of ThemeCount.
	Themes     []ThemeView
	ThemeCount int
	// Factors count the records naming each contributing factor.
	Factors     []Term
	FactorChart template.HTML
	TopTags     template.HTML
	TopServices template.HTML
	Tags        []Term
	Services    []Term
}

// MonthCount is the number of outages of a month.
type MonthCount struct {
	Month string
	Count int
}

// buildEvents places timeline events on an axis from the first to the last
// timed event. An event without a kind at the exact time of a milestone
// given in the front matter takes that milestone's kind.
func buildEvents(inc *postmortem.Incident) []Event {
	evs := inc.Timeline
	milestones := []struct {
		t    time.Time
		kind timeline.Kind
	}{{inc.Started, timeline.KindStarted}, {inc.Detected, timeline.KindDetected}, {inc.Mitigated, timeline.KindMitigated}, {inc.Resolved, timeline.KindResolved}}
	var first time.Time
	for _, e := range evs {
		if e.Time.IsZero() || e.DateOnly {
			continue
		}
		if first.IsZero() || e.Time.Before(first) {
			first = e.Time
		}
	}
	out := make([]Event, len(evs))
	for i, e := range evs {
		out[i] = Event{Time: e.Time, DateOnly: e.DateOnly, Approximate: e.Approximate, End: e.End, Part: e.Part, Text: e.Text, Raw: e.Raw, Zone: e.Zone,
			Kind: e.Kind, Marked: e.Marked, Line: e.Line, Percent: -1}
		if e.Kind == timeline.KindNone && !e.Time.IsZero() && !e.DateOnly {
			for _, m := range milestones {
				if !m.t.IsZero() && m.t.Equal(e.Time) && !hasKind(evs, m.kind) {
					out[i].Kind = m.kind
					break
				}
			}
		}
		out[i].HTML = inlineHTML(e.Text)
		switch {
		case e.DateOnly:
			// A day, not midnight UTC: shown without a time.
			out[i].ISO = e.Time.Format("2006-01-02")
			out[i].When = out[i].ISO
		case !e.Time.IsZero():
			out[i].ISO, out[i].When = isoTime(e.Time), dateTime(e.Time)
		}
		if e.Time.IsZero() || e.DateOnly || first.IsZero() {
			continue
		}
		d := e.Time.Sub(first)
		out[i].Offset = "+" + humanDuration(d)
		out[i].Percent = 0
	}
	scale := eventScale(out)
	for i := range out {
		if out[i].Percent < 0 {
			continue
		}
		out[i].Percent = scale.pos(out[i].Time.Sub(first))
		out[i].X = strconv.FormatFloat(svgX(out[i].Percent), 'f', 1, 64)
	}
	return out
}

// eventScale is the axis scale of events buildEvents placed (a Percent
// not -1), offsets taken from the earliest.
func eventScale(evs []Event) axisScale {
	var first time.Time
	for _, e := range evs {
		if e.Percent >= 0 && (first.IsZero() || e.Time.Before(first)) {
			first = e.Time
		}
	}
	var ds []time.Duration
	for _, e := range evs {
		if e.Percent >= 0 {
			ds = append(ds, e.Time.Sub(first))
		}
	}
	return newAxisScale(ds)
}

// svgX is the x coordinate of a position on the default theme's axis,
// which runs from 10 to 990.
func svgX(pct float64) float64 { return 10 + pct*9.8 }

// isoTime and dateTime are the template functions iso and datetime.
func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func dateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// humanDuration writes a duration the way an incident review says it:
// "0 min", "17 min", "2 h 5 min", "3 d 4 h".
func humanDuration(d time.Duration) string {
	if d < 0 {
		return "-" + humanDuration(-d)
	}
	m := int(d.Round(time.Minute) / time.Minute)
	switch {
	case m < 60:
		return itoa(m) + " min"
	case m < 24*60:
		if m%60 == 0 {
			return itoa(m/60) + " h"
		}
		return itoa(m/60) + " h " + itoa(m%60) + " min"
	default:
		h := m / 60
		if h%24 == 0 {
			return itoa(h/24) + " d"
		}
		return itoa(h/24) + " d " + itoa(h%24) + " h"
	}
}

func lower(s string) string { return strings.ToLower(s) }

func hasKind(evs []timeline.Event, k timeline.Kind) bool {
	for _, e := range evs {
		if e.Kind == k {
			return true
		}
	}
	return false
}

// inlineHTML renders the inline Markdown of a timeline entry safely: the
// text is escaped, code spans become <code>, strong and emphasis become
// <strong> and <em>, and links and images become their text.
func inlineHTML(s string) template.HTML {
	if strings.Contains(s, "](") { // most entries have no link: skip the regexp
		s = mdLink.ReplaceAllString(s, "$1")
	}
	var b strings.Builder
	strong, em := false, false
	for i := 0; i < len(s); {
		switch {
		case s[i] == '`':
			if j := strings.IndexByte(s[i+1:], '`'); j >= 0 {
				b.WriteString("<code>" + template.HTMLEscapeString(s[i+1:i+1+j]) + "</code>")
				i += j + 2
				continue
			}
			b.WriteString("`")
			i++
		case strings.HasPrefix(s[i:], "**"):
			if strong {
				b.WriteString("</strong>")
			} else {
				b.WriteString("<strong>")
			}
			strong = !strong
			i += 2
		case s[i] == '*' || s[i] == '_' && (i == 0 || s[i-1] == ' ' || i+1 == len(s) || s[i+1] == ' '):
			if em {
				b.WriteString("</em>")
			} else {
				b.WriteString("<em>")
			}
			em = !em
			i++
		default:
			j := i + 1
			for j < len(s) && s[j] != '`' && s[j] != '*' && s[j] != '_' {
				j++
			}
			b.WriteString(template.HTMLEscapeString(s[i:j]))
			i = j
		}
	}
	if em {
		b.WriteString("</em>")
	}
	if strong {
		b.WriteString("</strong>")
	}
	return template.HTML(b.String()) //nolint:gosec // every text piece is escaped above
}

// mdLink matches a Markdown link or image; both become their text.
var mdLink = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
