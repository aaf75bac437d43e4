package site_test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/site"
)

// severityCards are the home page's cards that count a severity.
func severityCards(t *testing.T, out string) []string {
	t.Helper()
	var names []string
	walk(parseHTML(t, filepath.Join(out, "index.html")), func(n *html.Node) {
		if n.Type == html.ElementNode && attr(n, "class") == "card severity-card" {
			names = append(names, strings.Fields(text(n))[1])
		}
	})
	return names
}

// badges are the texts of the severity badges of a page.
func badges(t *testing.T, file string) []string {
	t.Helper()
	var out []string
	walk(parseHTML(t, file), func(n *html.Node) {
		if n.Type == html.ElementNode && strings.Contains(" "+attr(n, "class")+" ", " sev ") {
			out = append(out, text(n))
		}
	})
	return out
}

// TestSiteShowsOnlyTheScaleUsed: a repository adopted with no
// configuration shows the severities its postmortems use, spelt as they
// are, and one that rates nothing shows no severity at all.
func TestSiteShowsOnlyTheScaleUsed(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 6, 10, 0, 0, 0, 0, time.UTC) // the incidents are within 90 days
	rated := repotest.Write(t, `
-- retros/2024-05-02-login.md --
# Login failures

**Severity:** Critical
**Status:** Resolved

## Summary

Nobody could log in.
-- retros/2024-05-20-search.md --
# Stale search

## Severity

Minor, a day of stale results.
-- retros/2024-06-01-webhooks.md --
# Webhook retries

Nobody rated this one.
`)
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: rated, Out: out, NoHistory: true, Now: now})
	if got := severityCards(t, out); !slices.Equal(got, []string{"Critical", "Minor"}) {
		t.Errorf("severity cards %q, want Critical and Minor only", got)
	}
	if got := badges(t, filepath.Join(out, "incidents", "2024-05-02-login", "index.html")); !slices.Equal(got, []string{"Critical"}) {
		t.Errorf("login badges %q", got)
	}
	if got := badges(t, filepath.Join(out, "incidents", "2024-06-01-webhooks", "index.html")); !slices.Equal(got, []string{"unrated"}) {
		t.Errorf("an unrated incident in a repository that rates: badges %q, want unrated", got)
	}
	// The key lines render as the author wrote them.
	page := parseHTML(t, filepath.Join(out, "incidents", "2024-05-02-login", "index.html"))
	if !slices.ContainsFunc(find(page, "strong", ""), func(n *html.Node) bool { return text(n) == "Severity:" }) {
		t.Error("the **Severity:** line is not on the page as written")
	}

	unrated := repotest.Write(t, `
-- outages/2024-05-02-storage.md --
# Storage failover

## Timeline

- 03:10 UTC array failed over
-- outages/2024-05-21-email.md --
# Email delayed

Mail was queued for two hours.
`)
	out = filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: unrated, Out: out, NoHistory: true, Now: now})
	if got := severityCards(t, out); len(got) > 0 {
		t.Errorf("severity cards %q in a repository that rates nothing", got)
	}
	for _, page := range []string{"index.html", "incidents/index.html", "timeline/index.html", "incidents/2024-05-02-storage/index.html"} {
		if got := badges(t, filepath.Join(out, filepath.FromSlash(page))); len(got) > 0 {
			t.Errorf("%s: badges %q in a repository that rates nothing", page, got)
		}
	}
	if f := find(parseHTML(t, filepath.Join(out, "timeline", "index.html")), "form", "filter"); len(f) > 0 {
		t.Error("the timeline offers a severity filter with no severities")
	}
}

// TestSiteShowsTheMonthItKnows: an incident dated only by its folder's
// month shows the month, not a first of the month that nobody wrote.
func TestSiteShowsTheMonthItKnows(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, `
-- incidents/2021-05/search-stale.md --
# Stale search results

**Severity:** Low
-- incidents/2021-06/cdn.md --
# CDN errors

**Severity:** Low

## Timeline

- 2021-06-30 09:00 UTC errors began
`)
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out, NoHistory: true})
	for _, tc := range []struct{ page, want string }{
		{"incidents/search-stale/index.html", "2021-05"},
		{"incidents/cdn/index.html", "2021-06-30"},
	} {
		var got []string
		walk(parseHTML(t, filepath.Join(out, filepath.FromSlash(tc.page))), func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "time" && attr(n, "datetime") == text(n) && !strings.Contains(text(n), "T") {
				got = append(got, text(n))
			}
		})
		if len(got) == 0 || got[0] != tc.want {
			t.Errorf("%s: dates %q, want %s first", tc.page, got, tc.want)
		}
	}
	var rows []string
	walk(parseHTML(t, filepath.Join(out, "incidents", "index.html")), func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "time" {
			rows = append(rows, attr(n, "datetime"))
		}
	})
	if !slices.Contains(rows, "2021-05") || slices.Contains(rows, "2021-05-01") {
		t.Errorf("the list's dates %q: want 2021-05, not 2021-05-01", rows)
	}
}

