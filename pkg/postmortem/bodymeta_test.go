package postmortem_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// TestBodyMetadata: a postmortem without front matter states its metadata
// in the body, in the forms teams write it.
func TestBodyMetadata(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		config string
		source string // "retros/outage.md" when empty
		text   string
		want   map[string]string // field → value as fieldValue gives it
		// inferred lists "field line from key" of the Inferred entries
		// the body gave (others, such as the title, are not listed).
		inferred []string
		findings []string // "line rule: message part"
	}{
		{
			name: "bold key lines under the title",
			text: `# Checkout failures

**Severity:** Critical
**Status:** Resolved
**Date:** 2025-03-04
**Duration:** 21:45 to 23:28 UTC (103 minutes)
**Impact:** Card payments failed for 12% of checkouts.
**Owner:** Priya Nair

## Summary

A bad certificate rotation.
`,
			want: map[string]string{"severity": "Critical", "status": "Resolved", "date": "2025-03-04", "owner": "Priya Nair",
				"impact": "Card payments failed for 12% of checkouts.", "started": "2025-03-04T21:45:00Z", "resolved": "2025-03-04T23:28:00Z",
				"durations.resolve": "1h43m0s"},
			inferred: []string{"severity 3 bold key line Severity", "status 4 bold key line Status", "date 5 bold key line Date",
				"impact 7 bold key line Impact", "owner 8 bold key line Owner", "started 6 bold key line Duration",
				"resolved 6 bold key line Duration", "durations 6 bold key line Duration"},
		},
		{
			name: "plain key lines and list items",
			text: `# DNS outage
Status: Mitigated
Author: Sam Lee
- **Severity**: SEV-2 (major)
* Services: dns, edge-proxy
Note: this is not a field.
Incident: resolver fleet exhausted (a title, not an id)
`,
			want:     map[string]string{"status": "Mitigated", "owner": "Sam Lee", "severity": "SEV-2", "services": "dns, edge-proxy", "id": "outage"},
			inferred: []string{"status 2 key line Status", "owner 3 key line Author", "severity 4 bold key line Severity", "services 5 key line Services"},
		},
		{
			name:     "a Severity section's first word",
			text:     "# Queue backlog\n\n## Severity\n\nHigh. Emails were late by hours.\n\n## Summary\n\nText.\n",
			want:     map[string]string{"severity": "High"},
			inferred: []string{"severity 5 section Severity"},
		},
		{
			name:     "a Severity section's bold text",
			text:     "# Queue backlog\n\n## Incident severity\n\nWe rated it **P1**, customer facing.\n",
			want:     map[string]string{"severity": "P1"},
			inferred: []string{"severity 5 section Incident severity"},
		},
		{
			name:     "a heading that is a key line saying TBD",
			text:     "# Cache stampede\n\nDate: 2024-01-02\n\n## Owner: TBD\n\nText.\n",
			want:     map[string]string{"owner": ""},
			inferred: []string{"date 3 key line Date"},
			findings: []string{},
		},
		{
			name:     "a heading that is a key line",
			text:     "# Cache stampede\n\n## Severity: SEV3\n\nText.\n",
			want:     map[string]string{"severity": "SEV3"},
			inferred: []string{"severity 3 heading Severity"},
		},
		{
			name: "key lines in a Stats section",
			text: `# Packet loss in eu-west

## Summary

Packets were dropped.

## Stats

Category: Network
Time to detection: 15 minutes
Time to resolution: 1 hour 5 minutes
Customers affected: 4,000
`,
			want:     map[string]string{"tags": "Network", "durations.detect": "15m0s", "durations.resolve": "1h5m0s"},
			inferred: []string{"tags 9 key line Category", "durations 10 key line Time to detection", "durations 11 key line Time to resolution"},
		},
		{
			name: "a metadata table",
			text: `# Login failures

| Field | Value |
|---|---|
| **Severity** | SEV1 |
| Owner | Ana Costa |
| Detected | 2024-06-01 10:04 UTC |
`,
			want:     map[string]string{"severity": "SEV1", "owner": "Ana Costa", "detected": "2024-06-01T10:04:00Z"},
			inferred: []string{"severity 5 table row Severity", "owner 6 table row Owner", "detected 7 table row Detected"},
		},
		{
			name:     "times of day take the incident date",
			text:     "# Disk full\n\n**Date:** March 4, 2025\n**Detected:** 09:12 UTC\n**Resolved:** 10:40 UTC\n",
			want:     map[string]string{"date": "2025-03-04", "detected": "2025-03-04T09:12:00Z", "resolved": "2025-03-04T10:40:00Z"},
			inferred: []string{"date 3 bold key line Date", "detected 4 bold key line Detected", "resolved 5 bold key line Resolved"},
		},
		{
			name: "code and comments are not read",
			text: "# Deploy stuck\n\n```\nSeverity: SEV1\n```\n<!--\nStatus: draft\n-->\n",
			want: map[string]string{"severity": "", "status": ""},
		},
		{
			name: "the front matter wins, and a conflict is a warning naming both lines",
			text: `---
title: Replica lag
severity: SEV2
status: published
---
# Replica lag

**Severity:** Critical
**Status:** published
**Owner:** Li Wei
`,
			want:     map[string]string{"severity": "SEV2", "status": "published", "owner": "Li Wei"},
			inferred: []string{"owner 10 bold key line Owner"},
			findings: []string{`8 metadata-conflict: the body says severity "Critical" (line 8) but the front matter says "SEV2" (line 3); the front matter wins`},
		},
		{
			// Backslash escapes and heading attributes, as a Google Docs
			// export writes them.
			name:     "a Google Docs export",
			text:     "# **Postmortem: Search index corruption** {#postmortem:-search-index-corruption}\n\n**Severity:** SEV\\-2  \n**Date:** 2023-10-09  \n",
			want:     map[string]string{"title": "Postmortem: Search index corruption", "severity": "SEV-2", "date": "2023-10-09"},
			inferred: []string{"severity 3 bold key line Severity", "date 4 bold key line Date"},
		},
		{
			name:     "a key line bold as a whole",
			text:     "# Login failures\n\n**Severity: High**\n- **Owner: Ana Ruiz**\n**Status: resolved, monitoring**\n**Thanks to: everyone on call**\n",
			want:     map[string]string{"severity": "High", "owner": "Ana Ruiz", "status": "resolved"},
			inferred: []string{"severity 3 bold key line Severity", "owner 4 bold key line Owner", "status 5 bold key line Status"},
		},
		{
			// A callout box at the top of a report; a quoted message's
			// plain key line is no field.
			name:     "bold key lines in a quotation",
			text:     "# Login failures\n\n> **Severity:** SEV2\n> **Owner:** Ana Ruiz\n> Status: investigating\n",
			want:     map[string]string{"severity": "SEV2", "owner": "Ana Ruiz", "status": ""},
			inferred: []string{"severity 3 bold key line Severity", "owner 4 bold key line Owner"},
		},
		{
			name: "the body agrees when it says what the front matter says",
			text: "---\nowner: the messaging team\nseverity: SEV2\nstatus: Resolved\n---\n# Queue backlog\n\nOwner: the messaging team.\nSeverity: SEV-2 (major)\nStatus: Resolved (monitoring)\n",
			want: map[string]string{"severity": "SEV2", "status": "Resolved", "owner": "the messaging team"},
		},
		{
			name:     "the repository's aliases reach the body",
			config:   "aliases:\n  severity: [priority]\n",
			text:     "# Webhook retries\n\n**Priority:** P2\n",
			want:     map[string]string{"severity": "P2"},
			inferred: []string{"severity 3 bold key line Priority"},
		},
		{
			name:     "a numeric date in the order date_order gives",
			config:   "date_order: dmy\n",
			text:     "# Outage\n\n**Date:** 04/05/2023, a Thursday\n",
			want:     map[string]string{"date": "2023-05-04"},
			inferred: []string{"date 3 bold key line Date"},
		},
		{
			name:     "a numeric date that reads both ways is not guessed",
			text:     "# Outage\n\n**Date:** 04/05/2023\n",
			want:     map[string]string{"date": ""},
			findings: []string{`3 date: date "04/05/2023" in the body reads both ways, day or month first`},
		},
		{
			// No H1: the file name is the title and the first heading is
			// an H2; the key lines under it are the file's metadata.
			name: "key lines under a first H2 when there is no H1",
			text: `## Overview

Severity: High
Status: Resolved
**Owner:** Lena Okafor
Date: 2024-03-07

The nightly export stalled and reports were a day late.

## Timeline

- 09:00 export started
`,
			want:     map[string]string{"severity": "High", "status": "Resolved", "owner": "Lena Okafor", "date": "2024-03-07"},
			inferred: []string{"severity 3 key line Severity", "status 4 key line Status", "owner 5 bold key line Owner", "date 6 key line Date"},
		},
		{
			// Key-like lines deep in the first section are prose, not
			// metadata.
			name: "key-like lines far down a first H2 are not read",
			text: "## What happened\n\n" + strings.Repeat("The export ran slowly while the queue grew.\n\n", 12) + "Status: the team paged the vendor.\n",
			want: map[string]string{"status": ""},
		},
		{
			name: "sections named after fields, as the SRE book's template writes them",
			text: "# Shopping cart double charges\n\n### Date\n\nTuesday, 14 March 2023\n\n### Authors\n\n- Kai Moreau\n- Ines Alvarez\n\n" +
				"### Status\n\nComplete, action items in progress\n\n### Summary\n\nSome customers were charged twice.\n",
			want:     map[string]string{"date": "2023-03-14", "owner": "Kai Moreau, Ines Alvarez", "status": "Complete"},
			inferred: []string{"date 5 section Date", "owner 9 section Authors", "status 14 section Status"},
		},
		{
			name:     "an Owner section of one line",
			text:     "# Queue backlog\n\n## Owner\n\nThe messaging team.\n\nWe own the broker too.\n",
			want:     map[string]string{"owner": "The messaging team"},
			inferred: []string{"owner 5 section Owner"},
		},
		{
			name:     "a date that reads both ways in the order the file name's date shows",
			source:   "retros/2021-11-03 Login outage.md",
			text:     "# Login outage\n\nDate: 03/11/2021\nStart: 03.11.2021 09:15 CET\nEnd: 03.11.2021 10:02 CET\n",
			want:     map[string]string{"date": "2021-11-03", "started": "2021-11-03T08:15:00Z", "resolved": "2021-11-03T09:02:00Z"},
			inferred: []string{"date 3 key line Date", "started 4 key line Start", "resolved 5 key line End"},
			findings: []string{
				`3 date: date "03/11/2021" in the body reads both ways: read day first, as 2021-11-03, as the file name's date 2021-11-03 shows`,
				`4 date: started "03.11.2021 09:15 CET" in the body reads both ways: read day first, as 2021-11-03, as the file name's date 2021-11-03 shows`,
			},
		},
		{
			name:     "the file name's date outweighs date_order",
			config:   "date_order: mdy\n",
			source:   "retros/2021-11-03-login-outage.md",
			text:     "# Login outage\n\n**Date:** 03/11/2021\n",
			want:     map[string]string{"date": "2021-11-03"},
			inferred: []string{"date 3 bold key line Date"},
			findings: []string{`3 date: date "03/11/2021" in the body reads both ways: read day first, as 2021-11-03, as the file name's date 2021-11-03 shows`},
		},
		{
			name:     "a start that reads both ways is reported and left out",
			text:     "# Login outage\n\n**Date:** 2021-11-03\n**Started:** 03.11.2021 09:15 CET\n",
			want:     map[string]string{"date": "2021-11-03", "started": ""},
			inferred: []string{"date 3 bold key line Date"},
			findings: []string{`4 date: started "03.11.2021 09:15 CET" in the body reads both ways, day or month first`},
		},
		{
			name:     "a start that is no time is reported",
			text:     "# Login outage\n\n**Date:** 2021-11-03\n**Detected:** around lunchtime\n",
			want:     map[string]string{"date": "2021-11-03", "detected": ""},
			inferred: []string{"date 3 bold key line Date"},
			findings: []string{`4 date: detected "around lunchtime" in the body is not a time inquest can read`},
		},
		{
			name:     "a time of day with no day to put it on is reported",
			text:     "# Login outage\n\n**Mitigated:** 09:40 UTC\n",
			want:     map[string]string{"mitigated": ""},
			findings: []string{`3 date: mitigated "09:40 UTC" in the body is a time of day, and the incident has no day to put it on`},
		},
		{
			name:     "an unreadable date is reported, not guessed",
			text:     "# Outage\n\n**Date:** the week after launch\n",
			want:     map[string]string{"date": ""},
			findings: []string{`3 date: date "the week after launch" in the body is not a date inquest can read`},
		},
		{
			// An incident log: each incident's key lines under its own
			// heading, none under the title. The file is one postmortem,
			// with the first incident's values; the second's other
			// severity is said, not lost.
			name: "key lines at the top of each incident of an incident log",
			text: `# Incident log

## 2021-03-02: Checkout latency

**Severity:** SEV2
**Owner:** Dana Ruiz

### Timeline

- 14:02 UTC cache node replaced
- 14:42 UTC warmed cache restored

## 2021-04-19: Search index stale

**Severity:** SEV3
**Owner:** Dana Ruiz

### Timeline

- 09:00 UTC consumer stopped
`,
			want:     map[string]string{"severity": "SEV2", "owner": "Dana Ruiz"},
			inferred: []string{"severity 5 bold key line Severity", "owner 6 bold key line Owner"},
			findings: []string{`15 metadata-conflict: this file reports several incidents and is one postmortem, whose severity is "SEV2" (line 5), not "SEV3"`},
		},
		{
			// Two keys and values a row, in a summary section and in a
			// timing section, as some templates lay them out; a key
			// with its abbreviation in brackets.
			name: "tables of two pairs a row",
			text: `# DNS resolvers exhausted

### Summary
| Incident Summary | Resolvers stopped answering | | |
|---|---|---|---|
| Incident Number | INC-4411 | Incident Severity | SEV1 |
| Postmortem Lead | Marta Lind | Recording | none |
| Status | Resolved | Date | 2023-09-18 |

### Incident Timing
| Start Time | 2023-09-18 07:40 UTC | Detected By | Alerting |
|---|---|---|---|
| Resolution Time | 2023-09-18 09:30 UTC | Time to Resolve (TTR) | 110 minutes |
`,
			want: map[string]string{"summary": "Resolvers stopped answering", "id": "INC-4411", "severity": "SEV1", "owner": "Marta Lind",
				"status": "Resolved", "date": "2023-09-18",
				"started": "2023-09-18T07:40:00Z", "resolved": "2023-09-18T09:30:00Z", "durations.resolve": "1h50m0s"},
			inferred: []string{"summary 4 table row Incident Summary", "id 6 table row Incident Number", "severity 6 table row Incident Severity",
				"owner 7 table row Postmortem Lead", "status 8 table row Status", "date 8 table row Date", "started 11 table row Start Time",
				"resolved 13 table row Resolution Time", "durations 13 table row Time to Resolve (TTR)"},
		},
		{
			// A table of data is not metadata: its header names fields,
			// and its rows have no keys.
			name:     "a table of four columns of data",
			text:     "# Errors by region\n\n## Details\n\n| Date | Service | Errors | Impact |\n|---|---|---|---|\n| 2023-09-18 | auth | 40% | logins failed |\n",
			want:     map[string]string{"date": "", "services": "", "impact": ""},
			findings: []string{},
		},
		{
			// A review template's shape: key lines in a numbered list
			// under Summary, and tables of questions and answers under
			// Impact and Detection, whose headers and prose are not read.
			name: "a summary's list and tables of questions",
			text: `# Registry latency

## Summary

Pulls slowed to 30 seconds.

1. Service(s) affected: container registry
1. Time to detection: 12 minutes

## Impact & Metrics

Detected: only later, by a customer.

| Question | Answer |
| -------- | ------ |
| What was the impact | Image pulls timed out |

## Detection & Response

| Question | Answer |
| -------- | ------ |
| When was the incident detected? | 2020-05-12 14:12 UTC |
`,
			want: map[string]string{"services": "container registry", "durations.detect": "12m0s", "impact": "Image pulls timed out",
				"detected": "2020-05-12T14:12:00Z"},
			inferred: []string{"services 7 key line Service(s) affected", "durations 8 key line Time to detection", "impact 16 table row What was the impact",
				"detected 22 table row When was the incident detected?", "started 22 detected time less the time to detect "},
		},
		{
			// In an Impact section a table's header is not a row: "|
			// Service | Impact |" names no service.
			name:     "an impact table's header",
			text:     "# Registry latency\n\nDate: 2020-05-12\n\n## Impact\n\n| Service | Impact |\n|---|---|\n| registry | slow pulls |\n",
			want:     map[string]string{"services": "", "impact": ""},
			inferred: []string{"date 3 key line Date"},
			findings: []string{},
		},
		{
			// A blog post's excerpt under the front matter, and no
			// Summary section: the summary, and says where it came from.
			name:     "a lead paragraph is the summary",
			text:     "---\ntitle: Login outage\n---\n\nLogins failed for *18 minutes*.<!--more-->\n\nThe rest of the story.\n\n## Timeline\n\n- 2021-05-03 10:02 UTC key rotated\n",
			want:     map[string]string{"summary": "Logins failed for 18 minutes."},
			inferred: []string{"summary 5 first paragraph "},
		},
		{
			// Key lines, a list or a table under the title are no
			// summary; a Summary section is, when there is one.
			name:     "a lead that is no paragraph, and a Summary section",
			text:     "# Login outage\n\n**Severity:** SEV2\n\n- keys rotated\n- logins failed\n\nProse after the list.\n\n## Summary\n\nKeys rotated early.\n",
			want:     map[string]string{"summary": "Keys rotated early."},
			inferred: []string{"severity 3 bold key line Severity"},
		},
		{
			name:     "a lead list is no summary",
			text:     "# Login outage\n\n- keys rotated\n- logins failed\n\n## Timeline\n\n- 2021-05-03 10:02 UTC key rotated\n",
			want:     map[string]string{"summary": ""},
			findings: []string{},
		},
		{
			// The cloud book's template: the start, the end and the
			// duration each in a section named after it, no times in the
			// timeline.
			name: "start, end and duration sections",
			text: "# Object store errors\n\n### Start Date/Time\n\n2022-06-14 09:12 UTC\n\n### End Date/Time\n\n**2022-06-14 11:40 UTC**\n\n" +
				"### Duration\n\n2 hours 28 minutes\n\n## Timeline\n\nThe shard filled its disk, and writes failed until it was cleaned.\n",
			want:     map[string]string{"started": "2022-06-14T09:12:00Z", "resolved": "2022-06-14T11:40:00Z", "durations.resolve": "2h28m0s"},
			inferred: []string{"started 5 section Start Date/Time", "resolved 9 section End Date/Time", "durations 13 section Duration", "date 5 section Start Date/Time"},
		},
		{
			// A start and how long it took: the end is the start plus
			// the time to resolve, and says so.
			name:     "an end from the start and the duration",
			text:     "# Object store errors\n\n**Start:** 2022-06-14 09:12 UTC\n**Duration:** 2 hours 28 minutes\n",
			want:     map[string]string{"started": "2022-06-14T09:12:00Z", "resolved": "2022-06-14T11:40:00Z", "durations.resolve": "2h28m0s"},
			inferred: []string{"started 3 bold key line Start", "durations 4 bold key line Duration", "date 3 bold key line Start", "resolved 4 start plus the time to resolve "},
		},
		{
			// An issue form's answers, pasted as they show: a section
			// each, "_No response_" where none was given.
			name: "an issue form's answers",
			text: "# Webhook deliveries delayed\n\n### Severity\n\nSEV3\n\n### Services affected\n\nwebhooks, queue-worker\n\n" +
				"### Detection time\n\n_No response_\n\n### Owner\n\nN/A\n\n### Reviewers\n\n- Lena Fischer\n- Ravi Patel\n",
			want:     map[string]string{"severity": "SEV3", "services": "webhooks, queue-worker", "detected": "", "owner": ""},
			inferred: []string{"severity 5 section Severity", "services 9 section Services affected", "reviewers 21 section Reviewers"},
			findings: []string{},
		},
		{
			// A Services section of prose names no services; a key line
			// saying TBD gives no owner.
			name:     "a services section of prose and a TBD owner",
			text:     "# Checkout errors\n\n**Owner:** TBD\n\n## Services\n\nCheckout calls payments, which calls the card network.\n",
			want:     map[string]string{"services": "", "owner": ""},
			findings: []string{},
		},
		{
			// A Duration section of prose says nothing inquest reads as a
			// duration, and nothing is made of it.
			name:     "a duration section of prose",
			text:     "# Object store errors\n\nDate: 2022-06-14\n\n## Duration\n\nMost of the morning, while the shard was cleaned.\n",
			want:     map[string]string{"durations.resolve": ""},
			inferred: []string{"date 3 key line Date"},
			findings: []string{},
		},
		{
			// Key lines inside an incident's sections are prose, and a
			// file with one Timeline has no incidents' headings to read.
			name:     "key lines below a heading of a single report are not read",
			text:     "# Checkout latency\n\nDate: 2021-03-02\n\n## What happened\n\n**Severity:** SEV2 is what the pager said.\n\n## Timeline\n\n- 14:02 UTC cache node replaced\n",
			want:     map[string]string{"severity": ""},
			inferred: []string{"date 3 key line Date"},
			findings: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Parse([]byte(tt.config), config.FileName)
			if err != nil {
				t.Fatal(err)
			}
			source := tt.source
			if source == "" {
				source = "retros/outage.md"
			}
			inc := postmortem.NewParser(cfg).Parse(source, []byte(tt.text))
			for field, want := range tt.want {
				if got := fieldValue(inc, field); got != want {
					t.Errorf("%s = %q, want %q", field, got, want)
				}
			}
			var got []string
			for _, x := range inc.Inferred {
				if x.From != "first heading" && x.From != "file name" && x.From != "summary section" && x.From != "timeline" {
					got = append(got, fmt.Sprintf("%s %d %s %s", x.Field, x.Line, x.From, x.Key))
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.inferred, "\n") {
				t.Errorf("inferred:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.inferred, "\n"))
			}
			checkFindings(t, inc, tt.findings)
			// The author's text is the body as written: key lines render.
			if !strings.HasSuffix(tt.text, string(inc.Body)) {
				t.Errorf("body changed:\n%s", inc.Body)
			}
		})
	}
}

