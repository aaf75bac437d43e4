package revdiff

import (
	"encoding/binary"
	"errors"
	"strings"
	"unsafe"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// binaryVersion is the first byte of MarshalBinary's encoding; a change to
// the encoding changes it, and UnmarshalBinary refuses any other.
const binaryVersion = 1

// MarshalBinary encodes d compactly: counts as varints, each line's text
// once, and its word pieces as lengths into that text when they spell it
// (as Compare makes them). encoding/gob uses it for a *Diff, and a build
// keeps the diffs of every revision in this form until their pages are
// written, since a slice of bytes costs the garbage collector nothing to
// scan. TestBinaryRoundTrip and FuzzCompare hold that UnmarshalBinary
// gives back an equal Diff.
func (d *Diff) MarshalBinary() ([]byte, error) {
	return d.AppendBinary(make([]byte, 0, d.BinarySize()))
}

// AppendBinary appends MarshalBinary's encoding of d to b: a build packs
// its diffs one after another into large buffers of its own, rather than
// each into a buffer of BinarySize (a third over, at 10k). It makes no
// room first: the build's packer sizes its buffer from BinarySize
// already, which reads every line of the diff, and append grows b when
// that guessed short. It never fails.
func (d *Diff) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, binaryVersion)
	b = appendString(b, d.Fallback)
	b = binary.AppendUvarint(b, uint64(len(d.Sections)))
	for _, s := range d.Sections {
		b = appendString(b, s.Key)
		b = appendString(b, s.Heading)
		for _, n := range [...]int{s.Added, s.Removed, s.LinesAdded, s.LinesRemoved, s.Trail} {
			b = binary.AppendVarint(b, int64(n))
		}
		b = binary.AppendUvarint(b, uint64(len(s.Hunks)))
		for _, h := range s.Hunks {
			b = binary.AppendVarint(b, int64(h.Skip))
			b = binary.AppendUvarint(b, uint64(len(h.Lines)))
			for _, l := range h.Lines {
				b = appendLine(b, l)
			}
		}
	}
	return b, nil
}

// BinarySize is about the length of MarshalBinary's encoding of d, most
// often a little over: the room to leave for AppendBinary.
func (d *Diff) BinarySize() int {
	n := 16 + len(d.Fallback)
	for _, s := range d.Sections {
		n += len(s.Key) + len(s.Heading) + 24
		for _, h := range s.Hunks {
			n += 4
			for _, l := range h.Lines {
				n += len(l.Text) + 6 + 3*len(l.Words)
			}
		}
	}
	return n
}

// Word pieces of a line, in the byte after its Op.
const (
	noWords    = 0 // Words is nil
	spelled    = 1 // pieces' texts spell the line: lengths only
	ownedWords = 2 // pieces with texts of their own
)

func appendLine(b []byte, l Line) []byte {
	b = append(b, byte(l.Op))
	b = appendString(b, l.Text)
	switch {
	case l.Words == nil:
		return append(b, noWords)
	case spells(l.Words, l.Text):
		b = append(b, spelled)
		b = binary.AppendUvarint(b, uint64(len(l.Words)))
		for _, w := range l.Words {
			b = append(b, byte(w.Op))
			b = binary.AppendUvarint(b, uint64(len(w.Text)))
		}
		return b
	}
	b = append(b, ownedWords)
	b = binary.AppendUvarint(b, uint64(len(l.Words)))
	for _, w := range l.Words {
		b = append(b, byte(w.Op))
		b = appendString(b, w.Text)
	}
	return b
}

