package repo_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/repo"
)

// TestDiscoveryKeepsTheWorkTreeRule: when inquest finds the postmortems
// itself (no content configured), in report folders or by their shape,
// a symbolic link among them is judged as with configured content: one to
// a committed postmortem is followed, one to a hidden file (.git/config,
// an untracked .env), to a folder, to a file Git does not track or to a
// file that is no postmortem is a symlink finding naming its target, and
// the token in .git/config and .env is in no incident.
func TestDiscoveryKeepsTheWorkTreeRule(t *testing.T) {
	t.Parallel()
	const token = "ghs_FAKE7discovery7token7NEVER7READ"
	report := func(title, date string) string {
		return "# " + title + " outage\n\n**Severity:** SEV2\n**Date:** " + date + "\n\n## Impact\n\nCheckout failed for 20 minutes.\n\n" +
			"## Timeline\n\n- 09:19 UTC pool exhausted\n- 09:41 UTC rolled back\n\n## Action items\n\n- [ ] Cap the pool per pod\n"
	}
	tests := []struct {
		name    string
		archive string
		want    []string          // sources of the incidents
		refused map[string]string // link -> its target, as the finding names it
	}{
		{
			name: "report folder",
			archive: `
-- postmortems/2024-03-01-db.md --
` + report("Database", "2024-03-01") + `
-- docs/guide.md --
# Writing a postmortem
-- $ ln -s 2024-03-01-db.md postmortems/copy.md --
-- $ ln -s ../.git/config postmortems/leak-config.md --
-- $ ln -s ../.env postmortems/leak-env.md --
-- $ ln -s ../docs postmortems/docs.md --
-- $ ln -s ../docs/guide.md postmortems/guide.md --
-- $ ln -s ../notes.md postmortems/notes.md --
-- $ commit --
Add the database postmortem
-- notes.md --
# Incident notes, not committed
`,
			want: []string{"postmortems/2024-03-01-db.md", "postmortems/copy.md"},
			refused: map[string]string{
				"postmortems/leak-config.md": ".git/config", "postmortems/leak-env.md": ".env",
				"postmortems/docs.md": "docs", "postmortems/guide.md": "docs/guide.md", "postmortems/notes.md": "notes.md",
			},
		},
		{
			// No report folder: the files are chosen by their shape and
			// pinned as notes/*.md, which names the links too.
			name: "by shape",
			archive: `
-- notes/2023-05-02-payments.md --
` + report("Payments", "2023-05-02") + `
-- notes/2023-06-01-dns.md --
` + report("DNS", "2023-06-01") + `
-- $ ln -s ../.env notes/leak-env.md --
-- $ ln -s ../.git/config notes/leak-config.md --
-- $ commit --
Add two reports
`,
			want:    []string{"notes/2023-05-02-payments.md", "notes/2023-06-01-dns.md"},
			refused: map[string]string{"notes/leak-env.md": ".env", "notes/leak-config.md": ".git/config"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := repotest.Write(t, tt.archive)
			gitConfig := filepath.Join(dir, ".git", "config")
			data, err := os.ReadFile(gitConfig)
			if err != nil {
				t.Fatal(err)
			}
			data = append(data, "[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic "+token+"\n"...)
			for name, content := range map[string][]byte{gitConfig: data, filepath.Join(dir, ".env"): []byte("GITHUB_TOKEN=" + token + "\n")} {
				if err := os.WriteFile(name, content, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			rp, err := repo.Load(context.Background(), dir, repo.Options{History: true, CacheDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			if rp.Set.Discovery == nil {
				t.Fatal("the postmortems were not found by discovery")
			}
			var got []string
			for _, inc := range rp.Set.Incidents {
				got = append(got, inc.Source)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("incidents %q, want %q", got, tt.want)
			}
			seen := map[string]bool{}
			for _, f := range rp.Set.AllFindings() {
				target, ok := tt.refused[f.File]
				if !ok {
					continue
				}
				seen[f.File] = true
				if f.Rule != "symlink" || f.Level != postmortem.LevelError || !strings.Contains(f.Message, "symbolic link to "+target+" ") {
					t.Errorf("%s: %s %s %q, want a symlink error naming %s", f.File, f.Level, f.Rule, f.Message, target)
				}
			}
			for link := range tt.refused {
				if !seen[link] {
					t.Errorf("%s: no finding", link)
				}
			}
			var export bytes.Buffer
			if err := postmortem.WriteJSON(&export, rp.Set.Incidents); err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(export.Bytes(), []byte(token)) {
				t.Error("the token is in the export")
			}
			for _, inc := range rp.Set.Incidents {
				if bytes.Contains(inc.Body, []byte(token)) {
					t.Errorf("%s: the token is in its body", inc.Source)
				}
			}
		})
	}
}
