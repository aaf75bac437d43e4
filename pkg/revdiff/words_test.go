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

// TestWords: words and tokenize agree on what a word is, ASCII or not.
func TestWords(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]int{
		"": 0, " \t": 0, "a": 1, "snake_case x": 2, "x86-64": 2, "é-ü": 2,
		"naïve café": 2, "a\xffb": 2, "--": 0, "v1.2_rc": 2,
	} {
		n := 0
		for _, tok := range tokenize(nil, s) {
			if isWordToken(tok) {
				n++
			}
		}
		if got := words(s); got != want || n != want {
			t.Errorf("%q: words %d, word tokens %d, want %d", s, got, n, want)
		}
	}
}
