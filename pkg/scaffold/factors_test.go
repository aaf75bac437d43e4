package scaffold

import (
	"slices"
	"testing"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// parsed parses a postmortem without front matter as adopt finds it.
func parsed(t *testing.T, cfg *config.Config, text string) *postmortem.Incident {
	t.Helper()
	return postmortem.NewParser(cfg).Parse("retros/2024-02-03-x.md", []byte(text))
}

func TestProposeFactors(t *testing.T) {
	t.Parallel()
	defaults, err := config.Parse([]byte("{}"), "inquest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	small, err := config.Parse([]byte("factors: [Change, Capacity, Human error]\n"), "inquest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		cfg     *config.Config
		text    string
		written map[string]string
		want    []string
		because []string
	}{
		{
			name: "a deploy that saturated a pool, unnoticed",
			cfg:  defaults,
			text: "# Slow checkout\n\n## Contributing factors\n\nThe 14:02 deploy doubled the queries per request. The connection pool saturated within minutes, and it went unnoticed for 40 minutes.\n",
			want: []string{"change", "capacity", "detection gap"}, because: []string{"deploy", "connection pool", "went unnoticed"},
		},
		{
			name: "root cause heading, vendor and a bug",
			cfg:  defaults,
			text: "# Payments down\n\n## Root cause\n\nOur card vendor changed a response field, and a bug in our parser treated the empty field as a decline.\n",
			want: []string{"dependency", "software defect"}, because: []string{"vendor", "bug"},
		},
		{
			name: "words inside other words are not cues",
			cfg:  defaults,
			text: "# Cache\n\n## Contributing factors\n\nThe redeployable image and the bugle test were fine; a toolset lost its token.\n",
		},
		{
			name: "only the repository's taxonomy, in its spelling",
			cfg:  small,
			text: "# Slow checkout\n\n## Contributing factors\n\nA rollout raised memory use until the pods ran out of memory; the runbook was stale.\n",
			want: []string{"Change", "Capacity"}, because: []string{"rollout", "out of memory"},
		},
		{
			name:    "factors already written",
			cfg:     defaults,
			text:    "# Slow checkout\n\n## Contributing factors\n\nA deploy.\n",
			written: map[string]string{"factors": "[process]"},
		},
		{
			name: "no contributing factors section",
			cfg:  defaults,
			text: "# Slow checkout\n\n## Summary\n\nA deploy saturated the pool.\n",
		},
		{
			name: "at most four",
			cfg:  defaults,
			text: "# Everything\n\n## Contributing factors\n\nA deploy of a config change hit a quota at a vendor, no alert fired, the runbook was wrong and a script had a bug on the network.\n",
			want: []string{"change", "configuration", "capacity", "dependency"}, because: []string{"deploy", "config", "quota", "vendor"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := proposeFactors(parsed(t, tc.cfg, tc.text), tc.cfg, tc.written)
			if tc.want == nil {
				if p != nil {
					t.Fatalf("proposed %v (from %q), want nothing", p.factors, p.because)
				}
				return
			}
			if p == nil {
				t.Fatalf("proposed nothing, want %v", tc.want)
			}
			if !slices.Equal(p.factors, tc.want) || !slices.Equal(p.because, tc.because) {
				t.Errorf("proposed %v from %q, want %v from %q", p.factors, p.because, tc.want, tc.because)
			}
		})
	}
}
