package insight

import (
	"slices"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

func TestFollow(t *testing.T) {
	t.Parallel()
	m := recurFixture()
	incs := all(m)
	r := NewRecurrence(incs, RecurOptions{})
	f := Follow(incs, day("2024-07-01"), nil, r)
	if f.Total != 5 || f.Open != 2 || f.Done != 2 || f.Unknown != 1 {
		t.Errorf("total %d open %d done %d unknown %d; want 5 2 2 1", f.Total, f.Open, f.Done, f.Unknown)
	}
	want := []QuarterFlow{{"2023 Q1", 2, 0}, {"2024 Q1", 2, 1}, {"2024 Q2", 1, 1}}
	if !slices.Equal(f.Quarters, want) {
		t.Errorf("quarters %+v, want %+v", f.Quarters, want)
	}
	// 15 days (C's runbook) and 508 days (A's rotation): the nearest-rank
	// median is the shorter.
	if tc := f.TimeToClose; tc.Count != 2 || tc.P50 != 15*24*time.Hour || tc.Max != 508*24*time.Hour {
		t.Errorf("time to close %+v", tc)
	}
	if want := []Count{{FromIncidentDate, 5}}; !slices.Equal(f.OpenedFrom, want) {
		t.Errorf("opened from %v", f.OpenedFrom)
	}
	if want := []Count{{FromDueDate, 2}}; !slices.Equal(f.ClosedFrom, want) {
		t.Errorf("closed from %v", f.ClosedFrom)
	}
	aging := map[string]int{}
	for _, c := range f.Aging {
		aging[c.Name] = c.Count
	}
	if aging["over a year"] != 1 || aging["90 to 180 days"] != 1 || len(f.Aging) != 6 {
		t.Errorf("aging %v", f.Aging)
	}
	if want := []Count{{"Dana", 1}, {"no owner", 1}}; !slices.Equal(f.ByOwner, want) {
		t.Errorf("by owner %v", f.ByOwner)
	}
	if want := []Count{{"Payments-API", 1}, {"ledger", 1}, {"payments-api", 1}}; !slices.Equal(f.ByService, want) {
		t.Errorf("by service %v", f.ByService)
	}
	// Both of A's items were open when C happened: one still is, the
	// other was done (by its due date) after C.
	var carried []string
	for _, c := range f.Carried {
		carried = append(carried, c.Incident.ID+"#"+itoa(c.Index)+"@"+c.Again.ID)
	}
	if want := []string{"A#0@C", "A#1@C"}; !slices.Equal(carried, want) {
		t.Errorf("carried %q, want %q", carried, want)
	}
}

func TestFollowGitDates(t *testing.T) {
	t.Parallel()
	// A source of dates from Git plugs in for the due dates.
	i := inc("X", "2024-01-01", items(postmortem.ActionItem{Title: "a", Status: postmortem.StatusDone, Due: day("2025-01-01")}))
	git := func(inc *postmortem.Incident, k int) (time.Time, time.Time, string, string) {
		return day("2024-01-03"), day("2024-01-13"), "git", "git"
	}
	f := Follow([]*postmortem.Incident{i}, day("2024-07-01"), git, nil)
	if f.TimeToClose.P50 != 10*24*time.Hour || !slices.Equal(f.ClosedFrom, []Count{{"git", 1}}) {
		t.Errorf("time to close %v from %v", f.TimeToClose.P50, f.ClosedFrom)
	}
}

func TestAgeBucket(t *testing.T) {
	t.Parallel()
	now := day("2024-12-31")
	for _, tt := range []struct {
		opened string
		want   int
	}{{"2024-12-30", 0}, {"2024-12-01", 1}, {"2024-10-03", 1}, {"2024-10-02", 2}, {"2024-06-01", 3}, {"2024-01-01", 4}, {"2020-01-01", 4}, {"", 5}} {
		var o time.Time
		if tt.opened != "" {
			o = day(tt.opened)
		}
		if got := ageBucket(o, now); got != tt.want {
			t.Errorf("ageBucket(%s) = %d, want %d", tt.opened, got, tt.want)
		}
	}
}

func TestFactorCounts(t *testing.T) {
	t.Parallel()
	incs := []*postmortem.Incident{
		inc("a", "2024-01-01", fac("Change", "detection-gap")),
		inc("b", "2024-01-01", fac("change", "Change", "vendor")),
		inc("c", "2024-01-01"),
		inc("d", "2024-01-01", fac("Vendor")),
	}
	got := FactorCounts(incs, []string{"change", "detection gap", "capacity"})
	want := []Count{{"change", 2}, {"detection gap", 1}, {"capacity", 0}, {"vendor", 2}, {NoFactors, 1}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestPerQuarter(t *testing.T) {
	t.Parallel()
	got := PerQuarter([]*postmortem.Incident{inc("a", "2023-11-30"), inc("b", "2024-05-01"), inc("c", "2024-06-30"), inc("u", "")})
	want := []Count{{"2023 Q4", 1}, {"2024 Q1", 0}, {"2024 Q2", 2}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if PerQuarter(nil) != nil {
		t.Error("quarters of nothing")
	}
}

func TestGitDates(t *testing.T) {
	t.Parallel()
	items := []postmortem.ActionItem{
		{Title: "ticked in Git", Status: postmortem.StatusDone, Due: day("2024-05-01")},
		{Title: "written done", Status: postmortem.StatusDone, Due: day("2024-05-02")},
		{Title: "still open", Status: postmortem.StatusOpen},
		{Title: "written since the last commit", Status: postmortem.StatusOpen},
	}
	lives := []postmortem.ItemLife{
		{Opened: day("2024-03-02"), OpenedCommit: "a", Closed: day("2024-04-10"), ClosedCommit: "b"},
		{Opened: day("2024-03-02"), OpenedCommit: "a", DoneWhenAdded: true},
		{Opened: day("2024-03-05"), OpenedCommit: "c", InFirstVersion: true},
		{},
	}
	type dates struct {
		opened, closed string
		of, cf         string
	}
	fmtd := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("2006-01-02")
	}
	for _, tc := range []struct {
		name  string
		hist  *postmortem.History
		wants []dates
	}{
		{"from Git", &postmortem.History{Items: lives}, []dates{
			{"2024-03-02", "2024-04-10", FromGit, FromGit},
			{"2024-03-01", "2024-05-02", FromIncidentDate, FromDueDate}, // both planned: comparable
			{"2024-03-01", "", FromIncidentDate, ""},                    // in the first version, after the incident
			{"2024-03-01", "", FromIncidentDate, ""},
		}},
		{"no history", nil, []dates{
			{"2024-03-01", "2024-05-01", FromIncidentDate, FromDueDate},
			{"2024-03-01", "2024-05-02", FromIncidentDate, FromDueDate},
			{"2024-03-01", "", FromIncidentDate, ""},
			{"2024-03-01", "", FromIncidentDate, ""},
		}},
		{"items not read", &postmortem.History{}, []dates{
			{"2024-03-01", "2024-05-01", FromIncidentDate, FromDueDate},
			{"2024-03-01", "2024-05-02", FromIncidentDate, FromDueDate},
			{"2024-03-01", "", FromIncidentDate, ""},
			{"2024-03-01", "", FromIncidentDate, ""},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inc := &postmortem.Incident{ID: "A", Date: day("2024-03-01"), ActionItems: items, History: tc.hist}
			for k, w := range tc.wants {
				o, c, of, cf := GitDates(inc, k)
				if got := (dates{fmtd(o), fmtd(c), of, cf}); got != w {
					t.Errorf("item %d: %+v, want %+v", k, got, w)
				}
			}
		})
	}
}
