package postmortem

import (
	"testing"

	"github.com/inquest-dev/inquest/pkg/config"
)

// TestFieldsVersion: parsers whose Fields agree share a version; an alias
// that makes Fields name a key otherwise gives another.
func TestFieldsVersion(t *testing.T) {
	t.Parallel()
	parse := func(yaml string) *Parser {
		t.Helper()
		cfg, err := config.Parse([]byte(yaml), config.FileName)
		if err != nil {
			t.Fatal(err)
		}
		return NewParser(cfg)
	}
	plain := parse("title: Postmortems\n").FieldsVersion()
	for _, tc := range []struct {
		name, yaml string
		same       bool
	}{
		{"another title", "title: Incidents\n", true},
		{"another timezone", "timezone: Europe/Paris\n", true},
		{"an alias", "aliases:\n  owner: [incident_commander]\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := parse(tc.yaml).FieldsVersion(); (got == plain) != tc.same {
				t.Errorf("FieldsVersion %q beside %q: same %v, want %v", got, plain, got == plain, tc.same)
			}
		})
	}
	in := []byte("---\nincident_commander: Ana\n---\n")
	if a, b := parse("title: x\n").Fields(in), parse("aliases:\n  owner: [incident_commander]\n").Fields(in); a["owner"] == b["owner"] {
		t.Errorf("the alias does not change Fields (%v, %v): the test does not test", a, b)
	}
}
