package postmortem

import (
	"reflect"
	"strings"
	"testing"
)

// splitOutlineLines cuts normalised content into lines as package revdiff
// does: no line ends, a final one making no empty last line.
func splitOutlineLines(content []byte) []string {
	if len(content) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(content), "\n"), "\n")
}

// FuzzOutlineOfLines holds OutlineOfLines to OutlineOf: the same outline
// of every normalised content, from its lines.
func FuzzOutlineOfLines(f *testing.F) {
	for _, s := range []string{
		"# Title\n\n## Summary\ntext\n## Timeline (CET)\n",
		"---\nid: X\n---\n## Impact\n",
		"+++\nid = 'X'\n+++\n\n## Root cause\n",
		"\n  ---toml  \nid = 1\n ---\n# A ##\n",
		"{\n\"id\": 1\n}\n## Summary\n",
		";;;\nx\n;;;\n#tag\n===\n",
		"---\nid: X\n## Summary\n",
		"## Action items\n### Open\n### Done\n## Notes\n### Open\n",
		"Summary\n=======\n\n```\n## not a heading\n```\nLessons learned\n---------------\n",
		"  para one\n  para two\n---\n<!-- a\n## hidden\n-->\n~~~~ go\n# x\n~~~\n~~~~\n####### seven\n    # code\n\t# tab\n",
		"| t |\n---\n- a\n--\n> q\n==\n#\n##\t Kind ##  \n",
		"a\r\nb\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, content []byte) {
		content = Normalize(content)
		want := OutlineOf(content)
		got := OutlineOfLines(splitOutlineLines(content))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("OutlineOfLines(%q)\n got %+v\nwant %+v", content, got, want)
		}
	})
}
