package postmortem

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/scaffold/builtin"
)

// actionItemsCases are files of each shape ActionItems reads one way or
// the other.
var actionItemsCases = []string{
	"# T\n\n## Action items\n\n- [ ] Add an alert — @ana, due 2024-02-01\n- [x] Cap the pool\n",
	"---\ntitle: T\nstatus: published\n---\n## Action items\n\n| Item | Owner | Status |\n|---|---|---|\n| Retry once | Bo | done |\n",
	"---\ntitle: T\naction_items:\n  - title: From front matter\n    status: done\n---\n## Action items\n\n- [ ] Not these\n",
	"---\ntitle: T\nfollow_ups: [one, two]\n---\n",
	"+++\ntitle = \"T\"\n+++\n## Action items\n- [ ] Toml\n",
	"---\ntitle: &a T\nsummary: *a\n---\n## Follow-ups\n- [ ] Anchored\n",
	"---\ntitle: T\n## Action items\n- [ ] never closed\n",
	"\n\n---\ntitle: T\n---\n\n## Remediation\n\n### Done\n- Raise the limit\n### Open\n- Lower the timeout\n",
	"## Action items\n\n```\n- [ ] in code\n```\n- [ ] after code\n",
	"",
	"\x00binary",
	// Entries before and after the items, comments above the first key,
	// and a second key naming items: lines count from the file.
	"\n# imported from the wiki\n---\n# note\ntitle: T\nactions:\n  - title: First\n    owner: [Ana, Bo]\n  - title: Second\n    due: 2024-13-01\nstatus: draft\nfollow_ups:\n  - Third\n---\n",
	"---\ntitle: T\naction_items:\n---\n## Action items\n- [ ] From the body\n",
	"---\ntitle: [unclosed\naction_items:\n  - title: X\n---\n## Action items\n- [ ] Y\n",
}

// TestActionItemsAsParse holds ActionItems to what Parse reads, on made-up
// files of every shape, the golden files, and the built-in template
// (whose example items are left out).
func TestActionItemsAsParse(t *testing.T) {
	t.Parallel()
	p := NewParser(config.Default())
	files := append([]string{}, actionItemsCases...)
	files = append(files, string(builtin.Template()))
	golden, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.txtar"))
	for _, g := range golden {
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range txtar.Parse(data).Files {
			if filepath.Ext(f.Name) == ".md" {
				files = append(files, string(f.Data))
			}
		}
	}
	if len(files) < len(actionItemsCases)+5 {
		t.Fatalf("only %d files", len(files))
	}
	// A repository template with an example item, which a postmortem
	// still holds.
	dir := t.TempDir()
	tmpl := "# Title\n\n## Action items\n\n- [ ] Example: add an alert on the symptom — @owner, due 2024-01-01\n"
	if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(builtin.Path)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, builtin.Path), []byte(tmpl), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Dir = dir
	withTemplate := NewParser(cfg)
	held := "---\ntitle: T\n---\n## Action items\n\n- [ ] Example: add an alert on the symptom — @owner, due 2024-01-01\n- [ ] Cap the pool\n"
	if got := withTemplate.ActionItems([]byte(held)); len(got) != 1 || got[0].Title != "Cap the pool" {
		t.Errorf("the template's example is kept: %+v", got)
	}
	c := p.NewFieldsCache()
	for round := range 2 { // the second from the cache's entries
		for i, f := range files {
			want := p.Parse("", []byte(f)).ActionItems
			for name, got := range map[string][]ActionItem{"Parser": p.ActionItems([]byte(f)), "FieldsCache": c.ActionItems([]byte(f))} {
				if len(got) == 0 && len(want) == 0 {
					continue
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("round %d, %s, file %d %q:\n got %+v\nwant %+v", round, name, i, f, got, want)
				}
			}
		}
	}
}

