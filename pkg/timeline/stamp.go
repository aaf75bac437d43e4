package timeline

import (
	"fmt"
	"strings"
	"time"
)

// stamp is a timestamp as written at the start of an entry. Any of its
// parts may be missing; bad is set when the parts are there but do not make
// a real date or time.
type stamp struct {
	year        int
	month       time.Month
	day         int
	hasDate     bool
	hour        int
	min         int
	sec         int
	nsec        int
	hasTime     bool
	unknownTime bool // written as "--:--": the date is known, the time is not
	seconds     bool // the time gave seconds, as RFC 3339 does
	zone        zone
	hasZone     bool
	bad         string
	// warn is a problem that did not stop the time being read, such as
	// "13:55 PM".
	warn string
	// approx reports a time written as approximate: "~19:00", "15:00ish",
	// "around 14:10".
	approx bool
	// endHour and endMin are the end of a range ("02:00-04:30"); hasEnd
	// reports one.
	endHour, endMin int
	hasEnd          bool
	// weekday is a day of the week written with or instead of a date;
	// hasWeekday reports one.
	weekday    time.Weekday
	hasWeekday bool
	// numeric reports a date such as 04/05/2023 whose order num holds;
	// year, month and day hold its first real reading until the resolver
	// decides the order.
	numeric bool
	num     numDate
	// rel is a time relative to the start of the incident ("T+0:20",
	// "+45m"); hasRel reports one.
	rel    time.Duration
	hasRel bool
	raw    string // the relative time as written
}

// minYear is the earliest year accepted in a date.
const minYear = 1900

// maxStampLen bounds how far into an entry a timestamp is looked for, so
// that the cost of an entry does not depend on the length of its text.
const maxStampLen = 96

// months maps lower-case month names and abbreviations to months.
var months = map[string]time.Month{
	"jan": time.January, "january": time.January,
	"feb": time.February, "february": time.February,
	"mar": time.March, "march": time.March,
	"apr": time.April, "april": time.April,
	"may": time.May,
	"jun": time.June, "june": time.June,
	"jul": time.July, "july": time.July,
	"aug": time.August, "august": time.August,
	"sep": time.September, "sept": time.September, "september": time.September,
	"oct": time.October, "october": time.October,
	"nov": time.November, "november": time.November,
	"dec": time.December, "december": time.December,
}

// weekdays maps lower-case weekday names and abbreviations, which may
// precede or follow a date ("Friday, March 1", "July 9, 2023 (Sunday)").
var weekdays = map[string]time.Weekday{
	"mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday,
	"sun": time.Sunday, "sunday": time.Sunday,
}

// scanStamp reads a timestamp at s[i:]: a date, a time of day, or both
// (in either order), followed by an optional zone, or a time relative to
// the start of the incident. yearHint supplies the year for dates written
// without one ("Mar 1"). It returns the end of the timestamp and false
// when s[i:] does not start with one.
func scanStamp(s string, i, yearHint int) (stamp, int, bool) {
	if len(s)-i > maxStampLen {
		s = s[:i+maxStampLen]
	}
	var st stamp
	if j, ok := scanRelative(s, i, &st); ok {
		return st, j, true
	}
	iso := false // an RFC 3339 style stamp, where "-05:00" is an offset, not the end of a range
	j, ok := scanDate(s, i, yearHint, &st)
	if ok {
		k := j
		switch {
		case k+1 < len(s) && (s[k] == 'T' || s[k] == 't') && isDigit(s[k+1]):
			k++
			iso = true
		default:
			if k < len(s) && s[k] == ',' {
				k++
			}
			k = skipSpaces(s, k)
			if k < len(s) && s[k] == '@' {
				k = skipSpaces(s, k+1)
			} else if hasPrefixFold(s[k:], "at ") {
				k = skipSpaces(s, k+3)
			}
		}
		if e, ok := scanClock(s, k, &st); ok {
			j = e
		} else if e, ok := scanHHMM(s, k, &st, false); ok {
			j = e
		}
	} else {
		j, ok = scanClock(s, i, &st)
		if !ok {
			j, ok = scanHHMM(s, i, &st, true)
		}
		if !ok {
			return stamp{}, i, false
		}
	}
	if st.hasTime {
		j = skipIsh(s, j, &st)
		if !iso && !st.seconds {
			j = skipRangeEnd(s, j, &st)
		}
	}
	if st.hasTime || st.unknownTime || st.bad != "" {
		if z, e, ok := scanZone(s, j, true); ok {
			st.zone, st.hasZone, j = z, true, e
		} else if k := skipSpaces(s, j); k > j {
			if z, e, ok := scanZone(s, k, false); ok {
				st.zone, st.hasZone, j = z, true, e
			}
		}
	}
	if st.hasTime && !st.hasDate && st.bad == "" {
		j = scanDateAfter(s, j, yearHint, &st)
	}
	if j < len(s) && isAlnum(s[j]) {
		return stamp{}, i, false
	}
	return st, j, true
}

