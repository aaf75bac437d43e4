package search

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// The bounds on one search, set before any work: a query of 62 wildcard
// clauses (*a* *b* …) over the fields a bare word searches took 12 s and
// 5 GB at 10,000 incidents, 60 fuzzy words 9.6 s; with these bounds the
// worst query is answered or refused in a fraction of that (see the
// README, Security).
const (
	// MaxClauses is the most clauses a query may have.
	MaxClauses = 32
	// MaxExpanding is the most wildcard, regular expression and fuzzy
	// clauses a query may have: each one is expanded over every word of
	// the index (and, without a field, over every field words search).
	MaxExpanding = 6
	// MaxExpansion is the most indexed words those clauses of one search
	// may stand for together, over all the fields they search.
	MaxExpansion = 1000
	// MaxFrom is the most hits a request may skip.
	MaxFrom = 10000
)

// RequestError is a request that cannot be run as asked (a From past
// MaxFrom, a Limit below zero).
type RequestError struct{ Msg string }

func (e *RequestError) Error() string { return "search: " + e.Msg }

// budget is what one search may still expand. Its clauses expand one at
// a time (Bleve builds searchers in turn), but the mutex keeps it right
// should they not.
type budget struct {
	mu   sync.Mutex
	left int
	q    string // the query, for errors
}

func (b *budget) take(n int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.left < n {
		return false
	}
	b.left -= n
	return true
}

// expansion is a wildcard, regular expression or fuzzy clause on one
// field, expanded within its search's budget: it stands for the indexed
// words of the field that its pattern matches, and fails with a
// *QueryError when they are more than the budget allows. Bleve's own
// wildcard, regexp and fuzzy searchers collect every matching word first,
// without a bound or a look at the context.
type expansion struct {
	field  string
	regexp string // a regular expression (wildcards are translated)
	fuzzy  string // a word, analysed with the field's analyzer, for fuzzy
	edits  int
	and    bool // the fuzzy words all must match (a text field)
	boost  float64
	text   string // the clause as written
	// anyField is set for a clause written without a field, expanded
	// over the fields words search.
	anyField bool
	budget   *budget
}

// Searcher implements query.Query.
func (e *expansion) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	if e.regexp != "" {
		ir, ok := r.(index.IndexReaderRegexp)
		if !ok {
			return nil, fmt.Errorf("search: the index cannot expand regular expressions")
		}
		dict, err := ir.FieldDictRegexp(e.field, e.regexp)
		if err != nil {
			return nil, e.fail(fmt.Sprintf("%s cannot be searched: %v; write a simpler pattern", e.text, err))
		}
		terms, err := e.collect(ctx, dict)
		if err != nil {
			return nil, err
		}
		return e.terms(ctx, r, terms, opts)
	}
	words := []string{e.fuzzy}
	if a := m.AnalyzerNamed(m.AnalyzerNameForPath(e.field)); a != nil {
		words = words[:0]
		for _, tok := range a.Analyze([]byte(e.fuzzy)) {
			words = append(words, string(tok.Term))
		}
	}
	ir, ok := r.(index.IndexReaderFuzzy)
	if !ok {
		return nil, fmt.Errorf("search: the index cannot expand fuzzy words")
	}
	var ss []search.Searcher
	closeAll := func() {
		for _, s := range ss {
			_ = s.Close()
		}
	}
	for _, w := range words {
		dict, err := ir.FieldDictFuzzy(e.field, w, e.edits, "")
		if err != nil {
			closeAll()
			return nil, e.fail(fmt.Sprintf("%s cannot be searched: %v", e.text, err))
		}
		terms, err := e.collect(ctx, dict)
		if err == nil {
			var s search.Searcher
			if s, err = e.terms(ctx, r, terms, opts); err == nil {
				ss = append(ss, s)
			}
		}
		if err != nil {
			closeAll()
			return nil, err
		}
	}
	switch {
	case len(ss) == 0:
		return searcher.NewMatchNoneSearcher(r)
	case len(ss) == 1:
		return ss[0], nil
	case e.and:
		return searcher.NewConjunctionSearcher(ctx, r, ss, opts)
	}
	return searcher.NewDisjunctionSearcher(ctx, r, ss, 0, opts)
}

