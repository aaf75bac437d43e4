package site_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// TestIDsUniqueOnEveryPage: no page of the site has two elements with one
// id (an HTML error: a link to it reaches the first). The lessons pages
// show the lessons of every incident with a tag, each written with the same
// sub-headings and footnotes; the incident pages have headings whose ids
// the theme's elements have (main, drawn-actions), and a link to one of
// them reaches the heading.
func TestIDsUniqueOnEveryPage(t *testing.T) {
	t.Parallel()
	pm := func(id, day string) string {
		return "---\nid: " + id + "\ntitle: Replica lag on " + day + "\ndate: 2024-02-" + day + "\nseverity: SEV3\nstatus: published\ntags: [database]\n---\n" +
			"## Summary\n\nThe read replica fell behind; see [the main cause](#main).\n\n## Main\n\nDisk.\n\n## Drawn actions\n\nNone.\n\n" +
			"## Lessons learned\n\n### What went well\n\n- The lag alert fired[^1]; see [what went wrong](#what-went-wrong).\n\n" +
			"### What went wrong\n\n- Nobody owned the replica.\n\n[^1]: Within two minutes.\n"
	}
	dir := repotest.Write(t, "-- postmortems/2024/a.md --\n"+pm("INC-1", "01")+"-- postmortems/2024/b.md --\n"+pm("INC-2", "02"))
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out})
	pages := 0
	err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		pages++
		doc := parseHTML(t, p)
		seen := map[string]bool{}
		walk(doc, func(n *html.Node) {
			id := attr(n, "id")
			if id == "" {
				return
			}
			if seen[id] {
				rel, _ := filepath.Rel(out, p)
				t.Errorf("%s: id %q used twice", rel, id)
			}
			seen[id] = true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(out, "incidents", "INC-1", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="main-1"`, `href="#main-1"`, `id="drawn-actions-1"`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("incidents/INC-1/: no %s", want)
		}
	}
	lessons := parseHTML(t, filepath.Join(out, "lessons", "database", "index.html"))
	var targets []string
	walk(lessons, func(n *html.Node) {
		if h := attr(n, "href"); strings.HasPrefix(h, "#") && h != "#" {
			targets = append(targets, h[1:])
		}
	})
	for _, want := range []string{"INC-1-what-went-wrong", "INC-2-what-went-wrong", "INC-1-fn:1", "INC-2-fnref:1"} {
		if !strings.Contains(strings.Join(targets, " "), want) {
			t.Errorf("lessons/database/: no link to #%s among %q", want, targets)
		}
	}
	if pages < 10 {
		t.Fatalf("checked %d pages", pages)
	}
}
