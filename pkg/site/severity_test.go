package site_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// TestSeverityPagePerLevel: postmortems that spell one level several ways
// ("Sev 1", "SEV1", "sev-1") share one severity page, named as the scale
// spells the level, on a configured scale as on a learned one.
func TestSeverityPagePerLevel(t *testing.T) {
	t.Parallel()
	const files = `
-- postmortems/a.md --
# Login outage

**Severity:** Sev 1
**Date:** 2024-01-10
**Status:** published
-- postmortems/b.md --
# Payment errors

**Severity:** SEV1
**Date:** 2024-02-10
**Status:** published
-- postmortems/c.md --
# Slow search

**Severity:** sev-2
**Date:** 2024-03-10
**Status:** published
-- postmortems/d.md --
# Stuck deploys

**Severity:** SEV1
**Date:** 2024-04-10
**Status:** published
-- $ commit --
`
	for _, tc := range []struct{ name, config, want string }{
		{"configured", "-- inquest.yaml --\nseverities: [SEV1, SEV2]\n", "sev1 sev2"},
		// Learned, each level is spelt as most files spell it.
		{"learned", "", "sev-2 sev1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := repotest.Write(t, tc.config+files)
			out := filepath.Join(t.TempDir(), "public")
			build(t, site.BuildOptions{Dir: dir, Out: out})
			entries, err := os.ReadDir(filepath.Join(out, "severity"))
			if err != nil {
				t.Fatal(err)
			}
			var pages []string
			for _, e := range entries {
				if e.IsDir() {
					pages = append(pages, e.Name())
				}
			}
			if strings.Join(pages, " ") != tc.want {
				t.Errorf("severity pages %q, want one per level: %s", pages, tc.want)
			}
			doc := parseHTML(t, filepath.Join(out, "severity", "sev1", "index.html"))
			page := text(doc)
			for _, title := range []string{"Login outage", "Payment errors", "Stuck deploys"} {
				if !strings.Contains(page, title) {
					t.Errorf("severity/sev1 does not list %q", title)
				}
			}
		})
	}
}