// TestSiteAdoptsAJekyllSite: a GitHub Pages repository whose postmortems
// are Jekyll posts, with no inquest.yaml, builds a page for each of them
// and none for its drafts or its output folder, and the history follows
// a post through its edits; times of day that state no zone are in the
// zone of the post's date.
func TestSiteAdoptsAJekyllSite(t *testing.T) {
	t.Parallel()
	post := `---
layout: post
title: "Card payments failed for 47 minutes"
date: 2023-04-01 14:02:00 -0700
---

**Severity:** High

## Timeline (all times PDT)

- **2:02 PM** - A certificate on the payment proxy expires
- **2:49 PM** - A new certificate is deployed

## Root cause

The renewal job failed silently.
`
	// The edit also drops the timeline's zone: its times are then read
	// in the zone of the post's date, which is the same.
	edited := strings.NewReplacer("High", "Critical", "failed silently", "had failed silently since March", " (all times PDT)", "").Replace(post)
	dir := repotest.Write(t, `
-- _config.yml --
title: Status notes
-- _posts/2023-04-01-card-payments-failed.md --
`+post+`-- _drafts/2023-06-01-queue-backlog.md --
# Queue backlog

**Severity:** Low

## Timeline

- 10:00 backlog grows

## Root cause

Unknown yet.
-- $ commit --
Date: 2023-04-03T09:00:00Z

Post the card payments postmortem
-- _posts/2023-04-01-card-payments-failed.md --
`+edited+`-- _site/2023/04/01/card-payments-failed.md --
# Card payments failed for 47 minutes

**Severity:** Critical

## Root cause
-- $ commit --
Date: 2023-04-05T09:00:00Z

Raise the severity; publish the site
`)
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out})
	var api struct {
		Incidents []struct {
			Source, Severity string
			Timeline         []struct{ Time string }
			History          struct {
				Revisions []struct{ Subject string }
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(out, "api", "incidents.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &api); err != nil {
		t.Fatal(err)
	}
	if len(api.Incidents) != 1 {
		t.Fatalf("%d incidents, want the one post: %+v", len(api.Incidents), api.Incidents)
	}
	inc := api.Incidents[0]
	if inc.Source != "_posts/2023-04-01-card-payments-failed.md" || inc.Severity != "Critical" {
		t.Errorf("incident %s, severity %s", inc.Source, inc.Severity)
	}
	if len(inc.Timeline) != 2 || inc.Timeline[0].Time != "2023-04-01T21:02:00Z" {
		t.Errorf("timeline %+v, want two events from 21:02 UTC", inc.Timeline)
	}
	var subjects []string
	for _, r := range inc.History.Revisions {
		subjects = append(subjects, r.Subject)
	}
	if want := []string{"Raise the severity; publish the site", "Post the card payments postmortem"}; !slices.Equal(subjects, want) {
		t.Errorf("revisions %q, want %q", subjects, want)
	}
	if _, err := os.Stat(filepath.Join(out, "incidents", "2023-04-01-card-payments-failed", "index.html")); err != nil {
		t.Error(err)
	}
}

// TestSiteAdoptsIncidentFolders: a repository with a folder per incident,
// whose report is the folder's README.md (as GitHub shows it), a Hugo
// page bundle's index.md or a postmortem.md, builds a page for each,
// named and dated by its folder; the README that says what the folder of
// incidents holds is no incident.
func TestSiteAdoptsIncidentFolders(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, `
-- incidents/README.md --
# Incidents

One folder per incident; the report is the folder's README.
-- incidents/2023-01-05-db-outage/README.md --
# Database outage

**Severity:** SEV2

## Timeline

- 10:00 UTC the primary fails
-- incidents/2023-02-11-cdn/index.md --
---
title: CDN errors
severity: SEV3
---

## Timeline

- 08:00 UTC errors begin
-- incidents/INC-1234/postmortem.md --
# DNS failures

**Severity:** SEV1
**Date:** 2023-03-01
`)
	out := filepath.Join(t.TempDir(), "public")
	res := build(t, site.BuildOptions{Dir: dir, Out: out})
	if res.Incidents != 3 {
		t.Errorf("%d incidents, want 3", res.Incidents)
	}
	for page, date := range map[string]string{
		"2023-01-05-db-outage": "2023-01-05",
		"2023-02-11-cdn":       "2023-02-11",
		"INC-1234":             "2023-03-01",
	} {
		doc := parseHTML(t, filepath.Join(out, "incidents", page, "index.html"))
		var dates []string
		walk(doc, func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "time" {
				dates = append(dates, attr(n, "datetime"))
			}
		})
		if !slices.Contains(dates, date) {
			t.Errorf("%s: dates %q, want %s", page, dates, date)
		}
	}
}

