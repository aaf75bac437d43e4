package site_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/site"
)

// TestPathologicalMarkdown: postmortems whose Markdown goldmark takes tens
// of seconds on (45 s, 11 s, 10.6 s on main) are built at once, shown as
// text, and reported; the build goes on.
func TestPathologicalMarkdown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	head := func(id string) string {
		return "---\nid: " + id + "\ntitle: Pathological " + id + "\ndate: 2024-04-01\nseverity: SEV4\nstatus: published\n---\n## Summary\n\n"
	}
	files := map[string]string{
		"postmortems/2024/links.md": head("P-1") + strings.Repeat("[a](", 100_000) + "\n",
		"postmortems/2024/word.md":  head("P-2") + strings.Repeat("a", 4<<20-200) + "\n",
		"postmortems/2024/table.md": head("P-3") + "|" + strings.Repeat(" a |", 20_000) + "\n|" + strings.Repeat("---|", 20_000) + "\n",
		"postmortems/2024/fine.md":  head("P-4") + "The cache was cold.\n",
	}
	writeFiles(t, dir, files)
	out := filepath.Join(t.TempDir(), "public")
	res := build(t, site.BuildOptions{Dir: dir, Out: out, NoHistory: true})
	if res.Incidents != 4 {
		t.Errorf("built %d incidents, want 4", res.Incidents)
	}
	for _, f := range []string{"links.md", "word.md", "table.md"} {
		if !hasFinding(res.Findings, "postmortems/2024/"+f, "render", "shown as text") {
			t.Errorf("%s: no render finding: %v", f, res.Findings)
		}
	}
	page, err := os.ReadFile(filepath.Join(out, "incidents/P-1/index.html"))
	if err != nil || !strings.Contains(string(page), `<div class="unrendered">`) || !strings.Contains(string(page), "[a](") {
		t.Errorf("P-1's page does not show its text: %v", err)
	}
}
