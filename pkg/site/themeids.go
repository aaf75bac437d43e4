package site

import (
	"io/fs"
	"regexp"
	"strings"

	"github.com/inquest-dev/inquest/theme"
)

// literalID matches an id attribute written out in a template, not made
// by an action ({{...}}).
var literalID = regexp.MustCompile(`\bid="([^"{}]+)"`)

// themeIDs are the ids the templates of the theme in tfs give elements
// of their own, written out (id="main", id="tl-h"): a heading of a
// postmortem does not take one (markdown.Options.Reserved), so that no
// page has an id twice.
func themeIDs(tfs fs.FS) map[string]bool {
	ids := map[string]bool{}
	for _, pattern := range []string{"templates/*.html", "templates/partials/*.html"} {
		names, _ := fs.Glob(tfs, pattern)
		for _, name := range names {
			data, err := fs.ReadFile(tfs, name)
			if err != nil {
				continue
			}
			for _, m := range literalID.FindAllSubmatch(data, -1) {
				ids[string(m[1])] = true
			}
		}
	}
	return ids
}

// headingReserved reports whether a heading must not take the id: one
// the theme gives an element (b.themeIDs), or one of the form of a
// revision's anchor on the incident page ("rev-" and at least eight hex
// digits, revisionSlug), which the templates make with an action.
func (b *Assembly) headingReserved(id string) bool {
	if b.themeIDs[id] {
		return true
	}
	hex, ok := strings.CutPrefix(id, "rev-")
	return ok && len(hex) >= 8 && strings.Trim(hex, "0123456789abcdef") == ""
}

// readTheme reads the repository's theme files once, for write, and the
// ids of the theme the site is written with, for headingReserved.
func (b *Assembly) readTheme() {
	b.themeTop, b.themeFindings = b.themeFiles()
	b.themeIDs = themeIDs(theme.Overlay(b.themeTop))
}
