package serve

import (
	"bufio"
	"bytes"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// headerRule is one rule of a site's _headers file: a path (a literal, or a
// prefix ending in *) and the headers to send for it.
type headerRule struct {
	path    string
	headers [][2]string
}

// headerRules are the rules of the _headers file the build wrote, read once
// per site folder.
type headerRules struct {
	mu    sync.Mutex
	root  string
	rules []headerRule
}

// parseHeaders reads a _headers file (see site's headers.go): rules in
// order, a later rule's header replacing an earlier one's, as Netlify does.
func parseHeaders(data []byte) []headerRule {
	var rules []headerRule
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "/"):
			rules = append(rules, headerRule{path: strings.TrimSpace(line)})
		case strings.HasPrefix(line, " ") && len(rules) > 0:
			if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok && !strings.HasPrefix(k, "#") {
				r := &rules[len(rules)-1]
				r.headers = append(r.headers, [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
			}
		}
	}
	return rules
}

// set writes the headers the site's _headers file gives the URL path p.
func (h *headerRules) set(w http.ResponseWriter, root, p string) {
	h.mu.Lock()
	if h.root != root {
		data, _ := os.ReadFile(filepath.Join(root, "_headers"))
		h.root, h.rules = root, parseHeaders(data)
	}
	rules := h.rules
	h.mu.Unlock()
	for _, r := range rules {
		if prefix, ok := strings.CutSuffix(r.path, "*"); ok && strings.HasPrefix(p, prefix) || r.path == p {
			for _, kv := range r.headers {
				w.Header().Set(kv[0], kv[1])
			}
		}
	}
}

// fallbackHeaders are sent when the site has no _headers file (its build
// failed): no framing, no sniffing, and a policy that runs no script.
func fallbackHeaders(w http.ResponseWriter) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
}

// allowedHost reports whether a request's Host names this server. Bound
// to loopback, serve answers only loopback addresses, localhost and names
// under .localhost: a page on another site that makes its own domain
// resolve to 127.0.0.1 (DNS rebinding) is refused. With --allow-remote it
// answers IP addresses, localhost, this machine's name (and names under
// it) and the host of --addr.
func (s *Server) allowedHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback() || s.opts.AllowRemote
	}
	if !s.opts.AllowRemote {
		return false
	}
	if h, _, err := net.SplitHostPort(s.opts.Addr); err == nil && strings.EqualFold(h, host) {
		return true
	}
	name, err := os.Hostname()
	name = strings.ToLower(name)
	return err == nil && name != "" && (host == name || strings.HasPrefix(host, name+"."))
}
