package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/inquest-dev/inquest/pkg/site"
)

// The widths the README shows every page at: a laptop, and a phone (an
// iPhone 12 to 15 is 390 CSS pixels wide).
const (
	desktopWidth = 1280
	phoneWidth   = 390
)

// TestScreenshots writes the README's screenshots of the example site, full
// page, as PNG, into $INQUEST_SCREENSHOTS: home, incident, timeline,
// metrics, action items, search and a service page, each 1280 px wide (NAME.png) and 390 px
// wide as a phone shows it (NAME-390.png), and the incident in dark mode.
//
//	INQUEST_SCREENSHOTS=/tmp/shots go test ./pkg/e2e -run TestScreenshots
func TestScreenshots(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("INQUEST_SCREENSHOTS")
	if dir == "" {
		t.Skip("set INQUEST_SCREENSHOTS=DIR to write screenshots into DIR")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A browser of its own, with Chromium's defaults: the shared one
	// composites on the main thread (sharedBrowserFlags), where
	// chromedp.Screenshot waits for a frame that never comes.
	ctx := newBrowserFor(t, 3*testTimeout)
	ts := serveSite(ctx, t, site.BuildOptions{
		Dir: acmeDir,
		// The example lives in inquest's own repository, whose commits
		// are not the example's history: leave them out, and fix the
		// reference time, so that the pictures change only with the site.
		NoHistory: true,
		Now:       time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC),
	})
	ready := `document.readyState === "complete" && document.fonts.status === "loaded"`
	searchReady := ready + ` && (m => m && +m[1] < +m[2])(document.getElementById("search-count").textContent.match(/^(\d+) of (\d+) incidents$/))`
	pages := []struct{ name, path, ready string }{
		{"home", "", ready},
		{"incident", "incidents/INC-2024-001/", ready},
		{"timeline", "timeline/", ready},
		{"metrics", "metrics/", ready},
		{"actions", "actions/", ready},
		{"search", "search/?q=checkout", searchReady},
		{"service", "services/payments-gateway/", ready},
	}
	type shot struct {
		file, path, ready string
		width             int64
		dark              bool
	}
	var shots []shot
	for _, w := range []int64{desktopWidth, phoneWidth} {
		for _, p := range pages {
			file := p.name + ".png"
			if w != desktopWidth {
				file = fmt.Sprintf("%s-%d.png", p.name, w)
			}
			shots = append(shots, shot{file, p.path, p.ready, w, false})
		}
	}
	shots = append(shots, shot{"incident-dark.png", "incidents/INC-2024-001/", ready, desktopWidth, true})
	for _, s := range shots {
		setViewport(ctx, t, s.width)
		setScheme(ctx, t, s.dark)
		open(ctx, t, ts.root+s.path)
		waitFor(ctx, t, s.file+" to be ready", s.ready)
		// Quality 100 makes chromedp ask for PNG; anything else is JPEG.
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("%s: %v", s.file, err)
		}
		if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
			t.Fatalf("%s: not a PNG", s.file)
		}
		if err := os.WriteFile(filepath.Join(dir, s.file), png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d KB)", filepath.Join(dir, s.file), len(png)/1024)
	}
}

// setViewport makes the tab width CSS pixels wide: a desktop window, or,
// below 800 px, a phone (a mobile viewport, touch, portrait).
func setViewport(ctx context.Context, t *testing.T, width int64) {
	t.Helper()
	var err error
	if width < 800 {
		err = chromedp.Do(ctx, chromedp.EmulateViewport(width, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	} else {
		err = chromedp.Do(ctx, chromedp.EmulateViewport(width, 800))
	}
	if err != nil {
		t.Fatalf("emulating a viewport %d px wide: %v", width, err)
	}
}

// setScheme makes the tab prefer a dark or a light colour scheme.
func setScheme(ctx context.Context, t *testing.T, dark bool) {
	t.Helper()
	scheme := "light"
	if dark {
		scheme = "dark"
	}
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	if err != nil {
		t.Fatalf("emulating prefers-color-scheme: %s: %v", scheme, err)
	}
}
