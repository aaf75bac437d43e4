package history

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/inquest-dev/inquest/pkg/cache"
	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/revdiff"
)

// diffCacheFile holds the diffs of the revisions compared by earlier
// builds, by the pair of versions compared, so that a build reads only
// versions it has not compared (as the fields cache does for fields), and
// the site's revision diffs need no version read either. Its name carries
// the version of the comparison: a change to revdiff's diffs renames it.
const diffCacheFile = "history-diffs-5.bin"

// diffsFormat and sinceFormat name the caches' payloads for the cache
// layer's framing (package cache: a magic line and the payload's
// checksum). Diffs 4 added each diff's summary; diffs 5 put the entries'
// heads before the packed diffs, with whether each diff shows anything.
// Both carry the section kinds' behaviour, which names a diff's sections:
// a file of another is not read, and is written anew.
const (
	diffsFormat = "inquest history diffs 5 " + postmortem.SectionsBehaviour
	sinceFormat = "inquest history since 4 " + postmortem.SectionsBehaviour
)

// pair names a comparison: the version before and the version after.
type pair [2 * 20]byte

func pairOf(prev, blob plumbing.Hash) pair {
	var p pair
	copy(p[:20], prev[:])
	copy(p[20:], blob[:])
	return p
}

// diffCache maps pairs to their diffs, packed (revdiff.Diff's
// MarshalBinary): the build holds every revision's diff from the history
// pass until its page is written, and bytes cost the garbage collector
// nothing to scan and the cache nothing to encode. The diff of a revision
// that created or deleted the file keeps its counts but no hunks: its
// text is the whole file, which the file itself shows.
type diffCache map[pair]packedDiff

// revDiffs are the diffs of revisions the history keeps, by pair, each
// with whether it shows anything.
type revDiffs map[pair]keptDiff

// keptDiff is a revision's diff, packed, and whether it shows anything
// (shows).
type keptDiff struct {
	packed packedDiff
	shows  bool
}

// shows reports whether d has something to show: a change with its lines,
// or a line summary (a Fallback). The diff of a revision that created or
// deleted the file has counts only, and one that changed nothing in the
// text (a rename) has no sections. The history knows it of each diff it
// keeps from when it compared it, or from its cache (RevisionsShown),
// and the site reads none of the packed bytes to tell.
func shows(d *revdiff.Diff) bool {
	if len(d.Sections) == 0 {
		return false
	}
	if d.Fallback != "" {
		return true
	}
	for _, s := range d.Sections {
		if len(s.Hunks) > 0 {
			return true
		}
	}
	return false
}

// packedDiff is a revdiff.Diff as MarshalBinary encodes it.
type packedDiff []byte

// diffEntries are the entries of the diff cache, by pair.
type diffEntries map[pair]cachedDiff

// cachedDiff is an entry of the diff cache: a revision's diff, packed, its
// summary, the per-section counts the revision shows
// (revdiff.Diff.Summary), encoded (appendSummary), and whether it shows
// anything (see shows). A build whose diffs are all cached then decodes
// none of them for their counts: summarising each from the packed diff
// (revdiff.SummaryBinary) walked every line of every one, 0.24 CPU-s of a
// warm 10,000-postmortem build.
type cachedDiff struct {
	summary []byte
	packed  packedDiff
	shows   bool
}

func pack(d *revdiff.Diff) packedDiff {
	b, _ := d.MarshalBinary() // never fails
	return b
}

// unpack decodes p; nil when it does not decode (a damaged cache, which
// the cache layer's checksum should have caught). The diff's texts are p's
// bytes (revdiff.UnmarshalBinaryShared): a packed diff is never changed
// once packed, in a buffer only appended to (fieldWorker.pack), of its
// own (pack), or read from a cache file (decodeDiffs, decodeSince).
func (p packedDiff) unpack() *revdiff.Diff {
	d := new(revdiff.Diff)
	if d.UnmarshalBinaryShared(p) != nil {
		return nil
	}
	return d
}

