package insight

import (
	"slices"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

func mins(ms ...int) []time.Duration {
	out := make([]time.Duration, len(ms))
	for i, m := range ms {
		out[i] = time.Duration(m) * time.Minute
	}
	return out
}

func TestQuantile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		sorted []time.Duration
		q      float64
		want   time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"one", mins(7), 0.5, 7 * time.Minute},
		{"one p90", mins(7), 0.9, 7 * time.Minute},
		{"median of odd count", mins(1, 2, 3, 4, 5), 0.5, 3 * time.Minute},
		// Nearest rank: the lower middle value, one that was measured.
		{"median of even count", mins(1, 2, 3, 4), 0.5, 2 * time.Minute},
		{"p90 of ten is the ninth", mins(1, 2, 3, 4, 5, 6, 7, 8, 9, 100), 0.9, 9 * time.Minute},
		{"p90 of eleven is the tenth", mins(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 0.9, 10 * time.Minute},
		{"p100 is the maximum", mins(1, 2, 300), 1, 300 * time.Minute},
		{"tiny q is the minimum", mins(4, 5, 6), 0.0001, 4 * time.Minute},
		{"heavy tail leaves the median alone", mins(10, 11, 12, 13, 14000), 0.5, 12 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Quantile(tt.sorted, tt.q); got != tt.want {
				t.Errorf("Quantile(%v, %v) = %v, want %v", tt.sorted, tt.q, got, tt.want)
			}
		})
	}
}

func TestBinEdges(t *testing.T) {
	t.Parallel()
	e := BinEdges()
	if e[0] != time.Minute || e[4] != 10*time.Minute || e[8] != 100*time.Minute {
		t.Errorf("edges = %v, want 1, 10 and 100 minutes at 0, 4 and 8", e)
	}
	if last := e[len(e)-1]; last > 30*24*time.Hour || last < 20*24*time.Hour {
		t.Errorf("last edge %v, want about 30 days", last)
	}
	for _, tt := range []struct {
		v    time.Duration
		want int
	}{{30 * time.Second, 0}, {time.Minute, 0}, {61 * time.Second, 1}, {10 * time.Minute, 4}, {11 * time.Minute, 5}, {60 * 24 * time.Hour, len(e)}} {
		if got := bin(e, tt.v); got != tt.want {
			t.Errorf("bin(%v) = %d, want %d", tt.v, got, tt.want)
		}
	}
}

func inc(id, date string, opts ...func(*postmortem.Incident)) *postmortem.Incident {
	d, err := time.Parse("2006-01-02", date)
	if err != nil && date != "" {
		panic(err)
	}
	i := &postmortem.Incident{ID: id, Title: id, Source: "pm/" + id + ".md", Date: d, Kind: postmortem.KindIncident}
	for _, o := range opts {
		o(i)
	}
	return i
}

func resolve(m int) func(*postmortem.Incident) {
	return func(i *postmortem.Incident) { i.Durations.Resolve = time.Duration(m) * time.Minute }
}

func kind(k string) func(*postmortem.Incident) { return func(i *postmortem.Incident) { i.Kind = k } }

func sev(s string) func(*postmortem.Incident) { return func(i *postmortem.Incident) { i.Severity = s } }

