package postmortem_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/worktree"
)

// TestDiscoverWithoutConfig: with no content configured, the postmortems
// are found in folders named like report folders, else by their shape,
// and the globs discovery settles on select exactly them.
func TestDiscoverWithoutConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		archive string
		want    []string
		content []string
		folders []string
	}{
		{
			name: "retrospectives folder, README and template left out",
			archive: `
-- README.md --
# Our retrospectives
-- retrospectives/README.md --
How we write them.
-- retrospectives/template.md --
# Incident: <title>
-- retrospectives/2022/checkout-latency.md --
# Checkout latency

**Severity:** Major
-- retrospectives/2023/login-outage.md --
# Login outage
-- docs/oncall.md --
# On-call
`,
			want:    []string{"retrospectives/2022/checkout-latency.md", "retrospectives/2023/login-outage.md"},
			content: []string{"retrospectives/**/*.md"},
			folders: []string{"retrospectives"},
		},
		{
			name: "rca folder deep in a docs tree",
			archive: `
-- docs/guide.md --
# Guide
-- docs/ops/RCA/2021-07-09-dns.md --
# DNS resolution failures
-- docs/ops/RCA/queue.markdown --
# Queue backlog
-- incident-response/runbook.md --
# Runbook

## Detection
`,
			want:    []string{"docs/ops/RCA/2021-07-09-dns.md", "docs/ops/RCA/queue.markdown"},
			content: []string{"docs/ops/RCA/**/*.{markdown,md}"},
			folders: []string{"docs/ops/RCA"},
		},
		{
			name: "emoji headings name sections; a design document's Impact and Recommendations do not make a report",
			archive: `
-- notes/2023-04-02-cache-stampede.md --
# 🔥 Cache stampede on the product pages

## 📝 Summary

Every cached product page expired in the same minute.

## 💥 Impact

Pages took seconds to load for twenty minutes.

## 🔍 Root Cause(s)

One TTL for every key.
-- docs/rfc-cache.md --
# Cache redesign

## Impact

Less load on the database.

## Recommendations

Stagger the TTLs.
`,
			want:    []string{"notes/2023-04-02-cache-stampede.md"},
			content: []string{"notes/2023-04-02-cache-stampede.md"},
			folders: nil,
		},
		{
			name: "a meeting's takeaways and action plan do not make a report",
			archive: `
-- notes/2024-01-05-offsite.md --
# Team offsite

## Key takeaways

We want fewer pages at night.

## Action plan

Book the next offsite.
-- notes/2023-11-02-broker-outage.md --
# Broker outage

## Impact

Orders queued for an hour.

## Follow-up tasks

- [ ] Add a second broker (owner: Sam)
`,
			want:    []string{"notes/2023-11-02-broker-outage.md"},
			content: []string{"notes/2023-11-02-broker-outage.md"},
			folders: nil,
		},
		{
			// A team's retrospective has an incident report's lessons
			// and action items, and nothing that broke; an incident's
			// retrospective has its timeline, or says "incident".
			name: "a sprint retrospective is no incident's report",
			archive: `
-- notes/retro-2022-q3.md --
# Q3 retro

## What went well

Shipping cadence.

## What went wrong

Too many pages.

## Action items

- [ ] Fewer pages
-- notes/retro-2022-08-09.md --
# Retro: payments

## What went wrong

The certificate expired.

## Timeline

- 14:00 UTC certificate expired
-- notes/incident-retro-dns.md --
# DNS failures

## Lessons learned

Resolvers need a second upstream.

## Action items

- [ ] Add a second upstream
`,
			want:    []string{"notes/incident-retro-dns.md", "notes/retro-2022-08-09.md"},
			content: []string{"notes/incident-retro-dns.md", "notes/retro-2022-08-09.md"},
			folders: nil,
		},
		{
			name: "a Jekyll site: postmortems in _posts by shape; its drafts, includes and output left out",
			archive: `
-- _config.yml --
title: Status notes
-- _posts/2022-11-20-stale-search-results.md --
---
layout: post
title: "Search showed stale results for a day"
---

Search served a day-old index after a reindex job hung.

## Impact

About a third of queries missed new listings.

## What went wrong

Nobody watched the index's age.
-- _posts/2023-05-02-we-are-hiring.md --
---
layout: post
title: "We are hiring"
---

Come and work with us.
-- _drafts/2023-06-01-queue-backlog.md --
# Queue backlog

**Severity:** Low

## Timeline

- 10:00 backlog grows
-- _includes/postmortem-footer.md --
## Action items

Tracked in the issue tracker.
-- _site/2023/04/01/card-payments-failed.md --
# Card payments failed for 47 minutes

**Severity:** High

## Root cause
`,
			want:    []string{"_posts/2022-11-20-stale-search-results.md"},
			content: []string{"_posts/2022-11-20-stale-search-results.md"},
			folders: nil,
		},
		{
			name: "a file without an extension that is Markdown text counts in a report folder",
			archive: `
-- incidents/2020-03-03-cdn --
# CDN outage

**Severity:** SEV2
-- incidents/notes.txt --
not Markdown by name
-- incidents/dump --
` + "\x00\x01binary" + `
-- incidents/2020-04-01-db.md --
# Database failover
`,
			want:    []string{"incidents/2020-03-03-cdn", "incidents/2020-04-01-db.md"},
			content: []string{"incidents/**/*.md", "incidents/2020-03-03-cdn"},
			folders: []string{"incidents"},
		},
		{
			name: "dated folders at the root, chosen by shape",
			archive: `
-- README.md --
# Outage reports, one folder per month.
-- 2021-05/api-gateway-errors.md --
# API gateway 502s

**Severity:** High
**Date:** 2021-05-04

## Timeline

- 10:02 UTC errors begin
-- 2021-05/search-stale.md --
# Stale search results

## Impact

Searches returned week-old results.

## Root cause

A stuck indexer.
-- 2021-06/cert-expiry.md --
# Certificate expiry

## Timeline

- 09:00 certificate expired
-- docs/how-to-write-a-postmortem.md --
# How to write a postmortem

## Timeline

List what happened when.

## Action items

Each with an owner.
-- docs/rfc-012-new-queue.md --
# RFC 012: a new queue

## Motivation

## Impact

## Timeline

## Alternatives considered
-- CHANGELOG.md --
## Timeline
## Impact
`,
			want:    []string{"2021-05/api-gateway-errors.md", "2021-05/search-stale.md", "2021-06/cert-expiry.md"},
			content: []string{"2021-05/*.md", "2021-06/cert-expiry.md"},
		},
		{
			name: "front matter with a postmortem's keys, vendored and hidden trees left out",
			archive: `
-- notes/2019-db.md --
---
title: Database disk full
sev: 2
---
Text.
-- notes/blog-post.md --
---
title: Our new office
date: 2019-01-01
tags: [news]
---
-- node_modules/pkg/incidents/a.md --
# Incident A
-- vendor/github.com/x/postmortems/b.md --
# Postmortem B
-- .github/incidents/c.md --
# Incident C
-- third_party/lib/d.md --
---
severity: SEV1
---
`,
			want:    []string{"notes/2019-db.md"},
			content: []string{"notes/2019-db.md"},
		},
		{
			name: "nothing shaped like a postmortem",
			archive: `
-- README.md --
# Project
-- docs/usage.md --
# Usage

## Installation
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := repotest.Write(t, tt.archive)
			set := loadSet(t, dir)
			var got []string
			for _, inc := range set.Incidents {
				got = append(got, inc.Source)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("found %q, want %q", got, tt.want)
			}
			d := set.Discovery
			if d == nil {
				t.Fatal("no Discovery for a repository without content")
			}
			if !slices.Equal(d.Content, tt.content) || !slices.Equal(d.Folders, tt.folders) {
				t.Errorf("content %q, folders %q; want %q, %q", d.Content, d.Folders, tt.content, tt.folders)
			}
			for _, p := range got {
				if d.Folders == nil && d.Shaped[p] == "" {
					t.Errorf("%s was chosen by shape with no reason", p)
				}
			}
			// The pinned globs select the same files.
			pinned, err := config.Parse([]byte("content: ["+quoteAll(d.Content)+"]\n"), config.FileName)
			if len(d.Content) == 0 {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			again, _, err := postmortem.Discover(context.Background(), newTree(t, dir), pinned)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(again, got) {
				t.Errorf("the pinned content selects %q, want %q", again, got)
			}
		})
	}
}

// loadSet loads the postmortems of the repository in dir with its
// configuration.
func loadSet(t *testing.T, dir string) *postmortem.Set {
	t.Helper()
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	set, err := postmortem.Load(context.Background(), dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// newTree is the work tree in dir, outside Git.
func newTree(t *testing.T, dir string) *worktree.Tree {
	t.Helper()
	tree, err := worktree.New(dir, worktree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func quoteAll(globs []string) string {
	q := make([]string, len(globs))
	for i, g := range globs {
		q[i] = fmt.Sprintf("%q", g)
	}
	return strings.Join(q, ", ")
}

// TestDiscoverConfiguredContent: configured content is used as written,
// with no Discovery.
func TestDiscoverConfiguredContent(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, `
-- inquest.yaml --
content: ["reports/*.md"]
-- reports/a.md --
# A
-- postmortems/b.md --
# B
`)
	set := loadSet(t, dir)
	if len(set.Incidents) != 1 || set.Incidents[0].Source != "reports/a.md" || set.Discovery != nil {
		t.Errorf("incidents %v, discovery %+v", set.Incidents, set.Discovery)
	}
}

// TestDiscoverAmongDecoys: thousands of Markdown files that are not
// postmortems (a docs site, vendored packages' READMEs and docs) are not
// taken, and cost one bounded read each.
func TestDiscoverAmongDecoys(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("writes 4,000 files")
	}
	dir := t.TempDir()
	write := func(rel, text string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	filler := strings.Repeat("Some prose about how the service is configured and deployed. ", 400) // 24 KB, past the bounded read
	shapes := []string{
		"# %s\n\n## Installation\n\nRun make.\n\n## Usage\n\n" + filler + "\n## Timeline\n\n## Impact\n",
		"# %s\n\n## Overview\n\nWhat it does.\n\n## Next steps\n\n## Data\n",
		"# %s roadmap\n\n## Timeline\n\nQ3.\n\n## Goals\n\n## Impact\n",
		"---\ntitle: %s\ndate: 2020-01-01\ntags: [docs]\n---\n\nBlog text.\n",
		"# %s\n\nStatus: stable\n\nNote: see the wiki.\n",
	}
	for i := range 3000 {
		write(fmt.Sprintf("docs/section-%02d/page-%04d.md", i%40, i), fmt.Sprintf(shapes[i%len(shapes)], fmt.Sprintf("Page %d", i)))
	}
	for i := range 1000 {
		write(fmt.Sprintf("node_modules/pkg-%03d/docs/incidents/notes-%d.md", i%300, i), "# Incident notes\n\n## Timeline\n\n## Impact\n")
	}
	real := []string{"2022-11-02-payments-timeout.md", "2023-01-15-dns.md", "2023-08-30-disk-full.md"}
	for _, name := range real {
		write(name, "# Payments timeouts\n\n**Severity:** Critical\n**Status:** Resolved\n\n## Impact\n\nCard payments failed.\n\n## Timeline\n\n- 10:00 UTC first timeouts\n\n## Root cause\n\nA pool limit.\n")
	}
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	paths, findings, err := postmortem.Discover(context.Background(), newTree(t, dir), cfg)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(paths, real) || len(findings) > 0 {
		t.Errorf("found %q (%v), want %q", paths, findings, real)
	}
	t.Logf("discovery among 3,000 documentation pages and 1,000 vendored files took %s", took)
}

// TestBodyDateInTheRepositorysOrder: a body's date that reads both ways
// takes the order the repository's other postmortems show.
func TestBodyDateInTheRepositorysOrder(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, `
-- incidents/a.md --
# Queue backlog

## Timeline

- 18/04/2023 10:00 UTC backlog grows
-- incidents/b.md --
# Cache stampede

**Date:** 04/05/2023
`)
	set := loadSet(t, dir)
	b := set.Incidents[1]
	if got := b.Date.Format("2006-01-02"); got != "2023-05-04" {
		t.Errorf("date %s, want 2023-05-04 (day first, as a.md shows)", got)
	}
	for _, f := range b.Findings {
		if f.Rule == "date" {
			t.Errorf("finding %q after the repository decided the order", f.Message)
		}
	}
}
