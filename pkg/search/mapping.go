// Package search is the query side of inquest's Bleve adapter: the index
// mapping and the Document every index holds, shared by the CLI, the
// server and the browser's WebAssembly runtime; the query language and the
// bounds on what one search may cost; Open, Search and Verify; the one
// result shape (Result, in Go and as JSON); and terminal output. It knows
// nothing of postmortems: package indexer turns incidents into Documents
// and writes the indexes, so that a change to the domain model does not
// change the WebAssembly runtime, which compiles this package.
//
// # Query language
//
// A query is Bleve's query-string syntax: a list of clauses separated by
// spaces, each optionally prefixed with + (must match) or - (must not
// match). Clauses without a prefix should match: when there is no +
// clause at least one of them must, otherwise they only rank. A clause is
// a word, a "quoted phrase", field:value, field:"phrase", a range
// (field:>N, field:>=N, field:<N, field:<=N, field:>="2024-01-01"),
// word~1 (fuzzy), wild*card or /regexp/, optionally followed by ^boost.
// Parentheses do not group, and AND, OR and NOT are not operators; all of
// them are reported as errors rather than silently searched for. An empty
// query matches every incident.
//
// Words and phrases without a field search id, title (weight 3), summary
// (1.5), every section field, action_items, tags and services (2), so a
// title match ranks first. Every part of a hyphenated word such as
// checkout-api must occur in a text field for it to match there.
//
// The field names are the query language (stored fields come back in
// results; stored text fields also give highlighted fragments):
//
//	field              type      analysed as               stored  notes
//	id                 keyword   whole value, lower-cased  yes     id:INC-2024-001
//	title              text      English (stemmed)         yes
//	summary            text      English                   yes     front-matter summary and the Summary section
//	impact             text      English                   yes     Impact section and impact.description
//	timeline           text      English                   yes     Timeline section (or the front-matter events)
//	factors            text      English                   yes     Contributing factors, root cause, five whys
//	lessons            text      English                   yes     Lessons learned, what went well/wrong
//	actions            text      English                   yes     the Action items section as written
//	supporting         text      English                   yes     Supporting data
//	response           text      English                   yes     Incident response analysis
//	analysis           text      English                   yes     Post-incident analysis
//	body               text      English                   yes     other sections and text before the first heading
//	action_items       text      English                   no      action item titles, wherever written
//	tags               keyword   whole value, lower-cased  yes     tags:database; faceted
//	services           keyword   whole value, lower-cased  yes     services:checkout-api; faceted
//	severity           keyword   whole value, lower-cased  yes     severity:SEV1 or severity:sev1; faceted
//	status             keyword   whole value, lower-cased  yes     status:draft
//	owner              keyword   whole value, lower-cased  no      owner:"Jane Doe"
//	reviewers          keyword   whole value, lower-cased  no      reviewers:"Sam Lee"
//	year               keyword   whole value               no      year:2024; faceted
//	date               datetime  -                         yes     date:>="2024-01-01"; sortable
//	started            datetime  -                         no      started:<"2024-01-01T09:00:00Z"
//	detected           datetime  -                         no
//	mitigated          datetime  -                         no
//	resolved           datetime  -                         no
//	ttd                number    -                         no      minutes from start to detection: ttd:>30
//	ttm                number    -                         no      minutes from start to mitigation
//	ttr                number    -                         no      minutes from start to resolution
//	customers          number    -                         no      impact.customers: customers:>1000
//	action_items_open  number    -                         no      open action items: action_items_open:>0
//
// Keyword fields match whole values and ignore case: tags:Database finds
// the tag "database", tags:data does not, tags:data* does (wildcards on
// keyword fields are lower-cased; regular expressions are not). Facets
// report values as written in the postmortems. Text fields are stemmed:
// timeline:rolled finds "rolled back" and "rolling". Sections nested under
// a recognised section count as part of it. Dates in ranges are
// "2024-01-01" or RFC 3339 and are UTC unless they say otherwise; date is
// a civil date at 00:00 UTC. Date and number fields take ranges (or, for
// numbers, exact values) only, and an unknown field name is an error, so
// that a typo does not look like an empty result.
//
// # Index directory
//
// An index is a Bleve (scorch) directory plus fingerprints.json, which
// records MappingVersion, a fingerprint of each incident's document for
// indexer.Update and a checksum of every file for Verify. indexer.Build
// writes a new directory beside the old one and renames it into place.
package search

import (
	"slices"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/mapping"
)

// MappingVersion identifies the index mapping and the way incidents are
// turned into documents (package indexer). Bump it whenever either
// changes: indexer.Update rebuilds an index written with another version,
// and Open refuses it.
const MappingVersion = 2

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
func NewMapping() mapping.IndexMapping { return newMapping(false) }

// NewBrowserMapping returns the mapping of the index a static site ships:
// NewMapping, but storing only the fields a Hit is made of and the
// summary, for its fragments.
func NewBrowserMapping() mapping.IndexMapping { return newMapping(true) }

// browserStored are the fields a browser index stores: those a Hit is made
// of, plus the summary for highlighted fragments. Storing a field changes
// neither matching nor scoring, so a browser index finds and ranks exactly
// what the full index does; only fragments of other fields are missing.
var browserStored = append([]string{FieldSummary}, storedFields...)

// newMapping returns the index mapping; browser stores only browserStored.
func newMapping(browser bool) mapping.IndexMapping {
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
		fm.Store = f.store && (!browser || slices.Contains(browserStored, f.name))
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
	// Words without a field are expanded over the fields by the query
	// rewriter, so the composite _all field would only cost time and space.
	doc.AddSubDocumentMapping("_all", mapping.NewDocumentDisabledMapping())
	im.DefaultMapping = doc
	return im
}
