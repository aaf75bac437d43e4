package repo

import (
	"os"
	"runtime/debug"
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

// TestIdentityOf: a release or a clean commit names the inquest by its
// build information alone; a modified work tree, a version Go marked
// dirty or no version control information adds the binary's own stamp,
// so that rebuilding a modified inquest is another identity.
func TestIdentityOf(t *testing.T) {
	t.Parallel()
	settings := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	info := func(version string, s []debug.BuildSetting) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Path: "github.com/inquest-dev/inquest", Version: version}, Settings: s}
	}
	for _, tc := range []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"release", info("v1.4.0", nil), "v1.4.0"},
		{"clean commit", info("v0.0.0-20261207080000-abcdef012345", settings("vcs", "git", "vcs.revision", "abcdef0", "vcs.modified", "false")),
			"v0.0.0-20261207080000-abcdef012345 vcs.revision=abcdef0 vcs.modified=false"},
		{"modified tree", info("v0.0.0-20261207080000-abcdef012345+dirty", settings("vcs.revision", "abcdef0", "vcs.modified", "true")),
			"v0.0.0-20261207080000-abcdef012345+dirty vcs.revision=abcdef0 vcs.modified=true exe=STAMP"},
		{"dirty version alone", info("v0.0.0-20261207080000-abcdef012345+dirty", nil), "v0.0.0-20261207080000-abcdef012345+dirty exe=STAMP"},
		{"no version control", info("(devel)", nil), "(devel) exe=STAMP"},
		{"no build information", nil, " exe=STAMP"},
	} {
		got := identityOf(tc.bi, func() (string, error) { return "STAMP", nil })
		if got != tc.want {
			t.Errorf("%s: identity %q, want %q", tc.name, got, tc.want)
		}
	}
	// A binary that cannot be named is known by its build information.
	if got := identityOf(info("(devel)", nil), func() (string, error) { return "", os.ErrNotExist }); got != "(devel)" {
		t.Errorf("without a stamp: %q", got)
	}
}
