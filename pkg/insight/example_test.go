package insight_test

import (
	"fmt"
	"time"

	"github.com/inquest-dev/inquest/pkg/insight"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

func ExampleQuantile() {
	// Times to resolve, sorted: one long incident pulls the mean to 3 h,
	// the median stays at 20 minutes.
	sorted := []time.Duration{10 * time.Minute, 15 * time.Minute, 20 * time.Minute, 30 * time.Minute, 14 * time.Hour}
	fmt.Println(insight.Quantile(sorted, 0.5), insight.Quantile(sorted, 0.9))
	// Output: 20m0s 14h0m0s
}

func ExampleNewRecurrence() {
	day := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	first := &postmortem.Incident{ID: "INC-1", Title: "Checkout down: connection pool too small", Date: day("2024-02-01"),
		Services: []string{"checkout-api"}, Factors: []string{"configuration"}}
	again := &postmortem.Incident{ID: "INC-7", Title: "Connection pool exhausted after a deploy", Date: day("2024-11-20"),
		Services: []string{"checkout-api"}, Factors: []string{"Configuration"}}
	r := insight.NewRecurrence([]*postmortem.Incident{again, first}, insight.RecurOptions{})
	for _, m := range r.SeenBefore(again, 3) {
		fmt.Printf("%s, %d days before, shares %v, %v and %v\n", m.Incident.ID, int(m.Before.Hours()/24), m.Services, m.Factors, m.Words)
	}
	for _, t := range r.Themes() {
		fmt.Printf("%s: %d incidents in %d months\n", t.Service, len(t.Incidents), t.Months())
	}
	// Output:
	// INC-1, 293 days before, shares [checkout-api], [configuration] and [connection pool]
	// checkout-api: 2 incidents in 9 months
}
