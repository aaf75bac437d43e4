package site

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// PageJobs lists every HTML page of the site.
func (b *Assembly) PageJobs() []PageJob {
	s := b.site
	var jobs []PageJob
	add := func(tmpl string, p *Page) {
		p.Site = s
		jobs = append(jobs, PageJob{tmpl, p})
	}
	add("home", &Page{Kind: "home", Title: s.Title, Path: "", Home: b.home()})
	b.buildAudit()
	for _, v := range s.Incidents {
		add("incident", &Page{Kind: "incident", Title: v.Title, Description: v.Summary, Path: v.Path, Incident: v})
	}
	b.addList(add, "All incidents", pathIncidents, s.Incidents)

	type index struct {
		kind, title string
		terms       func(*Incident) []string
	}
	indexes := []index{
		{pathTags, "Tag", func(v *Incident) []string { return v.Tags }},
		{pathServices, "Service", func(v *Incident) []string { return v.Services }},
		// One page per level, whatever the spelling ("Sev 1" is on SEV1's).
		{pathSeverity, "Severity", func(v *Incident) []string { return nonEmpty(b.repo.Config.Severity(v.Severity)) }},
		{pathStatus, "Status", func(v *Incident) []string { return nonEmpty(v.Status) }},
		{pathKinds, "Kind", func(v *Incident) []string { return nonEmpty(v.Kind) }},
		{pathFactors, "Factor", b.factorsOf},
		{pathYears, "Year", func(v *Incident) []string {
			if v.Date.IsZero() {
				return nil
			}
			return []string{itoa(v.Date.Year())}
		}},
	}
	for _, ix := range indexes {
		groups := map[string][]*Incident{}
		names := map[string]string{}
		// A site has few distinct terms and many uses of each: slug each once.
		paths := map[string]string{}
		for _, v := range s.Incidents {
			for _, t := range ix.terms(v) {
				key, ok := paths[t]
				if !ok {
					key = termPath(ix.kind, t)
					paths[t] = key
				}
				groups[key] = append(groups[key], v)
				if _, ok := names[key]; !ok {
					names[key] = t
				}
			}
		}
		var terms []Term
		for key, list := range groups {
			terms = append(terms, Term{Name: names[key], Path: key, Count: len(list)})
			b.addList(add, ix.title+": "+names[key], key, list)
		}
		switch ix.kind {
		case pathSeverity:
			slices.SortFunc(terms, func(a, c Term) int {
				ra, _ := b.repo.Config.SeverityRank(a.Name)
				rc, _ := b.repo.Config.SeverityRank(c.Name)
				return ra - rc
			})
		case pathYears:
			slices.SortFunc(terms, func(a, c Term) int { return strings.Compare(c.Name, a.Name) })
		default:
			slices.SortFunc(terms, func(a, c Term) int {
				if a.Count != c.Count {
					return c.Count - a.Count
				}
				return strings.Compare(a.Name, c.Name)
			})
		}
		add("terms", &Page{Kind: "terms", Title: pluralTitle(ix.title), Path: ix.kind, Terms: terms})
	}

	add("timeline", &Page{Kind: "timeline", Title: "Timeline of all incidents", Path: pathTimeline, Groups: b.byMonth()})
	add("actions", &Page{Kind: "actions", Title: "Action items", Path: pathActions, Groups: b.actionGroups()})
	// Lessons: an index of tags, and a page of each tag's lessons (one
	// page of every lesson under every tag grew to 29 MB at 10,000).
	var lessonTerms []Term
	for _, g := range b.lessonGroups() {
		p := termPath(pathLessons, g.Title)
		lessonTerms = append(lessonTerms, Term{Name: g.Title, Path: p, Count: len(g.Lessons)})
		add("lessons", &Page{Kind: "lessons", Title: "Lessons learned: " + g.Title, Path: p, Groups: []Group{g}})
	}
	add("lessons", &Page{Kind: "lessons", Title: "Lessons learned", Path: pathLessons, Terms: lessonTerms})
	add("digest", &Page{Kind: "digest", Title: "Operational review digest", Path: pathDigest, Groups: b.digest(), Amendments: b.amendments(s.Now.Add(-30 * 24 * time.Hour))})
	add("metrics", &Page{Kind: "metrics", Title: "Metrics", Path: pathMetrics, Metrics: b.metrics()})
	add("search", &Page{Kind: "search", Title: "Search", Path: pathSearch})
	add("404", &Page{Kind: "404", Title: "Page not found", Path: "404.html"})
	b.learnPages(jobs)
	themes := b.learned.report.Themes
	add("themes", &Page{Kind: "themes", Title: "Recurring themes", Path: pathThemes,
		Learn: &Learn{Themes: b.themeViews(themes[:min(len(themes), maxThemes)]), ThemeCount: len(themes)}})
	return jobs
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func pluralTitle(t string) string {
	switch t {
	case "Severity":
		return "Severities"
	case "Status":
		return "Statuses"
	}
	return t + "s"
}

// addList adds the pages of a paginated incident list.
func (b *Assembly) addList(add func(string, *Page), title, dir string, list []*Incident) {
	pages := max(1, (len(list)+b.pageSize-1)/b.pageSize)
	for n := 1; n <= pages; n++ {
		lo, hi := (n-1)*b.pageSize, min(n*b.pageSize, len(list))
		p := &Page{Kind: "list", Title: title, Path: pagePath(dir, n), Incidents: list[lo:hi],
			Pager: &Pager{Page: n, Pages: pages}}
		if n > 1 {
			p.Pager.Prev = pagePath(dir, n-1)
		}
		if n < pages {
			p.Pager.Next = pagePath(dir, n+1)
		}
		add("list", p)
	}
}

func (b *Assembly) home() *Home {
	s := b.site
	h := &Home{Latest: s.Incidents[:min(10, len(s.Incidents))], Total: len(s.Incidents)}
	since := s.Now.AddDate(0, 0, -90)
	h.BySeverity = make([]SeverityCount, len(s.Severities))
	for i, sev := range s.Severities {
		h.BySeverity[i] = SeverityCount{Name: sev, Path: termPath(pathSeverity, sev)}
	}
	for _, v := range s.Incidents {
		recent := !v.Date.Before(since) && !v.Date.After(s.Now)
		if recent {
			h.Recent++
		}
		if r, ok := b.repo.Config.SeverityRank(v.Severity); ok && v.Severity != "" {
			// "Sev 1" and "SEV1" on a learned scale are one level.
			h.BySeverity[r].Count++
			if recent {
				h.BySeverity[r].Recent++
			}
		}
		h.OpenActions += v.Open
		h.OverdueAction += v.Overdue
	}
	return h
}

// byMonth groups incidents by month, newest first.
func (b *Assembly) byMonth() []Group {
	var groups []Group
	for _, v := range b.site.Incidents {
		title := "Undated"
		if !v.Date.IsZero() {
			title = v.Date.Format("January 2006")
		}
		if len(groups) == 0 || groups[len(groups)-1].Title != title {
			groups = append(groups, Group{Title: title})
		}
		g := &groups[len(groups)-1]
		g.Incidents = append(g.Incidents, v)
	}
	return groups
}

// actionGroups lists action items overdue first, then open, then those
// whose postmortem gives no status, then done. Every item is made once,
// into one list of them all, and the groups are sorted from it into one
// other, each a part of it: an Action is too large to move about (30,000
// of them at 10,000 incidents), and four lists grown by appending took
// two thirds of the time (0.24 of 0.37 CPU-s, two warm 10k builds).
func (b *Assembly) actionGroups() []Group {
	groups := []Group{{Title: "Overdue"}, {Title: "Open"}, {Title: "No status given"}, {Title: "Done"}}
	total := 0
	for _, v := range b.site.Incidents {
		total += len(v.ActionItems)
	}
	all := make([]Action, 0, total)
	in := make([]uint8, 0, total)
	var sizes [4]int
	for _, v := range b.site.Incidents {
		for k := range v.ActionItems {
			act := NewAction(v, k, b.site.Now)
			g := uint8(2)
			switch {
			case act.Overdue:
				g = 0
			case act.Status == postmortem.StatusOpen:
				g = 1
			case act.Status == postmortem.StatusDone:
				g = 3
			}
			all = append(all, act)
			in = append(in, g)
			sizes[g]++
		}
	}
	// The groups, one after another, sorted.
	sorted := make([]Action, 0, total)
	for i := range groups {
		// A stable sort, done on positions in all: the items of a group
		// are in it in the order they were listed.
		order := make([]int, 0, sizes[i])
		for x, g := range in {
			if int(g) == i {
				order = append(order, x)
			}
		}
		slices.SortFunc(order, func(x, y int) int {
			a, c := &all[x], &all[y]
			if d := a.Due.Compare(c.Due); d != 0 && i < 3 {
				if a.Due.IsZero() {
					return 1
				}
				if c.Due.IsZero() {
					return -1
				}
				return d
			}
			if d := strings.Compare(a.Owner, c.Owner); d != 0 {
				return d
			}
			return x - y
		})
		lo := len(sorted)
		for _, x := range order {
			sorted = append(sorted, all[x])
		}
		groups[i].Actions = sorted[lo:len(sorted):len(sorted)]
	}
	return groups
}

// lessonGroups groups the lessons of incidents by tag. Spellings of a tag
// that share its page (Database, database) share its group, named as the
// newest incident spells it, as the tag pages are.
func (b *Assembly) lessonGroups() []Group {
	byTag := map[string]*Group{}
	for _, v := range b.site.Incidents {
		if v.Lessons == "" {
			continue
		}
		tags := v.Tags
		if len(tags) == 0 {
			tags = []string{"untagged"}
		}
		for _, t := range tags {
			key := termPath(pathTags, t)
			g := byTag[key]
			if g == nil {
				g = &Group{Title: t, Path: key}
				byTag[key] = g
			}
			if n := len(g.Lessons); n == 0 || g.Lessons[n-1].Incident != v {
				g.Lessons = append(g.Lessons, Lesson{Incident: v, HTML: v.Lessons})
			}
		}
	}
	var groups []Group
	for _, g := range byTag {
		groups = append(groups, *g)
	}
	sort.Slice(groups, func(i, j int) bool {
		if len(groups[i].Lessons) != len(groups[j].Lessons) {
			return len(groups[i].Lessons) > len(groups[j].Lessons)
		}
		return groups[i].Title < groups[j].Title
	})
	return groups
}

// digest lists postmortems changed in Git in the last 7 and 30 days.
func (b *Assembly) digest() []Group {
	groups := []Group{{Title: "Changed in the last 7 days"}, {Title: "Changed in the last 30 days"}}
	var list []*Incident
	for _, v := range b.site.Incidents {
		if v.History != nil && !v.History.Updated.IsZero() {
			list = append(list, v)
		}
	}
	slices.SortStableFunc(list, func(a, c *Incident) int { return c.History.Updated.Compare(a.History.Updated) })
	for _, v := range list {
		age := b.site.Now.Sub(v.History.Updated)
		switch {
		case age <= 7*24*time.Hour:
			groups[0].Incidents = append(groups[0].Incidents, v)
		case age <= 30*24*time.Hour:
			groups[1].Incidents = append(groups[1].Incidents, v)
		}
	}
	return groups
}
