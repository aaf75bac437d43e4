package site

import (
	"cmp"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/chart"
	"github.com/inquest-dev/inquest/pkg/insight"
)

// metrics computes the metrics page: charts drawn as inline SVG at build
// time, readable without JavaScript, each followed by a table of its
// figures. Outage figures leave out near misses and investigations.
func (b *Assembly) metrics() *Metrics {
	s := b.site
	r := b.learned.report
	m := &Metrics{Note: distributionNote}
	for _, k := range r.Kinds {
		t := Term{Name: k.Name, Count: k.Count}
		if k.Count > 0 {
			t.Path = termPath(pathKinds, k.Name)
		}
		m.Kinds = append(m.Kinds, t)
	}
	// Outages per month by severity, the last 24 months up to Now.
	months := make([]time.Time, 24)
	first := time.Date(s.Now.Year(), s.Now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -23, 0)
	for i := range months {
		months[i] = first.AddDate(0, i, 0)
	}
	series := make([]chart.Series, len(s.Severities)+1)
	for i := range series {
		series[i] = chart.Series{Name: "other", Values: make([]int, len(months)), Class: "s" + itoa(min(i+1, 5))}
		if i < len(s.Severities) {
			series[i].Name = s.Severities[i]
		}
	}
	tagCount, svcCount := map[string]int{}, map[string]int{}
	for _, v := range s.Incidents {
		for _, t := range v.Tags {
			tagCount[t]++
		}
		for _, sv := range v.Services {
			svcCount[sv]++
		}
		if !v.IsOutage() || v.Date.Before(first) {
			continue
		}
		i := (v.Date.Year()-first.Year())*12 + int(v.Date.Month()) - int(first.Month())
		if i < 0 || i >= len(months) {
			continue
		}
		r, ok := b.repo.Config.SeverityRank(v.Severity)
		if !ok {
			r = len(s.Severities)
		}
		series[r].Values[i]++
	}
	labels := make([]string, len(months))
	for i, mo := range months {
		labels[i] = mo.Format("Jan 06")
		m.Months = append(m.Months, MonthCount{Month: labels[i]})
		for _, se := range series {
			m.Months[i].Count += se.Values[i]
		}
	}
	if len(s.Severities) == 0 {
		// A repository that rates no incident: one series, no "other".
		series[0].Name = "incidents"
		m.PerMonth = chart.Stacked("Outages per month", "outages", labels, series)
	} else {
		m.PerMonth = chart.Stacked("Outages per month by severity", "outages", labels, series)
	}
	for _, p := range r.Phases {
		m.Phases = append(m.Phases, b.phaseView(p))
	}
	m.Follow = b.followView(r.Follow)
	m.ThemeCount = len(r.Themes)
	m.Themes = b.themeViews(r.Themes[:min(5, len(r.Themes))])
	var fbars []chart.Bar
	for _, c := range r.Factors {
		t := Term{Name: c.Name, Count: c.Count}
		if c.Count > 0 && c.Name != insight.NoFactors {
			// Only factors some record names have a page.
			t.Path = termPath(pathFactors, c.Name)
		}
		m.Factors = append(m.Factors, t)
		fbars = append(fbars, chart.Bar{Label: c.Name, Value: float64(c.Count), Text: itoa(c.Count)})
	}
	m.FactorChart = chart.Bars("Records by contributing factor", fbars)
	m.TopTags, m.Tags = topBars(tagCount, "Top tags", pathTags)
	m.TopServices, m.Services = topBars(svcCount, "Top services", pathServices)
	return m
}

// topBars charts the ten largest counts, and lists them as terms of kind.
func topBars(counts map[string]int, title, kind string) (template.HTML, []Term) {
	var list []Term
	for k, v := range counts {
		list = append(list, Term{Name: k, Path: termPath(kind, k), Count: v})
	}
	slices.SortFunc(list, func(a, b Term) int { return cmp.Or(b.Count-a.Count, strings.Compare(a.Name, b.Name)) })
	list = list[:min(10, len(list))]
	bars := make([]chart.Bar, len(list))
	for i, e := range list {
		bars[i] = chart.Bar{Label: e.Name, Value: float64(e.Count), Text: itoa(e.Count)}
	}
	return chart.Bars(title, bars), list
}
