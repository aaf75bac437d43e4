package timeline

import (
	"slices"
	"strings"
	"time"
)

// dstRule says how a zone's offset changes over the year.
type dstRule uint8

const (
	ruleFixed dstRule = iota // one offset all year
	ruleUS                   // North American daylight saving time
	ruleEU                   // European summer time
	ruleLoc                  // a *time.Location supplied by the caller
)

// zone is a time zone as a postmortem writes it: an abbreviation, a numeric
// offset, or a regional name whose offset follows a daylight saving rule.
type zone struct {
	name string // as written; the abbreviation or offset text for fixed zones
	off  int    // seconds east of UTC; the standard offset for rule zones
	rule dstRule
	std  string // abbreviation outside daylight saving time (rule zones)
	dst  string // abbreviation during daylight saving time (rule zones)
	loc  *time.Location
	abbr bool // name is an abbreviation a preamble may redefine
}

// utcZone is the zone used when nothing else is known; its empty name keeps
// Event.Zone empty.
var utcZone = zone{}

// at returns the instant of a wall-clock time in z, in UTC, and the name of
// the zone at that instant.
func (z zone) at(y int, mo time.Month, d, h, mi, s, ns int) (time.Time, string) {
	if z.rule == ruleLoc {
		t := time.Date(y, mo, d, h, mi, s, ns, z.loc)
		name, _ := t.Zone()
		return t.UTC(), name
	}
	wall := time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	switch z.rule {
	case ruleUS, ruleEU:
		if z.inDST(wall) {
			return wall.Add(-time.Duration(z.off+3600) * time.Second), z.dst
		}
		return wall.Add(-time.Duration(z.off) * time.Second), z.std
	}
	return wall.Add(-time.Duration(z.off) * time.Second), z.name
}

// offsetAt returns the offset of z, in seconds east of UTC, at the instant t.
func (z zone) offsetAt(t time.Time) int {
	switch z.rule {
	case ruleLoc:
		_, off := t.In(z.loc).Zone()
		return off
	case ruleUS, ruleEU:
		if z.inDST(t.Add(time.Duration(z.off) * time.Second)) {
			return z.off + 3600
		}
	}
	return z.off
}

// dateOf returns the calendar date of the instant t as seen in z.
func (z zone) dateOf(t time.Time) (int, time.Month, int) {
	switch z.rule {
	case ruleLoc:
		return t.In(z.loc).Date()
	case ruleUS, ruleEU:
		wall := t.Add(time.Duration(z.off) * time.Second)
		if z.inDST(wall) {
			wall = wall.Add(time.Hour)
		}
		return wall.Date()
	}
	return t.Add(time.Duration(z.off) * time.Second).Date()
}

// location returns a *time.Location for z at the given wall-clock date, for
// callers that want the time in the zone it was written in.
func (z zone) location(y int, mo time.Month, d, h, mi int) *time.Location {
	switch z.rule {
	case ruleLoc:
		return z.loc
	case ruleUS, ruleEU:
		if z.inDST(time.Date(y, mo, d, h, mi, 0, 0, time.UTC)) {
			return time.FixedZone(z.dst, z.off+3600)
		}
		return time.FixedZone(z.std, z.off)
	}
	if z.name == "" {
		return time.UTC
	}
	return time.FixedZone(z.name, z.off)
}

// inDST reports whether the wall-clock time wall (expressed as if it were
// UTC) falls in daylight saving time under z's rule.
func (z zone) inDST(wall time.Time) bool {
	y := wall.Year()
	switch z.rule {
	case ruleUS:
		var start, end time.Time
		if y >= 2007 {
			start = nthSunday(y, time.March, 2).Add(2 * time.Hour)
			end = nthSunday(y, time.November, 1).Add(2 * time.Hour)
		} else {
			start = nthSunday(y, time.April, 1).Add(2 * time.Hour)
			end = lastSunday(y, time.October).Add(2 * time.Hour)
		}
		return !wall.Before(start) && wall.Before(end)
	case ruleEU:
		// The switch happens at 01:00 UTC everywhere in the EU; the hour
		// repeated in October is read as summer time.
		u := wall.Add(-time.Duration(z.off+3600) * time.Second)
		start := lastSunday(y, time.March).Add(time.Hour)
		end := lastSunday(y, time.October).Add(time.Hour)
		return !u.Before(start) && u.Before(end)
	}
	return false
}

