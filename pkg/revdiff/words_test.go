package revdiff

import "testing"

// TestKeptOneLetter: a passage whose only word kept is one letter long
// is compared word by word, as one whose kept word is longer.
func TestKeptOneLetter(t *testing.T) {
	t.Parallel()
	for _, kept := range []string{"a", "ab", "é"} {
		d := Compare([]byte("x "+kept+" y\n"), []byte("p "+kept+" q\n"), nil)
		if len(d.Sections) != 1 || len(d.Sections[0].Hunks) != 1 {
			t.Fatalf("%q: %+v", kept, d.Sections)
		}
		for _, l := range d.Sections[0].Hunks[0].Lines {
			if l.Words == nil {
				t.Errorf("%q: line %q not compared word by word", kept, l.Text)
			}
		}
	}
}
