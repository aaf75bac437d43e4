package history

import (
	"strings"
	"testing"
)

// TestVersions reads every revision of a file edited, renamed, edited
// again and deleted, loose and packed, and compares it with what was
// committed and with `git show COMMIT:PATH`.
func TestVersions(t *testing.T) {
	t.Parallel()
	tr := newTestRepo(t)
	v1, v2, v3 := doc("INC-1", "SEV2", "draft"), doc("INC-1", "SEV1", "draft"), doc("INC-1", "SEV1", "published")
	tr.write("postmortems/a.md", v1)
	tr.commit("Draft", ana)
	tr.write("postmortems/a.md", v2)
	tr.commit("Raise severity", bo)
	tr.move("postmortems/a.md", "postmortems/b.md")
	tr.commit("Rename", ana)
	tr.write("postmortems/b.md", v3)
	tr.commit("Publish", cy)
	tr.remove("postmortems/b.md")
	tr.commit("Withdraw", ana)
	// Newest first, as Revisions lists them: before and after each.
	want := [][2]string{{v3, ""}, {v2, v3}, {v2, v2}, {v1, v2}, {"", v1}}

	for _, packed := range []bool{false, true} {
		if packed {
			tr.Git("repack", "-q", "-a", "-d")
		}
		r, _ := load(t, tr.dir(), Options{})
		revs := r.Revisions("postmortems/b.md")
		if len(revs) != len(want) {
			t.Fatalf("%d revisions, want %d", len(revs), len(want))
		}
		vs, err := r.Versions()
		if err != nil {
			t.Fatal(err)
		}
		for i, rv := range revs {
			before, after, err := vs.Read("postmortems/b.md", i)
			if err != nil {
				t.Fatalf("packed %v, revision %d: %v", packed, i, err)
			}
			if string(before) != want[i][0] || string(after) != want[i][1] || (want[i][0] == "") != (before == nil) || (want[i][1] == "") != (after == nil) {
				t.Errorf("packed %v, revision %d (%s): before %q, after %q; want %q, %q", packed, i, rv.Subject, before, after, want[i][0], want[i][1])
			}
			if after != nil {
				if git := tr.Git("show", rv.Commit+":"+rv.Path); git != strings.TrimSpace(string(after)) {
					t.Errorf("revision %d: after differs from git show %s:%s", i, rv.Commit[:7], rv.Path)
				}
			}
		}
		if _, _, err := vs.Read("postmortems/b.md", len(want)); err == nil {
			t.Error("a revision past the first was read")
		}
		if _, _, err := vs.Read("postmortems/none.md", 0); err == nil {
			t.Error("a file without history was read")
		}
		if err := vs.Close(); err != nil {
			t.Error(err)
		}
	}

	r, _ := load(t, t.TempDir(), Options{})
	if _, err := r.Versions(); err == nil {
		t.Error("Versions of a folder outside Git gave no error")
	}
}
