package timeline

import (
	"fmt"
	"strings"
	"time"
)

// DateOrder is the order of the fields of a numeric date whose first
// field is not a four-digit year, such as 04/05/2023: the same text is
// 4 May in Europe and April 5 in the United States.
//
// The order is decided the way a reader decides it: a date whose first
// field is above 12 can only be day first and one whose second field is
// above 12 only month first (OrderOf). A file's dates decide for the file
// (DecideOrder); a file with no such date takes the order its repository's
// other files show, else the configured one (inquest.yaml's date_order),
// else month first. A date that reads as a real date both ways is reported
// with the reading used.
type DateOrder uint8

// The date orders. OrderUnknown means not decided.
const (
	OrderUnknown DateOrder = iota
	// DMY is day, month, year: 18/04/2023, 18-04-2023, 18.04.2023.
	DMY
	// MDY is month, day, year: 04/18/2023, 4-18-23.
	MDY
	// YMD is year, month, day with a two-digit year first: 23/04/18.
	YMD
)

// String returns the order as written in inquest.yaml ("dmy", "mdy",
// "ymd"), or "" for OrderUnknown.
func (o DateOrder) String() string {
	switch o {
	case DMY:
		return "dmy"
	case MDY:
		return "mdy"
	case YMD:
		return "ymd"
	}
	return ""
}

// describe says in words how o reads a date.
func (o DateOrder) describe() string {
	switch o {
	case DMY:
		return "day first"
	case YMD:
		return "year first"
	}
	return "month first"
}

// ParseDateOrder reads a date order as written in inquest.yaml: "dmy",
// "mdy" or "ymd", in any case; "" is OrderUnknown.
func ParseDateOrder(s string) (DateOrder, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return OrderUnknown, nil
	case "dmy":
		return DMY, nil
	case "mdy":
		return MDY, nil
	case "ymd":
		return YMD, nil
	}
	return OrderUnknown, fmt.Errorf("date order %q is not one of dmy, mdy, ymd", s)
}

// Date is a civil date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Time returns the date as midnight UTC.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String returns the date as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// DateReading is a date read from text and how it was read.
type DateReading struct {
	Date Date
	// Order is the order a numeric date was read in; OrderUnknown for ISO
	// dates and dates with a month name, which need none.
	Order DateOrder
	// Ambiguous reports that the numeric date is a real date in more than
	// one order, so that the order passed to ReadDate chose the reading.
	Ambiguous bool
	// Shows is the order the numeric date shows by itself (see OrderOf):
	// OrderUnknown when it reads both ways or is not numeric.
	Shows DateOrder
	// End is the length of the date in the text read.
	End int
}

// ReadDate reads the date at the start of s, in any of the forms a
// timeline uses: ISO ("2024-03-01", "2024/03/01"), numeric in either order
// ("04/18/2023", "18-04-2023", "5/14/22", "18.04.2023"), or with a month
// name in either order, with ordinals and weekdays ("March 3rd, 2024",
// "3 Mar 2024", "Friday, Nov 4th"). order reads numeric dates that are
// real dates both ways (OrderUnknown reads them month first); a date
// without a year takes yearHint, and is an error when yearHint is 0.
// Text may follow the date.
func ReadDate(s string, order DateOrder, yearHint int) (DateReading, error) {
	var st stamp
	end, ok := scanDate(s, 0, yearHint, &st)
	if !ok {
		return DateReading{}, fmt.Errorf("%q does not start with a date", s)
	}
	if st.bad != "" {
		return DateReading{}, fmt.Errorf("%s", st.bad)
	}
	return reading(&st, end, order), nil
}

// readDate is ReadDate without the cost of an error for text that holds
// no date, as most of the words a title is searched at do not.
func readDate(s string, order DateOrder, yearHint int) (DateReading, bool) {
	var st stamp
	end, ok := scanDate(s, 0, yearHint, &st)
	if !ok || st.bad != "" {
		return DateReading{}, false
	}
	return reading(&st, end, order), true
}

// reading is the date st scanned, read in order.
func reading(st *stamp, end int, order DateOrder) DateReading {
	r := DateReading{Date: Date{st.year, st.month, st.day}, End: end}
	if st.numeric {
		if order == OrderUnknown {
			order = MDY
		}
		d, used, ambiguous := st.num.read(order)
		r.Date, r.Order, r.Ambiguous, r.Shows = d, used, ambiguous, st.num.shows()
	}
	return r
}

