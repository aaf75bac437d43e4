package postmortem

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
)

func newTestParser(t testing.TB) *Parser {
	t.Helper()
	cfg, err := config.Parse(nil, config.FileName)
	if err != nil {
		t.Fatal(err)
	}
	return NewParser(cfg)
}

func TestParseBrokenFiles(t *testing.T) {
	p := newTestParser(t)
	tests := []struct {
		name, path string
		content    []byte
		line       int
		msg        string
	}{
		{"empty", "postmortems/e.md", []byte("  \n\n"), 1, "file is empty"},
		{"binary", "postmortems/b.md", []byte("PNG\x00\x01\x02"), 1, "binary"},
		{"invalid utf-8", "postmortems/u.md", []byte("ok\nstill ok\nbad \xff here"), 3, "not valid UTF-8"},
		{"too large", "postmortems/big.md", []byte(strings.Repeat("x", MaxFileSize+1)), 1, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc := p.Parse(tt.path, tt.content)
			if !inc.Broken {
				t.Error("not marked broken")
			}
			if len(inc.Findings) != 1 || inc.Findings[0].Line != tt.line || !strings.Contains(inc.Findings[0].Message, tt.msg) || inc.Findings[0].File != tt.path {
				t.Errorf("findings = %+v, want one at %s:%d containing %q", inc.Findings, tt.path, tt.line, tt.msg)
			}
			if inc.ID == "" || strings.ContainsAny(inc.ID, "/\\") {
				t.Errorf("id %q", inc.ID)
			}
		})
	}
}

func TestParseDerivedFields(t *testing.T) {
	p := newTestParser(t)
	tests := []struct {
		name, path, content string
		id, title, date     string
	}{
		{"id from INC prefix", "postmortems/INC-2024-001-db.md", "# DB outage\n", "INC-2024-001", "DB outage", ""},
		{"id from PM prefix", "incidents/PM2021-011-cache.md", "text", "PM2021-011", "Cache", ""},
		{"slug and date from name", "postmortems/2023/2023-05-02-DNS Résolver.md", "## Summary\nx", "2023-05-02-dns-resolver", "DNS Résolver", "2023-05-02"},
		{"setext title", "postmortems/x.md", "Big *outage*\n===\n\n## Summary\ntext", "x", "Big outage", ""},
		{"hash text then setext underline", "postmortems/h.md", "#x\n--\n", "h", "H", ""},
		{"h1 inside fence ignored", "postmortems/y.md", "```\n# not a title\n```\n# Real\n", "y", "Real", ""},
		{"front matter id sanitised", "postmortems/z.md", "---\nid: ../../x/<script>\n---\n", "x-script", "Z", ""},
		{"date from timeline", "postmortems/t.md", "## Timeline\n\n- 2022-02-03 10:00 UTC — started\n", "t", "T", "2022-02-03"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc := p.Parse(tt.path, []byte(tt.content))
			if inc.ID != tt.id || inc.Title != tt.title {
				t.Errorf("id, title = %q, %q; want %q, %q", inc.ID, inc.Title, tt.id, tt.title)
			}
			if got := civil(inc.Date); got != tt.date {
				t.Errorf("date = %q, want %q", got, tt.date)
			}
		})
	}
}

