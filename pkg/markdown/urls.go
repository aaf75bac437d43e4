package markdown

import (
	"bytes"
	"html"
	"net/url"
)

// unsafeURL reports whether dest, a link or image destination, could run
// script or reach outside the site's origin when written into an href or
// src: javascript:, vbscript:, file: and data: URLs other than the image
// types a browser only ever displays.
//
// A browser ignores leading spaces and control characters and removes tabs
// and newlines anywhere in a URL, and it compares schemes case-insensitively,
// so the scheme is read the same way. Entity- and percent-decoded forms are
// checked too: treating a strange relative link as unsafe costs nothing,
// while missing a script URL would be an XSS.
func unsafeURL(dest []byte) bool {
	if unsafeScheme(dest) {
		return true
	}
	if bytes.IndexByte(dest, '&') >= 0 && unsafeScheme([]byte(html.UnescapeString(string(dest)))) {
		return true
	}
	if bytes.IndexByte(dest, '%') >= 0 {
		if u, err := url.PathUnescape(string(dest)); err == nil && unsafeScheme([]byte(u)) {
			return true
		}
	}
	return false
}

// unsafeScheme implements unsafeURL for one spelling of a URL.
func unsafeScheme(u []byte) bool {
	var scheme [16]byte
	n := 0
	i := 0
	for ; i < len(u); i++ {
		c := u[i]
		if c <= ' ' || c == 0x7f {
			continue
		}
		if c == ':' {
			break
		}
		if !isSchemeByte(c) || n == len(scheme) {
			// Not a scheme we refuse, or no scheme at all: a relative URL.
			return false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		scheme[n] = c
		n++
	}
	if i == len(u) {
		return false
	}
	switch string(scheme[:n]) {
	case "javascript", "vbscript", "file":
		return true
	case "data":
		return !safeDataImage(u[i+1:])
	}
	return false
}

// safeDataImage reports whether rest, what follows "data:", is a raster
// image type, which a browser displays and never runs.
func safeDataImage(rest []byte) bool {
	var mt [16]byte
	n := 0
	for _, c := range rest {
		if c <= ' ' || c == 0x7f {
			continue
		}
		if c == ';' || c == ',' {
			break
		}
		if n == len(mt) {
			return false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		mt[n] = c
		n++
	}
	switch string(mt[:n]) {
	case "image/png", "image/gif", "image/jpeg", "image/webp":
		return true
	}
	return false
}

func isSchemeByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '+' || c == '-' || c == '.'
}

// hasScheme reports whether dest starts with a URL scheme such as
// "https:" or "mailto:", that is, whether it is not a relative reference.
func hasScheme(dest []byte) bool {
	for i, c := range dest {
		switch {
		case c == ':':
			return i > 0
		case i == 0 && !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'):
			return false
		case !isSchemeByte(c):
			return false
		}
	}
	return false
}
