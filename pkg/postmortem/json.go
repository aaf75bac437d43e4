package postmortem

import (
	"bufio"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"time"
)

// The JSON API. Its key names are a public contract: snake_case, times in
// RFC 3339 UTC, durations in seconds, absent values omitted.

// JSONIncident is the exported form of an incident, as printed by
// `inquest export` and written to the site's api/incidents.json.
type JSONIncident struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Source string `json:"source"`
	URL    string `json:"url,omitempty"`
	Date   string `json:"date,omitempty"`

	// DatePrecision is "month" when only the month of Date is known.
	DatePrecision string `json:"date_precision,omitempty"`

	Severity  string   `json:"severity,omitempty"`
	Status    string   `json:"status,omitempty"`
	Owner     string   `json:"owner,omitempty"`
	Reviewers []string `json:"reviewers,omitempty"`
	Tags      []string `json:"tags,omitempty"`
	Services  []string `json:"services,omitempty"`
	// Kind is "near-miss" or "investigation"; absent for an incident.
	Kind        string         `json:"kind,omitempty"`
	Factors     []string       `json:"factors,omitempty"`
	Summary     string         `json:"summary,omitempty"`
	Impact      map[string]any `json:"impact,omitempty"`
	Started     string         `json:"started,omitempty"`
	Detected    string         `json:"detected,omitempty"`
	Mitigated   string         `json:"mitigated,omitempty"`
	Resolved    string         `json:"resolved,omitempty"`
	Durations   *JSONDurations `json:"durations,omitempty"`
	Parts       []JSONPart     `json:"parts,omitempty"`
	Timeline    []JSONEvent    `json:"timeline,omitempty"`
	ActionItems []JSONAction   `json:"action_items,omitempty"`
	Links       []JSONLink     `json:"links,omitempty"`
	Related     []string       `json:"related,omitempty"`
	Visibility  string         `json:"visibility,omitempty"`
	History     *JSONHistory   `json:"history,omitempty"`
	Extra       map[string]any `json:"extra,omitempty"`
}

// JSONDurations are phase lengths in seconds.
type JSONDurations struct {
	Detect   int64 `json:"detect,omitempty"`
	Mitigate int64 `json:"mitigate,omitempty"`
	Resolve  int64 `json:"resolve,omitempty"`
}

// JSONPart is one incident of a postmortem that reports several.
type JSONPart struct {
	Title     string         `json:"title"`
	Started   string         `json:"started,omitempty"`
	Detected  string         `json:"detected,omitempty"`
	Mitigated string         `json:"mitigated,omitempty"`
	Resolved  string         `json:"resolved,omitempty"`
	Durations *JSONDurations `json:"durations,omitempty"`
}

// JSONEvent is a timeline event. A date-only event's time is midnight UTC
// of its date.
type JSONEvent struct {
	Time        string `json:"time,omitempty"`
	End         string `json:"end,omitempty"`
	DateOnly    bool   `json:"date_only,omitempty"`
	Approximate bool   `json:"approximate,omitempty"`
	Part        int    `json:"part,omitempty"`
	Text        string `json:"text"`
	Kind        string `json:"kind,omitempty"`
}

// JSONAction is an action item.
type JSONAction struct {
	Title    string `json:"title"`
	Owner    string `json:"owner,omitempty"`
	Due      string `json:"due,omitempty"`
	Priority string `json:"priority,omitempty"`
	Status   string `json:"status,omitempty"`
	Link     string `json:"link,omitempty"`
	Ticket   string `json:"ticket,omitempty"`
	Detail   string `json:"detail,omitempty"`
	// Opened and Closed are when the item was opened and closed (RFC
	// 3339, null when unknown), and OpenedFrom and ClosedFrom where each
	// date came from: "Git", "incident date" or "due date" (see
	// Incident.ItemDates).
	Opened     *string `json:"opened"`
	OpenedFrom string  `json:"opened_from,omitempty"`
	Closed     *string `json:"closed"`
	ClosedFrom string  `json:"closed_from,omitempty"`
}

// JSONLink is an external link.
type JSONLink struct {
	Title string `json:"title,omitempty"`
	URL   string `json:"url"`
}

// JSONHistory is the audit trail from Git.
type JSONHistory struct {
	Created      string         `json:"created,omitempty"`
	Updated      string         `json:"updated,omitempty"`
	Uncommitted  bool           `json:"uncommitted,omitempty"`
	Revisions    []JSONRevision `json:"revisions,omitempty"`
	Contributors []JSONPerson   `json:"contributors,omitempty"`
	SignOffs     []JSONSignOff  `json:"signoffs,omitempty"`
	Review       JSONReview     `json:"review"`
}