// checkFindings fails the test unless each of want is part of one of the
// incident's findings, written "line rule: message", or, with want empty,
// the incident has no findings.
func checkFindings(t *testing.T, inc *postmortem.Incident, want []string) {
	t.Helper()
	var fs []string
	for _, f := range inc.Findings {
		fs = append(fs, fmt.Sprintf("%d %s: %s", f.Line, f.Rule, f.Message))
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(fs, "\n"), w) {
			t.Errorf("findings %q lack %q", fs, w)
		}
	}
	if len(want) == 0 && len(fs) > 0 {
		t.Errorf("unexpected findings %q", fs)
	}
}

// fieldValue is a field of an incident as text.
func fieldValue(inc *postmortem.Incident, field string) string {
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	dur := func(d time.Duration) string {
		if d == 0 {
			return ""
		}
		return d.String()
	}
	switch field {
	case "id":
		return inc.ID
	case "severity":
		return inc.Severity
	case "status":
		return inc.Status
	case "owner":
		return inc.Owner
	case "title":
		return inc.Title
	case "summary":
		return inc.Summary
	case "date":
		if inc.Date.IsZero() {
			return ""
		}
		return inc.Date.Format("2006-01-02")
	case "impact":
		if inc.Impact == nil {
			return ""
		}
		return fmt.Sprint(inc.Impact["description"])
	case "tags":
		return strings.Join(inc.Tags, ", ")
	case "services":
		return strings.Join(inc.Services, ", ")
	case "started":
		return at(inc.Started)
	case "detected":
		return at(inc.Detected)
	case "mitigated":
		return at(inc.Mitigated)
	case "resolved":
		return at(inc.Resolved)
	case "durations.detect":
		return dur(inc.Durations.Detect)
	case "durations.resolve":
		return dur(inc.Durations.Resolve)
	}
	panic("fieldValue: " + field)
}

func TestTitleFromFileName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ file, want string }{
		{"reviews/2024-03-07-nightly-export-stall.md", "Nightly export stall"},
		{"2021-05/api_gateway_errors.md", "Api gateway errors"},
		{"retros/20240307_ledger-lag.md", "Ledger lag"},
		{"retros/07-03-2024 badge printer.md", "Badge printer"},
		{"postmortems/INC-2024-001-dns-outage.md", "Dns outage"},
		{"postmortems/INC-2024-001.md", "INC-2024-001"},
		{"postmortems/2024-03-07.md", "2024-03-07"},
		{"postmortems/outage.md", "Outage"},
		{"postmortems/élan-vital.md", "Élan vital"},
	} {
		inc := postmortem.NewParser(config.Default()).Parse(tc.file, []byte("Nothing but prose.\n"))
		if inc.Title != tc.want {
			t.Errorf("%s: title %q, want %q", tc.file, inc.Title, tc.want)
		}
	}
}
