package postmortem

import (
	"slices"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/config"
)

// TestNameIDs: reports whose ids come from names that are alike get ids
// of their own, the earliest keeping the name, each other taking its
// date, else its folder, else a number, and saying so; a stated id keeps
// its own and ids stated twice stay an error.
func TestNameIDs(t *testing.T) {
	t.Parallel()
	type file struct{ path, text string }
	tests := []struct {
		name  string
		files []file
		// want is each file's id, in the order of files; errors the
		// files with a duplicate-id error.
		want   []string
		errors []string
	}{
		{
			name: "dated folders, the earliest keeps the name",
			files: []file{
				{"postmortems/2022-01/payments.md", "# Payments outage\n\n**Date:** 2022-01-14\n"},
				{"postmortems/2021-05/payments.md", "# Payments outage\n\n**Date:** 2021-05-03\n"},
			},
			want: []string{"2022-01-14-payments", "payments"},
		},
		{
			name: "three of one name",
			files: []file{
				{"a/db.md", "# DB\n\nDate: 2023-03-01\n"},
				{"b/db.md", "# DB\n\nDate: 2021-02-01\n"},
				{"c/db.md", "# DB\n\nDate: 2022-07-09\n"},
			},
			want: []string{"2023-03-01-db", "db", "2022-07-09-db"},
		},
		{
			name: "no dates: the folder's name, the first path keeps it",
			files: []file{
				{"retros/team-b/login.md", "# Login\n"},
				{"retros/team-a/login.md", "# Login\n"},
			},
			want: []string{"team-b-login", "login"},
		},
		{
			name: "a dated one keeps the name before an undated one",
			files: []file{
				{"x/login.md", "# Login\n"},
				{"y/login.md", "# Login\n\nDate: 2020-01-01\n"},
			},
			want: []string{"x-login", "login"},
		},
		{
			name: "one day, one folder: a number",
			files: []file{
				{"pm/Outage 5c1e2a9b7d3f4e6a8b0c2d4e6f8a0b1c.md", "# Outage\n\nDate: 2024-06-01\n"},
				{"pm/Outage 0a1b2c3d4e5f60718293a4b5c6d7e8f9.md", "# Outage\n\nDate: 2024-06-01\n"},
				{"pm/Outage 99999999999999999999999999999999.md", "# Outage\n\nDate: 2024-06-01\n"},
				{"pm/Outage 88888888888888888888888888888888.md", "# Outage\n\nDate: 2024-06-01\n"},
			},
			want: []string{"2024-06-01-outage", "outage", "outage-2", "pm-outage"},
		},
		{
			name: "folder reports named README",
			files: []file{
				{"2023/db-failover/README.md", "# DB failover\n\nDate: 2023-09-09\n"},
				{"2021/db-failover/README.md", "# DB failover\n\nDate: 2021-09-09\n"},
			},
			want: []string{"2023-09-09-db-failover", "db-failover"},
		},
		{
			name: "a stated id keeps it before an earlier name",
			files: []file{
				{"old/cdn.md", "# CDN\n\nDate: 2019-01-01\n"},
				{"new/cdn-2024.md", "---\nid: cdn\ndate: 2024-01-01\n---\n# CDN\n"},
			},
			want: []string{"2019-01-01-cdn", "cdn"},
		},
		{
			name: "the date is taken: the folder",
			files: []file{
				{"a/2024-06-01-dns.md", "# DNS\n"},
				{"b/dns.md", "# DNS\n\nDate: 2024-06-01\n"},
				{"c/dns.md", "# DNS\n\nDate: 2023-06-01\n"},
			},
			want: []string{"2024-06-01-dns", "b-dns", "dns"},
		},
		{
			name: "ids stated twice stay an error",
			files: []file{
				{"a.md", "---\nid: INC-7\n---\n# A\n"},
				{"b.md", "---\nid: inc-7\n---\n# B\n"},
			},
			want:   []string{"INC-7", "inc-7"},
			errors: []string{"a.md", "b.md"},
		},
		{
			name: "a name alike to a key line's id",
			files: []file{
				{"a.md", "# A\n\n**Incident ID:** INC-9\n"},
				{"b/inc-9.md", "# B\n\nDate: 2022-02-02\n"},
			},
			want: []string{"INC-9", "2022-02-02-INC-9"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := defaultConfig(t)
			p := NewParser(cfg)
			var incs []*Incident
			for _, f := range tt.files {
				incs = append(incs, p.Parse(f.path, []byte(f.text)))
			}
			Validate(cfg, incs)
			var got, errs []string
			for _, inc := range incs {
				got = append(got, inc.ID)
				for _, f := range inc.Findings {
					if f.Rule != "duplicate-id" {
						continue
					}
					if f.Level == LevelError {
						errs = append(errs, inc.Source)
						continue
					}
					x := inc.Inferred[nameInference(inc)]
					if f.Level != LevelInfo || !strings.Contains(f.Message, inc.ID) || x.Value != inc.ID || !strings.Contains(x.From, " has the same name") {
						t.Errorf("%s: finding %+v, inferred %+v", inc.Source, f, x)
					}
				}
			}
			if !slices.Equal(got, tt.want) || !slices.Equal(errs, tt.errors) {
				t.Errorf("ids %q, errors %q; want %q, %q", got, errs, tt.want, tt.errors)
			}
			// Again: ids of their own stay as they are.
			Validate(cfg, incs)
			for i, inc := range incs {
				if inc.ID != got[i] {
					t.Errorf("validated again: %s is %q, was %q", inc.Source, inc.ID, got[i])
				}
			}
		})
	}
}

