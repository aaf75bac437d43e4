package e2e

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/inquest-dev/inquest/pkg/site"
)

// overflowJS lists what sticks out of the page's right edge, making the
// whole page scroll sideways: the elements whose box ends past the
// viewport and that no scrolling box of their own holds (a table or a
// chart in one scrolls by itself). Empty when nothing does.
const overflowJS = `(() => {
	const w = document.documentElement.clientWidth, out = [];
	if (document.documentElement.scrollWidth <= w) return out;
	const held = el => {
		for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
			const o = getComputedStyle(p).overflowX;
			if (o === "auto" || o === "scroll" || o === "hidden") return true;
		}
		return false;
	};
	for (const el of document.body.querySelectorAll("*")) {
		const r = el.getBoundingClientRect();
		if (r.width && r.right > w + 0.5 && !held(el)) {
			out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().replace(/\s+/g, ".") : "") + " ends at " + Math.round(r.right) + " px");
		}
		if (out.length === 5) break;
	}
	if (!out.length) out.push("the page is " + document.documentElement.scrollWidth + " px wide");
	return out;
})()`

// TestPhoneLayout checks the example site on a phone (390 px): the
// navigation is one Menu button that opens the list of links, and the
// drawn timeline's and the metrics charts' text is at least 11 px as drawn.
// On a laptop the links show without a menu. That no page type scrolls
// sideways on a phone is checked by TestAccessibility, which loads each of
// them at that width for axe-core anyway.
func TestPhoneLayout(t *testing.T) {
	t.Parallel()
	ctx := newTabFor(t, 3*testTimeout)
	ts := serveSite(ctx, t, site.BuildOptions{Dir: acmeDir, NoHistory: true, Now: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)})
	setViewport(ctx, t, phoneWidth)

	t.Run("menu", func(t *testing.T) {
		open(ctx, t, ts.root)
		waitFor(ctx, t, "the page to load", `document.readyState === "complete"`)
		if h := evalJS[float64](ctx, t, `document.querySelector(".site-header").getBoundingClientRect().height`); h > 64 {
			t.Errorf("the header is %.0f px tall on a phone, want one line (at most 64 px)", h)
		}
		if shown := evalJS[bool](ctx, t, linksShownJS); shown {
			t.Fatal("the navigation's links show before the Menu button is pressed")
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".menu summary"))); err != nil {
			t.Fatalf("pressing Menu: %v", err)
		}
		if shown := evalJS[bool](ctx, t, linksShownJS); !shown {
			t.Fatal("pressing Menu does not show every link of the navigation inside the screen")
		}
		if to := follow(ctx, t, `.site-header nav a[href$="/timeline/"]`); to != basePath+"timeline/" {
			t.Errorf("the menu's Timeline link led to %s", to)
		}
	})

	t.Run("chart text", func(t *testing.T) {
		for _, width := range []int64{phoneWidth, desktopWidth} {
			setViewport(ctx, t, width)
			// The incident's drawn timeline labels its axis.
			open(ctx, t, ts.root+"incidents/INC-2024-001/")
			waitFor(ctx, t, "the page to load", `document.readyState === "complete"`)
			if n := checkTextSize(ctx, t, width, "svg.axis text", "the drawn timeline's axis"); n < 3 {
				t.Errorf("%d px: %d labels on the drawn timeline's axis, want a scale", width, n)
			}
			open(ctx, t, ts.root+"metrics/")
			waitFor(ctx, t, "the page to load", `document.readyState === "complete"`)
			if n := checkTextSize(ctx, t, width, "svg.chart text", "the metrics charts"); n < 10 {
				t.Fatalf("%d px: %d texts in the metrics charts, want the labels of every chart", width, n)
			}
			if n := evalJS[int](ctx, t, `[...document.querySelectorAll("svg.chart")].filter(s => !s.closest("figure") || !s.closest("figure").querySelector("figcaption").textContent.trim()).length`); n > 0 {
				t.Errorf("%d charts without a caption", n)
			}
		}
	})

	t.Run("laptop", func(t *testing.T) {
		setViewport(ctx, t, desktopWidth)
		open(ctx, t, ts.root+"timeline/")
		waitFor(ctx, t, "the page to load", `document.readyState === "complete"`)
		if !evalJS[bool](ctx, t, linksShownJS) {
			t.Error("at 1280 px the navigation's links are not all shown")
		}
		if evalJS[bool](ctx, t, `getComputedStyle(document.querySelector(".menu")).display !== "none"`) {
			t.Error("at 1280 px the Menu button shows")
		}
	})
}

// checkTextSize fails the test when a text of the SVG drawings sel
// selects is drawn less than 11 px high (its font size scaled with the
// drawing), and returns how many there are.
func checkTextSize(ctx context.Context, t *testing.T, width int64, sel, what string) int {
	t.Helper()
	sizes := evalJS[[]float64](ctx, t, `[...document.querySelectorAll(`+strconv.Quote(sel)+`)].map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)`)
	for i, px := range sizes {
		if px < 11 {
			t.Errorf("%d px: text %d of %s is drawn %.1f px high, want at least 11", width, i, what, px)
			break
		}
	}
	return len(sizes)
}

// linksShownJS is true when every link of the main navigation is drawn
// and inside the viewport.
const linksShownJS = `[...document.querySelectorAll(".site-header nav li a")].every(a => {
	const r = a.getBoundingClientRect();
	return a.checkVisibility() && r.width > 0 && r.left >= 0 && r.right <= document.documentElement.clientWidth;
})`
