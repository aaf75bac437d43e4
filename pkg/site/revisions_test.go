package site_test

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// revisionsRepo is a postmortem drafted on main, finished and published on
// a review branch merged with a sign-off, then amended on main: moved to a
// dated name with a typo fixed (editorial), moved again with no change to
// its text (no page), and corrected (substantive: the severity and a
// timeline time).
const revisionsRepo = `
-- inquest.yaml --
title: Revisions test
content: ["postmortems/**/*.md"]
-- postmortems/2024/queue.md --
---
id: INC-2024-020
title: Queue backlog
date: 2024-04-02
severity: SEV3
status: draft
reviewers: [Bo Chen <bo@example.com>]
---
## Summary

The ingest queue backd up after a deploy.
-- $ commit --
Author: Ana Lima <ana@example.com>
Date: 2024-04-03T09:00:00Z

Draft the queue postmortem
-- $ branch review --
-- postmortems/2024/queue.md --
---
id: INC-2024-020
title: Queue backlog
date: 2024-04-02
severity: SEV3
status: published
reviewers: [Bo Chen <bo@example.com>]
---
## Summary

The ingest queue backd up after a deploy.

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
-- $ mv postmortems/2024/queue.md postmortems/2024/2024-04-02-queue.md --
-- postmortems/2024/2024-04-02-queue.md --
---
id: INC-2024-020
title: Queue backlog
date: 2024-04-02
severity: SEV3
status: published
reviewers: [Bo Chen <bo@example.com>]
---
## Summary

The ingest queue backed up after a deploy.

## Timeline (UTC)

- 09:12 deploy starts
- 09:47 rollback finished
-- $ commit --
Author: Cy Park <cy@example.com>
Date: 2024-04-06T09:00:00Z

Give the queue postmortem a dated name and fix a typo
-- $ mv postmortems/2024/2024-04-02-queue.md postmortems/2024/queue-backlog.md --
-- $ commit --
Author: Cy Park <cy@example.com>
Date: 2024-04-07T09:00:00Z

Rename the queue postmortem again
-- postmortems/2024/queue-backlog.md --
---
id: INC-2024-020
title: Queue backlog
date: 2024-04-02
severity: SEV2
status: published
reviewers: [Bo Chen <bo@example.com>]
---
## Summary

The ingest queue backed up after a deploy.

## Timeline (UTC)

- 09:12 deploy starts
- 09:52 rollback finished
-- $ commit --
Author: Ana Lima <ana@example.com>
Date: 2024-04-08T09:00:00Z

Correct the severity & the rollback time
`

