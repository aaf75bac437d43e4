package history

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// ItemParser reads the action items of one version of a postmortem, as
// the parser of the incidents does; *postmortem.Parser is one. It must be
// safe for concurrent use and must not retain content after it returns.
type ItemParser interface {
	ActionItems(content []byte) []postmortem.ActionItem
}

// itemState is what the history of action items needs of one item of one
// version: the key it is matched by and whether it is done.
type itemState struct {
	Key    string
	Ticket string
	Done   bool
}

// itemKey is the key an action item is matched by across the versions of
// a file: the words of its title, lower case, without Markdown (emphasis,
// strikethrough, code, a link's target: its text stays), @handles and
// dates, since those change while the item stays the same. An item's
// owner, due date, priority, status and ticket are fields of their own
// when written as the parser reads them, and not in the title.
func itemKey(title string) string {
	t := mdLinkTarget(strings.ToLower(title))
	var words []string
	for _, w := range strings.FieldsFunc(t, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '@' && r != '-' && r != '/'
	}) {
		w = strings.Trim(w, "-/")
		if w == "" || strings.HasPrefix(w, "@") || isDateWord(w) {
			continue
		}
		words = append(words, w)
	}
	return strings.Join(words, " ")
}

// mdLinkTarget drops the "(target)" of Markdown links "[text](target)".
func mdLinkTarget(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "](")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i+2:], ')')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+1])
		s = s[i+2+j+1:]
	}
}

// isDateWord reports a date written as one word: 2024-04-01, 4/1/2024,
// 01-04-2024.
func isDateWord(w string) bool {
	digits, seps := 0, 0
	for _, r := range w {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '-' || r == '/':
			seps++
		default:
			return false
		}
	}
	return seps == 2 && digits >= 4
}

// itemSimilar is how alike two keys must be, by the Dice coefficient of
// their character bigrams, for an item to be the same one edited: a word
// added or changed in a title of a few words stays above it, another item
// sharing a word or two falls below.
const itemSimilar = 0.6

// maxFuzzyPairs bounds the comparisons of one version's unmatched items
// with the last version's: a file with thousands of items is matched by
// key and ticket only.
const maxFuzzyPairs = 10000

// similarity is the Dice coefficient of the character bigrams of a and b.
func similarity(a, b string) float64 {
	if a == b {
		return 1
	}
	ba, bb := bigrams(a), bigrams(b)
	if len(ba) == 0 || len(bb) == 0 {
		return 0
	}
	counts := map[string]int{}
	for _, g := range ba {
		counts[g]++
	}
	common := 0
	for _, g := range bb {
		if counts[g] > 0 {
			counts[g]--
			common++
		}
	}
	return 2 * float64(common) / float64(len(ba)+len(bb))
}

func bigrams(s string) []string {
	r := []rune(s)
	if len(r) < 2 {
		if len(r) == 1 {
			return []string{s}
		}
		return nil
	}
	out := make([]string, 0, len(r)-1)
	for i := 0; i+1 < len(r); i++ {
		out = append(out, string(r[i:i+2]))
	}
	return out
}

// itemTrack is one action item followed through a file's versions.
type itemTrack struct {
	key, ticket   string
	opened        int // the version it first appeared in
	closed        int // the version that marked it done; -1 when none did
	done, alive   bool
	doneWhenAdded bool
}