// skipIsh skips an "ish" written right after a time ("15:00ish",
// "3pm-ish"), which makes it approximate.
func skipIsh(s string, j int, st *stamp) int {
	k := j
	if k < len(s) && s[k] == '-' {
		k++
	}
	if hasPrefixFold(s[k:], "ish") && (k+3 == len(s) || !isLetter(s[k+3])) {
		st.approx = true
		return k + 3
	}
	return j
}

// scanDateAfter reads a date or a weekday written after a time ("10:12 3rd
// Dec 2024", "09:45 AM PST Friday Nov 4th", "16:20 UTC Thursday"), which
// sets the day of the entry. A weekday alone must be followed by a
// separator or the end, so that "10:00 Sat down with the team" keeps its
// words.
func scanDateAfter(s string, j, yearHint int, st *stamp) int {
	k := j
	if k < len(s) && s[k] == ',' {
		k++
	}
	k = skipSpaces(s, k)
	if k == j && (k >= len(s) || s[k] != ',') {
		return j
	}
	if hasPrefixFold(s[k:], "on ") {
		k = skipSpaces(s, k+3)
	}
	if k >= len(s) || !isDigit(s[k]) && (s[k] < 'A' || s[k] > 'Z') && s[k] != '(' {
		// Dates and weekdays start with a digit or a capital: most
		// entries' text is neither.
		return j
	}
	if k < len(s) && s[k] == '(' {
		// "09:00 (Friday)"
		if wd, e, ok := weekdayAt(s, k+1); ok && e < len(s) && s[e] == ')' {
			st.weekday, st.hasWeekday = wd, true
			return e + 1
		}
		return j
	}
	var d stamp
	if e, ok := scanDate(s, k, yearHint, &d); ok && (d.hasDate || d.bad != "") {
		st.year, st.month, st.day, st.hasDate = d.year, d.month, d.day, d.hasDate
		st.numeric, st.num = d.numeric, d.num
		st.weekday, st.hasWeekday = d.weekday, d.hasWeekday
		if d.bad != "" {
			st.bad = d.bad
		}
		return e
	}
	wd, e, ok := weekdayAt(s, k)
	if !ok {
		return j
	}
	if f := skipSpaces(s, e); f == len(s) || isSeparatorAt(s, f) {
		st.weekday, st.hasWeekday = wd, true
		return e
	}
	return j
}

