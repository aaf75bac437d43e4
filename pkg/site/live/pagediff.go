package live

import (
	"bytes"
	"slices"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/site"
)

// seenAs records, for each edited incident, the templates in which it
// looks different now when it appears on a page other than its own.
type seenAs map[*site.Incident]map[string]bool

func (s seenAs) differs(v *site.Incident, tmpl string) bool { return s[v] != nil && s[v][tmpl] }

// probe renders each edited incident, before and after, alone on a
// small page of every template that shows incidents other than the page's
// own: where the two agree, a page of that template that shows it reads
// nothing of it that changed. This holds whatever the theme shows of an
// incident, as long as a template draws each incident from that incident
// alone.
func probe(b *site.Assembly, old map[*site.Incident]*site.Incident) seenAs {
	out := seenAs{}
	var buf1, buf2 bytes.Buffer
	for v, o := range old {
		out[v] = map[string]bool{}
		for _, tmpl := range []string{"list", "timeline", "digest", "home", "lessons", "actions", "incident"} {
			t := b.Template(tmpl)
			if t == nil {
				continue
			}
			buf1.Reset()
			buf2.Reset()
			e1 := t.ExecuteTemplate(&buf1, "layout", probePage(b, tmpl, o))
			e2 := t.ExecuteTemplate(&buf2, "layout", probePage(b, tmpl, v))
			out[v][tmpl] = e1 != nil || e2 != nil || !bytes.Equal(buf1.Bytes(), buf2.Bytes())
		}
	}
	return out
}

// probePage is a page of template tmpl that shows v as other pages do.
func probePage(b *site.Assembly, tmpl string, v *site.Incident) *site.Page {
	one := []*site.Incident{v}
	p := &site.Page{Site: b.Site(), Kind: tmpl, Title: "probe", Path: "probe/"}
	switch tmpl {
	case "list":
		p.Incidents, p.Pager = one, &site.Pager{Page: 1, Pages: 1}
	case "timeline":
		p.Groups = []site.Group{{Title: "probe", Incidents: one}}
	case "digest":
		// The amendments too: the digest lists them apart from its groups.
		p.Groups, p.Amendments = []site.Group{{Title: "probe", Incidents: one}}, v.Amended()
	case "home":
		p.Home = &site.Home{Latest: one, Total: 1}
	case "lessons":
		p.Groups = []site.Group{{Title: "probe", Path: "probe/", Lessons: []site.Lesson{{Incident: v, HTML: v.Lessons}}}}
	case "actions":
		g := site.Group{Title: "probe"}
		for k := range v.ActionItems {
			g.Actions = append(g.Actions, site.NewAction(v, k, b.Site().Now))
		}
		p.Groups = []site.Group{g}
	case "incident":
		p.Incident = &site.Incident{Incident: &postmortem.Incident{ID: "probe", Title: "probe"}, Path: "probe/", Related: one}
	}
	return p
}

// pageDiffers reports whether a page must be rendered again: its data
// differ from the last build's, or it shows an edited incident in a way
// that changed (old holds the edited incidents as they were).
func pageDiffers(o, n site.PageJob, old map[*site.Incident]*site.Incident, relChanged map[*site.Incident]bool, seen seenAs) bool {
	a, c := o.Page, n.Page
	if o.Template != n.Template || a.Kind != c.Kind || a.Title != c.Title || a.Description != c.Description || a.Incident != c.Incident {
		return true
	}
	shown := func(v *site.Incident) bool { return seen.differs(v, n.Template) }
	sameList := func(x, y []*site.Incident) bool {
		return slices.Equal(x, y) && !slices.ContainsFunc(y, shown)
	}
	if v := c.Incident; v != nil {
		// A "seen before" entry draws fields an incident's related entry
		// draws too: the probe of the related list covers it.
		if old[v] != nil || relChanged[v] || slices.ContainsFunc(v.Related, shown) || slices.ContainsFunc(v.SeenBefore, func(x site.Seen) bool { return shown(x.Incident) }) {
			return true
		}
	}
	if !sameList(a.Incidents, c.Incidents) || !slices.Equal(a.Terms, c.Terms) {
		return true
	}
	if !slices.Equal(a.Amendments, c.Amendments) || slices.ContainsFunc(c.Amendments, func(x *site.Amendment) bool { return shown(x.Incident) }) {
		return true
	}
	if (a.Pager == nil) != (c.Pager == nil) || a.Pager != nil && *a.Pager != *c.Pager {
		return true
	}
	if a.Metrics != nil || c.Metrics != nil || a.Learn != nil || c.Learn != nil {
		// Figures drawn from every incident: written again on every update.
		return true
	}
	if (a.Home == nil) != (c.Home == nil) {
		return true
	}
	if h, k := a.Home, c.Home; h != nil && (!sameList(h.Latest, k.Latest) || !slices.Equal(h.BySeverity, k.BySeverity) ||
		h.OpenActions != k.OpenActions || h.OverdueAction != k.OverdueAction || h.Total != k.Total || h.Recent != k.Recent) {
		return true
	}
	if len(a.Groups) != len(c.Groups) {
		return true
	}
	for i := range a.Groups {
		g, k := a.Groups[i], c.Groups[i]
		if g.Title != k.Title || g.Path != k.Path || !sameList(g.Incidents, k.Incidents) ||
			len(g.Actions) != len(k.Actions) || len(g.Lessons) != len(k.Lessons) {
			return true
		}
		for j := range g.Actions {
			x, y := g.Actions[j], k.Actions[j]
			// An action is its incident's item number item; the probe
			// says whether an edited incident's items look different.
			if x.Incident != y.Incident || x.Item() != y.Item() || x.Overdue != y.Overdue || shown(y.Incident) {
				return true
			}
		}
		for j := range g.Lessons {
			x, y := g.Lessons[j], k.Lessons[j]
			if x.Incident != y.Incident || x.HTML != y.HTML || shown(y.Incident) {
				return true
			}
		}
	}
	return false
}
