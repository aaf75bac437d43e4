package scaffold_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/scaffold"
)

// uncommentRE matches the commented-out settings of the scaffolded
// inquest.yaml: "#key: value" and its "#  " continuation lines. Prose
// comments are "# text".
var uncommentRE = regexp.MustCompile(`(?m)^#([a-z_]+:.*|  .*)$`)

// TestConfigIsTheDefaults: the scaffolded inquest.yaml pins content to
// the folder `inquest new` writes to; every other key is the default.
func TestConfigIsTheDefaults(t *testing.T) {
	data := skeletonFile(t, config.FileName)
	want, err := config.Parse([]byte(`content: ["postmortems/**/*.md"]`+"\n"), config.FileName)
	if err != nil {
		t.Fatal(err)
	}
	got, err := config.Parse(data, config.FileName)
	if err != nil {
		t.Fatalf("scaffolded inquest.yaml: %v", err)
	}
	if !reflect.DeepEqual(normalize(got), normalize(want)) {
		t.Errorf("scaffolded inquest.yaml parses to\n%+v\nwant the defaults\n%+v", got, want)
	}

	// The commented values are the defaults: uncommenting them all changes nothing.
	uncommented := uncommentRE.ReplaceAll(data, []byte("$1"))
	got, err = config.Parse(uncommented, config.FileName)
	if err != nil {
		t.Fatalf("inquest.yaml with every key uncommented: %v\n%s", err, uncommented)
	}
	if !reflect.DeepEqual(normalize(got), normalize(want)) {
		t.Errorf("inquest.yaml with every key uncommented parses to\n%+v\nwant the defaults\n%+v", got, want)
	}

	// Every key of config.Config is there, so the file documents them all.
	for _, key := range yamlKeys(reflect.TypeFor[config.Config](), "") {
		top, nested, _ := strings.Cut(key, ".")
		line := "#" + top + ":"
		if nested != "" {
			line = "#  " + nested + ":"
		}
		if !bytes.Contains(data, []byte("\n"+line)) && !bytes.Contains(data, []byte("\n"+line[1:])) {
			t.Errorf("inquest.yaml does not show the key %s (want a line starting %q)", key, line)
		}
	}
}

// normalize makes empty slices and maps nil: `required_sections: []`
// documents the default as well as leaving the key out does.
func normalize(c *config.Config) *config.Config {
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.CanSet() && (f.Kind() == reflect.Slice || f.Kind() == reflect.Map) && f.Len() == 0 {
			f.SetZero()
		}
	}
	return c
}

// yamlKeys lists the yaml keys of a struct, nested ones as parent.child.
func yamlKeys(typ reflect.Type, prefix string) []string {
	var keys []string
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		if f.Type.Kind() == reflect.Struct {
			keys = append(keys, yamlKeys(f.Type, prefix+name+".")...)
			continue
		}
		keys = append(keys, prefix+name)
	}
	return keys
}