// diffCacheDir is where the diff caches are: Options.CacheDir for a load
// that keeps the fields cache too (Options.FieldsVersion, a whole build's),
// and none for one that attaches a few files at a time (serve's), which
// compares their few versions directly: reading and rewriting the diffs
// of every revision (90 MB at 10k) for each edit cost seconds.
func (r *Repo) diffCacheDir() string {
	if r.opts.FieldsVersion == "" {
		return ""
	}
	return r.opts.CacheDir
}

// readDiffCache reads the cache; any problem gives an empty one, which
// costs only time.
func (r *Repo) readDiffCache(dir string) diffEntries {
	data, err := r.readDiffsFile(filepath.Join(dir, diffCacheFile), diffsFormat)
	if err != nil {
		return nil
	}
	c, ok := decodeDiffs(data)
	if !ok {
		return nil
	}
	return c
}

// encodeDiffs lays the cache out as the number of entries and the length
// of their heads, as uvarints; the heads, one after another in pair
// order: the pair, a byte that is 1 when the diff shows anything (else 0),
// the length of the summary as a uvarint and the summary, the length of
// the packed diff as a uvarint; then the packed diffs, in the same order
// (see writeDiffsTo, which writes the cache file without it). The heads
// together are what a warm build reads of every entry, 10.2 MB of the
// 97 MB at 10,000 postmortems (34,829 entries): laid out with their
// diffs, reading them touched every page of the file in the order of
// the map.
func encodeDiffs(c diffEntries) []byte {
	var b bytes.Buffer
	_ = writeDiffsTo(&b, c) // a bytes.Buffer does not fail
	return b.Bytes()
}

