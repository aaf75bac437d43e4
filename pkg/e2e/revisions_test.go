package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
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
	if sections, removed, added := checkChangedLines(ctx, t, "#"+ids[0]+" details.revision-diff"); sections == 0 || removed+added == 0 {
		t.Fatalf("revision %s: %d sections, %d lines removed and %d added", ids[0], sections, removed, added)
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
	// Every revision's diff open: lines of both kinds.
	if _, removed, added := checkChangedLines(ctx, t, "details.revision-diff"); removed == 0 || added == 0 {
		t.Errorf("%d lines removed and %d added in all the revisions' diffs, want some of each", removed, added)
	}
	setViewport(ctx, t, desktopWidth)

	// What changed since the stale sign-off, on the incident page.
	open(ctx, t, ts.root+historyIncident)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("details.since-approval summary"))); err != nil {
		t.Fatalf("opening what changed since the approval: %v", err)
	}
	if _, removed, added := checkChangedLines(ctx, t, "details.since-approval"); removed+added == 0 {
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

// checkChangedLines checks the changed lines of the open diffs that
// scope (a CSS selector) matches, and returns their count of sections
// and of lines removed and added. The stylesheet draws each changed
// line's mark, − or +, and names it for screen readers ("Removed: " or
// "Added: ", the mark's alternative text); the line itself is the
// author's text alone, which a copy takes: no element but its changed
// words (<del> or <ins>).
func checkChangedLines(ctx context.Context, t *testing.T, scope string) (sections, removed, added int) {
	t.Helper()
	type diffView struct {
		Sections int      `json:"sections"`
		Removed  []string `json:"removed"`
		Added    []string `json:"added"`
		Marks    []string `json:"marks"`
		Markup   []string `json:"markup"`
	}
	got := evalJS[diffView](ctx, t, `(ds => ({
		sections: ds.flatMap(d => [...d.querySelectorAll(".diff-section")]).length,
		removed: ds.flatMap(d => [...d.querySelectorAll(".diff-hunk li.diff-del")]).map(li => li.textContent),
		added: ds.flatMap(d => [...d.querySelectorAll(".diff-hunk li.diff-ins")]).map(li => li.textContent),
		marks: ds.flatMap(d => [...d.querySelectorAll(".diff-hunk li.diff-del, .diff-hunk li.diff-ins")]).map(li => li.className + " " + getComputedStyle(li, "::before").content),
		markup: ds.flatMap(d => [...d.querySelectorAll(".diff-hunk li :not(del, ins)")]).map(e => e.outerHTML),
	}))([...document.querySelectorAll(`+strconv.Quote(scope)+`)].filter(d => d.open))`)
	want := map[string]string{"diff-del": `"−" / "Removed: "`, "diff-ins": `"+" / "Added: "`}
	for _, m := range got.Marks {
		class, content, _ := strings.Cut(m, " ")
		if content != want[class] {
			t.Errorf("%s: a changed line (%s) is marked %s, want %s", scope, class, content, want[class])
		}
	}
	for _, m := range got.Markup {
		t.Errorf("%s: a line has %s, which is not the author's text", scope, m)
	}
	checkChangedLinesRead(ctx, t, scope+"[open] .diff-hunk li.diff-del", "Removed: ", got.Removed)
	checkChangedLinesRead(ctx, t, scope+"[open] .diff-hunk li.diff-ins", "Added: ", got.Added)
	return got.Sections, len(got.Removed), len(got.Added)
}

// checkChangedLinesRead checks what a screen reader is given of each
// changed line that sel matches, in Chromium's accessibility tree: the
// texts of the line's StaticText nodes, in order, must be name (the
// ::before mark's alternative text, a StaticText of its own) and then
// the line's own text, texts[i] (its textContent, which has no name).
func checkChangedLinesRead(ctx context.Context, t *testing.T, sel, name string, texts []string) {
	t.Helper()
	lines, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll(sel), chromedp.AtLeast(len(texts))))
	if err != nil {
		t.Fatalf("finding %s: %v", sel, err)
	}
	if len(lines) != len(texts) {
		t.Fatalf("%d lines match %s, and %d texts", len(lines), sel, len(texts))
	}
	tree, err := chromedp.Call(ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	if err != nil {
		t.Fatalf("reading the accessibility tree: %v", err)
	}
	byID := make(map[accessibility.NodeID]*accessibility.Node, len(tree.Nodes))
	byDOM := make(map[cdp.BackendNodeID]*accessibility.Node, len(tree.Nodes))
	for _, n := range tree.Nodes {
		byID[n.NodeID] = n
		if n.BackendDOMNodeID != 0 {
			byDOM[n.BackendDOMNodeID] = n
		}
	}
	for i, l := range lines {
		ax := byDOM[l.BackendNodeID]
		if ax == nil {
			t.Errorf("%s: line %d (%q) is not in the accessibility tree", sel, i, texts[i])
			continue
		}
		read := axStaticTexts(byID, ax, nil)
		if len(read) == 0 || read[0] != name || strings.Join(read[1:], "") != texts[i] {
			t.Errorf("%s: line %d is read as %q, want %q then its text %q", sel, i, read, name, texts[i])
		}
	}
}

// axStaticTexts appends the names of the StaticText nodes under n (n's
// included), in the tree's order, that are not ignored: what a screen
// reader reads of n.
func axStaticTexts(byID map[accessibility.NodeID]*accessibility.Node, n *accessibility.Node, out []string) []string {
	if n.Ignored {
		return out
	}
	if axString(n.Role) == "StaticText" {
		return append(out, axString(n.Name))
	}
	for _, c := range n.ChildIDs {
		if k := byID[c]; k != nil {
			out = axStaticTexts(byID, k, out)
		}
	}
	return out
}

// axString is the value of an accessibility node's role or name: "" for
// none, or one that is not a string.
func axString(v *accessibility.Value) string {
	var s string
	if v != nil && json.Unmarshal(v.Value, &s) == nil {
		return s
	}
	return ""
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
