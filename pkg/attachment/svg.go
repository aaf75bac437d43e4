package attachment

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxDepth bounds the nesting of elements SanitizeSVG reads.
const maxDepth = 512

// svgElements are the SVG elements SanitizeSVG keeps: shapes, text,
// structure, paint servers, filters and links. Everything else goes with
// its content: script, foreignObject (HTML inside SVG), animations (set and
// animate can write a javascript: URL into a link), iframe and any element
// of another namespace.
var svgElements = setOf(`svg g defs desc title metadata symbol use switch view
	path rect circle ellipse line polyline polygon text tspan textPath a image style
	clipPath mask pattern marker linearGradient radialGradient stop filter
	feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
	feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood
	feFuncA feFuncB feFuncG feFuncR feGaussianBlur feImage feMerge feMergeNode
	feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile feTurbulence`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// SanitizeSVG returns an SVG image that shows what data shows and cannot run
// script when opened as a document: elements outside the SVG namespace and
// outside svgElements are dropped with their content, and so are event
// handler attributes (on…), attributes of other namespaces, xml:base, and
// links (href, xlink:href) that are not a fragment (#id), a relative path,
// http(s), mailto or a raster data: image. Comments, processing
// instructions (an xml-stylesheet could run XSLT) and the document type
// declaration are dropped; entities other than XML's own are an error, as
// is anything that does not parse as XML or whose root is not an svg
// element. The output is well-formed XML in UTF-8, with the SVG and XLink
// namespaces declared on the root and no other.
//
// It is one loop, over 100 lines on purpose: every kind of token reads
// and changes the same state (the open elements, their namespace scopes,
// the depth inside a dropped element), and a reviewer of a sanitiser
// should see each decision in the order the tokens meet it.
func SanitizeSVG(data []byte) ([]byte, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var out bytes.Buffer
	out.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	// scopes maps prefixes to namespaces, one map per open element (nil
	// when it declares none).
	var scopes []map[string]string
	lookup := func(prefix string) string {
		for i := len(scopes) - 1; i >= 0; i-- {
			if ns, ok := scopes[i][prefix]; ok {
				return ns
			}
		}
		switch prefix {
		case "xml":
			return nsXML
		case "xmlns":
			return "xmlns"
		}
		return ""
	}
	var names []string // the open elements that are written, or "" when dropped
	skip := 0          // depth inside a dropped element
	rootSeen, rootDone := false, false
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if rootDone {
				return nil, errors.New("content after the root element")
			}
			if len(scopes) >= maxDepth {
				return nil, errDepth
			}
			var scope map[string]string
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					scope = put(scope, "", a.Value)
				case a.Name.Space == "xmlns":
					scope = put(scope, a.Name.Local, a.Value)
				}
			}
			scopes = append(scopes, scope)
			ns := lookup(t.Name.Space)
			if !rootSeen {
				rootSeen = true
				if ns != nsSVG || t.Name.Local != "svg" {
					return nil, fmt.Errorf("the root element is not an SVG <svg> (it is <%s> in namespace %q)", qname(t.Name), ns)
				}
			}
			if skip > 0 || ns != nsSVG || !svgElements[t.Name.Local] {
				skip++
				names = append(names, "")
				continue
			}
			names = append(names, t.Name.Local)
			out.WriteString("<" + t.Name.Local)
			if len(names) == 1 {
				out.WriteString(` xmlns="` + nsSVG + `" xmlns:xlink="` + nsXLink + `"`)
			}
			seen := map[string]bool{}
			for _, a := range t.Attr {
				name, ok := keepAttr(a, lookup)
				if !ok || seen[name] {
					continue
				}
				seen[name] = true
				out.WriteString(" " + name + `="`)
				escapeAttr(&out, a.Value)
				out.WriteString(`"`)
			}
			out.WriteString(">")
		case xml.EndElement:
			if len(names) == 0 {
				return nil, errors.New("unexpected end element")
			}
			name := names[len(names)-1]
			names, scopes = names[:len(names)-1], scopes[:len(scopes)-1]
			if name == "" {
				skip--
			} else {
				out.WriteString("</" + name + ">")
			}
			if len(names) == 0 {
				rootDone = true
			}
		case xml.CharData:
			if len(names) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, errors.New("text outside the root element")
				}
				continue
			}
			if skip == 0 {
				if err := xml.EscapeText(&out, t); err != nil {
					return nil, err
				}
			}
		case xml.Comment, xml.ProcInst, xml.Directive:
			// Dropped: see the doc comment.
		}
	}
	if !rootDone {
		return nil, errors.New("no complete <svg> element")
	}
	out.WriteString("\n")
	return out.Bytes(), nil
}

func put(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}

func qname(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// keepAttr returns the name to write an attribute under, and whether it is
// kept: unprefixed attributes that are no event handler and no unsafe
// link, xlink:href when safe, xml:space and xml:lang. Namespace
// declarations are written on the root only.
func keepAttr(a xml.Attr, lookup func(string) string) (string, bool) {
	local := a.Name.Local
	ns := ""
	if a.Name.Space != "" {
		ns = lookup(a.Name.Space)
	}
	switch {
	case a.Name.Space == "" && local == "xmlns", ns == "xmlns":
		return "", false
	case strings.HasPrefix(strings.ToLower(local), "on"):
		return "", false
	case ns == nsXML && (local == "space" || local == "lang"):
		return "xml:" + local, true
	case ns == nsXLink && local == "href":
		return "xlink:href", safeURL(a.Value)
	case a.Name.Space != "":
		return "", false
	case local == "href":
		return local, safeURL(a.Value)
	}
	return local, true
}

// safeURL reports whether a link may stay: a fragment, a relative path, an
// http, https or mailto URL, or a PNG, GIF, JPEG or WebP data: URL. The
// check is made on what a browser reads: leading and trailing spaces and
// control characters, and tabs and newlines anywhere, are ignored, and
// schemes are compared case-insensitively.
func safeURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, v)
	v = strings.TrimFunc(v, func(r rune) bool { return r <= 0x20 || r == 0x7f })
	colon := strings.IndexByte(v, ':')
	if colon < 0 || strings.ContainsAny(v[:colon], "/?#") {
		return true // no scheme: a fragment or a relative path
	}
	lower := strings.ToLower(v)
	for _, ok := range []string{"http:", "https:", "mailto:", "data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"} {
		if strings.HasPrefix(lower, ok) {
			return true
		}
	}
	return false
}

// escapeAttr writes an attribute value escaped for double quotes; tabs and
// newlines are written as character references, which a parser keeps.
func escapeAttr(w *bytes.Buffer, s string) {
	for _, r := range s {
		switch r {
		case '&':
			w.WriteString("&amp;")
		case '<':
			w.WriteString("&lt;")
		case '>':
			w.WriteString("&gt;")
		case '"':
			w.WriteString("&quot;")
		case '\t':
			w.WriteString("&#x9;")
		case '\n':
			w.WriteString("&#xA;")
		case '\r':
			w.WriteString("&#xD;")
		default:
			w.WriteRune(r)
		}
	}
}
