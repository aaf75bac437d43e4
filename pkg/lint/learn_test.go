package lint

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

func TestUnknownService(t *testing.T) {
	t.Parallel()
	const catalog = "services:\n  - name: checkout-api\n    owner: team-checkout\n  - name: postgres-main\n    aliases: [pg-main]\n"
	tests := []struct {
		name, catalog, services string
		want                    []want
	}{
		{"all in the catalog", catalog, "[checkout-api, postgres-main]", nil},
		{"by alias, in another case", catalog, "[Checkout-API, pg-main]", nil},
		{"missing, with a near name", catalog, "[checkout-apl, postgres-main]", []want{
			{"unknown-service", postmortem.LevelWarning, 9, 0, `service "checkout-apl" is not in services.yaml (did you mean "checkout-api"?)`}}},
		{"missing, nothing near", catalog, "[checkout-api, ledger]", []want{
			{"unknown-service", postmortem.LevelWarning, 9, 0, `service "ledger" is not in services.yaml`}}},
		{"no catalog, no finding", "", "[ledger]", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			if tt.catalog != "" {
				if err := os.WriteFile(filepath.Join(root, "services.yaml"), []byte(tt.catalog), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cfg := mustConfig(t, "")
			inc := parse(t, cfg, edit(t, "services: [checkout-api, postgres-main]", "services: "+tt.services))
			check(t, only("unknown-service", Run(context.Background(), cfg, []*postmortem.Incident{inc}, Options{Now: now, Root: root})), tt.want)
		})
	}
}

func TestServiceCatalogFindings(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	bad := "services:\n  - name: checkout-api\n    runbook: javascript:alert(1)\n  - owner: nobody\n  - name: Checkout-API\n"
	if err := os.WriteFile(filepath.Join(root, "services.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := mustConfig(t, "")
	inc := parse(t, cfg, base)
	var got []string
	for _, f := range only("service-catalog", Run(context.Background(), cfg, []*postmortem.Incident{inc}, Options{Now: now, Root: root})) {
		if f.File != "services.yaml" || f.Level != postmortem.LevelError {
			t.Errorf("finding %+v", f)
		}
		got = append(got, strconv.Itoa(f.Line)+" "+f.Message)
	}
	want := []string{
		`3 runbook "javascript:alert(1)" is not an http or https URL`,
		`4 a service without a name`,
		`5 "Checkout-API" is already the name or an alias of checkout-api (line 2)`,
	}
	if len(got) != len(want) {
		t.Fatalf("findings %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("finding %d = %q, want %q", i, got[i], want[i])
		}
	}
	// Unreadable, the catalog checks no service.
	if fs := only("unknown-service", Run(context.Background(), cfg, []*postmortem.Incident{inc}, Options{Now: now, Root: root})); len(fs) != 0 {
		t.Errorf("unknown-service with an unreadable catalog: %v", got)
	}
}

func TestContributingFactors(t *testing.T) {
	t.Parallel()
	const fm = "services: [checkout-api, postgres-main]"
	tests := []struct {
		name, config, content string
		want                  []want
	}{
		{"named", "", edit(t, fm, fm+"\nfactors: [Configuration, detection-gap]"), nil},
		{"published, none named", "", base, []want{
			{"contributing-factors", postmortem.LevelInfo, 3, 0, "names no contributing factor; list the kinds that apply under factors: (change, configuration,"}}},
		{"a draft need not", "", edit(t, "status: published", "status: draft"), nil},
		{"outside the taxonomy", "", edit(t, fm, fm+"\nfactors: [configuration, cosmic rays]"), []want{
			{"contributing-factors", postmortem.LevelInfo, 10, 0, `factor "cosmic rays" is not in the taxonomy`}}},
		{"a configured taxonomy", "factors: [cosmic rays, config drift]\n", edit(t, fm, fm+"\nfactors: [Cosmic Rays]"), nil},
		{"configured, the default is not in it", "factors: [cosmic rays]\n", edit(t, fm, fm+"\nfactors: [configuration]"), []want{
			{"contributing-factors", postmortem.LevelInfo, 10, 0, `factor "configuration" is not in the taxonomy (cosmic rays)`}}},
		{"switched off", "rules:\n  contributing-factors: off\n", base, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := mustConfig(t, tt.config)
			inc := parse(t, cfg, tt.content)
			check(t, only("contributing-factors", Run(context.Background(), cfg, []*postmortem.Incident{inc}, Options{Now: now})), tt.want)
		})
	}
}
