package site

import (
	"html"
	"reflect"
	"strings"
	"testing"

	"github.com/inquest-dev/inquest/pkg/revdiff"
)

// checkPacked fails unless the PackedDiffView of d's encoding, with and
// without summary, draws what the view of the decoded diff draws: its
// HTML what the partial it replaced (diffPartial) makes of diffView (of
// lineSummary), and of the PackedDiffView itself (reading its Fallback
// and Sections).
func checkPacked(t *testing.T, d *revdiff.Diff) {
	t.Helper()
	p, err := d.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back revdiff.Diff
	if err := back.UnmarshalBinary(p); err != nil {
		t.Fatal(err)
	}
	for _, summary := range []bool{false, true} {
		src := &back
		if summary {
			src = lineSummary(&back)
		}
		view := diffView(src)
		var ref strings.Builder
		if err := diffReference.ExecuteTemplate(&ref, "diff", view); err != nil {
			t.Fatal(err)
		}
		want := ref.String()
		pv := &PackedDiffView{packed: p, summary: summary}
		if got := string(pv.HTML()); got != want {
			t.Fatalf("summary %v: PackedDiffView.HTML() =\n%q\nthe partial drew the decoded diff as\n%q", summary, got, want)
		}
		var partial strings.Builder
		if err := diffReference.ExecuteTemplate(&partial, "diff", &PackedDiffView{packed: p, summary: summary}); err != nil {
			t.Fatal(err)
		}
		if got := partial.String(); got != want {
			t.Fatalf("summary %v: the partial drew the PackedDiffView's Sections as\n%q\nand the decoded diff as\n%q", summary, got, want)
		}
		if pv.Fallback() != view.Fallback || !reflect.DeepEqual(pv.Sections(), view.Sections) {
			t.Fatalf("summary %v: Fallback %q and Sections %+v, want %q and %+v", summary, pv.Fallback(), pv.Sections(), view.Fallback, view.Sections)
		}
	}
}

const packedBase = `---
id: INC-7
title: Queue "backlog" & <retries>
severity: SEV3
---
## Summary

The queue backed up for 35 minutes; 1,200 jobs & 3 'retries' were <late>.

## Timeline (UTC)

- 10:47 alerts fired
- 10:52 rollback started
- 11:22 recovered

## Action items

- [ ] Add a queue depth alert (#12)
`