// spells reports whether the pieces' texts, one after another, are text.
func spells(ws []Span, text string) bool {
	at := 0
	for _, w := range ws {
		if !strings.HasPrefix(text[at:], w.Text) {
			return false
		}
		at += len(w.Text)
	}
	return at == len(text)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

var errBinary = errors.New("revdiff: not a diff's binary encoding")

// UnmarshalBinary decodes what MarshalBinary encoded. The texts of the
// result share one copy of data.
func (d *Diff) UnmarshalBinary(data []byte) error {
	out, _, err := decode(data, true, false)
	if err != nil {
		return err
	}
	*d = out
	return nil
}

// UnmarshalBinaryShared is UnmarshalBinary without that copy: the texts of
// d are data's own bytes, so data must not change, ever, once d is made
// (package history's packed diffs never do: each is written once, into a
// buffer only appended to, or read from a cache file). A build decodes
// every revision's diff once, for its page, and the copy was a third of
// the decoding.
func (d *Diff) UnmarshalBinaryShared(data []byte) error {
	out, _, err := decode(data, true, true)
	if err != nil {
		return err
	}
	*d = out
	return nil
}

// SummaryBinary is the Summary of the diff data encodes (see
// MarshalBinary), read without making its lines: what a build needs of
// each revision whose diff its cache holds, until the incident's page
// shows the diff. It refuses exactly what UnmarshalBinary refuses
// (FuzzUnmarshalBinary).
func SummaryBinary(data []byte) ([]postmortem.SectionChange, error) {
	d, changed, err := decode(data, false, false)
	if err != nil {
		return nil, err
	}
	return d.summary(func(i int) int { return changed[i] }), nil
}

// decode reads an encoding; with inPlace (and lines) the texts of its
// lines are data's own bytes (UnmarshalBinaryShared). With lines false it checks each hunk's lines
// as it reads them but keeps none: the sections have no hunks, and
// changed holds what Changed counts of each; nor does it copy data: its
// texts are data's own bytes, and must not be kept (see reader.str).
func decode(data []byte, lines, inPlace bool) (d Diff, changed []int, err error) {
	if len(data) == 0 || data[0] != binaryVersion {
		return Diff{}, nil, errBinary
	}
	r := &reader{data: data, at: 1}
	switch {
	case lines && inPlace:
		r.s, r.shared = unsafe.String(&data[0], len(data)), true
	case lines:
		r.s, r.shared = string(data), true
	}
	d.Fallback = r.str()
	n := r.count()
	if n > 0 {
		d.Sections = make([]Section, n)
	}
	if !lines {
		changed = make([]int, n)
	}
	for i := range d.Sections {
		s := &d.Sections[i]
		s.Key, s.Heading = r.str(), r.str()
		s.Added, s.Removed, s.LinesAdded, s.LinesRemoved, s.Trail = r.int(), r.int(), r.int(), r.int(), r.int()
		hunks := r.count()
		if lines && hunks > 0 {
			s.Hunks = make([]Hunk, hunks)
		}
		if !lines && hunks == 0 {
			changed[i] = max(s.LinesAdded, s.LinesRemoved)
		}
		for j := 0; j < hunks; j++ {
			skip, m := r.int(), r.count()
			if !lines {
				var c changeCount
				for range m {
					c.add(r.line(false).Op)
				}
				changed[i] += c.total()
				continue
			}
			h := &s.Hunks[j]
			h.Skip = skip
			if m > 0 {
				h.Lines = make([]Line, m)
			}
			for k := range h.Lines {
				h.Lines[k] = r.line(true)
			}
		}
	}
	if r.err != nil || r.at != len(r.data) {
		return Diff{}, nil, errBinary
	}
	return d, changed, nil
}

// reader reads an encoding: numbers from data with encoding/binary, and
// texts as substrings of s, one string copy of data, when shared; when
// not, as strings over data itself, valid only while data is unchanged. The first problem sticks in err and
// every read after it gives zero values.
type reader struct {
	data   []byte
	s      string
	shared bool
	at     int
	err    error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.data[r.at:])
	if n <= 0 {
		r.err = errBinary
		return 0
	}
	r.at += n
	return v
}

func (r *reader) int() int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.data[r.at:])
	if n <= 0 {
		r.err = errBinary
		return 0
	}
	r.at += n
	return int(v)
}

// count reads a length that must fit in what is left (each element takes
// at least one byte).
func (r *reader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.data)-r.at) {
		r.err = errBinary
		return 0
	}
	return int(n)
}

func (r *reader) byte() byte {
	if r.err != nil || r.at >= len(r.data) {
		r.err = errBinary
		return 0
	}
	c := r.data[r.at]
	r.at++
	return c
}

func (r *reader) op() Op {
	o := Op(r.byte())
	if o > Insert {
		r.err = errBinary
	}
	return o
}

func (r *reader) str() string {
	n := r.count()
	if r.err != nil || n == 0 {
		return ""
	}
	r.at += n
	if r.shared {
		return r.s[r.at-n : r.at]
	}
	// Not shared: decode's caller (SummaryBinary) keeps none of these
	// strings, and summary copies the keys and headings it keeps
	// (unique.Make clones a string it has not seen).
	return unsafe.String(&r.data[r.at-n], n)
}

// line reads a line, with its word pieces when words is true; without,
// the pieces are read and checked all the same (SummaryBinary, whose
// texts are not copied, counts the lines of each hunk).
func (r *reader) line(words bool) Line {
	l := Line{Op: r.op(), Text: r.str()}
	kind := r.byte()
	if kind == noWords || r.err != nil {
		return l
	}
	n := r.count()
	if words {
		l.Words = make([]Span, n)
	}
	at := 0
	var scratch Span
	for i := range n {
		w := &scratch
		if words {
			w = &l.Words[i]
		}
		w.Op = r.op()
		switch kind {
		case spelled:
			m := int(r.uvarint())
			if m < 0 || m > len(l.Text)-at {
				r.err = errBinary
				return l
			}
			w.Text = l.Text[at : at+m]
			at += m
		case ownedWords:
			w.Text = r.str()
		default:
			r.err = errBinary
			return l
		}
	}
	if kind == spelled && at != len(l.Text) {
		r.err = errBinary
	}
	return l
}