// TestRevisionPages builds the site of revisionsRepo and follows the
// incident page to each revision's page: pages only for the revisions
// that changed the text, the diff of the one that moved the file against
// its old name, the amendments classified, the diff since the stale
// sign-off, and the amendment in the feed and the digest.
func TestRevisionPages(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, revisionsRepo)
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out})
	checkLinks(t, out, "/")

	doc := parseHTML(t, filepath.Join(out, "incidents", "INC-2024-020", "index.html"))
	var lis []*html.Node
	for _, ol := range find(doc, "ol", "revisions") {
		for c := ol.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.Data == "li" {
				lis = append(lis, c)
			}
		}
	}
	subjects := []string{"Correct the severity & the rollback time", "Rename the queue postmortem again", "Give the queue postmortem a dated name and fix a typo",
		"Merge pull request #7 from acme/review", "Draft the queue postmortem"}
	if len(lis) != len(subjects) {
		t.Fatalf("%d revisions listed, want %d", len(lis), len(subjects))
	}
	// Newest first: the correction, the rename alone, the move with the
	// typo, the merge, the draft. The rename alone and the draft, which
	// created the file, have no page.
	wantPage := []bool{true, false, true, true, false}
	wantKind := []string{"substantive amendment", "", "editorial amendment", "", ""}
	pages := map[string]string{}
	for i, li := range lis {
		if !strings.Contains(text(li), subjects[i]) {
			t.Fatalf("revision %d: %q, want %q", i, text(li), subjects[i])
		}
		var href string
		for _, a := range find(li, "a", "") {
			if strings.Contains(attr(a, "href"), "/revisions/") {
				href = attr(a, "href")
			}
		}
		if (href != "") != wantPage[i] {
			t.Errorf("%s: link %q, want a page %v", subjects[i], href, wantPage[i])
		}
		if href != "" {
			pages[subjects[i]] = filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(href, "/")), "index.html")
		}
		kind := ""
		if s := find(li, "span", "amendment"); len(s) == 1 {
			kind = text(s[0])
		}
		if kind != wantKind[i] {
			t.Errorf("%s: amendment %q, want %q", subjects[i], kind, wantKind[i])
		}
	}

	// The substantive amendment: its page has the field change and the
	// word-level diff of the time, and says why it is substantive.
	rev := parseHTML(t, pages[subjects[0]])
	if got := text(find(rev, "section", "field-changes")[0]); !strings.Contains(got, "severity: SEV3 → SEV2") {
		t.Errorf("field changes %q", got)
	}
	var dels, inss []string
	for _, n := range find(rev, "del", "") {
		dels = append(dels, text(n))
	}
	for _, n := range find(rev, "ins", "") {
		inss = append(inss, text(n))
	}
	if strings.Join(dels, "|") != "SEV3|SEV3|47" || strings.Join(inss, "|") != "SEV2|SEV2|52" {
		t.Errorf("removed %q, added %q; want the severity (field and line) and the time", dels, inss)
	}
	if got := text(rev); !strings.Contains(got, "substantiveseverity SEV3 → SEV2; a number or time in Timeline (UTC)") {
		t.Errorf("revision page %q does not say why it is substantive", got)
	}
	for _, li := range find(rev, "li", "diff-del") {
		if !strings.HasPrefix(text(li), "Removed:") {
			t.Errorf("a removed line without its marker: %q", text(li))
		}
	}

	// The move with the typo fix is diffed against the old name: one word.
	moved := parseHTML(t, pages[subjects[2]])
	if got := text(moved); !strings.Contains(got, "Movedfrom postmortems/2024/queue.md to postmortems/2024/2024-04-02-queue.md") {
		t.Errorf("moved revision page %q does not say where from", got)
	}
	if secs := find(moved, "section", "diff-section"); len(secs) != 1 || !strings.Contains(text(secs[0]), "Summary +1 −1 words, 1 line changed") {
		for _, s := range secs {
			t.Logf("section %q", text(s))
		}
		t.Errorf("moved revision: %d sections, want the Summary's typo only", len(secs))
	}

	// The stale sign-off: what changed since Bo Chen approved, expandable.
	det := find(doc, "details", "since-approval")
	if len(det) != 1 {
		t.Fatalf("%d since-approval blocks", len(det))
	}
	got := text(det[0])
	for _, want := range []string{"What changed since Bo Chen approved at", "severity: SEV3 → SEV2", "backd", "backed", "47", "52"} {
		if !strings.Contains(got, want) {
			t.Errorf("since approval %q, want %q in it", got, want)
		}
	}

	// The Amended note lists the substantive amendment only.
	am := find(doc, "section", "amended")
	if len(am) != 1 || !strings.Contains(text(am[0]), subjects[0]) || strings.Contains(text(am[0]), subjects[2]) {
		t.Errorf("amended note: %d sections", len(am))
	}

	// The feed has an entry for it, with the revision page as its id.
	data, err := os.ReadFile(filepath.Join(out, "feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var feed struct {
		Entries []struct {
			Title   string `xml:"title"`
			ID      string `xml:"id"`
			Updated string `xml:"updated"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(data, &feed); err != nil {
		t.Fatal(err)
	}
	var amended []string
	for _, e := range feed.Entries {
		if strings.HasPrefix(e.Title, "Amended: ") {
			amended = append(amended, e.ID+" "+e.Updated)
		}
	}
	if len(amended) != 1 || !strings.Contains(amended[0], "/incidents/INC-2024-020/revisions/") || !strings.HasSuffix(amended[0], " 2024-04-08T09:00:00Z") {
		t.Errorf("feed amendments %q", amended)
	}

	// The digest lists it.
	dg := parseHTML(t, filepath.Join(out, "digest", "index.html"))
	if ul := find(dg, "ul", "amendments"); len(ul) != 1 || !strings.Contains(text(ul[0]), subjects[0]) {
		t.Errorf("digest: %d amendment lists", len(ul))
	}
}
