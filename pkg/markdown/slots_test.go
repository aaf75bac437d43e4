package markdown

import (
	"fmt"
	"strings"
	"testing"
)

// splice puts "[slot N]" into html at each slot.
func splice(html []byte, slots []int) string {
	var b strings.Builder
	prev := 0
	// Slots come in document order in these tests.
	for i, at := range slots {
		if at < 0 {
			continue
		}
		b.Write(html[prev:at])
		fmt.Fprintf(&b, "[slot %d]\n", i)
		prev = at
	}
	b.Write(html[prev:])
	return b.String()
}

func TestRenderPlanBlocks(t *testing.T) {
	t.Parallel()
	src := strings.Join([]string{
		"# Title", // 1
		"",
		"<!-- a hint -->", // 3
		"",
		"## Timeline", // 5
		"",
		"- 10:00 plain `code` and *em*", // 7
		"- 10:05 with a [link](https://example.com)",
		"- 10:10 with a sub-list", // 9
		"  - nested",
		"- 10:20 two", // 11
		"",
		"  paragraphs",
		"",
		"```", // 15
		"code",
		"```",
		"",
		"- [ ] open task", // 19
		"- [x] done *task*",
		"- [ ] [linked](https://example.com) task",
	}, "\n")
	var got []Block
	_, err := New(Options{}).RenderPlan([]byte(src), nil, func(bs []Block) []Slot {
		got = bs
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []Block{
		{Kind: BlockHeading, Line: 1, Level: 1, Text: "Title"},
		{Kind: BlockComment, Line: 3},
		{Kind: BlockHeading, Line: 5, Level: 2, Text: "Timeline"},
		{Kind: BlockList, Line: 7, Items: []Item{
			{Line: 7, Text: "10:00 plain code and em", Plain: true},
			{Line: 8, Text: "10:05 with a link", Plain: false},
			{Line: 9, Text: "10:10 with a sub-list nested", Plain: false},
			{Line: 11, Text: "10:20 two paragraphs", Plain: false},
		}},
		{Kind: BlockOther, Line: 15},
		{Kind: BlockList, Line: 19, Items: []Item{
			{Line: 19, Text: "open task", Plain: true, Task: true},
			{Line: 20, Text: "done task", Plain: true, Task: true, Checked: true},
			{Line: 21, Text: "linked task", Plain: false, Task: true},
		}},
	}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("blocks:\n%+v\nwant:\n%+v", got, want)
	}
}

func TestRenderPlanSlots(t *testing.T) {
	t.Parallel()
	src := "# Title\n\n## Timeline\n\nAll times UTC.\n\n- 10:00 one\n- 10:05 two\n\n## Action items\n\nNone yet.\n"
	plan := func(bs []Block) []Slot {
		return []Slot{
			{Block: 0, Replace: true}, // the title, shown by the page header
			{Block: 3, Replace: true}, // the list, drawn instead
			{Block: 4},                // after "## Action items"
			{Block: 4},                // and a second one after it
			{Block: 99},               // names no block
		}
	}
	for _, unsafe := range []bool{false, true} {
		t.Run(fmt.Sprintf("unsafe=%v", unsafe), func(t *testing.T) {
			t.Parallel()
			res, err := New(Options{Unsafe: unsafe}).RenderPlan([]byte(src), nil, plan)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Slots) != 5 || res.Slots[4] != -1 {
				t.Fatalf("slots = %v, want 5 with the last -1", res.Slots)
			}
			got := splice(res.HTML, res.Slots)
			want := `[slot 0]
<h2 id="timeline">Timeline <a class="anchor" href="#timeline" aria-hidden="true" tabindex="-1">#</a></h2>
<p>All times UTC.</p>
[slot 1]
<h2 id="action-items">Action items <a class="anchor" href="#action-items" aria-hidden="true" tabindex="-1">#</a></h2>
[slot 2]
[slot 3]
<p>None yet.</p>
`
			if got != want {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
			var ids []string
			for _, h := range res.Headings {
				ids = append(ids, h.ID)
			}
			if strings.Join(ids, " ") != "timeline action-items" {
				t.Errorf("headings = %v, want the replaced title left out", ids)
			}
		})
	}
}

// TestRenderPlanUnsafeOffsets checks that raw HTML rewritten in unsafe mode
// before a slot does not move the slot.
func TestRenderPlanUnsafeOffsets(t *testing.T) {
	t.Parallel()
	src := "<a href=\"javascript:alert(1)\">x</a>\n\n## Timeline\n\ntext\n"
	res, err := New(Options{Unsafe: true}).RenderPlan([]byte(src), nil, func(bs []Block) []Slot {
		return []Slot{{Block: 1}}
	})
	if err != nil {
		t.Fatal(err)
	}
	got := splice(res.HTML, res.Slots)
	if !strings.Contains(got, "</h2>\n[slot 0]\n<p>text</p>") || strings.Contains(got, "javascript:") {
		t.Errorf("got:\n%s", got)
	}
}
