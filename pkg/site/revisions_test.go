package site_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
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

// TestRevisionDiffs builds the site of revisionsRepo and reads each
// revision's diff in the incident page's revision list: diffs only for the
// revisions that changed the text, each at its own address (#rev-COMMIT),
// the diff of the one that moved the file against its old name, the
// amendments classified, the diff since the stale sign-off, and the
// amendment in the feed and the digest, linked to its revision's address.
// noMarks fails when the page at p has a NUL byte: the marker of a diff
// left unplaced (PackedDiffView.Slot).
func noMarks(t *testing.T, p string) {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		t.Errorf("%s: a NUL byte at %d: %q", p, i, data[max(0, i-20):min(len(data), i+40)])
	}
}

func TestRevisionDiffs(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, revisionsRepo)
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out})
	checkLinks(t, out, "/")

	noMarks(t, filepath.Join(out, "incidents", "INC-2024-020", "index.html"))
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
	// created the file, have no diff.
	wantDiff := []bool{true, false, true, true, false}
	wantKind := []string{"substantive amendment", "", "editorial amendment", "", ""}
	diffs := map[string]*html.Node{}
	for i, li := range lis {
		if !strings.Contains(text(li), subjects[i]) {
			t.Fatalf("revision %d: %q, want %q", i, text(li), subjects[i])
		}
		id := attr(li, "id")
		det := find(li, "details", "revision-diff")
		if (id != "") != wantDiff[i] || len(det) > 1 || (len(det) == 1) != wantDiff[i] {
			t.Errorf("%s: id %q and %d diffs, want a diff %v", subjects[i], id, len(det), wantDiff[i])
		}
		if id != "" {
			if !strings.HasPrefix(id, "rev-") || len(id) != len("rev-")+8 {
				t.Errorf("%s: id %q, want rev- and 8 hex digits", subjects[i], id)
			}
			if a := find(li, "a", ""); len(a) == 0 || attr(a[0], "href") != "#"+id {
				t.Errorf("%s: the commit does not link to its own address %q", subjects[i], "#"+id)
			}
		}
		if len(det) == 1 {
			diffs[subjects[i]] = det[0]
		}
		kind := ""
		if s := find(li, "span", "amendment"); len(s) == 1 {
			kind = text(s[0])
		}
		if kind != wantKind[i] {
			t.Errorf("%s: amendment %q, want %q", subjects[i], kind, wantKind[i])
		}
	}

	// The substantive amendment: its entry has the field change, and its
	// diff the word-level change of the time and why it is substantive.
	if got := text(lis[0]); !strings.Contains(got, "severity: SEV3 → SEV2") {
		t.Errorf("revision %q without its field change", got)
	}
	rev := diffs[subjects[0]]
	var dels, inss []string
	for _, n := range find(rev, "del", "") {
		dels = append(dels, text(n))
	}
	for _, n := range find(rev, "ins", "") {
		inss = append(inss, text(n))
	}
	if strings.Join(dels, "|") != "SEV3|47" || strings.Join(inss, "|") != "SEV2|52" {
		t.Errorf("removed %q, added %q; want the severity's line and the time", dels, inss)
	}
	if got := strings.Join(strings.Fields(text(rev)), " "); !strings.Contains(got, "Substantive: severity SEV3 → SEV2; a number or time in Timeline (UTC).") {
		t.Errorf("diff %q does not say why it is substantive", got)
	}
	// A removed line is its class (the stylesheet draws and names its
	// mark) and the author's text, its changed words in <del>: nothing
	// else, which a copy would take.
	removed := find(rev, "li", "diff-del")
	if len(removed) == 0 {
		t.Error("the substantive amendment's diff has no removed line")
	}
	for _, li := range removed {
		for c := li.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.Data != "del" {
				t.Errorf("a removed line %q has a <%s> in it", text(li), c.Data)
			}
		}
		if strings.HasPrefix(text(li), "Removed:") {
			t.Errorf("a removed line has its name for screen readers in its text: %q", text(li))
		}
	}

	// The move with the typo fix is diffed against the old name: one word.
	moved := diffs[subjects[2]]
	if got := strings.Join(strings.Fields(text(moved)), " "); !strings.Contains(got, "Moved from postmortems/2024/queue.md to postmortems/2024/2024-04-02-queue.md.") {
		t.Errorf("moved revision's diff %q does not say where from", got)
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

	// The feed has an entry for it, with the revision's address as its id.
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
	if len(amended) != 1 || !strings.Contains(amended[0], "/incidents/INC-2024-020/#"+attr(lis[0], "id")+" ") || !strings.HasSuffix(amended[0], " 2024-04-08T09:00:00Z") {
		t.Errorf("feed amendments %q", amended)
	}

	// The digest lists it.
	dg := parseHTML(t, filepath.Join(out, "digest", "index.html"))
	if ul := find(dg, "ul", "amendments"); len(ul) != 1 || !strings.Contains(text(ul[0]), subjects[0]) {
		t.Errorf("digest: %d amendment lists", len(ul))
	} else if a := find(ul[0], "a", ""); len(a) != 2 || attr(a[1], "href") != "/incidents/INC-2024-020/#"+attr(lis[0], "id") {
		t.Errorf("digest: the amendment does not link to its revision's address")
	}
}

// TestRevisionDiffsBounded: a postmortem edited 104 times shows the lines
// of the newest 100 diffs on its page and a line summary, each section's
// counts, for the older ones; every revision with a diff keeps its
// address.
func TestRevisionDiffsBounded(t *testing.T) {
	t.Parallel()
	r := repotest.NewDeferred(t)
	r.WriteFile("inquest.yaml", []byte("title: Many revisions\ncontent: [\"postmortems/*.md\"]\n"))
	const edits = 104
	for i := 0; i <= edits; i++ {
		r.WriteFile("postmortems/cache.md", fmt.Appendf(nil, "---\nid: INC-1\ntitle: Cache stampede\ndate: 2024-05-01\nseverity: SEV2\n---\n## Summary\n\nThe cache was emptied %d times.\n", i))
		r.Commit(fmt.Sprintf("Date: 2024-05-01T10:%02d:%02dZ\n\nEdit %d", i/60, i%60, i))
	}
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: r.Sync(), Out: out})
	checkLinks(t, out, "/")
	doc := parseHTML(t, filepath.Join(out, "incidents", "INC-1", "index.html"))
	dets := find(doc, "details", "revision-diff")
	if len(dets) != edits {
		t.Fatalf("%d diffs, want %d (the first revision has none)", len(dets), edits)
	}
	for i, d := range dets {
		lines, summary := len(find(d, "ol", "diff-hunk")) > 0, len(find(d, "p", "diff-fallback")) > 0
		if lines == (i >= 100) || summary != (i >= 100) {
			t.Errorf("diff %d (newest first): lines %v, summary %v", i, lines, summary)
		}
		if got := text(d); i >= 100 && !strings.Contains(got, "Summary +1 −1 words, 1 line changed") {
			t.Errorf("diff %d: summary %q without the section's counts", i, got)
		}
	}
}