// OrderOf returns the order a numeric date shows by itself: DMY when its
// first field is a day above 12 ("18/04/2023"), MDY when its second field
// is ("04/18/2023"), YMD when its first field can only be a year
// ("23/04/18" is not: "99/12/31" is). It returns OrderUnknown for dates
// that read both ways, for ISO and month-name dates, and for text that is
// not a date.
func OrderOf(s string) DateOrder {
	var st stamp
	if _, ok := scanDate(s, 0, 2000, &st); !ok || !st.numeric {
		return OrderUnknown
	}
	return st.num.shows()
}

// OrderVotes counts the date orders that numeric dates show by themselves.
type OrderVotes struct {
	DMY, MDY, YMD int
}

// Add counts one date's order; OrderUnknown counts nothing.
func (v *OrderVotes) Add(o DateOrder) {
	switch o {
	case DMY:
		v.DMY++
	case MDY:
		v.MDY++
	case YMD:
		v.YMD++
	}
}

// Merge adds the votes of w to v.
func (v *OrderVotes) Merge(w OrderVotes) {
	v.DMY += w.DMY
	v.MDY += w.MDY
	v.YMD += w.YMD
}

// Order returns the order most votes show: day or month first, whichever
// has more votes (a tie decides nothing), else YMD when only year-first
// dates were seen, else OrderUnknown.
func (v OrderVotes) Order() DateOrder {
	switch {
	case v.DMY > v.MDY:
		return DMY
	case v.MDY > v.DMY:
		return MDY
	case v.DMY == 0 && v.YMD > 0:
		return YMD
	}
	return OrderUnknown
}

// DecideOrder decides the order of a set of dates, such as those of one
// file, from the dates that show it by themselves (see OrderOf), and
// returns OrderUnknown when none does or they are evenly split.
func DecideOrder(dates []string) DateOrder {
	var v OrderVotes
	for _, d := range dates {
		v.Add(OrderOf(d))
	}
	return v.Order()
}

// numDate holds the fields of a numeric date whose first field is not a
// four-digit year, before its order is known.
type numDate struct {
	a, b, c int    // the fields as written
	c2      bool   // c was written with two digits
	raw     string // the date as written
}

// year4 expands a two-digit year: 00-69 is 2000-2069, 70-99 1970-1999.
func year4(y int) int {
	switch {
	case y >= 100:
		return y
	case y < 70:
		return 2000 + y
	}
	return 1900 + y
}

func validDate(y int, m, d int) bool {
	return y >= minYear && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, time.Month(m))
}

// reading returns the date in order o and whether it is a real date.
func (n *numDate) reading(o DateOrder) (Date, bool) {
	switch o {
	case DMY:
		y := year4(n.c)
		return Date{y, time.Month(n.b), n.a}, validDate(y, n.b, n.a)
	case YMD:
		if !n.c2 {
			return Date{}, false
		}
		y := year4(n.a)
		return Date{y, time.Month(n.b), n.c}, validDate(y, n.b, n.c)
	}
	y := year4(n.c)
	return Date{y, time.Month(n.a), n.b}, validDate(y, n.a, n.b)
}

// readings returns the orders in which n is a real date.
func (n *numDate) readings() []DateOrder {
	var out []DateOrder
	for _, o := range [...]DateOrder{MDY, DMY, YMD} {
		if _, ok := n.reading(o); ok {
			out = append(out, o)
		}
	}
	return out
}

// ambiguous reports whether the orders rs read n as different dates.
func (n *numDate) ambiguous(rs []DateOrder) bool {
	if len(rs) < 2 {
		return false
	}
	first, _ := n.reading(rs[0])
	for _, o := range rs[1:] {
		if d, _ := n.reading(o); d != first {
			return true
		}
	}
	return false
}

// shows returns the order n shows by itself, or OrderUnknown.
func (n *numDate) shows() DateOrder {
	if rs := n.readings(); len(rs) == 1 {
		return rs[0]
	}
	return OrderUnknown
}

// read reads n in order o when that is a real date, else in the one order
// that is; it reports the order used and whether another order also gave
// a real, different date.
func (n *numDate) read(o DateOrder) (Date, DateOrder, bool) {
	rs := n.readings()
	if len(rs) == 0 {
		return Date{}, o, false
	}
	for _, r := range rs {
		if r == o {
			d, _ := n.reading(o)
			return d, o, n.ambiguous(rs)
		}
	}
	if len(rs) > 1 && o == YMD {
		// Four-digit years last cannot be year first: month first then.
		for _, r := range rs {
			if r == MDY {
				d, _ := n.reading(MDY)
				return d, MDY, true
			}
		}
	}
	d, _ := n.reading(rs[0])
	return d, rs[0], n.ambiguous(rs)
}
