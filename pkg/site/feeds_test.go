package site_test

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// feedRepo has two published postmortems, one with an owner and one
// without, each first committed as a draft and changed later, and a draft.
const feedRepo = `
-- inquest.yaml --
title: Globex incident reviews
%BASE%
-- postmortems/2025-02-11-dns.md --
---
title: Resolver timeouts after the DNS provider migration
date: 2025-02-11
severity: SEV2
status: in-review
owner: Priya Raman
tags: [dns]
---
## Summary

Lookups timed out for 14 minutes.
-- $ commit --
Author: Priya Raman <priya@example.com>
Date: 2025-02-12T08:30:00Z

Draft the DNS postmortem
-- postmortems/2025-03-04-queue.md --
# Order queue backlog after a consumer deploy

**Date:** 2025-03-04
**Status:** published
**Severity:** SEV3

## Summary

Orders waited up to 40 minutes.
-- $ commit --
Author: Tomás Ortega <tomas@example.com>
Date: 2025-03-05T16:00:00Z

Write up the queue backlog
-- postmortems/2025-02-11-dns.md --
---
title: Resolver timeouts after the DNS provider migration
date: 2025-02-11
severity: SEV2
status: published
owner: Priya Raman
tags: [dns]
---
## Summary

Lookups timed out for 14 minutes, on both resolvers.
-- $ commit --
Author: Priya Raman <priya@example.com>
Date: 2025-03-10T09:15:00Z

Publish the DNS postmortem

Reviewed-by: Ana Costa <ana@example.com>
`

type testFeed struct {
	ID    string `xml:"id"`
	Links []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	} `xml:"link"`
	Entries []struct {
		Title     string `xml:"title"`
		ID        string `xml:"id"`
		Published string `xml:"published"`
		Updated   string `xml:"updated"`
		Link      struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Author struct {
			Name string `xml:"name"`
		} `xml:"author"`
	} `xml:"entry"`
}

type testSitemap struct {
	URLs []struct {
		Loc string `xml:"loc"`
	} `xml:"url"`
}

