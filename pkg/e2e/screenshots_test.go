package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/inquest-dev/inquest/pkg/site"
)

// TestScreenshots writes the README's screenshots of the example site,
// 1280 px wide (390 px for the phone ones), full page, as PNG, into
// $INQUEST_SCREENSHOTS:
//
//	INQUEST_SCREENSHOTS=/tmp/shots go test ./pkg/e2e -run TestScreenshots
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("INQUEST_SCREENSHOTS")
	if dir == "" {
		t.Skip("set INQUEST_SCREENSHOTS=DIR to write screenshots into DIR")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := newTab(t)
	ts := serveSite(ctx, t, site.BuildOptions{
		Dir: acmeDir,
		// The example lives in inquest's own repository, whose commits
		// are not the example's history: leave them out, and fix the
		// reference time, so that the pictures change only with the site.
		NoHistory: true,
		Now:       time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC),
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	ready := `document.readyState === "complete" && document.fonts.status === "loaded"`
	searchReady := ready + ` && (m => m && +m[1] < +m[2])(document.getElementById("search-count").textContent.match(/^(\d+) of (\d+) incidents$/))`
	shots := []struct {
		file, path, ready string
		dark              bool
		// phone takes the picture 390 px wide, as a phone shows it.
		phone bool
	}{
		{"home.png", "", ready, false, false},
		{"incident.png", "incidents/INC-2024-001/", ready, false, false},
		{"metrics.png", "metrics/", ready, false, false},
		{"service.png", "services/payments-gateway/", ready, false, false},
		{"search.png", "search/?q=checkout", searchReady, false, false},
		{"incident-dark.png", "incidents/INC-2024-001/", ready, true, false},
		{"metrics-phone.png", "metrics/", ready, false, true},
		{"service-phone.png", "services/payments-gateway/", ready, false, true},
	}
	for _, s := range shots {
		width := int64(1280)
		if s.phone {
			width = 390
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800)); err != nil {
			t.Fatal(err)
		}
		scheme := "light"
		if s.dark {
			scheme = "dark"
		}
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		if err != nil {
			t.Fatalf("emulating prefers-color-scheme: %s: %v", scheme, err)
		}
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
