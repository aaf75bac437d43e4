package revdiff

import (
	"slices"
	"sync"
)

// edit is one step of a shortest edit script between two sequences:
// keep a[i] (= b[j]), delete a[i], or insert b[j].
type edit struct {
	op   Op
	a, b int32 // positions in a and b
}

// script returns a shortest edit script turning a into b (Myers' greedy
// O((N+M)·D) algorithm, after the common prefix and suffix), or ok false
// when it would need more than maxD deletions and insertions: the caller
// then compares the two in a cheaper way. The work is bounded by the
// number of steps, not the clock, so that one input always gives one
// answer. The common prefix and suffix are compared as they are, and
// only the lines or words between them numbered (see scratch.intern).
// The script is appended to dst[:0], whose memory it may reuse.
func script(a, b []string, maxD int, dst []edit) ([]edit, bool) {
	return scriptKeeping(a, b, maxD, dst, nil)
}

// scriptKeeping is script, for a caller that has no use for a script
// that keeps no element of a that keep (when not nil) says is worth
// keeping: it gives up (ok false) without a search when b has none of
// those elements. wordDiff keeps no script that keeps no word.
func scriptKeeping(a, b []string, maxD int, dst []edit, keep func(string) bool) ([]edit, bool) {
	pre, suf := common(a, b)
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	ma, mb := sc.intern(a[pre:len(a)-suf], b[pre:len(b)-suf])
	defer func() { sc.nums[0], sc.nums[1] = ma[:0], mb[:0] }()
	n, count := unmatched(sc.count, ma, mb, sc.distinct)
	sc.count = count[:0]
	if n > maxD {
		// Every script makes at least this many edits: no need to try.
		return nil, false
	}
	if keep != nil && !sc.shares(a, pre, suf, ma, mb, keep) {
		return nil, false
	}
	out := slices.Grow(dst[:0], pre+len(ma)+len(mb)+suf)
	for i := range pre {
		out = append(out, edit{Equal, int32(i), int32(i)})
	}
	out, ok := middle(out, ma, mb, pre, maxD)
	if !ok {
		return nil, false
	}
	for k := range suf {
		out = append(out, edit{Equal, int32(pre + len(ma) + k), int32(pre + len(mb) + k)})
	}
	return out, true
}

// shares says whether b has an element of a that keep says is worth
// keeping: one in their common prefix or suffix, or one of the numbers
// ma (a's, after the prefix) that mb has too. Without one no script
// keeps any.
func (sc *scratch) shares(a []string, pre, suf int, ma, mb []int32, keep func(string) bool) bool {
	for _, s := range a[:pre] {
		if keep(s) {
			return true
		}
	}
	for _, s := range a[len(a)-suf:] {
		if keep(s) {
			return true
		}
	}
	// intern numbers ma and mb below len(ma)+len(mb). Only the elements
	// of a that b has too are asked about.
	inB := slices.Grow(sc.mark[:0], len(ma)+len(mb))[:len(ma)+len(mb)]
	clear(inB)
	sc.mark = inB[:0]
	for _, y := range mb {
		inB[y] = true
	}
	for i, x := range ma {
		if inB[x] && keep(a[pre+i]) {
			return true
		}
	}
	return false
}

// common returns the length of the common prefix of a and b, and that of
// their common suffix in what is left.
func common(a, b []string) (pre, suf int) {
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	return pre, suf
}

// middle is Myers' algorithm proper, keeping the frontier of each round
// to walk the path back. It appends the script to out, its positions
// shifted by off (the common prefix left out of a and b).
func middle(out []edit, a, b []int32, off, maxD int) ([]edit, bool) {
	n, m := len(a), len(b)
	switch {
	case n == 0:
		for j := range m {
			out = append(out, edit{Insert, int32(off), int32(off + j)})
		}
		return out, true
	case m == 0:
		for i := range n {
			out = append(out, edit{Delete, int32(off + i), int32(off)})
		}
		return out, true
	}
	if n == 1 || m == 1 {
		return single(out, a, b, off, maxD)
	}
	return myers(out, a, b, off, maxD)
}

// single is middle of sequences one of which has one element, without
// the search: Myers' algorithm then keeps that element with the first
// equal one of the other sequence, the other elements inserted (or
// deleted) around it; and when there is none, deletes before it inserts.
// TestSingle holds it to myers.
func single(out []edit, a, b []int32, off, maxD int) ([]edit, bool) {
	n, m := len(a), len(b)
	var at int
	if n == 1 {
		at = slices.Index(b, a[0])
	} else {
		at = slices.Index(a, b[0])
	}
	d := n + m
	if at >= 0 {
		d -= 2
	}
	if d > maxD {
		return nil, false
	}
	add := func(op Op, x, y int) { out = append(out, edit{op, int32(x + off), int32(y + off)}) }
	switch {
	case at < 0:
		for i := range n {
			add(Delete, i, 0)
		}
		for j := range m {
			add(Insert, n, j)
		}
	case n == 1:
		for j := range at {
			add(Insert, 0, j)
		}
		add(Equal, 0, at)
		for j := at + 1; j < m; j++ {
			add(Insert, 1, j)
		}
	default:
		for i := range at {
			add(Delete, i, 0)
		}
		add(Equal, at, 0)
		for i := at + 1; i < n; i++ {
			add(Delete, i, 1)
		}
	}
	return out, true
}