// nthSunday returns midnight (as UTC) of the n-th Sunday of a month.
func nthSunday(y int, m time.Month, n int) time.Time {
	first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	shift := (7 - int(first.Weekday())) % 7
	return first.AddDate(0, 0, shift+7*(n-1))
}

// lastSunday returns midnight (as UTC) of the last Sunday of a month.
func lastSunday(y int, m time.Month) time.Time {
	last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)
	return last.AddDate(0, 0, -int(last.Weekday()))
}

// abbreviations maps the zone abbreviations found in postmortems to their
// offsets in seconds east of UTC. Where an abbreviation is ambiguous the
// reading most common in incident reports wins: IST is India, CST is US
// Central, BST is British Summer Time, AST is Atlantic.
var abbreviations = map[string]int{
	"UTC": 0, "UT": 0, "GMT": 0, "Z": 0, "WET": 0,
	"WEST": 3600, "BST": 3600, "CET": 3600, "WAT": 3600,
	"CEST": 7200, "EET": 7200, "SAST": 7200, "CAT": 7200,
	"EEST": 10800, "MSK": 10800, "EAT": 10800,
	"PKT": 18000, "IST": 19800, "NPT": 20700,
	"ICT": 25200, "WIB": 25200,
	"SGT": 28800, "HKT": 28800, "PHT": 28800, "AWST": 28800,
	"JST": 32400, "KST": 32400,
	"ACST": 34200, "AEST": 36000, "ACDT": 37800, "AEDT": 39600,
	"NZST": 43200, "NZDT": 46800,
	"NDT": -9000, "NST": -12600,
	"BRT": -10800, "ART": -10800, "ADT": -10800,
	"AST": -14400, "EDT": -14400,
	"EST": -18000, "CDT": -18000,
	"CST": -21600, "MDT": -21600,
	"MST": -25200, "PDT": -25200,
	"PST": -28800, "AKDT": -28800,
	"AKST": -32400, "HST": -36000,
}

// ruleZones maps regional zone names, lower-case, to zones whose offset
// follows a daylight saving rule. Keys with a space are searched for as
// phrases in preamble lines; the short forms are matched as words.
var ruleZones = map[string]zone{
	"pacific time":           {name: "Pacific Time", off: -28800, rule: ruleUS, std: "PST", dst: "PDT"},
	"mountain time":          {name: "Mountain Time", off: -25200, rule: ruleUS, std: "MST", dst: "MDT"},
	"central time":           {name: "Central Time", off: -21600, rule: ruleUS, std: "CST", dst: "CDT"},
	"eastern time":           {name: "Eastern Time", off: -18000, rule: ruleUS, std: "EST", dst: "EDT"},
	"alaska time":            {name: "Alaska Time", off: -32400, rule: ruleUS, std: "AKST", dst: "AKDT"},
	"uk time":                {name: "UK time", off: 0, rule: ruleEU, std: "GMT", dst: "BST"},
	"london time":            {name: "London time", off: 0, rule: ruleEU, std: "GMT", dst: "BST"},
	"british time":           {name: "British time", off: 0, rule: ruleEU, std: "GMT", dst: "BST"},
	"western european time":  {name: "Western European Time", off: 0, rule: ruleEU, std: "WET", dst: "WEST"},
	"central european time":  {name: "Central European Time", off: 3600, rule: ruleEU, std: "CET", dst: "CEST"},
	"eastern european time":  {name: "Eastern European Time", off: 7200, rule: ruleEU, std: "EET", dst: "EEST"},
	"india time":             {name: "IST", off: 19800},
	"pacific standard time":  {name: "PST", off: abbreviations["PST"]},
	"mountain standard time": {name: "MST", off: abbreviations["MST"]},
	"central standard time":  {name: "CST", off: abbreviations["CST"]},
	"eastern standard time":  {name: "EST", off: abbreviations["EST"]},
	"indian standard time":   {name: "IST", off: 19800},
	"pt":                     {name: "PT", off: -28800, rule: ruleUS, std: "PST", dst: "PDT"},
	"mt":                     {name: "MT", off: -25200, rule: ruleUS, std: "MST", dst: "MDT"},
	"ct":                     {name: "CT", off: -21600, rule: ruleUS, std: "CST", dst: "CDT"},
	"et":                     {name: "ET", off: -18000, rule: ruleUS, std: "EST", dst: "EDT"},
}