// collect reads the words a field dictionary holds, taking each from the
// budget and stopping when the context is done.
func (e *expansion) collect(ctx context.Context, dict index.FieldDict) ([]string, error) {
	defer dict.Close()
	var terms []string
	for {
		if len(terms)%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		d, err := dict.Next()
		if err != nil {
			return nil, err
		}
		if d == nil {
			return terms, nil
		}
		if !e.budget.take(1) {
			hint := "make it more specific"
			if e.anyField {
				hint += fmt.Sprintf(", or give it a field, e.g. title:%s", e.text)
			}
			return nil, e.fail(fmt.Sprintf("%s matches too many words (with the other wildcard, regular expression and fuzzy clauses, more than %d): %s",
				e.text, MaxExpansion, hint))
		}
		terms = append(terms, d.Term)
	}
}

func (e *expansion) terms(ctx context.Context, r index.IndexReader, terms []string, opts search.SearcherOptions) (search.Searcher, error) {
	if len(terms) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	return searcher.NewMultiTermSearcher(ctx, r, terms, e.field, e.boost, opts, false)
}

func (e *expansion) fail(msg string) error {
	pos := strings.Index(e.budget.q, e.text)
	return &QueryError{Query: e.budget.q, Pos: max(pos, 0), Msg: msg}
}

// bound replaces the wildcard, regular expression and fuzzy clauses of a
// query (after rewrite) with expansions sharing one budget.
func bound(q query.Query, b *budget) query.Query {
	switch x := q.(type) {
	case *query.BooleanQuery:
		for _, sub := range []query.Query{x.Must, x.Should, x.MustNot} {
			bound(sub, b)
		}
	case *query.ConjunctionQuery:
		for i, c := range x.Conjuncts {
			x.Conjuncts[i] = bound(c, b)
		}
	case *query.DisjunctionQuery:
		for i, d := range x.Disjuncts {
			x.Disjuncts[i] = bound(d, b)
		}
	case *anyField:
		for i, d := range x.disjuncts {
			x.disjuncts[i] = bound(d, b)
			if e, ok := x.disjuncts[i].(*expansion); ok {
				e.anyField = true
				e.text = e.text[strings.IndexByte(e.text, ':')+1:]
			}
		}
	case *query.WildcardQuery:
		return &expansion{field: x.FieldVal, regexp: wildcardRegexp(x.Wildcard), boost: x.Boost(), text: clauseText(x.FieldVal, x.Wildcard), budget: b}
	case *query.RegexpQuery:
		return &expansion{field: x.FieldVal, regexp: x.Regexp, boost: x.Boost(), text: clauseText(x.FieldVal, "/"+x.Regexp+"/"), budget: b}
	case *query.MatchQuery:
		if x.Fuzziness > 0 {
			f, _ := lookupField(x.FieldVal)
			return &expansion{field: x.FieldVal, fuzzy: x.Match, edits: x.Fuzziness, and: f.kind == kindText, boost: x.Boost(),
				text: clauseText("", x.Match), budget: b}
		}
	}
	return q
}

// clauseText is how a clause is written, for messages.
func clauseText(field, value string) string {
	if field == "" {
		return value
	}
	return field + ":" + value
}

// wildcardRegexp translates a wildcard as Bleve does: * is any run of
// characters, ? one character, everything else itself.
func wildcardRegexp(w string) string {
	var b strings.Builder
	for _, r := range w {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '+', '(', ')', '^', '$', '.', '{', '}', '[', ']', '|', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// checkCost refuses a query with more clauses, or more expanding clauses,
// than a search may have, before it is run.
func checkCost(q string, cs []clause) *QueryError {
	if len(cs) > MaxClauses {
		return &QueryError{Query: q, Pos: cs[MaxClauses].pos, Msg: fmt.Sprintf("a query has at most %d clauses; this one has %d", MaxClauses, len(cs))}
	}
	n := 0
	for _, c := range cs {
		v := c.value
		expanding := c.fuzzy != nil ||
			v.kind == tString && (strings.ContainsAny(v.text, "*?") || strings.HasPrefix(v.text, "/") && strings.HasSuffix(v.text, "/") && len(v.text) > 1)
		if !expanding {
			continue
		}
		if n++; n > MaxExpanding {
			return &QueryError{Query: q, Pos: c.pos, Msg: fmt.Sprintf("a query has at most %d wildcard, regular expression and fuzzy clauses", MaxExpanding)}
		}
	}
	return nil
}
