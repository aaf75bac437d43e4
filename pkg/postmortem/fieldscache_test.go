package postmortem

import (
	"reflect"
	"sync"
	"testing"
)

const fieldsV1 = `---
title: "Checkout latency"   # quoted
id: INC-1
date: 2025-01-01
severity: SEV2
status: draft
reviewers: [Ana Silva]
tags: [database, "pool"]
impact: {customers: 50, duration_minutes: 83}
summary: |
  Two lines
  of summary.

action_items:
  - {title: "Raise the pool", owner: "Bo", due: 2025-02-01, priority: high}
---

# Body
`

// fieldsVersions are successive versions of one postmortem, each changing
// a field or two, as the history reads them.
var fieldsVersions = []string{
	fieldsV1,
	replace(fieldsV1, "status: draft", "status: in-review"),
	replace(fieldsV1, "status: draft\nreviewers: [Ana Silva]", "status: published\nreviewers: [Ana Silva, Mei Chen]"),
	replace(fieldsV1, "  - {title", "  - {title: \"Alert on waits\", owner: Cy}\n  - {title"),
	replace(fieldsV1, "severity: SEV2\n", ""),
	replace(fieldsV1, "id: INC-1\n", "id: INC-1\nid: INC-2\n"),
	replace(fieldsV1, "tags: [database, \"pool\"]", "tags: &t [database]\nlabels: *t"),
	replace(fieldsV1, "status: draft", "status: 'a\nb: c'"),
	replace(fieldsV1, "---\ntitle", "+++\ntitle"),
	// "%", "@" and "`" inside values, a directive-like line, and "@"
	// starting a plain value (an error, in an entry as in the whole).
	replace(fieldsV1, "status: draft", "status: \"80% of `max`\"\nowner2: a@b"),
	replace(fieldsV1, "status: draft", "status: draft\n%YAML 1.2"),
	replace(fieldsV1, "status: draft", "status: @draft"),
}

func replace(s, old, new string) string {
	for i := 0; i+len(old) <= len(s); i++ {
		if s[i:i+len(old)] == old {
			return s[:i] + new + s[i+len(old):]
		}
	}
	panic("no " + old)
}

func TestFieldsCache(t *testing.T) {
	p := newTestParser(t)
	c := p.NewFieldsCache()
	for round := range 2 {
		for i, v := range fieldsVersions {
			got, want := c.Fields([]byte(v)), p.Fields([]byte(v))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round %d, version %d:\n got %v\nwant %v", round, i, got, want)
			}
		}
	}
	// The first versions are read an entry at a time; the cache is of use
	// only if they are.
	for _, i := range []int{0, 1, 2, 3, 4, 9} {
		if _, ok := yamlEntries(Normalize([]byte(fieldsVersions[i]))); !ok {
			t.Errorf("version %d is not split into entries", i)
		}
	}
	// Duplicate keys, an anchor, TOML. (Version 7's quoted scalar runs
	// across a line that looks like a key: it is split, its parts do not
	// parse alone, and the whole is parsed, as the loop above checks.)
	for _, i := range []int{5, 6, 8} {
		if _, ok := yamlEntries(Normalize([]byte(fieldsVersions[i]))); ok {
			t.Errorf("version %d is split into entries, but must be parsed whole", i)
		}
	}
}

// TestFieldsCacheSeedingParser: a parse by the seeding parser leaves each
// entry of the file's front matter in the cache, with the value Fields
// gives, and nothing when the front matter does not decode whole.
func TestFieldsCacheSeedingParser(t *testing.T) {
	p := newTestParser(t)
	c := p.NewFieldsCache()
	sp := c.SeedingParser()
	inc := sp.Parse("a.md", []byte(fieldsVersions[9]))
	if !reflect.DeepEqual(inc.ParsedFields(), p.Fields([]byte(fieldsVersions[9]))) {
		t.Fatalf("the seeding parser's fields differ from the parser's: %v", inc.ParsedFields())
	}
	entries, _ := yamlEntries(Normalize([]byte(fieldsVersions[9])))
	for _, e := range entries {
		v, ok := c.entries.Load(e.text)
		if !ok {
			t.Errorf("entry %q is not in the cache", e.key)
			continue
		}
		if got := v.(fieldEntry); got.value != inc.ParsedFields()[got.name] {
			t.Errorf("entry %q: cached %v, parsed %q", e.key, got, inc.ParsedFields()[got.name])
		}
	}
	// The next version, read as the history reads it, is right too.
	if got, want := c.Fields([]byte(fieldsVersions[1])), p.Fields([]byte(fieldsVersions[1])); !reflect.DeepEqual(got, want) {
		t.Errorf("after seeding:\n got %v\nwant %v", got, want)
	}

	bad := p.NewFieldsCache()
	bad.SeedingParser().Parse("b.md", []byte(fieldsVersions[11]))
	n := 0
	bad.entries.Range(func(any, any) bool { n++; return true })
	if n != 0 {
		t.Errorf("front matter with an error seeded %d entries", n)
	}
}

// FuzzFieldsCache holds FieldsCache to Parser.Fields for two versions read
// one after the other and the first read again, as the history reads
// them.
func FuzzFieldsCache(f *testing.F) {
	for i := 1; i < len(fieldsVersions); i++ {
		f.Add([]byte(fieldsVersions[i-1]), []byte(fieldsVersions[i]))
	}
	f.Add([]byte("---\na: 1\nb: [x,\n  y]\n---\n"), []byte("---\na: 1\nb: [x,\ny: z]\n---\n"))
	f.Add([]byte("---\na: |\n  x\n---\nb: 2\n---\n"), []byte("---\n\n# c\na: >-\n  x\n\n b\nc:\n---"))
	f.Add([]byte("---yaml\nk: v\n---\n"), []byte("\n---\nk:\n  - 1\n  - 2\nTrue: x\n---\n"))
	p := newTestParser(f)
	f.Fuzz(func(t *testing.T, a, b []byte) {
		c := p.NewFieldsCache()
		for _, v := range [][]byte{a, b, a} {
			if got, want := c.Fields(v), p.Fields(v); !reflect.DeepEqual(got, want) {
				t.Fatalf("content %q:\n got %v\nwant %v", v, got, want)
			}
		}
	})
}

// TestFieldsCacheConcurrent: the history's workers share one cache.
func TestFieldsCacheConcurrent(t *testing.T) {
	p := newTestParser(t)
	c := p.NewFieldsCache()
	want := make([]map[string]string, len(fieldsVersions))
	for i, v := range fieldsVersions {
		want[i] = p.Fields([]byte(v))
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for k := range 50 {
				i := (w + k) % len(fieldsVersions)
				if got := c.Fields([]byte(fieldsVersions[i])); !reflect.DeepEqual(got, want[i]) {
					t.Errorf("version %d: got %v, want %v", i, got, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
}
