// Package chart draws the site's charts as inline SVG at build time. The
// charts have no viewBox: horizontal positions are percentages of the
// width and text is drawn at its CSS size, so that a chart as wide as a
// phone's screen keeps its labels as readable as on a desktop (a scaled
// viewBox shrinks 12 px text to 7 px at 390 px). Every text is escaped;
// every chart has a title and a label for screen readers, which the page
// follows with a table of the same figures.
package chart

import (
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"
	"time"
)

// FontSize is the size of chart text in CSS pixels (the theme's .chart
// .label); layouts below leave room for it.
const FontSize = 12

// pct writes a percentage for an SVG coordinate.
func pct(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f*100), "0"), ".") + "%"
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// open starts an svg element of height h with a title.
func open(b *strings.Builder, class string, h int, title string) {
	fmt.Fprintf(b, `<svg class="chart %s" role="img" width="100%%" height="%d" aria-label="%s" font-size="%d"><title>%s</title>`, class, h, esc(title), FontSize, esc(title))
}

// Duration writes a duration the way an incident review says it: "17
// min", "2 h 5 min", "3 d 4 h".
func Duration(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	switch {
	case d > 0 && m == 0:
		return "<1 min"
	case m < 60:
		return fmt.Sprintf("%d min", m)
	case m < 24*60:
		if m%60 == 0 {
			return fmt.Sprintf("%d h", m/60)
		}
		return fmt.Sprintf("%d h %d min", m/60, m%60)
	}
	h := m / 60
	if h%24 == 0 {
		return fmt.Sprintf("%d d", h/24)
	}
	return fmt.Sprintf("%d d %d h", h/24, h%24)
}

// DistRow is one row of a distribution chart: a histogram over the bins
// of the chart's edges, with its median and 90th percentile marked.
type DistRow struct {
	// Label names the row ("SEV1", "2024") and Note gives its figures
	// ("12 incidents, p50 42 min, p90 3 h"); they are drawn above it.
	Label, Note string
	Bins        []int
	P50, P90    time.Duration
}

