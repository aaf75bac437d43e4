package site

import (
	"time"

	"github.com/inquest-dev/inquest/pkg/insight"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// ItemDates is when an action item was opened and closed, and where each
// date came from (insight.FromGit, else the incident's or the due date),
// as the pages show them.
type ItemDates struct {
	Opened, Closed         time.Time
	OpenedFrom, ClosedFrom string
	// OpenDays is how many days an open item whose opening is known has
	// been open at the build's time; -1 otherwise.
	OpenDays int
	// DoneWhenAdded says the item was already done when Git first saw it.
	DoneWhenAdded bool
}

// itemDates dates action item k of inc as of now: from Git, falling back
// to the postmortem's own dates (insight.GitDates).
func itemDates(inc *postmortem.Incident, k int, now time.Time) ItemDates {
	d := ItemDates{OpenDays: -1}
	d.Opened, d.Closed, d.OpenedFrom, d.ClosedFrom = insight.GitDates(inc, k)
	if inc.ActionItems[k].Status == postmortem.StatusOpen && !d.Opened.IsZero() && !now.Before(d.Opened) {
		d.OpenDays = int(now.Sub(d.Opened).Hours() / 24)
	}
	if h := inc.History; h != nil && len(h.Items) == len(inc.ActionItems) {
		d.DoneWhenAdded = h.Items[k].DoneWhenAdded && inc.ActionItems[k].Status == postmortem.StatusDone
	}
	return d
}
