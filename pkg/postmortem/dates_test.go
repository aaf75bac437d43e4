package postmortem_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// TestDateOrder: the incident date comes from the first of these that
// gives one: front matter date, a Date key line, started (front matter,
// then body), the title or first heading, the file name, the folders, the
// first timeline event. Each inferred date says where it came from.
func TestDateOrder(t *testing.T) {
	t.Parallel()
	const timeline = "\n## Timeline\n\n- 2024-09-09 10:00 UTC alert fired\n"
	tests := []struct {
		name, path, config, text string
		want                     string // YYYY-MM-DD, or YYYY-MM for a month
		source                   string
		inferred                 string // "line from key" of the date's Inference; "" for none
		findings                 []string
	}{
		{
			name: "front matter date first",
			path: "postmortems/2021-05/2020-01-01-x.md",
			text: "---\ndate: 2024-03-01\nstarted: 2024-02-02T10:00:00Z\n---\n# Outage 2023-06-13\n" + timeline,
			want: "2024-03-01", source: "front matter",
		},
		{
			name: "front matter month",
			path: "postmortems/x.md",
			text: "---\ndate: 2024-03\n---\n# Outage\n\n## Timeline\n\n- 10:00 UTC alert fired\n",
			want: "2024-03", source: "front matter",
			findings: []string{"8 timeline: time 10:00 has no date"},
		},
		{
			name: "body date line before started",
			path: "postmortems/2020-01-01-x.md",
			text: "# Outage\n\n**Date:** 2024-03-01\n**Started:** 2024-02-02 10:00 UTC\n",
			want: "2024-03-01", source: "body", inferred: "3 bold key line Date",
		},
		{
			name: "started before the title, on its own day where it was written",
			path: "postmortems/2020-01-01-x.md",
			text: "---\nstart_time: 2019-03-12T01:30:00+03:00\n---\n# Outage 2023-06-13\n",
			want: "2019-03-12", source: "started", inferred: "2 front matter key start_time",
		},
		{
			name: "started in the body",
			path: "postmortems/x.md",
			text: "# Outage\n\nStarted: 2019-03-12 08:00 UTC\n",
			want: "2019-03-12", source: "started", inferred: "3 key line Started",
		},
		{
			name: "title iso",
			path: "postmortems/2020-01-01-x.md",
			text: "# Incident disclosure 2023-06-13\n" + timeline,
			want: "2023-06-13", source: "title", inferred: "1 first heading Incident disclosure 2023-06-13",
		},
		{
			name: "title with a month name",
			path: "postmortems/x.md",
			text: "# Outage on March 3rd, 2024\n",
			want: "2024-03-03", source: "title", inferred: "1 first heading Outage on March 3rd, 2024",
		},
		{
			name: "first heading below the title level",
			path: "postmortems/x.md",
			text: "## Payments declined, 21 Aug 2023\n\nText.\n",
			want: "2023-08-21", source: "title", inferred: "1 first heading Payments declined, 21 Aug 2023",
		},
		{
			name: "title key line",
			path: "postmortems/x.md",
			text: "**Title:** Outage of 3 May 2022\n\n## Impact\n\nSlow.\n",
			want: "2022-05-03", source: "title", inferred: "1 title bold key line Outage of 3 May 2022",
		},
		{
			name: "front matter title",
			path: "postmortems/x.md",
			text: "---\ntitle: Outage of 3 May 2022\n---\n# Something else\n",
			want: "2022-05-03", source: "title", inferred: "2 front matter title Outage of 3 May 2022",
		},
		{
			name: "title without a year takes the year folder's",
			path: "postmortems/2022/x.md",
			text: "# Outage on March 3rd\n",
			want: "2022-03-03", source: "title", inferred: "1 first heading Outage on March 3rd",
		},
		{
			name: "title that reads both ways with no order",
			path: "postmortems/x.md",
			text: "# Outage 04/05/2023\n" + timeline,
			want: "2024-09-09", source: "timeline", inferred: "5 timeline ",
			findings: []string{`1 date: date "04/05/2023" in the title reads both ways, day or month first; write it as YYYY-MM-DD or set date_order in inquest.yaml`},
		},
		{
			name:   "title that reads both ways with date_order",
			path:   "postmortems/x.md",
			config: "date_order: dmy\n",
			text:   "# Outage 04/05/2023\n",
			want:   "2023-05-04", source: "title", inferred: "1 first heading Outage 04/05/2023",
			findings: []string{`1 date: date "04/05/2023" in the title reads both ways: read day first, as 2023-05-04, as date_order in inquest.yaml says`},
		},
		{
			name: "iso file name",
			path: "postmortems/2024-03-01-db.md",
			text: "# Database failover\n" + timeline,
			want: "2024-03-01", source: "file name", inferred: "0 file name ",
		},
		{
			name: "day-first file name",
			path: "postmortems/18-04-2023-db.md",
			text: "# Database failover\n",
			want: "2023-04-18", source: "file name", inferred: "0 file name 18-04-2023",
		},
		{
			name: "month-first file name",
			path: "postmortems/04-18-2023-db.md",
			text: "# Database failover\n",
			want: "2023-04-18", source: "file name", inferred: "0 file name 04-18-2023",
		},
		{
			name: "compact file name",
			path: "postmortems/20230418_db.md",
			text: "# Database failover\n",
			want: "2023-04-18", source: "file name", inferred: "0 file name 20230418",
		},
		{
			name: "file name that reads both ways with no order",
			path: "postmortems/04-05-2023-db.md",
			text: "# Database failover\n" + timeline,
			want: "2024-09-09", source: "timeline", inferred: "5 timeline ",
			findings: []string{`0 date: date "04-05-2023" in the file name reads both ways, day or month first`},
		},
		{
			name:   "file name that reads both ways with date_order",
			path:   "postmortems/04-05-2023-db.md",
			config: "date_order: dmy\n",
			text:   "# Database failover\n",
			want:   "2023-05-04", source: "file name", inferred: "0 file name 04-05-2023",
			findings: []string{`0 date: date "04-05-2023" in the file name reads both ways: read day first, as 2023-05-04, as date_order in inquest.yaml says`},
		},
		{
			name: "month and day with the year's folder",
			path: "postmortems/2024/10-23-db.md",
			text: "# Database failover\n",
			want: "2024-10-23", source: "file name", inferred: "0 file name 10-23",
		},
		{
			name: "month and day that read both ways, month first",
			path: "postmortems/2024/03-04-db.md",
			text: "# Database failover\n",
			want: "2024-03-04", source: "file name", inferred: "0 file name 03-04",
			findings: []string{`0 date: date "03-04" in the file name reads both ways: read month first, as 2024-03-04, as the year folder above it runs largest first`},
		},
		{
			name: "folder with a day",
			path: "postmortems/2024/10/03/db.md",
			text: "# Database failover\n" + timeline,
			want: "2024-10-03", source: "folder", inferred: "0 folder 2024/10/03",
		},
		{
			name: "folder month, day from the timeline",
			path: "postmortems/2024-09/db.md",
			text: "# Database failover\n" + timeline,
			want: "2024-09-09", source: "folder", inferred: "5 timeline in the folder's month 2024-09",
		},
		{
			name: "folder month, timeline in another month",
			path: "postmortems/2024/10/db.md",
			text: "# Database failover\n" + timeline,
			want: "2024-10", source: "folder", inferred: "0 folder 2024/10",
		},
		{
			name: "folder month by name, times of day not put on the first",
			path: "May2021/db.md",
			text: "# Database failover\n\n## Timeline\n\n- 10:00 UTC alert fired\n",
			want: "2021-05", source: "folder", inferred: "0 folder May2021",
			findings: []string{"5 timeline: time 10:00 has no date"},
		},
		{
			name: "timeline",
			path: "postmortems/db.md",
			text: "# Database failover\n" + timeline,
			want: "2024-09-09", source: "timeline", inferred: "5 timeline ",
		},
		{
			name: "nothing: left to Git",
			path: "postmortems/db.md",
			text: "# Database failover\n\n## Timeline\n\n- 10:00 UTC alert fired\n",
			want: "", source: "",
			findings: []string{"5 timeline: time 10:00 has no date"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := config.Parse([]byte(tt.config), config.FileName)
			if err != nil {
				t.Fatal(err)
			}
			inc := postmortem.NewParser(cfg).Parse(tt.path, []byte(tt.text))
			got := ""
			switch {
			case inc.Date.IsZero():
			case inc.DatePrecision == postmortem.DateMonth:
				got = inc.Date.Format("2006-01")
			default:
				got = inc.Date.Format("2006-01-02")
			}
			if got != tt.want || inc.DateSource != tt.source {
				t.Fatalf("date %q from %q, want %q from %q", got, inc.DateSource, tt.want, tt.source)
			}
			var inferred []string
			for _, x := range inc.Inferred {
				if x.Field == "date" {
					inferred = append(inferred, fmt.Sprintf("%d %s %s", x.Line, x.From, x.Key))
					if want := strings.TrimSuffix(tt.want, "-01"); x.Value != tt.want && x.Value != want {
						t.Errorf("inferred value %q, want %q", x.Value, tt.want)
					}
				}
			}
			if strings.Join(inferred, "\n") != tt.inferred {
				t.Errorf("inferred %q, want %q", inferred, tt.inferred)
			}
			checkFindings(t, inc, tt.findings)
			if inc.DatePrecision == postmortem.DateMonth && strings.Contains(tt.text, "- 10:00") && !inc.Started.IsZero() {
				t.Errorf("a date known to the month placed times of day on its first: started %v", inc.Started)
			}
		})
	}
}

