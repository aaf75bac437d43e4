package timeline_test

import (
	"fmt"
	"time"

	"github.com/inquest-dev/inquest/pkg/timeline"
)

func ExampleParse() {
	section := `
All times CET (UTC+01:00).

- 23:40 CET — deploy of checkout v2.14 started
- 23:52 CET — the HighErrorRate alert paged the on-call (detected)
- 00:07 CET — mitigated: rolled back checkout
- 23:55 CET — cache warmed
- 00:40 CET — resolved: error rate back to baseline
`
	date := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	events, problems := timeline.Parse([]byte(section), 12, timeline.Options{Date: date})
	for _, e := range events {
		fmt.Printf("%d %s %-9s %s\n", e.Line, e.Time.Format("01-02 15:04Z"), e.Kind, e.Text)
	}
	for _, p := range problems {
		fmt.Printf("line %d: %s\n", p.Line, p.Message)
	}
	m := timeline.Milestones(events)
	fmt.Println("detected to mitigated:", m.Mitigated.Sub(m.Detected))
	// Output:
	// 15 03-01 22:40Z           deploy of checkout v2.14 started
	// 16 03-01 22:52Z detected  the HighErrorRate alert paged the on-call
	// 17 03-01 23:07Z mitigated mitigated: rolled back checkout
	// 18 03-01 22:55Z           cache warmed
	// 19 03-01 23:40Z resolved  resolved: error rate back to baseline
	// line 18: time is 12m earlier than the entry on line 17: expected entries in time order
	// detected to mitigated: 15m0s
}

func ExampleParseEntry() {
	date := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	e, problem := timeline.ParseEntry("09:19 EEST — database ran out of connections", 4, timeline.Options{Date: date})
	fmt.Println(e.Time, e.Zone, e.Text, problem == nil)
	// Output:
	// 2024-03-01 06:19:00 +0000 UTC EEST database ran out of connections true
}

func ExampleParseTimestamp() {
	t, err := timeline.ParseTimestamp("2024-03-01 09:19 EEST", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Format(time.RFC3339), t.UTC().Format(time.RFC3339))
	// Output:
	// 2024-03-01T09:19:00+03:00 2024-03-01T06:19:00Z
}

func ExampleParseZone() {
	loc, ok := timeline.ParseZone("UTC-05:30")
	fmt.Println(loc, ok)
	_, ok = timeline.ParseZone("Pacific Time")
	fmt.Println(ok)
	// Output:
	// UTC-05:30 true
	// false
}

func ExampleReadDate() {
	for _, s := range []string{"18/04/2023", "04/18/2023", "04/05/2023", "3rd Dec 2024"} {
		r, err := timeline.ReadDate(s, timeline.DMY, 0)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(s, "->", r.Date, r.Order, r.Ambiguous)
	}
	// Output:
	// 18/04/2023 -> 2023-04-18 dmy false
	// 04/18/2023 -> 2023-04-18 mdy false
	// 04/05/2023 -> 2023-05-04 dmy true
	// 3rd Dec 2024 -> 2024-12-03  false
}

func ExampleDecideOrder() {
	// 19/04/2023 can only be day first; the others read both ways.
	dates := []string{"03/04/2023", "19/04/2023", "05/04/2023"}
	order := timeline.DecideOrder(dates)
	fmt.Println(order)
	for _, s := range dates {
		r, _ := timeline.ReadDate(s, order, 0)
		fmt.Println(r.Date)
	}
	// Output:
	// dmy
	// 2023-04-03
	// 2023-04-19
	// 2023-04-05
}

func ExampleParseSection() {
	section := `
### 2024-03-03 - Cache overload
- 09:00 cache evictions spiked
- ~09:30 back to normal
### 2024-03-11 - DNS failure
- 14:00-14:40 resolver errors (detected)
- T+1h resolved
`
	r := timeline.ParseSection([]byte(section), 20, timeline.Options{Heading: "Timeline (UTC)"})
	for _, p := range r.Parts {
		fmt.Printf("part %q on line %d\n", p.Title, p.Line)
	}
	for _, e := range r.Events {
		fmt.Println(e.Part, e.Time.Format("01-02 15:04"), e.Approximate, e.Kind, e.Text)
	}
	// Output:
	// part "Cache overload" on line 21
	// part "DNS failure" on line 24
	// 0 03-03 09:00 false  cache evictions spiked
	// 0 03-03 09:30 true resolved back to normal
	// 1 03-11 14:00 false detected resolver errors
	// 1 03-11 15:00 false resolved resolved
}
