package site

import (
	"slices"
	"strconv"
	"time"
)

// An incident's drawn timeline puts its events on an axis of time since
// the first one. One late event (the refunds done the next morning) would
// squeeze every other into the left edge of a linear axis, so a gap longer
// than the rest of the span together (over axisBreakShare of it) is cut
// out: the axis breaks there, saying how long the gap was, and the
// clusters either side keep linear scales of their own.
const (
	axisBreakShare = 0.5
	axisBreakWidth = 6.0 // percent of the axis a break takes
	axisMinWidth   = 4.0 // percent the shortest cluster gets
)

// AxisMark is a labelled position on the drawn timeline's axis: a tick
// ("+1 h") or a break ("14 h later").
type AxisMark struct {
	// X is the position on the default theme's 1,000-wide axis (svgx).
	X     string
	Label string
}

// axisScale maps offsets from the first event to positions 0 to 100.
type axisScale struct {
	segs []axisSeg
}

// axisSeg is a cluster of events drawn linearly from x0 to x1.
type axisSeg struct {
	from, to time.Duration
	x0, x1   float64
}

// newAxisScale makes the scale of a timeline whose timed events are at
// offsets (any order, repeats allowed).
func newAxisScale(offsets []time.Duration) axisScale {
	ds := slices.Clone(offsets)
	slices.Sort(ds)
	ds = slices.Compact(ds)
	if len(ds) == 0 {
		return axisScale{}
	}
	span := ds[len(ds)-1] - ds[0]
	var segs []axisSeg
	start := ds[0]
	for i := 1; i < len(ds); i++ {
		// Three events at least: with two there is nothing to keep apart.
		if len(ds) >= 3 && float64(ds[i]-ds[i-1]) > axisBreakShare*float64(span) {
			segs = append(segs, axisSeg{from: start, to: ds[i-1]})
			start = ds[i]
		}
	}
	segs = append(segs, axisSeg{from: start, to: ds[len(ds)-1]})
	avail := 100 - axisBreakWidth*float64(len(segs)-1)
	var within time.Duration
	for _, s := range segs {
		within += s.to - s.from
	}
	widths := make([]float64, len(segs))
	total := 0.0
	for i, s := range segs {
		w := avail
		if within > 0 {
			w = float64(s.to-s.from) / float64(within) * avail
		}
		widths[i] = max(w, axisMinWidth)
		total += widths[i]
	}
	x := 0.0
	for i := range segs {
		segs[i].x0 = x
		x += widths[i] / total * avail
		segs[i].x1 = x
		x += axisBreakWidth
	}
	return axisScale{segs: segs}
}

// pos is the position of offset d, 0 to 100.
func (a axisScale) pos(d time.Duration) float64 {
	for i, s := range a.segs {
		if d > s.to && i < len(a.segs)-1 {
			continue
		}
		switch {
		case s.to > s.from:
			return s.x0 + float64(d-s.from)/float64(s.to-s.from)*(s.x1-s.x0)
		case i == len(a.segs)-1 && i > 0:
			return s.x1 // one late event ends the axis
		}
		return s.x0
	}
	return 0
}

// tickSteps are the spacings ticks may have.
var tickSteps = []time.Duration{
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour, 48 * time.Hour, 7 * 24 * time.Hour,
}

// marks are the axis's ticks, about one per 14% of its width, at round
// offsets within each cluster, and its breaks, each saying the gap.
func (a axisScale) marks() (ticks, breaks []AxisMark) {
	mark := func(pct float64, label string) AxisMark {
		return AxisMark{X: strconv.FormatFloat(svgX(pct), 'f', 1, 64), Label: label}
	}
	for i, s := range a.segs {
		if i > 0 {
			prev := a.segs[i-1]
			breaks = append(breaks, mark((prev.x1+s.x0)/2, humanDuration(s.from-prev.to)+" later"))
		}
		if s.to == s.from {
			ticks = append(ticks, mark(a.pos(s.from), "+"+humanDuration(s.from)))
			continue
		}
		want := max(1, int((s.x1-s.x0)/14))
		step := tickSteps[len(tickSteps)-1]
		for _, st := range tickSteps {
			if int((s.to-s.from)/st) <= want {
				step = st
				break
			}
		}
		first := (s.from + step - 1) / step * step
		for d := first; d <= s.to; d += step {
			ticks = append(ticks, mark(a.pos(d), "+"+humanDuration(d)))
		}
	}
	return ticks, breaks
}
