package postmortem

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/scaffold/builtin"
)

// lineOf is the 1-based line of the first line of data that is s once
// trimmed.
func lineOf(t *testing.T, data []byte, s string) int {
	t.Helper()
	for i, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) == s {
			return i + 1
		}
	}
	t.Fatalf("no line %q", s)
	return 0
}

func TestParseTemplateBuiltin(t *testing.T) {
	t.Parallel()
	data := builtin.Template()
	tp := ParseTemplate(BuiltinTemplateName, data)
	for _, s := range []string{
		"- 09:19 — Impact started: first checkout errors after the 09:15 deploy.",
		"2. Why …? Because …",
		"|  |  |  |  | open |  |",
	} {
		k := s
		if s[0] == '|' {
			k = string(appendKey(nil, s))
		}
		if got, want := tp.lines[k], lineOf(t, data, s); got != want {
			t.Errorf("placeholder %q at line %d, want %d", s, got, want)
		}
	}
	for k := range tp.lines {
		for _, kept := range []string{"all times in utc.", "| item | owner |", "## ", "{{", "<!--", "replace the example entries"} {
			if strings.Contains(strings.ToLower(k), kept) {
				t.Errorf("%q counts as a placeholder", k)
			}
		}
	}
	if _, ok := tp.headings["what went well"]; !ok {
		t.Errorf("headings %v lack what went well", tp.headings)
	}
}

// filled is a postmortem written from the built-in template: its examples
// replaced, except for those the cases put back.
const filled = `---
id: INC-7
title: Cache stampede
date: 2024-05-02
severity: SEV2
status: %s
owner: Bo Chen
reviewers: [Mei Chen]
---

<!--
The comments in each section are the questions to answer. Delete them when done.
-->

## Summary

The session cache expired all at once and the database took the load.

## Timeline

All times in UTC.

- 11:02 — Cache keys expired together after the deploy. (started)
- 11:06 — Database CPU alert fired. (detected)
- 11:20 — Expiry jittered and cache warmed. (resolved)
%s
## Contributing factors

### Five whys

1. Why did the database slow down? Because every key expired at once.
%s
## Lessons learned

### What went well

- The alert fired within four minutes.

### What went wrong
%s
## Action items

| Item | Owner | Priority | Due | Status | Ticket |
|---|---|---|---|---|---|
| Jitter cache expiry | Bo Chen | P1 | 2024-05-20 | open | CACHE-12 |
%s`

func filledWith(status, timeline, whys, wrong, rows string) []byte {
	s := strings.Replace(filled, "%s", status, 1)
	s = strings.Replace(s, "%s", timeline, 1)
	s = strings.Replace(s, "%s", whys, 1)
	s = strings.Replace(s, "%s", wrong, 1)
	return []byte(strings.Replace(s, "%s", rows, 1))
}

