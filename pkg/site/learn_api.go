package site

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/inquest-dev/inquest/pkg/insight"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// The JSON form of the metrics page's figures, api/metrics.json. Like
// api/incidents.json: snake_case keys, durations in seconds, times in RFC
// 3339 UTC, and incidents named by id with their page's URL.

type jsonMetrics struct {
	Generated string `json:"generated"`
	Note      string `json:"note"`
	// BinEdges are the upper bounds of the histogram bins, in seconds;
	// a distribution's bins has one more, for longer durations.
	BinEdges      []int64              `json:"bin_edges_seconds"`
	Kinds         map[string]int       `json:"kinds"`
	Phases        map[string]jsonPhase `json:"phases"`
	FollowThrough jsonFollow           `json:"follow_through"`
	Themes        []jsonTheme          `json:"themes"`
	Factors       []jsonCount          `json:"factors"`
	Services      []jsonService        `json:"services"`
}

type jsonDist struct {
	Label   string    `json:"label,omitempty"`
	Count   int       `json:"count"`
	P50     int64     `json:"p50,omitempty"`
	P90     int64     `json:"p90,omitempty"`
	Max     int64     `json:"max,omitempty"`
	Mean    int64     `json:"mean,omitempty"`
	Bins    []int     `json:"bins,omitempty"`
	Longest []jsonRef `json:"longest,omitempty"`
}

type jsonRef struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	URL     string `json:"url"`
	Seconds int64  `json:"seconds,omitempty"`
}

type jsonPhase struct {
	All        jsonDist   `json:"all"`
	BySeverity []jsonDist `json:"by_severity"`
	ByYear     []jsonDist `json:"by_year"`
}

type jsonCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

type jsonQuarter struct {
	Quarter string `json:"quarter"`
	Opened  int    `json:"opened"`
	Closed  int    `json:"closed"`
}

type jsonItem struct {
	Incident string `json:"incident"`
	URL      string `json:"url"`
	Title    string `json:"title"`
	Owner    string `json:"owner,omitempty"`
	Line     int    `json:"line,omitempty"`
	// Again is the id of the later incident it was still open at.
	Again string `json:"again,omitempty"`
}

type jsonFollow struct {
	Total       int           `json:"total"`
	Open        int           `json:"open"`
	Done        int           `json:"done"`
	Unknown     int           `json:"unknown"`
	Quarters    []jsonQuarter `json:"quarters"`
	TimeToClose jsonDist      `json:"time_to_close"`
	OpenedFrom  []jsonCount   `json:"opened_from"`
	ClosedFrom  []jsonCount   `json:"closed_from"`
	Aging       []jsonCount   `json:"aging"`
	ByOwner     []jsonCount   `json:"by_owner"`
	ByService   []jsonCount   `json:"by_service"`
	// OpenAtRecurrence are the first maxJSONItems of the
	// OpenAtRecurrenceCount items still open when an incident they
	// recur with happened, the most recent recurrence first.
	OpenAtRecurrence      []jsonItem `json:"open_at_recurrence"`
	OpenAtRecurrenceCount int        `json:"open_at_recurrence_count"`
}

type jsonTheme struct {
	Service   string   `json:"service"`
	Incidents []string `json:"incidents"`
	Factors   []string `json:"factors,omitempty"`
	Words     []string `json:"words,omitempty"`
	First     string   `json:"first"`
	Last      string   `json:"last"`
	Months    int      `json:"months"`
	// OpenItems are the first maxJSONItems of its OpenCount open items.
	OpenItems []jsonItem `json:"open_items,omitempty"`
	OpenCount int        `json:"open_count"`
	// OpenFromFirst counts the open items of the oldest incident.
	OpenFromFirst int `json:"open_from_first"`
}

type jsonService struct {
	Name      string              `json:"name"`
	URL       string              `json:"url"`
	Incidents int                 `json:"incidents"`
	Kinds     map[string]int      `json:"kinds"`
	InCatalog bool                `json:"in_catalog"`
	Owner     string              `json:"owner,omitempty"`
	Tier      string              `json:"tier,omitempty"`
	Phases    map[string]jsonDist `json:"phases"`
	OpenItems int                 `json:"open_items"`
}

// maxJSONItems is how many action items a list of api/metrics.json
// holds; its count says how many there are (a large repository has
// thousands, and incidents.json has every one).
const maxJSONItems = 50

func seconds(d time.Duration) int64 { return int64(d / time.Second) }

func (b *Assembly) jsonDist(d insight.Distribution) jsonDist {
	j := jsonDist{Label: d.Label, Count: d.Count, P50: seconds(d.P50), P90: seconds(d.P90), Max: seconds(d.Max), Mean: seconds(d.Mean), Bins: d.Bins}
	for _, s := range d.Longest {
		j.Longest = append(j.Longest, jsonRef{ID: s.Incident.ID, Title: s.Title(), URL: b.incidentURL(s.Incident), Seconds: seconds(s.Value)})
	}
	return j
}

func (b *Assembly) incidentURL(inc *postmortem.Incident) string {
	if v := b.bySource[inc.Source]; v != nil {
		return b.absURL(v.Path)
	}
	return ""
}

