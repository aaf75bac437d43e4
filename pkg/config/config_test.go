package config

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr []string
		check   func(t *testing.T, c *Config)
	}{
		{name: "empty file gives defaults", in: "", check: func(t *testing.T, c *Config) {
			if len(c.Severities) != 4 || c.Severities[0] != "SEV1" {
				t.Errorf("severities = %v", c.Severities)
			}
		}},
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
		{name: "syntax error has line", in: "title: [\n", wantErr: []string{"inquest.yaml: line 1"}},
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
	if err := c.finish(FileName); err != nil {
		t.Fatal(err)
	}
	tests := map[string]bool{
		"postmortems/2024/2024-01-01-db.md":   true,
		"postmortems/db.md":                   true,
		"teams/a/incidents/2021/x.md":         true,
		"docs/post-mortems/x.md":              true,
		"postmortems/README.md":               false,
		"postmortems/templates/postmortem.md": false,
		"postmortems/_draft.md":               false,
		"postmortems/_wip/x.md":               false,
		"notes/x.md":                          false,
		"postmortems/2024/image.png":          false,
		"README.md":                           false,
		"postmortems/.hidden/x.md":            false,
	}
	for path, want := range tests {
		if got := c.Match(path); got != want {
			t.Errorf("Match(%q) = %v, want %v", path, got, want)
		}
	}
}
