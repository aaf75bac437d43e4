package site

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"time"
	"unicode/utf8"
)

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Link    []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomEntry struct {
	Title     string   `xml:"title"`
	ID        string   `xml:"id"`
	Published string   `xml:"published,omitempty"`
	Updated   string   `xml:"updated"`
	Link      atomLink `xml:"link"`
	Summary   string   `xml:"summary,omitempty"`
	Author    struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Category []struct {
		Term string `xml:"term,attr"`
	} `xml:"category"`
}

// writeFeed writes feed.xml, an Atom feed of the 50 newest published
// incidents. encoding/xml escapes every value. Every entry has an author
// (the postmortem's owner, else the site's title, as Atom requires one)
// and is published when its postmortem was first committed, else on the
// incident's date; it is updated at its last commit.
func (b *Assembly) feed() ([]outFile, error) {
	s := b.site
	f := atomFeed{Title: s.Title, ID: b.absURL(""), Updated: s.Now.UTC().Format(time.RFC3339),
		Link: []atomLink{{Href: b.absURL(""), Rel: "alternate"}, {Href: b.absURL("feed.xml"), Rel: "self"}}}
	for _, v := range s.Incidents {
		if !b.repo.Config.IsDraft(v.Status) && len(f.Entries) < 50 {
			e := atomEntry{Title: v.Title, ID: b.absURL(v.Path), Link: atomLink{Href: b.absURL(v.Path)}, Summary: v.Summary}
			pub, upd := v.Date, v.Date
			if h := v.History; h != nil && !h.Created.IsZero() {
				pub, upd = h.Created, h.Created
			}
			if h := v.History; h != nil && h.Updated.After(upd) {
				upd = h.Updated
			}
			if !pub.IsZero() {
				e.Published = pub.UTC().Format(time.RFC3339)
			}
			if upd.IsZero() {
				upd = s.Now
			}
			e.Updated = upd.UTC().Format(time.RFC3339)
			e.Author.Name = v.Owner
			if e.Author.Name == "" {
				e.Author.Name = s.Title
			}
			for _, t := range v.Tags {
				e.Category = append(e.Category, struct {
					Term string `xml:"term,attr"`
				}{t})
			}
			f.Entries = append(f.Entries, e)
		}
	}
	f.Entries = append(f.Entries, b.amendmentEntries(50)...)
	return xmlFile("feed.xml", f)
}

type urlSet struct {
	XMLName xml.Name  `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []siteURL `xml:"url"`
}

type siteURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

func (b *Assembly) sitemap() ([]outFile, error) {
	set := urlSet{URLs: []siteURL{{Loc: b.absURL("")}}}
	for _, v := range b.site.Incidents {
		u := siteURL{Loc: b.absURL(v.Path)}
		if v.History != nil && !v.History.Updated.IsZero() {
			u.LastMod = v.History.Updated.UTC().Format("2006-01-02")
		}
		set.URLs = append(set.URLs, u)
	}
	return xmlFile("sitemap.xml", set)
}

func xmlFile(rel string, v any) ([]outFile, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	buf.WriteString("\n")
	return []outFile{{rel, buf.Bytes()}}, nil
}

// catalogEntry is one incident in search/catalog.json, the compact file
// the static search page filters in the browser. Keys are one or two
// letters and the page path is left out when it is the usual
// incidents/<id>/: at 10,000 incidents the file stays under 300 KB gzipped.
type catalogEntry struct {
	ID       string   `json:"i"`
	Title    string   `json:"t"`
	Date     string   `json:"d,omitempty"`
	Severity string   `json:"s,omitempty"`
	Status   string   `json:"st,omitempty"`
	Tags     []string `json:"g,omitempty"`
	Services []string `json:"v,omitempty"`
	Path     string   `json:"p,omitempty"`
}

// writeCatalog writes the catalog of published incidents for the search
// page, and search/summaries.json: their summaries, in the same order,
// which the page loads after the catalog so that typing starts at once.
func (b *Assembly) catalog() ([]outFile, error) {
	cat := make([]catalogEntry, 0, len(b.site.Incidents))
	sums := make([]string, 0, len(b.site.Incidents))
	for _, v := range b.site.Incidents {
		e, sum := toCatalog(v)
		cat = append(cat, e)
		sums = append(sums, sum)
	}
	c, err := jsonFile("search/catalog.json", cat)
	if err != nil {
		return nil, err
	}
	m, err := jsonFile("search/summaries.json", sums)
	if err != nil {
		return nil, err
	}
	return []outFile{c, m}, nil
}

// toCatalog is an incident's catalog entry and summary.
func toCatalog(v *Incident) (catalogEntry, string) {
	e := catalogEntry{ID: v.ID, Title: v.Title, Severity: v.Severity, Status: v.Status, Tags: v.Tags, Services: v.Services}
	if v.Path != incidentPath(v.ID) {
		e.Path = v.Path
	}
	if !v.Date.IsZero() {
		e.Date = v.Date.Format("2006-01-02")
	}
	return e, truncateRunes(v.Summary, 200)
}

// truncateRunes cuts s to at most n bytes on a rune boundary.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