// scanRelative reads a time relative to the start of the incident at
// s[i:]: "T+0:20", "T+20m", "T-5m", "T+1h30m", "+45m", "+2 hours". A minus
// needs the T, so that list markers and negative numbers are not read as
// times.
func scanRelative(s string, i int, st *stamp) (int, bool) {
	j := i
	hasT := j < len(s) && (s[j] == 'T' || s[j] == 't')
	if hasT {
		j++
	}
	sign := time.Duration(1)
	switch {
	case j < len(s) && s[j] == '+':
		j++
	case hasT && j < len(s) && s[j] == '-':
		sign, j = -1, j+1
	case hasT && strings.HasPrefix(s[j:], "\u2212"):
		sign, j = -1, j+len("\u2212")
	default:
		return i, false
	}
	var d time.Duration
	n := digitsAt(s, j)
	switch {
	case n >= 1 && n <= 3 && j+n+2 < len(s) && s[j+n] == ':' && digitsAt(s, j+n+1) == 2:
		d = time.Duration(atoi(s[j:j+n]))*time.Hour + time.Duration(atoi(s[j+n+1:j+n+3]))*time.Minute
		j += n + 3
		if j+2 < len(s) && s[j] == ':' && digitsAt(s, j+1) == 2 {
			d += time.Duration(atoi(s[j+1:j+3])) * time.Second
			j += 3
		}
	case hasT && n == 1 && s[j] == '0' && (j+1 == len(s) || !isAlnum(s[j+1])):
		j++
	default:
		parts := 0
		for {
			n := digitsAt(s, j)
			if n < 1 || n > 4 {
				break
			}
			k := j + n
			if k < len(s) && s[k] == ' ' {
				k++
			}
			w, e := wordAt(s, k)
			unit, ok := relUnits[strings.ToLower(w)]
			if w == "" || !ok {
				break
			}
			d += time.Duration(atoi(s[j:j+n])) * unit
			j, parts = e, parts+1
		}
		if parts == 0 {
			return i, false
		}
	}
	if j < len(s) && isAlnum(s[j]) {
		return i, false
	}
	st.rel, st.hasRel, st.raw = sign*d, true, s[i:j]
	return j, true
}

// relUnits are the units of a relative time.
var relUnits = map[string]time.Duration{
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"m": time.Minute, "min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
}

// scanHHMM reads a time written as four digits, "1420". Such a time must
// follow a date ("2019-04-02 1420 UTC") or, with needZone, be followed by
// a zone ("1420Z", "1420 UTC") or the hours' word ("1420 hrs", "1420h"),
// so that a number starting an entry is not read as a time.
func scanHHMM(s string, i int, st *stamp, needZone bool) (int, bool) {
	if digitsAt(s, i) != 4 {
		return i, false
	}
	j := i + 4
	h, m := atoi(s[i:i+2]), atoi(s[i+2:j])
	if h > 23 || m > 59 {
		return i, false
	}
	if k, ok := hoursWord(s, j); ok {
		st.hour, st.min, st.hasTime = h, m, true
		return k, true
	}
	if needZone {
		_, _, attached := scanZone(s, j, true)
		_, _, spaced := scanZone(s, skipSpaces(s, j), false)
		if !attached && (!spaced || skipSpaces(s, j) == j) {
			return i, false
		}
	}
	st.hour, st.min, st.hasTime = h, m, true
	return j, true
}

// hoursWord reads the word that says a four-digit time is one, at s[j:]:
// "hrs", "hr" or "hours" after a space or none, or "h" right after it. It
// returns where the word ends.
func hoursWord(s string, j int) (int, bool) {
	k := skipSpaces(s, j)
	for _, w := range [...]string{"hours", "hrs", "hr", "h"} {
		if hasPrefixFold(s[k:], w) && (k+len(w) == len(s) || !isLetter(s[k+len(w)])) && (w != "h" || k == j) {
			return k + len(w), true
		}
	}
	return j, false
}