// matchItems pairs the items of one version with the tracks of the items
// seen before, and returns, per item, its track's index (-1 for a new
// item). An item continues, in this order: a track with the same key
// (one in the last version first), one with the same ticket, or the most
// similar track of the last version (itemSimilar) that no other item of
// this version took. Matching by key first keeps two items whose titles
// only differ a little apart as long as neither is edited.
func matchItems(tracks []itemTrack, items []itemState) []int {
	match := make([]int, len(items))
	taken := make([]bool, len(tracks))
	for i := range match {
		match[i] = -1
	}
	claim := func(i int, ok func(t *itemTrack) bool) {
		best := -1
		for k := range tracks {
			if taken[k] || !ok(&tracks[k]) {
				continue
			}
			if best < 0 || tracks[k].alive && !tracks[best].alive {
				best = k
			}
		}
		if best >= 0 {
			match[i], taken[best] = best, true
		}
	}
	for i, it := range items {
		claim(i, func(t *itemTrack) bool { return t.key == it.Key })
	}
	for i, it := range items {
		if match[i] < 0 && it.Ticket != "" {
			claim(i, func(t *itemTrack) bool { return t.ticket == it.Ticket })
		}
	}
	type cand struct {
		i, k int
		s    float64
	}
	var cands []cand
	var open, free int
	for i := range items {
		if match[i] < 0 {
			open++
		}
	}
	for k := range tracks {
		if !taken[k] && tracks[k].alive {
			free++
		}
	}
	if open == 0 || free == 0 || open*free > maxFuzzyPairs {
		return match
	}
	for i, it := range items {
		if match[i] >= 0 {
			continue
		}
		for k := range tracks {
			if taken[k] || !tracks[k].alive {
				continue
			}
			if s := similarity(it.Key, tracks[k].key); s >= itemSimilar {
				cands = append(cands, cand{i, k, s})
			}
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int {
		return cmp.Or(cmp.Compare(b.s, a.s), cmp.Compare(a.i, b.i), cmp.Compare(a.k, b.k))
	})
	for _, c := range cands {
		if match[c.i] < 0 && !taken[c.k] {
			match[c.i], taken[c.k] = c.k, true
		}
	}
	return match
}

// itemLives follows action items through versions, oldest first, and
// returns the track of each item of the last version, in its order.
func itemLives(versions [][]itemState) []itemTrack {
	var tracks []itemTrack
	var last []int
	for v, items := range versions {
		match := matchItems(tracks, items)
		for k := range tracks {
			tracks[k].alive = false
		}
		for i, it := range items {
			k := match[i]
			if k < 0 {
				tracks = append(tracks, itemTrack{opened: v, closed: -1, done: it.Done, doneWhenAdded: it.Done})
				k = len(tracks) - 1
			} else {
				t := &tracks[k]
				switch {
				case it.Done && !t.done:
					t.closed, t.doneWhenAdded = v, false
				case !it.Done && t.done:
					t.closed, t.doneWhenAdded = -1, false // reopened
				}
				t.done = it.Done
			}
			// The newest wording is what the next version is compared
			// with, so that a run of small edits is followed.
			tracks[k].key, tracks[k].ticket, tracks[k].alive = it.Key, it.Ticket, true
			match[i] = k
		}
		last = match
	}
	out := make([]itemTrack, len(last))
	for i, k := range last {
		out[i] = tracks[k]
	}
	return out
}

// itemRun collects the action items of the versions of one file as the
// field worker reads them, newest first.
type itemRun struct {
	states [][]itemState // by revision, as lin.revs
	bad    bool          // a version could not be read
	// keys remembers itemKey of the titles read: the versions of a file
	// mostly repeat their items' titles.
	keys map[string]string
}

// itemStates is what the history needs of items, one version's.
func (run *itemRun) itemStates(items []postmortem.ActionItem) []itemState {
	out := make([]itemState, len(items))
	for i, a := range items {
		k, ok := run.keys[a.Title]
		if !ok {
			k = itemKey(a.Title)
			run.keys[a.Title] = k
		}
		out[i] = itemState{Key: k, Ticket: strings.ToLower(a.Ticket), Done: a.Status == postmortem.StatusDone}
	}
	return out
}

// startItems returns a run for t's file, or nil when its items are not
// wanted: no item parser, or no items in the work tree.
func (w *fieldWorker) startItems(t wanted) *itemRun {
	if w.r.opts.Items == nil || len(t.items) == 0 {
		return nil
	}
	return &itemRun{states: make([][]itemState, len(t.lin.revs)), keys: map[string]string{}}
}

// read takes the items of revision i's version: from the work tree when
// it holds that version, the cache, or the blob, parsed.
func (run *itemRun) read(w *fieldWorker, t wanted, i int) {
	blob := t.lin.revs[i].blob
	switch {
	case run.bad || blob.IsZero():
		return
	case i == 0 && t.headIsWork:
		// The work tree holds this version, and the cache its items
		// as the parse of the work tree read them (ActionItems reads
		// a version as Parse does): taken from the cache, no item's
		// key is made again (itemKey was 0.04 CPU-s of a warm
		// 10,000-postmortem pass, BenchmarkTrail).
		if s, ok := w.items[blob]; ok {
			run.states[i] = s
			return
		}
		run.states[i] = run.itemStates(t.items)
		if w.r.opts.ItemsVersion != "" {
			w.addItems(blob, run.states[i])
		}
		return
	}
	if s, ok := w.items[blob]; ok {
		run.states[i] = s
		return
	}
	if s, ok := w.newItems[blob]; ok {
		run.states[i] = s
		return
	}
	if w.vers == nil {
		w.vers = w.objs.versions(w.r)
	}
	data, err := w.vers.blob(blob)
	if err != nil {
		// Said by the field changes, which read the same versions.
		run.bad = true
		return
	}
	run.states[i] = run.itemStates(w.r.opts.Items.ActionItems(data))
	if w.r.opts.ItemsVersion != "" {
		w.addItems(blob, run.states[i])
	}
}

func (w *fieldWorker) addItems(blob plumbing.Hash, s []itemState) {
	if w.newItems == nil {
		w.newItems = itemsCache{}
	}
	if s == nil {
		s = []itemState{}
	}
	w.newItems[blob] = s
}

// finish follows the items through the versions, oldest first, and then
// the work tree's when it differs from the newest, and dates each item of
// the work tree; nil when a version could not be read.
func (run *itemRun) finish(r *Repo, t wanted) []postmortem.ItemLife {
	if run.bad {
		return nil
	}
	n := len(t.lin.revs)
	versions := make([][]itemState, 0, n+1)
	for i := n - 1; i >= 0; i-- {
		versions = append(versions, run.states[i])
	}
	if !t.headIsWork {
		versions = append(versions, run.itemStates(t.items))
	}
	tracks := itemLives(versions)
	out := make([]postmortem.ItemLife, len(tracks))
	at := func(v int) (time.Time, string) {
		c := &r.commits[t.lin.revs[n-1-v].c]
		return c.Author.When(), c.Hash.String()
	}
	for i, tr := range tracks {
		if tr.opened >= n {
			continue // written since the last commit
		}
		out[i].Opened, out[i].OpenedCommit = at(tr.opened)
		if tr.closed >= 0 && tr.closed < n {
			out[i].Closed, out[i].ClosedCommit = at(tr.closed)
		}
		out[i].DoneWhenAdded = tr.doneWhenAdded && tr.done
		out[i].InFirstVersion = tr.opened == 0
	}
	return out
}