func TestTemplatePlaceholders(t *testing.T) {
	t.Parallel()
	tpl := builtin.Template()
	exTimeline := "- 09:27 — Alert fired for the checkout error rate; on-call paged. (detected)\n- 10:01 — Resolved: error rates normal for 20 minutes; incident closed.\n"
	exWhy := "2. Why …? Because …\n"
	exRow := "|  |  |  |  | open |  |\n"
	wrongFilled := "\n- Nobody owned the expiry settings.\n"
	at := func(s string) string {
		return "line " + strconv.Itoa(lineOf(t, tpl, strings.TrimSpace(s))) + " of " + BuiltinTemplateName
	}
	for _, tc := range []struct {
		name, status, timeline, whys, wrong, rows string
		level                                     string
		want                                      []string // in the messages, in line order
		events, items                             int
	}{
		{name: "filled in", status: "published", wrong: wrongFilled, events: 3, items: 1},
		{name: "examples kept", status: "published", timeline: exTimeline, whys: exWhy, wrong: wrongFilled, rows: exRow, level: LevelError,
			want:   []string{at("- 09:27 — Alert fired for the checkout error rate; on-call paged. (detected)"), at("- 10:01 — Resolved: error rates normal for 20 minutes; incident closed."), at(exWhy), at(exRow)},
			events: 3, items: 1},
		{name: "an empty subsection", status: "published", level: LevelError,
			want: []string{`section "What went wrong" is empty, as in the template (` + at("### What went wrong") + ")"}, events: 3, items: 1},
		{name: "in review", status: "in-review", whys: exWhy, wrong: wrongFilled, level: LevelWarning, want: []string{at(exWhy)}, events: 3, items: 1},
		{name: "a draft gets one note", status: "draft", timeline: exTimeline, whys: exWhy, level: LevelInfo,
			want: []string{"draft still holds 3 lines and 1 empty sections of " + BuiltinTemplateName}, events: 3, items: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inc := NewParser(config.Default()).Parse("postmortems/x.md", filledWith(tc.status, tc.timeline, tc.whys, tc.wrong, tc.rows))
			var got []Finding
			for _, f := range inc.Findings {
				if f.Rule == "template-placeholder" {
					got = append(got, f)
				}
			}
			SortFindings(got)
			if len(got) != len(tc.want) {
				t.Fatalf("findings %v, want %d", got, len(tc.want))
			}
			for i, f := range got {
				if f.Level != tc.level || !strings.Contains(f.Message, tc.want[i]) {
					t.Errorf("finding %d: %s %q, want %s with %q", i, f.Level, f.Message, tc.level, tc.want[i])
				}
			}
			// The examples are not events or action items of the incident.
			if len(inc.Timeline) != tc.events || len(inc.ActionItems) != tc.items {
				t.Errorf("%d events and %d action items, want %d and %d", len(inc.Timeline), len(inc.ActionItems), tc.events, tc.items)
			}
			if inc.Durations.Resolve != 18*60e9 {
				t.Errorf("time to resolve %v, want 18m from the real entries", inc.Durations.Resolve)
			}
		})
	}
}

// TestTemplatePlaceholdersOwnStatus: a status word the repository uses
// beside inquest's workflow (statuses not configured) is no workflow
// status: examples left in get one note, as in a file with no status.
func TestTemplatePlaceholdersOwnStatus(t *testing.T) {
	t.Parallel()
	cfg, err := config.Parse(nil, config.FileName)
	if err != nil {
		t.Fatal(err)
	}
	exWhy := "2. Why …? Because …\n"
	inc := NewParser(cfg).Parse("postmortems/x.md", filledWith("Resolved", "", exWhy, "", ""))
	var got []string
	for _, f := range inc.Findings {
		if f.Rule == "template-placeholder" {
			got = append(got, f.Level+" "+f.Message)
		}
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], LevelInfo+" draft still holds") {
		t.Errorf("findings %q, want one info note", got)
	}
}

// TestRepositoryTemplate: a repository's own template replaces the
// built-in one, and findings name its file and line.
func TestRepositoryTemplate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tpl := "# Title\n\nBy: (Names)\n\nBrief description\n\n## Timeline\n> (all times in Pacific Time)\n\n- 10:00 - Something happened\n\n## Action Items\n"
	if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(builtin.Path)), []byte(tpl), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Dir = dir
	src := "---\nstatus: published\ndate: 2024-01-02\n---\n# Printer jam\n\nBy: (Names)\n\nThe printer jammed.\n\n## Timeline\n> (all times in Pacific Time)\n\n- 09:00 - Paper loaded\n- 10:00 - Something happened\n"
	inc := NewParser(cfg).Parse("postmortems/p.md", []byte(src))
	var got []string
	for _, f := range inc.Findings {
		if f.Rule == "template-placeholder" {
			got = append(got, strconv.Itoa(f.Line)+" "+f.Message)
		}
	}
	slices.Sort(got)
	want := []string{
		`15 line is the template's placeholder text (templates/postmortem.md:10: "- 10:00 - Something happened"); write what happened instead`,
		`7 line is the template's placeholder text (templates/postmortem.md:3: "By: (Names)"); write what happened instead`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(inc.Timeline) != 1 || inc.Timeline[0].Text != "Paper loaded" {
		t.Errorf("timeline %+v, want the one real entry", inc.Timeline)
	}
}