// TestSiteAdoptsTemplateShapes builds a repository of reports in the
// shapes published templates give them, none with front matter: an
// incident log with each incident's key lines under its heading, the
// cloud book's field sections, a template's four-column tables, and a
// review template's summary list and tables of questions. Each gives its
// fields to the JSON API, and its page keeps the author's tables.
func TestSiteAdoptsTemplateShapes(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, `
-- postmortems/incident-log.md --
# Platform incidents, spring 2021

## 2021-03-09: Cart service timeouts

**Severity:** SEV2
**Owner:** Noor Haddad

Carts could not be saved while a replica was rebuilt.

### Timeline

- 08:15 UTC replica rebuild started
- 08:51 UTC rebuild finished, saves succeed

## 2021-04-27: Image uploads rejected

**Severity:** SEV4

### Timeline

- 16:30 UTC new size limit deployed
-- postmortems/object-store.md --
# Object store errors

### Start Date/Time

2022-06-14 09:12 UTC

### End Date/Time

2022-06-14 11:40 UTC

### Affected users

Customers uploading to buckets a to f.

## Timeline

The shard filled its disk, and writes failed until it was cleaned.
-- postmortems/dns.md --
# DNS resolvers exhausted

### Summary
| Incident Summary | Resolvers stopped answering | | |
|---|---|---|---|
| Incident Number | INC-4411 | Incident Severity | SEV1 |

### Incident Timing
| Start Time | 2023-09-18 07:40 UTC | Detected By | Alerting |
|---|---|---|---|
| Detection Time | 2023-09-18 07:46 UTC | Time to Detect (TTD) | 6 minutes |
-- postmortems/queue.md --
# Queue backlog delays emails

**Summary**

Emails were late by up to two hours.

**Timeline (UTC)**

- 2022-02-08 09:10 consumer 3.2 deployed
- 2022-02-08 09:40 queue depth alert fired
- 2022-02-08 11:05 consumer rolled back

**Root cause**

The consumer acknowledged messages before processing them.
-- postmortems/registry.md --
# Registry latency

**Date:** 2020-05-12

## Summary

Pulls slowed to 30 seconds.

1. Service(s) affected: container registry

## Detection & Response

| Question | Answer |
| -------- | ------ |
| When was the incident detected? | 2020-05-12 14:12 UTC |
`)
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out})
	data, err := os.ReadFile(filepath.Join(out, "api", "incidents.json"))
	if err != nil {
		t.Fatal(err)
	}
	var api struct {
		Incidents []struct {
			ID, Severity, Owner, Started, Detected, Resolved, Summary string
			Services                                                  []string
			Durations                                                 struct{ Detect, Resolve int64 }
		}
	}
	if err := json.Unmarshal(data, &api); err != nil {
		t.Fatal(err)
	}
	type fields struct {
		severity, owner, started, detected, resolved, services string
		detect                                                 int64
	}
	got := map[string]fields{}
	for _, v := range api.Incidents {
		got[v.ID] = fields{v.Severity, v.Owner, v.Started, v.Detected, v.Resolved, strings.Join(v.Services, ","), v.Durations.Detect}
	}
	want := map[string]fields{
		"incident-log": {severity: "SEV2", owner: "Noor Haddad", started: "2021-03-09T08:15:00Z"},
		"object-store": {started: "2022-06-14T09:12:00Z", resolved: "2022-06-14T11:40:00Z"},
		"INC-4411":     {severity: "SEV1", started: "2023-09-18T07:40:00Z", detected: "2023-09-18T07:46:00Z", detect: 360},
		"registry":     {detected: "2020-05-12T14:12:00Z", services: "container registry"},
		"queue":        {started: "2022-02-08T09:10:00Z", detected: "2022-02-08T09:40:00Z", detect: 1800},
	}
	for id, w := range want {
		if g, ok := got[id]; !ok || g != w {
			t.Errorf("%s: %+v, want %+v (all: %v)", id, g, w, slices.Collect(maps.Keys(got)))
		}
	}
	// A bold line that marks a section is where its drawn view goes, and
	// stays on the page as the author wrote it.
	queue, err := os.ReadFile(filepath.Join(out, "incidents", "queue", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	bold, drawn, next := strings.Index(string(queue), "<strong>Timeline (UTC)</strong>"), strings.Index(string(queue), `class="timeline-visual"`), strings.Index(string(queue), "<strong>Root cause</strong>")
	if bold < 0 || drawn < bold || next < drawn {
		t.Errorf("queue's page: bold Timeline line at %d, drawn timeline at %d, Root cause at %d; want them in that order", bold, drawn, next)
	}
	// The tables the fields were read from stay on the page.
	page, err := os.ReadFile(filepath.Join(out, "incidents", "INC-4411", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"<td>Incident Severity</td>", "<td>Time to Detect (TTD)</td>", "<td>6 minutes</td>"} {
		if !strings.Contains(string(page), s) {
			t.Errorf("INC-4411's page lacks %s", s)
		}
	}
}

// TestSiteAdoptsAStatusPagePost: a postmortem written as a status page's
// or a blog's post, whose follow-ups are under "What we're doing about
// it", has them on the action items page, and its page keeps every
// heading as written.
func TestSiteAdoptsAStatusPagePost(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, `
-- postmortems/2024-02-10-webhooks.md --
# Webhook deliveries delayed on February 10

On February 10 webhook deliveries were delayed by up to two hours.

## What happened

At 09:12 UTC a database migration locked the deliveries table.

## How we responded

The on-call engineer paged the database team at 09:40.

## How did it happen?

The migration ran without a lock timeout.

## What we're doing about it

- Add a lock timeout to every migration (owner: Priya Nair, due 2024-03-01)
- Alert on delivery lag over 5 minutes
`)
	out := filepath.Join(t.TempDir(), "public")
	build(t, site.BuildOptions{Dir: dir, Out: out})
	actions, err := os.ReadFile(filepath.Join(out, "actions", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, item := range []string{"Add a lock timeout to every migration", "Alert on delivery lag over 5 minutes"} {
		if !strings.Contains(string(actions), item) {
			t.Errorf("the action items page does not list %q", item)
		}
	}
	var headings []string
	walk(parseHTML(t, filepath.Join(out, "incidents", "2024-02-10-webhooks", "index.html")), func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "h2" {
			headings = append(headings, strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text(n)), "#"))) // the anchor link
		}
	})
	for _, h := range []string{"What happened", "How we responded", "How did it happen?", "What we're doing about it"} {
		if !slices.Contains(headings, h) {
			t.Errorf("the page's headings %q do not keep %q", headings, h)
		}
	}
}