// writeDiffsTo writes encodeDiffs(c) to w: the heads from one buffer,
// then each packed diff as it is (gob spent 3 CPU-s copying the 90 MB
// of a 10k corpus's diffs, and one buffer of them all 0.3 CPU-s more).
func writeDiffsTo(w io.Writer, c diffEntries) error {
	ps := sortedPairs(c)
	// Sized for every head: grown as it went, it was copied at every
	// doubling (growslice, 0.15 CPU-s of a cold 10k build).
	size := 0
	for _, e := range c {
		size += len(pair{}) + 1 + 2*binary.MaxVarintLen64 + len(e.summary)
	}
	heads := make([]byte, 0, size)
	for _, p := range ps {
		e := c[p]
		heads = append(heads, p[:]...)
		flag := byte(0)
		if e.shows {
			flag = 1
		}
		heads = append(heads, flag)
		heads = binary.AppendUvarint(heads, uint64(len(e.summary)))
		heads = append(heads, e.summary...)
		heads = binary.AppendUvarint(heads, uint64(len(e.packed)))
	}
	var start []byte
	start = binary.AppendUvarint(start, uint64(len(ps)))
	start = binary.AppendUvarint(start, uint64(len(heads)))
	for _, b := range [...][]byte{start, heads} {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	for _, p := range ps {
		if _, err := w.Write(c[p].packed); err != nil {
			return err
		}
	}
	return nil
}

// decodeDiffs reads what encodeDiffs wrote; the summaries and packed
// diffs share data, and are not decoded: the summary of an entry used
// (summaryDecoder.decode) and the packed diff of a page shown are.
func decodeDiffs(data []byte) (diffEntries, bool) {
	if len(data) == 0 {
		return diffEntries{}, true
	}
	n, k := binary.Uvarint(data)
	// Each head takes at least 43 bytes.
	if k <= 0 || n > uint64(len(data)-k)/43 {
		return nil, false
	}
	heads, packed, ok := cutBytes(data[k:])
	if !ok {
		return nil, false
	}
	c := make(diffEntries, n)
	for range n {
		p, rest, ok := cutPair(heads)
		if !ok || len(rest) == 0 || rest[0] > 1 {
			return nil, false
		}
		flag := rest[0] == 1
		sum, rest, ok := cutBytes(rest[1:])
		if !ok {
			return nil, false
		}
		size, k := binary.Uvarint(rest)
		if k <= 0 || size > uint64(len(packed)) {
			return nil, false
		}
		if _, dup := c[p]; dup {
			return nil, false // pairs are written once each, in order
		}
		c[p] = cachedDiff{summary: sum, packed: packedDiff(packed[:size:size]), shows: flag}
		heads, packed = rest[k:], packed[size:]
	}
	if len(heads) != 0 || len(packed) != 0 {
		return nil, false
	}
	return c, true
}

// appendSummary appends the encoding of a diff's summary to b: the number
// of sections as a uvarint, then each section's key and heading, each a
// uvarint length and its bytes, and its words added and removed and lines
// changed as varints.
func appendSummary(b []byte, sum []postmortem.SectionChange) []byte {
	b = binary.AppendUvarint(b, uint64(len(sum)))
	for _, s := range sum {
		for _, t := range [...]string{s.Section, s.Heading} {
			b = binary.AppendUvarint(b, uint64(len(t)))
			b = append(b, t...)
		}
		for _, n := range [...]int{s.Added, s.Removed, s.Lines} {
			b = binary.AppendVarint(b, int64(n))
		}
	}
	return b
}

// summaryDecoder decodes summaries (decode) for one goroutine,
// a worker of the history pass: keys and headings are looked up in a
// table of its own (a look-up with string(b) allocates nothing) and
// copied the first time only, where unique.Make for each was 0.03 CPU-s
// of a warm 10,000-postmortem pass; and the sections of many summaries
// share one array, cut with their capacity at their length, where one
// array each was as many allocations as revisions.
type summaryDecoder struct {
	names map[string]string
	slab  []postmortem.SectionChange
}

// summarySlab is how many sections summaryDecoder allocates at once.
const summarySlab = 256

// name is the interned copy of b.
func (d *summaryDecoder) name(b []byte) string {
	if s, ok := d.names[string(b)]; ok {
		return s
	}
	if d.names == nil {
		d.names = map[string]string{}
	}
	s := string(b)
	d.names[s] = s
	return s
}

// sections is an array of n sections of its own, cut from the slab.
func (d *summaryDecoder) sections(n int) []postmortem.SectionChange {
	if n > summarySlab/4 {
		return make([]postmortem.SectionChange, n)
	}
	if len(d.slab) < n {
		d.slab = make([]postmortem.SectionChange, summarySlab)
	}
	out := d.slab[:n:n]
	d.slab = d.slab[n:]
	return out
}

// decode reads what appendSummary wrote: nil for no sections, as
// revdiff.Diff.Summary has it. Keys and headings are interned in d's
// table: a history has few, each in many revisions, and b may be a
// mapped cache file's, which no string kept may point into. False when b
// does not decode.
func (d *summaryDecoder) decode(b []byte) ([]postmortem.SectionChange, bool) {
	n, k := binary.Uvarint(b)
	// Each section takes at least five bytes.
	if k <= 0 || n > uint64(len(b)-k)/5 {
		return nil, false
	}
	b = b[k:]
	var out []postmortem.SectionChange
	if n > 0 {
		out = d.sections(int(n))
	}
	for i := range out {
		var t [2]string
		for j := range t {
			s, rest, ok := cutBytes(b)
			if !ok {
				return nil, false
			}
			t[j], b = d.name(s), rest
		}
		var v [3]int
		for j := range v {
			x, k := binary.Varint(b)
			if k <= 0 {
				return nil, false
			}
			v[j], b = int(x), b[k:]
		}
		out[i] = postmortem.SectionChange{Section: t[0], Heading: t[1], Added: v[0], Removed: v[1], Lines: v[2]}
	}
	return out, len(b) == 0
}

// sortedPairs are the keys of m in order, so that a cache holding the
// same entries is the same file whatever the map's order (a build of the
// same repository writes the same bytes).
func sortedPairs[V any](m map[pair]V) []pair {
	ps := make([]pair, 0, len(m))
	for p := range m {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b pair) int { return bytes.Compare(a[:], b[:]) })
	return ps
}