// myers is middle of two sequences neither of which is empty.
func myers(out []edit, a, b []int32, off, maxD int) ([]edit, bool) {
	n, m := len(a), len(b)
	limit := min(n+m, maxD)
	mid := limit + 1
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	v := slices.Grow(sc.v[:0], 2*limit+3)[:2*limit+3]
	clear(v)
	sc.v = v
	// trace holds the frontier before each round, for the walk back:
	// round d's 2d+1 diagonals start at d*d, one slice for all rounds.
	trace := sc.trace[:0]
	defer func() { sc.trace = trace[:0] }()
	for d := 0; d <= limit; d++ {
		trace = append(trace, v[mid-d:mid+d+1]...)
		// w[j] is v[mid+k] for diagonal k = j-d-1: diagonals -d..d are
		// j = 1, 3, …, len(w)-2, the slice bounding every index.
		w := v[mid-d-1 : mid+d+2]
		last := len(w) - 2
		// Down (an insertion) from diagonal k+1 when it reaches further
		// than right (a deletion) from k-1, else right: down on the
		// first diagonal, right on the last, between them the larger of
		// the two, without a branch the data decides.
		x := int(w[2])
		for j := 1; ; j += 2 {
			// x and y are never negative: compared as unsigned, they
			// index a and b without a bounds check.
			y := x - (j - d - 1)
			for uint(x) < uint(len(a)) && uint(y) < uint(len(b)) && a[x] == b[y] {
				x++
				y++
			}
			w[j] = int32(x)
			if x >= n && y >= m {
				return walkBack(out, trace, d, n, m, off), true
			}
			if j >= last-2 {
				if j == last {
					break
				}
				x = int(w[j+1]) + 1 // right, on the last diagonal
				continue
			}
			x = max(int(w[j+1])+1, int(w[j+3]))
		}
	}
	return nil, false
}

// scratch is the memory of one comparison, reused by the next: the
// frontiers of a word-level comparison take (D+1)² numbers, and building
// a site compares tens of thousands of versions.
type scratch struct {
	v, trace []int32
	tab      []uint64    // see intern
	keys     []string    // see intern
	toks     [2][]string // see wordDiff
	nums     [2][]int32  // see script
	count    []int32     // see unmatched
	mark     []bool      // see shares
	distinct int         // see intern
	es       []edit      // a script, see CompareVersions and wordDiff
	lines    []Line      // see align
	at       []int       // see align
	hunks    []Hunk      // see align
	secs     []Section   // see align
	first    []int       // see align
	strs     [2][]string // see appendChanged
	offs     [2][]int    // see wordDiff
	ps       [2][]piece  // see wordDiff
	starts   [2][]int    // see wordDiff
	words    [2][][]Span // see wordDiff
	spans    []Span      // see wordDiff and align
}

// keepTokens keeps the token slices of a word diff for the next one,
// without pinning this one's text.
func (sc *scratch) keepTokens(ta, tb []string) {
	clear(ta)
	clear(tb)
	sc.toks[0], sc.toks[1] = ta[:0], tb[:0]
}

// scratchPool holds scratch memory between comparisons. It only saves
// allocations: what it holds between calls is overwritten, never read.
var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// walkBack turns the frontiers of rounds 0..d into the edit script, and
// appends it to out with its positions shifted by off.
func walkBack(out []edit, trace []int32, d, n, m, off int) []edit {
	start := len(out)
	x, y := n, m
	add := func(op Op, x, y int) { out = append(out, edit{op, int32(x + off), int32(y + off)}) }
	for ; d > 0; d-- {
		prev := trace[d*d : d*d+2*d+1] // the frontier before round d, diagonals -d..d
		at := func(k int) int { return int(prev[k+d]) }
		k := x - y
		var pk int
		if k == -d || k != d && at(k-1) < at(k+1) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		for x > px && y > py {
			x--
			y--
			add(Equal, x, y)
		}
		if pk == k+1 {
			y--
			add(Insert, x, y)
		} else {
			x--
			add(Delete, x, y)
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		add(Equal, x, y)
	}
	slices.Reverse(out[start:])
	return out
}

// unmatched counts the elements of a and b that the other has fewer of,
// a lower bound of the edits of any script: each must be deleted or
// inserted. Elements are the numbers below distinct (see intern). It
// counts in count[:0], which it returns.
func unmatched(count, a, b []int32, distinct int) (int, []int32) {
	count = slices.Grow(count[:0], distinct)[:distinct]
	clear(count)
	for _, x := range a {
		count[x]++
	}
	for _, x := range b {
		count[x]--
	}
	n := 0
	for _, c := range count {
		if c < 0 {
			c = -c
		}
		n += int(c)
	}
	return n, count
}
