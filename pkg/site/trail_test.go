package site_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// TestTrailPages builds the sites of revisionsRepo and auditRepo (renames,
// amendments of both kinds, a pull request, a stale sign-off) with the
// default theme, and with a theme whose incident.html draws the audit
// trail as the default one did in the template (site.TrailReference):
// every file of the two sites is the same, with the default "diff"
// partial and with a theme's own. (Checked to fail with a space added to
// the markup of a diff since a sign-off in SinceApprovalsHTML.)
func TestTrailPages(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("../../theme/templates/incident.html")
	if err != nil {
		t.Fatal(err)
	}
	ref, ok := site.TrailReference(string(src))
	if !ok {
		t.Fatal("the theme's incident.html does not have each of site.TrailSnippets once")
	}
	own := `{{define "diff"}}<div class="mine">{{.Fallback}}{{range .Sections}}<b>{{.Name}}</b> +{{.Added}}{{range .Hunks}}<ol>{{.HTML}}</ol>{{end}}{{end}}</div>{{end}}`
	for name, archive := range map[string]string{"revisions": revisionsRepo, "audit": auditRepo} {
		dir := repotest.Write(t, archive)
		for _, diff := range []string{"", own} {
			outs := [2]string{}
			for k, incident := range []string{"", ref} {
				theme := t.TempDir()
				if incident != "" {
					writeTheme(t, theme, "templates/incident.html", incident)
				}
				if diff != "" {
					writeTheme(t, theme, "templates/partials/diff.html", diff)
				}
				outs[k] = filepath.Join(t.TempDir(), "public")
				build(t, site.BuildOptions{Dir: dir, Out: outs[k], ThemeDir: theme})
			}
			sameTrees(t, name, outs[0], outs[1])
		}
	}
}

// writeTheme writes a theme file.
func writeTheme(t *testing.T, theme, name, data string) {
	t.Helper()
	p := filepath.Join(theme, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// sameTrees fails unless folders a and b hold the same files, byte for
// byte.
func sameTrees(t *testing.T, name, a, b string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil {
			return err
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s: %s differs:\n%s\nthe template drew\n%s", name, rel, x, y)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Fatalf("%s: %d files", name, n)
	}
}