func TestSections(t *testing.T) {
	body := `Intro text.

## 1. Summary
Short summary with a [link](https://x) and **bold**.

Second paragraph.

## Impact
Customers.

## Contributing Factors
### Five whys
1. Why?

## What went wrong?
- alerting

` + "```" + `
## not a heading
` + "```" + `

## Corrective actions
- [ ] Fix — Jo, due 2024-01-01
`
	p := newTestParser(t)
	inc := p.Parse("postmortems/s.md", []byte(body))
	want := "summary@1. Summary impact@Impact contributing_factors@Contributing Factors contributing_factors@Five whys lessons@What went wrong? action_items@Corrective actions"
	if got := sectionKinds(inc); got != want {
		t.Errorf("sections:\n got %s\nwant %s", got, want)
	}
	if inc.Summary != "Short summary with a link and bold." {
		t.Errorf("summary = %q", inc.Summary)
	}
	if f := inc.Section(SectionFactors); !strings.Contains(f.Text, "Five whys") {
		t.Errorf("factors section lost its sub-section: %q", f.Text)
	}
	if len(inc.ActionItems) != 1 || inc.ActionItems[0].Owner != "Jo" || inc.ActionItems[0].Line != 23 {
		t.Errorf("action items = %+v", inc.ActionItems)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("---\ntitle: x\ndate: 2024-01-01\ntimeline: ['09:00 UTC — a']\naction_items: [{title: a}]\n---\n# T\n## Timeline\n- 10:00 — b\n## Action items\n- [ ] c — d, due 2024-01-01\n")
	f.Add("+++\ntitle = 1\n+++\n")
	f.Add("{\n\"id\": \"../x\"\n}\n\n## Summary\n")
	f.Add("Title\n===\n## Follow-ups\n| a | b |\n|---|---|\n| c | d |\n")
	f.Add("#x\n--\n") // a setext underline after "#x" once sliced at -1
	f.Fuzz(func(t *testing.T, s string) {
		p := newTestParser(t)
		inc := p.Parse("postmortems/f.md", []byte(s))
		if inc.ID == "" || strings.ContainsAny(inc.ID, "/\\\x00") || strings.Contains(inc.ID, "..") || strings.HasPrefix(inc.ID, ".") {
			t.Fatalf("unsafe id %q", inc.ID)
		}
		for _, f := range inc.Findings {
			if f.File != "postmortems/f.md" || f.Line < 0 {
				t.Fatalf("bad finding %+v", f)
			}
		}
		_ = inc.ToJSON()
	})
}

func TestStripInline(t *testing.T) {
	tests := map[string]string{
		"The `payment_intent.succeeded` event":  "The payment_intent.succeeded event",
		"**bold** and _em_ and snake_case_name": "bold and em and snake_case_name",
		"a [link](https://x) and ``co`de``":     "a link and co`de",
		"unclosed `tick":                        "unclosed tick",
		"__strong__ *em*":                       "strong em",
	}
	for in, want := range tests {
		if got := stripInline(in); got != want {
			t.Errorf("stripInline(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEncodeExportMatchesEncoder(t *testing.T) {
	p := newTestParser(t)
	incs := []*Incident{
		p.Parse("postmortems/a.md", []byte("---\nid: A\ntitle: <b>A</b>\ntags: [x]\n---\n## Summary\nOne & two.\n")),
		p.Parse("postmortems/b.md", []byte("# B\n")),
	}
	for _, n := range []int{0, 1, 2} {
		var streamed, whole bytes.Buffer
		if err := WriteJSON(&streamed, incs[:n]); err != nil {
			t.Fatal(err)
		}
		doc := Export{Incidents: []JSONIncident{}}
		for _, inc := range incs[:n] {
			doc.Incidents = append(doc.Incidents, inc.ToJSON())
		}
		enc := json.NewEncoder(&whole)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			t.Fatal(err)
		}
		if streamed.String() != whole.String() {
			t.Errorf("%d incidents:\nstreamed %s\nencoder  %s", n, streamed.String(), whole.String())
		}
	}
}

// TestTimelinesPerIncident: a file whose headings each hold an incident
// with its own Timeline gives one part per incident, even when the first
// timeline has no entries yet, and durations never span two incidents.
func TestTimelinesPerIncident(t *testing.T) {
	p := newTestParser(t)
	inc := p.Parse("postmortems/two.md", []byte(`# Two incidents

## Queue backlog

### Timeline

To be written.

## Search outage

### Timeline

- 2024-05-09 12:00 UTC search returned errors
- 12:10 UTC noticed by the on-call
- 12:50 UTC resolved
`))
	if len(inc.Parts) != 2 || inc.Parts[0].Title != "Queue backlog" || inc.Parts[1].Title != "Search outage" {
		t.Fatalf("parts = %+v", inc.Parts)
	}
	var parts []int
	for _, e := range inc.Timeline {
		if !e.Time.IsZero() {
			parts = append(parts, e.Part)
		}
	}
	if len(parts) != 3 || parts[0] != 1 || parts[2] != 1 {
		t.Errorf("timed events' parts = %v, want all 1", parts)
	}
	if d := inc.Parts[1].Durations; d.Detect != 10*time.Minute || d.Resolve != 50*time.Minute {
		t.Errorf("second incident's durations = %+v", d)
	}
	if d := inc.Parts[0].Durations; d != (Durations{}) {
		t.Errorf("first incident's durations = %+v, want none", d)
	}
}

// TestReportName: a report named README.md, index.md, postmortem.md, …
// in an incident's own folder is named by the folder; in a folder of
// many reports, or under a name of its own, by the file.
func TestReportName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ rel, id, title, from string }{
		{"incidents/2023-01-05-db-outage/README.md", "2023-01-05-db-outage", "Db outage", "folder name"},
		{"incidents/2023-02-11-cdn/index.md", "2023-02-11-cdn", "Cdn", "folder name"},
		{"postmortems/INC-1234/postmortem.md", "INC-1234", "INC-1234", "folder name"},
		{"content/outages/cdn-purge/_index.md", "cdn-purge", "Cdn purge", "folder name"},
		{"postmortems/report.md", "report", "Report", "file name"},
		{"incidents/2023-01-05-db-outage/notes.md", "notes", "Notes", "file name"},
		{"README.md", "readme", "README", "file name"},
		// A Notion export puts each page's id after its name.
		{"Postmortems/Login outage 5c1e2a9b7d3f4e6a8b0c2d4e6f8a0b1c.md", "login-outage", "Login outage", "file name"},
		{"Incidents/DNS failures 0123456789abcdef0123456789abcdef/README.md", "dns-failures", "DNS failures", "folder name"},
		{"notes/5c1e2a9b7d3f4e6a8b0c2d4e6f8a0b1c.md", "5c1e2a9b7d3f4e6a8b0c2d4e6f8a0b1c", "5c1e2a9b7d3f4e6a8b0c2d4e6f8a0b1c", "file name"},
	} {
		inc := newTestParser(t).Parse(tc.rel, []byte("Text with no title.\n"))
		from := ""
		for _, x := range inc.Inferred {
			if x.Field == "id" {
				from = x.From
			}
		}
		if inc.ID != tc.id || inc.Title != tc.title || from != tc.from {
			t.Errorf("%s: id %q, title %q from the %s; want %q, %q from the %s", tc.rel, inc.ID, inc.Title, from, tc.id, tc.title, tc.from)
		}
	}
}

// TestTimelinesTakeTheirPartsDate: in an incident log, each incident's
// heading gives its date ("## 2020-02-11: Search index stale", "## Jun 30:
// …" in the year of the first), and the times of day of its Timeline are
// on that day; the file's date is the first incident's.
func TestTimelinesTakeTheirPartsDate(t *testing.T) {
	t.Parallel()
	inc := newTestParser(t).Parse("postmortems/incident-log.md", []byte(`# Incident log

## 2020-02-11: Search index stale

### Timeline

- 08:10 UTC indexer stalls
- 14:20 UTC restarted

## Jun 30: CDN certificate expired

### Timeline

- 22:05 UTC certificate expires
- 22:30 UTC new certificate live

## Notes

### Timeline

- 09:00 UTC a time with no day
`))
	var got []string
	for _, e := range inc.Timeline {
		got = append(got, fmt.Sprintf("%d %s", e.Part, e.Time.UTC().Format("2006-01-02 15:04")))
	}
	want := []string{"0 2020-02-11 08:10", "0 2020-02-11 14:20", "1 2020-06-30 22:05", "1 2020-06-30 22:30", "2 0001-01-01 00:00"}
	if !slices.Equal(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
	if d := inc.Date.Format("2006-01-02"); d != "2020-02-11" {
		t.Errorf("date %s, want the first incident's", d)
	}
	if len(inc.Parts) != 3 || inc.Parts[1].Started.Format("2006-01-02 15:04") != "2020-06-30 22:05" {
		t.Errorf("parts %+v", inc.Parts)
	}
}

// TestParseKeepsNoFileBytes checks that an incident holds one copy of its
// body of its own, shared by Body and the sections' texts, and not the
// buffer the file was read into, which the caller may reuse or drop.
func TestParseKeepsNoFileBytes(t *testing.T) {
	t.Parallel()
	file := []byte("---\ntitle: Cache stampede\nseverity: SEV2\n---\n## Summary\n\nThe cache emptied at 09:10 UTC.\n\n## Impact\n\nCheckout slowed for 20 minutes.\n")
	inc := newTestParser(t).Parse("postmortems/cache.md", file)
	body, summary := string(inc.Body), inc.Section(SectionSummary).Text
	for i := range file {
		file[i] = '#'
	}
	if string(inc.Body) != body || inc.Section(SectionSummary).Text != summary {
		t.Fatalf("the incident changed with the file's buffer: body %q, summary %q", inc.Body, inc.Section(SectionSummary).Text)
	}
	if !strings.Contains(summary, "09:10 UTC") || !strings.HasPrefix(body, "## Summary") {
		t.Fatalf("body %q, summary %q", body, summary)
	}
}
