// Package search is inquest's Bleve adapter: the index mapping shared by the
// build, the CLI, the server and the browser, the index build and its
// incremental update, queries, related incidents and terminal output.
//
// # Query language
//
// A query is Bleve's query-string syntax: a list of clauses separated by
// spaces, each optionally prefixed with + (must match) or - (must not
// match); clauses without a prefix should match (at least one of them when
// there is no + clause). A clause is a word, a "quoted phrase", or
// field:value, field:"phrase", field:>N, field:>=N, field:<N, field:<=N,
// field:>"2024-01-01" (a date range), word~1 (fuzzy), wild*card or
// /regexp/, and may end in ^boost. Parentheses do not group; AND and OR are
// plain words. Words without a field search every text field, the title
// counting most.
//
// The field names are the query language:
//
//	field              type      analysed as                     stored  notes
//	id                 keyword   lower-cased single token        yes     INC-2024-001
//	title              text      English                         yes     boosted ×3 for words without a field
//	summary            text      English                         yes     summary: front matter and the Summary section
//	impact             text      English                         yes     Impact section and impact.description
//	timeline           text      English                         yes     Timeline section (or the front-matter events)
//	factors            text      English                         yes     Contributing factors / root cause
//	lessons            text      English                         yes     Lessons learned
//	actions            text      English                         yes     Action items section as written
//	supporting         text      English                         yes     Supporting data
//	response           text      English                         yes     Incident response analysis
//	analysis           text      English                         yes     Post-incident analysis
//	body               text      English                         yes     every other section and text before the first heading
//	action_items       text      English                         no      action item titles
//	tags               keyword   lower-cased single token        yes     tags:database, faceted
//	services           keyword   lower-cased single token        yes     services:checkout-api, faceted
//	severity           keyword   lower-cased single token        yes     severity:SEV1 = severity:sev1, faceted
//	status             keyword   lower-cased single token        yes
//	owner              keyword   lower-cased single token        no      owner:"Jane Doe"
//	reviewers          keyword   lower-cased single token        no
//	year               keyword   single token                    no      year:2024, faceted
//	date               datetime  -                               yes     date:>="2024-01-01"; sortable
//	started            datetime  -                               no      RFC 3339 or YYYY-MM-DD in ranges
//	detected           datetime  -                               no
//	mitigated          datetime  -                               no
//	resolved           datetime  -                               no
//	ttd                number    -                               no      minutes from start to detection
//	ttm                number    -                               no      minutes from start to mitigation
//	ttr                number    -                               no      minutes from start to resolution
//	customers          number    -                               no      impact.customers
//	action_items_open  number    -                               no      count of open action items
//
// Keyword fields match whole values case-insensitively: tags:Database
// finds the tag "database", but tags:data does not. Wildcards and regular
// expressions on keyword fields are not lower-cased, so write them in lower
// case (tags:data*). Facets report values as written in the postmortems.
// Text fields are stemmed, so timeline:rolled finds "rolled back" and
// "rolling". Unknown field names are an error rather than an empty result.
package search

import (
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/mapping"
)

// MappingVersion identifies the index mapping and the way incidents are
// turned into documents. Bump it whenever either changes: Update rebuilds
// an index written with another version, and Open refuses it.
const MappingVersion = 1

// Field names of the index: the query language documented above.
const (
	FieldID              = "id"
	FieldTitle           = "title"
	FieldSummary         = "summary"
	FieldImpact          = "impact"
	FieldTimeline        = "timeline"
	FieldFactors         = "factors"
	FieldLessons         = "lessons"
	FieldActions         = "actions"
	FieldSupporting      = "supporting"
	FieldResponse        = "response"
	FieldAnalysis        = "analysis"
	FieldBody            = "body"
	FieldActionItems     = "action_items"
	FieldTags            = "tags"
	FieldServices        = "services"
	FieldSeverity        = "severity"
	FieldStatus          = "status"
	FieldOwner           = "owner"
	FieldReviewers       = "reviewers"
	FieldYear            = "year"
	FieldDate            = "date"
	FieldStarted         = "started"
	FieldDetected        = "detected"
	FieldMitigated       = "mitigated"
	FieldResolved        = "resolved"
	FieldTTD             = "ttd"
	FieldTTM             = "ttm"
	FieldTTR             = "ttr"
	FieldCustomers       = "customers"
	FieldActionItemsOpen = "action_items_open"
)

