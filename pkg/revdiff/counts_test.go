package revdiff

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// TestCompareCounts checks that CompareCounts gives what the full
// comparison's Counts gives, for files created and deleted (counted
// without hunks) and changed (compared in full), within and past the
// bounds.
func TestCompareCounts(t *testing.T) {
	t.Parallel()
	var long, huge strings.Builder
	for i := range MaxLines + 1 {
		long.WriteString("- 10:0" + itoa(i%10) + " paged the on-call engineer, attempt " + itoa(i) + "\n")
	}
	for huge.Len() <= MaxBytes {
		huge.WriteString("The replica lagged behind the primary by several minutes while the backfill ran.\n")
	}
	texts := map[string][]byte{
		"postmortem": base,
		"no front matter, bold keys": doc(
			"# Checkout latency, 3 March",
			"",
			"**Severity:** SEV2",
			"**Date:** 03/03/2031",
			"",
			"Text before any known heading.",
			"",
			"## Notes from the call",
			"",
			"Someone said the cache was cold.",
			"",
			"## Other notes",
			"",
			"A second body section under another heading.",
			"",
			"## Timeline (UTC)",
			"",
			"| time | what |",
			"|---|---|",
			"| 14:02 | p99 over 2 s |",
			"",
			"## Timeline, continued",
			"",
			"- 14:40 resolved",
		),
		"empty":            {},
		"line ends only":   []byte("\n\n\r\n"),
		"crlf":             []byte("## Summary\r\n\r\nWörds and mörë wörds.\r\n"),
		"no final newline": []byte("## Impact\n\nAbout 4% of requests failed"),
		"over MaxLines":    []byte(long.String()),
		"over MaxBytes":    []byte(huge.String()),
	}
	budgets := map[string]func() *Budget{
		"no budget":      func() *Budget { return nil },
		"file budget":    func() *Budget { return NewBudget(FileBudget) },
		"summary budget": func() *Budget { b := NewBudget(10); b.align = 0; return b },
		"spent budget":   func() *Budget { return NewBudget(0) },
	}
	for name, text := range texts {
		for bname, budget := range budgets {
			t.Run(name+"/"+bname, func(t *testing.T) {
				t.Parallel()
				check := func(before, after []byte) {
					t.Helper()
					want := CompareVersions(NewVersion(before), NewVersion(after), budget()).Counts()
					got := CompareCounts(NewVersion(before), NewVersion(after), budget())
					if !reflect.DeepEqual(got, want) {
						t.Errorf("CompareCounts(%d bytes, %d bytes):\n got %+v\nwant %+v", len(before), len(after), got, want)
					}
				}
				check(nil, text)              // created
				check(bytes.Clone(text), nil) // deleted
				check(base, text)             // changed
				check(text, append(bytes.Clone(text), "\n## Lessons\n\nMore.\n"...))
			})
		}
	}
}

// FuzzCompareCounts checks CompareCounts against the full comparison's
// Counts for a file created, deleted and changed.
func FuzzCompareCounts(f *testing.F) {
	f.Add(base, []byte("## Summary\nA b c.\n"))
	f.Add([]byte("---\nid: X\n---\n## Summary\nA b c.\n## Notes\nd\n## Other\ne\n"), []byte(""))
	f.Add([]byte("\n\n"), []byte("Ünïcödé wörds\r\n# Title\n## Action items\n- [ ] a\n"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		for _, p := range [][2][]byte{{nil, a}, {a, nil}, {nil, b}, {b, nil}, {a, b}} {
			want := CompareVersions(NewVersion(p[0]), NewVersion(p[1]), nil).Counts()
			if got := CompareCounts(NewVersion(p[0]), NewVersion(p[1]), nil); !reflect.DeepEqual(got, want) {
				t.Fatalf("CompareCounts(%q, %q):\n got %+v\nwant %+v", p[0], p[1], got, want)
			}
		}
	})
}

// BenchmarkCreated compares the first version of a postmortem of some
// 6 KB with no file, as the history does for the revision that created
// it: in full and then counted, and counted alone.
func BenchmarkCreated(b *testing.B) {
	text := bytes.Clone(base)
	for i := 0; len(text) < 6<<10; i++ {
		text = append(text, "- 10:"+itoa(10+i%50)+" the on-call engineer restarted consumer "+itoa(i)+" and watched the lag\n"...)
	}
	b.Run("CompareVersions.Counts", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			CompareVersions(NewVersion(nil), NewVersion(text), nil).Counts()
		}
	})
	b.Run("CompareCounts", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			CompareCounts(NewVersion(nil), NewVersion(text), nil)
		}
	})
}
