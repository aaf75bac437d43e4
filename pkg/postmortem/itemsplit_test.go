package postmortem

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/inquest-dev/inquest/pkg/config"
)

// splitCases are entries naming the action items, and the elements
// itemElements splits them into; nil when it must leave the entry to the
// whole decode.
var splitCases = []struct {
	name, text string
	want       []string
}{
	{"flow maps", "action_items:\n  - {title: A, status: open}\n  - {title: B, status: done}\n",
		[]string{"  - {title: A, status: open}\n", "  - {title: B, status: done}\n"}},
	{"block maps", "action_items:\n  - title: A\n    status: open\n  - title: B\n",
		[]string{"  - title: A\n    status: open\n", "  - title: B\n"}},
	{"nested", "action_items:\n  - title: A\n    owner:\n      - Ana\n      - Bo\n    - odd\n",
		[]string{"  - title: A\n    owner:\n      - Ana\n      - Bo\n    - odd\n"}},
	{"blank lines go up", "action_items:\n    - A\n\n    - B\n   \n",
		[]string{"    - A\n\n", "    - B\n   \n"}},
	{"comment deeper", "action_items:\n  - A\n    # about B\n  - B\n",
		[]string{"  - A\n    # about B\n", "  - B\n"}},
	{"trailing spaces after the key", "action_items:   \n - A\n", []string{" - A\n"}},
	{"spanning quote", "action_items:\n  - \"A\n  - B\"\n", []string{"  - \"A\n", "  - B\"\n"}},
	{"no newline at the end", "action_items:\n  - A", []string{"  - A"}},

	{"inline value", "action_items: [A, B]\n", nil},
	{"inline block scalar", "action_items: |\n  - A\n", nil},
	{"comment on the key line", "action_items: # c\n  - A\n", nil},
	{"comment above the key", "# c\naction_items:\n  - A\n", nil},
	{"comment before the first", "action_items:\n  # c\n  - A\n", nil},
	{"comment at the list's indent", "action_items:\n  - A\n  # c\n  - B\n", nil},
	{"comment shallower", "action_items:\n  - A\n # c\n  - B\n", nil},
	{"comment at column 0", "action_items:\n  - A\n# c\n", nil},
	{"empty", "action_items:\n", nil},
	{"blank first", "action_items:\n\n  - A\n", nil},
	{"dash alone", "action_items:\n  -\n    title: A\n", nil},
	{"dash alone later", "action_items:\n  - A\n  -\n    title: B\n", nil},
	{"shallower element", "action_items:\n    - A\n  - B\n", nil},
	{"map not list", "action_items:\n  title: A\n", nil},
	{"no key line", "other:\n  - A\n", nil},
	{"no newline", "action_items:", nil},
}

func TestItemElements(t *testing.T) {
	for _, c := range splitCases {
		var got []string
		n, ok := itemElements(yamlEntry{key: "action_items", text: c.text, line: 1}, func(head, text string) bool {
			if head != c.text[:strings.IndexByte(c.text, '\n')+1] {
				t.Errorf("%s: head %q", c.name, head)
			}
			got = append(got, text)
			return true
		})
		switch {
		case c.want == nil && ok:
			t.Errorf("%s: split %q into %q, want the whole decode", c.name, c.text, got)
		case c.want != nil && (!ok || n != len(got) || !reflect.DeepEqual(got, c.want)):
			t.Errorf("%s: split %q into %d %q (ok %v), want %q", c.name, c.text, n, got, ok, c.want)
		}
	}
}

// TestFieldsCacheItemsByElement: a version that changes one element of
// the list decodes that element only, and gives the items and fields the
// parser gives.
func TestFieldsCacheItemsByElement(t *testing.T) {
	p := NewParser(config.Default())
	v1 := "---\ntitle: T\naction_items:\n  - {title: A, due: 2024-02-01, status: open}\n  - {title: B, owner: [Ana, Bo]}\n  - C — @cy, due 2024-03-01\n---\n"
	v2 := strings.Replace(v1, "status: open", "status: done", 1)
	c := p.NewFieldsCache()
	check := func(v string) {
		t.Helper()
		if got, want := c.ActionItems([]byte(v)), p.ActionItems([]byte(v)); !reflect.DeepEqual(got, want) {
			t.Errorf("items of %q:\n got %+v\nwant %+v", v, got, want)
		}
		if got, want := c.Fields([]byte(v)), p.Fields([]byte(v)); !reflect.DeepEqual(got, want) {
			t.Errorf("fields of %q:\n got %v\nwant %v", v, got, want)
		}
	}
	elems := func() int {
		n := 0
		c.elems.Range(func(any, any) bool { n++; return true })
		return n
	}
	check(v1)
	if n := elems(); n != 3 {
		t.Errorf("%d elements cached after the first version, want 3", n)
	}
	check(v2)
	if n := elems(); n != 4 {
		t.Errorf("%d elements cached after the second version, want 4 (one new)", n)
	}
	// An element that does not decode alone sends the entry to the whole
	// decode, which fails as the parser's does.
	check(strings.Replace(v1, "{title: B", "{title: B, title: again", 1))
	check(strings.Replace(v1, "  - C", "  - \"C\n  - D\"", 1))

	// Seeded from the parse of the newest version, the one before finds
	// its unchanged elements already there.
	c = p.NewFieldsCache()
	c.SeedingParser().Parse("", []byte(v2))
	if n := elems(); n != 3 {
		t.Errorf("%d elements seeded, want 3", n)
	}
	check(v1)
	if n := elems(); n != 4 {
		t.Errorf("%d elements cached after the older version, want 4 (one new)", n)
	}
}

