package site

import (
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// metrics computes the metrics page: charts drawn as inline SVG at build
// time, readable without JavaScript.
func (b *builder) metrics() *Metrics {
	s := b.site
	m := &Metrics{}
	// Incidents per month by severity, the last 24 months up to Now.
	months := make([]time.Time, 24)
	first := time.Date(s.Now.Year(), s.Now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -23, 0)
	for i := range months {
		months[i] = first.AddDate(0, i, 0)
	}
	counts := make([][]int, len(months))
	for i := range counts {
		counts[i] = make([]int, len(s.Severities)+1)
	}
	tagCount, svcCount := map[string]int{}, map[string]int{}
	type q struct{ detect, resolve []time.Duration }
	quarters := map[string]*q{}
	openActions := 0
	for _, v := range s.Incidents {
		if !v.Date.IsZero() && !v.Date.Before(first) {
			i := (v.Date.Year()-first.Year())*12 + int(v.Date.Month()) - int(first.Month())
			if i >= 0 && i < len(months) {
				r, ok := b.repo.Config.SeverityRank(v.Severity)
				if !ok {
					r = len(s.Severities)
				}
				counts[i][r]++
			}
		}
		for _, t := range v.Tags {
			tagCount[t]++
		}
		for _, sv := range v.Services {
			svcCount[sv]++
		}
		if !v.Date.IsZero() {
			key := fmt.Sprintf("%d Q%d", v.Date.Year(), (int(v.Date.Month())-1)/3+1)
			if quarters[key] == nil {
				quarters[key] = &q{}
			}
			if v.Durations.Detect > 0 {
				quarters[key].detect = append(quarters[key].detect, v.Durations.Detect)
			}
			if v.Durations.Resolve > 0 {
				quarters[key].resolve = append(quarters[key].resolve, v.Durations.Resolve)
			}
		}
		for _, a := range v.ActionItems {
			m.TotalActions++
			switch a.Status {
			case postmortem.StatusDone:
				m.DoneActions++
			case postmortem.StatusOpen:
				openActions++
			}
		}
	}
	labels := make([]string, len(months))
	for i, mo := range months {
		labels[i] = mo.Format("Jan 06")
	}
	if len(s.Severities) == 0 {
		// A repository that rates no incident: one series, no "other".
		m.PerMonth = stackedBars(labels, counts, []string{"incidents"}, "Incidents per month")
	} else {
		m.PerMonth = stackedBars(labels, counts, append(slices.Clone(s.Severities), "other"), "Incidents per month by severity")
	}
	keys := make([]string, 0, len(quarters))
	for k := range quarters {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) > 12 {
		keys = keys[len(keys)-12:]
	}
	var qlabels []string
	var qvalues, qdetect []float64
	for _, k := range keys {
		qq := quarters[k]
		st := QuarterStat{Quarter: k, Count: len(qq.resolve)}
		st.MeanDetect, st.MedianDetect = meanMedian(qq.detect)
		st.MeanResolve, st.MedianResolve = meanMedian(qq.resolve)
		m.Quarters = append(m.Quarters, st)
		qlabels = append(qlabels, k)
		qvalues = append(qvalues, st.MedianResolve.Minutes())
		qdetect = append(qdetect, st.MedianDetect.Minutes())
	}
	minutes := func(v float64) string { return humanDuration(time.Duration(v * float64(time.Minute))) }
	m.TimeToDetect = hbarsFmt(qlabels, qdetect, "Median time to detect per quarter", minutes)
	m.TimeToResolve = hbarsFmt(qlabels, qvalues, "Median time to resolve per quarter", minutes)
	m.TopTags = topBars(tagCount, "Top tags")
	m.TopServices = topBars(svcCount, "Top services")
	done, open := 0.0, 0.0
	if m.TotalActions > 0 {
		done = float64(m.DoneActions) / float64(m.TotalActions) * 100
		open = float64(openActions) / float64(m.TotalActions) * 100
	}
	// Items whose postmortem gives no status are neither done nor open.
	m.Completion = hbars([]string{"done", "open", "no status"}, []float64{done, open, max(0, 100-done-open)}, "Action item completion", "%")
	return m
}

func meanMedian(ds []time.Duration) (time.Duration, time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	var sum time.Duration
	for _, d := range sorted {
		sum += d
	}
	med := sorted[len(sorted)/2]
	if len(sorted)%2 == 0 {
		med = (sorted[len(sorted)/2-1] + sorted[len(sorted)/2]) / 2
	}
	return (sum / time.Duration(len(sorted))).Round(time.Minute), med.Round(time.Minute)
}

func topBars(counts map[string]int, title string) template.HTML {
	type kv struct {
		k string
		v int
	}
	var list []kv
	for k, v := range counts {
		list = append(list, kv{k, v})
	}
	slices.SortFunc(list, func(a, b kv) int {
		if a.v != b.v {
			return b.v - a.v
		}
		return strings.Compare(a.k, b.k)
	})
	list = list[:min(10, len(list))]
	labels := make([]string, len(list))
	values := make([]float64, len(list))
	for i, e := range list {
		labels[i], values[i] = e.k, float64(e.v)
	}
	return hbars(labels, values, title, "")
}

// hbars draws a horizontal bar chart with values followed by unit.
func hbars(labels []string, values []float64, title, unit string) template.HTML {
	return hbarsFmt(labels, values, title, func(v float64) string { return trimFloat(v) + unit })
}

// hbarsFmt draws a horizontal bar chart, writing each value with format.
// Every text is escaped.
func hbarsFmt(labels []string, values []float64, title string, format func(float64) string) template.HTML {
	const w, rowH, labelW = 640, 22, 200
	h := rowH*len(labels) + 10
	maxV := 0.0
	for _, v := range values {
		maxV = max(maxV, v)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" viewBox="0 0 %d %d" width="100%%" aria-label="%s"><title>%s</title>`, w, h, esc(title), esc(title))
	for i, l := range labels {
		y := 5 + i*rowH
		bw := 0.0
		if maxV > 0 {
			bw = values[i] / maxV * float64(w-labelW-80)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" class="label">%s</text>`, labelW-8, y+15, esc(l))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" class="bar"/>`, labelW, y+3, bw, rowH-6)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="value">%s</text>`, float64(labelW)+bw+6, y+15, esc(format(values[i])))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// stackedBars draws a vertical stacked bar chart with a legend.
func stackedBars(labels []string, counts [][]int, series []string, title string) template.HTML {
	const w, h, top, bottom, left = 960, 260, 20, 50, 30
	maxV := 1
	for _, c := range counts {
		t := 0
		for _, v := range c {
			t += v
		}
		maxV = max(maxV, t)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" viewBox="0 0 %d %d" width="100%%" aria-label="%s"><title>%s</title>`, w, h+20, esc(title), esc(title))
	colW := float64(w-left) / float64(len(labels))
	scale := float64(h-top-bottom) / float64(maxV)
	fmt.Fprintf(&b, `<text x="0" y="%d" class="value">%d</text><text x="0" y="%d" class="value">0</text>`, top+4, maxV, h-bottom)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="grid"/>`, left, h-bottom, w, h-bottom)
	for i, c := range counts {
		x := float64(left) + float64(i)*colW
		y := float64(h - bottom)
		total := 0
		for si, v := range c {
			if v == 0 {
				continue
			}
			bh := float64(v) * scale
			y -= bh
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="s%d"><title>%s %s: %d</title></rect>`, x+2, y, colW-4, bh, min(si+1, 5), esc(labels[i]), esc(series[si]), v)
			total += v
		}
		if i%3 == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="label" text-anchor="middle">%s</text>`, x+colW/2, h-bottom+16, esc(labels[i]))
		}
	}
	for si, name := range series {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" class="s%d"/><text x="%d" y="%d" class="label">%s</text>`, left+si*110, h, min(si+1, 5), left+si*110+16, h+10, esc(name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func trimFloat(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	return strings.TrimSuffix(s, ".0")
}

func esc(s string) string { return template.HTMLEscapeString(s) }