// skipRangeEnd skips the end of a time range ("09:19–09:25", "9:19 to
// 9:40", "12:26-12:??") so that the entry's text starts after it, and
// records the end when it is readable. A range is never read as a UTC
// offset.
func skipRangeEnd(s string, j int, st *stamp) int {
	k := skipSpaces(s, j)
	switch {
	case strings.HasPrefix(s[k:], "-") && !strings.HasPrefix(s[k:], "--"):
		k++
	case strings.HasPrefix(s[k:], "\u2013"):
		k += len("\u2013")
	case hasPrefixFold(s[k:], "to "):
		k += 3
	case hasPrefixFold(s[k:], "until "):
		k += 6
	default:
		return j
	}
	k = skipSpaces(s, k)
	var end stamp
	if e, ok := scanClock(s, k, &end); ok && end.bad == "" {
		if end.hasTime {
			st.endHour, st.endMin, st.hasEnd = end.hour, end.min, true
		}
		return e
	}
	// An end not known yet: "12:26-12:??", "12:26-12:xx".
	if n := digitsAt(s, k); n >= 1 && n <= 2 && k+n+3 <= len(s) && s[k+n] == ':' {
		switch strings.ToLower(s[k+n+1 : k+n+3]) {
		case "??", "xx", "--":
			return k + n + 3
		}
	}
	return j
}

// scanDate reads a date at s[i:]: ISO ("2024-03-01", "2024/03/01"),
// numeric in either order ("04/18/2023", "18-04-2023", "5/14/22",
// "18.04.2023"), month first ("March 1, 2024", "Mar 1"), or day first
// ("1 Mar 2024", "3rd Dec 2024"), optionally after a weekday ("Fri, Mar 1")
// or followed by one ("July 9, 2023 (Sunday)").
func scanDate(s string, i, yearHint int, st *stamp) (int, bool) {
	if w, j := wordAt(s, i); w != "" {
		wd, ok := weekdays[strings.ToLower(w)]
		if !ok {
			return scanDateOnly(s, i, yearHint, st)
		}
		if j < len(s) && s[j] == '.' {
			j++
		}
		if j < len(s) && s[j] == ',' {
			j++
		}
		if k := skipSpaces(s, j); k > j {
			e, ok := scanDateOnly(s, k, yearHint, st)
			if ok {
				st.weekday, st.hasWeekday = wd, true
			}
			return e, ok
		}
		return i, false
	}
	return scanDateOnly(s, i, yearHint, st)
}

func scanDateOnly(s string, i, yearHint int, st *stamp) (int, bool) {
	var y, d, j int
	var m time.Month
	yearGiven := true
	nd := digitsAt(s, i)
	switch {
	case nd == 4 && i+4 < len(s) && (s[i+4] == '-' || s[i+4] == '/' || s[i+4] == '.'):
		sep := s[i+4]
		k := i + 5
		nm := digitsAt(s, k)
		if nm < 1 || nm > 2 || k+nm >= len(s) || s[k+nm] != sep {
			return i, false
		}
		nd := digitsAt(s, k+nm+1)
		if nd < 1 || nd > 2 {
			return i, false
		}
		y, m, d = atoi(s[i:i+4]), time.Month(atoi(s[k:k+nm])), atoi(s[k+nm+1:k+nm+1+nd])
		j = k + nm + 1 + nd
	case (nd == 1 || nd == 2) && i+nd < len(s) && (s[i+nd] == '/' || s[i+nd] == '-' || s[i+nd] == '.'):
		return scanNumericDate(s, i, yearHint, st)
	case i < len(s) && s[i] >= 'A' && s[i] <= 'Z':
		w, k := wordAt(s, i)
		mm, ok := months[strings.ToLower(w)]
		if !ok {
			return i, false
		}
		if k < len(s) && s[k] == '.' {
			k++
		}
		k2 := skipSpaces(s, k)
		nd := digitsAt(s, k2)
		if k2 == k || nd < 1 || nd > 2 {
			return i, false
		}
		m, d = mm, atoi(s[k2:k2+nd])
		j = skipOrdinal(s, k2+nd)
		y, j, yearGiven = yearAfter(s, j)
	case nd == 1 || nd == 2:
		k := skipOrdinal(s, i+nd)
		k2 := skipSpaces(s, k)
		if k2 == k || k2 >= len(s) || s[k2] < 'A' || s[k2] > 'Z' {
			return i, false
		}
		w, k3 := wordAt(s, k2)
		mm, ok := months[strings.ToLower(w)]
		if !ok {
			return i, false
		}
		if k3 < len(s) && s[k3] == '.' {
			k3++
		}
		m, d = mm, atoi(s[i:i+nd])
		y, j, yearGiven = yearAfter(s, k3)
	default:
		return i, false
	}
	if j < len(s) && isDigit(s[j]) {
		return i, false
	}
	st.hasDate = true
	raw := s[i:j]
	j = weekdayAfter(s, j, st)
	if !yearGiven {
		if yearHint == 0 {
			st.bad = fmt.Sprintf("date %s has no year: expected a year or an incident date", raw)
			return j, true
		}
		y = yearHint
	}
	if y < minYear {
		// Such years are typing mistakes, and year 1 would collide with the
		// zero time.Time that marks an entry without a time.
		st.bad = fmt.Sprintf("invalid date %s: expected a year from %d on", raw, minYear)
		return j, true
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		st.bad = fmt.Sprintf("invalid date %s: expected a real calendar date", raw)
		return j, true
	}
	st.year, st.month, st.day = y, m, d
	return j, true
}

