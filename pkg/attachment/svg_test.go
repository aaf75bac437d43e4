package attachment

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

// checkSafe fails when a sanitised SVG could run script: it must parse as
// XML, its root must be an SVG svg element, every element must be an SVG
// element of svgElements, no attribute may be an event handler or in a
// namespace other than XLink and XML, and every link must be safe.
func checkSafe(t testing.TB, out []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(out))
	d.Strict = true
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("output does not parse: %v\n%s", err, out)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			if depth == 0 && (x.Name.Local != "svg" || x.Name.Space != nsSVG) {
				t.Fatalf("root is %v\n%s", x.Name, out)
			}
			depth++
			if x.Name.Space != nsSVG || !svgElements[x.Name.Local] {
				t.Fatalf("element %v kept\n%s", x.Name, out)
			}
			for _, a := range x.Attr {
				switch {
				case a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns":
					if a.Value != nsSVG && a.Value != nsXLink {
						t.Fatalf("namespace %q declared\n%s", a.Value, out)
					}
				case strings.HasPrefix(strings.ToLower(a.Name.Local), "on"):
					t.Fatalf("event handler %v kept\n%s", a.Name, out)
				case a.Name.Space != "" && a.Name.Space != nsXLink && a.Name.Space != nsXML:
					t.Fatalf("attribute %v of another namespace kept\n%s", a.Name, out)
				case a.Name.Local == "base":
					t.Fatalf("xml:base kept\n%s", out)
				case a.Name.Local == "href" && !safeURL(a.Value):
					t.Fatalf("unsafe link %q kept\n%s", a.Value, out)
				}
			}
		case xml.EndElement:
			depth--
		case xml.ProcInst:
			if x.Target != "xml" {
				t.Fatalf("processing instruction %q kept", x.Target)
			}
		case xml.Directive:
			t.Fatalf("directive kept: %s", x)
		}
	}
}