// TestSiteLeavesOutAGeneratorsDrafts: a Hugo site's post marked "draft =
// true" and a Jekyll site's marked "published: false" are drafts, left
// out of the site as their generators leave them out; the others are
// built.
func TestSiteLeavesOutAGeneratorsDrafts(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		archive string
		pages   map[string]bool
	}{
		"Hugo": {`
-- content/postmortems/redis-evictions.md --
+++
title = "Redis evictions dropped sessions"
date = 2023-06-12T16:40:00+02:00
draft = true
+++

Sessions were dropped for 25 minutes.
-- content/postmortems/dns-timeouts.md --
+++
title = "DNS timeouts"
date = 2023-07-01
draft = false
+++

Lookups timed out for ten minutes.
`, map[string]bool{"dns-timeouts": true, "redis-evictions": false}},
		"Jekyll": {`
-- _posts/2023-08-02-queue-backlog.md --
---
layout: post
title: "Queue backlog postmortem"
published: false
---

## Timeline

- 10:00 backlog grows
-- _posts/2023-09-14-cdn-outage.md --
---
layout: post
title: "CDN outage postmortem"
---

## Timeline

- 12:00 purge storm
`, map[string]bool{"2023-09-14-cdn-outage": true, "2023-08-02-queue-backlog": false}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := repotest.Write(t, tc.archive)
			out := filepath.Join(t.TempDir(), "public")
			res := build(t, site.BuildOptions{Dir: dir, Out: out})
			if res.Incidents != 1 || res.LeftOut.Drafts != 1 {
				t.Errorf("%d incidents, %d drafts left out; want 1 and 1", res.Incidents, res.LeftOut.Drafts)
			}
			for id, want := range tc.pages {
				_, err := os.Stat(filepath.Join(out, "incidents", id, "index.html"))
				if (err == nil) != want {
					t.Errorf("incidents/%s: page %v, want %v", id, err == nil, want)
				}
			}
		})
	}
}