// scanNumericDate reads a numeric date whose first field is one or two
// digits: "04/18/2023", "18-04-2023", "5/14/22", "18.04.2023" (dots need a
// four-digit year, so that version numbers are not dates). Its order is
// left for the resolver when it reads both ways. A month and day with a
// slash and no year ("3/14", "14/3") is one only when a time of day
// follows it ("3/14 1:10pm"), and takes yearHint.
func scanNumericDate(s string, i, yearHint int, st *stamp) (int, bool) {
	na := digitsAt(s, i)
	sep := s[i+na]
	k := i + na + 1
	nb := digitsAt(s, k)
	if nb >= 1 && nb <= 2 && sep == '/' && timeFollows(s, k+nb) {
		return scanYearless(s, i, k, nb, yearHint, st)
	}
	if nb < 1 || nb > 2 || k+nb >= len(s) || s[k+nb] != sep {
		return i, false
	}
	k2 := k + nb + 1
	nc := digitsAt(s, k2)
	if nc != 2 && nc != 4 || sep == '.' && nc != 4 {
		return i, false
	}
	j := k2 + nc
	if j < len(s) && (s[j] == sep || isLetter(s[j])) {
		return i, false
	}
	n := numDate{a: atoi(s[i : i+na]), b: atoi(s[k : k+nb]), c: atoi(s[k2:j]), c2: nc == 2, raw: s[i:j]}
	st.hasDate = true
	j = weekdayAfter(s, j, st)
	st.setNumeric(n)
	return j, true
}

// setNumeric sets the numeric date n as st's date, in the first order in
// which it is a real date (the resolver reads it again when it reads
// both ways), or says it is none.
func (st *stamp) setNumeric(n numDate) {
	rs := n.readings()
	if len(rs) == 0 {
		st.bad = fmt.Sprintf("invalid date %s: expected a real calendar date", n.raw)
		return
	}
	dd, _ := n.reading(rs[0])
	st.year, st.month, st.day = dd.Year, dd.Month, dd.Day
	st.numeric, st.num = true, n
}

// timeFollows reports whether s[j:] is spaces and then a time of day
// ("1:10pm", "09:00 UTC").
func timeFollows(s string, j int) bool {
	k := skipSpaces(s, j)
	if k == j {
		return false
	}
	n := digitsAt(s, k)
	return (n == 1 || n == 2) && k+n < len(s) && s[k+n] == ':'
}

// scanYearless reads the month and day at s[i:] whose second field is the
// nb digits at s[k:], in the year yearHint, as scanNumericDate reads a
// date with a year.
func scanYearless(s string, i, k, nb, yearHint int, st *stamp) (int, bool) {
	j := k + nb
	n := numDate{a: atoi(s[i : k-1]), b: atoi(s[k:j]), c: yearHint, raw: s[i:j]}
	st.hasDate = true
	if yearHint == 0 {
		st.bad = fmt.Sprintf("date %s has no year: expected a year or an incident date", n.raw)
		return j, true
	}
	st.setNumeric(n)
	return j, true
}

