package revdiff

import (
	"bytes"
	"encoding/gob"
	"reflect"
	"testing"
	"unsafe"
)

// roundTrip encodes d, decodes it and fails unless the result equals d
// and SummaryBinary of the encoding is d's Summary.
func roundTrip(t *testing.T, d *Diff) {
	t.Helper()
	enc, err := d.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Diff
	if err := back.UnmarshalBinary(enc); err != nil {
		t.Fatalf("UnmarshalBinary: %v", err)
	}
	if !reflect.DeepEqual(emptyAsNil(d), emptyAsNil(&back)) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", back, *d)
	}
	sum, err := SummaryBinary(enc)
	if err != nil {
		t.Fatalf("SummaryBinary: %v", err)
	}
	if want := d.Summary(); !reflect.DeepEqual(sum, want) {
		t.Fatalf("SummaryBinary:\n got %+v\nwant %+v", sum, want)
	}
}

// emptyAsNil makes empty slices nil, as an encoding cannot tell them apart
// (neither can gob, which the cache used before).
func emptyAsNil(d *Diff) *Diff {
	c := *d
	if len(c.Sections) == 0 {
		c.Sections = nil
	}
	c.Sections = append([]Section(nil), c.Sections...)
	for i := range c.Sections {
		s := &c.Sections[i]
		if len(s.Hunks) == 0 {
			s.Hunks = nil
		}
		s.Hunks = append([]Hunk(nil), s.Hunks...)
		for j := range s.Hunks {
			if len(s.Hunks[j].Lines) == 0 {
				s.Hunks[j].Lines = nil
			}
		}
	}
	if len(c.Sections) == 0 {
		c.Sections = nil
	}
	return &c
}

func TestBinaryRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		d    *Diff
	}{
		{"compared", Compare(base, replace(base, "for 35 minutes", "for 53 minutes"), nil)},
		{"created", Compare(nil, base, nil)},
		{"line summary", &Diff{Fallback: "the file is over 1 MiB", Sections: []Section{{Key: KeyBody, LinesAdded: 3, LinesRemoved: 1}}}},
		{"empty", &Diff{}},
		{"negative and odd counts", &Diff{Sections: []Section{{Key: "x", Added: -1, Removed: 1 << 40, Trail: 7}}}},
		{"pieces with texts of their own", &Diff{Sections: []Section{{Key: "summary", Heading: "Summary", Hunks: []Hunk{{Skip: 2, Lines: []Line{
			{Op: Delete, Text: "ab", Words: []Span{{Equal, "a"}, {Delete, "c"}}},
			{Op: Insert, Text: "", Words: []Span{}},
			{Op: Equal, Text: "ünï"},
		}}}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			roundTrip(t, tc.d)
		})
	}
}

// TestBinaryThroughGob: the history's cache writes maps of diffs with
// encoding/gob, which uses MarshalBinary.
func TestBinaryThroughGob(t *testing.T) {
	t.Parallel()
	in := map[string]*Diff{"a": Compare(base, replace(base, "for 35 minutes", "for 53 minutes"), nil), "b": {Fallback: "x"}}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(in); err != nil {
		t.Fatal(err)
	}
	var out map[string]*Diff
	if err := gob.NewDecoder(&buf).Decode(&out); err != nil {
		t.Fatal(err)
	}
	for k, d := range in {
		if !reflect.DeepEqual(emptyAsNil(d), emptyAsNil(out[k])) {
			t.Errorf("%s: got %+v, want %+v", k, out[k], d)
		}
	}
}

func TestUnmarshalBinaryRefuses(t *testing.T) {
	t.Parallel()
	good, _ := Compare(base, replace(base, "for 35 minutes", "for 53 minutes"), nil).MarshalBinary()
	for _, data := range [][]byte{nil, {}, {9}, good[:len(good)-1], append(append([]byte(nil), good...), 0)} {
		var d Diff
		if err := d.UnmarshalBinary(data); err == nil {
			t.Errorf("UnmarshalBinary(%q): no error", data)
		}
		if _, err := SummaryBinary(data); err == nil {
			t.Errorf("SummaryBinary(%q): no error", data)
		}
	}
}

// FuzzUnmarshalBinary: any bytes decode to a diff or an error, never a
// panic, and what decodes survives another round trip; SummaryBinary
// refuses the same bytes, and otherwise gives the decoded diff's Summary.
func FuzzUnmarshalBinary(f *testing.F) {
	good, _ := Compare(base, replace(base, "for 35 minutes", "for 53 minutes"), nil).MarshalBinary()
	f.Add(good)
	f.Add([]byte{binaryVersion, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		var d Diff
		err := d.UnmarshalBinary(data)
		sum, sumErr := SummaryBinary(data)
		if (err == nil) != (sumErr == nil) {
			t.Fatalf("UnmarshalBinary: %v, SummaryBinary: %v", err, sumErr)
		}
		var shared Diff
		if sharedErr := shared.UnmarshalBinaryShared(data); (err == nil) != (sharedErr == nil) || !reflect.DeepEqual(d, shared) {
			t.Fatalf("UnmarshalBinary: %v, UnmarshalBinaryShared: %v, %+v", err, sharedErr, shared)
		}
		if err != nil {
			return
		}
		if want := d.Summary(); !reflect.DeepEqual(sum, want) {
			t.Fatalf("SummaryBinary:\n got %+v\nwant %+v", sum, want)
		}
		roundTrip(t, &d)
	})
}

// BenchmarkCompare compares a postmortem with an edit of a few words in
// several sections, as most revisions are, and packs the diff as the
// history keeps it.
func BenchmarkCompare(b *testing.B) {
	after := replace(replace(replace(base, "for 35 minutes", "for 53 minutes, then for ten more"), "## Timeline", "## Timeline (UTC)"), "The", "This")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compare(base, after, nil).MarshalBinary(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSummaryHoldsNoText: a revision keeps its diff's summary for the
// whole build, and a heading cut from the compared text would keep all of
// that text alive with it (125 MB at 10k before this was pinned).
func TestSummaryHoldsNoText(t *testing.T) {
	t.Parallel()
	d := Compare(base, replace(base, "for 35 minutes", "for 53 minutes"), nil)
	n := 0
	for _, c := range d.Summary() {
		for _, s := range d.Sections {
			if c.Heading != "" && s.Heading == c.Heading {
				n++
				if unsafe.StringData(c.Heading) == unsafe.StringData(s.Heading) {
					t.Errorf("summary heading %q shares the diff's text", c.Heading)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no heading compared")
	}
}

// BenchmarkSummaryBinary counts a packed diff, as a build does for each
// revision whose diff its cache holds.
func BenchmarkSummaryBinary(b *testing.B) {
	after := replace(replace(replace(base, "for 35 minutes", "for 53 minutes, then for ten more"), "## Timeline", "## Timeline (UTC)"), "The", "This")
	enc, _ := Compare(base, after, nil).MarshalBinary()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SummaryBinary(enc); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSummaryBinaryHoldsNoData: SummaryBinary reads the encoding's texts
// in place, without a copy, so the summary must copy what it keeps: a
// packed diff's buffer is shared with a whole cache file, which a
// summary kept for the build must not pin, nor change with.
func TestSummaryBinaryHoldsNoData(t *testing.T) {
	t.Parallel()
	d := Compare(base, replace(base, "for 35 minutes", "for 53 minutes"), nil)
	enc, _ := d.MarshalBinary()
	sum, err := SummaryBinary(enc)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := uintptr(unsafe.Pointer(&enc[0])), uintptr(unsafe.Pointer(&enc[len(enc)-1]))
	for _, c := range sum {
		for _, s := range []string{c.Section, c.Heading} {
			if p := uintptr(unsafe.Pointer(unsafe.StringData(s))); s != "" && p >= lo && p <= hi {
				t.Errorf("summary text %q lies in the encoding", s)
			}
		}
	}
	for i := range enc {
		enc[i] = 'x'
	}
	if want := d.Summary(); !reflect.DeepEqual(sum, want) {
		t.Fatalf("summary changed with the encoding:\n got %+v\nwant %+v", sum, want)
	}
}

// TestUnmarshalBinaryShared: the diff decoded in place equals the one
// UnmarshalBinary gives, and its texts are the encoding's bytes, not a
// copy of them.
func TestUnmarshalBinaryShared(t *testing.T) {
	t.Parallel()
	d := Compare(base, replace(base, "for 35 minutes", "for 53 minutes"), nil)
	enc, _ := d.MarshalBinary()
	var copied, shared Diff
	if err := copied.UnmarshalBinary(enc); err != nil {
		t.Fatal(err)
	}
	if err := shared.UnmarshalBinaryShared(enc); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(copied, shared) {
		t.Fatalf("shared:\n%+v\nwant\n%+v", shared, copied)
	}
	lo, hi := uintptr(unsafe.Pointer(&enc[0])), uintptr(unsafe.Pointer(&enc[len(enc)-1]))
	n := 0
	for _, s := range shared.Sections {
		for _, h := range s.Hunks {
			for _, l := range h.Lines {
				if p := uintptr(unsafe.Pointer(unsafe.StringData(l.Text))); l.Text != "" && (p < lo || p > hi) {
					t.Errorf("line %q is a copy", l.Text)
				}
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no lines decoded")
	}
	if err := new(Diff).UnmarshalBinaryShared(enc[:len(enc)-1]); err == nil {
		t.Error("a cut encoding decoded")
	}
}
