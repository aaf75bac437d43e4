package site_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/site"
)

// hasFinding reports whether fs holds a finding of rule for file whose
// message contains each of words.
func hasFinding(fs []postmortem.Finding, file, rule string, words ...string) bool {
	return slices.ContainsFunc(fs, func(f postmortem.Finding) bool {
		if f.File != file || f.Rule != rule {
			return false
		}
		for _, w := range words {
			if !strings.Contains(f.Message, w) {
				return false
			}
		}
		return true
	})
}

// grepTree returns the files under dir (slash paths) whose bytes hold s.
func grepTree(t *testing.T, dir, s string) []string {
	t.Helper()
	var out []string
	for name, data := range readTree(t, dir) {
		if bytes.Contains(data, []byte(s)) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

const themeLinksRepo = `
-- postmortems/2024/2024-05-02-dns.md --
---
id: INC-2024-014
title: Resolver timeouts in eu-west
date: 2024-05-02
severity: SEV3
status: published
---
## Summary

Internal DNS timed out for 12 minutes.
-- styles/shared.css --
.brand-stripe { border-top: 3px solid #c00; }
-- images/logo.txt --
logo
-- $ ln -s ../../styles/shared.css theme/static/shared.css --
-- $ ln -s ../../images theme/static/imgs --
-- $ ln -s ../../postmortems/2024/2024-05-02-dns.md theme/static/copy.md --
-- $ commit --
Theme with links
`

// TestThemeLinks: a theme file that links to a committed file inside the
// repository is used; a link leaving the repository, a link to a
// postmortem and a link to a folder are each a symlink finding naming the
// target, and the build goes on.
func TestThemeLinks(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, themeLinksRepo)
	secret := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(secret, []byte("root:x:0:0:OUTSIDE-SECRET\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(dir, "theme", "static", "passwd.txt")); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	res := build(t, site.BuildOptions{Dir: dir, Out: out})
	for file, target := range map[string]string{
		"theme/static/passwd.txt": secret,
		"theme/static/imgs":       "images",
		"theme/static/copy.md":    "postmortems/2024/2024-05-02-dns.md",
	} {
		if !hasFinding(res.Findings, file, "symlink", target) {
			t.Errorf("%s: no symlink finding naming %s in %v", file, target, res.Findings)
		}
	}
	if got := grepTree(t, out, "OUTSIDE-SECRET"); len(got) > 0 {
		t.Errorf("the file outside the repository was copied: %v", got)
	}
	if got := grepTree(t, out, ".brand-stripe"); len(got) != 1 || !strings.HasPrefix(got[0], "assets/shared.") {
		t.Errorf("the linked, committed theme file: %v", got)
	}
}

// TestThemeFolderLink: a theme folder that is a link is not followed: the
// build uses the default theme and says why.
func TestThemeFolderLink(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, `
-- postmortems/2024/2024-05-02-dns.md --
---
id: INC-2024-014
title: Resolver timeouts
date: 2024-05-02
---
Text.
-- shared/theme/templates/incident.html --
{{define "content"}}FROM-THE-LINKED-THEME{{end}}
-- $ ln -s shared/theme theme --
-- $ commit --
Link the theme
`)
	out := filepath.Join(t.TempDir(), "public")
	res := build(t, site.BuildOptions{Dir: dir, Out: out})
	if !hasFinding(res.Findings, "theme", "symlink", "shared/theme") {
		t.Errorf("no symlink finding for the theme folder: %v", res.Findings)
	}
	if got := grepTree(t, out, "FROM-THE-LINKED-THEME"); len(got) > 0 {
		t.Errorf("the linked theme was used: %v", got)
	}
}

const untrackedRepo = `
-- postmortems/2024/2024-06-11-queue.md --
---
id: INC-2024-021
title: Order queue backlog
date: 2024-06-11
severity: SEV2
status: published
---
## Summary

The order queue backed up for 40 minutes. ![depth](queue-depth.txt) [runbook](runbook.txt)
-- postmortems/2024/runbook.txt --
Drain the consumers one at a time.
-- $ commit --
Add the queue postmortem
`

// TestUntrackedAttachment: in a Git repository, build copies only
// attachments Git tracks; an untracked one is a warning that says to add
// it. serve (a preview of the author's work) shows it, and so does a build
// outside Git.
func TestUntrackedAttachment(t *testing.T) {
	t.Parallel()
	dir := repotest.Write(t, untrackedRepo)
	if err := os.WriteFile(filepath.Join(dir, "postmortems", "2024", "queue-depth.txt"), []byte("UNCOMMITTED-CHART\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	res := build(t, site.BuildOptions{Dir: dir, Out: out})
	if !hasFinding(res.Findings, "postmortems/2024/2024-06-11-queue.md", "attachment", "queue-depth.txt", "not committed: git add it") {
		t.Errorf("no finding for the untracked attachment: %v", res.Findings)
	}
	if got := grepTree(t, out, "UNCOMMITTED-CHART"); len(got) > 0 {
		t.Errorf("build copied the untracked attachment: %v", got)
	}
	if got := grepTree(t, out, "Drain the consumers"); len(got) != 1 {
		t.Errorf("the committed attachment: %v", got)
	}

	served := filepath.Join(t.TempDir(), "site")
	if _, err := site.Build(context.Background(), site.BuildOptions{Dir: dir, CacheDir: t.TempDir(), Out: served, Serve: true, Force: true}); err != nil {
		t.Fatal(err)
	}
	if got := grepTree(t, served, "UNCOMMITTED-CHART"); len(got) != 1 {
		t.Errorf("serve's site does not show the untracked attachment: %v", got)
	}

	if err := os.RemoveAll(filepath.Join(dir, ".git")); err != nil {
		t.Fatal(err)
	}
	noGit := filepath.Join(t.TempDir(), "public")
	res = build(t, site.BuildOptions{Dir: dir, Out: noGit})
	if got := grepTree(t, noGit, "UNCOMMITTED-CHART"); len(got) != 1 {
		t.Errorf("outside Git the attachment was not copied: %v (findings %v)", got, res.Findings)
	}
}
