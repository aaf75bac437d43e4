// Package postmortem holds the domain model of inquest, the incident and
// everything attached to it (timeline events, action items, revisions,
// sign-offs), and the parser that turns a Markdown postmortem into an
// Incident. It imports no adapters: Git, Bleve and HTML live in packages of
// their own that fill in or read this model.
package postmortem

import (
	"time"

	"github.com/inquest-dev/inquest/pkg/timeline"
)

// Incident is one parsed postmortem.
type Incident struct {
	// ID is the incident's identifier from the front matter, else derived
	// from the file name. It is sanitised: safe as a path segment.
	ID string
	// Title comes from the front matter, else the first H1, else the file name.
	Title string
	// Source is the repository-relative path of the file, with forward slashes.
	Source string
	// Date is the incident date (a civil date, stored at 00:00 UTC); zero when unknown.
	Date time.Time
	// DatePrecision is DateMonth when only the month of Date is known (a
	// folder such as 2021-05/ named it, or the front matter says "date:
	// 2021-05"): Date is then the first of the month. It is "" for a day.
	DatePrecision string
	// DateSource says where Date came from, in the order inquest looks:
	// "front matter", "body" (a Date key line), "started" (the started
	// field, in front matter or the body), "title" (the title or first
	// heading), "file name", "folder", "timeline", "git" (the first commit
	// under any of the file's names), or "" when unknown.
	DateSource string

	// Kind is KindIncident, KindNearMiss or KindInvestigation: from the
	// front matter, else inferred from a folder or the title (see
	// Inferred), else KindIncident.
	Kind string

	Severity  string
	Status    string
	Owner     string
	Reviewers []string
	Tags      []string
	Services  []string
	// Factors are the contributing factors the front matter names
	// (factors:), as written; the configured taxonomy says which
	// categories a repository expects (see config.Config.Factors).
	Factors    []string
	Summary    string
	Visibility string
	// Impact is the free-form impact map; "customers" and "duration_minutes"
	// are understood by the site and search.
	Impact map[string]any

	// Started, Detected, Mitigated and Resolved come from the front matter,
	// else from the timeline: its first part when it has several.
	Started, Detected, Mitigated, Resolved time.Time
	Durations                              Durations

	// Timeline holds the events of every incident the file reports; an
	// event's Part indexes Parts.
	Timeline []timeline.Event
	// Parts lists the incidents of a file that reports several, each with
	// its own milestones and durations, which never span two of them: a
	// Timeline section with dated sub-headings that have titles of their
	// own ("### 2024-03-03 - Cache overload"), or several Timeline
	// sections, each under its own heading. It is nil for a file that
	// reports one incident.
	Parts       []Part
	ActionItems []ActionItem
	Links       []Link
	Related     []string

	// Extra holds front-matter keys inquest does not know, preserved for
	// templates and the JSON API.
	Extra map[string]any

	// Sections are the recognised and unrecognised sections of the body, in order.
	Sections []Section
	// Body is the Markdown after the front matter; BodyLine is the file line
	// of its first byte. Parse's Body shares its memory with the sections'
	// texts: it is read only, never written.
	Body     []byte
	BodyLine int

	// FieldLines maps a canonical field name to the file line it was set on.
	FieldLines map[string]int

	// Inferred lists the fields that were not written in the front matter
	// and where each came from (body key lines, the first heading, the file
	// name, the timeline, Git), in the order they were found.
	Inferred []Inference

	// Findings are the problems found while parsing and validating this file.
	Findings []Finding

	// Broken is true when the file could not be read as a postmortem at all
	// (binary, empty, unreadable front matter): it is reported, not published.
	Broken bool

	// History is filled in by the history stage; nil when there is none.
	History *History

	// fields is what Parser.Fields gives for the content Parse read; nil
	// when Parse did not get as far as the front matter.
	fields map[string]string
	// dates is what the file's numeric dates say about the order of day
	// and month, for deciding the repository's order.
	dates dateFigures
	// startedAt is Started as written, in its own zone: the incident's
	// day is the day there. startedKey is the front-matter key it was
	// written under, if any.
	startedAt  time.Time
	startedKey string
	// dateZone is the zone the front matter's date states with its time
	// ("date: 2021-05-04 10:00:00 +0200", as Jekyll and Hugo write a
	// post's), and dateLine its line; nil when it states none.
	dateZone *time.Location
	dateLine int
}

