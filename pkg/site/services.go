package site

import (
	"html/template"
	"strings"

	"github.com/inquest-dev/inquest/pkg/chart"
	"github.com/inquest-dev/inquest/pkg/insight"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// Learn is the data of the pages that learn from incidents: a service's
// page, the recurring themes page, and the follow-through on the action
// items page.
type Learn struct {
	Note    string
	Service *ServiceView
	// Themes are the newest recurring themes, at most maxThemes of
	// ThemeCount.
	Themes     []ThemeView
	ThemeCount int
	Follow     *FollowView
}

// maxThemes is how many recurring themes the themes page lists, newest
// first; api/metrics.json has them all.
const maxThemes = 100

// ServiceView is what a service's page shows above its incidents.
type ServiceView struct {
	Name string
	// Entry is its entry in the service catalog; nil when it has none.
	// Catalog says whether the repository has a catalog at all.
	Entry   *insight.Service
	Catalog bool
	// PerQuarter charts its incidents per quarter, Quarters are the counts.
	PerQuarter template.HTML
	Quarters   []insight.Count
	// Durations charts the distributions of its outages' phases, Phases
	// are their figures (Label names the phase).
	Durations template.HTML
	Phases    []DistView
	// Kinds counts its records by kind.
	Kinds []insight.Count
	// Open are its open action items, the oldest incident's first: at
	// most maxServiceOpen of OpenCount.
	Open      []Action
	OpenCount int
	// Themes are its recurring themes.
	Themes []ThemeView
}

// maxServiceOpen is how many open items a service's page lists; the
// action items page has them all.
const maxServiceOpen = 50

// maxThemeIncidents is how many incidents of a theme a page lists; the
// rest are counted.
const maxThemeIncidents = 12

// learnPages turns the first page of each service's list into the
// service's page and gives the action items page its follow-through.
func (b *Assembly) learnPages(jobs []PageJob) {
	r := b.learned.report
	bySvc := map[string][]*Incident{}
	names := map[string]string{}
	for _, v := range b.site.Incidents {
		for _, s := range v.Services {
			p := termPath(pathServices, s)
			bySvc[p] = append(bySvc[p], v)
			if _, ok := names[p]; !ok {
				names[p] = s
			}
		}
	}
	themesOf := map[string][]insight.Theme{}
	for _, t := range r.Themes {
		p := termPath(pathServices, t.Service)
		themesOf[p] = append(themesOf[p], t)
	}
	for i := range jobs {
		p := jobs[i].Page
		switch {
		case jobs[i].Template == "list" && p.Pager != nil && p.Pager.Page == 1 && bySvc[p.Path] != nil:
			jobs[i].Template = "service"
			p.Kind = "service"
			p.Learn = &Learn{Note: distributionNote, Service: b.serviceView(names[p.Path], bySvc[p.Path], themesOf[p.Path])}
		case jobs[i].Template == "actions":
			p.Learn = &Learn{Note: distributionNote, Follow: b.followView(r.Follow)}
		}
	}
}

// serviceView describes one service from its incidents.
func (b *Assembly) serviceView(name string, vs []*Incident, themes []insight.Theme) *ServiceView {
	sv := &ServiceView{Name: name, Catalog: b.learned.catalog != nil}
	sv.Entry, _ = b.learned.catalog.Lookup(name)
	incs := make([]*postmortem.Incident, len(vs))
	kinds := map[string]int{}
	for i, v := range vs {
		incs[i] = v.Incident
		kinds[v.Kind]++
	}
	for _, k := range postmortem.Kinds() {
		if kinds[k] > 0 {
			sv.Kinds = append(sv.Kinds, insight.Count{Name: k, Count: kinds[k]})
		}
	}
	sv.Quarters = insight.PerQuarter(incs)
	if n := len(sv.Quarters); n > 0 {
		q := sv.Quarters[max(0, n-16):]
		periods, values := make([]string, len(q)), make([]int, len(q))
		for i, c := range q {
			periods[i], values[i] = c.Name, c.Count
		}
		sv.PerQuarter = chart.Columns("Incidents of "+name+" per quarter", "incidents", periods, []chart.Series{{Name: "incidents", Values: values, Class: "bar"}})
	}
	var ds []insight.Distribution
	for _, p := range insight.Phases() {
		d := insight.Distribute(phaseTitles[p], insight.Samples(incs, p), 0)
		if d.Count > 0 {
			ds = append(ds, d)
			sv.Phases = append(sv.Phases, distView(d))
		}
	}
	if len(ds) > 0 {
		sv.Durations = chart.Distributions("Durations of "+name+" outages", insight.BinEdges(), distRows(ds))
	}
	for i := len(vs) - 1; i >= 0; i-- {
		for k, a := range vs[i].ActionItems {
			if a.Status == postmortem.StatusOpen {
				if sv.OpenCount < maxServiceOpen {
					sv.Open = append(sv.Open, NewAction(vs[i], k, b.site.Now))
				}
				sv.OpenCount++
			}
		}
	}
	sv.Themes = b.themeViews(themes)
	return sv
}

// kindName is a kind as a page names it: "near miss".
func kindName(k string) string { return strings.ReplaceAll(k, "-", " ") }

// factorPath is the page of a factor as written: the taxonomy's spelling
// when it has the factor.
func (b *Assembly) factorPath(f string) string {
	if t, ok := b.repo.Config.Factor(f); ok {
		f = t
	}
	return termPath(pathFactors, f)
}

// factorsOf are the factors an incident names, spelt as the taxonomy
// spells them when it has them.
func (b *Assembly) factorsOf(v *Incident) []string {
	var out []string
	for _, f := range v.Factors {
		if t, ok := b.repo.Config.Factor(f); ok {
			f = t
		}
		out = append(out, f)
	}
	return out
}
