package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/tools/txtar"

	"github.com/inquest-dev/inquest/pkg/internal/replay"
	"github.com/inquest-dev/inquest/pkg/site"
)

// replayAcme writes the example repository with its own Git history (the
// archive beside it, as `inquest serve --example` replays it) into a
// temporary folder: the example in inquest's repository has inquest's
// commits, not the example's.
func replayAcme(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ar, err := txtar.ParseFile(filepath.Join(acmeDir, "..", "acme.history.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := replay.Init(context.Background(), dir, replay.Options{Final: os.DirFS(acmeDir)})
	if err != nil {
		t.Skip(err) // no git binary
	}
	if err := r.Apply(context.Background(), "acme.history.txtar", ar); err != nil {
		t.Fatal(err)
	}
	return dir
}

// historyIncident is the example's incident with amendments after
// publication and a stale sign-off.
const historyIncident = "incidents/INC-2024-001/"

// TestRevisionDiff opens the example's incident page, follows its newest
// revision's link to its own address and checks the revision's diff opens
// there, with its changed lines marked for the eye and for screen readers;
// opens the page at another revision's address, as a link from the feed
// or the digest does, and checks that diff is open; checks the page,
// diffs open, is readable on a phone and without axe violations; then
// opens what changed since the stale sign-off.
func TestRevisionDiff(t *testing.T) {
	t.Parallel()
	ctx := newTabFor(t, 2*testTimeout)
	ts := serveSite(ctx, t, site.BuildOptions{Dir: replayAcme(t), Now: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)})
	cons := watchConsole(ctx, t)
	links := linkChecker{client: ts.client}

	open(ctx, t, ts.root+historyIncident)
	ids := evalJS[[]string](ctx, t, `[...document.querySelectorAll("ol.revisions > li[id^='rev-']")].map(li => li.id)`)
	if len(ids) < 2 {
		t.Fatalf("%d revisions with a diff on %s, want 2 or more", len(ids), historyIncident)
	}
	if n := evalJS[int](ctx, t, `document.querySelectorAll("details.revision-diff[open]").length`); n != 0 {
		t.Errorf("%d diffs open before any was asked for", n)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#"+ids[0]+" > a"))); err != nil {
		t.Fatalf("following revision %s's link: %v", ids[0], err)
	}
	waitFor(ctx, t, "the newest revision's diff to open at its address",
		`location.hash === "#`+ids[0]+`" && document.querySelector("#`+ids[0]+` details.revision-diff").open`)
	type diffView struct {
		Sections int      `json:"sections"`
		Removed  []string `json:"removed"`
		Added    []string `json:"added"`
		Marks    []string `json:"marks"`
	}
	got := evalJS[diffView](ctx, t, `(d => ({
		sections: d.querySelectorAll(".diff-section").length,
		removed: [...d.querySelectorAll(".diff-hunk li.diff-del")].map(li => li.textContent),
		added: [...d.querySelectorAll(".diff-hunk li.diff-ins")].map(li => li.textContent),
		marks: [...d.querySelectorAll(".diff-hunk li.diff-del, .diff-hunk li.diff-ins")].map(li => li.className + " " + getComputedStyle(li, "::before").content),
	}))(document.querySelector("#`+ids[0]+` details.revision-diff"))`)
	if got.Sections == 0 || len(got.Added)+len(got.Removed) == 0 {
		t.Fatalf("revision %s: %d sections, %d lines removed and %d added", ids[0], got.Sections, len(got.Removed), len(got.Added))
	}
	// The stylesheet draws each changed line's mark, with no text for
	// screen readers (they read "Removed:" or "Added:") and none in the
	// line's text, which a copy takes.
	want := map[string]string{"diff-del": `"−" / ""`, "diff-ins": `"+" / ""`}
	for _, m := range got.Marks {
		class, content, _ := strings.Cut(m, " ")
		if content != want[class] {
			t.Errorf("a changed line (%s) is marked %s, want %s", class, content, want[class])
		}
	}
	for _, l := range got.Added {
		if !strings.HasPrefix(l, "Added: ") {
			t.Errorf("an added line without its name for screen readers first: %q", l)
		}
	}
	for _, l := range got.Removed {
		if !strings.HasPrefix(l, "Removed: ") {
			t.Errorf("a removed line without its name for screen readers first: %q", l)
		}
	}
	links.check(ctx, t)

	// Opened at a revision's address: that diff is open, and only it.
	open(ctx, t, ts.root)
	open(ctx, t, ts.root+historyIncident+"#"+ids[1])
	waitFor(ctx, t, "the diff the address names to open", `document.querySelector("#`+ids[1]+` details.revision-diff").open`)
	if n := evalJS[int](ctx, t, `document.querySelectorAll("details.revision-diff[open]").length`); n != 1 {
		t.Errorf("%d diffs open at #%s, want 1", n, ids[1])
	}
	cons.checkClean(t, historyIncident+"#"+ids[1])

	// A malformed address opens no diff and throws nothing.
	open(ctx, t, ts.root)
	open(ctx, t, ts.root+historyIncident+"#%E0")
	waitFor(ctx, t, "the page to load", `document.readyState === "complete"`)
	if n := evalJS[int](ctx, t, `document.querySelectorAll("details.revision-diff[open]").length`); n != 0 {
		t.Errorf("%d diffs open at #%%E0", n)
	}
	cons.checkClean(t, historyIncident+"#%E0")

	setViewport(ctx, t, phoneWidth)
	evalJS[int](ctx, t, `document.querySelectorAll("details.revision-diff").forEach(d => d.open = true), 0`)
	if out := evalJS[[]string](ctx, t, overflowJS); len(out) > 0 {
		t.Errorf("%s with its diffs open at %d px scrolls sideways: %v", historyIncident, phoneWidth, out)
	}
	setViewport(ctx, t, desktopWidth)

	// What changed since the stale sign-off, on the incident page.
	open(ctx, t, ts.root+historyIncident)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("details.since-approval summary"))); err != nil {
		t.Fatalf("opening what changed since the approval: %v", err)
	}
	if n := evalJS[int](ctx, t, `document.querySelectorAll("details.since-approval[open] .diff-hunk li:is(.diff-del, .diff-ins)").length`); n == 0 {
		t.Error("the since-approval block opened with no changed line")
	}

	if os.Getenv("INQUEST_AXE") != "" || fileExists(axePaths) {
		loadAxe(ctx, t, axeSource(t))
		open(ctx, t, ts.root)
		for _, v := range runAxe(ctx, t, ts.root+historyIncident+"#"+ids[0]) {
			t.Errorf("/%s#%s: %s (%s): %s", historyIncident, ids[0], v.ID, v.Impact, v.Help)
		}
	}
}

