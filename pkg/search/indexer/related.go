package indexer

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/inquest-dev/inquest/pkg/postmortem"
	"github.com/inquest-dev/inquest/pkg/search"
)

// Weights of what makes incidents related: a shared tag or service counts
// for more than a shared word.
const (
	relatedTagBoost     = 3
	relatedServiceBoost = 3
	relatedTitleBoost   = 1.5
	relatedSummaryBoost = 1
	// relatedTerms is how many of the incident's most distinctive title
	// and summary words are looked for.
	relatedTerms = 12
)

// The fields related incidents are scored on, as prefixes of posting keys.
const (
	relTags byte = iota
	relServices
	relTitle
	relSummary
	relFields
)

// Relations finds related incidents among a set of incidents. It scores
// them as the search index scores a query of an incident's tags, services
// and most distinctive words (Bleve's TF-IDF), but in memory and from the
// set alone. An index's scores depend on its history: Bleve sums the
// scores of a document's matching terms in an order that follows its
// internal document numbers, so equal scores come out a few units in the
// last place apart, one way in an index updated in place and another in
// one built anew, and ties are no longer broken by id. Related incidents
// must be the same on every build of the same postmortems.
//
// Words are those of the title and of the summary as the incident states
// it (Incident.Summary), not the whole Summary section the index holds,
// whose later paragraphs are often boilerplate. A Relations is safe for
// concurrent use.
type Relations struct {
	docs []relDoc
	byID map[string]int
	post map[string]*relPosting
	text analysis.Analyzer
	kw   analysis.Analyzer
	// scratch holds a *relScratch per concurrent call of Related.
	scratch sync.Pool
}

// relDoc is one incident of the set.
type relDoc struct {
	inc   *postmortem.Incident
	terms relTerms
}

// relPosting lists the incidents with a term in a field, in order, and
// what each adds to the score of a clause looking for the term, but the
// clause's weight: √(term frequency) times the field norm, 1/√(number of
// terms in the field), as Bleve scores.
type relPosting struct {
	docs   []int32
	weight []float64
}

// relScratch is the per-call state of Related.
type relScratch struct {
	score   []float64
	matched []int32
}

// relTerms are the analysed terms of an incident, by field, in order.
type relTerms [relFields][]string

// NewRelations indexes incs in memory for Related. Broken incidents, those
// without an id and those repeating an earlier id are left out, as from
// the search index.
func NewRelations(incs []*postmortem.Incident) *Relations {
	// Words and tags are analysed as the index analyses them.
	m := search.NewMapping()
	r := &Relations{
		byID: map[string]int{},
		post: map[string]*relPosting{},
		text: m.AnalyzerNamed(m.AnalyzerNameForPath(search.FieldTitle)),
		kw:   m.AnalyzerNamed(m.AnalyzerNameForPath(search.FieldTags)),
	}
	// Numbered by id, documents with equal scores are ordered by number.
	incs = slices.SortedStableFunc(slices.Values(indexable(incs)), func(a, b *postmortem.Incident) int {
		return strings.Compare(a.ID, b.ID)
	})
	r.docs = make([]relDoc, len(incs))
	for i, inc := range incs {
		r.docs[i] = relDoc{inc, r.terms(inc)}
	}
	tf := map[string]float64{}
	for i := range r.docs {
		d := &r.docs[i]
		r.byID[d.inc.ID] = i
		for f, ts := range d.terms {
			clear(tf)
			for _, t := range ts {
				tf[t]++
			}
			norm := 1 / math.Sqrt(float64(len(ts)))
			for t, n := range tf {
				key := relKey(byte(f), t)
				p := r.post[key]
				if p == nil {
					p = &relPosting{}
					r.post[key] = p
				}
				p.docs = append(p.docs, int32(i))
				p.weight = append(p.weight, math.Sqrt(n)*norm)
			}
		}
	}
	r.scratch.New = func() any {
		return &relScratch{score: make([]float64, len(r.docs)), matched: make([]int32, len(r.docs))}
	}
	return r
}

// terms analyses the fields of inc as the index mapping does.
func (r *Relations) terms(inc *postmortem.Incident) relTerms {
	var out relTerms
	for _, t := range inc.Tags {
		for _, tok := range r.kw.Analyze([]byte(t)) {
			out[relTags] = append(out[relTags], string(tok.Term))
		}
	}
	for _, s := range inc.Services {
		for _, tok := range r.kw.Analyze([]byte(s)) {
			out[relServices] = append(out[relServices], string(tok.Term))
		}
	}
	for _, tok := range r.text.Analyze([]byte(inc.Title)) {
		out[relTitle] = append(out[relTitle], string(tok.Term))
	}
	for _, tok := range r.text.Analyze([]byte(inc.Summary)) {
		out[relSummary] = append(out[relSummary], string(tok.Term))
	}
	return out
}

func (r *Relations) df(field byte, term string) int {
	if p := r.post[relKey(field, term)]; p != nil {
		return len(p.docs)
	}
	return 0
}

