// Package revdiff compares two versions of a postmortem for a reader: line
// by line, then word by word within the lines that changed, grouped by the
// section each line is in (the front matter, Summary, Timeline, …, as
// package postmortem recognises them), with the words each section gained
// and lost. It knows text and sections, nothing of Git.
//
// Comparing is bounded by work, not by the clock, so one pair of texts
// always gives one answer: texts larger than MaxBytes together, or that
// differ in more than MaxLines lines, are compared as a line summary (the
// lines only one side has, counted by section, with no alignment); a
// changed passage of more than MaxWords words, or that differs in more
// than MaxWordEdits, is shown as its removed and added lines without a
// word-level diff. A Budget shared by the revisions of one file bounds
// what all of them cost together.
package revdiff

import (
	"fmt"
	"hash/maphash"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
	"unique"
	"unsafe"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// Bounds of one comparison.
const (
	// MaxBytes is the most text, both versions together, compared line
	// by line; larger pairs get a line summary.
	MaxBytes = 1 << 20
	// MaxLines is the most lines two versions may differ in (removed
	// plus added) to be aligned; beyond it they get a line summary.
	MaxLines = 2000
	// MaxWords is the most words of a changed passage, and the most
	// words it may differ in, for a word-level diff.
	MaxWords = 2000
	// MaxWordEdits is the most words and spaces a changed passage may
	// differ in for a word-level diff: past it the passage is mostly
	// rewritten, reads better as lines, and the word diff would cost
	// the square of it.
	MaxWordEdits = 256
	// Context is the number of unchanged lines shown around a change.
	Context = 2
)

// Op says what a diff does with a line or a piece of one.
type Op int8

// The operations of a diff.
const (
	Equal Op = iota
	Delete
	Insert
)

// Diff is the comparison of two versions of a postmortem.
type Diff struct {
	// Sections are the sections that changed, in the order of the text.
	Sections []Section
	// Fallback says why the versions were compared as a line summary
	// (sections then have counts and no hunks); "" when they were
	// aligned.
	Fallback string
}

// Front matter and body keys of a Section, beside postmortem's section
// kinds.
const (
	KeyFrontMatter = "front_matter"
	// KeyBody is text outside every recognised section: before the first
	// heading, or under headings of no known kind.
	KeyBody = "body"
)

// Section is what changed in one section of the text.
type Section struct {
	// Key is KeyFrontMatter, a postmortem.SectionKind, or KeyBody.
	Key string
	// Heading is the section's heading as written (the later version's
	// when both have it); "" for the front matter and the text before the
	// first heading.
	Heading string
	// Words added and removed, and lines added and removed.
	Added, Removed           int
	LinesAdded, LinesRemoved int
	// Hunks are the changes with their context; none in a line summary.
	Hunks []Hunk
	// Trail is the number of unchanged lines of the section after its
	// last hunk.
	Trail int
}

// Changed is the number of lines that changed: each removed line and the
// added line that replaced it count once.
func (s Section) Changed() int {
	n := 0
	for _, h := range s.Hunks {
		var c changeCount
		for _, l := range h.Lines {
			c.add(l.Op)
		}
		n += c.total()
	}
	if len(s.Hunks) == 0 {
		n = max(s.LinesAdded, s.LinesRemoved)
	}
	return n
}

// Hunk is one run of changed lines with the unchanged lines around it.
type Hunk struct {
	// Skip is the number of unchanged lines of the section left out
	// before this hunk.
	Skip  int
	Lines []Line
}

// Deleted and Inserted return the hunk's removed and added lines.
func (h Hunk) Deleted() []string  { return h.text(Delete) }
func (h Hunk) Inserted() []string { return h.text(Insert) }

func (h Hunk) text(op Op) []string {
	var out []string
	for _, l := range h.Lines {
		if l.Op == op {
			out = append(out, l.Text)
		}
	}
	return out
}

// changeCount counts a hunk's changed lines from their ops, in order:
// the removed and added lines, each pair once.
type changeCount struct{ n, del, ins int }

func (c *changeCount) add(op Op) {
	switch op {
	case Delete:
		c.del++
	case Insert:
		c.ins++
	default:
		c.n += max(c.del, c.ins)
		c.del, c.ins = 0, 0
	}
}

func (c *changeCount) total() int { return c.n + max(c.del, c.ins) }

// Line is one line of a hunk.
type Line struct {
	Op   Op
	Text string
	// Words are the pieces of a changed line that a word-level diff
	// found: Equal and Delete pieces on a removed line, Equal and Insert
	// on an added one. Nil when the line was not compared word by word.
	Words []Span
}

// Span is a piece of a line.
type Span struct {
	Op   Op
	Text string
}

// Budget bounds the work of several comparisons together, such as those
// of every revision of one file: each comparison takes the bytes it
// reads. Once the bytes for aligning are spent the next comparisons get a
// line summary, and once four times as many more are spent on summaries,
// the rest are not compared at all (their Diff has a Fallback and no
// sections). A nil Budget has no bound.
type Budget struct {
	align, summary int64
}

// NewBudget returns a budget of n bytes of text aligned line by line, and
// 4n more summarised.
func NewBudget(n int64) *Budget { return &Budget{align: n, summary: 4 * n} }

// FileBudget is the budget of the revisions of one file: 32 MiB of text
// aligned, some 2,500 revisions of a 6 KB postmortem, each pair read once.
const FileBudget = 32 << 20

// spend says how much comparing n more bytes may do, and takes them.
func (b *Budget) spend(n int) int {
	switch {
	case b == nil:
		return doAlign
	case b.align >= int64(n):
		b.align -= int64(n)
		return doAlign
	case b.summary >= int64(n):
		b.align = 0
		b.summary -= int64(n)
		return doSummary
	}
	b.align, b.summary = 0, 0
	return doNothing
}

// What a Budget lets a comparison do.
const (
	doAlign = iota
	doSummary
	doNothing
)

// Compare compares two versions of a postmortem; before is nil for a file
// just created, after nil for one deleted. budget may be nil. The diff's
// texts are cut from copies of the two versions, which it holds while it
// is referenced: to keep a diff, keep MarshalBinary's encoding of it (as
// package history does), which holds only the text it shows.
func Compare(before, after []byte, budget *Budget) *Diff {
	return CompareVersions(NewVersion(before), NewVersion(after), budget)
}

// Version is one version of a postmortem as Compare reads it: its lines
// and the section of each. The revisions of a file compare each version
// twice, as the one after a revision and the one before the next; a
// Version passed to both comparisons is read once.
type Version struct {
	text   []byte
	size   int
	ready  bool
	shared bool
	lines  []string
	sec    sectionOf
}

// NewVersion is a version of a postmortem, nil for a file that does not
// exist. text must not change while the Version is in use; a Version
// keeps none of it once a comparison has read it.
func NewVersion(text []byte) *Version { return &Version{text: text, size: len(text)} }

// NewVersionShared is NewVersion of text that stays as it is while the
// Version and every Diff compared from it are in use: the lines and the
// diffs' texts are cut from text itself, not from a copy. For a caller
// that encodes each diff (MarshalBinary, AppendBinary) or summarises it
// and drops it before text changes, as package history does with the
// versions of a file it reads from Git; copying them cost a cold build
// of 10,000 postmortems 0.2 CPU-s and the collector more.
func NewVersionShared(text []byte) *Version {
	return &Version{text: text, size: len(text), shared: true}
}

// read splits the version into lines and sections, once.
func (v *Version) read() {
	if v.ready {
		return
	}
	text := postmortem.Normalize(v.text)
	if v.shared {
		v.lines = splitString(unsafe.String(unsafe.SliceData(text), len(text)))
	} else {
		v.lines = splitLines(text)
	}
	v.sec = outline(v.lines)
	v.text, v.ready = nil, true
}

// CompareVersions is Compare of two prepared versions.
func CompareVersions(before, after *Version, budget *Budget) *Diff {
	if d := bounded(before, after, budget); d != nil {
		return d
	}
	a, b := before.lines, after.lines
	oa, ob := before.sec, after.sec
	sc := scratchPool.Get().(*scratch)
	es, ok := script(a, b, MaxLines, sc.es)
	defer func() {
		sc.es = es[:0]
		scratchPool.Put(sc)
	}()
	if !ok {
		return summarize(a, b, oa, ob, tooManyLines())
	}
	return align(a, b, oa, ob, es)
}

// bounded takes the comparison of two versions from the budget and reads
// them, and returns the diff the bounds leave them (none, or a line
// summary); nil when they are to be aligned.
func bounded(before, after *Version, budget *Budget) *Diff {
	size := before.size + after.size
	do := budget.spend(size)
	if do == doNothing {
		return &Diff{Fallback: notCompared}
	}
	before.read()
	after.read()
	a, b := before.lines, after.lines
	oa, ob := before.sec, after.sec
	switch {
	case size > MaxBytes:
		return summarize(a, b, oa, ob, tooLarge(size))
	case do == doSummary:
		return summarize(a, b, oa, ob, overBudget)
	}
	return nil
}

// CompareCounts is CompareVersions(before, after, budget).Counts(): the
// counts of each section and no hunks. A version compared with no file
// (one just created or deleted) is counted line by line, without building
// the hunks of its whole text that Counts would drop.
func CompareCounts(before, after *Version, budget *Budget) *Diff {
	if before.size > 0 && after.size > 0 {
		return CompareVersions(before, after, budget).Counts()
	}
	return countsOnly(before, after, budget).Counts()
}

// countsOnly is CompareCounts of a version with one compared with no
// file, with the same bounds as CompareVersions.
func countsOnly(before, after *Version, budget *Budget) *Diff {
	if d := bounded(before, after, budget); d != nil {
		return d
	}
	a, b := before.lines, after.lines
	switch {
	case len(a)+len(b) > MaxLines:
		// Every line is one edit: script would give up.
		return summarize(a, b, before.sec, after.sec, tooManyLines())
	case len(b) > 0:
		return countAll(b, after.sec, Insert)
	}
	return countAll(a, before.sec, Delete)
}

// countAll is align's diff, less its hunks, of a version compared with
// nothing: each of its lines removed (op Delete) or added (Insert),
// grouped by section as align groups them.
func countAll(lines []string, o sectionOf, op Op) *Diff {
	d := &Diff{}
	for lo := 0; lo < len(lines); {
		key, heading := o.at(lo)
		sec := Section{Key: key, Heading: heading}
		named := op == Delete // align names a section after its first added line with a heading
		hi := lo
		for ; hi < len(lines); hi++ {
			k, h := o.at(hi)
			if k != key || key == KeyBody && h != heading {
				break
			}
			if !named && h != "" {
				sec.Heading, named = h, true
			}
			if op == Delete {
				sec.LinesRemoved++
				sec.Removed += words(lines[hi])
			} else {
				sec.LinesAdded++
				sec.Added += words(lines[hi])
			}
		}
		d.Sections = append(d.Sections, sec)
		lo = hi
	}
	return d
}

// Why a comparison gave a line summary or none.
const (
	notCompared = "not compared: the file's revisions together are more text than is compared for one file"
	overBudget  = "the file's revisions together are more text than is compared word by word for one file"
)

func tooManyLines() string {
	return fmt.Sprintf("the two versions differ in more than %d lines", MaxLines)
}

func tooLarge(size int) string {
	return fmt.Sprintf("the two versions are %d KiB together, more than the %d KiB compared word by word", size>>10, MaxBytes>>10)
}

// splitLines cuts text into lines without their line ends; a final line
// end makes no empty last line.
func splitLines(text []byte) []string {
	return splitString(string(text))
}

// splitString is splitLines of s, whose lines it cuts from s.
func splitString(s string) []string {
	if len(s) == 0 {
		return nil
	}
	s = strings.TrimSuffix(s, "\n")
	return strings.Split(s, "\n")
}

// intern numbers equal lines (or words) alike, for comparing numbers,
// into sc.nums, which the numbers are until sc is used again. It numbers
// the strings in the order it first meets them, with a
// table of its own: open addressing by a hash of each string, sized for
// all of them, each slot the hash's top half and the number plus one.
func (sc *scratch) intern(a, b []string) ([]int32, []int32) {
	size := 8
	for size < 2*(len(a)+len(b)) {
		size <<= 1
	}
	tab := slices.Grow(sc.tab[:0], size)[:size]
	clear(tab)
	keys := sc.keys[:0]
	mask := uint64(size - 1)
	conv := func(out []int32, ls []string) []int32 {
		out = slices.Grow(out[:0], len(ls))[:len(ls)]
		for i, l := range ls {
			h := internHash(l)
			top := h &^ (1<<32 - 1)
			for j := h & mask; ; j = (j + 1) & mask {
				e := tab[j]
				if e == 0 {
					id := int32(len(keys))
					keys = append(keys, l)
					tab[j] = top | uint64(id+1)
					out[i] = id
					break
				}
				if e&^(1<<32-1) == top {
					if id := int32(e) - 1; keys[id] == l {
						out[i] = id
						break
					}
				}
			}
		}
		return out
	}
	ia, ib := conv(sc.nums[0], a), conv(sc.nums[1], b)
	sc.distinct = len(keys)
	clear(keys) // not to pin this comparison's text
	sc.tab, sc.keys = tab, keys[:0]
	return ia, ib
}

// internSeed seeds intern's hash: numbers depend on equality alone.
var internSeed = maphash.MakeSeed()

// internHash is intern's hash of s: maphash's, but for a string of eight
// bytes or fewer, most words and every space or mark between them, a
// mix of its bytes read as one number, seeded as maphash is, without the
// call. A word diff numbers a thousand such tokens or so.
func internHash(s string) uint64 {
	if len(s) > 8 {
		return maphash.String(internSeed, s)
	}
	// The first and last four bytes, or three of fewer, as wyhash reads
	// them: together they are all of s.
	var x uint64
	switch n := len(s); {
	case n >= 4:
		x = uint64(load4(s)) | uint64(load4(s[n-4:]))<<32
	case n > 0:
		x = uint64(s[0]) | uint64(s[n>>1])<<8 | uint64(s[n-1])<<16
	}
	h := (x^shortSeed)*0x9e3779b97f4a7c15 ^ uint64(len(s))
	h ^= h >> 32
	h *= 0xd6e8feb86659fd93
	h ^= h >> 32
	return h
}

// load4 reads the first four bytes of s as a little-endian number.
func load4(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// shortSeed seeds internHash of short strings.
var shortSeed = maphash.String(internSeed, "short")

// sectionOf labels each line of a version with its section: an index
// into the few sections of the version, by line.
type sectionOf struct {
	of   []int32
	secs []label
}

// label is the section a line is in.
type label struct{ key, heading string }

func (s sectionOf) at(i int) (key, heading string) {
	l := s.secs[s.of[i]]
	return l.key, l.heading
}

// outline labels the lines of a text by section.
func outline(lines []string) sectionOf {
	n := len(lines)
	o := postmortem.OutlineOfLines(lines)
	s := sectionOf{of: make([]int32, n), secs: make([]label, 0, len(o.Headings)+2)}
	cur := int32(-1)
	if o.FrontMatterEnd > 0 {
		s.secs = append(s.secs, label{KeyFrontMatter, ""})
	}
	hs := o.Headings
	for i := range n {
		if i < o.FrontMatterEnd {
			continue // 0, the front matter
		}
		if cur < 0 {
			s.secs = append(s.secs, label{KeyBody, ""})
			cur = int32(len(s.secs) - 1)
		}
		for len(hs) > 0 && hs[0].Line <= i {
			key := string(hs[0].Kind)
			if key == "" {
				key = KeyBody
			}
			s.secs = append(s.secs, label{key, hs[0].Text})
			cur = int32(len(s.secs) - 1)
			hs = hs[1:]
		}
		s.of[i] = cur
	}
	return s
}

// align builds the diff from an edit script: each line goes to its
// section (an unchanged or added line to its section in after, a removed
// one to its section in before), and each run of changed lines becomes a
// hunk, compared word by word.
func align(a, b []string, oa, ob sectionOf, es []edit) *Diff {
	d := &Diff{}
	label := func(e edit) (key, heading string) {
		if e.op == Delete {
			return oa.at(int(e.a))
		}
		return ob.at(int(e.b))
	}
	// The lines, hunks and sections of the diff go to buffers of sc, and
	// are copied out once each, at the end, into one slice of the diff's:
	// ls the lines, at[h] where hunk h's begin, hs the hunks, secs the
	// sections and first[i] section i's first hunk.
	sc := scratchPool.Get().(*scratch)
	ls, at, hs, secs, first := sc.lines[:0], sc.at[:0], sc.hunks[:0], sc.secs[:0], sc.first[:0]
	sc.spans = sc.spans[:0]
	defer func() {
		// The next comparison's text, not this one's.
		clear(ls)
		clear(hs)
		clear(secs)
		clear(sc.spans)
		clear(sc.words[0][:cap(sc.words[0])])
		clear(sc.words[1][:cap(sc.words[1])])
		sc.lines, sc.at, sc.hunks, sc.secs, sc.first = ls[:0], at[:0], hs[:0], secs[:0], first[:0]
		sc.spans = sc.spans[:0]
		scratchPool.Put(sc)
	}()
	// Group by section, in order; a section with no change is dropped.
	// A run of one kind is one section even when its heading changed
	// ("Root cause" renamed "Contributing factors"), under the later
	// heading: that of its first unchanged or added line with one.
	for lo := 0; lo < len(es); {
		key, heading := label(es[lo])
		sec := Section{Key: key, Heading: heading}
		named := false
		hi := lo + 1
		if es[lo].op != Delete && heading != "" {
			named = true
		}
		for ; hi < len(es); hi++ {
			k, h := label(es[hi])
			if k != key || key == KeyBody && h != heading {
				break
			}
			if !named && es[hi].op != Delete && h != "" {
				sec.Heading, named = h, true
			}
		}
		h0, l0 := len(hs), len(ls)
		ls, at, hs, sec.Trail = hunks(sc, ls, at, hs, a, b, es[lo:hi])
		lo = hi
		if len(hs) == h0 {
			continue
		}
		for _, l := range ls[l0:] {
			switch l.Op {
			case Delete:
				sec.LinesRemoved++
				sec.Removed += countWords(l)
			case Insert:
				sec.LinesAdded++
				sec.Added += countWords(l)
			}
		}
		secs = append(secs, sec)
		first = append(first, h0)
	}
	if len(secs) == 0 {
		return d
	}
	d.Sections = copyOut(ls, at, hs, secs, first)
	return d
}

// copyOut copies align's lines, hunks and sections out of its scratch
// buffers into one slice of the diff's each, and its lines' word pieces
// into one more: ls the lines, at[h] where hunk h's begin, hs the hunks,
// secs the sections and first[i] section i's first hunk. It returns the
// sections, each with its hunks and theirs with their lines.
func copyOut(ls []Line, at []int, hs []Hunk, secs []Section, first []int) []Section {
	// The word pieces of the lines compared word by word are in sc.spans
	// (or in arrays it outgrew, which nothing writes to again).
	n := 0
	for _, l := range ls {
		n += len(l.Words)
	}
	if n > 0 {
		all := make([]Span, n)
		k := 0
		for i, l := range ls {
			if l.Words != nil {
				m := copy(all[k:], l.Words)
				ls[i].Words = all[k : k+m : k+m]
				k += m
			}
		}
	}
	lines := make([]Line, len(ls))
	copy(lines, ls)
	hunks := make([]Hunk, len(hs))
	copy(hunks, hs)
	for h := range hunks {
		if from, to := part(at, h, len(lines)); to > from {
			hunks[h].Lines = lines[from:to:to]
		}
	}
	out := make([]Section, len(secs))
	copy(out, secs)
	for i := range out {
		from, to := part(first, i, len(hunks))
		out[i].Hunks = hunks[from:to:to]
	}
	return out
}

// part is where part i of n items is, when starts[i] is where each part
// begins: to the next part's start, or to n for the last.
func part(starts []int, i, n int) (from, to int) {
	if i+1 < len(starts) {
		return starts[i], starts[i+1]
	}
	return starts[i], n
}

// countWords counts the words a changed line removed or added: those of
// its changed pieces when it was compared word by word, else all of its
// words.
func countWords(l Line) int {
	if l.Words == nil {
		return words(l.Text)
	}
	n := 0
	for _, s := range l.Words {
		if s.Op != Equal {
			n += words(s.Text)
		}
	}
	return n
}

// hunks cuts one section's edits into hunks with Context lines around
// each change, and returns the unchanged lines after the last. It
// appends the hunks to hs, their lines to ls, and where each hunk's
// lines begin in ls to at; the hunks have no Lines yet (align gives them
// theirs). sc lends appendChanged memory.
func hunks(sc *scratch, ls []Line, at []int, hs []Hunk, a, b []string, es []edit) ([]Line, []int, []Hunk, int) {
	open := func(skip int) {
		hs = append(hs, Hunk{Skip: skip})
		at = append(at, len(ls))
	}
	skip := 0 // unchanged lines since the last hunk not yet shown
	cur := false
	for i := 0; i < len(es); {
		if es[i].op == Equal {
			j := i
			for j < len(es) && es[j].op == Equal {
				j++
			}
			run := j - i
			switch {
			case !cur && j == len(es):
				skip += run
			case !cur:
				// Before the first change: its last lines lead in.
				lead := min(run, Context)
				skip += run - lead
				open(skip)
				cur = true
				for _, e := range es[j-lead : j] {
					ls = append(ls, Line{Op: Equal, Text: b[e.b]})
				}
				skip = 0
			case j == len(es) || run > 2*Context:
				// After a change: its first lines trail; a long run ends
				// the hunk.
				tail := min(run, Context)
				for _, e := range es[i : i+tail] {
					ls = append(ls, Line{Op: Equal, Text: b[e.b]})
				}
				if j == len(es) {
					skip = run - tail
					cur = false
					break
				}
				lead := Context
				open(run - tail - lead)
				for _, e := range es[j-lead : j] {
					ls = append(ls, Line{Op: Equal, Text: b[e.b]})
				}
			default:
				for _, e := range es[i:j] {
					ls = append(ls, Line{Op: Equal, Text: b[e.b]})
				}
			}
			i = j
			continue
		}
		if !cur {
			open(skip)
			cur = true
			skip = 0
		}
		j := i
		for j < len(es) && es[j].op != Equal {
			j++
		}
		ls = appendChanged(ls, sc, a, b, es[i:j])
		i = j
	}
	return ls, at, hs, skip
}

// appendChanged appends a run of removed and added lines to out as
// Lines, the removed ones first, compared word by word when both sides
// have some.
// sc lends it memory.
func appendChanged(out []Line, sc *scratch, a, b []string, es []edit) []Line {
	del, ins := sc.strs[0][:0], sc.strs[1][:0]
	defer func() {
		clear(del)
		clear(ins)
		sc.strs[0], sc.strs[1] = del[:0], ins[:0]
	}()
	for _, e := range es {
		if e.op == Delete {
			del = append(del, a[e.a])
		} else {
			ins = append(ins, b[e.b])
		}
	}
	out = slices.Grow(out, len(del)+len(ins))
	dl, il := wordDiff(sc, del, ins)
	for i, s := range del {
		out = append(out, Line{Op: Delete, Text: s, Words: pick(dl, i)})
	}
	for i, s := range ins {
		out = append(out, Line{Op: Insert, Text: s, Words: pick(il, i)})
	}
	return out
}

func pick(ls [][]Span, i int) []Span {
	if ls == nil {
		return nil
	}
	return ls[i]
}

// wordDiff compares removed lines with added ones word by word and
// returns each line's pieces; nil when one side is empty or the passage
// is past MaxWords or MaxWordEdits. sc lends it memory: the slices it
// returns are sc's until its next call, and the pieces are in sc.spans
// (see align).
func wordDiff(sc *scratch, del, ins []string) (dl, il [][]Span) {
	if len(del) == 0 || len(ins) == 0 {
		return nil, nil
	}
	// The tokens of each side are those of its lines, a line end
	// between each two (those of the lines joined): a piece of a line is
	// a run of tokens within it, cut from the line once.
	ta, tb := tokenizeLines(sc.toks[0][:0], del), tokenizeLines(sc.toks[1][:0], ins)
	defer sc.keepTokens(ta, tb)
	if len(ta) > 4*MaxWords || len(tb) > 4*MaxWords {
		return nil, nil
	}
	// A word-level diff that keeps almost nothing reads worse than the
	// lines themselves: one that keeps no word is not made, and when the
	// two sides have no word in common none is searched for.
	es, ok := scriptKeeping(ta, tb, MaxWordEdits, sc.es, isWordToken)
	if !ok {
		return nil, nil
	}
	defer func() { sc.es = es[:0] }()
	kept := 0
	for _, e := range es {
		if e.op == Equal && isWordToken(ta[e.a]) {
			kept++
		}
	}
	if kept == 0 {
		return nil, nil
	}
	oa, ob := offsets(sc.offs[0][:0], ta), offsets(sc.offs[1][:0], tb)
	defer func() { sc.offs[0], sc.offs[1] = oa[:0], ob[:0] }()
	sa := side{sc.ps[0][:0], slices.Grow(sc.starts[0][:0], len(del)+1)[:len(del)+1]}
	sb := side{sc.ps[1][:0], slices.Grow(sc.starts[1][:0], len(ins)+1)[:len(ins)+1]}
	sa.starts[0], sb.starts[0] = 0, 0
	defer func() {
		sc.ps[0], sc.ps[1] = sa.ps[:0], sb.ps[:0]
		sc.starts[0], sc.starts[1] = sa.starts[:0], sb.starts[:0]
	}()
	add := func(s *side, line int, op Op, tok int) {
		if k := len(s.ps); k > s.starts[line] && s.ps[k-1].op == op && s.ps[k-1].to == tok {
			s.ps[k-1].to = tok + 1
			return
		}
		s.ps = append(s.ps, piece{op, tok, tok + 1})
	}
	next := func(s *side, line int) int {
		s.starts[line+1] = len(s.ps)
		return line + 1
	}
	li, lj := 0, 0
	for _, e := range es {
		switch e.op {
		case Equal:
			if ta[e.a] == "\n" {
				li, lj = next(&sa, li), next(&sb, lj)
				continue
			}
			add(&sa, li, Equal, int(e.a))
			add(&sb, lj, Equal, int(e.b))
		case Delete:
			if ta[e.a] == "\n" {
				li = next(&sa, li)
				continue
			}
			add(&sa, li, Delete, int(e.a))
		case Insert:
			if tb[e.b] == "\n" {
				lj = next(&sb, lj)
				continue
			}
			add(&sb, lj, Insert, int(e.b))
		}
	}
	next(&sa, li)
	next(&sb, lj)
	sc.words[0] = sc.spansOf(sc.words[0], sa, del, ta, oa)
	sc.words[1] = sc.spansOf(sc.words[1], sb, ins, tb, ob)
	return sc.words[0], sc.words[1]
}

// side is one side's pieces as wordDiff finds them, line after line, in
// one slice: a line's pieces are contiguous as the script goes through
// the lines in order, and starts says where each line's begin.
type side struct {
	ps     []piece
	starts []int
}

// spansOf turns a side's pieces into each line's word pieces, in
// sc.spans, which align copies out once for the whole diff: out[n] is
// line n's, nil for none. toks are the side's tokens and off where each
// begins in its line.
func (sc *scratch) spansOf(out [][]Span, s side, lines, toks []string, off []int) [][]Span {
	out = slices.Grow(out[:0], len(s.starts)-1)[:len(s.starts)-1]
	for n := range out {
		from, to := s.starts[n], s.starts[n+1]
		at := len(sc.spans)
		for _, p := range s.ps[from:to] {
			end := off[p.to-1] + len(toks[p.to-1])
			sc.spans = append(sc.spans, Span{p.op, lines[n][off[p.from]:end]})
		}
		out[n] = nil
		if to > from {
			out[n] = sc.spans[at:len(sc.spans):len(sc.spans)]
		}
	}
	return out
}

// piece is a run of tokens of one op in a line, as wordDiff finds them.
type piece struct {
	op       Op
	from, to int // token range
}

// offsets returns where each token starts in its line (see
// tokenizeLines).
// It appends them to out.
func offsets(out []int, toks []string) []int {
	out = slices.Grow(out, len(toks))[:len(toks)]
	at := 0
	for i, t := range toks {
		out[i] = at
		at += len(t)
		if t == "\n" {
			at = 0
		}
	}
	return out
}

// tokenizeLines appends to out the tokens of lines joined by line ends:
// those of each line (see tokenize), a line end token between each two.
// No token of a line reaches past it, so these are the tokens of the
// joined text.
func tokenizeLines(out []string, lines []string) []string {
	for i, l := range lines {
		if i > 0 {
			out = append(out, "\n")
		}
		out = tokenize(out, l)
	}
	return out
}

// isWordToken says whether a token of tokenize is a word: words(t) > 0.
func isWordToken(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return len(t) > 0 && isWordRune(r)
}

// tokenize cuts text into words (runs of letters, digits and marks), runs
// of spaces, line ends, and single other characters, and appends them to
// out.
func tokenize(out []string, s string) []string {
	for i := 0; i < len(s); {
		r, n, word := rune(s[i]), 1, false
		if r < utf8.RuneSelf {
			word = wordByte[r]
		} else {
			r, n = utf8.DecodeRuneInString(s[i:])
			word = isWordRune(r)
		}
		j := i + n
		switch {
		case word:
			for j < len(s) {
				if c := s[j]; c < utf8.RuneSelf {
					if !wordByte[c] {
						break
					}
					j++
					continue
				}
				r, n := utf8.DecodeRuneInString(s[j:])
				if !isWordRune(r) {
					break
				}
				j += n
			}
		case r == ' ' || r == '\t':
			for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || r == '_'
}

// wordByte says which ASCII characters are word runes.
var wordByte = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = isWordRune(rune(c))
	}
	return t
}()

// words counts the words of s. Eight ASCII bytes at a time it finds the
// word bytes with arithmetic on one number (wordBytes) and counts those
// that start a word, the last bytes of a text of eight or more as the
// last eight, those already counted left out; one byte or rune at a time
// elsewhere.
func words(s string) int {
	n := 0
	in := uint64(0) // 0x80 when the byte or rune before i is a word one
	for i := 0; i < len(s); {
		if len(s) >= 8 {
			at := min(i, len(s)-8)
			if x := load8(s[at:]); x&highBits == 0 {
				w := wordBytes(x)
				start := w &^ (w<<8 | in)
				if at < i {
					// The bytes before i are counted, and the one
					// before i is in w.
					start = (w &^ (w << 8)) >> (8 * (i - at)) << (8 * (i - at))
				}
				n += bits.OnesCount64(start)
				in = w >> 56
				i = at + 8
				continue
			}
		}
		var w uint64
		if c := s[i]; c < utf8.RuneSelf {
			w = uint64(wordByteBit[c])
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) {
				w = 0x80
			}
			i += size
		}
		n += int((w &^ in) >> 7)
		in = w
	}
	return n
}

// load8 reads the first eight bytes of s as a little-endian number.
func load8(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// wordByteBit is wordByte as 0x80 (a word byte) or 0.
var wordByteBit = func() (t [utf8.RuneSelf]uint8) {
	for c := range t {
		if wordByte[c] {
			t[c] = 0x80
		}
	}
	return t
}()

// highBits is the top bit of each byte of a uint64.
const highBits = 0x8080808080808080

// wordBytes returns, of eight ASCII bytes x (none with its top bit set),
// the top bit of each byte that is a word byte (wordByte): a letter, a
// digit or '_'. Adding 0x80-lo to a byte below 0x80 sets its top bit
// when it is lo or more, with no carry into the next byte.
func wordBytes(x uint64) uint64 {
	const ones = 0x0101010101010101
	ge := func(lo uint64) uint64 { return x + (0x80-lo)*ones }
	gt := func(hi uint64) uint64 { return x + (0x7f-hi)*ones }
	w := ge('0') &^ gt('9')
	w |= ge('A') &^ gt('Z')
	w |= ge('a') &^ gt('z')
	w |= ge('_') &^ gt('_')
	return w & highBits
}

// summarize is the line summary of two versions: the lines only one of
// them has (as many times as it has them more), counted by section.
func summarize(a, b []string, oa, ob sectionOf, why string) *Diff {
	d := &Diff{Fallback: why}
	count := make(map[string]int, len(a))
	for _, l := range a {
		count[l]++
	}
	for _, l := range b {
		count[l]--
	}
	type key struct{ key, heading string }
	var order []key
	secs := map[key]*Section{}
	get := func(k, h string) *Section {
		kk := key{k, h}
		s := secs[kk]
		if s == nil {
			s = &Section{Key: k, Heading: h}
			secs[kk] = s
			order = append(order, kk)
		}
		return s
	}
	// Added lines in after's order, then removed ones in before's.
	left := make(map[string]int, len(count))
	for l, n := range count {
		if n < 0 {
			left[l] = -n
		}
	}
	tally := func(lines []string, o sectionOf, extra map[string]int, added bool) {
		for i, l := range lines {
			if extra[l] <= 0 {
				continue
			}
			extra[l]--
			s := get(o.at(i))
			if added {
				s.LinesAdded++
				s.Added += words(l)
			} else {
				s.LinesRemoved++
				s.Removed += words(l)
			}
		}
	}
	tally(b, ob, left, true)
	tally(a, oa, count, false)
	for _, k := range order {
		d.Sections = append(d.Sections, *secs[k])
	}
	return d
}

// Totals returns the words added and removed in every section together.
func (d *Diff) Totals() (added, removed int) {
	for _, s := range d.Sections {
		added += s.Added
		removed += s.Removed
	}
	return added, removed
}

// Summary is the words and lines each section gained and lost, by key,
// the sections of one key (two "Other" headings, say) added together, in
// the order of the text.
func (d *Diff) Summary() []postmortem.SectionChange {
	return d.summary(func(i int) int { return d.Sections[i].Changed() })
}

// summary is Summary with changed(i) the Changed count of section i.
func (d *Diff) summary(changed func(i int) int) []postmortem.SectionChange {
	var out []postmortem.SectionChange
	if len(d.Sections) > 0 {
		out = make([]postmortem.SectionChange, 0, len(d.Sections))
	}
	for si, s := range d.Sections {
		// A diff has few sections: a look along out finds a key's.
		i := slices.IndexFunc(out, func(c postmortem.SectionChange) bool { return c.Section == s.Key })
		if i < 0 {
			i = len(out)
			// The key and heading are cut from the whole text compared
			// or from a decoded encoding, which the summary, kept with
			// the revision, must not hold; and a history has few of
			// them, each in many revisions.
			out = append(out, postmortem.SectionChange{Section: unique.Make(s.Key).Value(), Heading: unique.Make(s.Heading).Value()})
		}
		c := &out[i]
		c.Added += s.Added
		c.Removed += s.Removed
		c.Lines += changed(si)
	}
	return out
}

// Counts returns the diff with its counts and no hunks: what is kept of a
// diff whose text need not be shown, such as that of a file just created.
func (d *Diff) Counts() *Diff {
	out := &Diff{Fallback: d.Fallback, Sections: make([]Section, len(d.Sections))}
	for i, s := range d.Sections {
		s.Hunks, s.Trail = nil, 0
		out.Sections[i] = s
	}
	return out
}
