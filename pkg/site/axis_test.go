package site

import (
	"testing"
	"time"
)

func TestAxisScale(t *testing.T) {
	t.Parallel()
	m := time.Minute
	for _, c := range []struct {
		name    string
		offsets []time.Duration
		// pos are the positions wanted for the offsets, in order.
		pos    []float64
		breaks []string
	}{
		{"linear when evenly spread", []time.Duration{0, 30 * m, 60 * m}, []float64{0, 50, 100}, nil},
		{"two events", []time.Duration{0, 20 * time.Hour}, []float64{0, 100}, nil},
		// The example's payments incident: five hours of work, then the
		// refunds done the next morning.
		{"one late event", []time.Duration{0, 34 * m, 96 * m, 326 * m, 1166 * m}, []float64{0, 9.4, 26.55, 90.16, 100}, []string{"14 h later"}},
		{"two clusters", []time.Duration{0, 10 * m, 20 * m, 600 * m, 610 * m}, []float64{0, 31.33, 62.67, 68.67, 100}, []string{"9 h 40 min later"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := newAxisScale(c.offsets)
			for i, d := range c.offsets {
				if got := a.pos(d); got < c.pos[i]-0.1 || got > c.pos[i]+0.1 {
					t.Errorf("pos(%v) = %.2f, want %.2f", d, got, c.pos[i])
				}
			}
			ticks, breaks := a.marks()
			var labels []string
			for _, b := range breaks {
				labels = append(labels, b.Label)
			}
			if len(labels) != len(c.breaks) || len(labels) > 0 && labels[0] != c.breaks[0] {
				t.Errorf("breaks %q, want %q", labels, c.breaks)
			}
			if len(ticks) < 2 {
				t.Errorf("%d ticks, want a scale", len(ticks))
			}
		})
	}
}