// Related returns up to n incidents of the set most like inc, best first:
// sharing its tags and services, and the most distinctive words of its
// title and summary. Equal scores are ordered by id. inc itself (any
// incident with its id) is left out; it need not be in the set.
func (r *Relations) Related(inc *postmortem.Incident, n int) []*postmortem.Incident {
	if n <= 0 || len(r.docs) == 0 {
		return nil
	}
	type clause struct {
		field byte
		term  string
		boost float64
	}
	var clauses []clause
	self, inSet := r.byID[inc.ID]
	var terms relTerms
	if inSet && r.docs[self].inc == inc {
		terms = r.docs[self].terms
	} else {
		terms = r.terms(inc)
	}
	add := func(field byte, term string, boost float64) {
		if !slices.Contains(clauses, clause{field, term, boost}) {
			clauses = append(clauses, clause{field, term, boost})
		}
	}
	for _, t := range terms[relTags] {
		add(relTags, t, relatedTagBoost)
	}
	for _, s := range terms[relServices] {
		add(relServices, s, relatedServiceBoost)
	}
	for _, t := range r.distinctiveTerms(inc, terms) {
		add(relTitle, t, relatedTitleBoost)
		add(relSummary, t, relatedSummaryBoost)
	}
	if len(clauses) == 0 {
		return []*postmortem.Incident{}
	}

	// Bleve's TF-IDF: a clause scores boost·idf·queryNorm (the query
	// weight) times √tf·idf·fieldNorm, and the sum over the matching
	// clauses is scaled by the share of clauses that match. Each
	// document's scores are added in clause order, so equal documents get
	// equal sums.
	total := float64(len(r.docs))
	idf := make([]float64, len(clauses))
	var sumSq float64
	for i, c := range clauses {
		idf[i] = 1 + math.Log(total/float64(r.df(c.field, c.term)+1))
		w := c.boost * idf[i]
		sumSq += w * w
	}
	queryNorm := 1 / math.Sqrt(sumSq)
	s := r.scratch.Get().(*relScratch)
	defer r.scratch.Put(s)
	for i, c := range clauses {
		p := r.post[relKey(c.field, c.term)]
		if p == nil {
			continue
		}
		w := c.boost * idf[i] * queryNorm * idf[i]
		for k, j := range p.docs {
			s.matched[j]++
			s.score[j] += w * p.weight[k]
		}
	}
	// Keep the n best in one pass instead of sorting every candidate:
	// popular tags make thousands of candidates per incident.
	type cand struct {
		doc   int
		score float64
	}
	byRank := func(a, b cand) int { return cmp.Or(cmp.Compare(b.score, a.score), a.doc-b.doc) }
	top := make([]cand, 0, n+1)
	for j, m := range s.matched {
		if m == 0 {
			continue
		}
		c := cand{j, s.score[j] * (float64(m) / float64(len(clauses)))}
		s.score[j], s.matched[j] = 0, 0
		if inSet && j == self {
			continue
		}
		if i, _ := slices.BinarySearchFunc(top, c, byRank); i < n {
			top = slices.Insert(top, i, c)[:min(len(top)+1, n)]
		}
	}
	out := make([]*postmortem.Incident, len(top))
	for i, c := range top {
		out[i] = r.docs[c.doc].inc
	}
	return out
}

// distinctiveTerms returns the analysed words of inc's title and summary
// that best tell it apart: frequent in it, rare in the set (tf·idf).
// Words no other incident has, or that half of them have, are skipped.
func (r *Relations) distinctiveTerms(inc *postmortem.Incident, terms relTerms) []string {
	tf := map[string]float64{}
	var order []string
	count := func(ts []string, weight float64) {
		for _, t := range ts {
			if len(t) < 3 {
				continue
			}
			if _, seen := tf[t]; !seen {
				order = append(order, t)
			}
			tf[t] += weight
		}
	}
	count(terms[relTitle], 2)
	count(terms[relSummary], 1)
	total := len(r.docs)
	// When inc is in the set its own words count once in every frequency.
	self := 0
	if _, ok := r.byID[inc.ID]; ok {
		self = 1
	}
	type scored struct {
		term  string
		score float64
		first int
	}
	var cands []scored
	for i, t := range order {
		df := max(r.df(relTitle, t), r.df(relSummary, t))
		if df <= self || df > total/2 {
			continue
		}
		idf := math.Log(1 + float64(total)/float64(df))
		cands = append(cands, scored{t, tf[t] * idf, i})
	}
	slices.SortFunc(cands, func(a, b scored) int {
		return cmp.Or(cmp.Compare(b.score, a.score), a.first-b.first)
	})
	out := make([]string, 0, relatedTerms)
	for _, c := range cands[:min(len(cands), relatedTerms)] {
		out = append(out, c.term)
	}
	return out
}

// relKey is the posting key of a term in a field.
func relKey(field byte, term string) string { return string(rune(field)) + term }