// JSONRevision is one commit that changed the postmortem.
type JSONRevision struct {
	Commit   string        `json:"commit"`
	Author   string        `json:"author"`
	Email    string        `json:"email,omitempty"`
	Date     string        `json:"date"`
	Subject  string        `json:"subject"`
	PR       int           `json:"pr,omitempty"`
	Path     string        `json:"path,omitempty"`
	Trailers []JSONTrailer `json:"trailers,omitempty"`
	Changes  []JSONChange  `json:"changes,omitempty"`
	// Diff is the words and lines the revision changed, by section
	// ("front_matter", a section kind, or "body"): nil, a
	// *JSONDiffSections, or a JSONDiff when a section's key is not one of
	// JSONDiffSections' fields. Each is written as the same object.
	Diff any `json:"diff,omitempty"`
}

// JSONSectionDiff is what a revision changed in one section.
type JSONSectionDiff struct {
	// Section is the section's key in JSONDiff's object.
	Section string `json:"-"`
	Added   int    `json:"added"`
	Removed int    `json:"removed"`
	Lines   int    `json:"lines"`
}

// JSONTrailer is a commit trailer.
type JSONTrailer struct {
	Key   string `json:"key"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Value string `json:"value"`
}

// JSONChange is a front-matter field changed by a revision.
type JSONChange struct {
	Field string `json:"field"`
	From  string `json:"from,omitempty"`
	To    string `json:"to,omitempty"`
}

// JSONPerson is a contributor.
type JSONPerson struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

// JSONSignOff is a reviewer's approval.
type JSONSignOff struct {
	Name    string `json:"name"`
	Email   string `json:"email,omitempty"`
	Trailer string `json:"trailer"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
	Stale   bool   `json:"stale,omitempty"`
}

// JSONReview compares the review committee with the sign-offs.
type JSONReview struct {
	Required []string `json:"required"`
	Signed   []string `json:"signed"`
	Missing  []string `json:"missing"`
	Stale    []string `json:"stale"`
}

