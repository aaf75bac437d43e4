package insight

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// Theme is a group of incidents that recur: on one service, each similar
// to an earlier one of the group (see Recurrence).
type Theme struct {
	// Service is the service they share, as the newest incident spells it.
	Service string
	// Incidents are the group, newest first.
	Incidents []*postmortem.Incident
	// Factors are the taxonomy's factors that two or more of them name,
	// and Words the distinctive words two or more of them share, most
	// common first (at most five each).
	Factors []string
	Words   []string
	// First and Last are the dates of the oldest and newest incident.
	First, Last time.Time
	// Open are the action items of the group still open, oldest incident
	// first; FromFirst counts those of the oldest incident.
	Open      []Item
	FromFirst int
}

// Item is one action item of an incident.
type Item struct {
	Incident *postmortem.Incident
	// Index is its position in Incident.ActionItems.
	Index int
}

// Action is the item itself.
func (it Item) Action() postmortem.ActionItem { return it.Incident.ActionItems[it.Index] }

// Months is the number of calendar months from the first incident of the
// theme to the last, at least 1: "3 incidents in 14 months".
func (t Theme) Months() int {
	m := (t.Last.Year()-t.First.Year())*12 + int(t.Last.Month()) - int(t.First.Month())
	return max(1, m)
}

// Themes returns the groups of incidents that recur, the group with the
// newest incident first.
func (r *Recurrence) Themes() []Theme { return r.themes }

// themeSets are disjoint sets of incidents (by position) per service.
type themeSets map[string]map[int]int

func newThemeSets() themeSets { return themeSets{} }

func (u themeSets) find(svc string, i int) int {
	p := u[svc]
	if p == nil {
		p = map[int]int{}
		u[svc] = p
	}
	if _, ok := p[i]; !ok {
		p[i] = i
		return i
	}
	root := i
	for p[root] != root {
		root = p[root]
	}
	for p[i] != root {
		p[i], i = root, p[i]
	}
	return root
}

func (u themeSets) union(svc string, i, j int) {
	a, b := u.find(svc, i), u.find(svc, j)
	if a != b {
		u[svc][max(a, b)] = min(a, b)
	}
}

// group turns the sets into themes.
func (r *Recurrence) group(u themeSets) []Theme {
	var out []Theme
	for _, svc := range slices.Sorted(maps.Keys(u)) {
		members := map[int][]int{}
		for i := range u[svc] {
			root := u.find(svc, i)
			members[root] = append(members[root], i)
		}
		for _, m := range members {
			if len(m) < 2 {
				continue
			}
			slices.Sort(m)
			out = append(out, r.theme(svc, m))
		}
	}
	// Incidents that share two services recur on both: a theme whose
	// incidents another (larger, or equal and first by service) theme
	// holds too says nothing new, and is left out.
	slices.SortFunc(out, func(a, b Theme) int {
		return cmp.Or(cmp.Compare(len(b.Incidents), len(a.Incidents)), strings.Compare(a.Service, b.Service))
	})
	kept := out[:0]
	var sets []map[*postmortem.Incident]bool
	// A theme that holds t holds its first incident: only those are
	// compared (every pair costs minutes at 10,000 incidents).
	with := map[*postmortem.Incident][]int{}
	for _, t := range out {
		if slices.ContainsFunc(with[t.Incidents[0]], func(k int) bool { return holds(sets[k], t.Incidents) }) {
			continue
		}
		set := make(map[*postmortem.Incident]bool, len(t.Incidents))
		for _, inc := range t.Incidents {
			set[inc] = true
			with[inc] = append(with[inc], len(kept))
		}
		sets = append(sets, set)
		kept = append(kept, t)
	}
	slices.SortFunc(kept, func(a, b Theme) int {
		return cmp.Or(b.Last.Compare(a.Last), cmp.Compare(len(b.Incidents), len(a.Incidents)), strings.Compare(a.Service, b.Service))
	})
	return kept
}

// holds reports whether every incident of sub is in set.
func holds(set map[*postmortem.Incident]bool, sub []*postmortem.Incident) bool {
	for _, inc := range sub {
		if !set[inc] {
			return false
		}
	}
	return true
}

// theme describes the incidents at positions m (oldest first) on svc.
func (r *Recurrence) theme(svc string, m []int) Theme {
	t := Theme{First: r.docs[m[0]].inc.Date, Last: r.docs[m[len(m)-1]].inc.Date}
	factors, words := map[string]int{}, map[string]int{}
	for k, i := range m {
		d := &r.docs[i]
		t.Incidents = append(t.Incidents, d.inc)
		for _, f := range d.factors {
			factors[f]++
		}
		for _, w := range d.top {
			words[r.vocab[w]]++
		}
		for x, a := range d.inc.ActionItems {
			if a.Status == postmortem.StatusOpen {
				t.Open = append(t.Open, Item{d.inc, x})
				if k == 0 {
					t.FromFirst++
				}
			}
		}
	}
	slices.Reverse(t.Incidents)
	t.Service = svc
	for _, s := range t.Incidents[0].Services {
		if strings.EqualFold(strings.TrimSpace(s), svc) {
			t.Service = s
			break
		}
	}
	t.Factors, t.Words = common(factors), common(words)
	return t
}

// common are the keys counted twice or more, most counted first, at most
// five.
func common(counts map[string]int) []string {
	var out []string
	for k, n := range counts {
		if n >= 2 {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(cmp.Compare(counts[b], counts[a]), strings.Compare(a, b)) })
	return out[:min(5, len(out))]
}
