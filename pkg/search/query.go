package search

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/inquest-dev/inquest/pkg/internal/strdist"
)

// QueryError is a query that cannot be run, with the place to fix it.
type QueryError struct {
	// Query is the query as given.
	Query string
	// Pos is the byte offset in Query where the problem is; len(Query)
	// when something is missing at the end.
	Pos int
	// Msg says what is wrong and how to write it instead.
	Msg string
}

// Column returns the 1-based column of Pos, counting characters.
func (e *QueryError) Column() int {
	return utf8.RuneCountInString(e.Query[:min(e.Pos, len(e.Query))]) + 1
}

// Error returns the message with its column.
func (e *QueryError) Error() string {
	return fmt.Sprintf("query column %d: %s", e.Column(), e.Msg)
}

// Token kinds of Bleve's query-string lexer, which lex mirrors.
type tokKind int

const (
	tString tokKind = iota
	tPhrase
	tNumber
	tPlus
	tMinus
	tColon
	tGreater
	tLess
	tEqual
	tBoost
	tTilde
)

type token struct {
	kind tokKind
	text string // unescaped value
	pos  int    // byte offset of the token's first character
	end  int    // byte offset after the token
	// paren is the offset of the first unescaped parenthesis in a string, or -1.
	paren int
}

// lex splits a query the way Bleve's query-string lexer does, keeping
// offsets, so that errors can point at a column. Bleve's own messages
// carry none.
func lex(q string) ([]token, *QueryError) {
	var toks []token
	i := 0
	for i < len(q) {
		r, n := utf8.DecodeRuneInString(q[i:])
		var t token
		var err *QueryError
		switch {
		case r == '"':
			t, err = lexPhrase(q, i)
		case strings.ContainsRune("+-:><=", r):
			kind := map[rune]tokKind{'+': tPlus, '-': tMinus, ':': tColon, '>': tGreater, '<': tLess, '=': tEqual}[r]
			t = token{kind: kind, text: string(r), pos: i, end: i + n, paren: -1}
		case r == '^' || r == '~':
			t, err = lexModifier(q, i, r, n)
		case unicode.IsSpace(r):
			i += n
			continue
		default:
			var ok bool
			if t, ok, err = lexWord(q, i); err == nil && !ok {
				// A lone backslash at the end: Bleve drops it.
				i = t.end
				continue
			}
		}
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
		i = t.end
	}
	return toks, nil
}

// lexPhrase reads the quoted phrase that starts at q[start].
func lexPhrase(q string, start int) (token, *QueryError) {
	var b strings.Builder
	j := start + 1
	for j < len(q) {
		c, m := utf8.DecodeRuneInString(q[j:])
		if c == '\\' && j+m < len(q) {
			e, em := utf8.DecodeRuneInString(q[j+m:])
			b.WriteString(unescape(e))
			j += m + em
			continue
		}
		j += m
		if c == '"' {
			return token{kind: tPhrase, text: b.String(), pos: start, end: j, paren: -1}, nil
		}
		b.WriteRune(c)
	}
	return token{}, &QueryError{Query: q, Pos: start, Msg: `unterminated quote: close the phrase with "`}
}

// lexModifier reads the boost (^) or fuzziness (~) r, n bytes long, that
// starts at q[start]. Both run to the next unescaped space, as in Bleve.
func lexModifier(q string, start int, r rune, n int) (token, *QueryError) {
	var vb strings.Builder
	j := start + n
	for j < len(q) && q[j] != ' ' {
		c, m := utf8.DecodeRuneInString(q[j:])
		if c == '\\' {
			// A backslash at the end is dropped, as in Bleve.
			if j+m < len(q) {
				e, em := utf8.DecodeRuneInString(q[j+m:])
				vb.WriteString(unescape(e))
				j += m
				m = em
			}
			j += m
			continue
		}
		vb.WriteRune(c)
		j += m
	}
	v := vb.String()
	kind := tBoost
	if r == '~' {
		kind = tTilde
	}
	if v == "" {
		v = "1"
	}
	_, err := strconv.ParseFloat(v, 64)
	switch {
	case err != nil && kind == tBoost:
		return token{}, &QueryError{Query: q, Pos: start, Msg: fmt.Sprintf("boost %q is not a number: write e.g. title:pool^2", q[start+n:j])}
	case err != nil:
		return token{}, &QueryError{Query: q, Pos: start, Msg: fmt.Sprintf("fuzziness %q is not a number: write e.g. pool~1", q[start+n:j])}
	}
	return token{kind: kind, text: v, pos: start, end: j, paren: -1}, nil
}

