package site

import (
	"fmt"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// TestActionGroupsOrder: each group of actionGroups holds its items by
// due date (none last, but for done items), then owner, then in the
// order the incidents list them, across incidents.
func TestActionGroupsOrder(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	due := func(d int) time.Time { return time.Date(2024, 7, d, 0, 0, 0, 0, time.UTC) }
	item := func(title, owner string, d time.Time, status string) postmortem.ActionItem {
		return postmortem.ActionItem{Title: title, Owner: owner, Due: d, Status: status}
	}
	open, done := postmortem.StatusOpen, postmortem.StatusDone
	b := &Assembly{site: &Site{Now: now}}
	for n, items := range [][]postmortem.ActionItem{
		{item("a1", "x", due(2), open), item("a2", "x", time.Time{}, open), item("a3", "y", due(1), done), item("a4", "x", due(2), open)},
		{item("b1", "x", due(2), open), item("b2", "w", due(2), open), item("b3", "x", time.Time{}, done), item("b4", "x", due(1), done)},
	} {
		inc := &postmortem.Incident{ID: fmt.Sprint(n), ActionItems: items}
		b.site.Incidents = append(b.site.Incidents, &Incident{Incident: inc})
	}
	want := map[string]string{"Open": "b2 a1 a4 b1 a2", "Done": "b3 b4 a3"}
	for _, g := range b.actionGroups() {
		got := ""
		for _, a := range g.Actions {
			if got != "" {
				got += " "
			}
			got += a.Title
		}
		if got != want[g.Title] {
			t.Errorf("%s: %q, want %q", g.Title, got, want[g.Title])
		}
	}
}
