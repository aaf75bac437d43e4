package insight

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/inquest-dev/inquest/pkg/config"
	"github.com/inquest-dev/inquest/pkg/postmortem"
)

// RecurOptions configure NewRecurrence.
type RecurOptions struct {
	// Related gives the incidents that the related-incidents scoring (tags,
	// services and similar text) found for an incident; nil for none. Two
	// incidents it relates count as similar when they share a service.
	Related func(*postmortem.Incident) []*postmortem.Incident
	// Factor gives the taxonomy's spelling of a factor as written, and
	// whether the taxonomy has it (config.Config.Factor); nil compares
	// factors by config.FactorKey alone.
	Factor func(string) (string, bool)
	// Words is how many of an incident's most distinctive words are looked
	// for in earlier incidents; 0 means 8.
	Words int
}

// Match is an earlier incident that one recurs with.
type Match struct {
	Incident *postmortem.Incident
	Score    float64
	// Services, Factors and Words are what the two share: services (as the
	// later incident spells them), factors of the taxonomy, and the most
	// distinctive words of the later incident's contributing factors and
	// title that the earlier one has too (at most five).
	Services []string
	Factors  []string
	Words    []string
	// Related is true when the related-incidents scoring relates them.
	Related bool
	// Before is how long before the later incident it happened, from date
	// to date.
	Before time.Duration
}

// rdoc is one dated incident as recurrence sees it.
type rdoc struct {
	inc      *postmortem.Incident
	services []string // keys, lower case
	factors  []string // taxonomy keys
	words    []int32  // word ids, sorted
	top      []int32  // the most distinctive words, most distinctive first
	topW     float64  // the sum of their weights
}

// Recurrence finds incidents that recur: an earlier incident that shares a
// service and has similar contributing factors is "seen before". Similar
// is a share of the later incident's most distinctive words (from its
// title and Contributing Factors section) found in the earlier one: 30%
// of their weight, halved when they share a factor of the taxonomy and
// halved again when the related-incidents list relates the two.
// Near misses and investigations take part: a near miss that came before
// an outage is worth knowing. Undated incidents do not.
type Recurrence struct {
	docs   []rdoc
	pos    map[*postmortem.Incident]int
	idf    []float64
	vocab  []string
	seen   [][]Match
	after  [][]int // the later incidents that recur with each, in order
	themes []Theme
}

// maxPostings is the most earlier incidents a word finds candidates
// among; a word more of them have finds none (see match).
const maxPostings = 200

// similarWords is the share of an incident's distinctive word weight an
// earlier incident must have to count as similar on words alone.
const similarWords = 0.3

// NewRecurrence finds, for every dated incident of incs, the earlier ones
// it recurs with, and groups them into themes. The result depends on the
// incidents alone, not on their order.
func NewRecurrence(incs []*postmortem.Incident, opts RecurOptions) *Recurrence {
	if opts.Words <= 0 {
		opts.Words = 8
	}
	factorKey := func(f string) string {
		if opts.Factor != nil {
			if t, ok := opts.Factor(f); ok {
				return config.FactorKey(t)
			}
		}
		return config.FactorKey(f)
	}
	r := &Recurrence{pos: map[*postmortem.Incident]int{}}
	for _, inc := range incs {
		if inc.Date.IsZero() || inc.Broken || len(inc.Services) == 0 {
			continue
		}
		r.docs = append(r.docs, rdoc{inc: inc})
	}
	slices.SortStableFunc(r.docs, func(a, b rdoc) int {
		return cmp.Or(a.inc.Date.Compare(b.inc.Date), strings.Compare(a.inc.ID, b.inc.ID), strings.Compare(a.inc.Source, b.inc.Source))
	})
	ids := map[string]int32{}
	var df []int
	set := map[string]bool{}
	for i := range r.docs {
		d := &r.docs[i]
		r.pos[d.inc] = i
		for _, s := range d.inc.Services {
			d.services = append(d.services, strings.ToLower(strings.TrimSpace(s)))
		}
		slices.Sort(d.services)
		d.services = slices.Compact(d.services)
		for _, f := range d.inc.Factors {
			if k := factorKey(f); k != "" {
				d.factors = append(d.factors, k)
			}
		}
		slices.Sort(d.factors)
		d.factors = slices.Compact(d.factors)
		clear(set)
		words(d.inc.Title, set)
		if s := d.inc.Section(postmortem.SectionFactors); s != nil {
			words(s.Text, set)
		}
		for w := range set {
			id, ok := ids[w]
			if !ok {
				id = int32(len(r.vocab))
				ids[w] = id
				r.vocab = append(r.vocab, w)
				df = append(df, 0)
			}
			df[id]++
			d.words = append(d.words, id)
		}
		slices.Sort(d.words)
	}
	r.idf = make([]float64, len(df))
	for i, n := range df {
		r.idf[i] = math.Log(float64(len(r.docs)+1) / float64(n))
	}
	for i := range r.docs {
		d := &r.docs[i]
		// A word no other incident has says nothing of recurrence.
		d.top = slices.DeleteFunc(slices.Clone(d.words), func(w int32) bool { return df[w] < 2 })
		slices.SortFunc(d.top, func(a, b int32) int {
			return cmp.Or(cmp.Compare(r.idf[b], r.idf[a]), strings.Compare(r.vocab[a], r.vocab[b]))
		})
		d.top = d.top[:min(opts.Words, len(d.top))]
		for _, w := range d.top {
			d.topW += r.idf[w]
		}
	}
	r.match(opts)
	return r
}

