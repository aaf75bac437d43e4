package site

import (
	"context"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/chart"
	"github.com/inquest-dev/inquest/pkg/insight"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// The pages of learning from incidents: recurring themes, and the API file
// of the metrics page's figures.
const (
	pathThemes  = "themes/"
	pathFactors = "factors/"
	pathKinds   = "kinds/"
	metricsAPI  = "api/metrics.json"
)

// distributionNote is the one sentence each page with durations says about
// why it shows distributions.
const distributionNote = "Incident durations are heavy-tailed: a few long incidents pull an average far from the typical one, so durations are shown as distributions, with the median (p50), the 90th percentile (p90) and the count, never a mean alone."

// learning is what a build learned across its incidents.
type learning struct {
	report  *insight.Report
	catalog *insight.Catalog
	// catalogRead is set once the catalog was read (it is read once per
	// build, not on every update: editing it builds the whole site).
	catalogRead bool
}

// Seen is an earlier incident an incident recurs with.
type Seen struct {
	Incident *Incident
	// Before says how long before: "14 months", "3 days".
	Before   string
	Services []string
	Factors  []string
	Words    []string
}

// Learn reads the service catalog (once) and finds recurrence, the
// follow-through and the distributions of the published incidents. It
// runs after related incidents are known: the related-incidents list
// counts towards recurrence. It stops at the first step after ctx is
// done, with its error.
func (b *Assembly) Learn(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l := &b.learned
	if !l.catalogRead {
		l.catalogRead = true
		c, err := insight.ReadCatalog(b.repo.Root)
		if err != nil {
			b.repo.Warnings = append(b.repo.Warnings, err.Error()+"; the site is built without the service catalog")
		}
		l.catalog = c
	}
	incs := b.site.Incidents
	models := make([]*postmortem.Incident, len(incs))
	of := make(map[*postmortem.Incident]*Incident, len(incs))
	for i, v := range incs {
		models[i] = v.Incident
		of[v.Incident] = v
	}
	cfg := b.repo.Config
	// The recurrence is what Learn puts in views and the report; it is not
	// kept (at 10,000 incidents its matches alone are 60 MB).
	rec := insight.NewRecurrence(models, insight.RecurOptions{
		Factor: cfg.Factor,
		Related: func(inc *postmortem.Incident) []*postmortem.Incident {
			v := of[inc]
			out := make([]*postmortem.Incident, 0, len(v.Related))
			for _, o := range v.Related {
				out = append(out, o.Incident)
			}
			return out
		},
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, v := range incs {
		v.SeenBefore = nil
		for _, m := range rec.SeenBefore(v.Incident, 5) {
			v.SeenBefore = append(v.SeenBefore, Seen{Incident: of[m.Incident], Before: howLong(m.Before), Services: m.Services, Factors: m.Factors, Words: m.Words})
		}
	}
	l.report = insight.Analyze(models, insight.Options{Now: b.site.Now, Severities: b.site.Severities, Rank: cfg.SeverityRank, Factors: cfg.Factors, Dates: insight.GitDates, Recurrence: rec})
	return ctx.Err()
}

// howLong writes a time between two dates roughly: "3 days", "5 weeks",
// "14 months", "2 years".
func howLong(d time.Duration) string {
	days := int(d.Hours() / 24)
	switch {
	case days < 14:
		return plural(days, "day")
	case days < 60:
		return plural(days/7, "week")
	case days < 730:
		return plural(int(float64(days)/30.44+0.5), "month")
	}
	return plural(days/365, "year")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return itoa(n) + " " + word + "s"
}

// ThemeView is a recurring theme as a page shows it.
type ThemeView struct {
	Service     string
	ServicePath string
	Incidents   []*Incident
	Factors     []string
	Words       []string
	// Summary is "3 incidents in 14 months; 2 action items from the
	// first still open".
	Summary string
	Open    []Action
	// OpenCount counts all of its open items; Open lists at most
	// maxThemeOpen of them.
	OpenCount int
	// More counts the incidents of the theme not listed.
	More int
}

// maxThemeOpen is how many open items of a theme a page lists; the rest
// are counted (a theme of a large repository has hundreds).
const maxThemeOpen = 10

// themeViews shows themes, listing at most maxThemeIncidents incidents of
// each.
func (b *Assembly) themeViews(themes []insight.Theme) []ThemeView {
	out := make([]ThemeView, 0, len(themes))
	for _, t := range themes {
		tv := ThemeView{Service: t.Service, ServicePath: termPath(pathServices, t.Service), Factors: t.Factors, Words: t.Words}
		for _, inc := range t.Incidents[:min(len(t.Incidents), maxThemeIncidents)] {
			if v := b.bySource[inc.Source]; v != nil {
				tv.Incidents = append(tv.Incidents, v)
			}
		}
		tv.More = len(t.Incidents) - len(tv.Incidents)
		tv.Summary = fmt.Sprintf("%s in %s", plural(len(t.Incidents), "incident"), plural(t.Months(), "month"))
		switch {
		case t.FromFirst > 0:
			tv.Summary += fmt.Sprintf("; %s from the first still open", plural(t.FromFirst, "action item"))
			if rest := len(t.Open) - t.FromFirst; rest > 0 {
				tv.Summary += fmt.Sprintf(", %d more from later ones", rest)
			}
		case len(t.Open) > 0:
			tv.Summary += fmt.Sprintf("; %s still open", plural(len(t.Open), "action item"))
		default:
			tv.Summary += "; no action item open"
		}
		tv.OpenCount = len(t.Open)
		for _, it := range t.Open[:min(len(t.Open), maxThemeOpen)] {
			if v := b.bySource[it.Incident.Source]; v != nil {
				tv.Open = append(tv.Open, NewAction(v, it.Index, b.site.Now))
			}
		}
		out = append(out, tv)
	}
	return out
}

// DistView is one distribution as a table row shows it.
type DistView struct {
	Label               string
	Count               int
	P50, P90, Max, Mean string
}

func distView(d insight.Distribution) DistView {
	return DistView{Label: d.Label, Count: d.Count, P50: chart.Duration(d.P50), P90: chart.Duration(d.P90), Max: chart.Duration(d.Max), Mean: chart.Duration(d.Mean)}
}

// PhaseView is one phase (time to detect, mitigate, resolve) on a page.
type PhaseView struct {
	Title string
	// BySeverity and ByYear are the charts; their tables are Severity
	// and Year.
	BySeverity, ByYear template.HTML
	All                DistView
	Severity, Year     []DistView
	// Longest are the longest incidents of the phase.
	Longest []Longest
}

// Longest is one of the longest incidents of a phase.
type Longest struct {
	Incident *Incident
	Title    string
	Value    string
}

var phaseTitles = map[insight.Phase]string{insight.Detect: "Time to detect", insight.Mitigate: "Time to mitigate", insight.Resolve: "Time to resolve"}

// distRows turns distributions into chart rows.
func distRows(ds []insight.Distribution) []chart.DistRow {
	out := make([]chart.DistRow, len(ds))
	for i, d := range ds {
		out[i] = chart.DistRow{Label: d.Label, Note: fmt.Sprintf("%s, p50 %s, p90 %s", plural(d.Count, "incident"), chart.Duration(d.P50), chart.Duration(d.P90)), Bins: d.Bins, P50: d.P50, P90: d.P90}
	}
	return out
}

func (b *Assembly) phaseView(p insight.PhaseReport) PhaseView {
	t := phaseTitles[p.Phase]
	pv := PhaseView{Title: t, All: distView(p.All)}
	edges := insight.BinEdges()
	if len(p.BySeverity) > 0 {
		pv.BySeverity = chart.Distributions(t+" by severity", edges, distRows(p.BySeverity))
	}
	if len(p.ByYear) > 0 {
		pv.ByYear = chart.Distributions(t+" by year", edges, distRows(p.ByYear))
	}
	for _, d := range p.BySeverity {
		pv.Severity = append(pv.Severity, distView(d))
	}
	for _, d := range p.ByYear {
		pv.Year = append(pv.Year, distView(d))
	}
	for _, s := range p.All.Longest {
		if v := b.bySource[s.Incident.Source]; v != nil {
			pv.Longest = append(pv.Longest, Longest{Incident: v, Title: s.Title(), Value: chart.Duration(s.Value)})
		}
	}
	return pv
}

// FollowView is the follow-through of action items on a page.
type FollowView struct {
	insight.FollowThrough
	// Flow charts Quarters (the last twelve); Aging, ByOwner and
	// ByService chart the counts of those names.
	Flow, AgingChart, OwnerChart, ServiceChart template.HTML
	Close                                      DistView
	// Dates says where the dates come from, in a sentence.
	Dates string
	// CarriedActions are the first items of Carried, as actions, with
	// the incident each recurred in; CarriedMore counts the rest.
	CarriedActions []CarriedAction
	CarriedMore    int
}

// CarriedAction is an item still open when its incident recurred.
type CarriedAction struct {
	Action
	Again *Incident
}

// maxCarried is how many items still open at a recurrence a page lists.
const maxCarried = 25

func (b *Assembly) followView(f insight.FollowThrough) *FollowView {
	fv := &FollowView{FollowThrough: f, Close: distView(f.TimeToClose)}
	q := f.Quarters[max(0, len(f.Quarters)-12):]
	periods := make([]string, len(q))
	opened, closed := make([]int, len(q)), make([]int, len(q))
	for i, x := range q {
		periods[i], opened[i], closed[i] = x.Quarter, x.Opened, x.Closed
	}
	if len(q) > 0 {
		fv.Flow = chart.Columns("Action items opened and closed per quarter", "items", periods, []chart.Series{{Name: "opened", Values: opened, Class: "bar"}, {Name: "closed", Values: closed, Class: "s3"}})
	}
	bars := func(title string, cs []insight.Count) template.HTML {
		var out []chart.Bar
		for _, c := range cs {
			out = append(out, chart.Bar{Label: c.Name, Value: float64(c.Count), Text: itoa(c.Count)})
		}
		if len(out) == 0 {
			return ""
		}
		return chart.Bars(title, out)
	}
	if f.Open > 0 {
		fv.AgingChart = bars("Open action items by age", f.Aging)
		fv.OwnerChart = bars("Open action items by owner", f.ByOwner)
		fv.ServiceChart = bars("Open action items by service", f.ByService)
	}
	fv.Dates = datesSentence(f)
	for i, c := range f.Carried {
		if i == maxCarried {
			fv.CarriedMore = len(f.Carried) - i
			break
		}
		v, again := b.bySource[c.Incident.Source], b.bySource[c.Again.Source]
		if v != nil && again != nil {
			fv.CarriedActions = append(fv.CarriedActions, CarriedAction{NewAction(v, c.Index, b.site.Now), again})
		}
	}
	return fv
}

// datesSentence says where the follow-through's dates come from.
func datesSentence(f insight.FollowThrough) string {
	list := func(cs []insight.Count) string {
		var parts []string
		for _, c := range cs {
			name := c.Name
			if name == insight.FromGit {
				name = "the commit Git records"
			}
			parts = append(parts, fmt.Sprintf("%s (%d)", name, c.Count))
		}
		if len(parts) == 0 {
			return "nothing"
		}
		return strings.Join(parts, ", ")
	}
	s := "An item is counted as opened on " + list(f.OpenedFrom) + " and, when done, closed on " + list(f.ClosedFrom) + "."
	if slices.ContainsFunc(f.ClosedFrom, func(c insight.Count) bool { return c.Name == insight.FromDueDate }) {
		s += " Where Git does not say when a done item was closed (it was already done when first written, or its file has no history), its due date stands in: for those, the time to close is the time planned, not the time taken."
	}
	return s
}

// SameSeen reports whether two "seen before" lists show the same.
func SameSeen(a, b []Seen) bool {
	return slices.EqualFunc(a, b, func(x, y Seen) bool {
		return x.Incident == y.Incident && x.Before == y.Before && slices.Equal(x.Services, y.Services) &&
			slices.Equal(x.Factors, y.Factors) && slices.Equal(x.Words, y.Words)
	})
}

// dict is the template function that makes a map of its arguments taken
// in pairs, to hand a partial several values.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: an odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