// TestFeedAndSitemapURLs builds one repository with its base URL given in
// each way a publish job gives it: the feed's and the sitemap's URLs are
// absolute whenever a base URL with a host is known, a build without one
// says so once, every entry has an author and a published date, and
// robots.txt is written only for a site at the root of its host.
func TestFeedAndSitemapURLs(t *testing.T) {
	for _, c := range []struct {
		name, config, flag string
		env                map[string]string
		// base is what every URL starts with; warn is in the one note
		// about the base URL, "" for none.
		base, warn string
		robots     bool
	}{
		{name: "no base URL", base: "/", warn: "no base URL: feed.xml, sitemap.xml and api/incidents.json carry paths", robots: true},
		{name: "base_url", config: "base_url: https://reviews.globex.example/", base: "https://reviews.globex.example/", robots: true},
		{name: "base_url with a path", config: "base_url: https://globex.example/reviews", base: "https://globex.example/reviews/"},
		{name: "--base-url over base_url", config: "base_url: https://old.globex.example/", flag: "https://globex.example/pm/", base: "https://globex.example/pm/"},
		{name: "a path only", flag: "/pm/", base: "/pm/", warn: "base URL /pm/ (--base-url) has no scheme and host"},
		{name: "GitLab Pages", env: map[string]string{"CI_PAGES_URL": "https://globex.gitlab.io/reviews"}, base: "https://globex.gitlab.io/reviews/", warn: "taken from CI_PAGES_URL"},
		{name: "GitHub Pages, a project site", env: map[string]string{"GITHUB_PAGES": "true", "GITHUB_REPOSITORY": "Globex/reviews"}, base: "https://globex.github.io/reviews/", warn: "taken from GITHUB_PAGES and GITHUB_REPOSITORY"},
		{name: "GitHub Pages, an organisation site", env: map[string]string{"GITHUB_PAGES": "true", "GITHUB_REPOSITORY": "globex/globex.github.io"}, base: "https://globex.github.io/", warn: "taken from GITHUB_PAGES and GITHUB_REPOSITORY", robots: true},
		{name: "GitHub Pages, its URL", env: map[string]string{"GITHUB_PAGES": "https://docs.globex.example/"}, base: "https://docs.globex.example/", warn: "taken from GITHUB_PAGES", robots: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, k := range []string{"CI_PAGES_URL", "GITHUB_PAGES", "GITHUB_REPOSITORY"} {
				t.Setenv(k, c.env[k])
			}
			dir := repotest.Write(t, strings.Replace(feedRepo, "%BASE%", c.config, 1))
			out := filepath.Join(t.TempDir(), "public")
			res := build(t, site.BuildOptions{Dir: dir, Out: out, BaseURL: c.flag, Now: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)})

			var about []string
			for _, w := range res.Notes {
				if strings.Contains(w, "base URL") {
					about = append(about, w)
				}
			}
			switch {
			case c.warn == "" && len(about) > 0:
				t.Errorf("notes about the base URL: %q, want none", about)
			case c.warn != "" && (len(about) != 1 || !strings.Contains(about[0], c.warn)):
				t.Errorf("notes about the base URL: %q, want one saying %q", about, c.warn)
			}

			var feed testFeed
			readXML(t, filepath.Join(out, "feed.xml"), &feed)
			if feed.ID != c.base {
				t.Errorf("feed id %q, want %q", feed.ID, c.base)
			}
			for _, l := range feed.Links {
				if !strings.HasPrefix(l.Href, c.base) {
					t.Errorf("feed link rel=%s %q is not under %q", l.Rel, l.Href, c.base)
				}
			}
			type entry struct{ id, link, author, published, updated string }
			want := map[string]entry{
				"Resolver timeouts after the DNS provider migration": {
					c.base + "incidents/2025-02-11-dns/", c.base + "incidents/2025-02-11-dns/",
					"Priya Raman", "2025-02-12T08:30:00Z", "2025-03-10T09:15:00Z"},
				// No owner: the site's title, as Atom needs an author.
				"Order queue backlog after a consumer deploy": {
					c.base + "incidents/2025-03-04-queue/", c.base + "incidents/2025-03-04-queue/",
					"Globex incident reviews", "2025-03-05T16:00:00Z", "2025-03-05T16:00:00Z"},
			}
			if len(feed.Entries) != len(want) {
				t.Fatalf("%d feed entries, want %d", len(feed.Entries), len(want))
			}
			for _, e := range feed.Entries {
				got := entry{e.ID, e.Link.Href, e.Author.Name, e.Published, e.Updated}
				if w, ok := want[e.Title]; !ok || got != w {
					t.Errorf("entry %q:\n got %+v\nwant %+v", e.Title, got, w)
				}
			}

			var sm testSitemap
			readXML(t, filepath.Join(out, "sitemap.xml"), &sm)
			if len(sm.URLs) != 3 {
				t.Errorf("%d sitemap URLs, want the home page and two incidents", len(sm.URLs))
			}
			for _, u := range sm.URLs {
				if !strings.HasPrefix(u.Loc, c.base) {
					t.Errorf("sitemap loc %q is not under %q", u.Loc, c.base)
				}
			}

			_, err := os.Stat(filepath.Join(out, "robots.txt"))
			if wrote := err == nil; wrote != c.robots {
				t.Errorf("robots.txt written: %v, want %v", wrote, c.robots)
			}
			said := false
			for _, n := range res.Notes {
				said = said || strings.HasPrefix(n, "robots.txt not written: crawlers read it only at the root of the host")
			}
			if said == c.robots {
				t.Errorf("a note that robots.txt is not written: %v, want %v (%q)", said, !c.robots, res.Notes)
			}
		})
	}
}

func readXML(t *testing.T, file string, v any) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}
