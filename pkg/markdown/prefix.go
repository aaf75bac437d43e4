package markdown

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
)

// idRefAttrs are the attributes that name elements of the same document by
// id, as a space-separated list.
var idRefAttrs = map[string]bool{
	"for": true, "headers": true, "aria-labelledby": true, "aria-describedby": true,
	"aria-controls": true, "aria-owns": true, "aria-details": true, "aria-flowto": true,
}

// PrefixIDs returns html, a document Render wrote, with prefix put before
// every id and before every reference to an id of the document: links to a
// #fragment, and the attributes that list ids (for, headers, aria-…). A
// page that shows parts of several documents (the lessons of every
// incident with a tag) prefixes each with its own, so that its ids stay
// unique and a heading's anchor or a footnote still leads to its own
// document. Everything else is copied byte for byte.
func PrefixIDs(in []byte, prefix string) []byte {
	if prefix == "" || !mayReferToIDs(in) {
		return in
	}
	return rewriteTags(in, func(tok *html.Token) bool {
		changed := false
		for i, a := range tok.Attr {
			if a.Namespace != "" {
				continue
			}
			switch {
			case a.Key == "id" && a.Val != "":
				tok.Attr[i].Val = prefix + a.Val
			case a.Key == "href" && len(a.Val) > 1 && a.Val[0] == '#':
				tok.Attr[i].Val = "#" + prefix + a.Val[1:]
			case idRefAttrs[a.Key] && strings.TrimSpace(a.Val) != "":
				refs := strings.Fields(a.Val)
				for k := range refs {
					refs[k] = prefix + refs[k]
				}
				tok.Attr[i].Val = strings.Join(refs, " ")
			default:
				continue
			}
			changed = true
		}
		return changed
	})
}

// mayReferToIDs reports whether html has anything PrefixIDs changes.
func mayReferToIDs(html []byte) bool {
	for _, s := range []string{"id=", `="#`, "for=", "headers=", "aria-"} {
		if bytes.Contains(html, []byte(s)) {
			return true
		}
	}
	return false
}
