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

// weekdays holds lower-case weekday names and abbreviations, which may
// precede a date ("Friday, March 1").
var weekdays = map[string]bool{
	"mon": true, "monday": true, "tue": true, "tues": true, "tuesday": true,
	"wed": true, "wednesday": true, "thu": true, "thur": true, "thurs": true,
	"thursday": true, "fri": true, "friday": true, "sat": true, "saturday": true,
	"sun": true, "sunday": true,
}

// scanStamp reads a timestamp at s[i:]: a date, a time of day, or both,
// followed by an optional zone. yearHint supplies the year for dates
// written without one ("Mar 1"). It returns the end of the timestamp and
// false when s[i:] does not start with one.
func scanStamp(s string, i, yearHint int) (stamp, int, bool) {
	if len(s)-i > maxStampLen {
		s = s[:i+maxStampLen]
	}
	var st stamp
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
		}
	} else {
		j, ok = scanClock(s, i, &st)
		if !ok {
			return stamp{}, i, false
		}
	}
	if st.hasTime && !iso && !st.seconds {
		j = skipRangeEnd(s, j)
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
	if j < len(s) && isAlnum(s[j]) {
		return stamp{}, i, false
	}
	return st, j, true
}

// skipRangeEnd skips the end of a time range ("09:19–09:25", "9:19 to
// 9:40") so that the entry's text starts after it; the event keeps the
// start of the range.
func skipRangeEnd(s string, j int) int {
	k := skipSpaces(s, j)
	switch {
	case strings.HasPrefix(s[k:], "-") && !strings.HasPrefix(s[k:], "--"):
		k++
	case strings.HasPrefix(s[k:], "\u2013"):
		k += len("\u2013")
	case hasPrefixFold(s[k:], "to "):
		k += 3
	default:
		return j
	}
	k = skipSpaces(s, k)
	var end stamp
	if e, ok := scanClock(s, k, &end); ok && end.hasTime && end.bad == "" {
		return e
	}
	return j
}

// scanDate reads a date at s[i:]: ISO ("2024-03-01", "2024/03/01"),
// month first ("March 1, 2024", "Mar 1"), or day first ("1 Mar 2024"),
// optionally after a weekday ("Fri, Mar 1").
func scanDate(s string, i, yearHint int, st *stamp) (int, bool) {
	if w, j := wordAt(s, i); w != "" && weekdays[strings.ToLower(w)] {
		if j < len(s) && s[j] == '.' {
			j++
		}
		if j < len(s) && s[j] == ',' {
			j++
		}
		if k := skipSpaces(s, j); k > j {
			return scanDateOnly(s, k, yearHint, st)
		}
		return i, false
	}
	return scanDateOnly(s, i, yearHint, st)
}

func scanDateOnly(s string, i, yearHint int, st *stamp) (int, bool) {
	var y, d, j int
	var m time.Month
	yearGiven := true
	switch {
	case digitsAt(s, i) == 4 && i+4 < len(s) && (s[i+4] == '-' || s[i+4] == '/' || s[i+4] == '.'):
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
	case digitsAt(s, i) == 1 || digitsAt(s, i) == 2:
		nd := digitsAt(s, i)
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
	}
	if j < len(s) && isDigit(s[j]) {
		return i, false
	}
	pm, k, ok := meridiem(s, j)
	if !ok && needMeridiem {
		return i, false
	}
	raw := s[i:j]
	if ok {
		raw = s[i:k]
		j = k
		if h < 1 || h > 12 || m > 59 || sec > 60 {
			st.bad = fmt.Sprintf("invalid time %s: expected hours 1-12 and minutes 00-59", raw)
			st.hasTime = false
			return j, true
		}
		h %= 12
		if pm {
			h += 12
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

// splitEntry separates a leading timestamp, with any emphasis, code or
// bracket wrapped around it ("**14:02 UTC**:", "`14:02`", "[14:02]") and the
// separator after it (em dash, en dash, hyphen, colon, pipe, arrow, comma),
// from the text of an entry.
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
	st, j, ok := scanStamp(s, i, yearHint)
	if !ok {
		return split{text: s}
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
	k := skipSpaces(s, j)
	if e, ok := skipSeparator(s, k); ok {
		k = skipSpaces(s, e)
	}
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

// separators are the marks written between a timestamp and its text.
var separators = [...]string{"\u2014", "\u2013", "\u2192", "->", "=>", "--", ":", "|", ","}

// skipSeparator skips one separator at s[k:].
func skipSeparator(s string, k int) (int, bool) {
	for _, sep := range separators {
		if strings.HasPrefix(s[k:], sep) {
			return k + len(sep), true
		}
	}
	if k < len(s) && s[k] == '-' && (k+1 == len(s) || s[k+1] == ' ' || s[k+1] == '\t') {
		return k + 1, true
	}
	return k, false
}

// isDateLine reports whether a split entry is a date on its own, which sets
// the date for the time-only entries after it.
func (sp split) isDateLine() bool {
	return sp.found && sp.st.bad == "" && sp.st.hasDate && !sp.st.hasTime && sp.text == ""
}
