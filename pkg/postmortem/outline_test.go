package postmortem

import (
	"fmt"
	"strings"
	"testing"
)

func TestOutlineOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		content  string
		frontEnd int
		want     []string // line:level:kind:text
	}{
		{"no front matter, ATX headings", "# Title\n\n## Summary\ntext\n## Timeline (CET)\n", 0,
			[]string{"0:1::Title", "2:2:summary:Summary", "4:2:timeline:Timeline (CET)"}},
		{"YAML front matter", "---\nid: X\n---\n## Impact\n", 3, []string{"3:2:impact:Impact"}},
		{"TOML front matter", "+++\nid = 'X'\n+++\n\n## Root cause\n", 3, []string{"4:2:contributing_factors:Root cause"}},
		{"an unclosed front matter is body", "---\nid: X\n## Summary\n", 0, []string{"2:2:summary:Summary"}},
		{"nested headings take the kind of their section", "## Action items\n### Open\n### Done\n## Notes\n### Open\n", 0,
			[]string{"0:2:action_items:Action items", "1:3:action_items:Open", "2:3:action_items:Done", "3:2::Notes", "4:3::Open"}},
		{"setext and code fences", "Summary\n=======\n\n```\n## not a heading\n```\nLessons learned\n---------------\n", 0,
			[]string{"0:1:summary:Summary", "6:2:lessons:Lessons learned"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := OutlineOf([]byte(tt.content))
			if o.FrontMatterEnd != tt.frontEnd {
				t.Errorf("FrontMatterEnd = %d, want %d", o.FrontMatterEnd, tt.frontEnd)
			}
			var got []string
			for _, h := range o.Headings {
				got = append(got, fmt.Sprintf("%d:%d:%s:%s", h.Line, h.Level, h.Kind, h.Text))
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("headings\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}