// weekdayAt reads a weekday name or abbreviation at s[k:], with an
// optional full stop ("Fri."), and returns its end.
func weekdayAt(s string, k int) (time.Weekday, int, bool) {
	w, e := wordAt(s, k)
	wd, ok := weekdays[strings.ToLower(w)]
	if w == "" || !ok {
		return 0, k, false
	}
	if e < len(s) && s[e] == '.' {
		e++
	}
	return wd, e, true
}

// weekdayAfter reads a weekday written after a date, "(Sunday)" or ",
// Sunday", and returns the end of it, or j.
func weekdayAfter(s string, j int, st *stamp) int {
	k := j
	if k < len(s) && s[k] == ',' {
		k++
	}
	k = skipSpaces(s, k)
	paren := k < len(s) && s[k] == '('
	if paren {
		k++
	} else if k == j {
		return j
	}
	wd, e, ok := weekdayAt(s, k)
	if !ok {
		return j
	}
	if paren {
		if e >= len(s) || s[e] != ')' {
			return j
		}
		e++
	} else if e < len(s) && isAlnum(s[e]) {
		return j
	}
	st.weekday, st.hasWeekday = wd, true
	return e
}

// yearAfter reads an optional ", 2024" or " 2024" after a month and day.
func yearAfter(s string, j int) (int, int, bool) {
	k := j
	if k < len(s) && s[k] == ',' {
		k++
	}
	k2 := skipSpaces(s, k)
	if k2 > k && digitsAt(s, k2) == 4 {
		return atoi(s[k2 : k2+4]), k2 + 4, true
	}
	return 0, j, false
}

// skipOrdinal skips "st", "nd", "rd" or "th" after a day of the month.
func skipOrdinal(s string, j int) int {
	if j+2 <= len(s) {
		switch strings.ToLower(s[j : j+2]) {
		case "st", "nd", "rd", "th":
			if j+2 == len(s) || !isLetter(s[j+2]) {
				return j + 2
			}
		}
	}
	return j
}