func TestFiles(t *testing.T) {
	want := []string{
		"inquest.yaml",
		"postmortems/README.md",
		"templates/postmortem.md",
		".github/CODEOWNERS",
		".github/pull_request_template.md",
		".github/workflows/postmortems-check.yml",
		".github/workflows/postmortems-publish.yml",
		".gitlab-ci.yml.example",
	}
	var got []string
	for _, f := range scaffold.Files() {
		got = append(got, f.Path)
		if len(f.Data) == 0 {
			t.Errorf("%s is empty", f.Path)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("Files() = %q, want %q", got, want)
	}
	if !bytes.Equal(skeletonFile(t, scaffold.TemplatePath), scaffold.Template()) {
		t.Error("Template() differs from the file init writes")
	}
	// The skeleton's own files are never taken for postmortems.
	cfg, err := config.Parse(nil, config.FileName)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range scaffold.Files() {
		if cfg.Match(f.Path) {
			t.Errorf("%s is selected as a postmortem by the default content globs", f.Path)
		}
	}
	if !bytes.Contains(skeletonFile(t, ".github/CODEOWNERS"), []byte("# postmortems/ @your-org/incident-review-committee")) {
		t.Error("CODEOWNERS does not show the committee hint")
	}
	for _, want := range []string{"Blameless", "All times in UTC.", "owner", "due date", "ticket", "Reviewed-by:"} {
		if !bytes.Contains(skeletonFile(t, ".github/pull_request_template.md"), []byte(want)) {
			t.Errorf("pull request template: no %q", want)
		}
	}
}

func TestInit(t *testing.T) {
	dir := t.TempDir()
	written, err := scaffold.Init(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != len(scaffold.Files())+1 {
		t.Errorf("wrote %d files, want the %d of the skeleton and .gitignore", len(written), len(scaffold.Files()))
	}
	for _, f := range scaffold.Files() {
		got, err := os.ReadFile(filepath.Join(dir, f.Path))
		if err != nil || !bytes.Equal(got, f.Data) {
			t.Errorf("%s: %v, content equal: %v", f.Path, err, bytes.Equal(got, f.Data))
		}
	}

	t.Run("refuses, names every file, writes nothing", func(t *testing.T) {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, ".github"), 0o755)
		for _, p := range []string{"inquest.yaml", ".github/CODEOWNERS"} {
			os.WriteFile(filepath.Join(dir, p), []byte("mine\n"), 0o644)
		}
		_, err := scaffold.Init(dir, false)
		var xe *scaffold.ExistsError
		if !errors.As(err, &xe) || !slices.Equal(xe.Paths, []string{"inquest.yaml", ".github/CODEOWNERS"}) {
			t.Fatalf("err = %v, want ExistsError naming inquest.yaml and .github/CODEOWNERS", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "templates")); !errors.Is(err, os.ErrNotExist) {
			t.Error("templates/ was created although init refused")
		}
		if got, _ := os.ReadFile(filepath.Join(dir, "inquest.yaml")); string(got) != "mine\n" {
			t.Errorf("inquest.yaml = %q, overwritten", got)
		}
	})

	t.Run("force overwrites, replacing symbolic links", func(t *testing.T) {
		dir := t.TempDir()
		outside := filepath.Join(t.TempDir(), "outside.yaml")
		os.WriteFile(outside, []byte("outside\n"), 0o644)
		if err := os.Symlink(outside, filepath.Join(dir, "inquest.yaml")); err != nil {
			t.Skip("no symbolic links:", err)
		}
		written, err := scaffold.Init(dir, true)
		if err != nil {
			t.Fatal(err)
		}
		if written[0] != (scaffold.Written{Path: "inquest.yaml", Overwrote: true}) || written[1].Overwrote {
			t.Errorf("written = %+v", written)
		}
		if got, _ := os.ReadFile(outside); string(got) != "outside\n" {
			t.Errorf("the link's target was written: %q", got)
		}
		if st, _ := os.Lstat(filepath.Join(dir, "inquest.yaml")); st == nil || !st.Mode().IsRegular() {
			t.Error("inquest.yaml is still a link")
		}
	})
}

func TestNextID(t *testing.T) {
	for _, tc := range []struct {
		name string
		ids  []string
		year int
		want string
	}{
		{"empty", nil, 2024, "INC-2024-001"},
		{"highest of the year", []string{"INC-2024-001", "INC-2024-007", "INC-2024-003"}, 2024, "INC-2024-008"},
		{"other years ignored", []string{"INC-2023-041", "INC-2025-002"}, 2024, "INC-2024-001"},
		{"case-insensitive", []string{"inc-2024-012"}, 2024, "INC-2024-013"},
		{"other schemes ignored", []string{"PM2024-011", "INC-1145", "database-outage", "INC-2024-7x"}, 2024, "INC-2024-001"},
		{"beyond three digits", []string{"INC-2024-999"}, 2024, "INC-2024-1000"},
		{"gaps are not refilled", []string{"INC-2024-001", "INC-2024-005"}, 2024, "INC-2024-006"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := scaffold.NextID(tc.ids, tc.year); got != tc.want {
				t.Errorf("NextID(%q, %d) = %s, want %s", tc.ids, tc.year, got, tc.want)
			}
		})
	}
}

var allSet = []string{"id", "title", "date", "severity", "owner", "tags", "services"}

