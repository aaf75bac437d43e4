package config

import (
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the configuration parser: it must
// return a configuration or an error naming the file, never panic, and a
// configuration it returns must have the lists a build relies on, or say
// that discovery and the postmortems are to fill them in.
func FuzzParse(f *testing.F) {
	f.Add([]byte("title: x\nseverities: [P0, P1]\n"))
	f.Add([]byte("aliases:\n  tags: [categories]\ncontent: ['**/*.md']\n"))
	f.Add([]byte("bogus: 1\n"))
	f.Add([]byte("content: ['[']\n"))
	f.Add([]byte("markdown: {unsafe: yes}\n"))
	f.Add([]byte("aliases:\n  date: [start_time, started]\n  owner: [start_time]\ntimezone: Mars\n"))
	f.Add([]byte("exclude_defaults: false\nexclude: ['**/x']\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, FileName)
		if err != nil {
			if !strings.Contains(err.Error(), FileName) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if len(c.Content) == 0 && !c.AutoContent || len(c.Severities) == 0 && !c.AutoSeverities || len(c.Statuses) == 0 {
			t.Fatalf("accepted a configuration without content, severities or statuses: %+v", c)
		}
		_ = c.Match("postmortems/a.md")
		_ = c.FieldFor("Tags")
	})
}
