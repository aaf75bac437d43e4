package insight

import (
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

func svc(s ...string) func(*postmortem.Incident) {
	return func(i *postmortem.Incident) { i.Services = s }
}
func fac(f ...string) func(*postmortem.Incident) {
	return func(i *postmortem.Incident) { i.Factors = f }
}
func cf(text string) func(*postmortem.Incident) {
	return func(i *postmortem.Incident) {
		i.Sections = append(i.Sections, postmortem.Section{Kind: postmortem.SectionFactors, Heading: "Contributing factors", Text: text})
	}
}
func items(it ...postmortem.ActionItem) func(*postmortem.Incident) {
	return func(i *postmortem.Incident) { i.ActionItems = it }
}
func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

// recurFixture is a made-up history with two recurring themes: payments-api
// configuration (A then C) and search capacity (F, B, D).
func recurFixture() map[string]*postmortem.Incident {
	list := []*postmortem.Incident{
		inc("A", "2023-01-10", svc("payments-api"), fac("Configuration"), cf("- Expired certificate on the payments mTLS listener."),
			items(postmortem.ActionItem{Title: "Alert on certificate expiry", Owner: "Dana", Status: postmortem.StatusOpen},
				postmortem.ActionItem{Title: "Automate rotation", Status: postmortem.StatusDone, Due: day("2024-06-01")})),
		inc("B", "2023-06-01", svc("search"), fac("capacity"), cf("Elasticsearch heap too small for the new index.")),
		inc("C", "2024-03-05", svc("Payments-API", "ledger"), fac("configuration"), cf("The certificate rotation job failed silently."),
			items(postmortem.ActionItem{Title: "Page on rotation failure", Status: postmortem.StatusOpen},
				postmortem.ActionItem{Title: "Runbook for rotation", Status: postmortem.StatusDone, Due: day("2024-03-20")})),
		inc("D", "2024-05-01", svc("search"), cf("Elasticsearch heap exhausted during the reindex."),
			items(postmortem.ActionItem{Title: "Size the heap", Status: postmortem.StatusUnknown})),
		inc("E", "2024-06-01", svc("payments-api"), fac("capacity"), cf("Elasticsearch heap")),
		inc("F", "2022-01-01", svc("search"), fac("capacity"), kind(postmortem.KindNearMiss), cf("Heap warnings were ignored for weeks.")),
		inc("G", "", svc("search"), fac("capacity"), cf("Elasticsearch heap")),
		inc("H", "2024-03-05", svc("payments-api"), fac("configuration")),
	}
	m := map[string]*postmortem.Incident{}
	for _, i := range list {
		m[i.ID] = i
	}
	return m
}

func all(m map[string]*postmortem.Incident) []*postmortem.Incident {
	var out []*postmortem.Incident
	for _, k := range []string{"H", "G", "F", "E", "D", "C", "B", "A"} {
		out = append(out, m[k])
	}
	return out
}

func TestSeenBefore(t *testing.T) {
	t.Parallel()
	m := recurFixture()
	r := NewRecurrence(all(m), RecurOptions{})
	tests := []struct {
		id   string
		want []string // id:score:shared factors:shared words
	}{
		{"A", nil},
		{"F", nil},
		{"B", []string{"F:4.242:capacity:heap"}},
		// C shares payments-api and configuration with A, and with H on
		// the same day, which is not earlier.
		{"C", []string{"A:6:configuration:certificate"}},
		// D names no factor: its words find B (all of them) and F (heap).
		{"D", []string{"B:4:::elasticsearch,heap", "F:2.242:::heap"}},
		// E shares a service with A and C, but neither factor nor words.
		{"E", nil},
		{"G", nil},
		// H shares a service and a factor with A, and no word: the
		// taxonomy is too coarse to say they recur on its own.
		{"H", nil},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			var got []string
			for _, x := range r.SeenBefore(m[tt.id], 0) {
				got = append(got, x.Incident.ID+":"+trimScore(x.Score)+":"+strings.Join(x.Factors, ",")+":"+strings.Join(x.Words, ","))
			}
			want := tt.want
			for i, w := range want {
				// "B:4:::w" is written with an empty factor list.
				want[i] = strings.Replace(w, ":::", "::", 1)
			}
			if !slices.Equal(got, want) {
				t.Errorf("seen before %s = %q, want %q", tt.id, got, want)
			}
		})
	}
	if b := r.SeenBefore(m["C"], 0)[0].Before; b != day("2024-03-05").Sub(day("2023-01-10")) {
		t.Errorf("before = %v", b)
	}
	if got := ids(r.RecurredAfter(m["F"])); !slices.Equal(got, []string{"B", "D"}) {
		t.Errorf("recurred after F: %q", got)
	}
}

func TestSeenBeforeRelated(t *testing.T) {
	t.Parallel()
	m := recurFixture()
	// The related-incidents scoring relates E to A (they share a service,
	// nothing else) and to B (no shared service), and C to A.
	rel := func(i *postmortem.Incident) []*postmortem.Incident {
		switch i {
		case m["E"]:
			return []*postmortem.Incident{m["A"], m["B"]}
		case m["C"]:
			return []*postmortem.Incident{m["A"]}
		}
		return nil
	}
	r := NewRecurrence(all(m), RecurOptions{Related: rel})
	// A related link and a shared service without a shared factor or word
	// is not a recurrence: the scoring counts the service it shares.
	if got := r.SeenBefore(m["E"], 0); len(got) != 0 {
		t.Errorf("seen before E = %+v, want nothing", got)
	}
	got := r.SeenBefore(m["C"], 0)
	if len(got) != 1 || got[0].Incident != m["A"] || !got[0].Related || got[0].Score != 7 {
		t.Errorf("seen before C = %+v, want A, related, score 7 (6 and 1 for the link)", got)
	}
}