func TestSanitizeSVG(t *testing.T) {
	t.Parallel()
	const head = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">`
	tests := []struct {
		name, in string
		keep     []string // in the output
		drop     []string // not in the output
	}{
		{"shapes and text stay",
			head + `<title>Queue depth</title><rect width="4" height="2" fill="#0a0"/><text x="1" y="8">p99 &lt; 800 ms</text></svg>`,
			[]string{`<rect width="4" height="2" fill="#0a0"></rect>`, `<title>Queue depth</title>`, `p99 &lt; 800 ms`}, nil},
		{"script element", head + `<script>alert(document.cookie)</script><circle r="1"/></svg>`,
			[]string{"<circle"}, []string{"script", "alert"}},
		{"script in another prefix bound to SVG",
			`<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:script>alert(1)</s:script><s:rect width="1"/></s:svg>`,
			[]string{`<rect width="1">`}, []string{"script", "alert"}},
		{"CDATA script", head + `<script><![CDATA[ alert(1) ]]></script></svg>`, nil, []string{"alert"}},
		{"event handlers", head + `<rect onclick="alert(1)" ONLOAD="x()" onMouseOver="y()" width="2"/></svg>`,
			[]string{`width="2"`}, []string{"alert", "x()", "y()", "on"}},
		{"javascript link", head + `<a href=" java&#x09;script:alert(1)"><text>click</text></a><a xlink:href="JAVASCRIPT:alert(2)">b</a></svg>`,
			[]string{"<a>", "click"}, []string{"alert", "script:"}},
		{"safe links stay", head + `<a href="#part">x</a><a href="https://status.example.com/">y</a><use xlink:href="#icon"/><image href="data:image/png;base64,AA=="/></svg>`,
			[]string{`href="#part"`, `href="https://status.example.com/"`, `xlink:href="#icon"`, `data:image/png`}, nil},
		{"svg data URL", head + `<image href="data:image/svg+xml;base64,PHN2Zy8+"/></svg>`, []string{"<image>"}, []string{"data:"}},
		{"foreignObject with HTML", head + `<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(1)"/></div></foreignObject></svg>`,
			nil, []string{"foreignObject", "img", "alert"}},
		{"XHTML element by prefix", head + `<h:iframe xmlns:h="http://www.w3.org/1999/xhtml" src="javascript:alert(1)"/></svg>`,
			nil, []string{"iframe", "alert", "xhtml"}},
		{"animation writing a link", head + `<a><set attributeName="href" to="javascript:alert(1)"/><animate attributeName="xlink:href" values="javascript:alert(2)"/><text>t</text></a></svg>`,
			[]string{"<text>t</text>"}, []string{"set", "animate", "alert"}},
		{"xml-stylesheet and doctype", `<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="evil.xsl"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">` + head + `<!-- note --><g/></svg>`,
			[]string{"<g></g>"}, []string{"xml-stylesheet", "evil", "DOCTYPE", "note"}},
		{"xml:base and foreign attributes", head + `<g xml:base="javascript:/" xmlns:ev="http://www.w3.org/2001/xml-events" ev:event="click" xml:space="preserve"/></svg>`,
			[]string{`xml:space="preserve"`}, []string{"base", "ev:", "xml-events"}},
		{"default namespace switched", head + `<g><x xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script><rect/></x></g></svg>`,
			[]string{"<g></g>"}, []string{"script", "alert", "rect"}},
		{"namespace declarations moved to the root", `<svg xmlns="http://www.w3.org/2000/svg"><g xmlns:foo="urn:x" foo:bar="1"/></svg>`,
			[]string{`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">`}, []string{"urn:x", "foo"}},
		{"attribute escaping", head + `<text font-family="a&quot;b&lt;c&#10;d">&amp;</text></svg>`,
			[]string{`font-family="a&quot;b&lt;c&#xA;d"`, `&amp;`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := SanitizeSVG([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			checkSafe(t, out)
			body := string(out[strings.Index(string(out), "<svg"):])
			for _, k := range tt.keep {
				if !strings.Contains(body, k) {
					t.Errorf("%q missing from\n%s", k, out)
				}
			}
			// Only the markup counts: the namespace declarations on the
			// root hold "xlink" and "www".
			markup := strings.Replace(body, ` xmlns="`+nsSVG+`" xmlns:xlink="`+nsXLink+`"`, "", 1)
			for _, d := range tt.drop {
				if strings.Contains(markup, d) {
					t.Errorf("%q kept in\n%s", d, out)
				}
			}
			again, err := SanitizeSVG(out)
			if err != nil || !bytes.Equal(again, out) {
				t.Errorf("sanitising twice changes the output (%v):\n%s\n%s", err, out, again)
			}
		})
	}
}

func TestSanitizeSVGRefuses(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat(`<g>`, maxDepth+1) + strings.Repeat(`</g>`, maxDepth+1)
	for name, in := range map[string]string{
		"not XML":          `<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>`,
		"HTML root":        `<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>`,
		"no namespace":     `<svg><script>alert(1)</script></svg>`,
		"custom entity":    `<!DOCTYPE svg [<!ENTITY x "<script>alert(1)</script>">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>`,
		"billion laughs":   `<!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>`,
		"two roots":        `<svg xmlns="http://www.w3.org/2000/svg"/><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
		"text after root":  `<svg xmlns="http://www.w3.org/2000/svg"/>trailing`,
		"empty":            ``,
		"too deep":         `<svg xmlns="http://www.w3.org/2000/svg">` + deep + `</svg>`,
		"latin-1 encoding": `<?xml version="1.0" encoding="ISO-8859-1"?><svg xmlns="http://www.w3.org/2000/svg"/>`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if out, err := SanitizeSVG([]byte(in)); err == nil {
				t.Errorf("no error; output:\n%s", out)
			}
		})
	}
}

func TestPublish(t *testing.T) {
	t.Parallel()
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><circle r="2"/></svg>`)
	none := func(string) bool { return false }
	tests := []struct {
		name    string
		data    []byte
		allowed func(string) bool
		refused bool
		same    bool // published as written
	}{
		{"graph.png", []byte("\x89PNG\r\n"), none, false, true},
		{"notes.txt", []byte("<script>alert(1)</script>"), none, false, true},
		{"report.pdf", []byte("%PDF-1.7"), none, false, true},
		{"evil.html", []byte("<script>alert(1)</script>"), none, true, false},
		{"EVIL.HTM", []byte("<script>alert(1)</script>"), none, true, false},
		{"page.xhtml", []byte("<html/>"), none, true, false},
		{"evil.js", []byte("alert(1)"), none, true, false},
		{"evil.mjs", []byte("alert(1)"), none, true, false},
		{"style.xsl", []byte("<x/>"), none, true, false},
		{"map.svgz", []byte("\x1f\x8b"), none, true, false},
		{"graph.svg", svg, none, false, false},
		{"graph.svg", svg, func(e string) bool { return e == "svg" }, false, true},
		{"evil.html", []byte("<p>trusted</p>"), func(e string) bool { return e == "html" }, false, true},
		{"broken.svg", []byte("<svg"), none, true, false},
		{"data.xml", []byte(`<?xml version="1.0"?><metrics><p99>812</p99></metrics>`), none, false, true},
		{"xhtml.xml", []byte(`<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>`), none, true, false},
		{"svg.xml", []byte(`<r><svg xmlns="http://www.w3.org/2000/svg"/></r>`), none, true, false},
		{"xslt.xml", []byte(`<?xml-stylesheet type="text/xsl" href="x.xsl"?><r/>`), none, true, false},
		{"doctype.xml", []byte(`<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>`), none, true, false},
		{"broken.xml", []byte(`<r>`), none, true, false},
	}
	for _, tt := range tests {
		out, err := Publish(tt.name, tt.data, tt.allowed)
		var r *Refused
		if tt.refused != errors.As(err, &r) {
			t.Errorf("%s: refused %v, want %v (err %v)", tt.name, err != nil, tt.refused, err)
			continue
		}
		if tt.refused {
			if !strings.Contains(r.Error(), tt.name) {
				t.Errorf("%s: the refusal does not name the file: %v", tt.name, r)
			}
			continue
		}
		if tt.same != bytes.Equal(out, tt.data) {
			t.Errorf("%s: published as written %v, want %v:\n%s", tt.name, !tt.same, tt.same, out)
		}
		if strings.HasSuffix(tt.name, ".svg") && !tt.same {
			checkSafe(t, out)
		}
	}
}

// FuzzSanitizeSVG: whatever the input, SanitizeSVG either refuses it or
// returns an SVG that cannot run script and that it returns unchanged. The
// seeds in testdata/fuzz are a chart, an Inkscape export and a hostile file.
func FuzzSanitizeSVG(f *testing.F) {
	f.Add([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:x"><rect onclick="x"/></a></svg>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := SanitizeSVG(data)
		if err != nil {
			return
		}
		checkSafe(t, out)
		again, err := SanitizeSVG(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not stable (%v):\n%s\n%s", err, out, again)
		}
	})
}
