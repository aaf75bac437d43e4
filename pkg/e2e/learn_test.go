package e2e

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/inquest-dev/inquest/pkg/site"
)

// TestLearnChartsOnAPhone opens the pages with charts that learn from
// incidents at 390 px, a phone's width: every text of every chart is drawn
// at 11 px or more and within its chart, no chart and no page is wider
// than the screen, and every chart has a caption.
func TestLearnChartsOnAPhone(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	ts := serveSite(ctx, t, site.BuildOptions{Dir: acmeDir, NoHistory: true, Now: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	type report struct {
		Charts    int      `json:"charts"`
		Texts     int      `json:"texts"`
		Small     []string `json:"small"`
		Wide      []string `json:"wide"`
		PageWidth int      `json:"pageWidth"`
		Viewport  int      `json:"viewport"`
		Bare      []string `json:"bare"`
	}
	// A glyph may stand out of its box by a pixel or so (the T of
	// "Tomás"): texts may pass the chart by 2 px. Font sizes are measured as drawn: the height of a text's box
	// against its computed size would vary with the font, so the rendered
	// size is the computed font-size times the SVG's scale to the screen
	// (1 for charts without a viewBox, which is what pkg/chart draws).
	const measure = `(() => {
	  const r = {charts: 0, texts: 0, small: [], wide: [], bare: [],
	             pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth};
	  for (const svg of document.querySelectorAll("svg.chart")) {
	    r.charts++;
	    const scale = svg.getScreenCTM() ? svg.getScreenCTM().a : 1;
	    const box = svg.getBoundingClientRect();
	    if (box.right > window.innerWidth + 0.5 || box.left < -0.5) r.wide.push(svg.getAttribute("aria-label") + ": " + box.left + ".." + box.right);
	    for (const tx of svg.querySelectorAll("text")) {
	      r.texts++;
	      const px = parseFloat(getComputedStyle(tx).fontSize) * scale;
	      if (px < 11) r.small.push(svg.getAttribute("aria-label") + ": " + JSON.stringify(tx.textContent) + " at " + px.toFixed(1) + " px");
	      const b = tx.getBoundingClientRect();
	      if (b.width > 0 && (b.right > Math.min(box.right, window.innerWidth) + 2 || b.left < Math.max(box.left, 0) - 2)) r.wide.push(svg.getAttribute("aria-label") + ": text " + JSON.stringify(tx.textContent) + " " + b.left.toFixed(0) + ".." + b.right.toFixed(0) + " in " + box.left.toFixed(0) + ".." + box.right.toFixed(0));
	    }
	    const fig = svg.closest("figure");
	    if (!fig || !fig.querySelector("figcaption")) r.bare.push(svg.getAttribute("aria-label") + ": no caption");
	  }
	  return r;
	})()`
	for _, page := range []struct {
		path      string
		minCharts int
	}{
		{"metrics/", 8},
		{"services/payments-gateway/", 2},
		{"actions/", 2},
	} {
		t.Run(page.path, func(t *testing.T) {
			open(ctx, t, ts.root+page.path)
			waitFor(ctx, t, "the page to load", `document.readyState === "complete" && document.fonts.status === "loaded"`)
			r := evalJS[report](ctx, t, measure)
			if r.Charts < page.minCharts || r.Texts == 0 {
				t.Fatalf("%d charts with %d texts, want at least %d charts", r.Charts, r.Texts, page.minCharts)
			}
			for _, s := range r.Small {
				t.Errorf("chart text smaller than 11 px: %s", s)
			}
			for _, w := range r.Wide {
				t.Errorf("past the screen's edge: %s", w)
			}
			for _, b := range r.Bare {
				t.Errorf("chart without a figure caption: %s", b)
			}
			if r.PageWidth > r.Viewport {
				t.Errorf("the page is %d px wide on a %d px screen: it scrolls sideways", r.PageWidth, r.Viewport)
			}
		})
	}
}
