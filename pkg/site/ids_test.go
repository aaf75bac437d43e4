package site_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// TestReservedIDs: ids that name what the site writes in incidents/ (its
// list page index.html, in any case, and the page/ folder of its pages)
// build: each incident gets a page of its own, with a warning, and the
// list keeps its place.
func TestReservedIDs(t *testing.T) {
	t.Parallel()
	pm := func(id, day string) string {
		return "---\nid: " + id + "\ntitle: Incident " + id + "\ndate: 2024-02-" + day + "\nseverity: SEV3\nstatus: published\n---\n## Summary\n\nText of " + id + ".\n"
	}
	dir := repotest.Write(t, "-- postmortems/2024/a.md --\n"+pm("index.html", "01")+
		"-- postmortems/2024/b.md --\n"+pm("INDEX.HTML", "02")+
		"-- postmortems/2024/c.md --\n"+pm("page", "03")+
		"-- postmortems/2024/d.md --\n"+pm("index.html-b", "04"))
	out := filepath.Join(t.TempDir(), "public")
	res := build(t, site.BuildOptions{Dir: dir, Out: out, PageSize: 1})
	if res.Incidents != 4 {
		t.Fatalf("built %d incidents, want 4", res.Incidents)
	}
	pages, _ := filepath.Glob(filepath.Join(out, "incidents", "*", "index.html"))
	if len(pages) != 4 {
		t.Errorf("%d incident pages: %v", len(pages), pages)
	}
	if st, err := os.Stat(filepath.Join(out, "incidents", "index.html")); err != nil || !st.Mode().IsRegular() {
		t.Errorf("the incident list page: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "incidents", "page", "2", "index.html")); err != nil {
		t.Errorf("the list's second page: %v", err)
	}
	for _, f := range []string{"postmortems/2024/a.md", "postmortems/2024/b.md", "postmortems/2024/c.md"} {
		if !hasFinding(res.Findings, f, "id", "the site uses") {
			t.Errorf("%s: no warning about its id: %v", f, res.Findings)
		}
	}
}
