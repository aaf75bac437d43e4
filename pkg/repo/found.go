package repo

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/inquest-dev/inquest/pkg/config"
)

// ErrNoPostmortems is what check, build and export fail with when the
// repository has no postmortem: a green "0 files checked" would hide that
// inquest looked in the wrong place.
var ErrNoPostmortems = errors.New("no postmortems found")

// NoneFound returns nil when the repository has postmortems, else an
// error wrapping ErrNoPostmortems that says where inquest looked and the
// line of inquest.yaml that points it at them.
func (r *Repo) NoneFound() error {
	if len(r.Set.Incidents) > 0 {
		return nil
	}
	if !r.Config.AutoContent {
		return fmt.Errorf("%w: content: [%s] in %s selects no file (after exclude); write one with inquest new \"TITLE\", or point content at the postmortems",
			ErrNoPostmortems, QuoteList(r.Config.Content), config.FileName)
	}
	return fmt.Errorf("%w: no folder named like postmortems, incidents, retrospectives, retros, disclosures, rca, coe or outages, and no Markdown file shaped like a postmortem; "+
		"say where they are with a line in %s such as content: [\"docs/outages/**/*.md\"]", ErrNoPostmortems, config.FileName)
}

// Found is the line check, build and export print when inquest found the
// postmortems itself: where, and the content: line that pins it. It is ""
// when the content is configured or nothing was found.
func (r *Repo) Found() string {
	d := r.Set.Discovery
	n := len(r.Set.Incidents)
	if d == nil || n == 0 {
		return ""
	}
	where := ""
	if len(d.Folders) > 0 {
		where = fmt.Sprintf("in %s (named like report folders)", folderList(d.Folders))
	} else {
		var dirs []string
		for p := range d.Shaped {
			dir := "./"
			if i := strings.LastIndexByte(p, '/'); i >= 0 {
				dir = p[:i+1]
			}
			if !slices.Contains(dirs, dir) {
				dirs = append(dirs, dir)
			}
		}
		slices.Sort(dirs)
		where = fmt.Sprintf("in %s by their shape (front matter, headings, key lines)", folderList(dirs))
	}
	noun := "postmortems"
	if n == 1 {
		noun = "postmortem"
	}
	return fmt.Sprintf("found %d %s %s, as no content is configured; pin this in %s with: content: [%s]",
		n, noun, where, config.FileName, QuoteList(d.Content))
}

// folderList names up to four folders, with a slash each, and how many
// more there are.
func folderList(dirs []string) string {
	var out []string
	for i, d := range dirs {
		if i == 4 {
			out = append(out, fmt.Sprintf("%d more", len(dirs)-4))
			break
		}
		out = append(out, strings.TrimSuffix(d, "/")+"/")
	}
	return strings.Join(out, ", ")
}

// QuoteList writes globs as the items of a YAML flow list.
func QuoteList(globs []string) string {
	q := make([]string, len(globs))
	for i, g := range globs {
		q[i] = fmt.Sprintf("%q", g)
	}
	return strings.Join(q, ", ")
}