func TestPackedDiffHTML(t *testing.T) {
	t.Parallel()
	edits := map[string]string{
		"words":   strings.ReplaceAll(strings.ReplaceAll(packedBase, "35 minutes", "53 minutes"), "'retries'", `"retries"`),
		"heading": strings.ReplaceAll(packedBase, "## Timeline (UTC)", "## Timeline & <zones>") + "\nMore text.\n",
		"lines":   strings.ReplaceAll(packedBase, "- 10:52 rollback started\n", "") + "- [ ] Page the owner <now>\n",
		"front":   strings.ReplaceAll(packedBase, "SEV3", "SEV2"),
		"same":    packedBase,
		"emptied": "",
	}
	for name, after := range edits {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			checkPacked(t, revdiff.Compare([]byte(packedBase), []byte(after), nil))
		})
	}
	t.Run("created", func(t *testing.T) { checkPacked(t, revdiff.Compare(nil, []byte(packedBase), nil)) })
	t.Run("budget spent", func(t *testing.T) {
		checkPacked(t, revdiff.Compare([]byte(packedBase), []byte(edits["words"]), revdiff.NewBudget(1)))
	})
	// Lines Compare does not make: pieces that do not spell their line,
	// an empty list of pieces, pieces on an unchanged line, no pieces on
	// a changed one, a fallback with hunks.
	t.Run("made up", func(t *testing.T) {
		checkPacked(t, &revdiff.Diff{Fallback: `a "fallback" & <more>`, Sections: []revdiff.Section{
			{Key: "summary", Heading: "Summary's <b>", Added: 2, Removed: 1, LinesAdded: 1, LinesRemoved: 5, Trail: 1, Hunks: []revdiff.Hunk{
				{Skip: 1, Lines: []revdiff.Line{
					{Op: revdiff.Delete, Text: "a & b", Words: []revdiff.Span{{Op: revdiff.Equal, Text: "x <"}, {Op: revdiff.Delete, Text: "'y'"}}},
					{Op: revdiff.Insert, Text: "gone", Words: []revdiff.Span{}},
					{Op: revdiff.Equal, Text: "same \"line\"", Words: []revdiff.Span{{Op: revdiff.Insert, Text: "z"}}},
					{Op: revdiff.Insert, Text: "+1 <b>"},
					{Op: revdiff.Delete},
				}},
				{Skip: 3, Lines: []revdiff.Line{{Op: revdiff.Insert, Text: "ab", Words: []revdiff.Span{{Op: revdiff.Equal, Text: "a"}, {Op: revdiff.Insert, Text: "b"}}}}},
			}},
			{Key: revdiff.KeyFrontMatter, Removed: 1, LinesRemoved: 1},
			{Key: revdiff.KeyBody, Trail: 4, Hunks: []revdiff.Hunk{{Lines: []revdiff.Line{{Op: revdiff.Equal, Text: "only context"}}}}},
			{Key: "action_items", Hunks: []revdiff.Hunk{{}}},
		}})
	})
	t.Run("empty", func(t *testing.T) { checkPacked(t, &revdiff.Diff{}) })
	// One that does not decode: no diff shown, no HTML.
	if decodes([]byte{9}) || decodes(nil) {
		t.Error("a packed diff that does not decode is shown")
	}
	if s, ok := packedHTML([]byte{1, 0, 1}, false); ok || s != "" {
		t.Errorf("packedHTML of a cut diff: %q, %v", s, ok)
	}
	var nilView *PackedDiffView
	if nilView.HTML() != "" || nilView.Fallback() != "" || nilView.Sections() != nil {
		t.Error("a nil PackedDiffView draws something")
	}
}

// FuzzPackedDiffHTML compares two texts and checks the PackedDiffView of
// their diff against the view of the decoded diff (checkPacked).
func FuzzPackedDiffHTML(f *testing.F) {
	f.Add(packedBase, strings.ReplaceAll(packedBase, "35 minutes", "53 & <minutes>"), int64(0))
	f.Add("## A\nx\n", "## A\ny\n## B 'c'\nz\n", int64(1))
	f.Fuzz(func(t *testing.T, before, after string, budget int64) {
		var b *revdiff.Budget
		if budget > 0 {
			b = revdiff.NewBudget(budget)
		}
		checkPacked(t, revdiff.Compare([]byte(before), []byte(after), b))
	})
}

// TestAppendEscaped: appendEscaped appends what html.EscapeString returns.
func TestAppendEscaped(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", `<a href="x">'&'</a>`, "&&", "ünï & <ö>", "\x00+", "end&", "<"} {
		if got, want := string(appendEscaped([]byte("x"), s)), "x"+html.EscapeString(s); got != want {
			t.Errorf("appendEscaped(x, %q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzAppendEscaped(f *testing.F) {
	f.Add(`a <b> & "c" 'd'`)
	f.Add("\xff<\xa6&\x00'\xbc\">\xe2\x80")
	f.Add(`12345678<2345678&2345678'2345678"2345678>`)
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendEscaped(nil, s)), html.EscapeString(s); got != want {
			t.Fatalf("appendEscaped(%q) = %q, want %q", s, got, want)
		}
	})
}