// flowElems are elements of the shape flowElem reads, and of shapes near
// it that it must leave to the decoder.
var flowElems = []string{
	"  - {title: \"Add a connection budget\", owner: \"Björn Nair\", due: 2017-02-15, priority: medium, status: in-progress, link: \"https://tracker.example/PAY-5980\"}\n",
	"  - {title: \"\", done: true, due: 2017-2-5, prio: 12, x: 1e3, y: null, n: NULL, o: off, h: 0x1f}\n",
	"  - {title: A}",
	"  - {title: \" padded \", note: \"a # b, c: d {e} [f]\"}\n",
	"  - {title: \"A\", title: \"B\"}\n",
	"  - {true: x}\n",
	"  - {y: x, n: z, on: q}\n",
	"  - {a1_b: x}\n",
	"  - {title: \"esc \\\" aped\"}\n",
	"  - {title: 'single'}\n",
	"  - {title: A B}\n",
	"  - {title: A,B}\n",
	"  - {title:A}\n",
	"  - {title: A} \n",
	"  - {title: A} # c\n",
	"  - {title: A}\n\n",
	"  - {title: \"A\u2028B\", owner: \"\u0085\"}\n",
	"  - {title: \"\ufeff\"}\n",
	"  - {title: \"\xff\"}\n",
	"  - {}\n",
	"  - {title: .inf, b: -.5, c: -1, d: +1, e: 1_000, f: 0o17, g: 0b1, h: 1.}\n",
	"  - {Title: A, TITLE: B}\n",
	"  - {title: -}\n",
	"  - {z: ~}\n",
	"  - {t: 2017-02-15T01:02:03Z}\n",
	"  - {title: \"a\\tb\"}\n",
	"  - {title: \"A\u2028B\"}\n",
	"  - {title: \"A\u0085B\"}\n",
	"  - {due: 2024-02-30, d2: 2024-13-01, d3: 0000-00-00, d4: 2024-12-31, d5: 1999-1-01, d6: 99999-01-01, state: open, detail: \"x\", ticket: \"T-1\"}\n",
	"  - {" + strings.Repeat("k", 1100) + ": x}\n",
	"  - {" + strings.Repeat("k", maxFlowKey) + ": x, title: \"" + strings.Repeat("v", 1100) + "\"}\n",
}

// FuzzFlowElem holds flowElem to the YAML decoder: when it reads an
// element, the element decodes alone to the same value.
func FuzzFlowElem(f *testing.F) {
	for _, e := range flowElems {
		f.Add(e)
	}
	p := NewParser(config.Default())
	f.Fuzz(func(t *testing.T, text string) {
		c := p.NewFieldsCache()
		got, ok := c.flowElem(text)
		if !ok {
			return
		}
		fm, decoded := decodeEntry(yamlEntry{key: "k", text: "k:\n" + text, line: 1})
		if !decoded {
			t.Fatalf("%q: read as %v, but does not decode", text, got)
		}
		want := fm.Values["k"]
		if !reflect.DeepEqual([]any{got}, want) {
			t.Fatalf("%q:\n got %#v\nwant %#v", text, []any{got}, want)
		}
	})
}

// TestFlowElem: flowElem reads the shape the corpus's tools write, and
// leaves escapes, single quotes, spaces in words and comments to the
// decoder.
func TestFlowElem(t *testing.T) {
	c := NewParser(config.Default()).NewFieldsCache()
	for _, tc := range []struct {
		text string
		ok   bool
	}{
		{flowElems[0], true}, {flowElems[1], true}, {flowElems[2], true}, {flowElems[3], true},
		{flowElems[4], false}, {flowElems[5], false}, {flowElems[7], true},
		{flowElems[8], false}, {flowElems[9], false}, {flowElems[10], false},
		{flowElems[13], false}, {flowElems[14], false}, {flowElems[15], false},
		{flowElems[16], false}, {flowElems[17], false}, {flowElems[18], false},
		{flowElems[23], false}, {flowElems[24], false}, {flowElems[25], false},
		{flowElems[26], false}, {flowElems[27], false},
		{flowElems[29], false}, {flowElems[30], true},
	} {
		if _, ok := c.flowElem(tc.text); ok != tc.ok {
			t.Errorf("flowElem(%q): ok %v, want %v", tc.text, ok, tc.ok)
		}
	}
}

