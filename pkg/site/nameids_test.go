package site_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/site"
)

// TestSiteTellsNamesAlikeApart: two reports of one file name in two
// teams' folders, with no id and no date written, are two incidents: the
// one committed first keeps the name's id, the other takes the date of its
// first commit before it, and the build says so with no error.
func TestSiteTellsNamesAlikeApart(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, `
-- retrospectives/checkout-team/payments.md --
# Payments outage

Card payments failed for twenty minutes after a certificate expired.
-- $ commit --
Date: 2021-05-04T10:00:00Z

Add the May payments retro
-- retrospectives/platform/payments.md --
# Payments outage

A queue filled up and card payments were slow for an hour.
-- $ commit --
Date: 2022-01-17T15:30:00Z

Add the January payments retro
`)
	out := filepath.Join(t.TempDir(), "public")
	res := build(t, site.BuildOptions{Dir: dir, Out: out})
	if res.Incidents != 2 {
		t.Errorf("%d incidents, want 2", res.Incidents)
	}
	var notes []string
	for _, f := range res.Findings {
		if f.Rule != "duplicate-id" {
			continue
		}
		if f.Level != postmortem.LevelInfo || f.File != "retrospectives/platform/payments.md" {
			t.Errorf("finding %+v", f)
		}
		notes = append(notes, f.Message)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], `"2022-01-17-payments"`) || !strings.Contains(notes[0], "retrospectives/checkout-team/payments.md") {
		t.Errorf("duplicate-id findings %q", notes)
	}
	for id, text := range map[string]string{"payments": "certificate expired", "2022-01-17-payments": "queue filled up"} {
		page, err := os.ReadFile(filepath.Join(out, "incidents", id, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(page), text) {
			t.Errorf("incidents/%s does not show %q", id, text)
		}
	}
}
