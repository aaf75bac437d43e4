package site

import (
	"net/url"
	"os"
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

// PageFile is the output file of a page path.
func PageFile(p string) string {
	if p == "" || strings.HasSuffix(p, "/") {
		return p + "index.html"
	}
	return p
}

func itoa(n int) string { return strconv.Itoa(n) }

// publishedBase is the base URL the site is built for, and what gave it:
// --base-url, else base_url in inquest.yaml, else what the CI job that
// publishes the site knows of where it goes: GitLab Pages' CI_PAGES_URL,
// or GITHUB_PAGES, a URL or "true" on GitHub Actions, which gives
// https://OWNER.github.io/REPOSITORY/ from GITHUB_REPOSITORY. serve's
// pages are at the root of its own server whatever the environment says.
func publishedBase(opts BuildOptions, configured string) (base, from string) {
	switch {
	case opts.BaseURL != "":
		return opts.BaseURL, "--base-url"
	case configured != "":
		return configured, "base_url"
	case opts.Serve:
		return "", ""
	}
	if u := strings.TrimSpace(os.Getenv("CI_PAGES_URL")); absoluteURL(u) {
		return strings.TrimSuffix(u, "/") + "/", "CI_PAGES_URL"
	}
	switch p := strings.TrimSpace(os.Getenv("GITHUB_PAGES")); {
	case absoluteURL(p):
		return strings.TrimSuffix(p, "/") + "/", "GITHUB_PAGES"
	case strings.EqualFold(p, "true"):
		owner, repo, ok := strings.Cut(os.Getenv("GITHUB_REPOSITORY"), "/")
		if !ok || owner == "" || repo == "" || strings.ContainsAny(owner+repo, "/?#@: ") {
			return "", ""
		}
		host := strings.ToLower(owner) + ".github.io"
		if strings.EqualFold(repo, host) {
			// A user or organisation site is served from the host's root.
			return "https://" + host + "/", "GITHUB_PAGES and GITHUB_REPOSITORY"
		}
		return "https://" + host + "/" + repo + "/", "GITHUB_PAGES and GITHUB_REPOSITORY"
	}
	return "", ""
}

// absoluteURL reports whether s is an http or https URL with a host.
func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// baseURLNote is what a build says of its base URL, once: that the
// feed, the sitemap and the JSON API carry paths where they need absolute
// URLs when no base URL with a host is known, and where a base URL came
// from when the environment gave it. "" when there is nothing to say.
func baseURLNote(base, from string, serve bool) string {
	const fix = "set base_url in inquest.yaml or pass --base-url"
	switch {
	case serve:
		return ""
	case base == "":
		return "no base URL: feed.xml, sitemap.xml and api/incidents.json carry paths (/incidents/…) where readers and search engines need absolute URLs; " + fix
	case !absoluteURL(base):
		return "base URL " + base + " (" + from + ") has no scheme and host: feed.xml, sitemap.xml and api/incidents.json carry paths where readers and search engines need absolute URLs; " + fix
	case from != "--base-url" && from != "base_url":
		return "base URL " + base + " taken from " + from + "; " + fix + " to pin it"
	}
	return ""
}

// robotsNote says that robots.txt is not written for a site published
// under a path: crawlers read it at the root of the host only
// (https://acme.example/robots.txt, not …/postmortems/robots.txt), where
// another site's may be. "" for a site at the root, and for serve.
func robotsNote(basePath string, noIndex, serve bool) string {
	if serve || basePath == "/" {
		return ""
	}
	n := "robots.txt not written: crawlers read it only at the root of the host, and the site is under " + basePath
	if noIndex {
		n += "; every page still says noindex in <meta name=\"robots\">"
	}
	return n
}
