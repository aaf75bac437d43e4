package insight

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// Where the dates of an action item come from.
const (
	// FromIncidentDate: an item is taken to be opened on its incident's date.
	FromIncidentDate = postmortem.ItemFromIncidentDate
	// FromDueDate: a done item is taken to be closed on its due date.
	FromDueDate = postmortem.ItemFromDueDate
	// FromGit: the date of the revision the item first appeared in, or
	// was marked done in (postmortem.History.Items).
	FromGit = postmortem.ItemFromGit
)

// ItemDates says when action item k of inc was opened and, when it is
// done, closed, and where each date comes from; a zero time is unknown.
// DueDates reads them from the postmortem alone, GitDates from its
// history in Git first.
type ItemDates func(inc *postmortem.Incident, k int) (opened, closed time.Time, openedFrom, closedFrom string)

// DueDates dates an item from the postmortem alone: opened on the
// incident's date, closed (when done) on its due date
// (postmortem.Incident.PlannedItemDates).
func DueDates(inc *postmortem.Incident, k int) (opened, closed time.Time, openedFrom, closedFrom string) {
	return inc.PlannedItemDates(k)
}

// GitDates dates an item from its postmortem's history in Git first:
// opened in the revision it first appeared in, closed in the one that
// marked it done, DueDates' for a date Git does not give
// (postmortem.Incident.ItemDates).
func GitDates(inc *postmortem.Incident, k int) (opened, closed time.Time, openedFrom, closedFrom string) {
	return inc.ItemDates(k)
}

// Count is a name and a number.
type Count struct {
	Name  string
	Count int
}

// QuarterFlow counts the items opened and closed in a quarter ("2024 Q3").
type QuarterFlow struct {
	Quarter        string
	Opened, Closed int
}

// Carried is an action item that was still open when an incident it
// recurs with happened.
type Carried struct {
	Item
	// Again is the later incident.
	Again *postmortem.Incident
}

// FollowThrough is what became of the action items.
type FollowThrough struct {
	Total, Open, Done, Unknown int
	// Quarters count items opened and closed per quarter, oldest first.
	Quarters []QuarterFlow
	// TimeToClose is the distribution of the time from opened to closed
	// of the done items whose dates are known (Count says how many).
	TimeToClose Distribution
	// OpenedFrom and ClosedFrom count the items by where their dates came
	// from (FromIncidentDate, FromDueDate, or what another ItemDates says).
	OpenedFrom, ClosedFrom []Count
	// Aging counts the open items by age at the reference time; the last
	// bucket holds those whose opening date is unknown.
	Aging []Count
	// ByOwner and ByService count the open items ("no owner" for those
	// without one); an item counts for each service of its incident.
	ByOwner, ByService []Count
	// Carried are the items that were still open when an incident they
	// recur with happened again, the most recent recurrence first.
	Carried []Carried
}

// agingBuckets are the upper bounds of the age buckets of open items.
var agingBuckets = []struct {
	days  int
	label string
}{{30, "under 30 days"}, {90, "30 to 90 days"}, {180, "90 to 180 days"}, {365, "180 days to a year"}, {0, "over a year"}}

// Follow measures the follow-through of the action items of incs at now,
// dating them with dates (DueDates when nil). rec, when not nil, finds the
// items still open when their incident recurred.
func Follow(incs []*postmortem.Incident, now time.Time, dates ItemDates, rec *Recurrence) FollowThrough {
	if dates == nil {
		dates = DueDates
	}
	var f FollowThrough
	quarters := map[string]*QuarterFlow{}
	quarter := func(t time.Time) *QuarterFlow {
		k := Quarter(t)
		if quarters[k] == nil {
			quarters[k] = &QuarterFlow{Quarter: k}
		}
		return quarters[k]
	}
	openedFrom, closedFrom := map[string]int{}, map[string]int{}
	aging := make([]int, len(agingBuckets)+1)
	owners, services := map[string]int{}, map[string]int{}
	var closeTimes []Sample
	for _, inc := range incs {
		var later []*postmortem.Incident
		if rec != nil {
			later = rec.RecurredAfter(inc)
		}
		for k, a := range inc.ActionItems {
			f.Total++
			opened, closed, of, cf := dates(inc, k)
			if !opened.IsZero() {
				quarter(opened).Opened++
				openedFrom[of]++
			}
			switch a.Status {
			case postmortem.StatusDone:
				f.Done++
				if !closed.IsZero() {
					quarter(closed).Closed++
					closedFrom[cf]++
					if !opened.IsZero() && !closed.Before(opened) {
						closeTimes = append(closeTimes, Sample{inc, -1, closed.Sub(opened)})
					}
				}
			case postmortem.StatusOpen:
				f.Open++
				aging[ageBucket(opened, now)]++
				owner := strings.TrimSpace(a.Owner)
				if owner == "" {
					owner = "no owner"
				}
				owners[owner]++
				for _, s := range inc.Services {
					services[s]++
				}
			default:
				f.Unknown++
			}
			// Open at a recurrence: opened before it, and not closed by then.
			for _, again := range later {
				stillOpen := a.Status == postmortem.StatusOpen || a.Status == postmortem.StatusDone && !closed.IsZero() && closed.After(again.Date)
				if stillOpen && (opened.IsZero() || !opened.After(again.Date)) {
					f.Carried = append(f.Carried, Carried{Item{inc, k}, again})
					break
				}
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(quarters)) {
		f.Quarters = append(f.Quarters, *quarters[k])
	}
	f.TimeToClose = Distribute("time to close", closeTimes, 0)
	f.OpenedFrom, f.ClosedFrom = counts(openedFrom, 0), counts(closedFrom, 0)
	for i, b := range agingBuckets {
		f.Aging = append(f.Aging, Count{b.label, aging[i]})
	}
	f.Aging = append(f.Aging, Count{"age unknown", aging[len(agingBuckets)]})
	f.ByOwner, f.ByService = counts(owners, 10), counts(services, 10)
	slices.SortStableFunc(f.Carried, func(a, b Carried) int {
		return cmp.Or(b.Again.Date.Compare(a.Again.Date), strings.Compare(a.Incident.ID, b.Incident.ID), cmp.Compare(a.Index, b.Index))
	})
	return f
}

// ageBucket is the index in agingBuckets of an item opened at opened, as
// of now; len(agingBuckets) when opened is unknown.
func ageBucket(opened, now time.Time) int {
	if opened.IsZero() {
		return len(agingBuckets)
	}
	days := int(now.Sub(opened).Hours() / 24)
	for i, b := range agingBuckets {
		if b.days == 0 || days < b.days {
			return i
		}
	}
	return len(agingBuckets) - 1
}

// counts lists m by count, then name; at most n when n > 0, the rest
// summed under "others".
func counts(m map[string]int, n int) []Count {
	var out []Count
	for k, v := range m {
		out = append(out, Count{k, v})
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Name, b.Name)) })
	if n > 0 && len(out) > n {
		rest := 0
		for _, c := range out[n:] {
			rest += c.Count
		}
		out = append(out[:n], Count{"others", rest})
	}
	return out
}
