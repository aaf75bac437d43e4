package postmortem

import (
	"encoding/json"
	"github.com/inquest-dev/inquest/pkg/config"
	"slices"
	"strings"
	"testing"
)

func TestKind(t *testing.T) {
	t.Parallel()
	p := newTestParser(t)
	tests := []struct {
		name, path, content string
		kind, from          string // from: the inference rule, "" when none
		warn                string
	}{
		{"default", "postmortems/2024-01-02-db.md", "---\ntitle: DB down\n---\n", KindIncident, "", ""},
		{"front matter", "postmortems/x.md", "---\ntitle: Disk nearly full\nkind: near-miss\n---\n", KindNearMiss, "", ""},
		{"front matter spelt with a space", "postmortems/x.md", "---\nkind: Near Miss\n---\n", KindNearMiss, "", ""},
		{"investigation", "postmortems/x.md", "---\nkind: investigation\n---\n", KindInvestigation, "", ""},
		{"folder", "investigations/2024/slow-builds.md", "# Why are builds slow\n", KindInvestigation, "folder", ""},
		{"near-miss folder", "reports/near-misses/cert.md", "# Certificate almost expired\n", KindNearMiss, "folder", ""},
		{"title", "postmortems/cert.md", "# Near miss: certificate two days from expiry\n", KindNearMiss, "title", ""},
		{"title hyphenated", "postmortems/cert.md", "---\ntitle: A near-miss with the DNS zone\n---\n", KindNearMiss, "title", ""},
		{"front matter wins over the folder", "investigations/x.md", "---\nkind: incident\n---\n", KindIncident, "", ""},
		{"word inside another", "postmortems/x.md", "# Nearmissile launch\n", KindIncident, "", ""},
		{"unknown", "postmortems/x.md", "---\nkind: outage-ish\n---\n", KindIncident, "", `kind "outage-ish" is not one of`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc := p.Parse(tt.path, []byte(tt.content))
			if inc.Kind != tt.kind {
				t.Errorf("kind = %q, want %q", inc.Kind, tt.kind)
			}
			i := slices.IndexFunc(inc.Inferred, func(x Inference) bool { return x.Field == "kind" })
			switch {
			case tt.from == "" && i >= 0:
				t.Errorf("inferred %+v, want nothing inferred", inc.Inferred[i])
			case tt.from != "" && (i < 0 || inc.Inferred[i].From != tt.from || inc.Inferred[i].Value != tt.kind):
				t.Errorf("inferred = %+v, want kind %s from %s", inc.Inferred, tt.kind, tt.from)
			}
			got := ""
			for _, f := range inc.Findings {
				if f.Rule == "kind" {
					got = f.Message
					if f.Line != 2 {
						t.Errorf("finding at line %d, want 2", f.Line)
					}
				}
			}
			if (tt.warn == "") != (got == "") || !strings.Contains(got, tt.warn) {
				t.Errorf("finding %q, want one containing %q", got, tt.warn)
			}
			if inc.IsOutage() != (tt.kind == KindIncident) {
				t.Errorf("IsOutage = %v", inc.IsOutage())
			}
		})
	}
}

func TestFactorsAndKindInJSON(t *testing.T) {
	t.Parallel()
	p := newTestParser(t)
	inc := p.Parse("postmortems/x.md", []byte("---\ntitle: Quota near miss\nfactors: [capacity, Detection gap]\n---\n"))
	if want := []string{"capacity", "Detection gap"}; !slices.Equal(inc.Factors, want) {
		t.Errorf("factors = %q, want %q", inc.Factors, want)
	}
	data, err := json.Marshal(inc.ToJSON())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"kind":"near-miss"`, `"factors":["capacity","Detection gap"]`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("JSON lacks %s: %s", want, data)
		}
	}
	// An incident, the default, writes no kind: absent values are omitted.
	plain := p.Parse("postmortems/y.md", []byte("# Outage\n"))
	data, _ = json.Marshal(plain.ToJSON())
	if strings.Contains(string(data), `"kind"`) {
		t.Errorf("an incident's JSON has a kind: %s", data)
	}
}

// TestKindNeedsNoSeverity: severity is a required field by default, but a
// near miss or an investigation had no impact to rate.
func TestKindNeedsNoSeverity(t *testing.T) {
	t.Parallel()
	cfg, err := config.Parse([]byte("severities: [SEV1, SEV2]\n"), config.FileName)
	if err != nil {
		t.Fatal(err)
	}
	p := NewParser(cfg)
	for content, want := range map[string]bool{
		"---\ntitle: Disk nearly full\ndate: 2024-01-02\nkind: near-miss\n---\n":        false,
		"---\ntitle: Why builds are slow\ndate: 2024-01-02\nkind: investigation\n---\n": false,
		"---\ntitle: Disk full\ndate: 2024-01-02\n---\n":                                true,
	} {
		inc := p.Parse("postmortems/x.md", []byte(content))
		Validate(cfg, []*Incident{inc})
		got := slices.ContainsFunc(inc.Findings, func(f Finding) bool { return f.Rule == "required-field" })
		if got != want {
			t.Errorf("%q: required-field finding = %v, want %v", content, got, want)
		}
	}
}