// zonePhrases lists the multi-word keys of ruleZones in a fixed order, so
// the first phrase found in a line does not depend on map iteration.
var zonePhrases = []string{
	"pacific time", "mountain time", "central time", "eastern time", "alaska time",
	"uk time", "london time", "british time",
	"western european time", "central european time", "eastern european time",
	"india time", "indian standard time",
	"pacific standard time", "mountain standard time", "central standard time", "eastern standard time",
}

// ianaZones maps common IANA zone names, lower-case, to the regional zone
// they follow; the table avoids reading the system zone database, which
// would make output depend on the machine.
var ianaZones = map[string]string{
	"america/los_angeles": "pacific time", "america/vancouver": "pacific time",
	"america/denver": "mountain time", "america/chicago": "central time",
	"america/new_york": "eastern time", "america/toronto": "eastern time",
	"america/anchorage": "alaska time",
	"europe/london":     "uk time", "europe/lisbon": "western european time",
	"europe/berlin": "central european time", "europe/paris": "central european time",
	"europe/amsterdam": "central european time", "europe/madrid": "central european time",
	"europe/rome": "central european time", "europe/stockholm": "central european time",
	"europe/warsaw": "central european time", "europe/vienna": "central european time",
	"europe/zurich": "central european time", "europe/brussels": "central european time",
	"europe/prague": "central european time", "europe/oslo": "central european time",
	"europe/copenhagen": "central european time", "europe/budapest": "central european time",
	"europe/helsinki": "eastern european time", "europe/athens": "eastern european time",
	"europe/kiev": "eastern european time", "europe/kyiv": "eastern european time",
	"europe/bucharest": "eastern european time", "europe/sofia": "eastern european time",
	"europe/riga": "eastern european time", "europe/tallinn": "eastern european time",
	"europe/vilnius": "eastern european time",
	"asia/kolkata":   "india time", "asia/calcutta": "india time",
	// The zone database's older names, still written ("all times
	// US/Pacific").
	"us/pacific": "pacific time", "us/mountain": "mountain time",
	"us/central": "central time", "us/eastern": "eastern time", "us/alaska": "alaska time",
	"canada/pacific": "pacific time", "canada/mountain": "mountain time",
	"canada/central": "central time", "canada/eastern": "eastern time",
}

// ianaFixed maps IANA names of zones without daylight saving time to the
// abbreviation used for them.
var ianaFixed = map[string]string{
	"utc": "UTC", "etc/utc": "UTC", "gmt": "GMT", "etc/gmt": "GMT",
	"asia/singapore": "SGT", "asia/hong_kong": "HKT", "asia/tokyo": "JST",
	"asia/seoul": "KST", "asia/manila": "PHT", "asia/karachi": "PKT",
	"asia/bangkok": "ICT", "asia/jakarta": "WIB", "asia/kathmandu": "NPT",
	"europe/moscow": "MSK", "africa/nairobi": "EAT", "africa/lagos": "WAT",
	"africa/johannesburg": "SAST", "australia/brisbane": "AEST", "australia/perth": "AWST",
	"america/sao_paulo": "BRT", "america/argentina/buenos_aires": "ART",
	"pacific/honolulu": "HST", "us/hawaii": "HST",
	"america/phoenix": "MST", "us/arizona": "MST",
}

// ParseZone resolves a time zone as written in a postmortem: an
// abbreviation ("EEST", "PST", "Z"; case-insensitive), or a numeric offset
// with or without a UTC/GMT prefix ("+0300", "+03:00", "UTC+3",
// "UTC-05:30", "GMT+1"). The location is a fixed offset named as written.
// Regional names whose offset changes over the year ("Pacific Time",
// "Europe/Berlin") are not fixed zones and report false; pass those to
// time.LoadLocation instead.
func ParseZone(s string) (*time.Location, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 16 {
		return nil, false
	}
	if off, ok := abbreviations[strings.ToUpper(s)]; ok {
		return time.FixedZone(s, off), true
	}
	if name, ok := ianaFixed[strings.ToLower(s)]; ok {
		return time.FixedZone(s, abbreviations[name]), true
	}
	z, end, ok := scanZone(s, 0, false)
	if !ok || end != len(s) || z.rule != ruleFixed {
		return nil, false
	}
	return time.FixedZone(s, z.off), true
}