// scanClock reads a time of day at s[i:]: "9:19", "09:19:33.250",
// "9:19 AM", "11:05pm", "9.19am", "9am", or "--:--" for a time that is not
// known.
func scanClock(s string, i int, st *stamp) (int, bool) {
	for _, u := range [...]string{"--:--", "??:??", "xx:xx", "XX:XX"} {
		if strings.HasPrefix(s[i:], u) {
			j := i + len(u)
			if strings.HasPrefix(s[j:], u[2:]) {
				j += 3
			}
			st.unknownTime = true
			return j, true
		}
	}
	nh := digitsAt(s, i)
	if nh < 1 || nh > 2 {
		return i, false
	}
	h, m, sec, nsec := atoi(s[i:i+nh]), 0, 0, 0
	j := i + nh
	needMeridiem := true
	switch {
	case j < len(s) && s[j] == ':':
		if digitsAt(s, j+1) != 2 {
			return i, false
		}
		m = atoi(s[j+1 : j+3])
		j += 3
		needMeridiem = false
		if j < len(s) && s[j] == ':' && digitsAt(s, j+1) == 2 {
			sec = atoi(s[j+1 : j+3])
			j += 3
			st.seconds = true
			if j < len(s) && (s[j] == '.' || s[j] == ',') && digitsAt(s, j+1) > 0 {
				n := digitsAt(s, j+1)
				frac := s[j+1 : j+1+min(n, 9)]
				nsec = atoi(frac)
				for k := len(frac); k < 9; k++ {
					nsec *= 10
				}
				j += 1 + n
			}
		}
	case j < len(s) && s[j] == '.' && digitsAt(s, j+1) == 2:
		m = atoi(s[j+1 : j+3])
		j += 3
	case j+3 <= len(s) && (s[j] == 'h' || s[j] == 'H') && digitsAt(s, j+1) == 2 && (j+3 == len(s) || !isLetter(s[j+3])):
		// "09h45", as French and Portuguese write the time.
		m = atoi(s[j+1 : j+3])
		j += 3
		needMeridiem = false
	}
	if j < len(s) && isDigit(s[j]) {
		return i, false
	}
	if !needMeridiem {
		// "14:00h", "14:00 Uhr": the hour's word after a 24-hour time.
		if j < len(s) && s[j] == 'h' && (j+1 == len(s) || !isLetter(s[j+1])) {
			j++
		} else if k := skipSpaces(s, j); k > j && hasPrefixFold(s[k:], "uhr") && (k+3 == len(s) || !isLetter(s[k+3])) {
			j = k + 3
		}
	}
	pm, k, ok := meridiem(s, j)
	if !ok && needMeridiem {
		return i, false
	}
	raw := s[i:j]
	if ok {
		raw = s[i:k]
		j = k
		switch {
		case !needMeridiem && h <= 23 && (h == 0 || h > 12) && m <= 59 && sec <= 60:
			// "13:55 PM", "00:30 PM": a 24-hour time with a meridiem that
			// contradicts or repeats it; the hours as written win.
			if h > 12 || pm {
				st.warn = fmt.Sprintf("time %s is not a 12-hour time: read as %02d:%02d", raw, h, m)
			}
		case h < 1 || h > 12 || m > 59 || sec > 60:
			st.bad = fmt.Sprintf("invalid time %s: expected hours 1-12 and minutes 00-59", raw)
			st.hasTime = false
			return j, true
		default:
			h %= 12
			if pm {
				h += 12
			}
		}
	} else if h > 23 || m > 59 || sec > 60 {
		st.bad = fmt.Sprintf("invalid time %s: expected hours 00-23 and minutes 00-59", raw)
		return j, true
	}
	st.hour, st.min, st.sec, st.nsec, st.hasTime = h, m, sec, nsec, true
	return j, true
}

// meridiem reads an optional "am"/"pm" (or "a.m."/"p.m."), after at most
// one space, at s[j:].
func meridiem(s string, j int) (pm bool, end int, ok bool) {
	k := j
	if k < len(s) && s[k] == ' ' {
		k++
	}
	for _, w := range [...]string{"a.m.", "p.m.", "am", "pm"} {
		if hasPrefixFold(s[k:], w) {
			e := k + len(w)
			if e < len(s) && isLetter(s[e]) {
				continue
			}
			return w[0] == 'p', e, true
		}
	}
	return false, j, false
}

// wordAt returns the run of ASCII letters at s[i:] and its end.
func wordAt(s string, i int) (string, int) {
	j := i
	for j < len(s) && j-i < 12 && isLetter(s[j]) {
		j++
	}
	if j < len(s) && isLetter(s[j]) {
		return "", i
	}
	return s[i:j], j
}