// lexWord reads the word that starts at q[start]: Bleve ends it at an
// unescaped space, colon, caret or tilde only, so quotes and parentheses
// inside stay part of it. ok is false when there is no word, only a
// backslash at the end; the token's end is then past it.
func lexWord(q string, start int) (t token, ok bool, _ *QueryError) {
	var b strings.Builder
	j := start
	paren := -1
	number := true
	dot := false
	for j < len(q) {
		c, m := utf8.DecodeRuneInString(q[j:])
		if c == '\\' {
			if j+m >= len(q) {
				j += m
				break
			}
			e, em := utf8.DecodeRuneInString(q[j+m:])
			b.WriteString(unescape(e))
			number = false
			j += m + em
			continue
		}
		if c == ' ' || c == ':' || c == '^' || c == '~' {
			break
		}
		if (c == '(' || c == ')') && paren < 0 {
			paren = j
		}
		switch {
		case unicode.IsDigit(c):
		case c == '.' && !dot && j > start:
			dot = true
		default:
			number = false
		}
		b.WriteRune(c)
		j += m
	}
	if b.Len() == 0 {
		return token{end: j}, false, nil
	}
	kind := tString
	if r, _ := utf8.DecodeRuneInString(q[start:]); number && unicode.IsDigit(r) {
		kind = tNumber
		if _, err := strconv.ParseFloat(b.String(), 64); err != nil {
			// Digits of other scripts: Bleve lexes a number and then
			// cannot read it.
			return token{}, false, &QueryError{Query: q, Pos: start, Msg: fmt.Sprintf("%q is not a number that can be read: quote it to search for the text", b.String())}
		}
	}
	return token{kind: kind, text: b.String(), pos: start, end: j, paren: paren}, true, nil
}

