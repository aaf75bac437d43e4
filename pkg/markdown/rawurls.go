package markdown

import (
	"bytes"

	"golang.org/x/net/html"
)

// urlAttrs are the attributes whose value a browser follows or loads.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "xlink:href": true,
	"poster": true, "background": true, "data": true, "cite": true, "srcset": true,
}

// neutralizeRawURLs rewrites raw HTML let through in unsafe mode so that no
// attribute holds a javascript:, vbscript:, file: or non-image data: URL:
// such a value becomes "#". The rest of the HTML is copied byte for byte.
// Unsafe mode trusts the repository's HTML otherwise (event handler
// attributes stay; the theme's Content-Security-Policy blocks them).
func neutralizeRawURLs(in []byte) []byte {
	if !bytes.Contains(bytes.ToLower(in), []byte(":")) {
		return in
	}
	return rewriteTags(in, func(tok *html.Token) bool {
		changed := false
		for i, a := range tok.Attr {
			if urlAttrs[a.Key] && unsafeURL([]byte(a.Val)) {
				tok.Attr[i].Val = "#"
				changed = true
			}
		}
		return changed
	})
}

// rewriteTags copies html, passing each start tag to fn: a tag fn changed
// (it returns true) is written anew, everything else byte for byte.
func rewriteTags(in []byte, fn func(*html.Token) bool) []byte {
	z := html.NewTokenizer(bytes.NewReader(in))
	var out bytes.Buffer
	out.Grow(len(in) + len(in)/16)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := z.Raw()
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			out.Write(raw)
			continue
		}
		tok := z.Token()
		if fn(&tok) {
			out.WriteString(tok.String())
		} else {
			out.Write(raw)
		}
	}
	return out.Bytes()
}
