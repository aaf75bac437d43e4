package postmortem

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/timeline"
)

// The incident date, in the order inquest looks for it: the front
// matter's date; a Date key line in the body; the started field (front
// matter, then body); a date in the title or first heading; a date in the
// file name; a date in the folders (to the month, the day taken from the
// timeline when it has one in that month); the first timeline event; and,
// after the history stage, the first commit under any of the file's names
// (DateFromHistory). The first two are read with the other fields; the
// rest are here.

// Where a date was found, as an Inference's From says it.
const (
	fromFileName = "file name"
	fromFolder   = "folder"
	fromTimeline = "timeline"
)

// pathDates is what a file's path says about its date.
type pathDates struct {
	name    timeline.DateReading
	nameRaw string
	nameOK  bool
	folder  timeline.FolderDate
	inDir   bool
}

// readPathDates reads the dates of a file's name and folders, and counts
// the order a numeric date in the name shows.
func (p *Parser) readPathDates(inc *Incident) pathDates {
	dir, base := path.Split(inc.Source)
	base = dateStem(base)
	var pd pathDates
	pd.folder, pd.inDir = timeline.ReadFolderDate(strings.TrimSuffix(dir, "/"))
	r, at, ok := timeline.NameDate(base, p.order, pd.folder.Year)
	if ok {
		pd.name, pd.nameRaw, pd.nameOK = r, base[at:r.End], true
		inc.dates.votes.Add(r.Shows)
	}
	return pd
}