// TestNameID: the id a name gives, before it was made one of its own.
func TestNameID(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig(t)
	p := NewParser(cfg)
	a := p.Parse("2021/payments.md", []byte("# P\n\nDate: 2021-01-01\n"))
	b := p.Parse("2022/payments.md", []byte("# P\n\nDate: 2022-01-01\n"))
	c := p.Parse("c.md", []byte("---\nid: OPS-1\n---\n# C\n"))
	Validate(cfg, []*Incident{a, b, c})
	for _, tt := range []struct {
		inc      *Incident
		id, name string
	}{{a, "payments", "payments"}, {b, "2022-01-01-payments", "payments"}, {c, "OPS-1", "OPS-1"}} {
		if tt.inc.ID != tt.id || tt.inc.NameID() != tt.name {
			t.Errorf("%s: ID %q, NameID %q; want %q, %q", tt.inc.Source, tt.inc.ID, tt.inc.NameID(), tt.id, tt.name)
		}
	}
}

// TestNameIDsLongNames: names cut short at an id's 100 bytes still give
// ids of their own that fit.
func TestNameIDsLongNames(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig(t)
	p := NewParser(cfg)
	title := strings.Repeat("Checkout latency after the cache cluster lost a node ", 3)
	var incs []*Incident
	for _, id := range []string{"5c1e2a9b7d3f4e6a8b0c2d4e6f8a0b1c", "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "99999999999999999999999999999999", "88888888888888888888888888888888"} {
		incs = append(incs, p.Parse("pm/"+title+id+".md", []byte("# Checkout latency\n")))
	}
	Validate(cfg, incs)
	seen := map[string]bool{}
	for _, inc := range incs {
		if len(inc.ID) > 100 || seen[strings.ToLower(inc.ID)] || slices.ContainsFunc(inc.Findings, func(f Finding) bool { return f.Rule == "duplicate-id" && f.Level == LevelError }) {
			t.Errorf("%s: id %q (%d bytes), findings %v", inc.Source, inc.ID, len(inc.ID), inc.Findings)
		}
		seen[strings.ToLower(inc.ID)] = true
	}
	if !strings.HasSuffix(incs[3].ID, "-2") && !strings.HasSuffix(incs[2].ID, "-2") {
		t.Errorf("no id took a number: %q", []string{incs[0].ID, incs[1].ID, incs[2].ID, incs[3].ID})
	}
}

// defaultConfig is the configuration of a repository with no
// inquest.yaml.
func defaultConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Parse(nil, config.FileName)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
