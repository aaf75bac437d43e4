package scaffold_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/repo"
	"github.com/inquest-dev/inquest/pkg/scaffold"
)

// adopt loads the repository in dir with its history and works out its
// adoption.
func adopt(t *testing.T, dir string, opts scaffold.AdoptOptions) *scaffold.Adoption {
	t.Helper()
	rp, err := repo.Load(context.Background(), dir, repo.Options{History: true, CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	a, err := scaffold.Adopt(context.Background(), rp, opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// change returns the change of path, or fails.
func change(t *testing.T, a *scaffold.Adoption, path string) scaffold.Change {
	t.Helper()
	for _, c := range a.Changes {
		if c.Path == path {
			return c
		}
	}
	t.Fatalf("no change to %s in %+v", path, a.Changes)
	return scaffold.Change{}
}

// TestAdoptKeepsTheFileAsWritten: the front matter goes after a
// byte-order mark and in the file's own line endings, and the rest of the
// file follows byte for byte.
func TestAdoptKeepsTheFileAsWritten(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, text, want string }{
		{"lf", "# Disk full\n\n**Severity:** Minor\n", "---\nid: 2024-03-01-disk\ntitle: Disk full\ndate: 2024-03-01\nseverity: Minor\n---\n"},
		{"crlf", "# Disk full\r\n\r\n**Severity:** Minor\r\n", "---\r\nid: 2024-03-01-disk\r\ntitle: Disk full\r\ndate: 2024-03-01\r\nseverity: Minor\r\n---\r\n"},
		{"bom", "\xef\xbb\xbf# Disk full\n\n**Severity:** Minor", "\xef\xbb\xbf---\nid: 2024-03-01-disk\ntitle: Disk full\ndate: 2024-03-01\nseverity: Minor\n---\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := repotest.Write(t, "-- incidents/2024-03-01-disk.md --\nplaceholder\n")
			file := filepath.Join(dir, "incidents", "2024-03-01-disk.md")
			if err := errors.Join(os.WriteFile(file, []byte(tc.text), 0o600), os.Chmod(file, 0o600)); err != nil {
				t.Fatal(err)
			}
			a := adopt(t, dir, scaffold.AdoptOptions{})
			c := change(t, a, "incidents/2024-03-01-disk.md")
			if want := tc.want + strings.TrimPrefix(tc.text, "\xef\xbb\xbf"); string(c.New) != want {
				t.Fatalf("adopted:\n%q\nwant:\n%q", c.New, want)
			}
			if err := a.Write(dir); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, %v; want the file's own 0600", fi.Mode(), err)
			}
		})
	}
}

// TestAdoptConfig: inquest.yaml gets the lines that pin what inquest
// found, after what the user wrote, comments and all; a file those lines
// would break is left alone with the lines to add by hand.
func TestAdoptConfig(t *testing.T) {
	t.Parallel()
	const reports = `
-- retros/2024-01-02-login.md --
# Login failures

**Severity:** Critical
**Status:** Resolved
-- retros/2024-02-03-search.md --
# Search stale

**Severity:** Minor
`
	tests := []struct {
		name, config string // "" for no inquest.yaml
		want         string // the whole file after adopt; "" for no change
		note         string
	}{
		{
			name: "created",
			want: "# inquest.yaml: every key is optional (see the README). Written by inquest adopt\n# from what inquest found with no configuration.\n" +
				"content: [\"retros/**/*.md\"]\nseverities: [Critical, Minor]\n" +
				"# The postmortems' own status words (Resolved) are accepted beside\n# inquest's workflow while statuses is not set. Setting it makes them steps of\n# the workflow, checked as postmortems in review:\n# statuses: [draft, in-review, Resolved, published]\n",
		},
		{
			name:   "comments kept, last line without a newline",
			config: "# Our postmortems\ntitle: Ops retros  # shown on every page\nseverities: [Critical, Minor]",
			want: "# Our postmortems\ntitle: Ops retros  # shown on every page\nseverities: [Critical, Minor]\n\n# Added by inquest adopt: what inquest found with no configuration.\n" +
				"content: [\"retros/**/*.md\"]\n" +
				"# The postmortems' own status words (Resolved) are accepted beside\n# inquest's workflow while statuses is not set. Setting it makes them steps of\n# the workflow, checked as postmortems in review:\n# statuses: [draft, in-review, Resolved, published]\n",
		},
		{
			name:   "crlf",
			config: "title: Ops retros\r\nstatuses: [draft, published, Resolved]\r\n",
			want:   "title: Ops retros\r\nstatuses: [draft, published, Resolved]\r\n\r\n# Added by inquest adopt: what inquest found with no configuration.\r\ncontent: [\"retros/**/*.md\"]\r\nseverities: [Critical, Minor]\r\n",
		},
		{
			name:   "everything pinned",
			config: "content: [\"retros/**/*.md\"]\nseverities: [Critical, Minor]\nstatuses: [draft, Resolved, published]\n",
		},
		{
			name:   "a flow mapping the lines would break",
			config: "{title: Ops retros}\n",
			note:   "inquest.yaml: left alone: the lines adopt would add do not take effect in it; add them by hand:\ncontent: [\"retros/**/*.md\"]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := repotest.Write(t, reports)
			name := filepath.Join(dir, "inquest.yaml")
			if tt.config != "" {
				if err := os.WriteFile(name, []byte(tt.config), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			a := adopt(t, dir, scaffold.AdoptOptions{})
			var got *scaffold.Change
			for i := range a.Changes {
				if a.Changes[i].Path == "inquest.yaml" {
					got = &a.Changes[i]
				}
			}
			switch {
			case tt.want == "" && got != nil:
				t.Fatalf("inquest.yaml changed:\n%s", got.New)
			case tt.want != "" && got == nil:
				t.Fatalf("inquest.yaml not changed; notes %v", a.Notes)
			case got != nil && string(got.New) != tt.want:
				t.Fatalf("inquest.yaml:\n%q\nwant:\n%q", got.New, tt.want)
			case got != nil && got.Created != (tt.config == ""):
				t.Errorf("created = %v", got.Created)
			}
			var notes []string
			for _, n := range a.Notes {
				notes = append(notes, n.Path+": "+n.Message)
			}
			if tt.note != "" && !strings.Contains(strings.Join(notes, "\n"), tt.note) {
				t.Errorf("notes %q lack %q", notes, tt.note)
			}
			if err := a.Write(dir); err != nil {
				t.Fatal(err)
			}
			// Running it again changes nothing.
			if again := adopt(t, dir, scaffold.AdoptOptions{}); len(again.Changes) > 0 {
				var diff bytes.Buffer
				_ = again.Diff(&diff)
				t.Errorf("adopting again:\n%s", diff.String())
			}
		})
	}
}

// TestAdoptDiffApplies: the dry run's diff is one git apply takes, and
// applied it gives what adopt writes.
func TestAdoptDiffApplies(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, `
-- inquest.yaml --
# no newline at the end
title: Ops
-- postmortems/2024-01-02-login.md --
# Login failures

**Severity:** Critical
-- postmortems/2024-02-03-search.md --
---
title: Search stale
severity: Minor
---
Stale for a day.
`)
	if err := os.WriteFile(filepath.Join(dir, "inquest.yaml"), []byte("# no newline at the end\ntitle: Ops"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := adopt(t, dir, scaffold.AdoptOptions{Fill: true})
	var diff bytes.Buffer
	if err := a.Diff(&diff); err != nil {
		t.Fatal(err)
	}
	if len(a.Changes) != 3 {
		t.Fatalf("%d changes, want the login and search postmortems and inquest.yaml:\n%s", len(a.Changes), diff.String())
	}
	patch := filepath.Join(t.TempDir(), "adopt.diff")
	if err := os.WriteFile(patch, diff.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("git", "-C", dir, "apply", patch).CombinedOutput(); err != nil {
		t.Fatalf("git apply: %v\n%s\n%s", err, out, diff.String())
	}
	for _, c := range a.Changes {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(c.Path)))
		if err != nil || !bytes.Equal(got, c.New) {
			t.Errorf("%s after git apply:\n%s\nwant:\n%s", c.Path, got, c.New)
		}
	}
}

// TestWriteDiff: the hunk and its context for a change at the start, in
// the middle and at an end without a newline, and for a new file.
func TestWriteDiff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, old, new string
		created        bool
		want           string
	}{
		{name: "same", old: "a\n", new: "a\n", want: ""},
		{name: "at the start", old: "1\n2\n3\n4\n5\n", new: "0\n1\n2\n3\n4\n5\n",
			want: "--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n"},
		{name: "in the middle", old: "1\n2\n3\n4\n5\n6\n7\n8\n", new: "1\n2\n3\n4\nx\n5\n6\n7\n8\n",
			want: "--- a/f\n+++ b/f\n@@ -2,6 +2,7 @@\n 2\n 3\n 4\n+x\n 5\n 6\n 7\n"},
		{name: "end without a newline", old: "1\n2", new: "1\n2\n3\n",
			want: "--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n 1\n-2\n\\ No newline at end of file\n+2\n+3\n"},
		{name: "created", old: "", new: "a\nb\n", created: true,
			want: "--- /dev/null\n+++ b/f\n@@ -0,0 +1,2 @@\n+a\n+b\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := scaffold.WriteDiff(&b, "f", []byte(tt.old), []byte(tt.new), tt.created); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("diff:\n%s\nwant:\n%s", b.String(), tt.want)
			}
		})
	}
}

