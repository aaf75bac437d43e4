package search

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"
)

// grammarOK reports whether lex and parseClauses accept q, and whether
// Bleve's parser does. ok is false when Bleve stopped at a date it cannot
// read, an error of the value that locate finds, before the end.
func grammarOK(q string) (ours, bleve, ok bool) {
	if strings.TrimSpace(q) == "" {
		// parseQuery matches everything before any grammar.
		return false, false, false
	}
	toks, err := lex(q)
	if err == nil {
		_, err = parseClauses(q, toks)
	}
	_, berr := query.NewQueryStringQuery(q).Parse()
	if berr != nil && strings.Contains(berr.Error(), "invalid time") {
		return false, false, false
	}
	return err == nil, berr == nil, true
}

// TestGrammarMatchesBleve checks that our grammar, which exists to put a
// position on Bleve's errors, accepts exactly what Bleve accepts.
func TestGrammarMatchesBleve(t *testing.T) {
	t.Parallel()
	for _, q := range []string{
		`tags:database`, `+a -b c`, `"x y":z`, `a~`, `a~2 b^3`, `f:>=-3`, `f:<-3.5`, `f:"x"^2`,
		`f:-3`, `f:a~1`, `3`, `3.5`, `a\:b`, `a"b`, `f:>"2024-01-01"`, `/re(g|x)/`, `ab*`, `+ a`,
		`a:`, `:a`, `a:>`, `a:>b`, `"a`, `+`, `a~x`, `2024:x`, `a:b:c`, `a:-b`, `a~1~1`, `^2`, `a^`,
		`"a"~1`, `a:>=`, `a:=3`, `1.2.3`, `a\`, `-`, `a:- 3`, `3~1`, `a::b`, `"a":"b"`, `a:>-"x"`,
	} {
		ours, bleve, ok := grammarOK(q)
		if ok && ours != bleve {
			t.Errorf("%s: our grammar accepts: %v, Bleve accepts: %v", q, ours, bleve)
		}
	}
}

// FuzzGrammar looks for queries on which our grammar and Bleve's disagree,
// and for panics in parseQuery.
func FuzzGrammar(f *testing.F) {
	for _, q := range []string{`tags:database +severity:SEV1 "connection pool" -services:auth date:>"2024-01-01"`,
		`a~1 b^2`, `f:>=-3`, `"a\"b"`, `/x/`, `a:b:c`} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if !utf8.ValidString(q) {
			return
		}
		_, _, _ = parseQuery(q)
		ours, bleve, ok := grammarOK(q)
		if ok && ours != bleve {
			t.Errorf("%q: our grammar accepts: %v, Bleve accepts: %v", q, ours, bleve)
		}
	})
}