func (b *Assembly) jsonItem(it insight.Item, again *postmortem.Incident) jsonItem {
	a := it.Action()
	j := jsonItem{Incident: it.Incident.ID, URL: b.incidentURL(it.Incident), Title: a.Title, Owner: a.Owner, Line: a.Line}
	if again != nil {
		j.Again = again.ID
	}
	return j
}

func jsonCounts(cs []insight.Count) []jsonCount {
	out := make([]jsonCount, len(cs))
	for i, c := range cs {
		out[i] = jsonCount{c.Name, c.Count}
	}
	return out
}

// metricsJSON is api/metrics.json.
func (b *Assembly) metricsJSON() ([]outFile, error) {
	r := b.learned.report
	j := jsonMetrics{Generated: isoTime(b.site.Now), Note: distributionNote, Kinds: map[string]int{}, Phases: map[string]jsonPhase{},
		Themes: []jsonTheme{}, Services: []jsonService{}}
	for _, e := range insight.BinEdges() {
		j.BinEdges = append(j.BinEdges, seconds(e))
	}
	for _, k := range r.Kinds {
		j.Kinds[k.Name] = k.Count
	}
	for _, p := range r.Phases {
		jp := jsonPhase{All: b.jsonDist(p.All), BySeverity: []jsonDist{}, ByYear: []jsonDist{}}
		for _, d := range p.BySeverity {
			jp.BySeverity = append(jp.BySeverity, b.jsonDist(d))
		}
		for _, d := range p.ByYear {
			jp.ByYear = append(jp.ByYear, b.jsonDist(d))
		}
		j.Phases[string(p.Phase)] = jp
	}
	f := r.Follow
	jf := jsonFollow{Total: f.Total, Open: f.Open, Done: f.Done, Unknown: f.Unknown, TimeToClose: b.jsonDist(f.TimeToClose),
		OpenedFrom: jsonCounts(f.OpenedFrom), ClosedFrom: jsonCounts(f.ClosedFrom), Aging: jsonCounts(f.Aging),
		ByOwner: jsonCounts(f.ByOwner), ByService: jsonCounts(f.ByService), Quarters: []jsonQuarter{}, OpenAtRecurrence: []jsonItem{}}
	for _, q := range f.Quarters {
		jf.Quarters = append(jf.Quarters, jsonQuarter{q.Quarter, q.Opened, q.Closed})
	}
	jf.OpenAtRecurrenceCount = len(f.Carried)
	for _, c := range f.Carried[:min(len(f.Carried), maxJSONItems)] {
		jf.OpenAtRecurrence = append(jf.OpenAtRecurrence, b.jsonItem(c.Item, c.Again))
	}
	j.FollowThrough = jf
	for _, t := range r.Themes {
		jt := jsonTheme{Service: t.Service, Factors: t.Factors, Words: t.Words, First: civilDate(t.First), Last: civilDate(t.Last), Months: t.Months(), OpenFromFirst: t.FromFirst}
		for _, inc := range t.Incidents {
			jt.Incidents = append(jt.Incidents, inc.ID)
		}
		jt.OpenCount = len(t.Open)
		for _, it := range t.Open[:min(len(t.Open), maxJSONItems)] {
			jt.OpenItems = append(jt.OpenItems, b.jsonItem(it, nil))
		}
		j.Themes = append(j.Themes, jt)
	}
	j.Factors = jsonCounts(r.Factors)
	j.Services = b.jsonServices()
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", metricsAPI, err)
	}
	return []outFile{{metricsAPI, append(data, '\n')}}, nil
}

// jsonServices describes every service the published records name, in
// the order of their newest incident, newest first.
func (b *Assembly) jsonServices() []jsonService {
	type group struct {
		name string
		incs []*postmortem.Incident
	}
	var order []string
	by := map[string]*group{}
	for _, v := range b.site.Incidents {
		for _, s := range v.Services {
			p := termPath(pathServices, s)
			if by[p] == nil {
				by[p] = &group{name: s}
				order = append(order, p)
			}
			by[p].incs = append(by[p].incs, v.Incident)
		}
	}
	out := make([]jsonService, 0, len(order))
	for _, p := range order {
		g := by[p]
		js := jsonService{Name: g.name, URL: b.absURL(p), Incidents: len(g.incs), Kinds: map[string]int{}, Phases: map[string]jsonDist{}}
		if e, ok := b.learned.catalog.Lookup(g.name); ok {
			js.InCatalog, js.Owner, js.Tier = true, e.Owner, e.Tier
		}
		for _, inc := range g.incs {
			js.Kinds[inc.Kind]++
			for _, a := range inc.ActionItems {
				if a.Status == postmortem.StatusOpen {
					js.OpenItems++
				}
			}
		}
		for _, ph := range insight.Phases() {
			d := insight.Distribute("", insight.Samples(g.incs, ph), 0)
			d.Bins = nil
			js.Phases[string(ph)] = b.jsonDist(d)
		}
		out = append(out, js)
	}
	return out
}

func civilDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}
