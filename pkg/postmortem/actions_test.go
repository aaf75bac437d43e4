package postmortem

import (
	"slices"
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
			ActionItem{Title: "Add a connection pool limit", Owner: "Jane Doe", Due: date("2024-04-01"), Priority: "P1", Status: "open", Link: "https://t.example/ABC-123", Ticket: "ABC-123"}, 0},
		{"checked box is done", "[x] Document the drain — Aisha, due 2021-02-20",
			ActionItem{Title: "Document the drain", Owner: "Aisha", Due: date("2021-02-20"), Status: "done"}, 0},
		{"handle, bare date and priority", "Rotate keys – @sam, 2024-05-01, high",
			ActionItem{Title: "Rotate keys", Owner: "sam", Due: date("2024-05-01"), Priority: "high", Status: "unknown"}, 0},
		{"hyphen separator with labels", "Add alert - owner: Mei Chen; due: 2024/6/3; status: done",
			ActionItem{Title: "Add alert", Owner: "Mei Chen", Due: date("2024-06-03"), Status: "done"}, 0},
		{"parenthesised fields", "Add canary stage (owner: Li Wang, due 2025-01-10)",
			ActionItem{Title: "Add canary stage", Owner: "Li Wang", Due: date("2025-01-10"), Status: "unknown"}, 0},
		{"fields in several dashed parts", "Set maxmemory-policy on the session Redis — owner: Jonas — due 15/11/2021",
			ActionItem{Title: "Set maxmemory-policy on the session Redis", Owner: "Jonas", Due: date("2021-11-15"), Status: "unknown"}, 0},
		{"a dashed part of the title before the fields stays", "Move cron — the nightly one — Ana, due 2024-04-01",
			ActionItem{Title: "Move cron — the nightly one", Owner: "Ana", Due: date("2024-04-01"), Status: "unknown"}, 0},
		{"a ticket in brackets and a handle at the end", "[ ] Add a PodDisruptionBudget for the resolver [OPS-413] @sam.ortiz",
			ActionItem{Title: "Add a PodDisruptionBudget for the resolver", Owner: "sam.ortiz", Status: "open", Ticket: "OPS-413"}, 0},
		{"a handle, then a ticket in round brackets", "[x] Run three resolver replicas @jo (OPS-412)",
			ActionItem{Title: "Run three resolver replicas", Owner: "jo", Status: "done", Ticket: "OPS-412"}, 0},
		{"brackets that are no ticket stay", "Raise the limit [see notes] (SHA-256 pinning)",
			ActionItem{Title: "Raise the limit [see notes] (SHA-256 pinning)", Status: "unknown"}, 0},
		{"an email address is no handle", "Ask the vendor at ops@vendor.example",
			ActionItem{Title: "Ask the vendor at ops@vendor.example", Status: "unknown"}, 0},
		{"an email address, then a ticket", "Ask ops@vendor.example for a quota [OPS-7]",
			ActionItem{Title: "Ask ops@vendor.example for a quota", Status: "unknown", Ticket: "OPS-7"}, 0},
		{"title only has no status", "Investigate flaky alert",
			ActionItem{Title: "Investigate flaky alert", Status: "unknown"}, 0},
		{"a lone name after a dash is title", "[OPS-9](https://t.example/OPS-9) Raise quota — Kofi",
			ActionItem{Title: "[OPS-9](https://t.example/OPS-9) Raise quota — Kofi", Status: "unknown", Link: "https://t.example/OPS-9", Ticket: "OPS-9"}, 0},
		{"text after a dash is not an owner", "Write the thing -- just grabbing env vars",
			ActionItem{Title: "Write the thing -- just grabbing env vars", Status: "unknown"}, 0},
		{"a leading bug reference is the ticket, not the title", "bug 1234567 — Fix the worker",
			ActionItem{Title: "Fix the worker", Ticket: "bug 1234567", Status: "unknown"}, 0},
		{"a leading ticket key", "ABC-123: Shard the queue",
			ActionItem{Title: "Shard the queue", Ticket: "ABC-123", Status: "unknown"}, 0},
		{"a bracketed ticket key", "[OPS-77] Raise the quota",
			ActionItem{Title: "Raise the quota", Ticket: "OPS-77", Status: "unknown"}, 0},
		{"a handle in brackets at the start", "[dana] Add a retry budget to the importer",
			ActionItem{Title: "Add a retry budget to the importer", Owner: "dana", Status: "unknown"}, 0},
		{"a handle in the title", "Ask @lee to rotate the TLS certs",
			ActionItem{Title: "Ask @lee to rotate the TLS certs", Owner: "lee", Status: "unknown"}, 0},
		{"an email is not a handle", "Mail ops@example.com about the quota",
			ActionItem{Title: "Mail ops@example.com about the quota", Status: "unknown"}, 0},
		{"an owner's label in a sentence is not a field", "Ask the DB owner: Sam knows the schema",
			ActionItem{Title: "Ask the DB owner: Sam knows the schema", Status: "unknown"}, 0},
		{"an owner's label after a comma", "Rotate the keys, owner: Sam Lee",
			ActionItem{Title: "Rotate the keys, owner: Sam Lee", Owner: "Sam Lee", Status: "unknown"}, 0},
		{"an owner's label at the end after a word", "Rotate the keys owner: Sam",
			ActionItem{Title: "Rotate the keys owner: Sam", Owner: "Sam", Status: "unknown"}, 0},
		{"a last sentence of fields", "Move cron to UTC. Owner: Priya Nair",
			ActionItem{Title: "Move cron to UTC.", Owner: "Priya Nair", Status: "unknown"}, 0},
		{"a last sentence of an owner and a due date", "Document the manual revert. Owner: Lee Park, due 2024-03-01",
			ActionItem{Title: "Document the manual revert.", Owner: "Lee Park", Due: date("2024-03-01"), Status: "unknown"}, 0},
		{"a name with a ticket after it", "Patch — Ana, https://t.example/9",
			ActionItem{Title: "Patch", Owner: "Ana", Status: "unknown", Link: "https://t.example/9"}, 0},
		{"a team in brackets at the end", "Clean compaction files on cancel (storage team)",
			ActionItem{Title: "Clean compaction files on cancel", Owner: "storage team", Status: "unknown"}, 0},
		{"team first in brackets", "Page the owner of the queue (Team Payments)",
			ActionItem{Title: "Page the owner of the queue", Owner: "Team Payments", Status: "unknown"}, 0},
		{"a bracket that is no team stays", "Review on-call load (Black Friday)",
			ActionItem{Title: "Review on-call load (Black Friday)", Status: "unknown"}, 0},
		{"a bracket about a team stays", "Write the runbook (the team agreed on Monday)",
			ActionItem{Title: "Write the runbook (the team agreed on Monday)", Status: "unknown"}, 0},
		{"a team as owner before a due date", "Cap retries — platform team, due April 1, 2024",
			ActionItem{Title: "Cap retries", Owner: "platform team", Due: date("2024-04-01"), Status: "unknown"}, 0},
		{"a standard is not a ticket", "Move the hashes to SHA-256",
			ActionItem{Title: "Move the hashes to SHA-256", Status: "unknown"}, 0},
		{"impossible date", "Fix it — Bo, due 2024-02-30",
			ActionItem{Title: "Fix it", Owner: "Bo", Status: "unknown"}, 1},
		{"ambiguous due date is read month first with a warning", "Fix it — Bo, due 03/04/2024",
			ActionItem{Title: "Fix it", Owner: "Bo", Due: date("2024-03-04"), Status: "unknown"}, 1},
		{"strikethrough is done", "~~Old idea~~", ActionItem{Title: "Old idea", Status: "done"}, 0},
		{"struck title with fields is done", "~~Drop the v1 API~~ — Omar, due 2023-01-01",
			ActionItem{Title: "Drop the v1 API", Owner: "Omar", Due: date("2023-01-01"), Status: "done"}, 0},
		{"struck title with a note after it", "~~Retry forever~~ — dropped, see the review",
			ActionItem{Title: "~~Retry forever~~ — dropped, see the review", Status: "done"}, 0},
		{"closed marker", "Raise the pool size (closed)", ActionItem{Title: "Raise the pool size", Status: "done"}, 0},
		{"check mark", "Raise the pool size ✅", ActionItem{Title: "Raise the pool size ✅", Status: "done"}, 0},
		{"done label", "DONE: raise the pool size", ActionItem{Title: "raise the pool size", Status: "done"}, 0},
		{"ticket in parentheses", "Raise the pool size (PAY-31)", ActionItem{Title: "Raise the pool size", Ticket: "PAY-31", Status: "unknown"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ps := parseActionLine(tt.in, 7)
			fs := toFindings(ps)
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

// TestNormalizeStatus: a status decorated or explained is read by its
// first word, and a check mark anywhere is done.
func TestNormalizeStatus(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Done":                StatusDone,
		"Done ✅":              StatusDone,
		"✅ Done":              StatusDone,
		"**Closed**":          StatusDone,
		"Done (2023-11-20)":   StatusDone,
		"Fixed in v2.3":       StatusDone,
		"Completed 🎉":         StatusDone,
		"Won't fix":           StatusDone,
		"Complete - merged":   StatusDone,
		"Done? Not yet":       StatusOpen,
		"Not done":            StatusOpen,
		"Done not":            StatusOpen,
		"In progress":         StatusOpen,
		"Open":                StatusOpen,
		"Blocked on vendor":   StatusOpen,
		"Closing this sprint": StatusOpen,
		"":                    StatusUnknown,
		"N/A":                 StatusUnknown,
	} {
		if got := normalizeStatus(in); got != want {
			t.Errorf("normalizeStatus(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestParseActionItemsWithoutStatuses(t *testing.T) {
	items, _ := ParseActionItems("- Add a retry budget — Dana, due 2024-06-01\n- Page on importer lag\n", 1)
	for _, it := range items {
		if it.Status != StatusUnknown {
			t.Errorf("%q: status %q, want unknown: no item of the list gives one", it.Title, it.Status)
		}
	}
	items, _ = ParseActionItems("- [x] Restart the worker\n- Page on importer lag\n", 1)
	if len(items) != 2 || items[1].Status != StatusOpen {
		t.Errorf("items = %+v, want the second open beside a done one", items)
	}
}

func TestParseActionItemsSections(t *testing.T) {
	text := `
### Open

- [ ] Cap the pool per pod — Jane, due 2024-04-01
  - Owner: Jane Doe
  - see the saturation graph in the review doc
  - Status: in progress
- Alert on saturation
  - Due: 2024-05-01
  - Ticket: PAY-12

### Completed

- Roll back the pool change
  - rolled back by hand on the day
- Database:
  - Vacuum the orders table — @kim, due 2024-03-05

**Follow-ups**

- Write the runbook
`
	items, fs := ParseActionItems(text, 20)
	want := []ActionItem{
		{Title: "Cap the pool per pod", Owner: "Jane", Due: date("2024-04-01"), Status: "open", Detail: "- Owner: Jane Doe\n- see the saturation graph in the review doc", Line: 23},
		{Title: "Alert on saturation", Due: date("2024-05-01"), Ticket: "PAY-12", Status: "open", Line: 27},
		{Title: "Roll back the pool change", Status: "done", Detail: "- rolled back by hand on the day", Line: 33},
		{Title: "Vacuum the orders table", Owner: "kim", Due: date("2024-03-05"), Status: "done", Line: 36},
		// No status, beside items that say theirs: not done yet.
		{Title: "Write the runbook", Status: "open", Line: 40},
	}
	if len(items) != len(want) {
		t.Fatalf("got %d items: %+v", len(items), items)
	}
	for i := range want {
		if items[i] != want[i] {
			t.Errorf("item %d:\ngot  %+v\nwant %+v", i, items[i], want[i])
		}
	}
	if len(fs) != 0 {
		t.Errorf("findings = %+v", fs)
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
	f.Add("### Completed\n- bug 1234567 — Fix the worker\n  - Owner: Jo\n  - note\n- Database:\n  - [dana] ~~Vacuum~~ (closed)\n")
	f.Add("- Write the thing -- just grabbing env vars\n- ABC-123: x — @kim, due 03/04/2024, P1\n")
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
			if it.Status != StatusOpen && it.Status != StatusDone && it.Status != StatusUnknown {
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

// TestParseActionItemsDecoratedStatus: a table's statuses with a check
// mark or a note are read by their first word.
func TestParseActionItemsDecoratedStatus(t *testing.T) {
	t.Parallel()
	items, _ := ParseActionItems(`
| Action | Owner | Due | Status |
|---|---|---|---|
| Stop pinning intermediates | Lena Fischer | 30/11/2023 | Done ✅ |
| Subscribe to provider notices | Omar Haddad | 15/12/2023 | In progress |
| Rotate the staging keys | Lena Fischer | 01/12/2023 | Closed (duplicate of OPS-9) |
`, 1)
	var got []string
	for _, it := range items {
		got = append(got, it.Status)
	}
	if want := []string{StatusDone, StatusOpen, StatusDone}; !slices.Equal(got, want) {
		t.Errorf("statuses %q, want %q", got, want)
	}
}
