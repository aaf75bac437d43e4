package insight

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// Options configure Analyze.
type Options struct {
	// Now is the reference time that open items are aged against.
	Now time.Time
	// Severities is the severity scale, most severe first, and Rank places
	// a severity as written on it (config.Config.SeverityRank).
	Severities []string
	Rank       func(string) (int, bool)
	// Factors is the taxonomy (config.Config.Factors).
	Factors []string
	// Dates dates action items; nil means DueDates.
	Dates ItemDates
	// Recurrence finds incidents that recur; nil for none.
	Recurrence *Recurrence
	// Longest is how many of the longest incidents each distribution
	// names; 0 means 5.
	Longest int
}

// Report is what a set of postmortems says as a whole.
type Report struct {
	// Kinds counts the records by kind, in the order of postmortem.Kinds.
	Kinds []Count
	// Phases describe the times to detect, mitigate and resolve of the
	// outages: over all, per severity (most severe first, "unrated" last)
	// and per year (newest first).
	Phases []PhaseReport
	// Follow is the follow-through of the action items.
	Follow FollowThrough
	// Themes are the incidents that recur, newest first.
	Themes []Theme
	// Factors counts the records naming each factor of the taxonomy, in
	// its order, then factors outside it (most named first), then "none
	// named".
	Factors []Count
}

// PhaseReport describes one phase.
type PhaseReport struct {
	Phase      Phase
	All        Distribution
	BySeverity []Distribution
	ByYear     []Distribution
}

// Unrated is the severity group of incidents whose severity is not on the
// scale, or not given.
const Unrated = "unrated"

// Analyze describes incs, the published records.
func Analyze(incs []*postmortem.Incident, opts Options) *Report {
	if opts.Longest <= 0 {
		opts.Longest = 5
	}
	r := &Report{}
	kinds := map[string]int{}
	for _, inc := range incs {
		k := inc.Kind
		if k == "" {
			k = postmortem.KindIncident
		}
		kinds[k]++
	}
	for _, k := range postmortem.Kinds() {
		r.Kinds = append(r.Kinds, Count{k, kinds[k]})
	}
	sevKeys := append(slices.Clone(opts.Severities), Unrated)
	severity := func(s Sample) []string {
		if opts.Rank != nil {
			if i, ok := opts.Rank(s.Incident.Severity); ok && i < len(opts.Severities) {
				return []string{opts.Severities[i]}
			}
		}
		return []string{Unrated}
	}
	year := func(s Sample) []string { return []string{strconv.Itoa(s.Incident.Date.Year())} }
	for _, p := range Phases() {
		samples := Samples(incs, p)
		pr := PhaseReport{Phase: p, All: Distribute("all", samples, opts.Longest)}
		pr.BySeverity = GroupBy(samples, sevKeys, severity, 0)
		var years []string
		for _, s := range samples {
			if !s.Incident.Date.IsZero() {
				years = append(years, year(s)[0])
			}
		}
		slices.Sort(years)
		years = slices.Compact(years)
		slices.Reverse(years)
		pr.ByYear = GroupBy(samples, years, func(s Sample) []string {
			if s.Incident.Date.IsZero() {
				return nil
			}
			return year(s)
		}, 0)
		r.Phases = append(r.Phases, pr)
	}
	r.Follow = Follow(incs, opts.Now, opts.Dates, opts.Recurrence)
	if opts.Recurrence != nil {
		r.Themes = opts.Recurrence.Themes()
	}
	r.Factors = FactorCounts(incs, opts.Factors)
	return r
}

// NoFactors is the name FactorCounts counts records that name no factor under.
const NoFactors = "none named"

// FactorCounts counts the records naming each factor: the taxonomy's in
// its order (also those no record names), then others by count, then
// NoFactors.
func FactorCounts(incs []*postmortem.Incident, taxonomy []string) []Count {
	keyOf := map[string]int{}
	out := make([]Count, len(taxonomy))
	for i, f := range taxonomy {
		keyOf[config.FactorKey(f)] = i
		out[i] = Count{f, 0}
	}
	others, spelling := map[string]int{}, map[string]string{}
	none := 0
	for _, inc := range incs {
		seen := map[string]bool{}
		for _, f := range inc.Factors {
			k := config.FactorKey(f)
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			if i, ok := keyOf[k]; ok {
				out[i].Count++
				continue
			}
			others[k]++
			if _, ok := spelling[k]; !ok {
				spelling[k] = f
			}
		}
		if len(seen) == 0 {
			none++
		}
	}
	for _, c := range counts(others, 0) {
		out = append(out, Count{spelling[c.Name], c.Count})
	}
	return append(out, Count{NoFactors, none})
}

// Quarter names the quarter of t: "2024 Q3".
func Quarter(t time.Time) string { return fmt.Sprintf("%d Q%d", t.Year(), (int(t.Month())-1)/3+1) }

// PerQuarter counts dated incidents per quarter from the first quarter with
// one to the last, empty quarters included, oldest first.
func PerQuarter(incs []*postmortem.Incident) []Count {
	var first, last time.Time
	n := map[string]int{}
	for _, inc := range incs {
		if inc.Date.IsZero() {
			continue
		}
		n[Quarter(inc.Date)]++
		if first.IsZero() || inc.Date.Before(first) {
			first = inc.Date
		}
		if inc.Date.After(last) {
			last = inc.Date
		}
	}
	if first.IsZero() {
		return nil
	}
	var out []Count
	q := time.Date(first.Year(), time.Month((int(first.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	for !q.After(last) {
		out = append(out, Count{Quarter(q), n[Quarter(q)]})
		q = q.AddDate(0, 3, 0)
	}
	return out
}
