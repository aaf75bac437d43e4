package revdiff

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzCompareShared: versions made with NewVersionShared compare as those
// made with NewVersion do, CompareVersions and CompareCounts alike.
func FuzzCompareShared(f *testing.F) {
	f.Add(base, replace(base, "for 35 minutes", "for 53 minutes"))
	f.Add([]byte("\xef\xbb\xbf---\r\nid: X\r\n---\r\n## Summary\r\nA b c.\r\n"), []byte("## Summary\nA c b.\n---\n"))
	f.Add([]byte(""), []byte("\n\n\n"))
	f.Add([]byte("## Summary\nold words here\n"), []byte(""))
	f.Fuzz(func(t *testing.T, before, after []byte) {
		shared := func(b []byte) *Version {
			if b == nil {
				return NewVersionShared(nil)
			}
			return NewVersionShared(bytes.Clone(b))
		}
		if got, want := CompareVersions(shared(before), shared(after), nil), Compare(before, after, nil); !reflect.DeepEqual(got, want) {
			t.Fatalf("shared versions compare differently:\n%+v\n%+v", got, want)
		}
		if got, want := CompareCounts(shared(before), shared(after), nil), CompareCounts(NewVersion(before), NewVersion(after), nil); !reflect.DeepEqual(got, want) {
			t.Fatalf("shared versions count differently:\n%+v\n%+v", got, want)
		}
	})
}

// TestVersionSharedAliases: a shared version's diff is cut from the text
// given, not from a copy of it (what NewVersionShared saves), so it
// changes with the text; NewVersion's does not.
func TestVersionSharedAliases(t *testing.T) {
	t.Parallel()
	for _, shared := range []bool{false, true} {
		before, after := []byte("## Summary\nThe queue backed up.\n"), []byte("## Summary\nThe ingest queue backed up.\n")
		nv := NewVersion
		if shared {
			nv = NewVersionShared
		}
		d := CompareVersions(nv(before), nv(after), nil)
		const added = "The ingest queue backed up."
		if got := d.Sections[0].Hunks[0].Lines[2].Text; got != added {
			t.Fatalf("shared %v: added line %q", shared, got)
		}
		copy(after[len("## Summary\n"):], "XXX")
		if got := d.Sections[0].Hunks[0].Lines[2].Text; (got != added) != shared {
			t.Errorf("shared %v: after the text changed, the added line is %q", shared, got)
		}
	}
}
