package revdiff

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

func normalized(b []byte) []byte { return postmortem.Normalize(b) }

// FuzzCompare compares two texts built from the fuzzer's input and checks
// what holds of every diff (see checkDiff), and that the edit script
// under it turns one version into the other.
func FuzzCompare(f *testing.F) {
	f.Add(base, replace(base, "for 35 minutes", "for 53 minutes"))
	f.Add([]byte("---\nid: X\n---\n## Summary\nA b c.\n"), []byte("## Summary\nA c b.\n---\n"))
	f.Add([]byte(""), []byte("\n\n\n"))
	f.Add([]byte("Ünïcödé wörds\r\nand more"), []byte("Ünïcode words\nand\tmore\n"))
	f.Add([]byte("- [ ] a\n- [ ] b\n"), []byte("- [x] a\n- [ ] b\n- [ ] c\n"))
	f.Fuzz(func(t *testing.T, before, after []byte) {
		d := Compare(before, after, nil)
		checkDiff(t, before, after, d)
		roundTrip(t, d)
		if d.Fallback == "" && string(normalized(before)) == string(normalized(after)) && len(d.Sections) != 0 {
			t.Fatalf("equal texts differ: %+v", d.Sections)
		}
		for _, s := range d.Sections {
			if s.Added < 0 || s.Removed < 0 || s.Changed() < 0 {
				t.Fatalf("negative counts: %+v", s)
			}
		}
		// A Version read by one comparison gives the same diff in the
		// next, as package history uses it.
		v := NewVersion(bytes.Clone(before))
		if got := CompareVersions(v, NewVersion(after), nil); !reflect.DeepEqual(got, d) {
			t.Fatalf("CompareVersions differs from Compare:\n%+v\n%+v", got, d)
		}
		if got, want := CompareVersions(NewVersion(after), v, nil), Compare(after, before, nil); !reflect.DeepEqual(got, want) {
			t.Fatalf("a Version read before compares differently:\n%+v\n%+v", got, want)
		}
		a, b := splitLines(normalized(before)), splitLines(normalized(after))
		if es, ok := script(a, b, MaxLines, nil); ok {
			checkScript(t, a, b, es)
		}
	})
}