// dateStem is a file name without its extension, read for a date: an
// extension with a letter ("2024-03-01.md", not "2024.03.01").
func dateStem(base string) string {
	if ext := path.Ext(base); strings.IndexFunc(ext, isASCIILetter) >= 0 {
		return base[:len(base)-len(ext)]
	}
	return base
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// titleDate is a date found in the title or a heading.
type titleDate struct {
	r    timeline.DateReading
	raw  string
	text string // the title or heading as written
	from string // where that text is: "first heading", "front matter title", ...
	line int
	ok   bool
}

// readTitleDate finds a date in the title (unless it is the file name,
// which is read on its own) or else the first heading, and counts the
// order a numeric one shows.
func (p *Parser) readTitleDate(inc *Incident, hs []heading, bodyLine, yearHint int) titleDate {
	try := func(text, from string, line int) (titleDate, bool) {
		r, at, ok := timeline.FindDate(text, p.order, yearHint)
		if !ok {
			return titleDate{}, false
		}
		inc.dates.votes.Add(r.Shows)
		return titleDate{r: r, raw: text[at : at+r.End], text: text, from: from, line: line, ok: true}, true
	}
	from, line := "front matter title", inc.FieldLines["title"]
	for _, x := range inc.Inferred {
		if x.Field == "title" {
			from, line = x.From, x.Line
			if x.From == "key line" || x.From == "bold key line" {
				from = "title " + x.From
			}
		}
	}
	if from != fromFileName {
		if td, ok := try(inc.Title, from, line); ok {
			return td
		}
	}
	if len(hs) > 0 && stripInline(hs[0].text) != inc.Title {
		if td, ok := try(stripInline(hs[0].text), "first heading", bodyLine+hs[0].line); ok {
			return td
		}
	}
	return titleDate{}
}

// dateBeforeTimeline dates an incident that neither the front matter nor
// the body's Date key line dated, from what is known before its timeline
// is read: the started field, the title or first heading, the file name,
// the folders. It returns the month a folder names when nothing gave the
// day, for the timeline to give it (see dateAfterTimeline).
func (p *Parser) dateBeforeTimeline(inc *Incident, hs []heading, bodyLine int, pd pathDates, infer inferFunc, addf addFunc) (timeline.FolderDate, bool) {
	yearHint := pd.folder.Year
	td := p.readTitleDate(inc, hs, bodyLine, yearHint)
	if !inc.Date.IsZero() {
		return timeline.FolderDate{}, false
	}
	set := func(d timeline.Date, source string) {
		inc.Date, inc.DateSource = d.Time(), source
	}
	if !inc.startedAt.IsZero() {
		s := inc.startedAt
		set(timeline.Date{Year: s.Year(), Month: s.Month(), Day: s.Day()}, "started")
		from, key := "front matter key", ""
		for _, x := range inc.Inferred {
			if x.Field == "started" {
				from, key = x.From, x.Key
			}
		}
		if key == "" {
			key = inc.startedKey
		}
		infer("date", civil(inc.Date), inc.FieldLines["started"], from, key)
		return timeline.FolderDate{}, false
	}
	if td.ok && p.usable(inc, td.r, td.raw, "title", td.line, false, addf) {
		set(td.r.Date, "title")
		infer("date", civil(inc.Date), td.line, td.from, td.text)
		return timeline.FolderDate{}, false
	}
	if pd.nameOK && p.usable(inc, pd.name, pd.nameRaw, "file name", 0, len(pd.nameRaw) == len("03-15"), addf) {
		set(pd.name.Date, "file name")
		key := pd.nameRaw
		if key == civil(inc.Date) {
			key = "" // the value says it
		}
		infer("date", civil(inc.Date), 0, fromFileName, key)
		return timeline.FolderDate{}, false
	}
	switch {
	case pd.inDir && pd.folder.Day > 0:
		set(timeline.Date{Year: pd.folder.Year, Month: pd.folder.Month, Day: pd.folder.Day}, "folder")
		infer("date", civil(inc.Date), 0, fromFolder, pd.folder.Raw)
	case pd.inDir && pd.folder.Month > 0:
		return pd.folder, true
	}
	return timeline.FolderDate{}, false
}

// dateAfterTimeline dates an incident that nothing before its timeline
// dated: in the month a folder names, the day of the timeline's first
// event in that month, else the first of the month, known to the month
// only; else the day of the timeline's first event.
func (p *Parser) dateAfterTimeline(inc *Incident, month timeline.FolderDate, inMonth bool, infer inferFunc) {
	if !inc.Date.IsZero() {
		return
	}
	if inMonth {
		for _, e := range inc.Timeline {
			if !e.Time.IsZero() && e.Time.Year() == month.Year && e.Time.Month() == month.Month {
				inc.Date, inc.DateSource = time.Date(e.Time.Year(), e.Time.Month(), e.Time.Day(), 0, 0, 0, 0, time.UTC), "folder"
				infer("date", civil(inc.Date), e.Line, "timeline in the folder's month", month.Raw)
				return
			}
		}
		inc.Date = time.Date(month.Year, month.Month, 1, 0, 0, 0, 0, time.UTC)
		inc.DatePrecision, inc.DateSource = DateMonth, "folder"
		infer("date", inc.Date.Format("2006-01"), 0, fromFolder, month.Raw)
		return
	}
	for _, e := range inc.Timeline {
		if !e.Time.IsZero() {
			inc.Date = time.Date(e.Time.Year(), e.Time.Month(), e.Time.Day(), 0, 0, 0, 0, time.UTC)
			inc.DateSource = "timeline"
			infer("date", civil(inc.Date), e.Line, fromTimeline, "")
			return
		}
	}
}

// usable reports whether a date read from the title or the file name can
// be taken. A numeric date that reads both ways is read in the order the
// repository's dates show, else the configured one, and the reading is
// reported; with neither it is passed over with a warning, except a month
// and day under a year folder, which is read month first as the folders
// run, largest first. Such a date counts for reading the file again once
// the repository's order is known.
func (p *Parser) usable(inc *Incident, r timeline.DateReading, raw, where string, line int, monthDay bool, addf addFunc) bool {
	if !r.Ambiguous {
		return true
	}
	var how string
	switch {
	case p.order != timeline.OrderUnknown:
		addf(line, LevelInfo, "date", "date %q in the %s reads both ways: read %s, as %s, %s", raw, where, orderWords(r.Order), r.Date, p.orderFrom)
		return true
	case monthDay:
		inc.dates.outside++
		how = fmt.Sprintf("read month first, as %s, as the year folder above it runs largest first; set date_order in inquest.yaml to choose", r.Date)
		addf(line, LevelWarning, "date", "date %q in the %s reads both ways: %s", raw, where, how)
		return true
	}
	inc.dates.outside++
	addf(line, LevelWarning, "date", "date %q in the %s reads both ways, day or month first; write it as YYYY-MM-DD or set date_order in inquest.yaml (the date is taken from elsewhere)", raw, where)
	return false
}

// bodyDateOrder is the order to read a numeric date of a key line of the
// body (Date, Started, …) that reads both ways in, and why: the order in
// which it is the date of the file's name ("2021-11-03 Login outage.md"
// reads "03/11/2021" day first), else the parser's; OrderUnknown when
// neither says.
func (p *Parser) bodyDateOrder(inc *Incident, raw string) (timeline.DateOrder, string) {
	if name, ok := fileNameDate(inc.Source); ok {
		for _, o := range [...]timeline.DateOrder{timeline.DMY, timeline.MDY} {
			if r, err := timeline.ReadDate(raw, o, 0); err == nil && r.Order == o && r.Date == name {
				return o, "as the file name's date " + name.String() + " shows"
			}
		}
	}
	return p.order, p.orderFrom
}

// noteFileOrder says how a key line's date that reads both ways was read
// when the file name decided it (bodyDateOrder), over the repository's
// order or date_order; read in one of those, as every such date of the
// repository is, it says nothing, as before.
func (p *Parser) noteFileOrder(addf addFunc, line int, field, raw string, o timeline.DateOrder, d timeline.Date, from string) {
	if from == p.orderFrom {
		return
	}
	addf(line, LevelInfo, "date", "%s %q in the body reads both ways: read %s, as %s, %s", field, raw, orderWords(o), d, from)
}

// fileNameDate is the date a file's name gives by itself: ISO, with a
// month name, or numeric in the one order it reads.
func fileNameDate(source string) (timeline.Date, bool) {
	r, _, ok := timeline.NameDate(dateStem(path.Base(source)), timeline.OrderUnknown, 0)
	if !ok || r.Ambiguous {
		return timeline.Date{}, false
	}
	return r.Date, true
}

// orderWords says in words how an order reads a date.
func orderWords(o timeline.DateOrder) string {
	switch o {
	case timeline.DMY:
		return "day first"
	case timeline.YMD:
		return "year first"
	}
	return "month first"
}

// yearMonthDate reads a date known to the month, "2021-05", as front
// matter may state one.
func yearMonthDate(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	s = strings.TrimSpace(s)
	if len(s) != 7 || s[4] != '-' {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01", s)
	return t, err == nil
}

// DateFromHistory dates an incident that states its date nowhere by its
// first commit under any of its names (History.Created, which follows
// moves: a commit that only moved the file is not its first), and records
// the inference. The load stage calls it once the history is attached,
// before Validate, so that such a date counts as the date. It reports
// whether it set the date.
func (inc *Incident) DateFromHistory() bool {
	if !inc.Date.IsZero() || inc.History == nil || inc.History.Created.IsZero() {
		return false
	}
	c := inc.History.Created
	inc.Date = time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, time.UTC)
	inc.DateSource = "git"
	inc.Inferred = append(inc.Inferred, Inference{Field: "date", Value: civil(inc.Date), From: "first commit"})
	return true
}
