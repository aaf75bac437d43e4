package config

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr []string
		check   func(t *testing.T, c *Config)
	}{
		{name: "empty file gives defaults", in: "", check: func(t *testing.T, c *Config) {
			if !c.AutoContent || c.Content != nil {
				t.Errorf("content = %v, auto %v; want it left to discovery", c.Content, c.AutoContent)
			}
			if !c.AutoSeverities || c.Severities != nil {
				t.Errorf("severities = %v, auto %v; want them learned", c.Severities, c.AutoSeverities)
			}
			if !c.AutoStatuses || strings.Join(c.Statuses, ",") != "draft,in-review,published" {
				t.Errorf("statuses = %v, auto %v", c.Statuses, c.AutoStatuses)
			}
			if !slices.Equal(c.Exclude, DefaultExclude()) {
				t.Errorf("exclude = %v, want the defaults", c.Exclude)
			}
		}},
		{name: "configured lists are not inferred", in: "content: [docs/outages/*.md]\nseverities: [P0, P1]\nstatuses: [open, closed]\n", check: func(t *testing.T, c *Config) {
			if c.AutoContent || c.AutoSeverities || c.AutoStatuses {
				t.Errorf("auto content %v, severities %v, statuses %v", c.AutoContent, c.AutoSeverities, c.AutoStatuses)
			}
		}},
		{name: "exclude adds to the defaults", in: "exclude: [drafts/**]\n", check: func(t *testing.T, c *Config) {
			if want := append(DefaultExclude(), "drafts/**"); !slices.Equal(c.Exclude, want) {
				t.Errorf("exclude = %v, want %v", c.Exclude, want)
			}
		}},
		{name: "exclude_defaults false replaces them", in: "exclude: [drafts/**]\nexclude_defaults: false\n", check: func(t *testing.T, c *Config) {
			if !slices.Equal(c.Exclude, []string{"drafts/**"}) {
				t.Errorf("exclude = %v", c.Exclude)
			}
		}},
		{name: "a user alias takes the name from the built-in field", in: "aliases:\n  date: [Start-Time]\n", check: func(t *testing.T, c *Config) {
			if got := c.FieldFor("start_time"); got != "date" {
				t.Errorf("FieldFor(start_time) = %q, want date", got)
			}
			if got := c.FieldFor("started_at"); got != "started" {
				t.Errorf("FieldFor(started_at) = %q, want started (the other built-in names stay)", got)
			}
			if slices.Contains(c.Aliases["started"], "start_time") {
				t.Errorf("started still has start_time: %v", c.Aliases["started"])
			}
		}},
		{name: "aliases that can never take effect are named", in: "title: x\naliases:\n  date: [started]\n  owner: [lead]\n  reviewers: [Lead]\n",
			wantErr: []string{`inquest.yaml:3: aliases: "started" under date can never take effect`, `inquest.yaml:5: aliases: "Lead" is listed under both owner and reviewers`}},
		{name: "known zones", in: "timezone: Europe/Berlin\n", check: func(t *testing.T, c *Config) {
			for _, z := range []string{"Europe/Berlin", "UTC+3", "EEST", "America/Chicago", "+05:30", "Asia/Kolkata"} {
				if !knownZone(z) {
					t.Errorf("knownZone(%q) = false", z)
				}
			}
		}},
		{name: "unknown zone with did-you-mean", in: "title: x\ntimezone: Europe/Berln\n", wantErr: []string{`inquest.yaml:2: timezone: unknown zone "Europe/Berln" (did you mean "Europe/Berlin"?)`}},
		{name: "unknown zone without a near one", in: "timezone: Mars/Olympus_Mons_Base\n", wantErr: []string{`timezone: unknown zone "Mars/Olympus_Mons_Base" (an abbreviation such as CET`}},
		{name: "unknown keys get did-you-mean", in: "timzone: UTC\nseverity: [P1]\nsearch:\n  browsr: wasm\n",
			wantErr: []string{`inquest.yaml:1: unknown key "timzone" (did you mean "timezone"?)`, `inquest.yaml:2: unknown key "severity" (did you mean "severities"?)`, `inquest.yaml:4: unknown key "browsr" (did you mean "browser"?)`}},
		{name: "a key under attachments gets did-you-mean", in: "attachments:\n  alow: [html]\n",
			wantErr: []string{`inquest.yaml:2: unknown key "alow" (did you mean "allow"?)`}},
		{name: "attachments.allow is normalised, a bad entry named with its line", in: "title: x\nattachments:\n  allow: [HTML, .svg, '*.js']\n",
			wantErr: []string{`inquest.yaml:3: attachments.allow: "*.js" is not a file extension`}},
		{name: "attachments.allow takes extensions in any case, with or without the dot", in: "attachments:\n  allow: [HTML, .svg]\n", check: func(t *testing.T, c *Config) {
			if !slices.Equal(c.Attachments.Allow, []string{"html", "svg"}) || !c.AllowsActive(".SVG") || c.AllowsActive("js") {
				t.Errorf("allow = %v", c.Attachments.Allow)
			}
		}},
		{name: "required field with did-you-mean", in: "required_fields: [titel]\n", wantErr: []string{`inquest.yaml:1: required_fields: unknown field "titel" (did you mean "title"?)`}},
		{name: "lists replace defaults", in: "severities: [P0, P1]\n", check: func(t *testing.T, c *Config) {
			if strings.Join(c.Severities, ",") != "P0,P1" {
				t.Errorf("severities = %v", c.Severities)
			}
		}},
		{name: "aliases add to defaults", in: "aliases:\n  tags: [categories, keywords]\n", check: func(t *testing.T, c *Config) {
			if got := c.FieldFor("Keywords"); got != "tags" {
				t.Errorf("FieldFor(Keywords) = %q", got)
			}
			if got := c.FieldFor("labels"); got != "tags" {
				t.Errorf("FieldFor(labels) = %q", got)
			}
			if got := c.FieldFor("start-time"); got != "started" {
				t.Errorf("FieldFor(start-time) = %q", got)
			}
			if got := c.FieldFor("mood"); got != "" {
				t.Errorf("FieldFor(mood) = %q", got)
			}
		}},
		{name: "unknown keys named with line", in: "title: x\nbogus: 1\nmarkdown:\n  unsafe: true\n  nope: 2\n",
			wantErr: []string{`inquest.yaml:2: unknown key "bogus"`, `inquest.yaml:5: unknown key "nope"`}},
		{name: "bad values all reported", in: "content: []\nrequired_fields: [titel]\naliases:\n  colour: [x]\n",
			wantErr: []string{"content must list", `unknown field "titel"`, `aliases: unknown field "colour"`}},
		{name: "syntax error has line", in: "title: [\n", wantErr: []string{"inquest.yaml:2: did not find expected node content"}},
		{name: "syntax error in a flow list is at its line", in: "title: x\ncontent: [a\nexclude: b\n", wantErr: []string{"inquest.yaml:2: did not find expected ',' or ']'"}},
		{name: "indentation error is at its line", in: "title: x\nbranch: main\n  bad: y\n", wantErr: []string{"inquest.yaml:3: mapping values are not allowed"}},
		{name: "rule levels are read, lower-cased, with lines", in: "title: x\nrules:\n  vague-action-item: error\n  Blameless-Language: OFF\n  stale-draft: info\ndraft_max_age_days: 30\n", check: func(t *testing.T, c *Config) {
			want := map[string]string{"vague-action-item": "error", "blameless-language": "off", "stale-draft": "info"}
			if !maps.Equal(c.Rules, want) {
				t.Errorf("rules = %v, want %v", c.Rules, want)
			}
			wantLines := map[string]int{"vague-action-item": 3, "blameless-language": 4, "stale-draft": 5}
			if !maps.Equal(c.RuleLines, wantLines) {
				t.Errorf("rule lines = %v, want %v", c.RuleLines, wantLines)
			}
			if c.DraftMaxAgeDays != 30 {
				t.Errorf("draft_max_age_days = %d", c.DraftMaxAgeDays)
			}
		}},
		{name: "no rules key leaves rules empty", in: "title: x\n", check: func(t *testing.T, c *Config) {
			if len(c.Rules) != 0 || c.RuleLines != nil || c.DraftMaxAgeDays != 0 {
				t.Errorf("rules = %v, lines = %v, max age = %d", c.Rules, c.RuleLines, c.DraftMaxAgeDays)
			}
		}},
		{name: "bad rule levels named with line", in: "rules:\n  vague-action-item: fatal\n  timeline: warn\n  status: error\n",
			wantErr: []string{`inquest.yaml:2: rules: level "fatal" for "vague-action-item" is not one of error, warning, info, off`, `inquest.yaml:3: rules: level "warn" for "timeline"`}},
		{name: "rules must be a mapping", in: "rules: [a, b]\n", wantErr: []string{"inquest.yaml: 1: cannot unmarshal"}},
		{name: "negative draft age", in: "draft_max_age_days: -1\n", wantErr: []string{"draft_max_age_days must be 0"}},
		{name: "search defaults to auto", in: "title: x\n", check: func(t *testing.T, c *Config) {
			if c.Search.Browser != BrowserAuto || c.Search.BrowserMaxIncidents != 0 {
				t.Errorf("search = %+v", c.Search)
			}
			if got := c.Search.BrowserMode(DefaultBrowserMaxIncidents); got != BrowserWasm {
				t.Errorf("auto at the limit = %q, want wasm", got)
			}
			if got := c.Search.BrowserMode(DefaultBrowserMaxIncidents + 1); got != BrowserCatalog {
				t.Errorf("auto above the limit = %q, want catalog", got)
			}
		}},
		{name: "search browser mode and limit", in: "search:\n  browser: Catalog\n  browser_max_incidents: 10\n", check: func(t *testing.T, c *Config) {
			if c.Search.Browser != BrowserCatalog || c.Search.BrowserMode(1) != BrowserCatalog {
				t.Errorf("search = %+v", c.Search)
			}
			c.Search.Browser = BrowserAuto
			if c.Search.BrowserMode(10) != BrowserWasm || c.Search.BrowserMode(11) != BrowserCatalog {
				t.Errorf("auto with browser_max_incidents 10: %q at 10, %q at 11", c.Search.BrowserMode(10), c.Search.BrowserMode(11))
			}
		}},
		{name: "bad search options named with line", in: "title: x\nsearch:\n  browser: bleve\n  browser_max_incidents: -5\n  browser_shard_size: -1\n",
			wantErr: []string{`inquest.yaml:3: search.browser: "bleve" is not one of auto, wasm, catalog, server`, `inquest.yaml:4: search.browser_max_incidents must be 0`,
				`inquest.yaml:5: search.browser_shard_size must be 0 (the default, 1000) or more, not -1`}},
		{name: "unknown search key", in: "search:\n  engine: x\n", wantErr: []string{`inquest.yaml:2: unknown key "engine"`}},
		{name: "date order is read in any case", in: "date_order: DMY\n", check: func(t *testing.T, c *Config) {
			if c.DateOrder != "dmy" {
				t.Errorf("date_order = %q, want dmy", c.DateOrder)
			}
		}},
		{name: "date order defaults to none", in: "title: x\n", check: func(t *testing.T, c *Config) {
			if c.DateOrder != "" {
				t.Errorf("date_order = %q, want empty", c.DateOrder)
			}
		}},
		{name: "bad date order named with line", in: "title: x\ndate_order: dym\n",
			wantErr: []string{`inquest.yaml:2: date_order: "dym" is not one of dmy, mdy, ymd`}},
		{name: "invalid glob", in: "content: ['a/[b']\n", wantErr: []string{`invalid glob "a/[b"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(tt.in), FileName)
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("no error, want %q", tt.wantErr)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not contain %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestMatch(t *testing.T) {
	c := Default()
	if err := c.finish(FileName, nil); err != nil {
		t.Fatal(err)
	}
	tests := map[string]bool{
		"postmortems/2024/2024-01-01-db.md":    true,
		"Retrospectives/2021/x.md":             true,
		"eng/incident-reports/x.markdown":      true,
		"2021-05-outages/x.md":                 true,
		"incident-response/runbook.md":         false,
		"incidents/CHANGELOG.md":               false,
		"incidents/template-postmortem.md":     false,
		"incidents/db-template.md":             false,
		"incidents/db-outage.md":               true,
		"node_modules/pkg/incidents/x.md":      false,
		"vendor/github.com/x/postmortems/a.md": false,
		"incidents/LICENSE":                    false,
		"postmortems/db.md":                    true,
		"teams/a/incidents/2021/x.md":          true,
		"docs/post-mortems/x.md":               true,
		"postmortems/README.md":                false,
		"postmortems/templates/postmortem.md":  false,
		"postmortems/_draft.md":                false,
		"postmortems/_wip/x.md":                false,
		"notes/x.md":                           false,
		"postmortems/2024/image.png":           false,
		"README.md":                            false,
		"postmortems/.hidden/x.md":             false,
		"_postmortems/2021/x.md":               true,
		"_site/postmortems/x.md":               false,
		"_posts/2021-05-04-db.md":              false,
	}
	for path, want := range tests {
		if got := c.Match(path); got != want {
			t.Errorf("Match(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestContentRoots(t *testing.T) {
	tests := []struct {
		name    string
		content []string
		want    []string
	}{
		{"content left to discovery: the whole repository", Default().Content, nil},
		{"one folder", []string{"postmortems/**/*.md"}, []string{"postmortems"}},
		{"nested folder", []string{"docs/incidents/*.md"}, []string{"docs/incidents"}},
		{"wildcard inside a name", []string{"docs/inc*/x.md"}, []string{"docs"}},
		{"braces", []string{"{a,b}/x.md"}, nil},
		{"file at the root", []string{"*.md"}, nil},
		{"literal file", []string{"reports/2024/outage.md"}, []string{"reports/2024"}},
		{"sorted, without repeats", []string{"retros/**/*.md", "incidents/*.md", "incidents/**/*.txt", "./retros/x/../*.md"}, []string{"incidents", "retros"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Config{Content: tt.content}
			if got := c.ContentRoots(); !slices.Equal(got, tt.want) {
				t.Errorf("ContentRoots(%q) = %q, want %q", tt.content, got, tt.want)
			}
		})
	}
}

func TestIsPublished(t *testing.T) {
	cfg := Default()
	custom := Default()
	custom.Statuses = []string{"draft", "review", "final"}
	for _, tc := range []struct {
		cfg    *Config
		status string
		want   bool
	}{
		{cfg, "published", true}, {cfg, "Published", true}, {cfg, "in-review", false}, {cfg, "", false},
		{custom, "final", true}, {custom, "published", true}, {custom, "review", false},
	} {
		if got := tc.cfg.IsPublished(tc.status); got != tc.want {
			t.Errorf("IsPublished(%q) with %v = %v, want %v", tc.status, tc.cfg.Statuses, got, tc.want)
		}
	}
}

func TestMatchUsesContent(t *testing.T) {
	c := Default()
	if err := c.finish(FileName, nil); err != nil {
		t.Fatal(err)
	}
	c.UseContent([]string{"2021-05/*.md", QuoteGlob("notes/[old] db.md")})
	tests := map[string]bool{
		"2021-05/db.md":          true,
		"2021-05/README.md":      false, // the exclusions still apply
		"notes/[old] db.md":      true,
		"notes/o db.md":          false,
		"postmortems/2024/x.md":  false, // the folder rule is gone once content is known
		"2021-05/deeper/x.md":    false,
		"2021-05/_unfinished.md": false,
	}
	for path, want := range tests {
		if got := c.Match(path); got != want {
			t.Errorf("Match(%q) = %v, want %v", path, got, want)
		}
	}
	if !c.ExcludesDir("a/node_modules") || !c.ExcludesDir(".github") || c.ExcludesDir("incidents") || c.ExcludesDir("2021-05") {
		t.Error("ExcludesDir: want node_modules and hidden folders skipped, report folders walked")
	}
}

func TestReportFolder(t *testing.T) {
	tests := map[string]bool{
		"postmortems": true, "Postmortems": true, "post-mortems": true, "PostMortems": true, "post_mortem": true,
		"incidents": true, "incident": true, "INCIDENTS": true, "incident-reports": true, "IncidentReports": true,
		"retrospectives": true, "retros": true, "disclosures": true, "rca": true, "RCAs": true, "coe": true,
		"outages": true, "2021-outages": true, "outages-2021": true, "sre-postmortems": true, "postmortems_archive": true,
		"post-incident-reviews": true,
		"incident-response":     false, "docs": false, "retroactive": false, "outage-simulator": false,
		"postmortem-tool": false, "2021-05": false, "src": false, "incidentally": false,
	}
	for name, want := range tests {
		if got := ReportFolder(name); got != want {
			t.Errorf("ReportFolder(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestLearnedScale(t *testing.T) {
	c, err := Parse(nil, FileName)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.SeverityRank("SEV1"); ok {
		t.Error("SEV1 is on a scale that has not been learned")
	}
	c.LearnSeverities([]string{"SEV0", "SEV1", "SEV3"})
	for sev, want := range map[string]int{"sev 1": 1, "SEV-0": 0, "Severity 3": 2, "sev_3": 2, "SEV2": -1, "P1": -1} {
		got, ok := c.SeverityRank(sev)
		if got != want || ok != (want >= 0) {
			t.Errorf("SeverityRank(%q) = %d, %v; want %d", sev, got, ok, want)
		}
	}
	c.LearnStatuses([]string{"Resolved", "draft", "final"})
	if got := strings.Join(c.Statuses, ","); got != "draft,in-review,Resolved,final,published" {
		t.Errorf("statuses = %s", got)
	}
	configured, err := Parse([]byte("severities: [SEV1, SEV2]\n"), FileName)
	if err != nil {
		t.Fatal(err)
	}
	// A configured scale takes the spellings of its levels too, and
	// shows its own.
	for sev, want := range map[string]string{"sev-1": "SEV1", "Sev 2": "SEV2", "severity2": "SEV2", "sev1": "SEV1", "SEV3": "SEV3", "P1": "P1"} {
		if got := configured.Severity(sev); got != want {
			t.Errorf("configured Severity(%q) = %q, want %q", sev, got, want)
		}
	}
	if _, ok := configured.SeverityRank("SEV3"); ok {
		t.Error("SEV3 is on a configured scale of SEV1 and SEV2")
	}
	words, err := Parse([]byte("severities: [Critical, Major, Minor]\n"), FileName)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := words.SeverityRank("MAJOR"); !ok || r != 1 {
		t.Errorf("SeverityRank(MAJOR) = %d, %v; want 1", r, ok)
	}
	_, err = Parse([]byte("severities: [SEV1, Sev 1, SEV2]\n"), FileName)
	if err == nil || !strings.Contains(err.Error(), `"SEV1" and "Sev 1" are spellings of one level`) {
		t.Errorf("two spellings of one level: err = %v", err)
	}
}

// TestExcludedJekyll: the folders a Jekyll site publishes its pages
// from (_posts, a collection named like a report folder) are not left out
// with the other folders whose name starts with "_"; what is in them is
// left out by every other rule, and an exclude that names them does.
func TestExcludedJekyll(t *testing.T) {
	t.Parallel()
	defaults := compileGlobs(DefaultExclude())
	for path, want := range map[string]bool{
		"_posts/2023-04-01-outage.md":      false,
		"blog/_posts/2023-04-01-outage.md": false,
		"_postmortems/db.md":               false,
		"_incidents/2021/db.md":            false,
		"_site/index.md":                   true,
		"_site/_posts/2023-04-01-x.md":     true,
		"_drafts/2023-04-01-x.md":          true,
		"_includes/footer.md":              true,
		"_layouts/post.md":                 true,
		"_posts/_draft.md":                 true,
		"_posts/.hidden.md":                true,
		"_posts/README.md":                 true,
		"_posts/templates/a.md":            true,
		"_posts":                           true,
		"_incident_response/runbook.md":    true,
	} {
		if got := defaults.match(path); got != want {
			t.Errorf("built-in exclusions: Excluded(%q) = %v, want %v", path, got, want)
		}
	}
	named := compileGlobs(append(DefaultExclude(), "**/_posts/**"))
	if !named.match("_posts/2023-04-01-outage.md") {
		t.Error(`exclude "**/_posts/**" does not leave out _posts`)
	}
}

// TestExcludedIncidentReadme: the README of an incident's own folder (a
// date or an id in capitals starting its name) is its report, not left out
// with the READMEs that tell what a folder holds; the repository's own
// exclude, and the other built-in rules, still leave it out.
func TestExcludedIncidentReadme(t *testing.T) {
	t.Parallel()
	load := func(yaml string) *Config {
		t.Helper()
		c, err := Parse([]byte(yaml), FileName)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := load("")
	for path, want := range map[string]bool{
		"incidents/2023-01-05-db-outage/README.md": false,
		"incidents/20230105_db/readme.markdown":    false,
		"postmortems/INC-1234/README.md":           false,
		"PM2021-011-cdn/README.md":                 false,
		"incidents/README.md":                      true,
		"README.md":                                true,
		"incidents/2023/README.md":                 true,
		"incidents/2023-01/README.md":              true,
		"incidents/node18/README.md":               true,
		"incidents/2023-01-05-db-outage/notes.md":  false,
		"node_modules/x/2023-01-05-db/README.md":   true,
		".github/2023-01-05-db/README.md":          true,
		"templates/INC-0000/README.md":             true,
	} {
		if got := c.Excluded(path); got != want {
			t.Errorf("Excluded(%q) = %v, want %v", path, got, want)
		}
	}
	if !load("exclude: [\"**/README.md\"]\n").Excluded("incidents/2023-01-05-db-outage/README.md") {
		t.Error("the repository's own exclude does not leave out an incident's README")
	}
	if !load("exclude_defaults: false\nexclude: [\"**/README.md\"]\n").Excluded("incidents/2023-01-05-db-outage/README.md") {
		t.Error("exclude without the defaults does not leave out an incident's README")
	}
}

// TestExcludedMatchesDoublestar: the compiled exclusions select what
// doublestar selects with the globs as written (but for the folders
// JekyllContent names, which TestExcludedJekyll covers).
func TestExcludedMatchesDoublestar(t *testing.T) {
	globs := append(DefaultExclude(), "drafts/**", "**/old/*.md", "**/x[0-9].md", "*.tmp", "**/{a,b}c*", `**/\[x\]`, "**/{notes,scratch}/**")
	g := compileGlobs(globs)
	paths := []string{
		"README.md", "a/README", "a/readme.txt", "a/b/README-incident.md", "LICENSE", "x/CHANGELOG.md",
		"templates/a.md", "a/Templates/b.md", "a/templated.md", "a/template_v2.md", "a/db-template.md",
		"_draft.md", "a/_wip/b.md", "a/b_c.md", ".github/x.md", "a/.hidden", "a/b.c/d.md",
		"node_modules/x.md", "a/node_modules", "a/vendor/b/c.md", "vendors/x.md", "drafts/x.md", "a/drafts/x.md",
		"old/a.md", "a/old/b.md", "a/old/b/c.md", "x1.md", "a/x2.md", "a.tmp", "a/b.tmp", "incidents/db.md",
		"ac.md", "x/bcd", "x/cc.md", "[x]", "a/x", "notes/a.md", "a/scratch", "scratchpad/a.md", "Readme.markdown",
		"README-2.md", "security-incident.md", "a/SECURITY.md", "templates", "TEMPLATE", "a/Template v2.md",
		"a/db_template.markdown", "a/db.template", "a/x-template.txt", "templates-old.md", "a/templateX.md",
	}
	for _, p := range paths {
		want := false
		for _, glob := range globs {
			if ok, _ := doublestar.Match(glob, p); ok {
				want = true
			}
		}
		if got := g.match(p); got != want {
			t.Errorf("%s: compiled %v, doublestar %v", p, got, want)
		}
	}
}

// TestLoadRefusesLinkedConfig: an inquest.yaml that links out of the
// repository or to a hidden file is not read, and the error does not
// quote what it holds; one that links inside is read.
func TestLoadRefusesLinkedConfig(t *testing.T) {
	for name, tc := range map[string]struct {
		target string // relative to the repository, or "OUTSIDE"
		ok     bool
	}{
		"hidden":  {".env", false},
		"git":     {".git/config", false},
		"outside": {"OUTSIDE", false},
		"inside":  {"conf/site.yaml", true},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			secret := "title: SECRET-TOKEN-VALUE\n"
			for _, f := range []string{".env", ".git/config", "conf/site.yaml"} {
				os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755)
				os.WriteFile(filepath.Join(dir, f), []byte(secret), 0o600)
			}
			target := filepath.Join(dir, tc.target)
			if tc.target == "OUTSIDE" {
				target = filepath.Join(t.TempDir(), "x.yaml")
				os.WriteFile(target, []byte(secret), 0o600)
			}
			if err := os.Symlink(target, filepath.Join(dir, FileName)); err != nil {
				t.Fatal(err)
			}
			c, err := Load(dir)
			if tc.ok {
				if err != nil || c.Title != "SECRET-TOKEN-VALUE" {
					t.Errorf("a link inside: %v, %+v", err, c)
				}
				return
			}
			if err == nil || strings.Contains(err.Error(), "SECRET") {
				t.Errorf("Load = %v", err)
			}
		})
	}
}

func TestFactors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml string
		want       []string
		err        string
	}{
		{"default", "title: x\n", DefaultFactors, ""},
		{"configured", "factors: [change, third party, Alert fatigue]\n", []string{"change", "third party", "Alert fatigue"}, ""},
		{"empty", "factors: []\n", nil, "inquest.yaml:1: factors must list at least one"},
		{"twice", "factors:\n  - change\n  - Change\n", nil, `factors: "Change" is listed twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(tt.yaml), FileName)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.Factors, tt.want) {
				t.Errorf("factors = %q, want %q", c.Factors, tt.want)
			}
		})
	}
	c, _ := Parse(nil, FileName)
	for in, want := range map[string]string{"Detection-Gap": "detection gap", "detection_gap": "detection gap", "  change ": "change", "nope": ""} {
		if got, ok := c.Factor(in); got != want || ok != (want != "") {
			t.Errorf("Factor(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
