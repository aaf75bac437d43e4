package site_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// byID returns the element with id.
func byID(doc *html.Node, id string) *html.Node {
	var out *html.Node
	walk(doc, func(n *html.Node) {
		if out == nil && n.Type == html.ElementNode && attr(n, "id") == id {
			out = n
		}
	})
	return out
}

// sectionOf returns the text of the section (or aside) a heading with id
// opens; "" when there is none.
func sectionOf(doc *html.Node, id string) string {
	h := byID(doc, id)
	if h == nil {
		return ""
	}
	return text(h.Parent)
}

// facts returns the terms and descriptions of the dl elements in doc.
func facts(doc *html.Node) map[string]string {
	out := map[string]string{}
	for _, dt := range find(doc, "dt", "") {
		for dd := dt.NextSibling; dd != nil; dd = dd.NextSibling {
			if dd.Type == html.ElementNode && dd.Data == "dd" {
				out[text(dt)] = text(dd)
				break
			}
		}
	}
	return out
}

// tableRows returns the rows of the tables in n, each row its cells' text.
func tableRows(n *html.Node, caption string) [][]string {
	var out [][]string
	for _, tb := range find(n, "table", "") {
		c := find(tb, "caption", "")
		if caption != "" && (len(c) == 0 || text(c[0]) != caption) {
			continue
		}
		for _, tr := range find(tb, "tr", "") {
			var row []string
			for c := tr.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
					row = append(row, text(c))
				}
			}
			out = append(out, row)
		}
	}
	return out
}