// BenchmarkRevisionDiffHTML draws a diff of a few edits, as the incident
// page draws each revision's: from the packed diff (PackedDiffView), and
// decoded and viewed as a theme's own partial reads it (diffView).
func BenchmarkRevisionDiffHTML(b *testing.B) {
	after := strings.ReplaceAll(strings.ReplaceAll(packedBase, "35 minutes", "53 minutes"), "- 10:52 rollback started\n", "- 10:52 rollback & <retry> started\n- 10:58 paged\n")
	p, _ := revdiff.Compare([]byte(packedBase), []byte(after), nil).MarshalBinary()
	b.Run("packed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = (&PackedDiffView{packed: p}).HTML()
		}
	})
	b.Run("decoded", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d := new(revdiff.Diff)
			if err := d.UnmarshalBinaryShared(p); err != nil {
				b.Fatal(err)
			}
			_ = diffView(d)
		}
	})
}

// FuzzPackedHTMLBytes: packedHTML of any bytes writes HTML exactly when
// they decode (it writes as it reads, and checks at the end), "" else,
// and does not panic.
func FuzzPackedHTMLBytes(f *testing.F) {
	after := strings.ReplaceAll(packedBase, "35 minutes", "53 & <minutes>")
	p, err := revdiff.Compare([]byte(packedBase), []byte(after), nil).MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(p, false)
	f.Add(p, true)
	f.Add(p[:len(p)/2], false)
	f.Add(append(p[:len(p):len(p)], 0), false)
	f.Fuzz(func(t *testing.T, p []byte, summary bool) {
		s, ok := packedHTML(p, summary)
		if want := new(revdiff.Diff).UnmarshalBinary(p) == nil; ok != want || !ok && s != "" {
			t.Fatalf("packedHTML(%q, %v) = %q, %v; it decodes: %v", p, summary, s, ok, want)
		}
	})
}

// TestPlaceDiffs: each marker of an incident's diffs is replaced by the
// diff's HTML, as HTML has it; a marker that names none of its diffs, or
// is cut short, is kept as written, and the rest of the page is as it was.
func TestPlaceDiffs(t *testing.T) {
	t.Parallel()
	rev := revdiff.Compare([]byte("## Summary\nThe queue backed up.\n"), []byte("## Summary\nThe ingest queue backed up.\n"), nil)
	since := revdiff.Compare([]byte("## Impact\nNone.\n"), []byte("## Impact\nSome.\n"), nil)
	rp, _ := rev.MarshalBinary()
	sp, _ := since.MarshalBinary()
	v := &Incident{audit: &audit{
		revs:  []revInfo{{}, {packed: rp}},
		since: []SinceApproval{{Diff: &PackedDiffView{packed: sp, slot: diffSlot('s', 0)}}},
	}}
	r1 := v.RevisionDiff(1)
	if v.RevisionDiff(0) != nil || r1 == nil || string(r1.Slot()) != diffSlot('r', 1) {
		t.Fatalf("RevisionDiff: %v, %+v", v.RevisionDiff(0), r1)
	}
	page := "<p>a</p>" + string(r1.Slot()) + "<p>b</p>" + string(v.audit.since[0].Diff.Slot()) +
		diffSlot('r', 0) + diffSlot('r', 7) + diffSlot('x', 1) + "<p>c</p>" + slotMark + "r1"
	got := string(placeDiffs([]byte("head:"), []byte(page), v))
	want := "head:<p>a</p>" + string(r1.HTML()) + "<p>b</p>" + string(v.audit.since[0].Diff.HTML()) +
		diffSlot('r', 0) + diffSlot('r', 7) + diffSlot('x', 1) + "<p>c</p>" + slotMark + "r1"
	if got != want {
		t.Errorf("placeDiffs:\n%q\nwant\n%q", got, want)
	}
	if !strings.Contains(got, "ingest") || !strings.Contains(got, "Some") {
		t.Errorf("a diff's text is missing: %q", got)
	}
	// A view of no incident's (a theme's own) writes its HTML itself.
	if own := (&PackedDiffView{packed: rp}); own.Slot() != own.HTML() {
		t.Errorf("Slot of a view without a marker = %q", own.Slot())
	}
}