func TestDistribute(t *testing.T) {
	t.Parallel()
	incs := []*postmortem.Incident{
		inc("a", "2024-01-01", resolve(10)), inc("b", "2024-01-02", resolve(20)), inc("c", "2024-01-03", resolve(30)),
		inc("d", "2024-01-04", resolve(40)), inc("e", "2024-01-05", resolve(5000)),
		inc("near", "2024-01-06", resolve(99999), kind(postmortem.KindNearMiss)),
		inc("inv", "2024-01-07", resolve(99999), kind(postmortem.KindInvestigation)),
		inc("unmeasured", "2024-01-08"),
		// A file of two incidents counts twice, once per part.
		inc("two", "2024-01-09", resolve(1), func(i *postmortem.Incident) {
			i.Parts = []postmortem.Part{{Title: "Morning", Durations: postmortem.Durations{Resolve: 15 * time.Minute}}, {Title: "Evening", Durations: postmortem.Durations{Resolve: 25 * time.Minute}}}
		}),
	}
	s := Samples(incs, Resolve)
	if len(s) != 7 {
		t.Fatalf("%d samples, want 7 (outages, parts apart)", len(s))
	}
	d := Distribute("all", s, 3)
	// 10 15 20 25 30 40 5000 (minutes)
	if d.Count != 7 || d.P50 != 25*time.Minute || d.P90 != 5000*time.Minute || d.Max != 5000*time.Minute {
		t.Errorf("got count %d p50 %v p90 %v max %v; want 7, 25m, 5000m, 5000m", d.Count, d.P50, d.P90, d.Max)
	}
	if want := (5140 * time.Minute / 7).Round(time.Second); d.Mean != want {
		t.Errorf("mean %v, want %v", d.Mean, want)
	}
	var names []string
	for _, l := range d.Longest {
		names = append(names, l.Title())
	}
	if want := []string{"e", "d", "c"}; !slices.Equal(names, want) {
		t.Errorf("longest %q, want %q", names, want)
	}
	total := 0
	for _, n := range d.Bins {
		total += n
	}
	if total != 7 || d.Bins[bin(BinEdges(), 5000*time.Minute)] != 1 {
		t.Errorf("bins %v", d.Bins)
	}
	parts := Samples(incs[8:], Resolve)
	if parts[1].Title() != "two — Evening" {
		t.Errorf("part title %q", parts[1].Title())
	}
	if d := Distribute("none", nil, 3); d.Count != 0 || d.P50 != 0 || d.Bins != nil {
		t.Errorf("empty distribution %+v", d)
	}
}

func TestAnalyzeGroups(t *testing.T) {
	t.Parallel()
	incs := []*postmortem.Incident{
		inc("a", "2023-05-01", resolve(10), sev("SEV1")), inc("b", "2024-01-02", resolve(20), sev("sev1")),
		inc("c", "2024-03-03", resolve(30), sev("SEV2")), inc("d", "2024-04-04", resolve(40), sev("")),
		inc("n", "2024-04-05", resolve(50), kind(postmortem.KindNearMiss)),
	}
	rank := func(s string) (int, bool) {
		i := slices.IndexFunc([]string{"sev1", "sev2", "sev3"}, func(x string) bool { return x == toLower(s) })
		return i, i >= 0
	}
	r := Analyze(incs, Options{Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Severities: []string{"SEV1", "SEV2", "SEV3"}, Rank: rank, Factors: []string{"change"}})
	if want := []Count{{"incident", 4}, {"near-miss", 1}, {"investigation", 0}}; !slices.Equal(r.Kinds, want) {
		t.Errorf("kinds %v, want %v", r.Kinds, want)
	}
	res := r.Phases[2]
	if res.Phase != Resolve || res.All.Count != 4 {
		t.Fatalf("resolve phase %+v", res.All)
	}
	var got []string
	for _, d := range res.BySeverity {
		got = append(got, d.Label+":"+d.P50.String())
	}
	if want := []string{"SEV1:10m0s", "SEV2:30m0s", "unrated:40m0s"}; !slices.Equal(got, want) {
		t.Errorf("by severity %q, want %q", got, want)
	}
	got = nil
	for _, d := range res.ByYear {
		got = append(got, d.Label+":"+itoa(d.Count))
	}
	if want := []string{"2024:3", "2023:1"}; !slices.Equal(got, want) {
		t.Errorf("by year %q, want %q", got, want)
	}
	if r.Phases[0].All.Count != 0 {
		t.Errorf("detect measured %d", r.Phases[0].All.Count)
	}
}
