package site_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// auditRepo is a postmortem drafted on main, reviewed on a branch with a
// sign-off in the merge, then edited on main after the approval.
const auditRepo = `
-- inquest.yaml --
title: Audit test
content: ["postmortems/**/*.md"]
-- postmortems/2024/queue.md --
---
id: INC-2024-010
title: Queue backlog
date: 2024-04-02
severity: SEV3
status: draft
reviewers: [Bo Chen <bo@example.com>]
---
## Summary

The ingest queue backed up for 35 minutes.
-- $ commit --
Author: Ana Lima <ana@example.com>
Date: 2024-04-03T09:00:00Z

Draft the queue postmortem
-- $ branch review --
-- postmortems/2024/queue.md --
---
id: INC-2024-010
title: Queue backlog
date: 2024-04-02
severity: SEV3
status: published
reviewers: [Bo Chen <bo@example.com>]
---
## Summary

The ingest queue backed up for 35 minutes.

## Timeline (UTC)

- 09:12 deploy starts
- 09:47 rollback finished
-- $ commit --
Author: Ana Lima <ana@example.com>
Date: 2024-04-04T09:00:00Z

Finish the queue postmortem
-- $ switch main --
-- $ merge review --
Author: Ana Lima <ana@example.com>
Date: 2024-04-05T09:00:00Z

Merge pull request #7 from acme/review

Reviewed-by: Bo Chen <bo@example.com>
-- postmortems/2024/queue.md --
---
id: INC-2024-010
title: Queue backlog
date: 2024-04-02
severity: SEV2
status: published
reviewers: [Bo Chen <bo@example.com>]
---
## Summary

The ingest queue backed up for 53 minutes.

## Timeline (UTC)

- 09:12 deploy starts
- 09:47 rollback finished
-- $ commit --
Author: Ana Lima <ana@example.com>
Date: 2024-04-08T09:00:00Z

Correct the duration and the severity
`

// TestChangedSinceApproval builds a site whose one sign-off went stale and
// checks that the incident page says what changed since, and that the JSON
// API has each revision's counts by section.
func TestChangedSinceApproval(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, auditRepo)
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out})

	noMarks(t, filepath.Join(out, "incidents", "INC-2024-010", "index.html"))
	doc := parseHTML(t, filepath.Join(out, "incidents", "INC-2024-010", "index.html"))
	stale := find(doc, "li", "stale")
	if len(stale) != 1 {
		t.Fatalf("%d stale lines in the review status", len(stale))
	}
	got := text(stale[0])
	for _, want := range []string{"Bo Chen <bo@example.com>'s sign-off is stale", "1 line in Summary and the severity changed since Bo Chen approved at "} {
		if !strings.Contains(got, want) {
			t.Errorf("review status %q, want %q in it", got, want)
		}
	}

	data, err := os.ReadFile(filepath.Join(out, "api", "incidents.json"))
	if err != nil {
		t.Fatal(err)
	}
	var api struct {
		Incidents []struct {
			History struct {
				Revisions []struct {
					Subject string
					Diff    map[string]struct{ Added, Removed, Lines int }
				}
			}
		}
	}
	if err := json.Unmarshal(data, &api); err != nil {
		t.Fatal(err)
	}
	revs := api.Incidents[0].History.Revisions
	if len(revs) != 3 {
		t.Fatalf("%d revisions", len(revs))
	}
	if d := revs[0].Diff; d["summary"].Added != 1 || d["summary"].Removed != 1 || d["front_matter"].Lines != 1 || len(d) != 2 {
		t.Errorf("%s: diff %+v", revs[0].Subject, d)
	}
	if d := revs[1].Diff; d["timeline"].Added != 10 || d["timeline"].Lines != 4 || d["front_matter"].Added != 1 {
		t.Errorf("%s: diff %+v", revs[1].Subject, d)
	}
}