func fileExists(paths []string) bool {
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return true
		}
	}
	return false
}

// TestHistoryScreenshots writes the README's pictures of the audit trail
// into $INQUEST_SCREENSHOTS: a revision's diff, opened in the incident
// page's revision list (revision-diff.png)
// and what changed since a stale sign-off, opened on the incident page
// (since-approval.png).
//
//	INQUEST_SCREENSHOTS=/tmp/shots go test ./pkg/e2e -run TestHistoryScreenshots
func TestHistoryScreenshots(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("INQUEST_SCREENSHOTS")
	if dir == "" {
		t.Skip("set INQUEST_SCREENSHOTS=DIR to write screenshots into DIR")
	}
	// A browser of its own, with Chromium's defaults: the shared one
	// composites on the main thread (sharedBrowserFlags), where
	// chromedp.Screenshot waits for a frame that never comes.
	ctx := newBrowserFor(t, 2*testTimeout)
	ts := serveSite(ctx, t, site.BuildOptions{Dir: replayAcme(t), Now: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)})
	setViewport(ctx, t, desktopWidth)
	setScheme(ctx, t, false)
	// The second revision with a diff: a timeline entry added after
	// publication, its diff opened at its address.
	open(ctx, t, ts.root+historyIncident)
	id := evalJS[string](ctx, t, `document.querySelectorAll("ol.revisions > li[id^='rev-']")[1].id`)
	open(ctx, t, ts.root)
	open(ctx, t, ts.root+historyIncident+"#"+id)
	waitFor(ctx, t, "the diff to open", `document.querySelector("#`+id+` details.revision-diff").open`)
	shoot := func(file, sel string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
			t.Fatalf("%s: not a PNG", file)
		}
		if err := os.WriteFile(filepath.Join(dir, file), png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d KB)", filepath.Join(dir, file), len(png)/1024)
	}
	shoot("revision-diff.png", "#"+id)
	open(ctx, t, ts.root+historyIncident)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("details.since-approval summary"))); err != nil {
		t.Fatal(err)
	}
	shoot("since-approval.png", "section.review")
}