// cutPair cuts the pair of versions an entry of a cache starts with.
func cutPair(data []byte) (p pair, rest []byte, ok bool) {
	if len(data) < len(p) {
		return p, nil, false
	}
	copy(p[:], data)
	return p, data[len(p):], true
}

// cutBytes cuts a uvarint length and that many bytes from data; the bytes
// share data's array, capped at their end.
func cutBytes(data []byte) (b, rest []byte, ok bool) {
	n, k := binary.Uvarint(data)
	if k <= 0 || n > uint64(len(data)-k) {
		return nil, nil, false
	}
	end := k + int(n)
	return data[k:end:end], data[end:], true
}

// writeDiffs rewrites the cache with the old entries and the new, less
// those of pairs no file's history at HEAD compares any more.
func (r *Repo) writeDiffs(dir string, old diffEntries, added []diffEntries) error {
	n := len(old) // the entries used are some of the old and the added
	for _, a := range added {
		n += len(a)
	}
	used := make(diffEntries, n)
	for _, m := range []map[string]*lineage{r.live, r.dead} {
		for _, lin := range m {
			for _, rv := range lin.revs {
				p := pairOf(rv.prev, rv.blob)
				if d, ok := old[p]; ok {
					used[p] = d
				}
				for _, a := range added {
					if d, ok := a[p]; ok {
						used[p] = d
					}
				}
			}
		}
	}
	return writeCacheStream(dir, diffCacheFile, diffsFormat, func(w io.Writer) error { return writeDiffsTo(w, used) }, "history-diffs-*")
}

// writeCacheFile writes payload to dir/name, framed as format by the cache
// layer, making dir when missing. Once it is written, the other files of
// dir matching earlier (none when "") are removed: caches an earlier
// version of inquest wrote in a format of their own, which no build reads
// again (the since cache's gob was 25 MB at 10,000 postmortems).
// Temporary files start with a dot and do not match.
func writeCacheFile(dir, name, format string, payload []byte, earlier string) error {
	return writeCacheWith(dir, name, earlier, func(path string) error { return cache.WriteFile(path, format, payload) })
}

// writeCacheStream is writeCacheFile of the payload write writes, in
// pieces (cache.WriteStream).
func writeCacheStream(dir, name, format string, write func(io.Writer) error, earlier string) error {
	return writeCacheWith(dir, name, earlier, func(path string) error { return cache.WriteStream(path, format, write) })
}

// writeCacheWith is writeCacheFile with write writing the file at path.
func writeCacheWith(dir, name, earlier string, write func(path string) error) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := write(filepath.Join(dir, name)); err != nil {
		return err
	}
	if earlier == "" {
		return nil
	}
	old, _ := filepath.Glob(filepath.Join(dir, earlier))
	for _, p := range old {
		if filepath.Base(p) != name {
			_ = os.Remove(p)
		}
	}
	return nil
}

// sinceCacheFile holds what changed between the versions stale sign-offs
// approved and the current ones, by pair, as diffCacheFile does for
// revisions.
const sinceCacheFile = "history-since-4.bin"

// readDiffsFile reads the payload of a cache of diffs, mapped when
// Options.MapCaches says the process may: the diffs the build keeps
// share it, and the diff cache is 88 MB at 10,000 postmortems.
func (r *Repo) readDiffsFile(name, format string) ([]byte, error) {
	if r.opts.MapCaches {
		return cache.MapFile(name, format)
	}
	return cache.ReadFile(name, format)
}

// readSinceCache reads the cache; any problem gives an empty one. Its
// entries' diffs share data, and their sections are the summary of the
// diff (walkedSince.summarize), read here, in the background for a
// whole build's load (readCachesEarly): AttachSinceApproval, which used
// to summarise the entries it used, runs on the load's own goroutine,
// all its time in the build's. An entry whose diff does not decode is
// left out, and compared again.
func (r *Repo) readSinceCache(dir string) map[pair]walkedSince {
	if dir == "" {
		return map[pair]walkedSince{}
	}
	data, err := r.readDiffsFile(filepath.Join(dir, sinceCacheFile), sinceFormat)
	if err != nil {
		return map[pair]walkedSince{}
	}
	c, ok := decodeSince(data)
	if !ok {
		return map[pair]walkedSince{}
	}
	for p, e := range c {
		if !e.summarize() {
			delete(c, p)
			continue
		}
		c[p] = e
	}
	return c
}