// TestAdoptProposesFactors: a postmortem's Contributing Factors section
// gets a commented factors line proposing what its words suggest; the
// comment changes nothing inquest reads until the reviewer keeps it.
func TestAdoptProposesFactors(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, `-- retros/2024-02-03-checkout.md --
# Slow checkout in the EU

**Severity:** Major

## Contributing factors

The 14:02 deploy doubled the queries per request, the connection pool
saturated within minutes, and it went unnoticed for 40 minutes.
-- retros/2024-03-09-dns.md --
# DNS records expired

**Severity:** Minor

## Summary

Two records expired.
`)
	a := adopt(t, dir, scaffold.AdoptOptions{})
	c := change(t, a, "retros/2024-02-03-checkout.md")
	const want = "# proposed by inquest adopt from the Contributing Factors (\"deploy\", \"connection pool\", \"went unnoticed\"): keep, edit or delete\n# factors: [change, capacity, detection gap]\n---\n"
	if !strings.Contains(string(c.New), want) {
		t.Errorf("adopted:\n%s\nwant the front matter to end with:\n%s", c.New, want)
	}
	if !slices.Contains(c.Keys, "factors (proposed, as a comment)") {
		t.Errorf("keys %q do not name the proposal", c.Keys)
	}
	if other := change(t, a, "retros/2024-03-09-dns.md"); strings.Contains(string(other.New), "factors") {
		t.Errorf("a postmortem without contributing factors got a proposal:\n%s", other.New)
	}
	if err := a.Write(dir); err != nil {
		t.Fatal(err)
	}
	rp, err := repo.Load(context.Background(), dir, repo.Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for _, inc := range rp.Set.Incidents {
		if len(inc.Factors) > 0 {
			t.Errorf("%s: factors %v after adopting; a proposal is a comment and adds none", inc.Source, inc.Factors)
		}
	}
}

// TestAdoptWritesAnIDOfItsOwn: of two reports named alike, the later one
// has an id of its own, with its date, and adopt writes it, so that it
// stays when either file moves.
func TestAdoptWritesAnIDOfItsOwn(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, `
-- retros/2021-05/dns.md --
# DNS outage

**Date:** 2021-05-04

Lookups failed for ten minutes.
-- retros/2023-02/dns.md --
# DNS outage

**Date:** 2023-02-11

A resolver ran out of memory.
`)
	a := adopt(t, dir, scaffold.AdoptOptions{})
	for path, id := range map[string]string{"retros/2021-05/dns.md": "dns", "retros/2023-02/dns.md": "2023-02-11-dns"} {
		c := change(t, a, path)
		if !bytes.HasPrefix(c.New, []byte("---\nid: "+id+"\n")) {
			t.Errorf("%s adopted as\n%s\nwant id %s first", path, c.New, id)
		}
	}
}
