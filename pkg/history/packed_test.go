package history

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/revdiff"
)

// TestPacked: RevisionPacked and SincePacked hand out what RevisionDiff
// and SinceDiff decode, compared or read from the cache, and nothing for
// a revision or a commit the history has no diff of.
func TestPacked(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	v1 := doc("INC-1", "SEV3", "draft", "## Timeline", "", "- 09:00 alert")
	v2 := doc("INC-1", "SEV2", "published", "## Timeline", "", "- 09:00 alert", "- 09:20 rollback")
	tr.write("postmortems/a.md", v1)
	tr.commit("Draft", ana)
	tr.write("postmortems/a.md", v2)
	approved := tr.commit("Finish\n\nReviewed-by: Bo Chen <bo@example.com>", ana)
	tr.write("postmortems/a.md", strings.Replace(v2, "09:20", "09:25", 1))
	tr.commit("Fix the rollback time", cy)

	cache := t.TempDir()
	for round := range 2 {
		r, _ := load(t, tr.dir(), Options{Fields: &keyValues{}, FieldsVersion: "1", CacheDir: cache})
		attachOne(t, r, "postmortems/a.md", "Bo Chen <bo@example.com>")
		decode := func(p []byte) *revdiff.Diff {
			d := new(revdiff.Diff)
			if err := d.UnmarshalBinary(p); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			return d
		}
		var all [][]byte
		for i := range 3 {
			p, ok := r.RevisionPacked("postmortems/a.md", i)
			if want := r.RevisionDiff("postmortems/a.md", i); !ok || want == nil || !reflect.DeepEqual(decode(p), want) {
				t.Errorf("round %d, revision %d: RevisionPacked %v, %v; RevisionDiff %+v", round, i, p, ok, want)
			}
			all = append(all, p)
		}
		shown := r.RevisionsShown("postmortems/a.md")
		if len(shown) != len(all) {
			t.Errorf("round %d: RevisionsShown has %d revisions, want %d", round, len(shown), len(all))
		}
		for i := range min(len(shown), len(all)) {
			want := []byte(nil)
			if walkShows(all[i]) {
				want = all[i]
			}
			if !bytes.Equal(shown[i], want) || (shown[i] == nil) != (want == nil) {
				t.Errorf("round %d, revision %d: RevisionsShown %v, want %v", round, i, shown[i], want)
			}
		}
		if shown[len(shown)-1] != nil || shown[0] == nil {
			t.Errorf("round %d: RevisionsShown shows the creation's counts or not the newest edit: %v", round, shown)
		}
		if none := r.RevisionsShown("postmortems/none.md"); none != nil {
			t.Errorf("round %d: RevisionsShown of a file with no history: %v", round, none)
		}
		p, ok := r.SincePacked("postmortems/a.md", approved)
		if want := r.SinceDiff("postmortems/a.md", approved); !ok || want == nil || !reflect.DeepEqual(decode(p), want) {
			t.Errorf("round %d: SincePacked %v, %v; SinceDiff %+v", round, p, ok, want)
		}
		for _, none := range []func() ([]byte, bool){
			func() ([]byte, bool) { return r.RevisionPacked("postmortems/a.md", 3) },
			func() ([]byte, bool) { return r.RevisionPacked("postmortems/a.md", -1) },
			func() ([]byte, bool) { return r.RevisionPacked("postmortems/none.md", 0) },
			func() ([]byte, bool) { return r.SincePacked("postmortems/a.md", strings.Repeat("0", 40)) },
			func() ([]byte, bool) { return r.SincePacked("postmortems/none.md", approved) },
		} {
			if p, ok := none(); ok || p != nil {
				t.Errorf("round %d: a diff the history has not: %v", round, p)
			}
		}
	}
}

// walkShows is whether the diff p encodes shows anything, read from the
// packed bytes as the site read it before RevisionsShown: a section with
// hunks, or any section of a diff with a Fallback.
func walkShows(p []byte) bool {
	w := revdiff.WalkBinary(p)
	for {
		s, ok := w.NextSection()
		if !ok {
			return false
		}
		if w.Fallback() != "" || s.Hunks > 0 {
			return true
		}
	}
}

// TestPackedManyFiles: with files enough for the history pass to spread
// them over several workers (fieldChanges: one per 16 files, up to
// GOMAXPROCS), every revision's diff each worker kept is the history's
// (keepDiffs takes the first worker's map and adds the others'),
// compared and read from the cache.
func TestPackedManyFiles(t *testing.T) {
	t.Parallel()
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("one worker with GOMAXPROCS 1: nothing to merge")
	}
	tr := newTestRepo(t)
	const files = 40
	name := func(i int) string { return fmt.Sprintf("postmortems/f%02d.md", i) }
	for i := range files {
		tr.write(name(i), doc(fmt.Sprintf("INC-%d", i), "SEV3", "draft"))
	}
	tr.commit("Draft them all", ana)
	for i := range files {
		tr.write(name(i), doc(fmt.Sprintf("INC-%d", i), "SEV3", "draft", "## Timeline", "", "- 09:00 alert"))
	}
	tr.commit("Add the timelines", bo)
	cache := t.TempDir()
	for round := range 2 {
		r, _ := load(t, tr.dir(), Options{Fields: &keyValues{}, FieldsVersion: "1", CacheDir: cache})
		incs := make([]*postmortem.Incident, files)
		for i := range incs {
			incs[i] = &postmortem.Incident{Source: name(i)}
		}
		if err := r.Attach(context.Background(), incs); err != nil {
			t.Fatal(err)
		}
		for i := range files {
			shown := r.RevisionsShown(name(i))
			if len(shown) != 2 || shown[0] == nil || shown[1] != nil {
				t.Errorf("round %d, %s: RevisionsShown %v, want the edit's diff and not the creation's", round, name(i), shown)
			}
			if _, ok := r.RevisionPacked(name(i), 1); !ok {
				t.Errorf("round %d, %s: no diff kept of the creation", round, name(i))
			}
		}
	}
}