func TestThemes(t *testing.T) {
	t.Parallel()
	m := recurFixture()
	th := NewRecurrence(all(m), RecurOptions{}).Themes()
	var got []string
	for _, x := range th {
		got = append(got, x.Service+"="+strings.Join(ids(x.Incidents), ","))
	}
	// E recurs with nothing, nor H (a factor and no word); the theme is
	// named as its newest incident, C, spells the service.
	if want := []string{"search=D,B,F", "Payments-API=C,A"}; !slices.Equal(got, want) {
		t.Fatalf("themes %q, want %q", got, want)
	}
	pay := th[1]
	if pay.Months() != 14 || pay.FromFirst != 1 || len(pay.Open) != 2 || pay.Open[0].Action().Title != "Alert on certificate expiry" {
		t.Errorf("payments theme: %d months, %d from the first, open %+v", pay.Months(), pay.FromFirst, pay.Open)
	}
	if !slices.Equal(pay.Factors, []string{"configuration"}) {
		t.Errorf("factors %q", pay.Factors)
	}
	if s := th[0]; !slices.Equal(s.Factors, []string{"capacity"}) || !slices.Contains(s.Words, "heap") {
		t.Errorf("search theme factors %q words %q", s.Factors, s.Words)
	}
}

func TestRecurrenceOrderFree(t *testing.T) {
	t.Parallel()
	m := recurFixture()
	a := NewRecurrence(all(m), RecurOptions{}).Themes()
	rev := all(m)
	slices.Reverse(rev)
	b := NewRecurrence(rev, RecurOptions{}).Themes()
	if len(a) != len(b) {
		t.Fatalf("%d themes and %d", len(a), len(b))
	}
	for i := range a {
		if !slices.Equal(a[i].Incidents, b[i].Incidents) {
			t.Errorf("theme %d differs with the input order", i)
		}
	}
}

func ids(incs []*postmortem.Incident) []string {
	var out []string
	for _, i := range incs {
		out = append(out, i.ID)
	}
	return out
}

func trimScore(f float64) string {
	s := strings.TrimRight(strings.TrimRight(strconvF(f), "0"), ".")
	return s
}

// TestThemesOverlap: incidents that share two services recur on both; the
// theme on one holds every incident of the other, which is left out.
func TestThemesOverlap(t *testing.T) {
	t.Parallel()
	a := inc("A", "2023-01-01", svc("redis-sessions", "auth-service"), fac("capacity"), cf("Session memory full"))
	b := inc("B", "2023-06-01", svc("auth-service", "redis-sessions"), fac("capacity"), cf("Session memory full again"))
	c := inc("C", "2024-01-01", svc("auth-service"), fac("capacity"), cf("Token memory full"))
	d := inc("D", "2024-02-01", svc("ledger", "billing"), fac("change"), cf("Invoice rounding"))
	e := inc("E", "2024-03-01", svc("billing", "ledger"), fac("change"), cf("Invoice rounding again"))
	var got []string
	for _, x := range NewRecurrence([]*postmortem.Incident{a, b, c, d, e}, RecurOptions{}).Themes() {
		got = append(got, x.Service+"="+strings.Join(ids(x.Incidents), ","))
	}
	// redis-sessions (A, B) is within auth-service (A, B, C); billing and
	// ledger hold the same two, and billing comes first.
	if want := []string{"billing=E,D", "auth-service=C,B,A"}; !slices.Equal(got, want) {
		t.Errorf("themes %q, want %q", got, want)
	}
}

// manyIncidents makes n incidents on a few services and factors, with
// contributing factors drawn from a small vocabulary, so that many recur
// (a fixed sequence: the same every run).
func manyIncidents(n int) []*postmortem.Incident {
	services := []string{"checkout", "search", "ledger", "auth", "queue"}
	factors := []string{"change", "capacity", "dependency", "detection gap"}
	vocab := strings.Fields("pool exhausted retries storm certificate expired disk full cache stampede deploy rollback dns timeout quota leak index lag")
	x := uint32(7)
	next := func(k int) int { x = x*1664525 + 1013904223; return int(x>>8) % k }
	var out []*postmortem.Incident
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		var words []string
		for range 3 + next(4) {
			words = append(words, vocab[next(len(vocab))])
		}
		date := day.AddDate(0, 0, i/2).Format("2006-01-02") // two a day: same dates too
		out = append(out, inc(fmt.Sprintf("INC-%04d", i), date, svc(services[next(len(services))], services[next(len(services))]),
			fac(factors[next(len(factors))]), cf(strings.Join(words, " "))))
	}
	return out
}

// TestRecurrenceSameOnAnyCPUs: the matches are found over the CPUs and put
// together in date order; one CPU or two give the same seen-before lists,
// recurred-after lists and themes.
func TestRecurrenceSameOnAnyCPUs(t *testing.T) {
	incs := manyIncidents(600)
	run := func(procs int) (seen [][]Match, after [][]*postmortem.Incident, themes []Theme) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		r := NewRecurrence(incs, RecurOptions{})
		for _, v := range incs {
			seen = append(seen, r.SeenBefore(v, 0))
			after = append(after, r.RecurredAfter(v))
		}
		return seen, after, r.Themes()
	}
	s1, a1, t1 := run(1)
	s2, a2, t2 := run(4)
	matches := 0
	for _, s := range s1 {
		matches += len(s)
	}
	if matches < 100 || len(t1) == 0 {
		t.Fatalf("%d matches and %d themes: the fixture should recur more", matches, len(t1))
	}
	if !reflect.DeepEqual(s1, s2) || !reflect.DeepEqual(a1, a2) || !reflect.DeepEqual(t1, t2) {
		t.Error("one CPU and four give different results")
	}
}
