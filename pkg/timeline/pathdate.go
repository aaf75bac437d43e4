package timeline

import (
	"strings"
	"time"
)

// Dates outside a timeline: in a title, a file name or a folder. Teams
// that write no front matter put the date where they see it: "# Incident
// disclosure 2023-06-13", 18-04-2023-checkout.md, postmortems/2024/10/.

// minPathYear and maxPathYear bound the years read from file and folder
// names, where a four-digit number is more often something else.
const (
	minPathYear = 1970
	maxPathYear = 2199
)

// FindDate finds the first date in text such as a title or heading:
// "Incident disclosure 2023-06-13", "Outage on March 3rd, 2024", "Failover
// (18/04/2023)". A date starts a word and is read as ReadDate reads it; one
// without a year takes yearHint, and is passed over when yearHint is 0. It
// returns the reading and the byte offset the date starts at.
func FindDate(s string, order DateOrder, yearHint int) (DateReading, int, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && (c < 'A' || c > 'Z') || i > 0 && isAlnum(s[i-1]) {
			continue
		}
		if r, ok := readDate(s[i:], order, yearHint); ok {
			return r, i, true
		}
	}
	return DateReading{}, 0, false
}

// NameDate reads the date in a file name without its extension, in the
// forms teams name reports: 2024-03-01-db-failover (also with _ or .),
// 18-04-2023-checkout and 04-18-2023-checkout (numeric, read in order as
// ReadDate reads them), 20240301-db, and, when yearHint is a year (a
// folder named after it, postmortems/2024/), 03-01-db: month first, unless
// order says day first or the fields can only be read day first. The date
// may stand anywhere in the name, between separators. It returns the
// reading and the byte offset the date starts at.
func NameDate(name string, order DateOrder, yearHint int) (DateReading, int, bool) {
	for i := 0; i < len(name); {
		if !isDigit(name[i]) {
			i++
			continue
		}
		groups := digitGroups(name, i)
		for k := range groups {
			if r, ok := nameDateAt(name, groups[k:], order, yearHint, len(groups)); ok {
				return r, groups[k].start, true
			}
		}
		i = groups[len(groups)-1].end
	}
	return DateReading{}, 0, false
}

// group is a run of digits in a name.
type group struct{ start, end int }

func (g group) len() int { return g.end - g.start }

// digitGroups returns the runs of digits starting at name[i:] that are
// joined by single separators ('-', '_' or '.').
func digitGroups(name string, i int) []group {
	var gs []group
	for {
		n := digitsAt(name, i)
		gs = append(gs, group{i, i + n})
		j := i + n
		if j+1 >= len(name) || !isNameSep(name[j]) || !isDigit(name[j+1]) {
			return gs
		}
		i = j + 1
	}
}

func isNameSep(c byte) bool { return c == '-' || c == '_' || c == '.' }

// nameDateAt reads a date from the digit groups gs of name, which start a
// run of total groups.
func nameDateAt(name string, gs []group, order DateOrder, yearHint, total int) (DateReading, bool) {
	field := func(g group) string { return name[g.start:g.end] }
	if len(gs) >= 3 {
		a, b, c := gs[0], gs[1], gs[2]
		switch {
		case a.len() == 4 && small(b) && small(c):
			y, m, d := atoi(field(a)), atoi(field(b)), atoi(field(c))
			if pathYear(y) && validDate(y, m, d) {
				return DateReading{Date: Date{y, time.Month(m), d}, End: c.end}, true
			}
		case small(a) && small(b) && c.len() == 4 && pathYear(atoi(field(c))):
			if r, ok := readDate(field(a)+"-"+field(b)+"-"+field(c), order, 0); ok {
				r.End = c.end
				return r, true
			}
		}
	}
	if a := gs[0]; a.len() == 8 {
		s := field(a)
		y, m, d := atoi(s[:4]), atoi(s[4:6]), atoi(s[6:])
		if pathYear(y) && validDate(y, m, d) {
			return DateReading{Date: Date{y, time.Month(m), d}, End: a.end}, true
		}
	}
	if yearHint > 0 && total == 2 && len(gs) == 2 && gs[0].len() == 2 && gs[1].len() == 2 {
		if order != DMY && order != MDY {
			order = MDY // the fields follow the year folder's: largest first
		}
		n := numDate{a: atoi(field(gs[0])), b: atoi(field(gs[1])), c: yearHint, raw: name[gs[0].start:gs[1].end]}
		if rs := n.readings(); len(rs) > 0 {
			d, used, ambiguous := n.read(order)
			return DateReading{Date: d, Order: used, Ambiguous: ambiguous, Shows: n.shows(), End: gs[1].end}, true
		}
	}
	return DateReading{}, false
}

// small reports whether a group can be a month or a day.
func small(g group) bool { return g.len() == 1 || g.len() == 2 }

func pathYear(y int) bool { return y >= minPathYear && y <= maxPathYear }

