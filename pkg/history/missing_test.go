package history

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// TestMissingVersion: an earlier version of a postmortem whose blob is gone
// (a loose object deleted, a pack lost) leaves its revision without field
// changes and is a warning naming the file; in a partial clone, where git
// leaves such objects out on purpose, it is one summary warning instead.
func TestMissingVersion(t *testing.T) {
	t.Parallel()
	for _, partial := range []bool{false, true} {
		name := "full clone"
		if partial {
			name = "partial clone"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := repotest.NewDeferred(t)
			r.WriteFile("postmortems/db.md", []byte(doc("INC-1", "SEV3", "draft")))
			r.Commit("Draft\n")
			r.WriteFile("postmortems/db.md", []byte(doc("INC-1", "SEV2", "draft")))
			r.Commit("Raise\n")
			r.WriteFile("postmortems/db.md", []byte(doc("INC-1", "SEV1", "published")))
			r.Commit("Publish\n")
			// The first version's blob goes.
			first := strings.TrimSpace(r.Git("rev-parse", "HEAD~2:postmortems/db.md"))
			if err := os.Remove(filepath.Join(r.Dir, ".git", "objects", first[:2], first[2:])); err != nil {
				t.Fatal(err)
			}
			if partial {
				r.Git("config", "remote.origin.url", "https://example.com/pm.git")
				r.Git("config", "remote.origin.promisor", "true")
			}
			h, _ := load(t, r.Dir, Options{Roots: []string{"postmortems"}, Fields: &keyValues{}})
			inc := &postmortem.Incident{Source: "postmortems/db.md"}
			if err := h.Attach(context.Background(), []*postmortem.Incident{inc}); err != nil {
				t.Fatal(err)
			}
			revs := inc.History.Revisions
			if len(revs) != 3 {
				t.Fatalf("%d revisions, want 3", len(revs))
			}
			// The newest change is still read; the one that needs the
			// lost version is not.
			if len(revs[0].Changes) == 0 || len(revs[1].Changes) != 0 {
				t.Errorf("changes %+v / %+v, want the newest only", revs[0].Changes, revs[1].Changes)
			}
			warnings := strings.Join(h.AttachWarnings(), "\n")
			switch {
			case partial && !strings.Contains(warnings, "partial clone: 1 earlier version"):
				t.Errorf("warnings %q, want one partial-clone summary", warnings)
			case !partial && !strings.Contains(warnings, "postmortems/db.md (blob "+first):
				t.Errorf("warnings %q, want the missing version named", warnings)
			}
		})
	}
}
