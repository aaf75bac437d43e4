package site_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// TestActionItemsWithoutStatus: items of a postmortem that gives none of
// them a status are neither open nor overdue on the home page and the
// action items page; they are listed apart. Before the "unknown" status
// every one of them counted as open.
func TestActionItemsWithoutStatus(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, `
-- postmortems/2024/2024-02-01-importer.md --
---
title: Importer stalled
date: 2024-02-01
severity: SEV3
status: published
---

## Action items

- Add a retry budget to the importer — Dana Ruiz, due 2024-03-01
- Page on importer lag over 10 minutes — @sre, due 2024-03-15
-- postmortems/2024/2024-02-09-batch.md --
---
title: Batch job stuck
date: 2024-02-09
severity: SEV3
status: published
---

## Action items

- [ ] Cap the batch size — Lee Park, due 2024-04-01
- [x] Restart the stuck worker — Lee Park, due 2024-02-02
`)
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out, Now: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)})

	home := parseHTML(t, filepath.Join(out, "index.html"))
	var card string
	for _, a := range find(home, "a", "card") {
		if strings.Contains(text(a), "action items") {
			card = text(a)
		}
	}
	if !strings.HasPrefix(card, "1 open action items") || !strings.Contains(card, "1 overdue") {
		t.Errorf("home card = %q, want 1 open, 1 overdue (the item with an empty box)", card)
	}

	actions := parseHTML(t, filepath.Join(out, "actions/index.html"))
	groups := map[string]int{}
	for _, s := range find(actions, "section", "") {
		h := find(s, "h2", "")
		if len(h) == 0 {
			continue
		}
		groups[strings.Join(strings.Fields(text(h[0])), " ")] = len(find(s, "tr", "")) - 1
	}
	for g, n := range map[string]int{"Overdue 1": 1, "Open 0": -1, "No status given 2": 2, "Done 1": 1} {
		if groups[g] != n {
			t.Errorf("group %q has %d rows, want %d (groups %v)", g, groups[g], n, groups)
		}
	}
}

// TestDateOnlyEventShownWithoutTime: a timeline row with a date and no
// time shows its day, not midnight UTC of it nor the day before.
func TestDateOnlyEventShownWithoutTime(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, `
-- postmortems/2019/2019-12-02-runner.md --
---
id: INC-7
title: Runner pool drained
date: 2019-12-02
severity: SEV3
status: published
---

## Timeline

All times PST.

- 2019-12-02 20:00 builds queued
- 2019-12-03 --:-- vendor replied
`)
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out, Now: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)})
	doc := parseHTML(t, filepath.Join(out, "incidents/INC-7/index.html"))
	var whens []string
	for _, n := range find(doc, "time", "") {
		if strings.Contains(text(n), "2019-12-0") {
			whens = append(whens, attr(n, "datetime")+" "+text(n))
		}
	}
	got := strings.Join(whens, " | ")
	if !strings.Contains(got, "2019-12-03T04:00:00Z 2019-12-03 04:00 UTC") || !strings.Contains(got, "2019-12-03 2019-12-03") {
		t.Errorf("times = %q, want the timed row in UTC and the date-only row as its day", got)
	}
}
