// Package attachment decides how a file a postmortem links to may be
// published beside the site's pages. A copied file is served from the
// site's own origin, so one that a browser runs as a document with script
// (HTML, XHTML, JavaScript, XML with script or a stylesheet, SVG with
// script) would run with the site's privileges when a reader opens it:
// such files are refused, except SVG images, which are sanitised (see
// SanitizeSVG), and except what the repository allows.
package attachment

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Kind is what publishing an attachment takes.
type Kind int

const (
	// Plain files (images, PDFs, text, archives) are copied as written.
	Plain Kind = iota
	// Active files run script when opened and are refused unless allowed.
	Active
	// Inspect files (SVG, XML) are read first: an SVG image is sanitised,
	// an XML file is refused when it could run script.
	Inspect
)

// activeExt are the extensions a browser opens as script or as a document
// that can run script. SVGZ is compressed and cannot be sanitised here.
var activeExt = map[string]bool{
	"html": true, "htm": true, "shtml": true, "xhtml": true, "xht": true, "mht": true, "mhtml": true,
	"js": true, "mjs": true, "cjs": true, "xsl": true, "xslt": true, "svgz": true, "hta": true, "swf": true,
}

// KindOf is the kind of the file name.
func KindOf(name string) Kind {
	ext := Ext(name)
	switch {
	case activeExt[ext]:
		return Active
	case ext == "svg" || ext == "xml":
		return Inspect
	}
	return Plain
}

// Ext is the extension of a file name, lower case, without the dot.
func Ext(name string) string {
	return strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
}

// Refused is an attachment that is not published, and why.
type Refused struct {
	Name   string
	Reason string
}

func (r *Refused) Error() string { return r.Name + ": " + r.Reason }

// Publish returns the bytes to publish for the attachment name with
// content data: data itself for plain files and allowed ones, a sanitised
// copy of an SVG image, or a *Refused. allowed says whether the
// repository allows an extension's active content as written.
func Publish(name string, data []byte, allowed func(ext string) bool) ([]byte, error) {
	ext := Ext(name)
	if allowed != nil && allowed(ext) {
		return data, nil
	}
	switch KindOf(name) {
	case Active:
		return nil, &Refused{Name: name, Reason: fmt.Sprintf("a .%s file runs script when opened from the site, so it is not published (attachments.allow lists the extensions a repository trusts)", ext)}
	case Inspect:
		if ext == "xml" {
			if why := xmlActive(data); why != "" {
				return nil, &Refused{Name: name, Reason: "an XML file that " + why + " could run script when opened from the site, so it is not published (attachments.allow: [xml] trusts it)"}
			}
			return data, nil
		}
		out, err := SanitizeSVG(data)
		if err != nil {
			return nil, &Refused{Name: name, Reason: fmt.Sprintf("an SVG image that cannot be sanitised (%v) is not published", err)}
		}
		return out, nil
	}
	return data, nil
}

// Namespaces whose elements a browser renders with script.
const (
	nsSVG   = "http://www.w3.org/2000/svg"
	nsXLink = "http://www.w3.org/1999/xlink"
	nsXHTML = "http://www.w3.org/1999/xhtml"
	nsXSL   = "http://www.w3.org/1999/XSL/Transform"
	nsEv    = "http://www.w3.org/2001/xml-events"
	nsXML   = "http://www.w3.org/XML/1998/namespace"
)

// xmlActive says why an XML document could run script when a browser
// opens it ("" when it cannot): a stylesheet processing instruction (XSLT
// runs script), or elements in the XHTML, SVG, XSLT or XML Events
// namespaces. A document that does not parse is refused too: a browser's
// parser may read it otherwise.
func xmlActive(data []byte) string {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return ""
		}
		if err != nil {
			return "does not parse (" + err.Error() + ")"
		}
		switch t := tok.(type) {
		case xml.ProcInst:
			if strings.EqualFold(t.Target, "xml-stylesheet") {
				return "names a stylesheet"
			}
		case xml.StartElement:
			switch t.Name.Space {
			case nsXHTML, nsSVG, nsXSL, nsEv:
				return "has elements in the " + t.Name.Space + " namespace"
			}
		case xml.Directive:
			return "has a document type declaration"
		}
	}
}

// errDepth is returned for documents nested deeper than maxDepth.
var errDepth = errors.New("elements nested too deeply")
