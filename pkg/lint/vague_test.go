package lint

import "testing"

func TestVague(t *testing.T) {
	services := []string{"checkout-api", "postgres-main", "payments"}
	// phrase is the vague words reported; "" means the title is fine.
	tests := []struct {
		title, phrase string
		kind          vagueKind
	}{
		// Exhortations, however concrete the rest.
		{"Be more careful", "be more careful", exhortation},
		{"Engineers must be more careful when running migrations on postgres-main", "be more careful", exhortation},
		{"Be careful with `kubectl delete`", "be careful", exhortation},
		{"Communicate better during incidents", "communicate better", exhortation},
		{"Raise awareness of the deploy freeze", "raise awareness", exhortation},
		{"Remind everyone to check dashboards", "remind everyone", exhortation},
		{"Pay more attention to alerts", "pay more attention", exhortation},
		{"Make sure this doesn't happen again", "make sure this doesn't happen again", exhortation},
		{"Avoid this in the future", "avoid this in the future", exhortation},
		{"Take extra care during Black Friday", "take extra care", exhortation},
		{"**Be vigilant** about certificate expiry", "be vigilant", exhortation},
		// Vague phrases, unless something concrete is named.
		{"Improve documentation", "improve documentation", vaguePhrase},
		{"Improve the docs for on-call engineers", "improve the docs", vaguePhrase},
		{"Create training for new on-call engineers", "create training", vaguePhrase},
		{"Investigate", "investigate", vaguePhrase},
		{"Investigate why the pool ran out", "investigate", vaguePhrase},
		{"Monitor more", "monitor more", vaguePhrase},
		{"Add more monitoring", "add more monitoring", vaguePhrase},
		{"Add better alerting for the database", "add better alerting", vaguePhrase},
		{"Look into the cache behaviour", "look into", vaguePhrase},
		{"Follow up with the vendor", "follow up", vaguePhrase},
		{"Follow-up on the networking issue", "follow-up", vaguePhrase},
		{"Review process for deploys", "review process", vaguePhrase},
		{"Review the runbooks", "review the runbooks", vaguePhrase},
		{"Improve communication with customer support", "improve communication", vaguePhrase},
		{"More testing before releases", "more testing", vaguePhrase},
		{"Double-check config changes before merging", "double-check", vaguePhrase},
		{"[ ] Improve monitoring ([ACME-12](https://tracker.example/ACME-12))", "improve monitoring", vaguePhrase},
		{"Improve [documentation](https://wiki.example/page)", "improve documentation", vaguePhrase},
		// Short titles with a vague verb.
		{"Fix alerting", "fix", shortVague},
		{"Review alert thresholds", "review", shortVague},
		{"Update runbook", "update", shortVague},
		{"Document the failover procedure", "document", shortVague},
		{"Harden config", "harden", shortVague},
		{"Tune alerts", "tune", shortVague},
		{"Check it again", "check", shortVague},
		// Placeholders.
		{"TBD", "tbd", placeholder},
		{"TODO.", "todo", placeholder},
		// Concrete changes.
		{"Cap the pool at 20 connections per pod", "", 0},
		{"Add a CI check that sums pool size × maxReplicas per database", "", 0},
		{"Alert when checkout-api p99 latency exceeds 800 ms for 5 minutes", "", 0},
		{"Improve documentation of `pg_dump` restores in docs/runbooks/db-restore.md", "", 0},
		{"Investigate `max_connections` on postgres-main", "", 0},
		{"Add more monitoring to postgres-main", "", 0},
		{"Review the \"Payments: retries\" runbook section", "", 0},
		{"Review process for PgBouncer upgrades", "", 0},
		{"Add alerting on queue depth in payments", "", 0},
		{"Make the reindex job resumable from the last indexed batch", "", 0},
		{"Give carts a 30-day TTL", "", 0},
		{"Gate canary promotion on error rate and latency versus baseline", "", 0},
		{"Require two approvals for hotfix deploys", "", 0},
		{"Delete orphaned search indices automatically every night", "", 0},
		{"Document the failover procedure in runbooks/failover.md", "", 0},
		{"Replace blanket alert silences during changes with per-alert silences", "", 0},
		{"Move the webhook consumer to a dedicated node pool", "", 0},
		{"Run a game day that fails over the primary database", "", 0},
		{"Add a pre-enable check that lists affected countries", "", 0},
		{"Rotate certificates automatically with cert-manager", "", 0},
		{"Fix the retry loop in webhook.go", "", 0},
		{"Update nginx.conf keepalive settings", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			v, ok := vague(tt.title, services)
			if tt.phrase == "" {
				if ok {
					t.Errorf("vague (%q, kind %d), want concrete", v.phrase, v.kind)
				}
				return
			}
			if !ok {
				t.Fatalf("not vague, want %q", tt.phrase)
			}
			if v.phrase != tt.phrase || v.kind != tt.kind {
				t.Errorf("vague %q kind %d, want %q kind %d", v.phrase, v.kind, tt.phrase, tt.kind)
			}
		})
	}
}

func TestIsIdentifier(t *testing.T) {
	tests := map[string]bool{
		"checkout-api": true, "max_connections": true, "nginx.conf": true, "db/primary": true,
		"PgBouncer": true, "CrashLoopBackOff": true, "v2": false, "follow-up": false,
		"on-call": false, "re-run": false, "e.g": false, "and/or": false, "pool": false, "Pool": false,
		"self-service": false, "pre-enable": false, "cert-manager": true,
	}
	for tok, want := range tests {
		if got := isIdentifier(tok); got != want {
			t.Errorf("isIdentifier(%q) = %v, want %v", tok, got, want)
		}
	}
}
