package history

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/internal/repotest"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// packedRepo makes a repository with a few postmortems and edits, packed
// into one pack file with nothing loose, and returns it with the paths of
// its .pack and .idx.
func packedRepo(t *testing.T) (r *repotest.Repo, pack, idx string) {
	t.Helper()
	r = repotest.NewDeferred(t)
	for i := range 3 {
		r.WriteFile(fmt.Sprintf("postmortems/2024/inc-%d.md", i), []byte(doc(fmt.Sprintf("INC-%d", i), "SEV2", "draft")))
		r.Commit(fmt.Sprintf("Add INC-%d\n", i))
	}
	r.WriteFile("postmortems/2024/inc-0.md", []byte(doc("INC-0", "SEV1", "published")))
	r.Commit("Publish INC-0\n")
	r.Git("repack", "-q", "-a", "-d") // one pack, nothing loose
	packs, _ := filepath.Glob(filepath.Join(r.Dir, ".git", "objects", "pack", "pack-*.pack"))
	if len(packs) != 1 {
		t.Fatalf("%d packs after gc", len(packs))
	}
	pack = packs[0]
	idx = strings.TrimSuffix(pack, ".pack") + ".idx"
	for _, p := range []string{pack, idx} {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return r, pack, idx
}

func rewrite(t *testing.T, path string, f func([]byte) []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, f(b), 0o644); err != nil {
		t.Fatal(err)
	}
}

// corruptions damage a packed repository the ways disks and interrupted
// copies do.
var corruptions = []struct {
	name string
	do   func(t *testing.T, pack, idx string)
}{
	{"flipped bytes in the pack", func(t *testing.T, pack, _ string) {
		rewrite(t, pack, func(b []byte) []byte {
			for i := len(b) / 3; i < len(b)-20; i += 7 {
				b[i] ^= 0x5a
			}
			return b
		})
	}},
	{"truncated pack", func(t *testing.T, pack, _ string) {
		rewrite(t, pack, func(b []byte) []byte { return b[:len(b)/2] })
	}},
	{"zeroed pack", func(t *testing.T, pack, _ string) {
		rewrite(t, pack, func(b []byte) []byte { return append(b[:12:12], make([]byte, len(b)-12)...) })
	}},
	{"index fan-out out of order", func(t *testing.T, _, idx string) {
		// Every odd first byte now claims more objects than the pack has.
		rewrite(t, idx, func(b []byte) []byte {
			for i := 0; i < 255; i++ {
				v := uint32(0)
				if i%2 == 0 {
					v = 1 << 30
				}
				binary.BigEndian.PutUint32(b[8+4*i:], v)
			}
			return b
		})
	}},
	{"pack missing", func(t *testing.T, pack, _ string) {
		if err := os.Remove(pack); err != nil {
			t.Fatal(err)
		}
	}},
}

// TestCorruptPack: a repository whose pack cannot be read gives a history
// with no revisions and a warning naming what could not be read, never an
// error (and never a panic), and Attach then leaves incidents without
// history.
func TestCorruptPack(t *testing.T) {
	t.Parallel()
	for _, tc := range corruptions {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			repo, pack, idx := packedRepo(t)
			tc.do(t, pack, idx)
			r, warnings := load(t, repo.Dir, Options{Roots: []string{"postmortems"}, Fields: &keyValues{}})
			if r.ReadError() == nil {
				t.Fatal("ReadError is nil")
			}
			// The warning names the damaged file.
			if len(warnings) != 1 || !strings.Contains(warnings[0], "Git history could not be read") ||
				!strings.Contains(warnings[0], filepath.Base(strings.TrimSuffix(pack, ".pack"))) || !strings.Contains(warnings[0], "git fsck") {
				t.Fatalf("warnings = %q", warnings)
			}
			if revs := r.Revisions("postmortems/2024/inc-0.md"); revs != nil {
				t.Errorf("revisions from a damaged repository: %v", revs)
			}
			inc := &postmortem.Incident{Source: "postmortems/2024/inc-0.md"}
			if err := r.Attach(t.Context(), []*postmortem.Incident{inc}); err != nil {
				t.Fatalf("Attach: %v", err)
			}
			if inc.History != nil {
				t.Errorf("history attached: %+v", inc.History)
			}
		})
	}
}

// TestCorruptPackAfterCache: with the history cached before the pack was
// damaged, the revisions come from the cache and the earlier versions
// Attach cannot read are a warning: those revisions have no field changes.
func TestCorruptPackAfterCache(t *testing.T) {
	t.Parallel()
	repo, pack, _ := packedRepo(t)
	opts := Options{Roots: []string{"postmortems"}, Fields: &keyValues{}, CacheDir: t.TempDir()}
	if _, warnings := load(t, repo.Dir, opts); len(warnings) > 0 {
		t.Fatalf("warnings before the damage: %q", warnings)
	}
	corruptions[0].do(t, pack, "")
	r, warnings := load(t, repo.Dir, opts)
	if len(warnings) > 0 || !r.stats.fromCache {
		t.Fatalf("cached load: warnings %q, stats %+v", warnings, r.stats)
	}
	inc := &postmortem.Incident{Source: "postmortems/2024/inc-0.md"}
	if err := r.Attach(t.Context(), []*postmortem.Incident{inc}); err != nil {
		t.Fatalf("Attach: %v", err)
	}
	if inc.History == nil || len(inc.History.Revisions) != 2 {
		t.Fatalf("history from the cache = %+v", inc.History)
	}
	if inc.History.Revisions[0].Changes != nil {
		t.Errorf("field changes from damaged objects: %+v", inc.History.Revisions[0].Changes)
	}
	w := r.AttachWarnings()
	if len(w) != 1 || !strings.Contains(w[0], "could not be read from Git") || !strings.Contains(w[0], "postmortems/2024/inc-0.md") {
		t.Errorf("attach warnings = %q", w)
	}
	if r.ReadError() == nil {
		t.Error("ReadError is nil")
	}
	if w := r.AttachWarnings(); len(w) != 0 {
		t.Errorf("warnings given twice: %q", w)
	}
}