// dateFigures are what a file's numeric dates say about the order of day
// and month: the orders its unambiguous dates show (in the timeline, the
// title and the file name), how many of its timeline's dates read both
// ways, whether the timeline's own dates decided how they were read, and
// how many dates outside the timeline (a Date key line, the title, the file
// name) read both ways and were needed.
type dateFigures struct {
	votes     timeline.OrderVotes
	ambiguous int
	own       bool
	outside   int
}

// DateMonth is the DatePrecision of a date known to the month only.
const DateMonth = "month"

// Part is one incident of a postmortem that reports several (see
// Incident.Parts).
type Part struct {
	// Title is the heading that names the incident.
	Title string
	// Line is the line of that heading.
	Line                                   int
	Started, Detected, Mitigated, Resolved time.Time
	Durations                              Durations
}

// ParsedFields returns what Parser.Fields gives for the content this
// incident was parsed from, or nil when unknown, so that the history stage
// need not parse the work-tree version of a file again.
func (inc *Incident) ParsedFields() map[string]string { return inc.fields }

// Durations are the incident's phase lengths; zero when unknown.
type Durations struct {
	Detect   time.Duration
	Mitigate time.Duration
	Resolve  time.Duration
}

// Link is an external link attached to an incident.
type Link struct {
	Title string
	URL   string
}

// ActionItem is one follow-up from a postmortem.
type ActionItem struct {
	Title string
	// Owner comes only from an explicit form: an owner column, an
	// @handle, a [handle] at the start, "Owner: Name", or a name after a
	// dash followed by other fields ("— Jane Doe, due 2024-04-01").
	Owner    string
	Due      time.Time // civil date at 00:00 UTC; zero when not given
	Priority string
	// Status is StatusOpen, StatusDone or, when the item says neither,
	// StatusUnknown.
	Status string
	// Link is the tracker URL of the item.
	Link string
	// Ticket is the bug or ticket the item refers to, as written:
	// "ABC-123", "bug 1234567", "#42".
	Ticket string
	// Detail is the Markdown of the sub-bullets written under the item,
	// one per line, as written.
	Detail string
	Line   int // file line where it was written
}

// Overdue reports whether the item is open and its due date is before now.
// An item whose status is unknown is not overdue: nothing says it is
// still open.
func (a ActionItem) Overdue(now time.Time) bool {
	return a.Status == StatusOpen && !a.Due.IsZero() && a.Due.Before(now.Truncate(24*time.Hour))
}

// Action item statuses.
const (
	StatusOpen    = "open"
	StatusDone    = "done"
	StatusUnknown = "unknown"
)

// SectionKind names a recognised section of the postmortem template.
type SectionKind string

// The sections of the blameless "Correction of Errors" template.
const (
	SectionOther            SectionKind = ""
	SectionSummary          SectionKind = "summary"
	SectionImpact           SectionKind = "impact"
	SectionTimeline         SectionKind = "timeline"
	SectionFactors          SectionKind = "contributing_factors"
	SectionLessons          SectionKind = "lessons"
	SectionActionItems      SectionKind = "action_items"
	SectionSupportingData   SectionKind = "supporting_data"
	SectionResponseAnalysis SectionKind = "response_analysis"
	SectionPostAnalysis     SectionKind = "post_incident_analysis"
)

