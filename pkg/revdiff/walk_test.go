package revdiff

import (
	"reflect"
	"testing"
)

// walk reads data with a Walker into a Diff, as UnmarshalBinary decodes
// it, and checks Changed against what the decoded section counts, both
// before any of a section's hunks is read and after all of them.
func walk(t *testing.T, data []byte) (Diff, error) {
	t.Helper()
	w := WalkBinary(data)
	d := Diff{Fallback: w.Fallback()}
	if n := w.Sections(); n > 0 && w.Err() == nil {
		d.Sections = make([]Section, 0, n)
	}
	for {
		head, ok := w.NextSection()
		if !ok {
			break
		}
		before := w.Changed()
		s := Section{Key: head.Key, Heading: head.Heading, Added: head.Added, Removed: head.Removed,
			LinesAdded: head.LinesAdded, LinesRemoved: head.LinesRemoved, Trail: head.Trail}
		if head.Hunks > 0 {
			s.Hunks = make([]Hunk, 0, head.Hunks)
		}
		for {
			skip, lines, ok := w.NextHunk()
			if !ok {
				break
			}
			h := Hunk{Skip: skip}
			if lines > 0 {
				h.Lines = make([]Line, 0, lines)
			}
			for {
				op, text, words, ok := w.NextLine()
				if !ok {
					break
				}
				l := Line{Op: op, Text: text}
				if words >= 0 {
					l.Words = make([]Span, 0, words)
				}
				for {
					sp, ok := w.NextWord()
					if !ok {
						break
					}
					l.Words = append(l.Words, sp)
				}
				h.Lines = append(h.Lines, l)
			}
			s.Hunks = append(s.Hunks, h)
		}
		if w.Err() == nil {
			if after, want := w.Changed(), s.Changed(); before != want || after != want {
				t.Fatalf("section %q: Changed %d before its hunks and %d after, want %d", s.Key, before, after, want)
			}
		}
		d.Sections = append(d.Sections, s)
	}
	if err := w.Err(); err != nil {
		return Diff{}, err
	}
	return d, nil
}

// skipAll reads data with a Walker, reading only the sections' heads.
func skipAll(data []byte) (sections int, err error) {
	w := WalkBinary(data)
	for {
		if _, ok := w.NextSection(); !ok {
			break
		}
		sections++
	}
	return sections, w.Err()
}

// checkWalk fails unless a Walker accepts exactly what UnmarshalBinary
// accepts, reading the same diff, whether it reads each piece or skips
// them.
func checkWalk(t *testing.T, data []byte) {
	t.Helper()
	var want Diff
	wantErr := want.UnmarshalBinary(data)
	got, err := walk(t, data)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("Walker: %v, UnmarshalBinary: %v (%q)", err, wantErr, data)
	}
	n, skipErr := skipAll(data)
	if (skipErr == nil) != (wantErr == nil) {
		t.Fatalf("Walker skipping: %v, UnmarshalBinary: %v (%q)", skipErr, wantErr, data)
	}
	if wantErr != nil {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Walker read\n%+v\nUnmarshalBinary decoded\n%+v", got, want)
	}
	if n != len(want.Sections) {
		t.Fatalf("Walker skipping read %d sections, want %d", n, len(want.Sections))
	}
}

func TestWalker(t *testing.T) {
	t.Parallel()
	good, _ := Compare(base, replace(base, "for 35 minutes", "for 53 minutes"), nil).MarshalBinary()
	owned, _ := (&Diff{Sections: []Section{{Key: "summary", Heading: "Summary", Trail: 3, Hunks: []Hunk{{Skip: 2, Lines: []Line{
		{Op: Delete, Text: "ab", Words: []Span{{Equal, "a"}, {Delete, "c"}}},
		{Op: Insert, Text: "", Words: []Span{}},
		{Op: Equal, Text: "ünï"},
		{Op: Insert, Text: "xy", Words: []Span{{Equal, "x"}, {Insert, "y"}}},
	}}, {Lines: []Line{{Op: Delete, Text: "z"}}}}}}}).MarshalBinary()
	summary, _ := (&Diff{Fallback: "the file is over 1 MiB", Sections: []Section{{Key: KeyBody, LinesAdded: 3, LinesRemoved: 1}}}).MarshalBinary()
	for _, data := range [][]byte{good, owned, summary, {binaryVersion, 0, 0},
		nil, {}, {9}, good[:len(good)-1], append(append([]byte(nil), good...), 0),
		// A spelled line of one piece, and a kind of pieces that is none
		// of the three, without pieces (accepted) and with (refused).
		{binaryVersion, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, byte(Insert), 2, 'a', 'b', spelled, 1, byte(Insert), 2},
		{binaryVersion, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, byte(Insert), 1, 'a', 7, 0},
		{binaryVersion, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, byte(Insert), 1, 'a', 7, 1, byte(Insert), 0},
		// A spelled line with no pieces: refused unless it is empty.
		{binaryVersion, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, byte(Insert), 1, 'a', spelled, 0},
		{binaryVersion, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, byte(Insert), 0, spelled, 0},
	} {
		checkWalk(t, data)
	}
	// A spelled line of two bytes with one piece of one byte: refused by
	// both, read to the end or not.
	bad := []byte{binaryVersion, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, byte(Insert), 2, 'a', 'b', spelled, 1, byte(Insert), 1}
	if _, err := walk(t, bad); err == nil {
		t.Errorf("Walker read a line its pieces do not spell")
	}
	if _, err := skipAll(bad); err == nil {
		t.Errorf("Walker skipped a line its pieces do not spell")
	}
}

// TestWalkerAllocates nothing: reading a diff makes no slice and copies
// no text.
func TestWalkerAllocates(t *testing.T) {
	data, _ := Compare(base, replace(replace(base, "for 35 minutes", "for 53 minutes"), "The", "This"), nil).MarshalBinary()
	n := 0
	allocs := testing.AllocsPerRun(10, func() {
		w := WalkBinary(data)
		for {
			if _, ok := w.NextSection(); !ok {
				break
			}
			n += w.Changed()
			for {
				if _, _, ok := w.NextHunk(); !ok {
					break
				}
				for {
					_, text, _, ok := w.NextLine()
					if !ok {
						break
					}
					n += len(text)
					for {
						sp, ok := w.NextWord()
						if !ok {
							break
						}
						n += len(sp.Text)
					}
				}
			}
		}
		if w.Err() != nil {
			t.Fatal(w.Err())
		}
	})
	if allocs != 0 || n == 0 {
		t.Errorf("%v allocations reading %d bytes of text", allocs, n)
	}
}

// FuzzWalker: a Walker accepts and refuses what UnmarshalBinary does and
// reads the same diff from it.
func FuzzWalker(f *testing.F) {
	good, _ := Compare(base, replace(base, "for 35 minutes", "for 53 minutes"), nil).MarshalBinary()
	f.Add(good)
	f.Add([]byte{binaryVersion, 0, 0})
	f.Add([]byte{binaryVersion, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, byte(Insert), 1, 'a', 7, 1, byte(Insert), 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkWalk(t, data)
	})
}
