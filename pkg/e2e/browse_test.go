package e2e

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/site"
)

// offsetRE is an event's offset from the first timed event, as the incident
// page writes it: "+0 min", "+17 min", "+2 h 5 min", "+3 d 4 h".
var offsetRE = regexp.MustCompile(`^\+\d+ (min|h|d)( \d+ (min|h))?$`)

// TestBrowseSite walks the example site the way a reader does, clicking
// links from the home page to an incident, under a sub-path, and checks that
// every link on the way resolves and that the console stays clean.
func TestBrowseSite(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	// A page size of 10 splits the 15 incidents over two list pages, so the
	// pager links are exercised too.
	ts := serveSite(ctx, t, site.BuildOptions{Dir: acmeDir, PageSize: 10})
	root := ts.root
	cons := watchConsole(ctx, t)
	links := linkChecker{client: ts.client}

	open(ctx, t, root)
	if got, want := evalJS[string](ctx, t, "document.title"), "Acme Shop postmortems"; got != want {
		t.Errorf("home page title = %q, want %q", got, want)
	}
	nav := evalJS[[]string](ctx, t, `[...document.querySelectorAll("header.site-header nav[aria-label=Main] a")].map(a => a.textContent.trim())`)
	for _, want := range []string{"Incidents", "Tags", "Search"} {
		if !slices.Contains(nav, want) {
			t.Errorf("header nav = %q, want a %q link", nav, want)
		}
	}
	links.check(ctx, t)

	if got := follow(ctx, t, `header.site-header nav a[href="/sub/tags/"]`); got != "/sub/tags/" {
		t.Fatalf("the Tags link led to %s", got)
	}
	tag := evalJS[string](ctx, t, `(document.querySelector('ul.terms a[href$="/tags/database/"]') ?? document.querySelector("ul.terms a")).getAttribute("href")`)
	if got := follow(ctx, t, `ul.terms a[href="`+tag+`"]`); got != tag {
		t.Fatalf("the tag link %s led to %s", tag, got)
	}
	links.check(ctx, t)

	incident := follow(ctx, t, "main ol.incident-list a.title")
	if !strings.HasPrefix(incident, "/sub/incidents/") {
		t.Fatalf("the first incident on %s is %s, not under /sub/incidents/", tag, incident)
	}
	checkIncidentPage(t, evalJS[incidentView](ctx, t, incidentViewJS))
	links.check(ctx, t)
	cons.checkClean(t, "home → tags → "+tag+" → "+incident)

	open(ctx, t, root+"incidents/")
	if got := evalJS[string](ctx, t, `document.querySelector("main p.count").textContent`); !strings.Contains(got, "page 1 of 2") {
		t.Errorf("/sub/incidents/ count = %q, want page 1 of 2", got)
	}
	links.check(ctx, t)
	if got := follow(ctx, t, `nav.pager a[rel=next]`); got != "/sub/incidents/page/2/" {
		t.Fatalf("the next page link led to %s", got)
	}
	if n := evalJS[int](ctx, t, `document.querySelectorAll("main ol.incident-list li a.title").length`); n != 6 {
		t.Errorf("page 2 lists %d incidents, want 6 of 16", n)
	}
	links.check(ctx, t)
	if got := follow(ctx, t, `nav.pager a[rel=prev]`); got != "/sub/incidents/" {
		t.Fatalf("the previous page link led to %s", got)
	}
	follow(ctx, t, "main ol.incident-list a.title")
	checkIncidentPage(t, evalJS[incidentView](ctx, t, incidentViewJS))
	cons.checkClean(t, "incidents → page 2 → page 1 → incident")
}

// incidentView is what checkIncidentPage looks at on an incident page.
type incidentView struct {
	Path     string   `json:"path"`
	H1       string   `json:"h1"`
	Timeline bool     `json:"timeline"`
	Circles  int      `json:"circles"`
	Offsets  []string `json:"offsets"`
}

const incidentViewJS = `(() => {
	const tl = document.querySelector("section.timeline-visual");
	return {
		path: location.pathname,
		h1: (document.querySelector("main h1")?.textContent ?? "").trim(),
		timeline: !!tl,
		circles: tl ? tl.querySelectorAll("svg circle").length : 0,
		offsets: tl ? [...tl.querySelectorAll("ol.events li")].map(li => (li.querySelector(".offset")?.textContent ?? "").trim()) : [],
	};
})()`

func checkIncidentPage(t *testing.T, v incidentView) {
	t.Helper()
	if v.H1 == "" {
		t.Errorf("%s: empty <h1>", v.Path)
	}
	if !v.Timeline {
		t.Errorf("%s: no section.timeline-visual", v.Path)
		return
	}
	if len(v.Offsets) == 0 {
		t.Errorf("%s: the timeline has no ol.events rows", v.Path)
	}
	timed := 0
	for _, o := range v.Offsets {
		if o == "" {
			continue // an event with no time of day has no offset
		}
		timed++
		if !offsetRE.MatchString(o) {
			t.Errorf("%s: timeline offset %q, want like +17 min", v.Path, o)
		}
	}
	if v.Circles != timed {
		t.Errorf("%s: the timeline axis has %d circles for %d timed events", v.Path, v.Circles, timed)
	}
	if timed == 0 || !slices.Contains(v.Offsets, "+0 min") {
		t.Errorf("%s: timeline offsets %q, want +0 min first and more like +17 min", v.Path, v.Offsets)
	}
}
