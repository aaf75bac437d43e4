package repo

import (
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
)

// TestFingerprintNamesTheInquest: the same files read by another inquest
// are another fingerprint, so that an upgrade updates the search index
// even when no postmortem changed (the new parser may read them into
// other documents); the same inquest gets the same one.
func TestFingerprintNamesTheInquest(t *testing.T) {
	t.Parallel()
	dir := repotest.WriteFile(t, "testdata/staged.txtar")
	ctx := t.Context()
	fp := func(identity string) string {
		t.Helper()
		s, err := fingerprint(ctx, dir, identity)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	older, newer := fp("v0.9.0 vcs.revision=1111"), fp("v0.9.0 vcs.revision=2222")
	if older == newer {
		t.Errorf("two inquests give one fingerprint %s", older)
	}
	if again := fp("v0.9.0 vcs.revision=1111"); again != older {
		t.Errorf("one inquest gives %s, then %s", older, again)
	}
	running, err := Fingerprint(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if running != fp(buildIdentity()) {
		t.Error("Fingerprint does not name the running inquest")
	}
}