// match finds every incident's earlier similar incidents, and the themes.
func (r *Recurrence) match(opts RecurOptions) {
	n := len(r.docs)
	related := make([]map[int]bool, n)
	if opts.Related != nil {
		for i := range r.docs {
			for _, o := range opts.Related(r.docs[i].inc) {
				if j, ok := r.pos[o]; ok && j != i {
					lo, hi := min(i, j), max(i, j)
					if related[hi] == nil {
						related[hi] = map[int]bool{}
					}
					related[hi][lo] = true
				}
			}
		}
	}
	// Candidates are found through what similar incidents share: a
	// service together with a factor, a distinctive word, or a related
	// link; comparing every pair that shares a service costs tens of
	// millions of comparisons at 10,000 incidents. The postings list the
	// incidents in date order, so an incident's earlier ones are a prefix
	// of each list.
	bySvcFactor := map[string][]int{}
	byWord := make([][]int, len(r.vocab))
	for i := range r.docs {
		d := &r.docs[i]
		for _, s := range d.services {
			for _, f := range d.factors {
				bySvcFactor[s+"\x00"+f] = append(bySvcFactor[s+"\x00"+f], i)
			}
		}
		for _, w := range d.words {
			byWord[w] = append(byWord[w], i)
		}
	}
	// Each incident's matches are found on its own, over the CPUs; what
	// joins them (which incidents came after which, the themes) is then
	// put together in date order, as one pass over the incidents would.
	r.seen = make([][]Match, n)
	found := make([][]int, n) // the earlier incident of each match, in r.seen's order
	workers := max(1, min(runtime.GOMAXPROCS(0), n/64))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mark := make([]int, n)
			for i := range mark {
				mark[i] = -1
			}
			var cands []int
			for i := w; i < n; i += workers {
				cands = r.candidates(i, cands[:0], mark, bySvcFactor, byWord, related[i])
				for _, j := range cands {
					if m, ok := r.compare(i, j, related[i][j]); ok {
						r.seen[i] = append(r.seen[i], m)
						found[i] = append(found[i], j)
					}
				}
			}
		}()
	}
	wg.Wait()
	r.after = make([][]int, n)
	uf := newThemeSets()
	for i := range r.docs {
		for k, j := range found[i] {
			r.after[j] = append(r.after[j], i)
			for _, s := range r.seen[i][k].Services {
				uf.union(strings.ToLower(s), i, j)
			}
		}
		slices.SortFunc(r.seen[i], func(a, b Match) int {
			return cmp.Or(cmp.Compare(b.Score, a.Score), b.Incident.Date.Compare(a.Incident.Date), strings.Compare(a.Incident.ID, b.Incident.ID))
		})
	}
	r.themes = r.group(uf)
}

