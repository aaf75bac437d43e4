package site

import (
	"crypto/sha512"
	"encoding/base64"
	"maps"
	"slices"
	"strings"
)

// headersFile is the response headers a host should send, in the format
// Netlify and Cloudflare Pages read from the site's root; `inquest serve`
// sends them too.
const headersFile = "_headers"

// integrity is a script's Subresource Integrity hash.
func integrity(data []byte) string {
	sum := sha512.Sum384(data)
	return "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
}

// pageCSP is the Content-Security-Policy of the site's pages: nothing from
// another host, no inline script or style, and no script but the theme's
// own, pinned by hash. A host path would not do: a script attachment
// under files/ is 'self' too, and markdown.unsafe lets a page name it. A
// <meta> cannot carry frame-ancestors: the host's header does (see
// headers). Browsers that match hashes against external scripts (CSP
// level 3: Chrome 59, Firefox 116, Safari 15.6) run the theme's scripts;
// older ones show the pages without them.
func pageCSP(integrity map[string]string) string {
	src := "'none'"
	if len(integrity) > 0 {
		var hashes []string
		for _, name := range slices.Sorted(maps.Keys(integrity)) {
			hashes = append(hashes, "'"+integrity[name]+"'")
		}
		src = strings.Join(hashes, " ")
	}
	return "default-src 'self'; script-src " + src + "; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; connect-src 'self'; worker-src 'self'"
}

// The policies of the other responses. siteCSP goes on everything: it
// forbids framing and plugins but no script, so that the search worker
// (an asset), which takes the policy of its own response, may load its
// runtime. filesCSP goes on attachments: opened in a tab, an HTML or SVG
// file the repository allowed runs in a sandbox, as from no origin, and
// loads nothing.
const (
	siteCSP  = "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'"
	filesCSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"
)

// headers is the _headers file: headers for every response, the pages'
// policy on the page folders, and the attachments' policy. Hosts differ
// when rules overlap (Netlify: the later rule's header wins; Cloudflare
// Pages: both are sent, and a browser enforces both): each policy here
// holds with either.
func (b *Assembly) headers() []byte {
	var w strings.Builder
	w.WriteString("# Response headers for Netlify and Cloudflare Pages, written by inquest build.\n")
	w.WriteString("# Other hosts: send the same (see the README, Security).\n")
	w.WriteString("/*\n")
	w.WriteString("  X-Content-Type-Options: nosniff\n")
	w.WriteString("  Referrer-Policy: same-origin\n")
	w.WriteString("  X-Frame-Options: DENY\n")
	w.WriteString("  Cross-Origin-Opener-Policy: same-origin\n")
	w.WriteString("  Permissions-Policy: camera=(), microphone=(), geolocation=(), payment=(), usb=()\n")
	w.WriteString("  Content-Security-Policy: " + siteCSP + "\n")
	page := pageCSP(b.site.Integrity) + "; frame-ancestors 'none'"
	for _, p := range pageRules(b.jobs) {
		w.WriteString(p + "\n  Content-Security-Policy: " + page + "\n")
	}
	w.WriteString("/files/*\n")
	w.WriteString("  Content-Security-Policy: " + filesCSP + "\n")
	w.WriteString("  X-Content-Type-Options: nosniff\n")
	return []byte(w.String())
}

// pageRules are the _headers paths that cover every page: the root pages
// by name, the folders of the others with a splat.
func pageRules(jobs []PageJob) []string {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, j := range jobs {
		p := j.Page.Path
		switch dir, _, nested := strings.Cut(p, "/"); {
		case p == "":
			add("/")
			add("/index.html")
		case nested:
			add("/" + dir + "/*")
		default:
			add("/" + p)
		}
	}
	slices.Sort(out)
	return out
}
