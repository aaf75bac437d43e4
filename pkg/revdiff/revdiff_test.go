package revdiff

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// doc builds a postmortem from lines.
func doc(lines ...string) []byte { return []byte(strings.Join(lines, "\n") + "\n") }

var base = doc(
	"---",
	"id: INC-2031-007",
	"severity: SEV3",
	"---",
	"# Queue backlog in the EU region",
	"",
	"## Summary",
	"",
	"The ingest queue backed up for 35 minutes after a consumer deploy.",
	"",
	"## Timeline (all times CET)",
	"",
	"- 09:12 deploy of consumer v4.2 starts",
	"- 09:20 queue depth alert fires",
	"- 09:47 rollback finished",
	"",
	"## Contributing factors",
	"",
	"The new consumer acknowledged messages late.",
	"",
	"## Action items",
	"",
	"- [ ] Alert on consumer lag, not only depth",
)

func replace(b []byte, old, new string) []byte {
	return bytes.Replace(b, []byte(old), []byte(new), 1)
}

func TestCompare(t *testing.T) {
	t.Parallel()
	type want struct {
		key                      string
		added, removed           int
		linesAdded, linesRemoved int
	}
	tests := []struct {
		name   string
		before []byte
		after  []byte
		want   []want
	}{
		{"identical", base, base, nil},
		{"created", nil, base, []want{
			{KeyFrontMatter, 6, 0, 4, 0}, {KeyBody, 6, 0, 2, 0}, {"summary", 13, 0, 4, 0}, {"timeline", 22, 0, 6, 0},
			{"contributing_factors", 8, 0, 4, 0}, {"action_items", 9, 0, 3, 0},
		}},
		{"deleted", base, nil, []want{
			{KeyFrontMatter, 0, 6, 0, 4}, {KeyBody, 0, 6, 0, 2}, {"summary", 0, 13, 0, 4}, {"timeline", 0, 22, 0, 6},
			{"contributing_factors", 0, 8, 0, 4}, {"action_items", 0, 9, 0, 3},
		}},
		{"a field", base, replace(base, "severity: SEV3", "severity: SEV2"), []want{{KeyFrontMatter, 1, 1, 1, 1}}},
		{"a word in a paragraph", base, replace(base, "for 35 minutes", "for 53 minutes"), []want{{"summary", 1, 1, 1, 1}}},
		{"a timeline entry added", base, replace(base, "- 09:47 rollback", "- 09:31 on-call paged\n- 09:47 rollback"), []want{{"timeline", 5, 0, 1, 0}}},
		{"an action item ticked", base, replace(base, "- [ ] Alert", "- [x] Alert"), []want{{"action_items", 1, 0, 1, 1}}},
		{"two sections", base, replace(replace(base, "late.", "late, after the visibility timeout."), "depth alert", "depth page"),
			[]want{{"timeline", 1, 1, 1, 1}, {"contributing_factors", 4, 0, 1, 1}}},
		{"a heading renamed", base, replace(base, "## Contributing factors", "## Root cause"), []want{{"contributing_factors", 2, 2, 1, 1}}},
		{"CRLF line ends are not a change", base, bytes.ReplaceAll(base, []byte("\n"), []byte("\r\n")), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := Compare(tt.before, tt.after, nil)
			if d.Fallback != "" {
				t.Fatalf("fell back: %s", d.Fallback)
			}
			var got []want
			for _, s := range d.Sections {
				got = append(got, want{s.Key, s.Added, s.Removed, s.LinesAdded, s.LinesRemoved})
			}
			if len(got) != len(tt.want) {
				t.Fatalf("sections = %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("section %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
			checkDiff(t, tt.before, tt.after, d)
		})
	}
}

func TestWordSpans(t *testing.T) {
	t.Parallel()
	d := Compare(base, replace(base, "for 35 minutes after a consumer deploy", "for 53 minutes after the consumer deploy"), nil)
	if len(d.Sections) != 1 || len(d.Sections[0].Hunks) != 1 {
		t.Fatalf("diff = %+v", d)
	}
	var del, ins []string
	for _, l := range d.Sections[0].Hunks[0].Lines {
		for _, s := range l.Words {
			switch s.Op {
			case Delete:
				del = append(del, s.Text)
			case Insert:
				ins = append(ins, s.Text)
			}
		}
	}
	if strings.Join(del, "|") != "35|a" || strings.Join(ins, "|") != "53|the" {
		t.Errorf("removed %q, added %q; want 35|a and 53|the", del, ins)
	}
}

func TestHunkContext(t *testing.T) {
	t.Parallel()
	var lines []string
	lines = append(lines, "## Timeline", "")
	for i := range 30 {
		lines = append(lines, "- 10:"+string(rune('0'+i/10))+string(rune('0'+i%10))+" step")
	}
	before := doc(lines...)
	after := replace(replace(before, "- 10:03 step", "- 10:03 first step"), "- 10:25 step", "- 10:25 last step")
	d := Compare(before, after, nil)
	if len(d.Sections) != 1 {
		t.Fatalf("sections = %+v", d.Sections)
	}
	s := d.Sections[0]
	if len(s.Hunks) != 2 {
		t.Fatalf("hunks = %+v, want two far-apart changes in two hunks", s.Hunks)
	}
	// Lines 0..31: heading, blank, steps 00..29. 10:03 is line 5.
	if s.Hunks[0].Skip != 3 || s.Hunks[1].Skip != 17 || s.Trail != 2 {
		t.Errorf("skips %d, %d, trail %d", s.Hunks[0].Skip, s.Hunks[1].Skip, s.Trail)
	}
	if s.Changed() != 2 {
		t.Errorf("changed = %d, want 2", s.Changed())
	}
	checkDiff(t, before, after, d)
}

func TestSummary(t *testing.T) {
	t.Parallel()
	after := replace(replace(base, "severity: SEV3", "severity: SEV2"), "for 35 minutes", "for 53 minutes")
	got := Compare(base, after, nil).Summary()
	if len(got) != 2 || got[0].Section != KeyFrontMatter || got[1].Section != "summary" || got[1].Heading != "Summary" ||
		got[1].Added != 1 || got[1].Removed != 1 || got[1].Lines != 1 {
		t.Errorf("summary = %+v", got)
	}
	a, r := Compare(base, after, nil).Totals()
	if a != 2 || r != 2 {
		t.Errorf("totals = %d, %d", a, r)
	}
}

// TestBounds checks that pathological inputs fall back to a line summary
// quickly and still count by section.
func TestBounds(t *testing.T) {
	t.Parallel()
	t.Run("4 MB rewritten", func(t *testing.T) {
		t.Parallel()
		var a, b strings.Builder
		a.WriteString("## Timeline\n\n")
		b.WriteString("## Timeline\n\n")
		for i := 0; a.Len() < 4<<20; i++ {
			a.WriteString("- 10:00 the old line number " + itoa(i) + " of a very long timeline\n")
			b.WriteString("- 10:00 the new line number " + itoa(i) + " of a very long timeline\n")
		}
		start := time.Now()
		d := Compare([]byte(a.String()), []byte(b.String()), nil)
		took := time.Since(start)
		if !strings.Contains(d.Fallback, "KiB together") {
			t.Fatalf("fallback = %q", d.Fallback)
		}
		if len(d.Sections) != 1 || d.Sections[0].Key != "timeline" || d.Sections[0].LinesAdded != d.Sections[0].LinesRemoved || d.Sections[0].LinesAdded < 50000 {
			t.Errorf("sections = %+v", d.Sections)
		}
		t.Logf("4 MB rewrite: %v", took) // reported, not asserted: the machine is shared
	})
	t.Run("many lines changed", func(t *testing.T) {
		t.Parallel()
		var a, b strings.Builder
		for i := range 3000 {
			a.WriteString("old " + itoa(i) + "\n")
			b.WriteString("new " + itoa(i) + "\n")
		}
		d := Compare([]byte(a.String()), []byte(b.String()), nil)
		if !strings.Contains(d.Fallback, "more than 2000 lines") {
			t.Fatalf("fallback = %q", d.Fallback)
		}
		if d.Sections[0].LinesAdded != 3000 || d.Sections[0].LinesRemoved != 3000 || len(d.Sections[0].Hunks) != 0 {
			t.Errorf("sections = %+v", d.Sections)
		}
	})
	t.Run("10,000 revisions of one file share a budget", func(t *testing.T) {
		t.Parallel()
		budget := NewBudget(FileBudget)
		// Appending in place keeps the earlier versions' bytes: each
		// revision adds a timeline entry to the last.
		text := append(make([]byte, 0, 1<<20), base...)
		var aligned, summarized, skipped int
		for i := range 10000 {
			next := append(text, []byte("- 10:00 entry "+itoa(i)+" of a timeline that only grows\n")...)
			d := Compare(text, next, budget)
			switch {
			case d.Fallback == "":
				aligned++
			case len(d.Sections) == 1 && d.Sections[0].LinesAdded == 1 && d.Sections[0].LinesRemoved == 0:
				summarized++
			case len(d.Sections) == 0 && strings.HasPrefix(d.Fallback, "not compared"):
				skipped++
			default:
				t.Fatalf("revision %d: %q %+v", i, d.Fallback, d.Sections)
			}
			if aligned+summarized < i+1 && (aligned == 0 || summarized == 0) {
				t.Fatalf("revision %d: skipped before aligning and summarising", i)
			}
			text = next
		}
		if aligned == 0 || summarized == 0 || skipped == 0 {
			t.Errorf("aligned %d, summarized %d, skipped %d: the budget should end word diffs, then summaries, part way", aligned, summarized, skipped)
		}
		t.Logf("aligned %d, summarized %d, skipped %d", aligned, summarized, skipped)
	})
	t.Run("a long changed paragraph is shown by lines", func(t *testing.T) {
		t.Parallel()
		long := strings.Repeat("word ", 4*MaxWords+10)
		d := Compare(doc("## Summary", "", "short"), doc("## Summary", "", long), nil)
		if d.Fallback != "" {
			t.Fatalf("fallback = %q", d.Fallback)
		}
		for _, l := range d.Sections[0].Hunks[0].Lines {
			if l.Words != nil {
				t.Errorf("line %q has a word diff", l.Text[:10])
			}
		}
		if d.Sections[0].Added != 4*MaxWords+10 || d.Sections[0].Removed != 1 {
			t.Errorf("counts %d, %d", d.Sections[0].Added, d.Sections[0].Removed)
		}
	})
}

// TestRewrittenPassage checks that a passage rewritten past MaxWordEdits
// is shown and counted by lines.
func TestRewrittenPassage(t *testing.T) {
	t.Parallel()
	var a, b strings.Builder
	for i := range 200 {
		a.WriteString("old" + itoa(i) + " ")
		b.WriteString("new" + itoa(i) + " ")
	}
	a.WriteString("kept")
	b.WriteString("kept")
	d := Compare(doc("## Summary", "", a.String()), doc("## Summary", "", b.String()), nil)
	if len(d.Sections) != 1 || d.Sections[0].Added != 201 || d.Sections[0].Removed != 201 {
		t.Fatalf("sections %+v", d.Sections)
	}
	for _, l := range d.Sections[0].Hunks[0].Lines {
		if l.Words != nil {
			t.Errorf("a rewritten line has a word diff")
		}
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestScript(t *testing.T) {
	t.Parallel()
	tests := []struct{ a, b string }{
		{"", ""}, {"abc", ""}, {"", "abc"}, {"abc", "abc"}, {"abcabba", "cbabac"},
		{"xaxbxc", "abc"}, {"abc", "xaxbxc"}, {"aaaa", "aa"},
	}
	for _, tt := range tests {
		t.Run(tt.a+"→"+tt.b, func(t *testing.T) {
			es, ok := script(chars(tt.a), chars(tt.b), 100, nil)
			if !ok {
				t.Fatal("no script")
			}
			checkScript(t, chars(tt.a), chars(tt.b), es)
		})
	}
	t.Run("shortest", func(t *testing.T) {
		es, _ := script(chars("abcabba"), chars("cbabac"), 100, nil)
		d := 0
		for _, e := range es {
			if e.op != Equal {
				d++
			}
		}
		if d != 5 { // Myers' paper: D = 5
			t.Errorf("D = %d, want 5", d)
		}
	})
	t.Run("over the bound", func(t *testing.T) {
		if _, ok := script(chars("abcdef"), chars("uvwxyz"), 5, nil); ok {
			t.Error("a script of 12 edits was found within 5")
		}
	})
}

// chars is s cut into its characters, each a string.
func chars(s string) []string {
	var out []string
	for _, r := range s {
		out = append(out, string(r))
	}
	return out
}

// checkScript checks that es turns a into b.
func checkScript[T comparable](t *testing.T, a, b []T, es []edit) {
	t.Helper()
	var got []T
	i, j := 0, 0
	for _, e := range es {
		switch e.op {
		case Equal:
			if int(e.a) != i || int(e.b) != j || a[i] != b[j] {
				t.Fatalf("bad keep %+v at %d,%d", e, i, j)
			}
			got = append(got, a[i])
			i, j = i+1, j+1
		case Delete:
			if int(e.a) != i {
				t.Fatalf("bad delete %+v at %d", e, i)
			}
			i++
		case Insert:
			if int(e.b) != j {
				t.Fatalf("bad insert %+v at %d", e, j)
			}
			got = append(got, b[j])
			j++
		}
	}
	if i != len(a) || j != len(b) || !slices.Equal(got, b) {
		t.Fatalf("script ends at %d,%d of %d,%d", i, j, len(a), len(b))
	}
}

// checkDiff checks what holds of every aligned diff: each changed line's
// word pieces spell it, only its own side's operations appear on it, the
// removed lines are a subsequence of before's lines and the added ones of
// after's, and the counts add up.
func checkDiff(t *testing.T, before, after []byte, d *Diff) {
	t.Helper()
	if d.Fallback != "" {
		return
	}
	a := splitLines(normalized(before))
	b := splitLines(normalized(after))
	var del, ins []string
	for _, s := range d.Sections {
		la, lr := 0, 0
		for _, h := range s.Hunks {
			if h.Skip < 0 {
				t.Fatalf("negative skip in %+v", s)
			}
			for _, l := range h.Lines {
				switch l.Op {
				case Delete:
					lr++
					del = append(del, l.Text)
				case Insert:
					la++
					ins = append(ins, l.Text)
				}
				if l.Words == nil {
					continue
				}
				var sb strings.Builder
				for _, w := range l.Words {
					if w.Op != Equal && w.Op != l.Op {
						t.Fatalf("line %q has a %v piece", l.Text, w.Op)
					}
					sb.WriteString(w.Text)
				}
				if sb.String() != l.Text {
					t.Fatalf("pieces %q do not spell %q", sb.String(), l.Text)
				}
			}
		}
		if la != s.LinesAdded || lr != s.LinesRemoved {
			t.Fatalf("section %s counts %d/%d lines, hunks hold %d/%d", s.Key, s.LinesAdded, s.LinesRemoved, la, lr)
		}
	}
	if !subsequence(del, a) || !subsequence(ins, b) {
		t.Fatalf("changed lines are not in their versions")
	}
	if len(a)-len(del) != len(b)-len(ins) {
		t.Fatalf("%d lines kept of before, %d of after", len(a)-len(del), len(b)-len(ins))
	}
}

func subsequence(sub, of []string) bool {
	i := 0
	for _, s := range of {
		if i < len(sub) && sub[i] == s {
			i++
		}
	}
	return i == len(sub)
}

func TestWriteText(t *testing.T) {
	t.Parallel()
	after := replace(replace(base, "severity: SEV3", "severity: SEV2"), "for 35 minutes", "for 53 minutes")
	d := Compare(base, after, nil)
	t.Run("plain", func(t *testing.T) {
		var sb strings.Builder
		if err := d.WriteText(&sb, false); err != nil {
			t.Fatal(err)
		}
		want := `@@ front matter  (+1 −1 words, 1 line)
   ---
   id: INC-2031-007
 - severity: [-SEV3-]
 + severity: {+SEV2+}
   ---
@@ Summary  (+1 −1 words, 1 line)
   ## Summary

 - The ingest queue backed up for [-35-] minutes after a consumer deploy.
 + The ingest queue backed up for {+53+} minutes after a consumer deploy.

`
		if sb.String() != want {
			t.Errorf("got\n%s\nwant\n%s", sb.String(), want)
		}
	})
	t.Run("colour", func(t *testing.T) {
		var sb strings.Builder
		if err := d.WriteText(&sb, true); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(sb.String(), "\x1b[31m - The ingest queue backed up for \x1b[7;31m35\x1b[0m\x1b[31m minutes") || strings.Contains(sb.String(), "[-") {
			t.Errorf("got %q", sb.String())
		}
	})
}

// TestVersionShared compares three versions newest first, as package
// history does, with the middle one passed to both comparisons: each diff
// is Compare's, and the Version keeps none of the text it was made from,
// whose buffer the caller may reuse once a comparison has read it.
func TestVersionShared(t *testing.T) {
	v0 := base
	v1 := replace(base, "for 35 minutes", "for 53 minutes")
	v2 := replace(v1, "- [ ] Alert on consumer lag", "- [x] Alert on consumer lag")
	want21, want10 := Compare(v1, v2, nil), Compare(v0, v1, nil)

	buf := bytes.Clone(v1)
	middle := NewVersion(buf)
	if got := CompareVersions(middle, NewVersion(v2), nil); !reflect.DeepEqual(got, want21) {
		t.Fatalf("newest revision:\n got %+v\nwant %+v", got, want21)
	}
	for i := range buf {
		buf[i] = 'x' // the reader's buffer, reused for the next version
	}
	if got := CompareVersions(NewVersion(v0), middle, nil); !reflect.DeepEqual(got, want10) {
		t.Fatalf("older revision, with the version read before:\n got %+v\nwant %+v", got, want10)
	}
	if want10.Sections == nil || want21.Sections == nil {
		t.Fatal("the versions should differ")
	}
}
