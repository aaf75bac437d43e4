package live

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/site"
)

// TestClassify runs the first step of an update alone: changed paths
// sorted into postmortems edited, added and removed, changes inside .git,
// files the site does not read, and the reasons for a whole build.
func TestClassify(t *testing.T) {
	t.Parallel()
	dir := gitRepo(t, "incremental.txtar")
	ls := newSite(t, site.BuildOptions{Dir: dir, NoHistory: true, CacheDir: t.TempDir()})
	if _, err := ls.Build(context.Background(), filepath.Join(t.TempDir(), "site")); err != nil {
		t.Fatal(err)
	}
	const added = "postmortems/2024/2024-07-07-cdn.md"
	for name, data := range map[string]string{
		added:                    "# CDN outage\n",
		"postmortems/notes.txt~": "an editor's backup",
	} {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(dbFile))); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		changed []string
		want    changes
		why     string // a word of the reason for a whole build
	}{
		{"edited", []string{dnsFile, "./" + dnsFile}, changes{edited: []string{dnsFile}}, ""},
		{"added", []string{added}, changes{added: []string{added}}, ""},
		{"removed", []string{dbFile}, changes{removed: []string{dbFile}}, ""},
		{"inside .git", []string{".git/HEAD"}, changes{git: true}, ""},
		{"not read by the site", []string{"postmortems/notes.txt~"}, changes{}, ""},
		{"configuration", []string{dnsFile, "inquest.yaml"}, changes{}, "configuration"},
		{"theme", []string{"theme/templates/list.html"}, changes{}, "theme"},
		{"linked file", []string{"postmortems/2024/img/chart.svg"}, changes{}, "linked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, why := ls.st.classify(ls.opts, tc.changed)
			if tc.why != "" || why != "" {
				if !strings.Contains(why, tc.why) || tc.why == "" {
					t.Errorf("why = %q, want a reason with %q", why, tc.why)
				}
				return
			}
			if !slices.Equal(c.edited, tc.want.edited) || !slices.Equal(c.added, tc.want.added) ||
				!slices.Equal(c.removed, tc.want.removed) || c.git != tc.want.git {
				t.Errorf("classify = %+v, want %+v", c, tc.want)
			}
		})
	}
}