// unescape mirrors Bleve: a backslash before a reserved character is
// dropped, before anything else it stays.
func unescape(r rune) string {
	if strings.ContainsRune(`+-=&|><!(){}[]^"~*?:\/ `, r) {
		return string(r)
	}
	return `\` + string(r)
}

// clause is one parsed clause of a query.
type clause struct {
	pos, end int
	op       tokKind // tPlus, tMinus or tString for none
	field    string  // "" for free text
	fieldPos int
	rangeOp  bool // a > or < clause
	value    token
	fuzzy    *token // the ~ after the value, if any
}

// clauseParser holds a query and its tokens for parseClauses.
type clauseParser struct {
	q    string
	toks []token
}

// at returns token i, or nil past the end.
func (p *clauseParser) at(i int) *token {
	if i < len(p.toks) {
		return &p.toks[i]
	}
	return nil
}

// fail reports msg at token i, or at the end of the query past the last.
func (p *clauseParser) fail(i int, msg string) *QueryError {
	pos := len(p.q)
	if t := p.at(i); t != nil {
		pos = t.pos
	}
	return &QueryError{Query: p.q, Pos: pos, Msg: msg}
}

// fieldValue reads what follows the field name and colon of c, from token
// i on: a range (field:>N, field:>="date"), a negative number (field:-3)
// or a value, possibly fuzzy. It returns the index of the next token.
func (p *clauseParser) fieldValue(c *clause, i int) (int, *QueryError) {
	v := p.at(i)
	if v == nil || v.kind == tPlus || v.kind == tColon || v.kind == tBoost || v.kind == tTilde || v.kind == tEqual {
		return i, p.fail(i, fmt.Sprintf("%s: needs a value right after the colon, e.g. %s:value", c.field, c.field))
	}
	switch v.kind {
	case tGreater, tLess:
		c.rangeOp = true
		i++
		if w := p.at(i); w != nil && w.kind == tEqual {
			i++
		}
		if w := p.at(i); w != nil && w.kind == tMinus {
			i++
			if n := p.at(i); n == nil || n.kind != tNumber {
				return i, p.fail(i, "a number must follow the minus sign")
			}
		}
		w := p.at(i)
		if w == nil || w.kind != tNumber && w.kind != tPhrase {
			msg := fmt.Sprintf(`a range needs a number or a quoted date: %s:>1000 or %s:>="2024-01-01"`, c.field, c.field)
			if f, ok := lookupField(c.field); ok && f.kind == kindDate {
				msg = fmt.Sprintf(`a date in a range is quoted: %s:>"2024-01-01"`, c.field)
			} else if ok && f.kind == kindNumber {
				msg = fmt.Sprintf(`a range needs a number: %s:>10`, c.field)
			}
			return i, p.fail(i, msg)
		}
		c.value = *w
		i++
	case tMinus:
		i++
		if n := p.at(i); n == nil || n.kind != tNumber {
			return i, p.fail(i-1, fmt.Sprintf("%s:- needs a number; to exclude a value write -%s:value", c.field, c.field))
		}
		c.value = *p.at(i)
		i++
	default:
		c.value = *v
		i++
		if w := p.at(i); w != nil && w.kind == tTilde {
			if v.kind != tString {
				return i, p.fail(i, "~ (fuzzy) follows a word, e.g. title:pool~1")
			}
			c.fuzzy = p.at(i)
			i++
		}
	}
	return i, nil
}

// parseClauses checks a token list against Bleve's query-string grammar,
// reporting the first token that does not fit with what was expected there.
func parseClauses(q string, toks []token) ([]clause, *QueryError) {
	p := &clauseParser{q: q, toks: toks}
	at, fail := p.at, p.fail
	if len(toks) == 0 {
		return nil, &QueryError{Query: q, Pos: 0, Msg: "nothing to search for"}
	}
	var out []clause
	for i := 0; i < len(toks); {
		c := clause{pos: toks[i].pos, op: tString}
		if k := toks[i].kind; k == tPlus || k == tMinus {
			c.op = k
			i++
			if t := at(i); t == nil || t.kind == tPlus || t.kind == tMinus {
				return nil, fail(i, fmt.Sprintf("%s must be followed by a clause, without a space: %stags:dns", toks[i-1].text, toks[i-1].text))
			}
		}
		t := at(i)
		switch {
		case t == nil:
			return nil, fail(i, "a clause is missing at the end")
		case (t.kind == tString || t.kind == tPhrase) && at(i+1) != nil && at(i+1).kind == tColon:
			c.field, c.fieldPos = t.text, t.pos
			var err *QueryError
			if i, err = p.fieldValue(&c, i+2); err != nil {
				return nil, err
			}
		case t.kind == tString || t.kind == tPhrase || t.kind == tNumber:
			c.value = *t
			i++
			if w := at(i); w != nil && w.kind == tTilde {
				if t.kind != tString {
					return nil, fail(i, "~ (fuzzy) follows a word, e.g. pool~1")
				}
				c.fuzzy = at(i)
				i++
			}
			if w := at(i); w != nil && w.kind == tColon && t.kind == tNumber {
				return nil, &QueryError{Query: q, Pos: t.pos, Msg: fmt.Sprintf("%q is not a field name", t.text)}
			}
		case t.kind == tColon:
			return nil, fail(i, "a field name is missing before the colon: tags:database")
		case t.kind == tGreater || t.kind == tLess || t.kind == tEqual:
			return nil, fail(i, fmt.Sprintf(`%s needs a field before it: customers:%s1000 or date:%s"2024-01-01"`, t.text, t.text, t.text))
		case t.kind == tBoost:
			return nil, fail(i, "^ (boost) follows a clause, e.g. title:pool^2")
		case t.kind == tTilde:
			return nil, fail(i, "~ (fuzzy) follows a word, e.g. pool~1")
		default:
			return nil, fail(i, fmt.Sprintf("unexpected %q", t.text))
		}
		if c.value.kind == tString && c.value.text == "/" && c.fuzzy == nil {
			// Bleve reads it as an empty /regexp/ and fails.
			return nil, &QueryError{Query: q, Pos: c.value.pos, Msg: `a lone / starts a regular expression: write /pattern/, or quote it: "/"`}
		}
		if w := at(i); w != nil && w.kind == tBoost {
			i++
		}
		if w := at(i); w != nil && w.kind == tColon {
			return nil, fail(i, "unexpected colon: quote values that contain one, e.g. title:\"a:b\"")
		}
		c.end = toks[i-1].end
		out = append(out, c)
	}
	return out, nil
}

// checkClauses reports clauses Bleve would accept but that cannot mean what
// was written: unknown fields, ranges on fields without an order,
// parentheses and boolean keywords, which this syntax does not have.
func checkClauses(q string, cs []clause) *QueryError {
	for _, c := range cs {
		v := c.value
		if c.field == "" && c.op == tString && v.kind == tString {
			switch v.text {
			case "AND", "&&":
				return &QueryError{Query: q, Pos: v.pos, Msg: v.text + " is not an operator here: prefix each clause that must match with +, e.g. +tags:database +severity:SEV1"}
			case "OR", "||":
				return &QueryError{Query: q, Pos: v.pos, Msg: v.text + " is not an operator here: clauses without + or - already match any of them"}
			case "NOT", "!":
				return &QueryError{Query: q, Pos: v.pos, Msg: v.text + " is not an operator here: prefix a clause with - to exclude it, e.g. -tags:dns"}
			}
		}
		if c.fuzzy != nil {
			if f, _ := strconv.ParseFloat(c.fuzzy.text, 64); f < 0 || f > 2 {
				return &QueryError{Query: q, Pos: c.fuzzy.pos, Msg: "fuzziness is 0, 1 or 2 edits: write e.g. pool~1"}
			}
		}
		if v.kind == tString && v.paren >= 0 && !(strings.HasPrefix(v.text, "/") && strings.HasSuffix(v.text, "/") && len(v.text) > 1) {
			return &QueryError{Query: q, Pos: v.paren, Msg: `parentheses do not group clauses: a query is a list of clauses, each optionally prefixed with + (must) or - (must not); write \( to search for a parenthesis`}
		}
		if c.field == "" {
			continue
		}
		f, ok := lookupField(c.field)
		if !ok {
			msg := fmt.Sprintf("unknown field %q", c.field)
			if s := suggestField(c.field); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			return &QueryError{Query: q, Pos: c.fieldPos, Msg: msg + "; fields are " + fieldList()}
		}
		switch {
		case c.rangeOp && f.kind == kindDate && v.kind == tNumber:
			return &QueryError{Query: q, Pos: v.pos, Msg: fmt.Sprintf(`%s is a date: quote it, e.g. %s:>="2024-01-01"`, c.field, c.field)}
		case c.rangeOp && f.kind == kindDate && !dateInRange(v.text):
			return &QueryError{Query: q, Pos: v.pos, Msg: fmt.Sprintf(`%s: dates in a range go from %d to %d, e.g. %s:<="2200-01-01"`, c.field, minYear, maxYear, c.field)}
		case c.rangeOp && f.kind == kindNumber && v.kind == tPhrase:
			return &QueryError{Query: q, Pos: v.pos, Msg: fmt.Sprintf("%s is a number: write e.g. %s:>10", c.field, c.field)}
		case c.rangeOp && f.kind == kindKeyword && c.field == FieldYear:
			return &QueryError{Query: q, Pos: c.fieldPos, Msg: `year has no ranges: use the date, e.g. date:>="2020-01-01"`}
		case c.rangeOp && (f.kind == kindKeyword || f.kind == kindText):
			return &QueryError{Query: q, Pos: c.fieldPos, Msg: fmt.Sprintf("%s has no order: ranges work on numbers (%s) and dates (%s)", c.field, kindList(kindNumber), kindList(kindDate))}
		case !c.rangeOp && f.kind == kindNumber && v.kind != tNumber:
			return &QueryError{Query: q, Pos: v.pos, Msg: fmt.Sprintf("%s is a number: write e.g. %s:>10 or %s:10", c.field, c.field, c.field)}
		case !c.rangeOp && f.kind == kindDate:
			return &QueryError{Query: q, Pos: c.fieldPos, Msg: fmt.Sprintf(`%s is a date: search it with a range, e.g. %s:>="2024-01-01" %s:<"2024-02-01"`, c.field, c.field, c.field)}
		}
	}
	return nil
}

// The years a date range may name: Bleve keeps dates as nanoseconds since
// 1970 in an int64, from September 1677 to April 2262.
const (
	minYear = 1678
	maxYear = 2261
)

// dateInRange reports whether a date's leading year, when it has one, is
// one a range can hold; other mistakes are Bleve's to report.
func dateInRange(v string) bool {
	v = strings.TrimSpace(v)
	i := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	if i < 4 {
		return true
	}
	y, err := strconv.Atoi(v[:i])
	return err == nil && y >= minYear && y <= maxYear
}

func fieldList() string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

func kindList(k fieldKind) string {
	var names []string
	for _, f := range fields {
		if f.kind == k {
			names = append(names, f.name)
		}
	}
	return strings.Join(names, ", ")
}

// suggestField returns the field name closest to a misspelt one, if any is
// close: "tag" → "tags", "sev" → "severity".
func suggestField(name string) string {
	name = strings.ToLower(name)
	best, bestD := "", 3
	for _, f := range fields {
		if strings.HasPrefix(f.name, name) && len(name) >= 3 {
			return f.name
		}
		if d := strdist.Levenshtein(name, f.name); d < bestD {
			best, bestD = f.name, d
		}
	}
	return best
}

// parseQuery turns a query string into a Bleve query: an empty query
// matches everything, and words without a field are expanded over the
// text and tag fields with the title weighted most. Its wildcard, regular
// expression and fuzzy clauses expand within one budget of MaxExpansion
// words; expensive says whether there are any.
func parseQuery(q string) (_ query.Query, expensive bool, _ error) {
	if strings.TrimSpace(q) == "" {
		return query.NewMatchAllQuery(), false, nil
	}
	toks, qerr := lex(q)
	if qerr != nil {
		return nil, false, qerr
	}
	cs, qerr := parseClauses(q, toks)
	if qerr != nil {
		return nil, false, qerr
	}
	if qerr := checkClauses(q, cs); qerr != nil {
		return nil, false, qerr
	}
	if qerr := checkCost(q, cs); qerr != nil {
		return nil, false, qerr
	}
	parsed, err := query.NewQueryStringQuery(q).Parse()
	if err != nil {
		return nil, false, locate(q, cs, err)
	}
	if bq, ok := parsed.(*query.BooleanQuery); ok {
		rewriteBoolean(bq)
	}
	b := &budget{left: MaxExpansion, q: q}
	parsed = bound(parsed, b)
	return parsed, b.left < MaxExpansion || hasExpansion(parsed), nil
}

// hasExpansion reports whether bound put an expansion into q.
func hasExpansion(q query.Query) bool {
	switch x := q.(type) {
	case *expansion:
		return true
	case *query.BooleanQuery:
		return hasExpansion(x.Must) || hasExpansion(x.Should) || hasExpansion(x.MustNot)
	case *query.ConjunctionQuery:
		return slices.ContainsFunc(x.Conjuncts, hasExpansion)
	case *query.DisjunctionQuery:
		return slices.ContainsFunc(x.Disjuncts, hasExpansion)
	case *anyField:
		return slices.ContainsFunc(x.disjuncts, hasExpansion)
	}
	return false
}

// locate finds the clause Bleve rejected by parsing each alone; our own
// checks have already caught what they know of.
func locate(q string, cs []clause, err error) *QueryError {
	msg := strings.TrimPrefix(err.Error(), "parse error: ")
	for _, c := range cs {
		if _, cerr := query.NewQueryStringQuery(q[c.pos:c.end]).Parse(); cerr != nil {
			msg = strings.TrimPrefix(cerr.Error(), "parse error: ")
			if strings.HasPrefix(msg, "invalid time") {
				msg += `; write dates as "2024-01-01" or "2024-01-01T09:30:00Z"`
			}
			return &QueryError{Query: q, Pos: c.value.pos, Msg: msg}
		}
	}
	return &QueryError{Query: q, Pos: 0, Msg: msg}
}

func rewriteBoolean(bq *query.BooleanQuery) {
	if c, ok := bq.Must.(*query.ConjunctionQuery); ok {
		for i, q := range c.Conjuncts {
			c.Conjuncts[i] = rewrite(q)
		}
	}
	for _, d := range []query.Query{bq.Should, bq.MustNot} {
		if d, ok := d.(*query.DisjunctionQuery); ok {
			for i, q := range d.Disjuncts {
				d.Disjuncts[i] = rewrite(q)
			}
		}
	}
}

// rewrite expands a clause without a field over the searchable fields,
// requires every word of a hyphenated or dotted value ("checkout-api"),
// and lower-cases wildcards on keyword fields, which are indexed lower-case.
func rewrite(q query.Query) query.Query {
	switch x := q.(type) {
	case *query.DisjunctionQuery:
		// A bare number: a match on the text plus a numeric range on no field.
		for i, d := range x.Disjuncts {
			x.Disjuncts[i] = rewrite(d)
		}
		return x
	case *query.MatchQuery:
		if x.FieldVal != "" {
			if f, ok := lookupField(x.FieldVal); ok && f.kind == kindText {
				x.SetOperator(query.MatchQueryOperatorAnd)
			}
			return x
		}
		return expand(true, x.Boost(), func(f fieldSpec) query.Query {
			m := *x
			m.SetField(f.name)
			if f.kind == kindText {
				m.SetOperator(query.MatchQueryOperatorAnd)
			}
			return &m
		})
	case *query.MatchPhraseQuery:
		if x.FieldVal != "" {
			if f, ok := lookupField(x.FieldVal); ok && f.kind == kindKeyword {
				return keywordMatch(x)
			}
			return x
		}
		return expand(true, x.Boost(), func(f fieldSpec) query.Query {
			if f.kind == kindKeyword {
				m := keywordMatch(x)
				m.SetField(f.name)
				return m
			}
			m := *x
			m.SetField(f.name)
			return &m
		})
	case *query.WildcardQuery:
		if x.FieldVal != "" {
			if f, ok := lookupField(x.FieldVal); ok && f.kind == kindKeyword {
				x.Wildcard = strings.ToLower(x.Wildcard)
			}
			return x
		}
		return expand(false, x.Boost(), func(f fieldSpec) query.Query {
			m := *x
			m.SetField(f.name)
			if f.kind == kindKeyword {
				m.Wildcard = strings.ToLower(m.Wildcard)
			}
			return &m
		})
	case *query.RegexpQuery:
		if x.FieldVal != "" {
			return x
		}
		return expand(false, x.Boost(), func(f fieldSpec) query.Query {
			m := *x
			m.SetField(f.name)
			return &m
		})
	}
	return q
}

// keywordMatch turns a phrase on a keyword field (owner:"Jane Doe") into a
// match: the keyword analyzer makes the phrase one term, and keyword fields
// have no term positions for a phrase search.
func keywordMatch(p *query.MatchPhraseQuery) *query.MatchQuery {
	m := query.NewMatchQuery(p.MatchPhrase)
	m.SetField(p.FieldVal)
	m.SetBoost(p.Boost())
	return m
}

// expand builds the clause for each field that words without a field
// search, weighted by the field's boost.
func expand(analysed bool, boost float64, clone func(fieldSpec) query.Query) query.Query {
	var qs []query.Query
	var text []bool
	for _, f := range fields {
		if f.boost == 0 {
			continue
		}
		q := clone(f)
		if b, ok := q.(query.BoostableQuery); ok {
			b.SetBoost(boost * f.boost)
		}
		qs = append(qs, q)
		text = append(text, f.kind == kindText)
	}
	return &anyField{disjuncts: qs, text: text, analysed: analysed}
}

// anyField matches when any of its clauses does, like a disjunction, but
// matches nothing (and so is ignored by the query string's conjunction, as
// Bleve does with its _all field) when the word is a stop word: when no
// text field's clause can match.
type anyField struct {
	disjuncts []query.Query
	text      []bool // whether each disjunct is on a text field
	// analysed is true for words and phrases, which the analyzer can
	// reduce to nothing; wildcards and regular expressions are not analysed.
	analysed bool
}

func (a *anyField) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	ss := make([]search.Searcher, 0, len(a.disjuncts))
	closeAll := func() {
		for _, s := range ss {
			_ = s.Close()
		}
	}
	textCanMatch := false
	for i, d := range a.disjuncts {
		s, err := d.Searcher(ctx, r, m, opts)
		if err != nil {
			closeAll()
			return nil, err
		}
		if _, none := s.(*searcher.MatchNoneSearcher); none {
			continue
		}
		textCanMatch = textCanMatch || a.text[i] || !a.analysed
		ss = append(ss, s)
	}
	if !textCanMatch {
		closeAll()
		return searcher.NewMatchNoneSearcher(r)
	}
	return searcher.NewDisjunctionSearcher(ctx, r, ss, 0, opts)
}