// TestDateFromHistory: a postmortem that states its date nowhere takes the
// day of its first commit, as an inference, and nothing else does.
func TestDateFromHistory(t *testing.T) {
	t.Parallel()
	p := postmortem.NewParser(config.Default())
	created := time.Date(2020, 2, 3, 23, 30, 0, 0, time.FixedZone("", -5*3600))
	inc := p.Parse("postmortems/db.md", []byte("# Database failover\n"))
	inc.History = &postmortem.History{Created: created}
	if !inc.DateFromHistory() || inc.Date.Format("2006-01-02") != "2020-02-03" || inc.DateSource != "git" {
		t.Fatalf("date %v from %q, want 2020-02-03 from git (the day where it was committed)", inc.Date, inc.DateSource)
	}
	if x := inc.Inferred[len(inc.Inferred)-1]; x.Field != "date" || x.From != "first commit" || x.Value != "2020-02-03" {
		t.Errorf("inferred %+v", x)
	}
	dated := p.Parse("postmortems/2024-03-01-db.md", []byte("# Database failover\n"))
	dated.History = &postmortem.History{Created: created}
	if dated.DateFromHistory() || dated.DateSource != "file name" {
		t.Errorf("a dated file took its first commit's date: %v from %q", dated.Date, dated.DateSource)
	}
	if none := p.Parse("postmortems/db.md", []byte("# Database failover\n")); none.DateFromHistory() {
		t.Errorf("dated without history")
	}
}
