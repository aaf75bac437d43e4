package site_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// TestActionItemsThroughTime builds a repository whose action items were
// added, reworded, moved with their file, ticked and removed over five
// commits, and checks the opened and closed dates from Git on the action
// items page, the incident page and the JSON API.
func TestActionItemsThroughTime(t *testing.T) {
	t.Parallel()
	dir := repotest.WriteFile(t, filepath.Join("testdata", "itemlife.txtar"))
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out, Now: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})

	type row struct{ opened, closed string }
	want := map[string]row{
		"Add alerts on queue depth per shard":     {"2024-01-08 from incident date", "open for 53 days from incident date"},
		"Cap the connection pool at 200 per host": {"2024-01-12 from Git", "2024-02-03 from Git"},
		"Retry idempotent writes once":            {"2024-01-08 from incident date", "2024-02-05 from due date; done when first written"},
	}
	cells := func(tr []string, titleCol, openedCol int) (string, row) {
		return tr[titleCol], row{tr[openedCol], tr[openedCol+1]}
	}
	check := func(page string, titleCol, openedCol int) {
		t.Helper()
		doc := parseHTML(t, filepath.Join(out, page))
		got := map[string]row{}
		for _, tr := range find(doc, "tr", "") {
			var tds []string
			for _, td := range find(tr, "td", "") {
				tds = append(tds, strings.Join(strings.Fields(text(td)), " "))
			}
			if len(tds) > openedCol+1 {
				title, r := cells(tds, titleCol, openedCol)
				got[title] = r
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: rows %v", page, got)
		}
		for title, w := range want {
			if got[title] != w {
				t.Errorf("%s: %q is %+v, want %+v", page, title, got[title], w)
			}
		}
		// The removed item is in no table; the incident page's revision
		// list still shows its line in the diff that removed it.
		for _, table := range find(doc, "table", "") {
			if strings.Contains(text(table), "failover runbook") {
				t.Errorf("%s: the removed item is shown", page)
			}
		}
	}
	check("actions/index.html", 0, 3)
	check("incidents/INC-7/index.html", 0, 5)

	data, err := os.ReadFile(filepath.Join(out, "api", "incidents.json"))
	if err != nil {
		t.Fatal(err)
	}
	var api struct {
		Incidents []struct {
			ID          string `json:"id"`
			ActionItems []struct {
				Title      string  `json:"title"`
				Opened     *string `json:"opened"`
				OpenedFrom string  `json:"opened_from"`
				Closed     *string `json:"closed"`
				ClosedFrom string  `json:"closed_from"`
			} `json:"action_items"`
		} `json:"incidents"`
	}
	if err := json.Unmarshal(data, &api); err != nil {
		t.Fatal(err)
	}
	str := func(p *string) string {
		if p == nil {
			return "null"
		}
		return *p
	}
	got := map[string]string{}
	for _, inc := range api.Incidents {
		for _, a := range inc.ActionItems {
			got[a.Title] = str(a.Opened) + " " + a.OpenedFrom + " | " + str(a.Closed) + " " + a.ClosedFrom
		}
	}
	for title, w := range map[string]string{
		"Add alerts on queue depth per shard":     "2024-01-08T00:00:00Z incident date | null ",
		"Cap the connection pool at 200 per host": "2024-01-12T10:00:00Z Git | 2024-02-03T10:00:00Z Git",
		"Retry idempotent writes once":            "2024-01-08T00:00:00Z incident date | 2024-02-05T00:00:00Z due date",
	} {
		if got[title] != w {
			t.Errorf("api: %q is %q, want %q", title, got[title], w)
		}
	}
}

// TestActionItemsWithoutGit: without a repository the dates come from
// the postmortem and say so.
func TestActionItemsWithoutGit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	md := "---\nid: INC-1\ntitle: Cache stampede\ndate: 2024-01-08\nstatus: published\n---\n## Action items\n\n" +
		"- [ ] Add jitter to cache expiry\n- [x] Warm the cache on deploy — due 2024-01-20\n"
	if err := os.MkdirAll(filepath.Join(dir, "postmortems"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "postmortems", "a.md"), []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out, Now: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})
	doc := parseHTML(t, filepath.Join(out, "actions/index.html"))
	body := strings.Join(strings.Fields(text(doc)), " ")
	for _, w := range []string{"2024-01-08 from incident date", "open for 53 days from incident date", "2024-01-20 from due date"} {
		if !strings.Contains(body, w) {
			t.Errorf("actions page lacks %q", w)
		}
	}
}
