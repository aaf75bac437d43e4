package site

import (
	"reflect"
	"testing"
)

func TestThousands(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   float64
		want string
	}{
		{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1,000"}, {27300, "27,300"},
		{1240000, "1,240,000"}, {12.5, "12.5"}, {0.126, "0.13"}, {-4100, "-4,100"}, {1234567.891, "1,234,567.89"},
	} {
		if got := thousands(c.in); got != c.want {
			t.Errorf("thousands(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestImpactFacts(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		in   map[string]any
		want []impactFact
	}{
		{"units from the keys", map[string]any{"customers": uint64(9450), "duration_minutes": 195, "revenue_usd": int64(27300)},
			[]impactFact{{"Customers", "9,450"}, {"Duration", "3 h 15 min"}, {"Revenue", "$27,300"}}},
		{"percent, euros, hours", map[string]any{"error_rate_pct": 22.5, "refunds_eur": "1,800", "outage_hours": 2},
			[]impactFact{{"Error rate", "22.5%"}, {"Outage", "2 h"}, {"Refunds", "€1,800"}}},
		{"text kept as written", map[string]any{"regions": "eu-west-1, eu-central-1", "Orders-Lost": 12},
			[]impactFact{{"Orders lost", "12"}, {"Regions", "eu-west-1, eu-central-1"}}},
		{"a key that is only a unit", map[string]any{"usd": 5}, []impactFact{{"Usd", "5"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := impactFacts(c.in); !reflect.DeepEqual(got, c.want) {
				t.Errorf("impactFacts(%v)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

func TestTrackerText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ ticket, link, want string }{
		{"PAY-431", "https://jira.acme.example/browse/PAY-431", "PAY-431"},
		{"", "https://jira.acme.example/browse/PAY-431", "jira.acme.example PAY-431"},
		{"", "https://github.com/acme/shop/issues/42", "github.com #42"},
		{"", "https://www.notion.so/acme/Runbook-rewrite", "notion.so"},
		{"", "https://tracker.example/", "tracker.example"},
		{"", "https://linear.app/acme/issue/OPS-7/add-a-pdb-to-every-deployment-in-the-cluster-now", "linear.app"},
		{"", "", ""},
	} {
		if got := trackerText(c.ticket, c.link); got != c.want {
			t.Errorf("trackerText(%q, %q) = %q, want %q", c.ticket, c.link, got, c.want)
		}
	}
}
