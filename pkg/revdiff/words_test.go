package revdiff

import (
	"math/rand"
	"slices"
	"strconv"
	"testing"
)

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

// TestIntern: intern numbers strings alike exactly when they are equal,
// densely, in the order it first meets them, the table filling up and
// used again (sc) for the next call.
func TestIntern(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(1))
	sc := new(scratch)
	for range 200 {
		k := 1 + r.Intn(3000)
		list := func() []string {
			out := make([]string, r.Intn(2000))
			for i := range out {
				out[i] = strconv.Itoa(r.Intn(k))
			}
			return out
		}
		a, b := list(), list()
		ia, ib := sc.intern(a, b)
		all, nums := append(slices.Clone(a), b...), append(slices.Clone(ia), ib...)
		first := map[string]int32{}
		for i, s := range all {
			id, ok := first[s]
			if !ok {
				id = int32(len(first))
				first[s] = id
			}
			if nums[i] != id {
				t.Fatalf("%q numbered %d, want %d", s, nums[i], id)
			}
		}
	}
}

// TestInternCollision: two strings whose hashes share intern's slot and
// top half still get numbers of their own.
func TestInternCollision(t *testing.T) {
	t.Parallel()
	seen := map[uint64]string{}
	for i := 0; ; i++ {
		if i == 1<<22 {
			t.Fatal("no colliding pair found") // chance about e^-60
		}
		s := strconv.Itoa(i)
		h := internHash(s)
		key := h>>32<<3 | h&7 // the top half and the slot in intern's smallest table
		if o, ok := seen[key]; ok {
			ia, ib := new(scratch).intern([]string{o, s}, []string{s, o})
			if want := []int32{0, 1}; !slices.Equal(ia, want) || !slices.Equal(ib, []int32{1, 0}) {
				t.Fatalf("%q and %q numbered %v and %v", o, s, ia, ib)
			}
			return
		}
		seen[key] = s
	}
}

// TestSummaryMergesKeys: Summary adds together the sections of one key,
// here two headings of no known kind, in the order of the text.
func TestSummaryMergesKeys(t *testing.T) {
	t.Parallel()
	before := "## Summary\nAll good.\n\n## Notes one\nalpha\n\n## Notes two\nbeta\n"
	after := "## Summary\nAll well.\n\n## Notes one\nalpha gamma\n\n## Notes two\nbeta delta\n"
	d := Compare([]byte(before), []byte(after), nil)
	if len(d.Sections) != 3 {
		t.Fatalf("sections %+v", d.Sections)
	}
	sum := d.Summary()
	if len(sum) != 2 || sum[1].Section != KeyBody || sum[1].Added != 2 || sum[1].Lines != 2 {
		t.Fatalf("summary %+v", sum)
	}
}

// slowWords is words one byte or rune at a time, as it was before it
// read eight ASCII bytes at once.
func slowWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		w := isWordRune(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

// TestWordsFast: words counts as slowWords does, of text ASCII or not,
// valid UTF-8 or not, at every length around the eight bytes it reads at
// once.
func TestWordsFast(t *testing.T) {
	t.Parallel()
	for c := range 256 {
		for _, s := range []string{string(rune(c)), string([]byte{byte(c)}), "abcdefg" + string([]byte{byte(c)}) + "hijklmnop", "        " + string([]byte{byte(c)}) + "       x"} {
			if got, want := words(s), slowWords(s); got != want {
				t.Fatalf("%q: %d, want %d", s, got, want)
			}
		}
	}
	r := rand.New(rand.NewSource(2))
	alphabet := []string{"a", "Z", "0", "9", "_", " ", "\t", "-", ".", "/", "@", "[", "`", "{", "é", "ü", "\u0301", "—", "日", "\xff", "\xc3", "x86"}
	for range 20000 {
		var b []byte
		for range r.Intn(40) {
			b = append(b, alphabet[r.Intn(len(alphabet))]...)
		}
		s := string(b)
		if got, want := words(s), slowWords(s); got != want {
			t.Fatalf("%q: %d, want %d", s, got, want)
		}
	}
}