// encodeSince lays the since cache out as its entries one after another:
// the pair; the number of fields changed as a uvarint, then each field's
// name, old value and new value, each a uvarint length and its bytes; the
// length of the packed diff as a uvarint, the packed diff. The sections
// are not written: they are the diff's summary.
func encodeSince(c map[pair]walkedSince) []byte {
	n := 0
	for _, e := range c {
		n += len(pair{}) + 2*binary.MaxVarintLen64 + len(e.diff)
		for _, f := range e.fields {
			n += 3*binary.MaxVarintLen64 + len(f.Field) + len(f.From) + len(f.To)
		}
	}
	out := make([]byte, 0, n)
	for _, p := range sortedPairs(c) {
		e := c[p]
		out = append(out, p[:]...)
		out = binary.AppendUvarint(out, uint64(len(e.fields)))
		for _, f := range e.fields {
			for _, s := range [...]string{f.Field, f.From, f.To} {
				out = binary.AppendUvarint(out, uint64(len(s)))
				out = append(out, s...)
			}
		}
		out = binary.AppendUvarint(out, uint64(len(e.diff)))
		out = append(out, e.diff...)
	}
	return out
}

// decodeSince reads what encodeSince wrote; the packed diffs share data.
func decodeSince(data []byte) (map[pair]walkedSince, bool) {
	c := map[pair]walkedSince{}
	next := func() (b []byte, ok bool) {
		b, data, ok = cutBytes(data)
		return b, ok
	}
	for len(data) > 0 {
		p, rest, ok := cutPair(data)
		if !ok {
			return nil, false
		}
		data = rest
		n, k := binary.Uvarint(data)
		// Each field takes at least three bytes.
		if k <= 0 || n > uint64(len(data)-k)/3 {
			return nil, false
		}
		data = data[k:]
		var e walkedSince
		if n > 0 {
			e.fields = make([]postmortem.FieldChange, n)
		}
		for i := range e.fields {
			var s [3][]byte
			for j := range s {
				b, ok := next()
				if !ok {
					return nil, false
				}
				s[j] = b
			}
			e.fields[i] = postmortem.FieldChange{Field: string(s[0]), From: string(s[1]), To: string(s[2])}
		}
		d, ok := next()
		if !ok {
			return nil, false
		}
		if len(d) > 0 {
			e.diff = packedDiff(d)
		}
		c[p] = e
	}
	return c, true
}

