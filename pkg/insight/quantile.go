// Package insight computes what a team learns from its incidents, from the
// parsed postmortems alone: durations as distributions (percentiles and
// histograms, never a mean on its own), incidents that recur on a service
// with similar contributing factors, whether action items get done, the
// service catalog, and the contributing-factor taxonomy. It draws nothing:
// the site turns its figures into pages and charts, and api/metrics.json
// writes them as they are.
package insight

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// Quantile is the q-quantile (0 < q ≤ 1) of sorted by the nearest-rank
// method: the smallest value with at least q of the values at or below it.
// It is always a value that was measured (the p90 of ten incidents is the
// ninth longest, not a blend of two); 0 when sorted is empty.
func Quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	r := int(math.Ceil(q * float64(len(sorted))))
	return sorted[min(max(r, 1), len(sorted))-1]
}

// Phase is a part of an incident that is measured from its start.
type Phase string

// The phases measured.
const (
	Detect   Phase = "detect"
	Mitigate Phase = "mitigate"
	Resolve  Phase = "resolve"
)

// Phases lists the phases in the order an incident goes through them.
func Phases() []Phase { return []Phase{Detect, Mitigate, Resolve} }

// of is the length of phase p in d.
func (p Phase) of(d postmortem.Durations) time.Duration {
	switch p {
	case Detect:
		return d.Detect
	case Mitigate:
		return d.Mitigate
	}
	return d.Resolve
}

// Sample is one measured length of a phase: of an incident, or of one of
// the incidents a file reports when it reports several.
type Sample struct {
	Incident *postmortem.Incident
	// Part indexes Incident.Parts; -1 for a file that reports one incident.
	Part  int
	Value time.Duration
}

// Title names the sample: the incident's title, and the part's after a
// dash when the file reports several.
func (s Sample) Title() string {
	if s.Part >= 0 && s.Part < len(s.Incident.Parts) {
		return s.Incident.Title + " — " + s.Incident.Parts[s.Part].Title
	}
	return s.Incident.Title
}

// Samples are the measured lengths of phase p among the outages of incs
// (near misses and investigations are not outages), each part of a file
// that reports several incidents on its own. Unmeasured phases are left out.
func Samples(incs []*postmortem.Incident, p Phase) []Sample {
	var out []Sample
	for _, inc := range incs {
		if !inc.IsOutage() {
			continue
		}
		if len(inc.Parts) > 0 {
			for i, pt := range inc.Parts {
				if v := p.of(pt.Durations); v > 0 {
					out = append(out, Sample{inc, i, v})
				}
			}
			continue
		}
		if v := p.of(inc.Durations); v > 0 {
			out = append(out, Sample{inc, -1, v})
		}
	}
	return out
}

// BinEdges are the upper bounds of the histogram bins of Distribution.Bins,
// four to a factor of ten from one minute to thirty days: durations are
// heavy-tailed, and a log scale shows the typical incident and the long
// tail on one axis. The last bin holds everything longer.
func BinEdges() []time.Duration {
	var out []time.Duration
	for k := 0; ; k++ {
		m := math.Pow(10, float64(k)/4)
		if m > 30*24*60 {
			break
		}
		out = append(out, time.Duration(math.Round(m*60))*time.Second)
	}
	return out
}

// bin is the index in BinEdges of the bin v falls in (len(edges) for the
// last, open bin).
func bin(edges []time.Duration, v time.Duration) int {
	i, _ := slices.BinarySearch(edges, v)
	return i
}

// Distribution describes a set of durations by its count, percentiles and
// histogram. Mean is there for teams that chart it elsewhere; a page shows
// it only beside the rest.
type Distribution struct {
	Label string
	Count int
	P50   time.Duration
	P90   time.Duration
	Max   time.Duration
	Mean  time.Duration
	// Bins counts the durations in each bin of BinEdges, plus one more for
	// those longer than the last edge.
	Bins []int
	// Longest are the longest samples, longest first (at most Options.Longest).
	Longest []Sample
}

// Distribute describes samples; the longest n are kept.
func Distribute(label string, samples []Sample, n int) Distribution {
	d := Distribution{Label: label, Count: len(samples)}
	if len(samples) == 0 {
		return d
	}
	edges := BinEdges()
	d.Bins = make([]int, len(edges)+1)
	vals := make([]time.Duration, len(samples))
	var sum float64
	for i, s := range samples {
		vals[i] = s.Value
		sum += float64(s.Value)
		d.Bins[bin(edges, s.Value)]++
	}
	slices.Sort(vals)
	d.P50, d.P90, d.Max = Quantile(vals, 0.5), Quantile(vals, 0.9), vals[len(vals)-1]
	d.Mean = time.Duration(sum / float64(len(vals))).Round(time.Second)
	if n > 0 {
		order := slices.Clone(samples)
		slices.SortStableFunc(order, func(a, b Sample) int {
			return cmp.Or(cmp.Compare(b.Value, a.Value), strings.Compare(a.Incident.ID, b.Incident.ID), cmp.Compare(a.Part, b.Part))
		})
		d.Longest = order[:min(n, len(order))]
	}
	return d
}

// GroupBy describes samples in groups: one distribution per key that key
// gives a sample (a sample may have several, or none), in the order of
// keys, leaving out keys with no samples.
func GroupBy(samples []Sample, keys []string, key func(Sample) []string, n int) []Distribution {
	by := map[string][]Sample{}
	for _, s := range samples {
		for _, k := range key(s) {
			by[k] = append(by[k], s)
		}
	}
	var out []Distribution
	for _, k := range keys {
		if len(by[k]) > 0 {
			out = append(out, Distribute(k, by[k], n))
		}
	}
	return out
}