// Facet fields keep the values as written, so that facets show "SEV1"
// while the searchable field matches any case. They are not part of the
// query language.
const (
	facetTags     = "facet_tags"
	facetServices = "facet_services"
	facetSeverity = "facet_severity"
)

// keywordAnalyzer indexes a whole value as one lower-cased term.
const keywordAnalyzer = "inquest_keyword"

type fieldKind int

const (
	kindText fieldKind = iota
	kindKeyword
	kindDate
	kindNumber
)

type fieldSpec struct {
	name  string
	kind  fieldKind
	store bool
	// boost weighs the field when words without a field are expanded over
	// the text fields; 0 leaves the field out of that expansion.
	boost float64
}

// fields is the single definition of the index's fields, in the order of
// the table in the package comment.
var fields = []fieldSpec{
	{FieldID, kindKeyword, true, 1},
	{FieldTitle, kindText, true, 3},
	{FieldSummary, kindText, true, 1.5},
	{FieldImpact, kindText, true, 1},
	{FieldTimeline, kindText, true, 1},
	{FieldFactors, kindText, true, 1},
	{FieldLessons, kindText, true, 1},
	{FieldActions, kindText, true, 1},
	{FieldSupporting, kindText, true, 1},
	{FieldResponse, kindText, true, 1},
	{FieldAnalysis, kindText, true, 1},
	{FieldBody, kindText, true, 1},
	{FieldActionItems, kindText, false, 1},
	{FieldTags, kindKeyword, true, 2},
	{FieldServices, kindKeyword, true, 2},
	{FieldSeverity, kindKeyword, true, 0},
	{FieldStatus, kindKeyword, true, 0},
	{FieldOwner, kindKeyword, false, 0},
	{FieldReviewers, kindKeyword, false, 0},
	{FieldYear, kindKeyword, false, 0},
	{FieldDate, kindDate, true, 0},
	{FieldStarted, kindDate, false, 0},
	{FieldDetected, kindDate, false, 0},
	{FieldMitigated, kindDate, false, 0},
	{FieldResolved, kindDate, false, 0},
	{FieldTTD, kindNumber, false, 0},
	{FieldTTM, kindNumber, false, 0},
	{FieldTTR, kindNumber, false, 0},
	{FieldCustomers, kindNumber, false, 0},
	{FieldActionItemsOpen, kindNumber, false, 0},
}

// lookupField returns the specification of a query-language field.
func lookupField(name string) (fieldSpec, bool) {
	for _, f := range fields {
		if f.name == name {
			return f, true
		}
	}
	return fieldSpec{}, false
}

// NewMapping returns the index mapping. It is the one definition every
// user of an index shares, and it touches no files, so it builds for
// WebAssembly too.
func NewMapping() mapping.IndexMapping {
	im := mapping.NewIndexMapping()
	// Registering a custom analyzer cannot fail for these built-in parts.
	_ = im.AddCustomAnalyzer(keywordAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     single.Name,
		"token_filters": []string{lowercase.Name},
	})
	im.DefaultAnalyzer = en.AnalyzerName
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	doc := mapping.NewDocumentStaticMapping()
	for _, f := range fields {
		var fm *mapping.FieldMapping
		switch f.kind {
		case kindText:
			fm = mapping.NewTextFieldMapping()
			fm.Analyzer = en.AnalyzerName
			// Term vectors serve phrase queries and highlighting alike.
			fm.IncludeTermVectors = true
			fm.DocValues = false
		case kindKeyword:
			fm = mapping.NewTextFieldMapping()
			fm.Analyzer = keywordAnalyzer
			fm.IncludeTermVectors = false
			// year is searched and faceted through the same field; its
			// values have no case.
			fm.DocValues = f.name == FieldYear
		case kindDate:
			fm = mapping.NewDateTimeFieldMapping()
			// Only the date is sorted on.
			fm.DocValues = f.name == FieldDate
		case kindNumber:
			fm = mapping.NewNumericFieldMapping()
			fm.DocValues = false
		}
		fm.Store = f.store
		// Words without a field are expanded over the fields by the query
		// rewriter, so the composite _all field would only cost space.
		fm.IncludeInAll = false
		doc.AddFieldMappingsAt(f.name, fm)
	}
	for _, name := range []string{facetTags, facetServices, facetSeverity} {
		fm := mapping.NewTextFieldMapping()
		fm.Analyzer = keyword.Name
		fm.Store = false
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		fm.DocValues = true
		doc.AddFieldMappingsAt(name, fm)
	}
	im.DefaultMapping = doc
	return im
}
