package revdiff

// Walker reads a diff in MarshalBinary's encoding where it lies, piece by
// piece, without decoding it: no Section, Hunk, Line or Span slice is
// made, and every text it hands out is a string over the encoding's own
// bytes, valid only as long as they do not change (the site writes a
// revision's diff as HTML straight from the packed diff the history
// keeps, which never changes). It reads exactly what UnmarshalBinary
// reads and refuses exactly what it refuses (FuzzWalker): once every
// section is read, Err is nil if and only if UnmarshalBinary would have
// decoded the encoding.
//
// Sections, their hunks, their lines and their word pieces are read in
// the order they are written: NextSection, then NextHunk until it
// reports none, within each hunk NextLine until none, within each line
// NextWord until none. Whatever of a section, hunk or line is not read
// is skipped (and checked) by the next call at a level above it.
type Walker struct {
	r        reader
	fallback string
	sections int // sections not read yet
	hunks    int // hunks of the current section not read yet
	lines    int // lines of the current hunk not read yet
	words    int // word pieces of the current line not read yet
	kind     byte
	text     string // the current line's text
	at       int    // where in text the next spelled piece starts
	// The current section's changed lines (Section.Changed) of the
	// hunks read: changed of those done, count of the one being read.
	head    SectionHead
	changed int
	count   changeCount
}

// SectionHead is a Section as a Walker reads it: all but its hunks, and
// how many hunks it has.
type SectionHead struct {
	Key, Heading             string
	Added, Removed           int
	LinesAdded, LinesRemoved int
	Trail                    int
	// Hunks is the number of hunks; NextHunk reads them.
	Hunks int
}

// WalkBinary starts reading data, a diff as MarshalBinary encodes it: the
// Walker has read its fallback and the number of its sections.
func WalkBinary(data []byte) Walker {
	w := Walker{r: reader{data: data, at: 1}}
	if len(data) == 0 || data[0] != binaryVersion {
		w.r.err = errBinary
		return w
	}
	w.fallback = w.r.str()
	w.sections = w.r.count()
	return w
}

// Fallback is the diff's Fallback.
func (w *Walker) Fallback() string { return w.fallback }

// Sections is the number of sections not read yet: all of them before
// the first NextSection.
func (w *Walker) Sections() int { return w.sections }

// Err is the first problem met in the encoding: nil, once NextSection
// has reported no more sections, exactly when UnmarshalBinary accepts it.
func (w *Walker) Err() error { return w.r.err }

// NextSection skips what is left of the current section and reads the
// next one's head; false when there is none, or the encoding has a
// problem (Err), or bytes after the last section (also Err).
func (w *Walker) NextSection() (SectionHead, bool) {
	w.skipHunks()
	if w.r.err != nil {
		return SectionHead{}, false
	}
	if w.sections == 0 {
		if w.r.at != len(w.r.data) {
			w.r.err = errBinary
		}
		return SectionHead{}, false
	}
	w.sections--
	r := &w.r
	s := SectionHead{Key: r.str(), Heading: r.str()}
	s.Added, s.Removed, s.LinesAdded, s.LinesRemoved, s.Trail = r.int(), r.int(), r.int(), r.int(), r.int()
	s.Hunks = r.count()
	if r.err != nil {
		return SectionHead{}, false
	}
	w.head, w.hunks, w.changed, w.count = s, s.Hunks, 0, changeCount{}
	return s, true
}

// Changed is the current section's Changed (see Section.Changed): it
// reads ahead, over a copy of w, what of the section is not read yet.
// It is 0 when the encoding has a problem there.
func (w *Walker) Changed() int {
	if w.hunks > 0 || w.lines > 0 || w.words > 0 {
		c := *w
		c.skipHunks()
		if c.r.err != nil {
			return 0
		}
		return c.Changed()
	}
	if w.head.Hunks == 0 {
		return max(w.head.LinesAdded, w.head.LinesRemoved)
	}
	return w.changed + w.count.total()
}

// skipHunks reads what is left of the current section's hunks.
func (w *Walker) skipHunks() {
	for {
		if _, _, ok := w.NextHunk(); !ok {
			return
		}
	}
}

// NextHunk skips what is left of the current hunk and reads the next
// hunk of the current section: the unchanged lines left out before it
// and the number of its lines; false when there is none or the encoding
// has a problem.
func (w *Walker) NextHunk() (skip, lines int, ok bool) {
	for {
		if _, _, _, ok := w.NextLine(); !ok {
			break
		}
	}
	w.changed += w.count.total()
	w.count = changeCount{}
	if w.r.err != nil || w.hunks == 0 {
		return 0, 0, false
	}
	w.hunks--
	skip, lines = w.r.int(), w.r.count()
	if w.r.err != nil {
		return 0, 0, false
	}
	w.lines = lines
	return skip, lines, true
}

// NextLine skips what is left of the current line's word pieces and reads
// the next line of the current hunk: its Op and Text, and the number of
// its word pieces, which NextWord reads; words is -1 when the line has
// none (its Words are nil), and 0 when it has an empty list of them.
// False when there is no line left or the encoding has a problem.
func (w *Walker) NextLine() (op Op, text string, words int, ok bool) {
	for {
		if _, ok := w.NextWord(); !ok {
			break
		}
	}
	if w.r.err != nil || w.lines == 0 {
		return 0, "", 0, false
	}
	w.lines--
	r := &w.r
	op, text = r.op(), r.str()
	kind := r.byte()
	if r.err != nil {
		return 0, "", 0, false
	}
	w.count.add(op)
	if kind == noWords {
		return op, text, -1, true
	}
	n := r.count()
	if r.err != nil {
		return 0, "", 0, false
	}
	w.words, w.kind, w.text, w.at = n, kind, text, 0
	if n == 0 && kind == spelled && len(text) != 0 {
		r.err = errBinary
		return 0, "", 0, false
	}
	return op, text, n, true
}

// NextWord reads the next word piece of the current line; false when
// there is none or the encoding has a problem.
func (w *Walker) NextWord() (Span, bool) {
	if w.r.err != nil || w.words == 0 {
		return Span{}, false
	}
	w.words--
	r := &w.r
	s := Span{Op: r.op()}
	switch w.kind {
	case spelled:
		m := int(r.uvarint())
		if m < 0 || m > len(w.text)-w.at {
			r.err = errBinary
			break
		}
		s.Text = w.text[w.at : w.at+m]
		w.at += m
		if w.words == 0 && w.at != len(w.text) {
			r.err = errBinary
		}
	case ownedWords:
		s.Text = r.str()
	default:
		r.err = errBinary
	}
	if r.err != nil {
		return Span{}, false
	}
	return s, true
}