// FolderDate is a date read from the folders of a path: to the day, to the
// month, or only the year.
type FolderDate struct {
	Year int
	// Month is 0 when the folders give only the year.
	Month time.Month
	// Day is 0 when they give no day.
	Day int
	// Raw is the folder or folders the date was read from, as written:
	// "2021-05", "2024/10", "May2021".
	Raw string
}

// ReadFolderDate reads the date that the folders of dir (a slash path)
// give, the folder nearest the file first: a year and month in one folder
// ("2021-05", "2021_05", "05-2021", "May2021", "may-2021", "2021-May",
// "2021-05-outages"), a year folder with a month folder in it ("2024/10",
// "2024/october") and a day folder in that ("2024/10/03"), a whole date
// ("2024-03-01" or "2024-03-01-db-failover"), or a year folder alone.
func ReadFolderDate(dir string) (FolderDate, bool) {
	segs := strings.Split(dir, "/")
	for i := len(segs) - 1; i >= 0; i-- {
		seg := segs[i]
		if seg == "" || !isDigit(seg[0]) && !isLetter(seg[0]) {
			continue
		}
		if digitsAt(seg, 0) >= 4 {
			// A whole date, alone or before a name: "2024-03-01-db".
			r, ok := nameDateAt(seg, digitGroups(seg, 0), OrderUnknown, 0, 0)
			if ok && (r.End == len(seg) || isNameSep(seg[r.End]) || seg[r.End] == ' ') {
				return FolderDate{Year: r.Date.Year, Month: r.Date.Month, Day: r.Date.Day, Raw: seg[:r.End]}, true
			}
		}
		if y, m, n, ok := yearMonth(seg); ok {
			return FolderDate{Year: y, Month: m, Raw: seg[:n]}, true
		}
		if len(seg) != 4 || digitsAt(seg, 0) != 4 || !pathYear(atoi(seg)) {
			continue
		}
		fd := FolderDate{Year: atoi(seg), Raw: seg}
		if i+1 < len(segs) {
			if m, ok := monthOf(segs[i+1]); ok {
				fd.Month, fd.Raw = m, seg+"/"+segs[i+1]
				if i+2 < len(segs) {
					if d := segs[i+2]; small(group{0, digitsAt(d, 0)}) && digitsAt(d, 0) == len(d) && atoi(d) >= 1 && atoi(d) <= daysIn(fd.Year, m) {
						fd.Day, fd.Raw = atoi(d), fd.Raw+"/"+d
					}
				}
			}
		}
		return fd, true
	}
	return FolderDate{}, false
}

// yearMonth reads a folder named after a month of a year and returns the
// length of the part read.
func yearMonth(seg string) (int, time.Month, int, bool) {
	nd := digitsAt(seg, 0)
	switch {
	case nd == 4 && len(seg) > 4:
		y := atoi(seg[:4])
		if !pathYear(y) {
			return 0, 0, 0, false
		}
		k := 4
		if isNameSep(seg[k]) || seg[k] == ' ' {
			k++
		}
		if nm := digitsAt(seg, k); k > 4 && small(group{0, nm}) {
			m := atoi(seg[k : k+nm])
			end := k + nm
			// "2021-05" or "2021-05-outages", not "2021-05-04".
			if m >= 1 && m <= 12 && (end == len(seg) || (isNameSep(seg[end]) || seg[end] == ' ') && end+1 < len(seg) && !isDigit(seg[end+1])) {
				return y, time.Month(m), end, true
			}
			return 0, 0, 0, false
		}
		if m, ok := months[strings.ToLower(seg[k:])]; ok {
			return y, m, len(seg), true
		}
	case nd == 1 || nd == 2:
		// "05-2021"
		if nd+5 == len(seg) && isNameSep(seg[nd]) && digitsAt(seg, nd+1) == 4 {
			m, y := atoi(seg[:nd]), atoi(seg[nd+1:])
			if m >= 1 && m <= 12 && pathYear(y) {
				return y, time.Month(m), len(seg), true
			}
		}
	case nd == 0:
		// "May2021", "may-2021", "May 2021"
		j := 0
		for j < len(seg) && isLetter(seg[j]) {
			j++
		}
		m, ok := months[strings.ToLower(seg[:j])]
		if !ok || j == len(seg) {
			return 0, 0, 0, false
		}
		k := j
		if isNameSep(seg[k]) || seg[k] == ' ' {
			k++
		}
		if digitsAt(seg, k) == 4 && k+4 == len(seg) && pathYear(atoi(seg[k:])) {
			return atoi(seg[k:]), m, len(seg), true
		}
	}
	return 0, 0, 0, false
}

// monthOf reads a folder named after a month: "10", "03", "october", "Oct".
func monthOf(seg string) (time.Month, bool) {
	if nd := digitsAt(seg, 0); nd == len(seg) && (nd == 1 || nd == 2) {
		m := atoi(seg)
		return time.Month(m), m >= 1 && m <= 12
	}
	m, ok := months[strings.ToLower(seg)]
	return m, ok
}