// TestLearnPages builds a repository whose answers are known (see
// testdata/learn.txtar) and reads them back from the pages and from
// api/metrics.json.
func TestLearnPages(t *testing.T) {
	dir := repotest.WriteFile(t, filepath.Join("testdata", "learn.txtar"))
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out, Now: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)})
	checkLinks(t, out, "/")

	t.Run("metrics page", func(t *testing.T) {
		doc := parseHTML(t, filepath.Join(out, "metrics/index.html"))
		page := text(doc)
		for _, want := range []string{
			"Incident durations are heavy-tailed",
			"4 incidents · 1 near miss · 1 investigation",
			// Resolve: 1 h, 2 h, 4 h, 30 h; the near miss (2 d 2 h) is left out.
			"4 outages measured: median (p50) 2 h, p90 1 d 6 h, longest 1 d 6 h",
			// Detect: 5, 10, 30, 60 minutes.
			"4 outages measured: median (p50) 10 min, p90 1 h, longest 1 h",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("the metrics page lacks %q", want)
			}
		}
		// The table fallback of the chart of time to resolve by severity.
		rows := tableRows(doc, "Time to resolve by severity")
		want := [][]string{
			{"Severity", "Count", "p50", "p90", "Longest", "Mean"},
			{"SEV1", "1", "4 h", "4 h", "4 h", "4 h"},
			{"SEV2", "2", "1 h", "2 h", "2 h", "1 h 30 min"},
			{"SEV3", "1", "1 d 6 h", "1 d 6 h", "1 d 6 h", "1 d 6 h"},
		}
		if !slices.EqualFunc(rows, want, slices.Equal) {
			t.Errorf("time to resolve by severity:\n got %q\nwant %q", rows, want)
		}
		// Every chart is labelled for screen readers and has a caption.
		for _, svg := range find(doc, "svg", "chart") {
			if attr(svg, "role") != "img" || attr(svg, "aria-label") == "" {
				t.Errorf("a chart without role=img and a label: %v", svg.Attr)
			}
			p := svg.Parent
			if p.Data != "figure" || len(find(p, "figcaption", "")) != 1 {
				t.Errorf("chart %q is not in a figure with a caption", attr(svg, "aria-label"))
				continue
			}
			if label := attr(svg, "aria-label"); label == "Time to resolve by severity" {
				if c := text(find(p, "figcaption", "")[0]); !strings.HasPrefix(c, "Time to resolve: each row is a histogram") {
					t.Errorf("the caption of %q is %q", label, c)
				}
			}
		}
		longest := find(doc, "ol", "longest")
		// Detect and resolve; no outage gives a time to mitigate.
		if len(longest) != 2 || !strings.HasPrefix(text(longest[1]), "Search indexer backlog IDX-1") {
			t.Errorf("the longest times to resolve start %q", text(longest[len(longest)-1]))
		}
		rec := sectionOf(doc, "recurring")
		if !strings.Contains(rec, "1 group of incidents recurs on a service with similar contributing factors: payments-api") {
			t.Errorf("recurring themes section = %q", rec)
		}
		follow := sectionOf(doc, "follow-through")
		for _, want := range []string{
			"4 action items: 1 done, 3 open",
			"Time to close: median 22 d",
			"due date",
			"2 action items were still open when an incident they recur with happened",
		} {
			if !strings.Contains(follow, want) {
				t.Errorf("follow-through lacks %q: %s", want, follow)
			}
		}
		aging := tableRows(doc, "Open items by age")
		wantAging := [][]string{{"Age", "Open items"}, {"under 30 days", "0"}, {"30 to 90 days", "1"}, {"90 to 180 days", "0"}, {"180 days to a year", "1"}, {"over a year", "1"}, {"age unknown", "0"}}
		if !slices.EqualFunc(aging, wantAging, slices.Equal) {
			t.Errorf("aging = %q", aging)
		}
	})

	t.Run("service page with a catalog entry", func(t *testing.T) {
		doc := parseHTML(t, filepath.Join(out, "services/payments-api/index.html"))
		page := text(doc)
		for _, want := range []string{
			"Takes card payments for the shop.",
			"3 incidents, 1 near miss",
			"3 incidents in 14 months; 1 action item from the first still open, 2 more from later ones",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("the payments-api page lacks %q", want)
			}
		}
		if f := facts(doc); f["Owner"] != "team-payments" || f["Tier"] != "1" {
			t.Errorf("catalog facts = %q", f)
		}
		rows := tableRows(doc, "Durations of payments-api outages")
		want := [][]string{
			{"Phase", "Count", "p50", "p90", "Longest", "Mean"},
			{"Time to detect", "3", "10 min", "30 min", "30 min", "15 min"},
			{"Time to resolve", "3", "2 h", "4 h", "4 h", "2 h 20 min"},
		}
		if !slices.EqualFunc(rows, want, slices.Equal) {
			t.Errorf("durations:\n got %q\nwant %q", rows, want)
		}
		var hrefs []string
		walk(doc, func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "a" && strings.HasPrefix(attr(n, "href"), "https://") {
				hrefs = append(hrefs, attr(n, "href"))
			}
		})
		if !slices.Contains(hrefs, "https://runbooks.example.com/payments") || !slices.Contains(hrefs, "https://grafana.example.com/d/payments") {
			t.Errorf("runbook and links = %q", hrefs)
		}
		// The open items of the service, the oldest incident's first.
		open := tableRows(doc, "")
		var items []string
		for _, r := range open {
			if len(r) == 4 && r[0] != "Item" {
				items = append(items, r[0])
			}
		}
		if want := []string{"Add a circuit breaker to the gateway client", "Back off retries to the gateway", "Pin the gateway timeout in review"}; !slices.Equal(items, want) {
			t.Errorf("open items = %q, want %q", items, want)
		}
	})

	t.Run("service missing from the catalog", func(t *testing.T) {
		page := text(parseHTML(t, filepath.Join(out, "services/search-indexer/index.html")))
		if !strings.Contains(page, "not in the service catalog") {
			t.Errorf("the search-indexer page does not say it is missing from the catalog: %s", page)
		}
	})

	t.Run("seen before", func(t *testing.T) {
		doc := parseHTML(t, filepath.Join(out, "incidents/PAY-3/index.html"))
		seen := find(doc, "aside", "seen-before")
		if len(seen) != 1 {
			t.Fatal("PAY-3 has no Seen before")
		}
		var got []string
		for _, li := range find(seen[0], "li", "") {
			got = append(got, text(li))
		}
		if len(got) != 2 || !strings.Contains(got[0], "PAY-2 · 2023-09-05, 6 months before") && !strings.Contains(got[1], "PAY-2 · 2023-09-05, 6 months before") ||
			!strings.Contains(strings.Join(got, "|"), "PAY-1 · 2023-01-10, 14 months before") {
			t.Errorf("seen before = %q", got)
		}
		// The first incident has nothing before it.
		if len(find(parseHTML(t, filepath.Join(out, "incidents/PAY-1/index.html")), "aside", "seen-before")) != 0 {
			t.Error("PAY-1, the first, has a Seen before")
		}
	})

	t.Run("themes page", func(t *testing.T) {
		doc := parseHTML(t, filepath.Join(out, "themes/index.html"))
		themes := find(doc, "ol", "themes")
		if len(themes) != 1 {
			t.Fatal("no list of themes")
		}
		var ids []string
		for _, li := range find(themes[0], "ol", "theme-incidents") {
			for _, a := range find(li, "a", "") {
				ids = append(ids, text(a))
			}
		}
		if want := []string{"Gateway timeouts after a config push", "Gateway retry storm", "Card gateway timeouts"}; !slices.Equal(ids, want) {
			t.Errorf("theme incidents = %q, want %q (newest first)", ids, want)
		}
	})

	t.Run("kinds and factors", func(t *testing.T) {
		titles := func(p string) []string {
			var got []string
			for _, a := range find(parseHTML(t, filepath.Join(out, p)), "a", "title") {
				got = append(got, text(a))
			}
			return got
		}
		if got := titles("kinds/near-miss/index.html"); !slices.Equal(got, []string{"Near miss: certificate two days from expiry"}) {
			t.Errorf("near misses = %q", got)
		}
		if got := titles("kinds/investigation/index.html"); !slices.Equal(got, []string{"Why deploys got slow"}) {
			t.Errorf("investigations = %q", got)
		}
		if got := titles("factors/dependency/index.html"); len(got) != 3 {
			t.Errorf("dependency factor lists %q, want the three payment outages", got)
		}
		inc := parseHTML(t, filepath.Join(out, "incidents/PAY-3/index.html"))
		var chips []string
		for _, a := range find(inc, "a", "chip") {
			if strings.Contains(attr(a, "href"), "/factors/") {
				chips = append(chips, attr(a, "href"))
			}
		}
		if want := []string{"/factors/dependency/", "/factors/configuration/"}; !slices.Equal(chips, want) {
			t.Errorf("factor links = %q, want %q", chips, want)
		}
	})

	t.Run("api/metrics.json", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(out, "api/metrics.json"))
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Kinds  map[string]int `json:"kinds"`
			Phases map[string]struct {
				All struct {
					Count   int   `json:"count"`
					P50s    int64 `json:"p50"`
					P90s    int64 `json:"p90"`
					Longest []struct {
						ID string `json:"id"`
					} `json:"longest"`
				} `json:"all"`
			} `json:"phases"`
			Follow struct {
				Total, Open, Done int
				Carried           []struct {
					Incident, Again, Title string
				} `json:"open_at_recurrence"`
			} `json:"follow_through"`
			Themes []struct {
				Service       string   `json:"service"`
				Incidents     []string `json:"incidents"`
				Months        int      `json:"months"`
				OpenFromFirst int      `json:"open_from_first"`
			} `json:"themes"`
			Services []struct {
				Name      string `json:"name"`
				InCatalog bool   `json:"in_catalog"`
				Owner     string `json:"owner"`
			} `json:"services"`
		}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		if m.Kinds["incident"] != 4 || m.Kinds["near-miss"] != 1 || m.Kinds["investigation"] != 1 {
			t.Errorf("kinds = %v", m.Kinds)
		}
		r := m.Phases["resolve"].All
		if r.Count != 4 || r.P50s != 7200 || r.P90s != 30*3600 || len(r.Longest) == 0 || r.Longest[0].ID != "IDX-1" {
			t.Errorf("resolve = %+v", r)
		}
		if d := m.Phases["detect"].All; d.Count != 4 || d.P50s != 600 || d.P90s != 3600 {
			t.Errorf("detect = %+v", d)
		}
		if m.Follow.Total != 4 || m.Follow.Open != 3 || m.Follow.Done != 1 || len(m.Follow.Carried) != 2 {
			t.Errorf("follow-through = %+v", m.Follow)
		}
		if len(m.Themes) != 1 || m.Themes[0].Service != "payments-api" || !slices.Equal(m.Themes[0].Incidents, []string{"PAY-3", "PAY-2", "PAY-1"}) ||
			m.Themes[0].Months != 14 || m.Themes[0].OpenFromFirst != 1 {
			t.Errorf("themes = %+v", m.Themes)
		}
		catalog := map[string]string{}
		for _, s := range m.Services {
			if s.InCatalog {
				catalog[s.Name] = s.Owner
			}
		}
		if len(catalog) != 2 || catalog["payments-api"] != "team-payments" || catalog["deploy-pipeline"] != "team-platform" {
			t.Errorf("services in the catalog = %v", catalog)
		}
	})
}

// TestLearnBrokenCatalog: a catalog that cannot be read is a warning that
// names its line, and the site is built without it.
func TestLearnBrokenCatalog(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, `
-- services.yaml --
services:
  - name: payments-api
    runbook: javascript:alert(1)
-- postmortems/2024-01-02-pay.md --
---
title: Payments down
date: 2024-01-02
status: published
services: [payments-api]
---
## Summary
Down.
`)
	out := filepath.Join(t.TempDir(), "public")
	res := build(t, site.BuildOptions{Dir: dir, Out: out, Now: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)})
	if !slices.ContainsFunc(res.Warnings, func(w string) bool {
		return strings.Contains(w, `services.yaml:3: runbook "javascript:alert(1)" is not an http or https URL`)
	}) {
		t.Errorf("warnings = %q", res.Warnings)
	}
	page := parseHTML(t, filepath.Join(out, "services/payments-api/index.html"))
	if strings.Contains(text(page), "javascript") || len(facts(page)) != 0 {
		t.Errorf("the service page shows the unread catalog: %s", text(page))
	}
}