// diff returns the per-section counts of one revision: cached, or read
// and compared within the file's budget, and keeps its diff for
// Repo.RevisionDiff. A version that cannot be read leaves the revision
// without (its field changes say why).
func (w *fieldWorker) diff(rv rev, budget *revdiff.Budget) []postmortem.SectionChange {
	w.after = nil
	p := pairOf(rv.prev, rv.blob)
	if e, ok := w.diffs[p]; ok {
		// The counts alone: the lines are decoded when the page is
		// written.
		if sum, ok := w.summaries.decode(e.summary); ok {
			w.keepDiff(p, e.packed, e.shows)
			return sum
		}
	}
	if w.vers == nil {
		w.vers = w.objs.versions(w.r)
	}
	before, err := w.vers.blob(rv.prev)
	if err != nil {
		return nil
	}
	// What the reader returns is valid until its next Recycle, which run
	// calls between files: this file's versions need no copy, nor do the
	// lines compared, as every diff of them is packed (pack copies what
	// it shows) and summarised (Summary makes its strings unique) before
	// the next file.
	bv := revdiff.NewVersionShared(before)
	// Newest first: the version after this revision is the one before
	// the revision compared last, read already.
	av, none := w.last, w.lastNone
	if av == nil || w.lastBlob != rv.blob {
		after, err := w.vers.blob(rv.blob)
		if err != nil {
			return nil
		}
		av, none = revdiff.NewVersionShared(after), after == nil
	}
	w.last, w.lastBlob, w.lastNone = bv, rv.prev, before == nil
	w.after, w.afterBlob = av, rv.blob
	if none {
		w.after = nil
	}
	if w.head == nil && w.after != nil && rv.blob == w.headBlob {
		w.head = w.after
	}
	var d *revdiff.Diff
	if before == nil || none {
		d = revdiff.CompareCounts(bv, av, budget)
	} else {
		d = revdiff.CompareVersions(bv, av, budget)
	}
	w.compared++
	packed, show := w.pack(d), shows(d)
	w.keepDiff(p, packed, show)
	if d.Fallback != "" && len(d.Sections) == 0 {
		return nil // not compared: not cached either, the budget may differ
	}
	if w.newDiffs == nil {
		// Made for the revisions not kept yet, most of them compared
		// in a cold build, rather than grown insert by insert (its
		// inserts were 0.07 CPU-s of a cold 10k build).
		w.newDiffs = make(diffEntries, max(0, w.revs-len(w.kept)))
	}
	sum := d.Summary()
	if rv.blob == w.headBlob && d.Fallback == "" && before != nil && !none {
		w.headCompared = p
	}
	w.newDiffs[p] = cachedDiff{summary: appendSummary(nil, sum), packed: packed, shows: show}
	return sum
}

// pack packs d after the diffs this worker packed before, into a buffer
// of a few hundred kilobytes shared with them: MarshalBinary made a
// buffer for each, a third larger than its diff (BinarySize's guess), and
// the build keeps every one of them until its page is written.
func (w *fieldWorker) pack(d *revdiff.Diff) packedDiff {
	need := d.BinarySize()
	if cap(w.arena)-len(w.arena) < need {
		w.arenaSize = min(max(2*w.arenaSize, minArena), maxArena)
		w.arena = make([]byte, 0, max(w.arenaSize, need))
	}
	at := len(w.arena)
	// When BinarySize guessed short, AppendBinary moves the buffer; the
	// diffs packed before keep the old one.
	w.arena, _ = d.AppendBinary(w.arena)
	return packedDiff(w.arena[at:len(w.arena):len(w.arena)])
}

// The buffers of fieldWorker.pack start small (a load that attaches one
// file, serve's, packs a few diffs) and double up to maxArena.
const (
	minArena = 16 << 10
	maxArena = 512 << 10
)

// keepDiff remembers the diff of a pair, and whether it shows anything,
// for Repo.RevisionDiff and Repo.RevisionsShown.
func (w *fieldWorker) keepDiff(p pair, d packedDiff, shows bool) {
	if w.kept == nil {
		w.kept = revDiffs{}
	}
	w.kept[p] = keptDiff{packed: d, shows: shows}
}

// RevisionDiff returns the diff of the i-th revision of the file at path,
// newest first as Revisions lists them, as AttachChanges compared it (see
// package revdiff); nil when it did not. That of a revision that created
// or deleted the file has counts and no hunks. It reads nothing from Git,
// and each call decodes a diff of its own from the packed form the
// history keeps.
func (r *Repo) RevisionDiff(path string, i int) *revdiff.Diff {
	packed, ok := r.RevisionPacked(path, i)
	if !ok {
		return nil
	}
	return packedDiff(packed).unpack()
}

// SinceDiff returns the diff from the text a stale sign-off at commit
// approved to the current text of the file at path, as
// AttachSinceApproval compared it; nil when it did not. It reads nothing
// from Git.
func (r *Repo) SinceDiff(path, commit string) *revdiff.Diff {
	packed, ok := r.SincePacked(path, commit)
	if !ok {
		return nil
	}
	return packedDiff(packed).unpack()
}
