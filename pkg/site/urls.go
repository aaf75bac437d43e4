package site

import (
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// The URL scheme of the site. Every path is relative to the base path and
// ends in "/" for a page folder (written as index.html) or names a file.
const (
	pathIncidents = "incidents/"
	pathTags      = "tags/"
	pathServices  = "services/"
	pathSeverity  = "severity/"
	pathStatus    = "status/"
	pathYears     = "years/"
	pathTimeline  = "timeline/"
	pathActions   = "actions/"
	pathLessons   = "lessons/"
	pathDigest    = "digest/"
	pathMetrics   = "metrics/"
	pathSearch    = "search/"
)

func incidentPath(id string) string { return pathIncidents + id + "/" }

// termPath is the page of one tag, service, severity, status or year; the
// term is slugged so that no content can name a path outside its folder.
func termPath(kind, term string) string {
	s := postmortem.Slug(term)
	if s == "" {
		s = "x-" + postmortem.Slug(url.PathEscape(term))
		if s == "x-" {
			s = "unnamed"
		}
	}
	return kind + s + "/"
}

// pagePath is page n (1-based) of a paginated list at dir.
func pagePath(dir string, n int) string {
	if n <= 1 {
		return dir
	}
	return dir + "page/" + itoa(n) + "/"
}

// basePath returns the path part of a base URL, always starting and ending
// with "/".
func basePath(baseURL string) string {
	p := "/"
	if u, err := url.Parse(baseURL); err == nil && u.Path != "" {
		p = u.Path
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return path.Clean(p) + map[bool]string{true: "", false: "/"}[path.Clean(p) == "/"]
}

// fileFor is the output file of a page path.
func fileFor(p string) string {
	if p == "" || strings.HasSuffix(p, "/") {
		return p + "index.html"
	}
	return p
}

func itoa(n int) string { return strconv.Itoa(n) }