// FuzzFieldsCacheActionItems holds FieldsCache.ActionItems to
// Parser.ActionItems on two versions of a file read one after the other,
// the second mostly from entries (and elements of the items' list) the
// first left in the cache: read for their items only, and read as the
// history reads them, the newest parsed whole (SeedingParser) and the
// fields of both read before their items.
func FuzzFieldsCacheActionItems(f *testing.F) {
	for _, c := range actionItemsCases {
		f.Add([]byte(c), []byte(c+"\n"))
	}
	f.Add([]byte("---\ntitle: T\naction_items:\n  - title: A\n---\n"), []byte("---\nstatus: done\ntitle: T\naction_items:\n  - title: A\n---\n"))
	for _, c := range splitCases {
		f.Add([]byte("---\ntitle: T\n"+c.text+"---\n"), []byte("---\ntitle: U\n"+strings.Replace(c.text, "A", "A2", 1)+"---\n"))
	}
	for _, pair := range [][2]string{
		// One element's status changes; the others repeat.
		{"---\ntitle: T\naction_items:\n  - {title: A, owner: \"Ana\", due: 2024-02-01, status: open, link: \"https://t.example/A-1\"}\n  - {title: B, due: 2024-13-01, status: open}\n  - {title: C, status: open, ticket: ABC-9}\n---\n## Action items\n- [ ] Not these\n",
			"---\ntitle: T\naction_items:\n  - {title: A, owner: \"Ana\", due: 2024-02-01, status: done, link: \"https://t.example/A-1\"}\n  - {title: B, due: 2024-13-01, status: open}\n  - {title: C, status: open, ticket: ABC-9}\n---\n"},
		// Statuses settle across the list: one known makes the rest open.
		{"---\naction_items:\n  - {title: A}\n  - {title: B}\n---\n", "---\naction_items:\n  - {title: A}\n  - {title: B, done: true}\n---\n"},
		// Block maps, nested lists and maps, plain strings.
		{"---\nactions:\n  - title: A\n    owner: [Ana, Bo]\n    notes:\n      a: 1\n      b: [x, y]\n  - Plain — @bo, due 2024-03-01\n  - - nested\n    - list\nstatus: draft\n---\n",
			"---\nactions:\n  - title: A\n    owner: [Ana, Bo]\n    notes:\n      a: 2\n  - Plain — @bo, due 2024-03-01\n  - - nested\n    - list\nstatus: draft\n---\n"},
		// Comments and blank lines between elements, odd indents.
		{"---\naction_items:\n   - title: A\n\n     # why\n   - title: B\n---\n", "---\naction_items:\n   - title: A\n  # shallow\n   - title: B\n---\n"},
		{"---\naction_items:\n - A\n - B\n---\n", "---\naction_items:\n - A\n   - B\n---\n"},
		// Anchors, aliases, tags, multi-line scalars, documents.
		{"---\naction_items:\n  - &a {title: A}\n  - *a\n---\n", "---\naction_items:\n  - !!map {title: A}\n  - {title: B}\n---\n"},
		{"---\naction_items:\n  - \"A\n  - B\"\n  - C\n---\n", "---\naction_items:\n  - {title: A,\n  - B}\n  - C\n---\n"},
		{"---\naction_items:\n  - |\n    A\n  - >-\n    B\n\n  - C\n---\n", "---\naction_items:\n  - |+\n    A\n\n  - B\n---\n"},
		{"---\naction_items:\n  - A\n...\n---\n", "---\naction_items:\n  - A\n  - B: [\n---\n"},
		{"---\naction_items:\n  - {title: A, title: B}\n  - {title: C}\n---\n", "---\naction_items:\n  - {title: C}\n  - {title: A}\n---\n"},
	} {
		f.Add([]byte(pair[0]), []byte(pair[1]))
	}
	p := NewParser(config.Default())
	f.Fuzz(func(t *testing.T, v1, v2 []byte) {
		check := func(c *FieldsCache, content []byte) {
			t.Helper()
			got, want := c.ActionItems(content), p.ActionItems(content)
			if (len(got) > 0 || len(want) > 0) && !reflect.DeepEqual(got, want) {
				t.Fatalf("content %q:\n got %+v\nwant %+v", content, got, want)
			}
		}
		c := p.NewFieldsCache()
		for _, content := range [][]byte{v1, v2, v1} {
			check(c, content)
		}
		// As the history reads them.
		c = p.NewFieldsCache()
		c.SeedingParser().Parse("", v1)
		if got, want := c.Fields(v2), p.Fields(v2); !reflect.DeepEqual(got, want) {
			t.Fatalf("fields of %q:\n got %v\nwant %v", v2, got, want)
		}
		check(c, v2)
		check(c, v1)
	})
}

func FuzzActionItems(f *testing.F) {
	for _, c := range actionItemsCases {
		f.Add([]byte(c))
	}
	p := NewParser(config.Default())
	f.Fuzz(func(t *testing.T, content []byte) {
		got, want := p.ActionItems(content), p.Parse("", content).ActionItems
		if (len(got) > 0 || len(want) > 0) && !reflect.DeepEqual(got, want) {
			t.Fatalf("content %q:\n got %+v\nwant %+v", content, got, want)
		}
	})
}