func TestAppendKey(t *testing.T) {
	for in, want := range map[string]string{
		"|  |  |  |  | open |  |": "|||||open||",
		"| Item |Owner|":          "|item|owner|",
		"  Because  …  ":          "because …",
		"Wait...":                 "wait…",
		"ÄRGER\tÜBER":             "ärger über",
	} {
		if got := string(appendKey(nil, in)); got != want {
			t.Errorf("appendKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsBlank(t *testing.T) {
	for in, want := range map[string]bool{"": true, "\n  \n": true, "<!-- hint -->\n": true, "<!--\nmulti\n-->\n\n": true,
		"text": false, "<!-- a --> text": false, "<!-- unclosed": true, "```\ncode\n```": false} {
		if got := isBlank(in); got != want {
			t.Errorf("isBlank(%q) = %v, want %v", in, got, want)
		}
	}
}

// FuzzTemplate parses a fuzzed template and a fuzzed postmortem with it:
// neither panics, every finding is on a line of the postmortem, and the
// template's own body, taken as a published postmortem, holds nothing but
// placeholders and headings.
func FuzzTemplate(f *testing.F) {
	f.Add(string(builtin.Template()), "---\nstatus: published\n---\n## Timeline\n- 09:00 x\n")
	f.Add("# T\n\nBy: (Names)\n\n| a | b |\n|---|---|\n|  |  |\n<!-- c\n-->\n```\ncode\n```\n", "By: (Names)\n|   |  |\n")
	f.Add("All times in UTC.\n- 10:00 - x\n### Empty\n", "### Empty\n\n<!-- x -->\n")
	f.Fuzz(func(t *testing.T, tpl, body string) {
		tp := ParseTemplate("t.md", []byte(tpl))
		p := NewParser(config.Default())
		p.tmpl = tp
		inc := p.Parse("postmortems/x.md", []byte(body))
		n := strings.Count(body, "\n") + 1
		for _, f := range inc.Findings {
			if f.Rule == "template-placeholder" && (f.Line < 1 || f.Line > n+1) {
				t.Fatalf("finding %v outside a %d-line file", f, n)
			}
		}
	})
}

// FuzzSummaryText: summaries never panic and are one line of trimmed text.
func FuzzSummaryText(f *testing.F) {
	f.Add("- a [[1]](#x)\n- **b**\n")
	f.Add("<!-- c -->\n| a |\n|---|\n\n> q `c` ![i](x.png)\n[^1]\n\n[^1]: n")
	r := NewTextReader()
	f.Fuzz(func(t *testing.T, md string) {
		for _, all := range []bool{false, true} {
			s := r.summary(md, all)
			if strings.ContainsAny(s, "\n\t") || s != strings.TrimSpace(s) {
				t.Fatalf("summary(%q, %v) = %q, not one trimmed line", md, all, s)
			}
		}
		_ = r.PlainText(md)
	})
}

// TestTemplateThroughLink: a template that is a symbolic link to a hidden
// file or out of the repository is refused under the work tree's rule: the
// built-in template is used, its name says why, and not a line of the
// target is read.
func TestTemplateThroughLink(t *testing.T) {
	t.Parallel()
	outside := filepath.Join(t.TempDir(), "secret.txt")
	const secret = "token = ghp_0123456789abcdefSECRET"
	if err := os.WriteFile(outside, []byte(secret+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, target, reason string }{
		{"hidden", "../.git/config", "hidden"},
		{"outside", outside, "outside"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for _, d := range []string{".git", "templates"} {
				if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(dir, ".git", "config"), []byte(secret+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(tc.target, filepath.Join(dir, filepath.FromSlash(builtin.Path))); err != nil {
				t.Fatal(err)
			}
			tmpl := LoadTemplate(dir)
			if !strings.HasPrefix(tmpl.Name, BuiltinTemplateName+" (") || !strings.Contains(tmpl.Name, tc.reason) {
				t.Errorf("name %q, want the built-in template and why (%s)", tmpl.Name, tc.reason)
			}
			if strings.Contains(tmpl.Name, "SECRET") {
				t.Errorf("name %q shows the target's content", tmpl.Name)
			}
			for line := range tmpl.lines {
				if strings.Contains(line, "SECRET") {
					t.Errorf("template holds the target's line %q", line)
				}
			}
		})
	}
}