// Distributions draws rows of histograms on one logarithmic time axis.
// edges are the upper bounds of the bins (a bin beyond the last holds the
// rest), four to a factor of ten, as insight.BinEdges gives them.
func Distributions(title string, edges []time.Duration, rows []DistRow) template.HTML {
	// Each row's label and figures take a line each: on one line they
	// run past a phone's width.
	const rowH, labelH, stripH, axisH = 62, 32, 24, 34
	n := len(edges) + 1
	h := rowH*len(rows) + axisH
	var b strings.Builder
	open(&b, "dist", h, title)
	x := func(d time.Duration) float64 { return logX(d, edges) }
	for r, row := range rows {
		y := r * rowH
		fmt.Fprintf(&b, `<text x="0" y="%d" class="label" font-weight="bold">%s</text>`, y+13, esc(row.Label))
		fmt.Fprintf(&b, `<text x="0" y="%d" class="label">%s</text>`, y+labelH-4, esc(row.Note))
		top := 1
		for _, c := range row.Bins {
			top = max(top, c)
		}
		base := y + labelH + stripH
		fmt.Fprintf(&b, `<line x1="0" x2="100%%" y1="%d" y2="%d" class="grid" stroke="currentColor" stroke-opacity=".25"/>`, base, base)
		for i, c := range row.Bins {
			if c == 0 {
				continue
			}
			bh := max(2, int(math.Round(float64(c)/float64(top)*float64(stripH-2))))
			fmt.Fprintf(&b, `<rect x="%s" y="%d" width="%s" height="%d" class="bar"><title>%s: %d</title></rect>`,
				pct((float64(i)+0.08)/float64(n)), base-bh, pct(0.84/float64(n)), bh, esc(binLabel(edges, i)), c)
		}
		if row.P50 > 0 {
			fmt.Fprintf(&b, `<line x1="%[1]s" x2="%[1]s" y1="%d" y2="%d" stroke="currentColor" stroke-width="2"><title>p50 %s</title></line>`, pct(x(row.P50)), base-stripH, base+3, esc(Duration(row.P50)))
		}
		if row.P90 > 0 {
			fmt.Fprintf(&b, `<line x1="%[1]s" x2="%[1]s" y1="%d" y2="%d" stroke="currentColor" stroke-width="2" stroke-dasharray="3 2"><title>p90 %s</title></line>`, pct(x(row.P90)), base-stripH, base+3, esc(Duration(row.P90)))
		}
	}
	y := rowH * len(rows)
	for _, t := range []struct {
		d     time.Duration
		label string
	}{{time.Minute, "1 min"}, {10 * time.Minute, "10 min"}, {time.Hour, "1 h"}, {6 * time.Hour, "6 h"}, {24 * time.Hour, "1 d"}, {7 * 24 * time.Hour, "7 d"}} {
		if t.d > edges[len(edges)-1] {
			break
		}
		fmt.Fprintf(&b, `<line x1="%[1]s" x2="%[1]s" y1="%d" y2="%d" stroke="currentColor" stroke-opacity=".5"/>`, pct(x(t.d)), y, y+4)
		// A tick label near an edge is anchored inside the chart.
		anchor := "middle"
		switch {
		case x(t.d) < 0.08:
			anchor = "start"
		case x(t.d) > 0.92:
			anchor = "end"
		}
		fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="%s" class="label">%s</text>`, pct(x(t.d)), y+16, anchor, t.label)
	}
	fmt.Fprintf(&b, `<text x="0" y="%d" class="label">time since the start, log scale</text>`, y+31)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// logX places d on the axis of Distributions, 0 to 1: bin i spans i/n to
// (i+1)/n, and d is placed within its bin on a log scale between the
// bin's edges (the middle of the first and the open last bin).
func logX(d time.Duration, edges []time.Duration) float64 {
	n := float64(len(edges) + 1)
	i, _ := slices.BinarySearch(edges, d)
	if i == 0 || i == len(edges) {
		return (float64(i) + 0.5) / n
	}
	lo, hi := edges[i-1].Seconds(), edges[i].Seconds()
	return (float64(i) + math.Log(d.Seconds()/lo)/math.Log(hi/lo)) / n
}

// binLabel names bin i of edges: "≤ 1 min", "1 min to 2 min", "> 22 d".
func binLabel(edges []time.Duration, i int) string {
	switch {
	case i == 0:
		return "up to " + Duration(edges[0])
	case i >= len(edges):
		return "over " + Duration(edges[len(edges)-1])
	}
	return Duration(edges[i-1]) + " to " + Duration(edges[i])
}

// Bar is one bar of a bar chart.
type Bar struct {
	Label string
	Value float64
	// Text is the value as written beside the bar.
	Text string
}

// Bars draws a horizontal bar chart, the label above each bar.
func Bars(title string, bars []Bar) template.HTML {
	const rowH = 34
	top := 0.0
	for _, r := range bars {
		top = max(top, r.Value)
	}
	var b strings.Builder
	open(&b, "bars", rowH*len(bars)+4, title)
	for i, r := range bars {
		y := i * rowH
		w := 0.0
		if top > 0 {
			w = r.Value / top * 0.82
		}
		fmt.Fprintf(&b, `<text x="0" y="%d" class="label">%s</text>`, y+13, esc(r.Label))
		fmt.Fprintf(&b, `<rect x="0" y="%d" width="%s" height="12" class="bar"/>`, y+17, pct(w))
		fmt.Fprintf(&b, `<text x="%s" y="%d" class="value">%s</text>`, pct(w+0.015), y+28, esc(r.Text))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Series is one series of a column chart.
type Series struct {
	Name   string
	Values []int
	// Class is the theme's class of its columns ("bar", "s2").
	Class string
}

// Columns draws columns over time, the series side by side in each
// period, with a legend; every third period is labelled when there are
// many, so that labels do not run into each other on a phone.
func Columns(title, unit string, periods []string, series []Series) template.HTML {
	return columns(title, unit, periods, series, false)
}

// Stacked is Columns with the series stacked in each period.
func Stacked(title, unit string, periods []string, series []Series) template.HTML {
	return columns(title, unit, periods, series, true)
}

func columns(title, unit string, periods []string, series []Series, stacked bool) template.HTML {
	const plotH, top, axisH = 120, 18, 40
	// The legend wraps onto another line past 330 px, about a phone's
	// width.
	type at struct{ x, y int }
	var legend []at
	if len(series) > 1 {
		x, y := 0, top+plotH+24
		for _, se := range series {
			w := 15 + 8*len([]rune(se.Name)) + 12
			if x > 0 && x+w > 330 {
				x, y = 0, y+16
			}
			legend = append(legend, at{x, y})
			x += w
		}
	}
	h := top + plotH + axisH
	if len(legend) > 0 {
		h = legend[len(legend)-1].y + 16
	}
	most := 1
	for i := range periods {
		sum := 0
		for _, s := range series {
			if i < len(s.Values) {
				sum += s.Values[i]
				most = max(most, s.Values[i])
			}
		}
		if stacked {
			most = max(most, sum)
		}
	}
	var b strings.Builder
	open(&b, "columns", h, title)
	base := top + plotH
	if most == 1 {
		unit = strings.TrimSuffix(unit, "s") // "1 incident"
	}
	fmt.Fprintf(&b, `<text x="0" y="12" class="label">%d %s</text>`, most, esc(unit))
	fmt.Fprintf(&b, `<line x1="0" x2="100%%" y1="%d" y2="%d" stroke="currentColor" stroke-opacity=".25"/>`, top, top)
	fmt.Fprintf(&b, `<line x1="0" x2="100%%" y1="%d" y2="%d" stroke="currentColor" stroke-opacity=".5"/>`, base, base)
	n := max(1, len(periods))
	every := 1 + (n-1)/6
	w := 1 / float64(n)
	for i, p := range periods {
		y := base
		for s, se := range series {
			v := 0
			if i < len(se.Values) {
				v = se.Values[i]
			}
			if v == 0 {
				continue
			}
			ch := max(1, int(math.Round(float64(v)/float64(most)*plotH)))
			x, sw := float64(i)*w+w*0.1, w*0.8
			if stacked {
				y -= ch
			} else {
				sw /= float64(len(series))
				x += float64(s) * sw
				y = base - ch
			}
			fmt.Fprintf(&b, `<rect x="%s" y="%d" width="%s" height="%d" class="%s"><title>%s %s: %d</title></rect>`,
				pct(x), y, pct(sw), ch, esc(se.Class), esc(p), esc(se.Name), v)
		}
		if i%every == 0 {
			fmt.Fprintf(&b, `<text x="%s" y="%d" class="label">%s</text>`, pct(float64(i)*w+w*0.1), base+15, esc(p))
		}
	}
	for i, l := range legend {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="11" height="11" class="%s"/><text x="%d" y="%d" class="label">%s</text>`, l.x, l.y, esc(series[i].Class), l.x+15, l.y+10, esc(series[i].Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