// defaultConfig is the configuration of a repository without inquest.yaml,
// built-in aliases merged in.
func defaultConfig(t testing.TB) *config.Config {
	cfg, err := config.Parse(nil, config.FileName)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestRenderBuiltIn renders the built-in template with awkward values and
// parses the result as check would: every value intact, and no finding but
// the one note that the draft still holds the template's placeholders,
// whose example timeline is no timeline of the incident.
func TestRenderBuiltIn(t *testing.T) {
	cfg := defaultConfig(t)
	for _, title := range []string{
		"Database outage",
		"Payments: webhook timeouts (EU)",
		`"Quoted" title # with a hash`,
		"yes",
		"2024",
		"- starts like a list item",
		"Zoë's café — São Paulo",
		`back\slash {braces} [brackets]`,
	} {
		t.Run(title, func(t *testing.T) {
			d := scaffold.Data{Title: title, ID: "INC-2024-001", Date: "2024-03-01", Severity: "SEV2",
				Owner: "O'Brien, Zoë", Tags: scaffold.List{"database", "a,b", "true"}, Services: scaffold.List{"checkout-api"}}
			out, err := scaffold.Render("built-in", scaffold.Template(), d, scaffold.RenderOptions{Set: allSet, FieldFor: cfg.FieldFor})
			if err != nil {
				t.Fatal(err)
			}
			inc := postmortem.NewParser(cfg).Parse("postmortems/2024/x.md", out)
			postmortem.Validate(cfg, []*postmortem.Incident{inc})
			for _, f := range inc.Findings {
				if f.Rule == "template-placeholder" && f.Level == postmortem.LevelInfo && len(inc.Findings) == 1 {
					continue
				}
				t.Errorf("finding: %s:%d: %s: %s [%s]", f.File, f.Line, f.Level, f.Message, f.Rule)
			}
			if inc.Title != title || inc.ID != d.ID || inc.Date.Format("2006-01-02") != d.Date || inc.Severity != "SEV2" ||
				inc.Owner != d.Owner || !slices.Equal(inc.Tags, d.Tags) || !slices.Equal(inc.Services, d.Services) || inc.Status != "draft" {
				t.Errorf("parsed %+v\nwant %+v", inc, d)
			}
			if inc.Summary != "" || len(inc.ActionItems) != 0 {
				t.Errorf("summary %q, action items %+v: the template's guidance leaked into content", inc.Summary, inc.ActionItems)
			}
			if len(inc.Timeline) != 0 || !inc.Started.IsZero() || !inc.Detected.IsZero() || !inc.Mitigated.IsZero() || !inc.Resolved.IsZero() {
				t.Errorf("timeline %+v, milestones %v %v %v %v: the template's examples are no events of the incident",
					inc.Timeline, inc.Started, inc.Detected, inc.Mitigated, inc.Resolved)
			}
			for _, s := range []postmortem.SectionKind{postmortem.SectionSummary, postmortem.SectionSupportingData, postmortem.SectionImpact,
				postmortem.SectionResponseAnalysis, postmortem.SectionPostAnalysis, postmortem.SectionTimeline, postmortem.SectionFactors,
				postmortem.SectionLessons, postmortem.SectionActionItems} {
				if inc.Section(s) == nil {
					t.Errorf("no %s section", s)
				}
			}
		})
	}
}

func TestRenderFill(t *testing.T) {
	d := scaffold.Data{Title: "DB: pool exhausted", ID: "INC-2024-002", Date: "2024-03-01", Severity: "SEV4",
		Owner: "Jane Doe", Tags: scaffold.List{"database"}}
	cfg := defaultConfig(t)
	for _, tc := range []struct {
		name string
		tmpl string
		set  []string
		want string
	}{
		{
			name: "placeholders of a template without fields",
			tmpl: "---\nid: INC-YYYY-NNN\ntitle: \"\"\ndate: YYYY-MM-DD\nseverity: SEV3\nowner: \"\"\ntags: []\nservices: []\n---\nbody\n",
			set:  []string{"id", "title", "date"},
			// severity keeps the template's default; owner and tags were empty.
			want: "---\nid: INC-2024-002\ntitle: \"DB: pool exhausted\"\ndate: 2024-03-01\nseverity: SEV3\nowner: Jane Doe\ntags: [database]\nservices: []\n---\nbody\n",
		},
		{
			name: "flags win over the template's values",
			tmpl: "---\nseverity: SEV3   # SEV1 is the worst\nowner: SRE team\n---\n",
			set:  []string{"severity", "owner"},
			want: "---\nseverity: SEV4 # SEV1 is the worst\nowner: Jane Doe\n---\n",
		},
		{
			name: "values already right are left as written",
			tmpl: "---\ntitle: 'DB: pool exhausted'  # keep\ntags:\n  - database\n---\n",
			set:  allSet,
			want: "---\ntitle: 'DB: pool exhausted'  # keep\ntags:\n  - database\nid: INC-2024-002\ndate: 2024-03-01\nseverity: SEV4\nowner: Jane Doe\n---\n",
		},
		{
			name: "aliases, block values and comments",
			tmpl: "---\nincident_id: X\n# the committee\nlabels:\n- a\n- b\n\nsev: SEV1\nname: T\n---\n",
			set:  []string{"id", "tags", "title"},
			want: "---\nincident_id: INC-2024-002\n# the committee\nlabels: [database]\n\nsev: SEV1\nname: \"DB: pool exhausted\"\n---\n",
		},
		{
			name: "a value that does not parse is replaced",
			tmpl: "---\ntitle: DB: pool exhausted\nowner: [unclosed\n---\n",
			set:  []string{"title"},
			want: "---\ntitle: \"DB: pool exhausted\"\nowner: Jane Doe\n---\n",
		},
		{
			name: "CRLF and a byte-order mark survive",
			tmpl: "\ufeff---\r\ntitle: x\r\n---\r\nbody\r\n",
			set:  []string{"title", "id"},
			want: "\ufeff---\r\ntitle: \"DB: pool exhausted\"\r\nid: INC-2024-002\r\n---\r\nbody\r\n",
		},
		{name: "no front matter", tmpl: "# {{.Title}}\n\nid {{.ID}}\n", set: allSet, want: "# DB: pool exhausted\n\nid INC-2024-002\n"},
		{name: "TOML front matter is left alone", tmpl: "+++\ntitle = \"x\"\n+++\n", set: allSet, want: "+++\ntitle = \"x\"\n+++\n"},
		{name: "unclosed front matter is left alone", tmpl: "---\ntitle: x\n", set: allSet, want: "---\ntitle: x\n"},
		{
			name: "template fields and functions",
			tmpl: "---\ntitle: {{yaml .Title}}\ntags: {{.Tags}}\n---\n{{join .Tags \", \"}} {{range .Tags}}<{{.}}>{{end}}\n",
			set:  []string{"title", "tags"},
			want: "---\ntitle: \"DB: pool exhausted\"\ntags: [database]\n---\ndatabase <database>\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := scaffold.Render("t.md", []byte(tc.tmpl), d, scaffold.RenderOptions{Set: tc.set, FieldFor: cfg.FieldFor})
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	for _, tc := range []struct{ tmpl, want string }{
		{"---\ntitle: {{.Title}\n---\n", "templates/postmortem.md:2: "},
		{"---\n\ntitle: {{.Nope}}\n", `templates/postmortem.md:3:9: executing "templates/postmortem.md" at <.Nope>: can't evaluate field Nope`},
		{"{{nope .Title}}", `templates/postmortem.md:1: function "nope" not defined`},
	} {
		_, err := scaffold.Render("templates/postmortem.md", []byte(tc.tmpl), scaffold.Data{}, scaffold.RenderOptions{})
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Render(%q) error = %v, want prefix %q", tc.tmpl, err, tc.want)
		}
	}
}

// FuzzRender feeds arbitrary templates through Render: it never panics, and
// rendering its own output again changes nothing (the fill is idempotent).
func FuzzRender(f *testing.F) {
	f.Add(string(scaffold.Template()))
	f.Add("---\nid: INC-YYYY-NNN\ntitle: \"\"\ndate: YYYY-MM-DD\ntags:\n- a\n---\nbody\n")
	f.Add("---\r\nsev: x # c\r\nlabels: [a, b\r\n...\r\n")
	f.Add("\ufeff---\n# only a comment\n---\n")
	cfg := defaultConfig(f)
	d := scaffold.Data{Title: "T: x", ID: "INC-2024-001", Date: "2024-03-01", Severity: "SEV2", Owner: "Jane", Tags: scaffold.List{"a", "b c"}}
	f.Fuzz(func(t *testing.T, tmpl string) {
		opts := scaffold.RenderOptions{Set: []string{"id", "title", "date", "tags"}, FieldFor: cfg.FieldFor}
		out, err := scaffold.Render("t", []byte(tmpl), d, opts)
		if err != nil {
			return
		}
		// The output is rendered again as text, not as a template.
		escaped := strings.NewReplacer("{{", `{{"{{"}}`).Replace(string(out))
		again, err := scaffold.Render("t", []byte(escaped), d, opts)
		if err != nil {
			t.Fatalf("second render: %v", err)
		}
		if !bytes.Equal(again, out) {
			t.Errorf("not idempotent:\n%q\n%q", out, again)
		}
	})
}

func ExampleNextID() {
	fmt.Println(scaffold.NextID([]string{"INC-2024-001", "INC-2024-004", "INC-2023-017"}, 2024))
	fmt.Println(scaffold.NextID(nil, 2025))
	// Output:
	// INC-2024-005
	// INC-2025-001
}

func ExampleRender() {
	tmpl := "---\nid: INC-YYYY-NNN\ntitle: {{yaml .Title}}\ndate: {{.Date}}\nseverity: SEV3 # the default\ntags: {{.Tags}}\n---\n"
	d := scaffold.Data{Title: "Checkout: 502s", ID: "INC-2024-008", Date: "2024-03-01", Severity: "SEV2", Tags: scaffold.List{"database"}}
	out, err := scaffold.Render("postmortem.md", []byte(tmpl), d, scaffold.RenderOptions{Set: []string{"id", "title", "date", "severity"}})
	if err != nil {
		panic(err)
	}
	fmt.Print(string(out))
	// Output:
	// ---
	// id: INC-2024-008
	// title: "Checkout: 502s"
	// date: 2024-03-01
	// severity: SEV2 # the default
	// tags: [database]
	// ---
}

// TestInitGitIgnore: init makes .gitignore ignore public/, the build's
// output, without ever replacing a repository's own .gitignore.
func TestInitGitIgnore(t *testing.T) {
	const lines = "# The site inquest build writes; CI builds and publishes it.\npublic/\n"
	for _, tc := range []struct {
		name, have, want string
		written          *scaffold.Written
	}{
		{"none", "", lines, &scaffold.Written{Path: ".gitignore"}},
		{"without public", "node_modules/\n", "node_modules/\n" + lines, &scaffold.Written{Path: ".gitignore", Appended: true}},
		{"no final newline", "*.log", "*.log\n" + lines, &scaffold.Written{Path: ".gitignore", Appended: true}},
		{"public already", "/public/\n*.log\n", "/public/\n*.log\n", nil},
		{"public without slash", "public\n", "public\n", nil},
		{"public elsewhere is not enough", "docs/public/\n", "docs/public/\n" + lines, &scaffold.Written{Path: ".gitignore", Appended: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.have != "" {
				if err := os.WriteFile(filepath.Join(dir, ".gitignore"), []byte(tc.have), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			written, err := scaffold.Init(dir, true)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(filepath.Join(dir, ".gitignore"))
			if string(got) != tc.want {
				t.Errorf(".gitignore = %q, want %q", got, tc.want)
			}
			var w *scaffold.Written
			for i := range written {
				if written[i].Path == ".gitignore" {
					w = &written[i]
				}
			}
			if (w == nil) != (tc.written == nil) || w != nil && *w != *tc.written {
				t.Errorf("written .gitignore = %+v, want %+v", w, tc.written)
			}
		})
	}
	t.Run("a link is not written through", func(t *testing.T) {
		dir := t.TempDir()
		outside := filepath.Join(t.TempDir(), "outside")
		os.WriteFile(outside, []byte("x\n"), 0o644)
		if err := os.Symlink(outside, filepath.Join(dir, ".gitignore")); err != nil {
			t.Skip("no symbolic links:", err)
		}
		if _, err := scaffold.Init(dir, false); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(outside); string(got) != "x\n" {
			t.Errorf("the link's target became %q", got)
		}
	})
}
