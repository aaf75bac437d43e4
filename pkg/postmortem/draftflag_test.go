package postmortem

import "testing"

// TestDraftFlag: a report a static site generator would leave out
// ("draft: true", "published: false") is a draft, said where check -v
// lists inferences, unless its front matter states a status; a status in
// its body gives way.
func TestDraftFlag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, text, status, from string
	}{
		{"Hugo, TOML", "+++\ntitle = \"Redis evictions\"\ndraft = true\n+++\n# Redis evictions\n", "draft", "front matter's draft: true"},
		{"Hugo, YAML", "---\ntitle: Redis evictions\ndraft: true\n---\n", "draft", "front matter's draft: true"},
		{"Jekyll", "---\nlayout: post\npublished: false\n---\n# Redis evictions\n", "draft", "front matter's published: false"},
		{"a body's status gives way", "---\ndraft: true\n---\n# Redis evictions\n\n**Status:** Resolved\n", "draft", "front matter's draft: true"},
		{"not a draft", "---\ndraft: false\npublished: true\n---\n# Redis evictions\n\n**Status:** Resolved\n", "Resolved", "bold key line"},
		{"a stated status wins", "---\nstatus: published\ndraft: true\n---\n# Redis evictions\n", "published", ""},
		{"a string is no flag", "---\ndraft: \"yes, see the doc\"\n---\n# Redis evictions\n", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			inc := NewParser(defaultConfig(t)).Parse("content/postmortems/redis.md", []byte(tc.text))
			from, n := "", 0
			for _, x := range inc.Inferred {
				if x.Field == "status" {
					from, n = x.From, n+1
				}
			}
			if inc.Status != tc.status || from != tc.from || n > 1 {
				t.Errorf("status %q from %q (%d inferences), want %q from %q", inc.Status, from, n, tc.status, tc.from)
			}
		})
	}
}