func jsonDurations(d Durations) *JSONDurations {
	if d == (Durations{}) {
		return nil
	}
	return &JSONDurations{Detect: int64(d.Detect.Seconds()), Mitigate: int64(d.Mitigate.Seconds()), Resolve: int64(d.Resolve.Seconds())}
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// nullTimes holds the strings an incident's action item dates point to,
// one backing array for them all rather than one allocation each.
type nullTimes []string

// add is t in RFC 3339, or nil (JSON null) when t is zero. It never
// grows ts (made with room for every date), so earlier pointers stay
// good.
func (ts *nullTimes) add(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	if len(*ts) == cap(*ts) {
		s := rfc3339(t)
		return &s
	}
	*ts = append(*ts, rfc3339(t))
	return &(*ts)[len(*ts)-1]
}

// sized is an empty slice with room for n elements, nil when n is 0 (as
// appending to nil leaves it).
func sized[T any](n int) []T {
	if n == 0 {
		return nil
	}
	return make([]T, 0, n)
}

func civil(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ToJSON converts an incident to its exported form.
func (inc *Incident) ToJSON() JSONIncident {
	j := JSONIncident{
		ID: inc.ID, Title: inc.Title, Source: inc.Source, Date: civil(inc.Date), DatePrecision: inc.DatePrecision,
		Severity: inc.Severity, Status: inc.Status, Owner: inc.Owner,
		Reviewers: inc.Reviewers, Tags: inc.Tags, Services: inc.Services, Factors: inc.Factors,
		Summary: inc.Summary, Impact: inc.Impact, Related: inc.Related, Visibility: inc.Visibility,
		Started: rfc3339(inc.Started), Detected: rfc3339(inc.Detected),
		Mitigated: rfc3339(inc.Mitigated), Resolved: rfc3339(inc.Resolved),
	}
	if !inc.IsOutage() {
		j.Kind = inc.Kind
	}
	if len(inc.Extra) > 0 {
		j.Extra = jsonSafe(inc.Extra).(map[string]any)
	}
	if j.Impact != nil {
		j.Impact = jsonSafe(j.Impact).(map[string]any)
	}
	j.Durations = jsonDurations(inc.Durations)
	j.Parts = sized[JSONPart](len(inc.Parts))
	for _, pt := range inc.Parts {
		j.Parts = append(j.Parts, JSONPart{Title: pt.Title, Started: rfc3339(pt.Started), Detected: rfc3339(pt.Detected),
			Mitigated: rfc3339(pt.Mitigated), Resolved: rfc3339(pt.Resolved), Durations: jsonDurations(pt.Durations)})
	}
	j.Timeline = sized[JSONEvent](len(inc.Timeline))
	for _, e := range inc.Timeline {
		j.Timeline = append(j.Timeline, JSONEvent{Time: rfc3339(e.Time), End: rfc3339(e.End), DateOnly: e.DateOnly,
			Approximate: e.Approximate, Part: e.Part, Text: e.Text, Kind: string(e.Kind)})
	}
	j.ActionItems = sized[JSONAction](len(inc.ActionItems))
	times := make(nullTimes, 0, 2*len(inc.ActionItems))
	for k, a := range inc.ActionItems {
		opened, closed, openedFrom, closedFrom := inc.ItemDates(k)
		j.ActionItems = append(j.ActionItems, JSONAction{Title: a.Title, Owner: a.Owner, Due: civil(a.Due), Priority: a.Priority,
			Status: a.Status, Link: a.Link, Ticket: a.Ticket, Detail: a.Detail,
			Opened: times.add(opened), OpenedFrom: openedFrom, Closed: times.add(closed), ClosedFrom: closedFrom})
	}
	j.Links = sized[JSONLink](len(inc.Links))
	for _, l := range inc.Links {
		j.Links = append(j.Links, JSONLink(l))
	}
	if h := inc.History; h != nil {
		jh := &JSONHistory{Created: rfc3339(h.Created), Updated: rfc3339(h.Updated), Uncommitted: h.Uncommitted,
			Review: JSONReview{Required: nonNil(h.Review.Required), Signed: nonNil(h.Review.Signed), Missing: nonNil(h.Review.Missing), Stale: nonNil(h.Review.Stale)}}
		diffs := newJSONDiffs(h.Revisions)
		jh.Revisions = sized[JSONRevision](len(h.Revisions))
		for _, r := range h.Revisions {
			jr := JSONRevision{Commit: r.Commit, Author: r.Author.Name, Email: r.Author.Email, Date: rfc3339(r.Date), Subject: r.Subject, PR: r.PR}
			if r.Path != inc.Source {
				jr.Path = r.Path
			}
			jr.Trailers = sized[JSONTrailer](len(r.Trailers))
			for _, t := range r.Trailers {
				jr.Trailers = append(jr.Trailers, JSONTrailer(t))
			}
			jr.Changes = sized[JSONChange](len(r.Changes))
			for _, c := range r.Changes {
				jr.Changes = append(jr.Changes, JSONChange(c))
			}
			jr.Diff = diffs.diff(r.Diff)
			jh.Revisions = append(jh.Revisions, jr)
		}
		jh.Contributors = sized[JSONPerson](len(h.Contributors))
		for _, p := range h.Contributors {
			jh.Contributors = append(jh.Contributors, JSONPerson(p))
		}
		jh.SignOffs = sized[JSONSignOff](len(h.SignOffs))
		for _, s := range h.SignOffs {
			jh.SignOffs = append(jh.SignOffs, JSONSignOff{Name: s.Name, Email: s.Email, Trailer: s.Trailer, Commit: s.Commit, Date: rfc3339(s.Date), Stale: s.Stale})
		}
		j.History = jh
	}
	return j
}

// jsonSafe turns decoded front-matter values into values encoding/json
// writes in the API's conventions (times as RFC 3339 UTC or dates, map keys
// as strings).
func jsonSafe(v any) any {
	switch x := v.(type) {
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return rfc3339(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonSafe(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[toString(k)] = jsonSafe(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonSafe(e)
		}
		return out
	case float64:
		// TOML's nan and inf, YAML's .nan and .inf: JSON has no such
		// numbers, and one would fail the whole API.
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return strconv.FormatFloat(x, 'g', -1, 64)
		}
	}
	return v
}

// Export is the document `inquest export` prints.
type Export struct {
	Incidents []JSONIncident `json:"incidents"`
}

// WriteJSON writes incidents as {"incidents": [...]}, indented, in the
// order given. Broken incidents are left out.
func WriteJSON(w io.Writer, incs []*Incident) error {
	i := 0
	return EncodeExport(w, func() (JSONIncident, bool) {
		for i < len(incs) {
			inc := incs[i]
			i++
			if !inc.Broken {
				return inc.ToJSON(), true
			}
		}
		return JSONIncident{}, false
	})
}

// EncodeExport writes the export document one incident at a time, as
// next yields them, so that memory does not grow with the repository. The
// bytes are those of encoding Export with json.Encoder and a two-space
// indent.
func EncodeExport(w io.Writer, next func() (JSONIncident, bool)) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	n := 0
	for {
		j, ok := next()
		if !ok {
			break
		}
		data, err := json.MarshalIndent(j, "    ", "  ")
		if err != nil {
			return err
		}
		if n == 0 {
			bw.WriteString("{\n  \"incidents\": [\n    ")
		} else {
			bw.WriteString(",\n    ")
		}
		bw.Write(data)
		n++
	}
	if n == 0 {
		bw.WriteString("{\n  \"incidents\": []\n}\n")
	} else {
		bw.WriteString("\n  ]\n}\n")
	}
	return bw.Flush()
}