// candidates appends to cands the incidents earlier than incident i that
// share a service and a factor with it, one of its distinctive words, or
// a related link, each once (mark[j] == i once j is in). A word that more
// than maxPostings earlier incidents have is left out: it finds
// candidates by the thousand and weighs little, so it is scored, not
// searched by.
func (r *Recurrence) candidates(i int, cands, mark []int, bySvcFactor map[string][]int, byWord [][]int, related map[int]bool) []int {
	d := &r.docs[i]
	add := func(j int) {
		if mark[j] != i && r.docs[j].inc.Date.Before(d.inc.Date) {
			mark[j] = i
			cands = append(cands, j)
		}
	}
	// earlier is the prefix of a posting list before incident i.
	earlier := func(ps []int) []int {
		k, _ := slices.BinarySearch(ps, i)
		return ps[:k]
	}
	for _, s := range d.services {
		for _, f := range d.factors {
			for _, j := range earlier(bySvcFactor[s+"\x00"+f]) {
				add(j)
			}
		}
	}
	for _, w := range d.top {
		ps := earlier(byWord[w])
		if len(ps) > maxPostings {
			continue
		}
		for _, j := range ps {
			add(j)
		}
	}
	for j := range related {
		add(j)
	}
	return cands
}

// compare scores earlier incident j against incident i, and says whether
// they recur: a shared service, and shared factors, similar words or a
// related link.
func (r *Recurrence) compare(i, j int, related bool) (Match, bool) {
	a, b := &r.docs[i], &r.docs[j]
	// Most candidates fail: decide first, without allocating, then
	// describe the match.
	if !sharesAny(a.services, b.services) {
		return Match{}, false
	}
	factors := sharesAny(a.factors, b.factors)
	var shared float64
	for _, w := range a.top {
		if _, ok := slices.BinarySearch(b.words, w); ok {
			shared += r.idf[w]
		}
	}
	ws := 0.0
	if a.topW > 0 {
		ws = shared / a.topW
	}
	// The taxonomy is coarse (two incidents on a busy service share
	// "change" by chance), and the related-incidents scoring counts the
	// shared service every candidate has: a shared factor or a related
	// link each halve the share of distinctive words needed; neither
	// replaces it.
	need := similarWords
	if factors {
		need /= 2
	}
	if related {
		need /= 2
	}
	if ws == 0 || ws < need {
		return Match{}, false
	}
	m := Match{Incident: b.inc, Related: related, Before: a.inc.Date.Sub(b.inc.Date)}
	for _, s := range a.inc.Services {
		if _, ok := slices.BinarySearch(b.services, strings.ToLower(strings.TrimSpace(s))); ok && !slices.Contains(m.Services, s) {
			m.Services = append(m.Services, s)
		}
	}
	for _, f := range a.factors {
		if _, ok := slices.BinarySearch(b.factors, f); ok {
			m.Factors = append(m.Factors, f)
		}
	}
	for _, w := range a.top {
		if _, ok := slices.BinarySearch(b.words, w); ok && len(m.Words) < 5 {
			m.Words = append(m.Words, r.vocab[w])
		}
	}
	m.Score = float64(len(m.Services)) + 2*float64(len(m.Factors)) + 3*ws
	if related {
		m.Score++
	}
	m.Score = math.Round(m.Score*1000) / 1000
	return m, true
}

// sharesAny says whether two sorted lists have an element in common.
func sharesAny(a, b []string) bool {
	for len(a) > 0 && len(b) > 0 {
		switch c := strings.Compare(a[0], b[0]); {
		case c == 0:
			return true
		case c < 0:
			a = a[1:]
		default:
			b = b[1:]
		}
	}
	return false
}

// SeenBefore returns the earlier incidents inc recurs with, best first, at
// most n (all when n ≤ 0).
func (r *Recurrence) SeenBefore(inc *postmortem.Incident, n int) []Match {
	i, ok := r.pos[inc]
	if !ok {
		return nil
	}
	s := r.seen[i]
	if n > 0 && len(s) > n {
		s = s[:n]
	}
	return s
}

// RecurredAfter returns the later incidents that recur with inc, oldest
// first.
func (r *Recurrence) RecurredAfter(inc *postmortem.Incident) []*postmortem.Incident {
	i, ok := r.pos[inc]
	if !ok {
		return nil
	}
	out := make([]*postmortem.Incident, len(r.after[i]))
	for k, j := range r.after[i] {
		out[k] = r.docs[j].inc
	}
	return out
}
