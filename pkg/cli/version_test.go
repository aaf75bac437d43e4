package cli

import (
	"runtime/debug"
	"testing"
)

func TestVersion(t *testing.T) {
	t.Parallel()
	vcs := []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "36b3378e1f2a9c0d4b5e6f708192a3b4c5d6e7f8"},
		{Key: "vcs.time", Value: "2026-11-24T09:12:00Z"},
		{Key: "vcs.modified", Value: "false"},
	}
	dirty := append(vcs[:3:3], debug.BuildSetting{Key: "vcs.modified", Value: "true"})
	for _, tc := range []struct {
		name    string
		stamped string
		info    *debug.BuildInfo
		want    string
	}{
		{"ldflags win", "v1.4.0", &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0"}}, "v1.4.0"},
		{"no build info", "dev", nil, "dev"},
		{"go install @version", "dev", &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0"}}, "v1.3.0"},
		{"built in a clone", "dev", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs},
			"dev (commit 36b3378e1f2a, 2026-11-24T09:12:00Z)"},
		{"pseudo-version and edits", "dev", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261124091200-36b3378e1f2a+dirty"}, Settings: dirty},
			"v0.0.0-20261124091200-36b3378e1f2a+dirty"},
		{"edits, no module version", "dev", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: dirty},
			"dev (commit 36b3378e1f2a, 2026-11-24T09:12:00Z, with uncommitted changes)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := version(tc.stamped, tc.info); got != tc.want {
				t.Errorf("version = %q, want %q", got, tc.want)
			}
		})
	}
}