// FuzzYAMLSplitBody holds where yamlSplit says the body starts to where
// splitRaw (frontmatter.Parse) starts it, which ActionItems no longer
// calls for front matter that splits into entries.
func FuzzYAMLSplitBody(f *testing.F) {
	for _, c := range actionItemsCases {
		f.Add([]byte(c))
	}
	for _, c := range []string{"---\na: 1\n---", "---\na: 1\n--- \nbody", "\n\n---\na: 1\n  ---\n\nbody\n", "---\na: 1\n---\n---\nx\n", "---yaml\na: 1\n---\nb", " ---\na: 1\n---\t\nb\n"} {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, content []byte) {
		content = Normalize(content)
		if !utf8.Valid(content) {
			return
		}
		_, at, ok := yamlSplit(content)
		if !ok {
			return
		}
		fm, body, line, err := splitRaw(content)
		if err != nil || fm.Format != "yaml" {
			t.Fatalf("%q: split at %d, but splitRaw: %v (format %q)", content, at, err, fm.Format)
		}
		if gotLine := 1 + bytes.Count(content[:at], []byte("\n")); string(content[at:]) != string(body) || gotLine != line {
			t.Fatalf("%q: body %q on line %d, want %q on line %d", content, content[at:], gotLine, body, line)
		}
	})
}

// TestYAMLEntriesKeys: yamlEntries refuses a key seen before, among few
// keys and among many (a map then), and the words YAML reads as booleans
// or null in any case; the keys it gives are the lines' words.
func TestYAMLEntriesKeys(t *testing.T) {
	many := func(n int, extra string) string {
		var b strings.Builder
		b.WriteString("---\n# top\n")
		for i := range n {
			fmt.Fprintf(&b, "k%d: v\n  - x\n", i)
		}
		return b.String() + extra + "---\nbody\n"
	}
	for _, tc := range []struct {
		content string
		keys    int // -1: refused
	}{
		{many(3, ""), 3},
		{many(3, "k1: again\n"), -1},
		{many(3, "k2: again\n"), -1},
		{many(40, ""), 40},
		{many(40, "k5: again\n"), -1},
		{many(40, "k39: again\n"), -1},
		{many(40, "k40: new\nk40: again\n"), -1},
		{many(40, "k33: again\n"), -1},
		{"---\nTrue: x\n---\n", -1},
		{"---\nnO: x\n---\n", -1},
		{"---\nOFF: x\n---\n", -1},
		{"---\nY: x\n---\n", -1},
		{"---\nyess: x\nnull_: y\n---\n", 2},
		{"---\na: x\nb: &x y\n---\n", -1},
		{"---\na: x\n  b: \"\t\"\n---\n", -1},
		{"---\n\t\na: x\n---\n", -1},
		{"\t\n---\na: x\n---\n\t&*!\n", 1},
	} {
		entries, ok := yamlEntries([]byte(tc.content))
		if tc.keys < 0 {
			if ok {
				t.Errorf("%q: split into %d entries, want refused", tc.content, len(entries))
			}
			continue
		}
		if !ok || len(entries) != tc.keys {
			t.Errorf("%q: %d entries (ok %v), want %d", tc.content, len(entries), ok, tc.keys)
			continue
		}
		for _, e := range entries {
			if i := strings.Index(e.text, e.key+":"); i < 0 || i > 0 && e.text[i-1] != '\n' {
				t.Errorf("%q: key %q is not a line's in %q", tc.content, e.key, e.text)
			}
		}
	}
}

// BenchmarkYAMLEntries splits the front matter of a postmortem as the
// corpus's are written, as Fields and ActionItems do for every version.
func BenchmarkYAMLEntries(b *testing.B) {
	content := []byte("---\ntitle: \"Price updates unavailable for 24 minutes\"\nid: INC-1099\ndate: 2017-01-07\nseverity: SEV4\nstatus: published\nowner: Omar Silva\nreviewers: [Connor García, Leila Aziz]\ntags: [database, capacity]\nservices: [payments-gateway, postgres-replica]\nimpact: {customers: 100, duration_minutes: 24}\ndetected: 2017-01-07T01:57:34+03:00\nmitigated: 2017-01-07T02:11:34+03:00\nresolved: 2017-01-07T04:21:34+03:00\naction_items:\n" +
		strings.Repeat("  - {title: \"Add a connection budget per service\", owner: \"Björn Nair\", due: 2017-02-15, priority: medium, status: done, link: \"https://tracker.example/PAY-5980\"}\n", 4) +
		"---\n\n## Summary\n\nBetween 01:47 and 02:11 EEST on January 7, 2017, payments-gateway was degraded.\n")
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := yamlEntries(content); !ok {
			b.Fatal("not split")
		}
	}
}