// scanZone reads a zone written at s[i:]: "Z", an abbreviation, "UTC" or
// "GMT" with an optional offset, a numeric offset, or any of these in
// parentheses. attached reports that the zone follows a time with no space,
// where a bare "+03" is allowed.
func scanZone(s string, i int, attached bool) (zone, int, bool) {
	if i >= len(s) {
		return zone{}, i, false
	}
	if s[i] == '(' {
		z, j, ok := scanZone(s, i+1, false)
		if ok && j < len(s) && s[j] == ')' {
			return z, j + 1, true
		}
		return zone{}, i, false
	}
	if off, j, ok := scanOffset(s, i, attached); ok {
		return zone{name: s[i:j], off: off}, j, true
	}
	j := i
	for j < len(s) && j-i <= 5 && isLetter(s[j]) {
		j++
	}
	if j == i || j-i > 5 || (j < len(s) && isAlnum(s[j])) {
		return zone{}, i, false
	}
	word := s[i:j]
	if strings.EqualFold(word, "utc") || strings.EqualFold(word, "gmt") || word == "UT" {
		if off, k, ok := scanOffset(s, j, true); ok {
			return zone{name: s[i:k], off: off}, k, true
		}
		return zone{name: word, abbr: true}, j, true
	}
	if !isUpperWord(word) {
		return zone{}, i, false
	}
	if off, ok := abbreviations[word]; ok {
		return zone{name: word, off: off, abbr: true}, j, true
	}
	if len(word) == 2 {
		if z, ok := ruleZones[strings.ToLower(word)]; ok {
			return z, j, true
		}
	}
	return zone{}, i, false
}

// scanOffset reads a numeric UTC offset at s[i:]: "+03:00", "+0300",
// "-05:30", and, when short is set, "+3" or "+03". A Unicode minus sign is
// accepted. It returns the offset in seconds east of UTC.
func scanOffset(s string, i int, short bool) (int, int, bool) {
	sign := 0
	j := i
	switch {
	case j < len(s) && s[j] == '+':
		sign, j = 1, j+1
	case j < len(s) && s[j] == '-':
		sign, j = -1, j+1
	case strings.HasPrefix(s[j:], "\u2212"):
		sign, j = -1, j+len("\u2212")
	default:
		return 0, i, false
	}
	d := digitsAt(s, j)
	var h, m int
	switch {
	case d == 4:
		h, m = atoi(s[j:j+2]), atoi(s[j+2:j+4])
		j += 4
	case d == 2 && j+5 <= len(s) && s[j+2] == ':' && digitsAt(s, j+3) == 2:
		h, m = atoi(s[j:j+2]), atoi(s[j+3:j+5])
		j += 5
	case short && (d == 1 || d == 2):
		h = atoi(s[j : j+d])
		j += d
		if j+3 <= len(s) && s[j] == ':' && digitsAt(s, j+1) == 2 {
			m = atoi(s[j+1 : j+3])
			j += 3
		}
	default:
		return 0, i, false
	}
	if h > 14 || m > 59 || (j < len(s) && isAlnum(s[j])) {
		return 0, i, false
	}
	return sign * (h*3600 + m*60), j, true
}