func skipSpaces(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// hasPrefixFold reports whether s starts with prefix, ignoring ASCII case;
// prefix must be lower-case.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// split is an entry divided into its leading timestamp and its text.
type split struct {
	st    stamp
	found bool
	text  string
}

// approxWords are written before a time to say it is approximate.
var approxWords = [...]string{"~", "\u2248", "around ", "circa ", "ca. ", "c. ", "approx. ", "approx ", "approximately ", "about ", "roughly "}

// splitEntry separates a leading timestamp, with any emphasis, code or
// bracket wrapped around it ("**14:02 UTC**:", "`14:02`", "[14:02]"), any
// word marking it approximate ("~19:00", "around 14:10") and the
// separators after it (em dash, en dash, hyphen, colon, pipe, arrow, comma,
// or a run of them: "::::"), from the text of an entry.
func splitEntry(s string, yearHint int) split {
	i := 0
	var open [3]string
	n := 0
wrappers:
	for n < len(open) && i < len(s) {
		switch {
		case strings.HasPrefix(s[i:], "**"), strings.HasPrefix(s[i:], "__"):
			open[n] = s[i : i+2]
			i += 2
		case s[i] == '*' || s[i] == '_' || s[i] == '`' || s[i] == '[' || s[i] == '(':
			open[n] = s[i : i+1]
			i++
		default:
			break wrappers
		}
		n++
	}
	approx := false
	if i < len(s) && (s[i] == '~' || s[i] == 0xe2 || isLetter(s[i])) && !strings.HasPrefix(s[i:], "~~") {
		for _, w := range approxWords {
			if hasPrefixFold(s[i:], w) {
				i, approx = skipSpaces(s, i+len(w)), true
				break
			}
		}
	}
	st, j, ok := scanStamp(s, i, yearHint)
	if !ok {
		return split{text: s}
	}
	st.approx = st.approx || approx
	if k := skipSpaces(s, j); hasPrefixFold(s[k:], "(approx") || hasPrefixFold(s[k:], "(est") {
		if e := strings.IndexByte(s[k:min(len(s), k+20)], ')'); e > 0 {
			j, st.approx = k+e+1, true
		}
	}
	matched := n == 0
	if n > 0 {
		k := skipSpaces(s, j)
		if e, ok := closeWrappers(s, k, open[:n]); ok {
			j, matched = e, true
		} else if e, ok := skipSeparator(s, k); ok {
			if e2, ok := closeWrappers(s, skipSpaces(s, e), open[:n]); ok {
				j, matched = e2, true
			}
		}
	}
	k := skipSeparators(s, skipSpaces(s, j))
	text := s[k:]
	if !matched {
		text = strings.Join(open[:n], "") + text
	}
	return split{st: st, found: true, text: strings.TrimSpace(text)}
}

// closeWrappers matches, at s[k:], the closing marks for the wrappers in
// open, innermost first.
func closeWrappers(s string, k int, open []string) (int, bool) {
	for m := len(open) - 1; m >= 0; m-- {
		c := open[m]
		switch c {
		case "[":
			c = "]"
		case "(":
			c = ")"
		}
		if !strings.HasPrefix(s[k:], c) {
			return k, false
		}
		k += len(c)
	}
	return k, true
}

// skipSeparator skips one separator at s[k:], one of the marks written
// between a timestamp and its text: an em or en dash, an arrow (→, ->,
// =>), "--", a colon, a pipe, a comma, "=", or a hyphen followed by a
// space or the end.
func skipSeparator(s string, k int) (int, bool) {
	if k >= len(s) {
		return k, false
	}
	switch s[k] {
	case ':', '|', ',':
		return k + 1, true
	case '=':
		if k+1 < len(s) && s[k+1] == '>' {
			return k + 2, true
		}
		return k + 1, true
	case '-':
		if k+1 < len(s) && (s[k+1] == '>' || s[k+1] == '-') {
			return k + 2, true
		}
		if k+1 == len(s) || s[k+1] == ' ' || s[k+1] == '\t' {
			return k + 1, true
		}
	case 0xe2:
		if strings.HasPrefix(s[k:], "\u2014") || strings.HasPrefix(s[k:], "\u2013") || strings.HasPrefix(s[k:], "\u2192") {
			return k + 3, true
		}
	}
	return k, false
}

// skipSeparators skips a run of separators and the space around them
// ("::::: ", "- | ").
func skipSeparators(s string, k int) int {
	for {
		e, ok := skipSeparator(s, k)
		if !ok {
			return k
		}
		k = skipSpaces(s, e)
	}
}

// isSeparatorAt reports whether a separator starts at s[k:].
func isSeparatorAt(s string, k int) bool {
	_, ok := skipSeparator(s, k)
	return ok
}

// isDateLine reports whether a split entry is a date on its own, which sets
// the date for the time-only entries after it.
func (sp split) isDateLine() bool {
	return sp.found && sp.st.bad == "" && sp.st.hasDate && !sp.st.hasTime && sp.text == ""
}
