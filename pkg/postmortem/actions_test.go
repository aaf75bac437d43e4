package postmortem

import (
	"testing"
	"time"
)

func date(s string) time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return t
}

func TestParseActionLine(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want ActionItem
		errs int
	}{
		{"full form", "[ ] Add a connection pool limit — Jane Doe, due 2024-04-01, P1, [ABC-123](https://t.example/ABC-123)",
			ActionItem{Title: "Add a connection pool limit", Owner: "Jane Doe", Due: date("2024-04-01"), Priority: "P1", Status: "open", Link: "https://t.example/ABC-123"}, 0},
		{"checked box is done", "[x] Document the drain — Aisha, due 2021-02-20",
			ActionItem{Title: "Document the drain", Owner: "Aisha", Due: date("2021-02-20"), Status: "done"}, 0},
		{"en dash and bare date", "Rotate keys – @sam, 2024-05-01, high",
			ActionItem{Title: "Rotate keys", Owner: "sam", Due: date("2024-05-01"), Priority: "high", Status: "open"}, 0},
		{"hyphen separator with labels", "Add alert - owner: Mei Chen; due: 2024/6/3; status: done",
			ActionItem{Title: "Add alert", Owner: "Mei Chen", Due: date("2024-06-03"), Status: "done"}, 0},
		{"parenthesised meta", "Add canary stage (owner: Li Wang, due 2025-01-10)",
			ActionItem{Title: "Add canary stage", Owner: "Li Wang", Due: date("2025-01-10"), Status: "open"}, 0},
		{"title only", "Investigate flaky alert",
			ActionItem{Title: "Investigate flaky alert", Status: "open"}, 0},
		{"link in title", "[OPS-9](https://t.example/OPS-9) Raise quota — Kofi",
			ActionItem{Title: "[OPS-9](https://t.example/OPS-9) Raise quota", Owner: "Kofi", Status: "open", Link: "https://t.example/OPS-9"}, 0},
		{"bare url", "Patch — Ana, https://t.example/9",
			ActionItem{Title: "Patch", Owner: "Ana", Status: "open", Link: "https://t.example/9"}, 0},
		{"impossible date", "Fix it — Bo, due 2024-02-30",
			ActionItem{Title: "Fix it", Owner: "Bo", Status: "open"}, 1},
		{"strikethrough is done", "~~Old idea~~", ActionItem{Title: "Old idea", Status: "done"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, fs := ParseActionLine(tt.in, 7)
			tt.want.Line = 7
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if len(fs) != tt.errs {
				t.Errorf("findings = %v, want %d", fs, tt.errs)
			}
			for _, f := range fs {
				if f.Line != 7 {
					t.Errorf("finding line %d, want 7", f.Line)
				}
			}
		})
	}
}

func TestParseActionItemsTable(t *testing.T) {
	text := `
Some intro.

| Action | Assignee | Due date | Priority | State | Tracking bug |
|:--|--|--|--|--|--|
| Cap the pool \| per pod | Jane | 2024-04-01 | P1 | Done | [A-1](https://t/A-1) |
| Alert on saturation | Mei | TBD | P2 | in progress | https://t/A-2 |
| [x] Write runbook | | 2024-13-01 | | | |

- [ ] Also a list item — Bob, due 2024-07-01
`
	items, fs := ParseActionItems(text, 10)
	if len(items) != 4 {
		t.Fatalf("got %d items: %+v", len(items), items)
	}
	want := []ActionItem{
		{Title: "Cap the pool | per pod", Owner: "Jane", Due: date("2024-04-01"), Priority: "P1", Status: "done", Link: "https://t/A-1", Line: 15},
		{Title: "Alert on saturation", Owner: "Mei", Priority: "P2", Status: "open", Link: "https://t/A-2", Line: 16},
		{Title: "Write runbook", Status: "done", Line: 17},
		{Title: "Also a list item", Owner: "Bob", Due: date("2024-07-01"), Status: "open", Line: 19},
	}
	for i := range want {
		if items[i] != want[i] {
			t.Errorf("item %d:\ngot  %+v\nwant %+v", i, items[i], want[i])
		}
	}
	if len(fs) != 1 || fs[0].Line != 17 {
		t.Errorf("findings = %+v, want one at line 17", fs)
	}
}

func FuzzParseActionItems(f *testing.F) {
	f.Add("| Item | Owner | Due |\n|---|---|---|\n| a | b | 2024-01-01 |\n")
	f.Add("- [ ] Add a limit — Jane, due 2024-04-01, P1, [A-1](https://x)\n  continued\n- [x] done")
	f.Add("|x|\n|-|\n|`a|b`|\n")
	f.Add("- (owner: , due 9999-99-99)")
	f.Fuzz(func(t *testing.T, s string) {
		items, fs := ParseActionItems(s, 1)
		lines := 1
		for _, c := range s {
			if c == '\n' {
				lines++
			}
		}
		for _, it := range items {
			if it.Line < 1 || it.Line > lines {
				t.Fatalf("item line %d outside 1..%d", it.Line, lines)
			}
			if it.Status != StatusOpen && it.Status != StatusDone {
				t.Fatalf("status %q", it.Status)
			}
		}
		for _, f := range fs {
			if f.Line < 1 || f.Line > lines {
				t.Fatalf("finding line %d outside 1..%d", f.Line, lines)
			}
		}
	})
}