// Section is a heading and the Markdown under it, up to the next heading of
// the same or a higher level.
type Section struct {
	Kind    SectionKind
	Heading string // heading text as written
	Level   int
	Line    int    // file line of the heading
	Text    string // Markdown content below the heading
	// Start and End are the byte offsets in the incident's Body of the
	// heading's first byte and of the end of the section's text.
	Start, End int
}

// Finding levels.
const (
	LevelError   = "error"
	LevelWarning = "warning"
	LevelInfo    = "info"
)

// Finding is one problem in a file, at a line and column of the original file.
type Finding struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Level   string `json:"level"`
	Rule    string `json:"rule,omitempty"`
	Message string `json:"message"`
}

// History is the audit trail of one postmortem read from Git.
type History struct {
	Created      time.Time
	Updated      time.Time
	Revisions    []Revision // newest first
	Contributors []Person
	SignOffs     []SignOff
	Review       Review
	// Uncommitted is true when the work tree differs from HEAD for this file.
	Uncommitted bool
	// Items says when each action item of the incident first appeared in
	// the file and when it was marked done, in the order of
	// Incident.ActionItems; nil when not read (package history fills it
	// in with its field changes).
	Items []ItemLife
}

// ItemLife is when one action item first appeared in a postmortem and when
// it was marked done, read from the file's revisions in Git.
type ItemLife struct {
	// Opened is the date of the revision the item first appeared in, and
	// OpenedCommit that revision; zero when no committed version holds it
	// (it was written since the last commit).
	Opened       time.Time
	OpenedCommit string
	// Closed is the date of the revision that marked the item done (its
	// box ticked or its status changed to done or closed), and
	// ClosedCommit that revision; zero while it is not done, and for an
	// item that was already done when it first appeared (DoneWhenAdded),
	// since Git does not say when that one was done.
	Closed        time.Time
	ClosedCommit  string
	DoneWhenAdded bool
	// InFirstVersion says the item was in the file's first committed
	// version: Git then says only that it was opened by then.
	InFirstVersion bool
}

// Person is a name and email, after .mailmap.
type Person struct {
	Name  string
	Email string
}

// Revision is one commit that changed a postmortem.
type Revision struct {
	Commit    string
	Author    Person
	Date      time.Time // author date, in the author's zone
	Committer Person
	Subject   string
	Body      string
	PR        int // pull/merge request number, 0 when none
	// Path is the file's path at this revision (differs before a rename).
	Path     string
	Trailers []Trailer
	Changes  []FieldChange
	// Diff is the words and lines each section of the text gained and
	// lost in this revision, in the order of the text; nil when it was
	// not compared (see package revdiff).
	Diff []SectionChange
}

// Trailer is a commit message trailer such as "Signed-off-by: Jane <j@x>".
type Trailer struct {
	Key   string
	Name  string
	Email string
	Value string
}

// FieldChange is one front-matter field changed by a revision.
type FieldChange struct {
	Field string
	From  string
	To    string
}

// SectionChange is what a change of the text did to one section: the
// front matter ("front_matter"), a SectionKind, or "body" for text outside
// every recognised section.
type SectionChange struct {
	Section string
	// Heading is the section's heading as written; "" for the front
	// matter and for text before the first heading.
	Heading        string
	Added, Removed int // words
	Lines          int // lines changed, a replaced line counted once
}

// SignOff is a reviewer's approval recorded in Git.
type SignOff struct {
	Name    string
	Email   string
	Trailer string // e.g. "Reviewed-by", or "merge" for the merger of a PR
	Commit  string
	Date    time.Time
	// Stale is true when the file's content changed in a later commit.
	Stale bool
	// Since is what changed in the text from the version signed off to
	// the current one, by section, and SinceFields the front-matter
	// fields that changed; both nil when not Stale or not compared.
	Since       []SectionChange
	SinceFields []FieldChange
}

// Review compares the peer-review committee with the sign-offs.
type Review struct {
	Required []string
	Signed   []string
	Missing  []string
	Stale    []string
}