// findZone looks for a zone stated in a line of prose or a table header,
// such as "All times CET (UTC+01:00)." or "Time (UTC)". With needTimeWord
// the line must mention times, so that prose naming a zone in passing is
// not taken for a preamble. When the line names an abbreviation and also
// gives its offset, the offset wins and keeps the abbreviation's name.
func findZone(s string, needTimeWord bool) (zone, bool) {
	if len(s) > 300 {
		return zone{}, false
	}
	lower := strings.ToLower(s)
	if needTimeWord && !strings.Contains(lower, "time") && !strings.Contains(lower, "zone") {
		return zone{}, false
	}
	var named zone
	var hasNamed, hasOff bool
	var off int
	for _, p := range zonePhrases {
		if strings.Contains(lower, p) {
			named, hasNamed = ruleZones[p], true
			break
		}
	}
	for i := 0; i < len(s); {
		for i < len(s) && !isZoneTokenByte(s[i]) {
			i++
		}
		j := i
		for j < len(s) && isZoneTokenByte(s[j]) {
			j++
		}
		tok := strings.Trim(s[i:j], "_:-")
		i = j
		if tok == "" {
			continue
		}
		if !hasOff {
			if z, end, ok := scanZone(tok, 0, false); ok && end == len(tok) && z.rule == ruleFixed && !z.abbr {
				off, hasOff = z.off, true
				if !hasNamed {
					named, hasNamed = z, true
				}
				continue
			}
		}
		if hasNamed {
			continue
		}
		if strings.ContainsRune(tok, '/') {
			lt := strings.ToLower(tok)
			if r, ok := ianaZones[lt]; ok {
				named, hasNamed = ruleZones[r], true
			} else if a, ok := ianaFixed[lt]; ok {
				named, hasNamed = zone{name: a, off: abbreviations[a], abbr: true}, true
			}
			continue
		}
		if tok == "Z" {
			continue
		}
		if z, end, ok := scanZone(tok, 0, false); ok && end == len(tok) {
			named, hasNamed = z, true
		}
	}
	if !hasNamed {
		named, hasNamed = usRegion(s)
	}
	if !hasNamed {
		return zone{}, false
	}
	if hasOff && named.rule == ruleFixed {
		named.off = off
	}
	return named, true
}

// usRegion reads "All times are Pacific." and "Time (Eastern)": a US
// region's name, capitalised, alone, in a line that names no other zone;
// not "Eastern European" nor "Pacific/Auckland".
func usRegion(s string) (zone, bool) {
	for _, r := range [...]struct{ word, phrase string }{{"Pacific", "pacific time"}, {"Eastern", "eastern time"}, {"Mountain", "mountain time"}} {
		for i := 0; ; {
			k := strings.Index(s[i:], r.word)
			if k < 0 {
				break
			}
			k += i
			end := k + len(r.word)
			i = end
			if k > 0 && isAlnum(s[k-1]) || end < len(s) && (isAlnum(s[end]) || s[end] == '/') {
				continue
			}
			next, _ := wordAt(s, skipSpaces(s, end))
			switch strings.ToLower(next) {
			case "european", "europe", "australian", "australia", "african", "africa", "standard", "daylight", "asia", "asian":
				continue
			}
			return ruleZones[r.phrase], true
		}
	}
	return zone{}, false
}

func isZoneTokenByte(c byte) bool {
	return isAlnum(c) || c == '+' || c == '-' || c == ':' || c == '/' || c == '_'
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool { return isLetter(c) || isDigit(c) }

func isUpperWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}

// digitsAt returns how many ASCII digits start at s[i:].
func digitsAt(s string, i int) int {
	n := 0
	for i+n < len(s) && isDigit(s[i+n]) {
		n++
	}
	return n
}

// atoi converts a short run of ASCII digits; callers bound its length.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// ZoneNames returns the zone names this package resolves without the
// system's zone database: the abbreviations, the regional names and the
// IANA names of its tables, spelt as they are usually written, sorted. They
// are the candidates for "did you mean" when a configured zone is unknown.
func ZoneNames() []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for a := range abbreviations {
		add(a)
	}
	for name := range ianaZones {
		add(ianaSpelling(name))
	}
	for name := range ianaFixed {
		add(ianaSpelling(name))
	}
	slices.Sort(out)
	return out
}

// ianaSpelling writes a lower-case IANA name of the tables above as the
// zone database spells it: "america/new_york" is "America/New_York".
func ianaSpelling(lower string) string {
	parts := strings.FieldsFunc(lower, func(r rune) bool { return r == '/' || r == '_' })
	seps := []byte{}
	for i := 0; i < len(lower); i++ {
		if lower[i] == '/' || lower[i] == '_' {
			seps = append(seps, lower[i])
		}
	}
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(seps[i-1])
		}
		switch p {
		case "utc", "gmt", "us":
			b.WriteString(strings.ToUpper(p))
		default:
			b.WriteString(strings.ToUpper(p[:1]) + p[1:])
		}
	}
	return b.String()
}
