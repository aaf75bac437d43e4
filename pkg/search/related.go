package search

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/inquest-dev/inquest/pkg/postmortem"
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

// Related returns up to n incidents most like inc: sharing its tags and
// services, and the most distinctive words of its title and summary. inc
// itself is left out; it need not be in the index.
func (ix *Index) Related(ctx context.Context, inc *postmortem.Incident, n int) ([]Hit, error) {
	if n <= 0 {
		return nil, nil
	}
	var should []query.Query
	add := func(field, term string, boost float64) {
		q := query.NewTermQuery(term)
		q.SetField(field)
		q.SetBoost(boost)
		should = append(should, q)
	}
	// Keyword terms go through the index's analyzer: lower-cased.
	kw := ix.idx.Mapping().AnalyzerNamed(keywordAnalyzer)
	if kw == nil {
		return nil, fmt.Errorf("related to %s: analyzer %s missing", inc.ID, keywordAnalyzer)
	}
	for _, t := range inc.Tags {
		for _, tok := range kw.Analyze([]byte(t)) {
			add(FieldTags, string(tok.Term), relatedTagBoost)
		}
	}
	for _, s := range inc.Services {
		for _, tok := range kw.Analyze([]byte(s)) {
			add(FieldServices, string(tok.Term), relatedServiceBoost)
		}
	}
	terms, err := ix.distinctiveTerms(ctx, inc)
	if err != nil {
		return nil, fmt.Errorf("related to %s: %w", inc.ID, err)
	}
	for _, t := range terms {
		add(FieldTitle, t, relatedTitleBoost)
		add(FieldSummary, t, relatedSummaryBoost)
	}
	if len(should) == 0 {
		return []Hit{}, nil
	}
	q := query.NewBooleanQuery(nil, should, []query.Query{query.NewDocIDQuery([]string{inc.ID})})
	res, err := ix.run(ctx, q, Request{Limit: n}, "score")
	if err != nil {
		return nil, fmt.Errorf("related to %s: %w", inc.ID, err)
	}
	return res.Hits, nil
}

// distinctiveTerms returns the analysed words of inc's title and summary
// that best tell it apart: frequent in it, rare in the index (tf·idf).
// Words no other incident has, or that half of them have, are skipped.
func (ix *Index) distinctiveTerms(ctx context.Context, inc *postmortem.Incident) ([]string, error) {
	an := ix.idx.Mapping().AnalyzerNamed(en.AnalyzerName)
	if an == nil {
		return nil, fmt.Errorf("analyzer %s missing", en.AnalyzerName)
	}
	tf := map[string]float64{}
	var order []string
	count := func(text string, weight float64) {
		for _, tok := range an.Analyze([]byte(text)) {
			t := string(tok.Term)
			if len(t) < 3 {
				continue
			}
			if _, seen := tf[t]; !seen {
				order = append(order, t)
			}
			tf[t] += weight
		}
	}
	count(inc.Title, 2)
	count(inc.Summary, 1)
	if len(order) == 0 {
		return nil, nil
	}
	adv, err := ix.idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	total, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	// When inc is indexed its own words count once in every frequency.
	self := uint64(0)
	if d, err := r.Document(inc.ID); err == nil && d != nil {
		self = 1
	}
	type scored struct {
		term  string
		score float64
		first int
	}
	var cands []scored
	for i, t := range order {
		var df uint64
		for _, field := range []string{FieldTitle, FieldSummary} {
			tfr, err := r.TermFieldReader(ctx, []byte(t), field, false, false, false)
			if err != nil {
				return nil, err
			}
			df = max(df, tfr.Count())
			_ = tfr.Close()
		}
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
	return out, nil
}
