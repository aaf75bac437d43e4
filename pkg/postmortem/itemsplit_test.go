package postmortem

import (
	"reflect"
	"strings"
	"testing"

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
